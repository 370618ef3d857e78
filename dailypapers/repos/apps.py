"""Code repositories of papers: GitHub stars fetched on a schedule, trending by code activity."""

from django.apps import AppConfig


class ReposConfig(AppConfig):
    name = "dailypapers.repos"
    label = "repos"
