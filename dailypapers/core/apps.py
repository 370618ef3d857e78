"""The site's shell: layout, CLI commands that belong to no domain app (serve), and checks."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dailypapers.core"
    label = "core"
