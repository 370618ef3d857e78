"""``dailypapers reindex``: rebuild the keyword index from the papers table."""

from typing import Any

from django.core.management.base import BaseCommand

from dailypapers.papers.models import Paper
from dailypapers.search.keyword import backend


class Command(BaseCommand):
    help = "Rebuild the keyword search index from the papers table (safe to run at any time)."

    def handle(self, *args: Any, **options: Any) -> None:
        backend().rebuild()
        self.stdout.write(f"keyword index rebuilt over {Paper.objects.count()} papers")
