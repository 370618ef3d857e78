"""``dailypapers export FILE``: write the whole instance to one file, to move it to another
database (``dailypapers import instance FILE``); see ``core/instance.py`` and docs/cli.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dailypapers.core.instance import export_instance


class Command(BaseCommand):
    help = (
        "Export the whole instance (papers, users, votes, comments, subscriptions, "
        "checkpoints...) to FILE (gzipped JSON lines with counts and checksums)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(label: str, count: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{label}: {count}")

        manifest = export_instance(options["file"], progress)
        rows = sum(entry["count"] for entry in manifest["models"].values())
        self.stdout.write(
            f"exported {rows} rows of {len(manifest['models'])} models to {options['file']}"
        )
