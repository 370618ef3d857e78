"""Discussions: comments on papers, their Markdown, reports and moderation."""

from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "dailypapers.discussions"
    label = "discussions"
