"""Finding papers: the keyword index (FTS5), query parsing, ranking; the reindex command."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "dailypapers.search"
    label = "search"
