"""Papers, authors, organizations and the daily lists; their pages and ingest commands."""

from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "dailypapers.papers"
    label = "papers"
