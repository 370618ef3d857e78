"""The reader's own corner: library, imports, follows, "For you" and its private feeds."""

from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "dailypapers.library"
    verbose_name = "library and follows"
