"""``dailypapers thumbnails fetch``: one due paper's PDF fetched from a local arXiv-like server,
its first page and text stored beside the database, and every fault a state and a log line."""

from __future__ import annotations

import datetime as dt
import io
import logging
import socket

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image

from dailypapers.papers.tests.upstream import FakeClock, client
from dailypapers.pdfs import storage
from dailypapers.pdfs.models import PaperPdf
from dailypapers.pdfs.tests.documents import make_pdf
from dailypapers.pdfs.worker import handle_one
from tests.support.scripted_server import respond
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 20)


@pytest.fixture
def arxiv(settings, serve, tmp_path):
    settings.INGEST_CONTACT = "ops@example.org"
    settings.PDF_DIR = tmp_path / "pdf"
    settings.PDF_MAX_BYTES = 100_000

    def start(*script):
        server = serve(*script)
        settings.ARXIV_PDF_URL = server.url + "/pdf/"
        return server

    return start


def listed_paper(arxiv_id="2605.00101"):
    paper = make_paper("Neural networks, explained", arxiv_id=arxiv_id)
    list_on(paper, DAY)
    return paper


def pdf_answer(*pages: str) -> object:
    return respond(200, make_pdf(*pages), {"Content-Type": "application/pdf"})


def chunked_forever(conn: socket.socket) -> None:
    """A PDF of unknown length that never ends: only a cap can stop reading it."""
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%PDF-1.4\n" + b"0" * 65_527
    for _ in range(3200):  # 200 MB if nobody hangs up
        conn.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")


def test_a_listed_paper_gets_its_thumbnail_and_text(arxiv):
    paper = listed_paper()
    server = arxiv(pdf_answer("Neural networks, explained\nby Ada Lovelace", "Results page"))
    outcome = handle_one(client(FakeClock()))
    assert outcome == "2605.00101: done"
    assert server.requests[0][1].startswith(b"GET /pdf/2605.00101 ")
    row = PaperPdf.objects.get(paper=paper)
    assert (row.state, row.pages, row.reason) == ("done", 2, "")
    assert row.render_ms is not None and row.render_ms > 0
    assert storage.thumbnail_path(paper.arxiv_id).name == "2605.00101.webp"
    with Image.open(storage.thumbnail_path(paper.arxiv_id)) as picture:
        assert picture.format == "WEBP" and picture.size[0] == 320
    assert "Results page" in (storage.read_text(paper.arxiv_id) or "")
    assert handle_one(client(FakeClock())) is None  # nothing else is due


def test_the_thumbnail_is_served_with_caching_headers(arxiv):
    paper = listed_paper()
    arxiv(pdf_answer("A page"))
    browser = Client()
    pending = browser.get(f"/papers/{paper.arxiv_id}/thumbnail.webp")
    assert pending.status_code == 302
    assert pending["Location"].endswith("thumbnail.svg")
    assert pending["Cache-Control"] == "public, max-age=600"
    handle_one(client(FakeClock()))
    served = browser.get(f"/papers/{paper.arxiv_id}/thumbnail.webp")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    assert served["Cache-Control"] == "public, max-age=604800"
    body = b"".join(served.streaming_content)  # type: ignore[attr-defined]
    with Image.open(io.BytesIO(body)) as picture:
        assert picture.format == "WEBP"
    served.close()
    again = browser.get(
        f"/papers/{paper.arxiv_id}/thumbnail.webp", HTTP_IF_MODIFIED_SINCE=served["Last-Modified"]
    )
    assert again.status_code == 304


def test_the_markdown_has_the_full_text_once_fetched_and_says_abstract_only_before(arxiv):
    paper = listed_paper()
    arxiv(pdf_answer("Section 1: Introduction to the method"))
    before = Client().get(f"/papers/{paper.arxiv_id}.md").content.decode()
    assert "Not fetched yet: this is the abstract only." in before
    handle_one(client(FakeClock()))
    after = Client().get(f"/papers/{paper.arxiv_id}.md").content.decode()
    assert "## Full text" in after and "Section 1: Introduction to the method" in after
    assert "abstract only" not in after


def test_a_visited_paper_is_fetched_before_listed_ones(arxiv):
    listed_paper("2605.00101")
    visited = make_paper("Only visited", arxiv_id="2605.00202")
    Client().get(f"/papers/{visited.arxiv_id}")
    assert PaperPdf.objects.get(paper=visited).state == "queued"
    server = arxiv(pdf_answer("Visited"))
    assert handle_one(client(FakeClock())) == "2605.00202: done"
    assert b"/pdf/2605.00202 " in server.requests[0][1]


def test_a_pdf_that_is_really_html_leaves_no_thumbnail_and_is_not_retried(arxiv, caplog):
    paper = listed_paper()
    arxiv(
        respond(200, b"<!DOCTYPE html><html>Just a moment...</html>", {"Content-Type": "text/html"})
    )
    with caplog.at_level(logging.WARNING, "dailypapers.pdfs"):
        outcome = handle_one(client(FakeClock()))
    assert outcome == (
        "2605.00101: failed (not a PDF: it begins with '<!DOCTYPE html><html>Just a moment...</h')"
    )
    assert "not a PDF" in caplog.text
    row = PaperPdf.objects.get(paper=paper)
    assert row.state == "failed" and row.next_attempt_at is None
    assert not storage.thumbnail_path(paper.arxiv_id).exists()
    assert storage.read_text(paper.arxiv_id) is None
    assert handle_one(client(FakeClock())) is None
    page = Client().get(f"/papers/{paper.arxiv_id}").content.decode()
    assert "No thumbnail or full text: not a PDF" in page


def test_a_truncated_download_is_retried_later_and_nothing_is_written(arxiv):
    paper = listed_paper()
    body = make_pdf("Cut short in transit")
    arxiv(respond(200, body[:200], {"Content-Type": "application/pdf"}, declared_length=len(body)))
    outcome = handle_one(client(FakeClock()))
    assert outcome is not None and outcome.startswith("2605.00101: retry (truncated")
    row = PaperPdf.objects.get(paper=paper)
    assert row.state == "retry" and row.attempts == 1
    assert row.next_attempt_at is not None and row.next_attempt_at > timezone.now() + dt.timedelta(
        minutes=59
    )
    assert not storage.thumbnail_path(paper.arxiv_id).parent.exists() or not any(
        storage.thumbnail_path(paper.arxiv_id).parent.iterdir()
    )
    assert handle_one(client(FakeClock())) is None  # not due before its time


def test_a_200_mb_pdf_is_refused_from_its_declared_length(arxiv):
    paper = listed_paper()
    arxiv(
        respond(
            200, b"%PDF-1.4\n", {"Content-Type": "application/pdf"}, declared_length=200 * 2**20
        )
    )
    assert handle_one(client(FakeClock())) == (
        "2605.00101: failed (too large: larger than 100000 bytes (209715200))"
    )
    assert PaperPdf.objects.get(paper=paper).state == "failed"


def test_a_pdf_without_a_length_is_cut_off_at_the_cap(arxiv):
    paper = listed_paper()
    arxiv(chunked_forever)
    assert handle_one(client(FakeClock())) == (
        "2605.00101: failed (too large: larger than 100000 bytes (streamed))"
    )
    assert not storage.thumbnail_path(paper.arxiv_id).exists()


def test_arxiv_busy_is_retried_after_its_retry_after_and_given_up_at_the_limit(arxiv, settings):
    settings.PDF_MAX_ATTEMPTS = 2
    paper = listed_paper()
    arxiv(respond(503, b"busy", {"Retry-After": "7200"}), respond(503, b"busy"))
    before = timezone.now()
    assert handle_one(client(FakeClock())) == "2605.00101: retry (unexpected status 503)"
    row = PaperPdf.objects.get(paper=paper)
    assert row.next_attempt_at is not None and row.next_attempt_at >= before + dt.timedelta(hours=2)
    PaperPdf.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert handle_one(client(FakeClock())) == (
        "2605.00101: failed (gave up after 2 attempts: unexpected status 503)"
    )


def test_an_unknown_pdf_fails_at_once(arxiv):
    listed_paper()
    arxiv(respond(404, b"not found"))
    assert handle_one(client(FakeClock())) == "2605.00101: failed (arXiv has no PDF (HTTP 404))"


def test_fetches_keep_arxivs_pace_across_clients(arxiv):
    listed_paper("2605.00101")
    listed_paper("2605.00102")
    arxiv(pdf_answer("One"), pdf_answer("Two"))
    clock = FakeClock()
    handle_one(client(clock))
    handle_one(client(clock))
    assert clock.sleeps == [3.0]


def test_the_command_works_through_what_is_due(arxiv, capsys):
    listed_paper("2605.00101")
    arxiv(pdf_answer("One"))
    call_command("thumbnails", "fetch", "--limit", "1")
    assert "2605.00101: done" in capsys.readouterr().out


def test_the_api_thumbnail_points_at_the_image(arxiv, settings):
    settings.SITE_URL = "https://papers.example.org"
    listed_paper()
    items = Client().get("/api/daily_papers?date=2026-05-20").json()
    assert items[0]["thumbnail"] == "https://papers.example.org/papers/2605.00101/thumbnail.webp"


def test_a_paper_whose_worker_died_is_taken_again_once_its_lease_runs_out(arxiv):
    paper = listed_paper()
    PaperPdf.objects.create(
        paper=paper,
        state=PaperPdf.State.FETCHING,
        claimed_until=timezone.now() - dt.timedelta(seconds=1),
    )
    arxiv(pdf_answer("Taken again"))
    assert handle_one(client(FakeClock())) == "2605.00101: done"
