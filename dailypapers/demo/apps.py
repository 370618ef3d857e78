"""The bundled real papers that fill a fresh instance (see data/README.md for their origin)."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dailypapers.demo"
    label = "demo"
