"""Submissions are real papers: a submission arXiv could not answer at once is pending (seen by
its submitter only, on no list) until ``dailypapers submissions fetch`` fills it in, or withdraws
it when arXiv does not know the id; an id arXiv does not know is refused at once when arXiv can
be asked. The same worker fetches the arXiv ids of a reader's import."""

import pytest
from django.test import Client
from django.utils import timezone

from dailypapers.library.importing import claim_fetched, import_references
from dailypapers.library.models import LibraryItem
from dailypapers.library.references import Reference
from dailypapers.papers.fetches import PaperFetch
from dailypapers.papers.ingest import fetch_queue
from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.papers.tests.upstream import FakeClock, client, recorded
from tests.support.scripted_server import respond

pytestmark = pytest.mark.django_db

EMPTY = "arxiv/api/id_0000.0000_empty.xml"


def this_month_id(number: int = 12345) -> str:
    return f"{timezone.now().date():%y%m}.{number:05d}"


def worker():
    return client(FakeClock(), attempts=1)


def submit_while_arxiv_is_down(as_alice, upstream):
    """Submit an id while arXiv answers 503: the submission is kept, pending."""
    arxiv_id = this_month_id()
    upstream(respond(503, b"busy", {"Retry-After": "5"}))
    response = as_alice.post("/papers/submit", {"arxiv": arxiv_id})
    assert response.status_code == 302
    return arxiv_id


def test_a_pending_submission_is_on_no_list_and_its_submitter_sees_it_pending(
    as_alice, as_bob, upstream
):
    arxiv_id = submit_while_arxiv_is_down(as_alice, upstream)
    assert Paper.objects.get(arxiv_id=arxiv_id).is_pending_fetch
    assert PaperFetch.objects.get(arxiv_id=arxiv_id).reason == "submission"
    assert arxiv_id not in as_bob.get("/papers").content.decode()
    assert as_bob.get("/api/daily_papers").json() == []
    page = as_alice.get("/papers/submit").content.decode()
    assert "Waiting for arXiv" in page and f"arXiv:{arxiv_id}" in page
    response = as_alice.get(f"/papers/{arxiv_id}")
    assert response.status_code == 202
    assert "Submitted, waiting for arXiv" in response.content.decode()
    api = as_bob.get(f"/api/papers/{arxiv_id}")
    assert api.status_code == 202 and api.json()["status"] == "fetching"


def test_the_worker_fills_a_pending_submission_which_then_is_listed(as_alice, upstream):
    arxiv_id = submit_while_arxiv_is_down(as_alice, upstream)
    # The recorded paper, under this submission's id and published today.
    xml = (
        recorded_bytes("arxiv/api/id_1707.08567_many_authors.xml")
        .replace(b"1707.08567", arxiv_id.encode())
        .replace(b"2017-07-27", timezone.now().strftime("%Y-%m-%d").encode())
    )
    upstream(respond(200, xml))
    outcome = fetch_queue.handle_one(worker())
    assert outcome is not None and outcome.fetched == [arxiv_id]
    paper = Paper.objects.get(arxiv_id=arxiv_id)
    assert not paper.is_pending_fetch
    assert "Proceedings of Workshop AEW10" in as_alice.get("/papers").content.decode()
    assert "Waiting for arXiv" not in as_alice.get("/papers/submit").content.decode()


def test_a_submission_arxiv_does_not_know_is_withdrawn_by_the_worker(as_alice, upstream):
    arxiv_id = submit_while_arxiv_is_down(as_alice, upstream)
    upstream(recorded(EMPTY))
    outcome = fetch_queue.handle_one(worker())
    assert outcome is not None and outcome.missing == [arxiv_id]
    assert not Paper.objects.filter(arxiv_id=arxiv_id).exists()
    assert not DailyEntry.objects.exists()
    response = as_alice.get(f"/papers/{arxiv_id}")
    assert response.status_code == 404
    assert f"arXiv has no paper with the id {arxiv_id}" in response.content.decode()


def test_an_id_arxiv_does_not_know_is_refused_at_once_when_arxiv_answers(as_alice, upstream):
    arxiv_id = this_month_id(2)
    upstream(recorded(EMPTY))
    response = as_alice.post("/papers/submit", {"arxiv": arxiv_id})
    assert response.status_code == 400
    assert f"arXiv has no paper {arxiv_id}" in response.content.decode()
    assert not Paper.objects.exists() and not DailyEntry.objects.exists()


def test_an_indexed_id_is_queued_for_the_worker(as_alice, upstream):
    from dailypapers.api.tests.test_tokens_and_writing import make_token, post

    token = make_token(as_alice)
    arxiv_id = this_month_id(3)
    response = post(Client(), "/api/papers/index", {"arxivId": arxiv_id}, token)
    assert response.status_code == 200
    assert PaperFetch.objects.get(arxiv_id=arxiv_id).reason == "api"


def test_a_readers_imported_arxiv_ids_are_fetched_by_the_same_worker(upstream, alice):
    reader = alice
    upstream(recorded("arxiv/api/id_1707.08567_many_authors.xml"))
    report = import_references(reader, [Reference(label="x", arxiv_id="1707.08567")])
    assert report.queued == 1
    assert PaperFetch.objects.get().reason == "import"
    fetch_queue.handle_one(worker())
    assert claim_fetched(reader) == 1
    assert LibraryItem.objects.filter(user=reader, paper__arxiv_id="1707.08567").exists()


def recorded_bytes(name: str) -> bytes:
    from dailypapers.papers.tests.upstream import FIXTURES

    return (FIXTURES / name).read_bytes()
