"""Email digests: subscriptions, what each digest holds, and the worker that mails them."""

from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "dailypapers.digests"
    label = "digests"
