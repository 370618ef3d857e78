"""``dailypapers import snapshot FILE``: import the arXiv metadata snapshot, restartably.
``dailypapers import instance FILE``: load a whole instance written by ``dailypapers export``
(``core/instance.py``) into a freshly migrated, empty database, verified by counts and
checksums."""

from __future__ import annotations

import resource
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from dailypapers.core.instance import InstanceError, import_instance
from dailypapers.papers.ingest.keyword_alongside import START_AFTER
from dailypapers.papers.ingest.snapshot_import import file_size, import_snapshot
from dailypapers.search import keyword


class Command(BaseCommand):
    help = (
        "Import data files. snapshot: the arXiv metadata snapshot (JSON lines, plain or .gz); "
        "instance: a whole instance written by `dailypapers export`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["snapshot", "instance"], help="what FILE holds")
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument(
            "--categories",
            help="comma-separated arXiv categories to keep (e.g. cs.AI,cs.CL); default: all",
        )
        parser.add_argument(
            "--restart", action="store_true", help="start from the first line again"
        )
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--index-beside-after",
            type=int,
            default=START_AFTER,
            metavar="N",
            help="once N papers are stored, build the keyword index in a third process "
            f"while the import goes on (default {START_AFTER:,}; 0: only after the import)",
        )
        parser.add_argument(
            "--one-process",
            action="store_true",
            help="read and parse the snapshot in this process too (default: a second one)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if options["kind"] == "instance":
            self.import_instance(path)
            return
        categories = [c.strip() for c in (options["categories"] or "").split(",") if c.strip()]
        started, cpu_started = time.perf_counter(), time.process_time()
        with tqdm(
            total=file_size(path),
            unit="B",
            unit_scale=True,
            desc=path.name,
            disable=options["verbosity"] == 0,
        ) as bar:

            def advance(offset: int) -> None:
                bar.update(offset - bar.n)

            result = import_snapshot(
                path,
                categories=categories or None,
                restart=options["restart"],
                batch_size=options["batch_size"],
                on_batch=advance,
                in_child=not options["one_process"],
                index_beside_after=None
                if options["one_process"] or options["index_beside_after"] <= 0
                else options["index_beside_after"],
            )
        writing = time.process_time() - cpu_started
        report = result.report
        resumed = (
            f" (resumed at line {result.resumed_from_line})" if result.resumed_from_line > 1 else ""
        )
        self.stdout.write(
            f"snapshot{resumed}: {report.lines_read} lines, papers {result.counts}, "
            f"{report.filtered_out} filtered out, {report.malformed} malformed "
            f"({time.perf_counter() - started:.1f} s; CPU: {writing:.1f} s writing, "
            f"{_children_cpu():.1f} s reading and indexing beside)"
        )
        self.index_keywords()

    def import_instance(self, path: Path) -> None:
        try:
            manifest = import_instance(path)
        except InstanceError as error:
            raise CommandError(str(error)) from None
        rows = sum(entry["count"] for entry in manifest["models"].values())
        self.stdout.write(
            f"instance: {rows} rows of {len(manifest['models'])} models imported; "
            "counts and checksums match the export"
        )
        self.index_keywords()

    def index_keywords(self) -> None:
        # Now, so the first search after a bulk import does not wait for it.
        started, cpu_started = time.perf_counter(), time.process_time()
        indexed = keyword.catch_up()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        self.stdout.write(
            f"keyword index: {indexed} papers indexed ({elapsed:.1f} s; CPU {cpu:.1f} s)"
        )


def _children_cpu() -> float:
    """CPU seconds of the finished child processes: the snapshot reader's and the indexer's
    beside it. The CPU seconds beside the wall clock tell the work apart from the waiting on
    a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
