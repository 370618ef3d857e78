"""One step of the thumbnail worker: take one paper whose PDF is due, fetch it, render it.

Due, in this order: papers a visitor asked for (a ``queued`` row, made by the paper page), rows
whose retry time has come (or whose worker died: its lease ran out), then papers on a daily list
that have no row yet, newest list first. Papers that are only in the arXiv catalogue (a
snapshot import holds 170k) are fetched only when visited: at arXiv's pace of one request
every 3 s, fetching them all would take days and is not what a reader sees.

The PDF comes through the arXiv client's pacing (one request every ``ARXIV_REQUEST_SPACING``
seconds across every process, shared with ingestion), at most ``PDF_MAX_BYTES`` long: a bigger
one is refused as soon as its size is known, before it is downloaded. Every outcome is a state
on the row and one log line; the files are written only once the render succeeded.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from dailypapers.core.claims import claim_one
from dailypapers.papers.ingest.clients import arxiv_client
from dailypapers.papers.models import Paper
from dailypapers.pdfs import storage
from dailypapers.pdfs.models import PaperPdf
from dailypapers.pdfs.render import UnreadablePdf, render
from dailypapers.sources.http import FetchError, PoliteClient, parse_retry_after

log = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=10)
RETRY_BASE = dt.timedelta(hours=1)  # doubled after each failed attempt
# Statuses that say the PDF is not there and will not be (withdrawn, unknown id).
GONE = {404, 410}


def queue_on_visit(paper: Paper) -> None:
    """A visitor opened the paper's page: fetch its PDF next if it was never tried."""
    if not PaperPdf.objects.filter(paper=paper).exists():
        try:
            with transaction.atomic():
                PaperPdf.objects.create(paper=paper, state=PaperPdf.State.QUEUED)
        except IntegrityError:
            pass  # another visit or a worker made the row first


def pdf_note(paper: Paper) -> str:
    """What the paper page says about the PDF when it has no thumbnail and text yet."""
    row = PaperPdf.objects.filter(paper=paper).only("state", "reason").first()
    if row is None or row.state in (PaperPdf.State.QUEUED, PaperPdf.State.FETCHING):
        return "The first page and full text will be fetched from arXiv shortly."
    if row.state == PaperPdf.State.RETRY:
        return f"Fetching the PDF failed for now ({row.reason}); it will be tried again."
    if row.state == PaperPdf.State.FAILED:
        return f"No thumbnail or full text: {row.reason}."
    return ""


def claim(now: dt.datetime) -> PaperPdf | None:
    lease = {"state": PaperPdf.State.FETCHING, "claimed_until": now + LEASE}
    due = PaperPdf.objects.filter(
        models.Q(state=PaperPdf.State.QUEUED)
        | models.Q(state=PaperPdf.State.RETRY, next_attempt_at__lte=now)
        | models.Q(state=PaperPdf.State.FETCHING, claimed_until__lt=now)
    )
    row = claim_one(due, ("next_attempt_at", "pk"), **lease)
    if row is not None:
        return row
    listed = (
        Paper.objects.filter(daily_entries__isnull=False, pdf__isnull=True, hidden=False)
        .order_by("-daily_entries__date", "pk")
        .values_list("pk", flat=True)
    )
    for paper_id in listed[:5]:
        try:
            with transaction.atomic():
                return PaperPdf.objects.create(paper_id=paper_id, **lease)
        except IntegrityError:
            continue  # another worker took this one a moment ago
    return None


def handle_one(client: PoliteClient | None = None) -> str | None:
    """Fetch and render one due PDF; the outcome as a line, or None when nothing is due."""
    now = timezone.now()
    row = claim(now)
    if row is None:
        return None
    arxiv_id = row.paper.arxiv_id
    url = settings.ARXIV_PDF_URL + arxiv_id
    own_client = client is None
    client = client or arxiv_client()
    try:
        response = client.get_capped(url, settings.PDF_MAX_BYTES)
    except FetchError as error:
        return _fetch_failed(row, arxiv_id, error, now)
    finally:
        if own_client:
            client.close()
    try:
        rendered = render(response.content, width=settings.THUMBNAIL_WIDTH)
    except UnreadablePdf as error:
        return _finish(
            row, arxiv_id, PaperPdf.State.FAILED, str(error), pdf_bytes=len(response.content)
        )
    try:
        storage.write_files(arxiv_id, rendered.image, rendered.text)
    except OSError as error:
        return _retry(row, arxiv_id, f"could not store the files: {error}", now, None)
    return _finish(
        row,
        arxiv_id,
        PaperPdf.State.DONE,
        "",
        pdf_bytes=len(response.content),
        pages=rendered.pages,
        text_chars=len(rendered.text),
        render_ms=round(rendered.seconds * 1000, 1),
        fetched_at=timezone.now(),
    )


def _fetch_failed(row: PaperPdf, arxiv_id: str, error: FetchError, now: dt.datetime) -> str:
    if error.status_code in GONE:
        return _finish(
            row, arxiv_id, PaperPdf.State.FAILED, f"arXiv has no PDF (HTTP {error.status_code})"
        )
    if error.reason.startswith("larger than"):
        return _finish(row, arxiv_id, PaperPdf.State.FAILED, f"too large: {error.reason}")
    wait = None
    if error.response is not None:
        wait = parse_retry_after(error.response.headers.get("retry-after"), now)
    return _retry(row, arxiv_id, error.reason, now, wait)


def _retry(row: PaperPdf, arxiv_id: str, reason: str, now: dt.datetime, wait: float | None) -> str:
    attempts = row.attempts + 1
    if attempts >= settings.PDF_MAX_ATTEMPTS:
        return _finish(
            row,
            arxiv_id,
            PaperPdf.State.FAILED,
            f"gave up after {attempts} attempts: {reason}",
            attempts=attempts,
        )
    delay = RETRY_BASE * 2 ** (attempts - 1)
    if wait is not None:
        delay = max(delay, dt.timedelta(seconds=wait))
    return _finish(
        row, arxiv_id, PaperPdf.State.RETRY, reason, attempts=attempts, next_attempt_at=now + delay
    )


def _finish(row: PaperPdf, arxiv_id: str, state: str, reason: str, **fields: object) -> str:
    fields.setdefault("attempts", row.attempts + 1)
    PaperPdf.objects.filter(pk=row.pk).update(
        state=state, reason=reason[:300], claimed_until=None, **fields
    )
    line = f"{arxiv_id}: {state}" + (f" ({reason})" if reason else "")
    if state == PaperPdf.State.DONE:
        log.info("PDF %s", line)
    else:
        log.warning("PDF %s", line)
    return line
