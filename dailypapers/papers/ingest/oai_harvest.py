"""Bulk and nightly harvests of an arXiv OAI-PMH set, resumable page by page.

The checkpoint (``HarvestCheckpoint``, source "oai", scope "<set> <format>") is saved in the
same transaction as each page's papers, so a harvest killed at any moment resumes at the first
page it had not stored: nothing is lost and nothing is half-written. A resumption token that
arXiv refuses (they expire daily) restarts the harvest from its saved from-date; re-stored
papers change nothing. Without ``--from`` a harvest continues from the newest datestamp seen
by the previous one: the nightly sync.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dailypapers.papers.models import HarvestCheckpoint
from dailypapers.papers.writing import SaveCounts, save_papers
from dailypapers.sources.arxiv.errors import BadResumptionToken, NoRecordsMatch
from dailypapers.sources.arxiv.oai import list_records_params, parse_page
from dailypapers.sources.http import PoliteClient

log = logging.getLogger(__name__)


@dataclass
class HarvestResult:
    pages: int = 0
    records: int = 0
    deleted: int = 0
    counts: SaveCounts = field(default_factory=SaveCounts)
    restarts: int = 0
    finished: bool = False


def set_for_category(category: str) -> str:
    """The OAI set of an arXiv category: cs.AI -> cs:cs:AI, hep-th -> physics:hep-th."""
    archive, _, subject = category.partition(".")
    groups = {"cs", "math", "stat", "q-bio", "q-fin", "eess", "econ", "nlin"}
    if subject:
        group = archive if archive in groups else "physics"
        return f"{group}:{archive}:{subject}"
    return archive if archive in groups else f"physics:{archive}"


def checkpoint_for(set_spec: str, metadata_prefix: str) -> HarvestCheckpoint:
    checkpoint, _ = HarvestCheckpoint.objects.get_or_create(
        source="oai", scope=f"{set_spec} {metadata_prefix}"
    )
    return checkpoint


def harvest(
    set_spec: str,
    client: PoliteClient,
    *,
    from_date: dt.date | None = None,
    metadata_prefix: str = "arXivRaw",
    max_pages: int | None = None,
) -> HarvestResult:
    """Harvest ``set_spec`` until its last page (or ``max_pages``), resuming where it stopped.

    ``from_date`` starts a new harvest from that date, dropping any unfinished one. Without it,
    an unfinished harvest goes on from its token, and a finished one starts again from its
    newest datestamp (or from the beginning of the set, the first time).
    """
    checkpoint = checkpoint_for(set_spec, metadata_prefix)
    if from_date is not None:
        checkpoint.from_date, checkpoint.token, checkpoint.finished_at = from_date, "", None
    elif not checkpoint.token:
        checkpoint.from_date = checkpoint.last_datestamp
    checkpoint.save()
    result = HarvestResult()
    while max_pages is None or result.pages < max_pages:
        params = list_records_params(
            metadata_prefix=metadata_prefix,
            set_spec=set_spec,
            from_date=checkpoint.from_date,
            resumption_token=checkpoint.token or None,
        )
        response = client.get(settings.ARXIV_OAI_URL, params=params)
        try:
            page = parse_page(response.content)
        except BadResumptionToken:
            if not checkpoint.token or result.restarts:
                raise  # refused twice in one run: something else is wrong
            log.warning("OAI %s: token refused, restarting from %s", set_spec, checkpoint.from_date)
            checkpoint.token = ""
            checkpoint.save(update_fields=["token", "updated"])
            result.restarts += 1
            continue
        except NoRecordsMatch:
            page = None
        with transaction.atomic():
            if page is not None:
                papers = [
                    dataclasses.replace(record.paper, modified_on=record.datestamp)
                    for record in page.records
                    if record.paper is not None
                ]
                result.counts.add(save_papers(papers))
                result.records += len(page.records)
                result.deleted += len(page.records) - len(papers)
                checkpoint.records_seen += len(page.records)
                if page.last_datestamp and (
                    checkpoint.last_datestamp is None
                    or page.last_datestamp > checkpoint.last_datestamp
                ):
                    checkpoint.last_datestamp = page.last_datestamp
            next_token = page.resumption_token if page is not None else None
            checkpoint.token = next_token or ""
            if not checkpoint.token:
                checkpoint.finished_at = timezone.now()
            checkpoint.save()
        result.pages += 1
        log.info("OAI %s page %d: %s", set_spec, result.pages, result.counts)
        if not checkpoint.token:
            result.finished = True
            break
    return result
