"""Finding papers: the keyword index (tantivy on SQLite, tsvector on PostgreSQL), query
parsing, ranking; the reindex command."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "dailypapers.search"
    label = "search"
