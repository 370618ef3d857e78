"""Collections: a user's named lists of papers, public or private."""

from django.apps import AppConfig


class CollectionsConfig(AppConfig):
    name = "dailypapers.collections"
    label = "paper_collections"  # "collections" reads like the standard library's module
    verbose_name = "collections"
