"""``dailypapers ingest oai|rss|arxiv|hf|sync``: bring papers in from arXiv and Hugging Face.

Each action is safe to re-run and to kill: see ``dailypapers.papers.ingest`` for how each one
resumes. ``sync`` runs the nightly set (RSS, Hugging Face's recent days, OAI incremental) once,
or for ever with ``--loop``.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dailypapers.lib.dates import parse_day
from dailypapers.papers.ingest import announcements, arxiv_api, hf_lists, oai_harvest
from dailypapers.papers.ingest.clients import arxiv_client, hf_client
from dailypapers.search import keyword
from dailypapers.sources.arxiv.errors import ArxivSourceError
from dailypapers.sources.http import FetchError

log = logging.getLogger(__name__)


def day(text: str) -> dt.date:
    try:
        return parse_day(text)
    except ValueError as error:
        raise CommandError(str(error)) from None


class Command(BaseCommand):
    help = "Ingest papers from arXiv (OAI-PMH, RSS, API) and Hugging Face daily lists."
    stopping = False

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        oai = actions.add_parser("oai", help="Harvest an OAI-PMH set (bulk, or nightly).")
        oai.add_argument("--set", dest="set_spec", required=True, help="e.g. cs:cs:AI")
        oai.add_argument(
            "--from", dest="from_date", help="YYYY-MM-DD; default: continue incrementally"
        )
        oai.add_argument("--format", default="arXivRaw", choices=["arXivRaw", "arXiv"])
        oai.add_argument("--max-pages", type=int, help="stop after this many pages")

        rss = actions.add_parser("rss", help="Read today's announcements, e.g. cs.AI+cs.CL.")
        rss.add_argument("categories", help="categories joined with +")
        rss.add_argument(
            "--to-daily-list",
            action="store_true",
            help="also put new and cross-listed papers on the daily list of their day",
        )

        ids = actions.add_parser("arxiv", help="Fetch papers by id (or abs/pdf URL).")
        ids.add_argument("ids", nargs="+", metavar="ID")

        hf = actions.add_parser("hf", help="Import Hugging Face daily lists.")
        when = hf.add_mutually_exclusive_group(required=True)
        when.add_argument("--date", help="one day, YYYY-MM-DD")
        when.add_argument("--since", help="every day from YYYY-MM-DD to today")

        sync = actions.add_parser("sync", help="RSS, Hugging Face and OAI for the configured "
                                  "ARXIV_CATEGORIES, once or with --loop.")  # fmt: skip
        sync.add_argument("--loop", action="store_true", help="run again every --interval")
        sync.add_argument("--interval", type=int, default=3600, help="seconds (default 3600)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            getattr(self, f"handle_{action}")(options)
        except (FetchError, ArxivSourceError, ValueError) as error:
            raise CommandError(f"{action}: {error}") from error
        finally:
            # What was stored is searchable now, even if a later page failed.
            keyword.catch_up()

    def handle_oai(self, options: dict[str, Any]) -> None:
        from_date = day(options["from_date"]) if options["from_date"] else None
        with arxiv_client() as client:
            result = oai_harvest.harvest(
                options["set_spec"],
                client,
                from_date=from_date,
                metadata_prefix=options["format"],
                max_pages=options["max_pages"],
            )
        state = "finished" if result.finished else "paused (run again to go on)"
        self.stdout.write(
            f"OAI {options['set_spec']}: {result.pages} pages, {result.records} records, "
            f"papers {result.counts}; {state}"
        )

    def handle_rss(self, options: dict[str, Any]) -> None:
        categories = [c for c in options["categories"].split("+") if c]
        with arxiv_client() as client:
            result = announcements.sync_announcements(
                categories, client, to_daily_list=options["to_daily_list"]
            )
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(result.by_type.items()))
        self.stdout.write(
            f"RSS {'+'.join(categories)} of {result.announced_on}: {kinds or 'nothing'}; "
            f"papers {result.counts}"
            + (f"; {result.listed} put on the daily list" if result.listed else "")
            + (f"; not returned by the API: {' '.join(result.missing)}" if result.missing else "")
        )

    def handle_arxiv(self, options: dict[str, Any]) -> None:
        with arxiv_client() as client:
            result = arxiv_api.fetch_papers(options["ids"], client)
        self.stdout.write(f"papers {result.counts}")
        if result.missing:
            raise CommandError(f"arXiv does not know: {' '.join(result.missing)}")

    def handle_hf(self, options: dict[str, Any]) -> None:
        first = day(options["date"] or options["since"])
        last = first if options["date"] else timezone.now().date()
        with hf_client() as client:
            current = first
            while current <= last and not self.stopping:
                result = hf_lists.import_day(current, client)
                self.stdout.write(
                    f"Hugging Face {current}: papers {result.papers}; entries {result.entries}"
                )
                current += dt.timedelta(days=1)

    def handle_sync(self, options: dict[str, Any]) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        while True:
            self.sync_once()
            if not options["loop"]:
                return
            deadline = time.monotonic() + options["interval"]
            while time.monotonic() < deadline and not self.stopping:
                time.sleep(1)
            if self.stopping:
                self.stdout.write("stopped")
                return

    def sync_once(self) -> None:
        """One round of the nightly sync; a failing upstream is logged, the others still run."""
        categories = settings.ARXIV_CATEGORIES
        today = timezone.now().date()
        steps = [
            ("rss", lambda: self.handle_rss({"categories": "+".join(categories),
                                             "to_daily_list": False})),
            ("hf", lambda: self.handle_hf({"date": None,
                                           "since": (today - dt.timedelta(days=2)).isoformat()})),
        ] + [
            (f"oai {category}", lambda category=category: self.handle_oai({
                "set_spec": oai_harvest.set_for_category(category), "from_date": None,
                "format": "arXivRaw", "max_pages": None}))
            for category in categories
        ]  # fmt: skip
        for name, step in steps:
            if self.stopping:
                return
            try:
                step()
            except (FetchError, ArxivSourceError, ValueError, CommandError) as error:
                log.error("sync step %s failed: %s", name, error)
        keyword.catch_up()

    def stop(self, signum: int, frame: object) -> None:
        self.stopping = True
