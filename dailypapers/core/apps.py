"""The site's shell: layout, CLI commands that belong to no domain app (serve), and the
system checks of our own settings (``checks.py``)."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dailypapers.core"
    label = "core"

    def ready(self) -> None:
        from dailypapers.core import checks  # noqa: F401 (registers the checks)
