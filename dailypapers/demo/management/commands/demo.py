"""``dailypapers demo load``: fill the database with the bundled real papers (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from dailypapers.demo import bundle
from dailypapers.papers.models import Paper
from dailypapers.search import keyword


class Command(BaseCommand):
    help = "Work with the bundled demo papers."

    def add_arguments(self, parser: CommandParser) -> None:
        # A positional action rather than subparsers, so -v and --settings work anywhere.
        parser.add_argument(
            "action",
            choices=["load"],
            help="load: save the bundled papers and daily lists; running it again changes nothing.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already holds papers (used by bin/serve).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Paper.objects.exists():
            self.stdout.write("the database already holds papers; nothing loaded")
            return
        with tqdm(desc="demo papers", unit="paper", disable=options["verbosity"] == 0) as progress:
            papers, entries = bundle.load(progress)
        keyword.catch_up()  # the site's first search need not index the demo papers
        self.stdout.write(f"papers: {papers}; daily entries: {entries}")
