"""Any arXiv paper on demand: a visit to a valid id the site does not hold queues it, the page
says so and refreshes itself, ``dailypapers submissions fetch`` (``handle_one``) fetches it from
a local server that answers as arXiv does (recorded answers), and the page becomes the paper."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from dailypapers.papers.fetches import PaperFetch
from dailypapers.papers.ingest import fetch_queue
from dailypapers.papers.models import Paper, UpstreamPace
from dailypapers.papers.tests.upstream import FIXTURES, FakeClock, client, recorded
from tests.support.scripted_server import reset_connection, respond

pytestmark = pytest.mark.django_db

KNOWN = "1707.08567"  # the recorded answer holds this paper, with 34 authors
EMPTY = "arxiv/api/id_0000.0000_empty.xml"  # arXiv's answer for an id it does not have


def worker():
    return client(FakeClock(), attempts=1)


def test_an_unheld_paper_is_fetched_and_its_page_becomes_the_paper(client, upstream):
    server = upstream(recorded("arxiv/api/id_1707.08567_many_authors.xml"))
    response = client.get(f"/papers/{KNOWN}")
    html = response.content.decode()
    assert response.status_code == 202
    assert "Fetching from arXiv" in html
    assert '<meta http-equiv="refresh" content="3">' in html
    assert response["Retry-After"] == "3"
    assert not server.requests, "the web request never waits on arXiv"
    assert PaperFetch.objects.get().reason == "visit"

    outcome = fetch_queue.handle_one(worker())
    assert outcome is not None and outcome.fetched == [KNOWN]
    assert server.queries()[0]["id_list"] == KNOWN
    response = client.get(f"/papers/{KNOWN}")
    assert response.status_code == 200
    assert "Proceedings of Workshop AEW10" in response.content.decode()
    assert not PaperFetch.objects.exists()
    assert fetch_queue.handle_one(worker()) is None


def test_one_arxiv_request_fetches_every_queued_id_and_marks_the_unknown_one(client, upstream):
    server = upstream(recorded("arxiv/api/id_1707.08567_many_authors.xml"))
    client.get(f"/papers/{KNOWN}")
    client.get("/papers/2605.99999")
    outcome = fetch_queue.handle_one(worker())
    assert outcome is not None
    assert outcome.fetched == [KNOWN] and outcome.missing == ["2605.99999"]
    assert sorted(server.queries()[0]["id_list"].split(",")) == [KNOWN, "2605.99999"]
    assert len(server.requests) == 1


def test_an_id_arxiv_does_not_know_is_a_404_saying_so_without_asking_again(client, upstream):
    server = upstream(recorded(EMPTY))
    assert client.get("/papers/2605.99999").status_code == 202
    fetch_queue.handle_one(worker())
    for _ in range(2):
        response = client.get("/papers/2605.99999")
        assert response.status_code == 404
        assert "arXiv has no paper with the id 2605.99999" in response.content.decode()
    assert len(server.requests) == 1
    assert PaperFetch.objects.get().status == PaperFetch.Status.MISSING
    assert fetch_queue.handle_one(worker()) is None, "rechecked a day later, not now"


@pytest.mark.parametrize(
    "path",
    [
        "/papers/../../etc/passwd",
        "/papers/..%2F..%2Fetc%2Fpasswd",
        "/papers/9999.99999",
        "/papers/2611.01234v99",
        "/papers/2605.00000",
        "/api/papers/9999.99999",
        "/api/papers/..%2F..%2Fetc%2Fpasswd",
        "/api/papers/2605.1",
    ],
)
def test_invalid_ids_are_a_404_at_once_with_no_request_upstream(client, upstream, path):
    server = upstream(recorded(EMPTY))
    assert client.get(path).status_code == 404
    assert not PaperFetch.objects.exists()
    assert not server.requests


def test_an_id_of_a_month_to_come_is_a_404_at_once(client, upstream):
    server = upstream(recorded(EMPTY))
    month = (timezone.now().date().replace(day=1) + dt.timedelta(days=32)).strftime("%y%m")
    assert client.get(f"/papers/{month}.00001").status_code == 404
    assert client.get(f"/api/papers/{month}.00001").status_code == 404
    assert not PaperFetch.objects.exists() and not server.requests


def test_arxiv_answering_503_with_retry_after_is_said_plainly_and_honoured(client, upstream):
    body = (FIXTURES / "http" / "oai_503_retry_after.json").read_bytes()[:60]
    upstream(respond(503, body, {"Retry-After": "120"}))
    client.get(f"/papers/{KNOWN}")
    now = timezone.now()
    outcome = fetch_queue.handle_one(worker(), now=now)
    assert outcome is not None and outcome.deferred == [KNOWN]
    row = PaperFetch.objects.get()
    assert row.next_attempt_at == now + dt.timedelta(seconds=120)
    assert row.attempts == 1 and not row.claim
    response = client.get(f"/papers/{KNOWN}")
    html = response.content.decode()
    assert response.status_code == 202
    assert "arXiv answered HTTP 503, Retry-After 120 s" in html
    assert "will ask arXiv again at" in html
    assert fetch_queue.handle_one(worker(), now=now) is None, "not before Retry-After"
    assert not Paper.objects.exists(), "nothing half-written"


def test_arxiv_unreachable_is_said_plainly_and_backed_off(client, upstream):
    upstream(reset_connection)
    client.get(f"/papers/{KNOWN}")
    now = timezone.now()
    fetch_queue.handle_one(worker(), now=now)
    row = PaperFetch.objects.get()
    assert row.next_attempt_at == now + dt.timedelta(seconds=fetch_queue.BACKOFF_FIRST)
    assert "arXiv could not be reached" in client.get(f"/papers/{KNOWN}").content.decode()


def test_with_fetching_turned_off_the_page_says_so(client, upstream, settings):
    server = upstream(recorded(EMPTY))
    settings.ARXIV_ON_DEMAND = False
    response = client.get(f"/papers/{KNOWN}")
    assert response.status_code == 404
    assert "does not fetch papers from arXiv on demand" in response.content.decode()
    api = client.get(f"/api/papers/{KNOWN}")
    assert api.status_code == 404 and "on demand" in api.json()["error"]
    assert not PaperFetch.objects.exists() and not server.requests


def test_the_api_answers_202_while_fetching_then_the_paper(client, upstream):
    upstream(recorded("arxiv/api/id_1707.08567_many_authors.xml"))
    response = client.get(f"/api/papers/{KNOWN}v2")
    assert response.status_code == 202
    assert response["Retry-After"] == "3"
    body = response.json()
    assert body["id"] == KNOWN and body["status"] == "fetching" and body["retryAfter"] == 3
    fetch_queue.handle_one(worker())
    paper = client.get(f"/api/papers/{KNOWN}").json()
    assert paper["id"] == KNOWN and len(paper["authors"]) == 34


def test_the_api_says_404_when_arxiv_has_no_such_paper(client, upstream):
    upstream(recorded(EMPTY))
    client.get("/api/papers/2605.99999")
    fetch_queue.handle_one(worker())
    response = client.get("/api/papers/2605.99999")
    assert response.status_code == 404
    assert "arXiv has no paper" in response.json()["error"]


def test_a_full_queue_turns_new_ids_away_with_a_503(client, upstream, settings):
    upstream(recorded(EMPTY))
    settings.ARXIV_ON_DEMAND_QUEUE_MAX = 1
    assert client.get(f"/papers/{KNOWN}").status_code == 202
    response = client.get("/papers/2605.99999")
    assert response.status_code == 503 and "Too many papers" in response.content.decode()
    assert client.get("/api/papers/2605.99999").status_code == 503
    assert list(PaperFetch.objects.values_list("arxiv_id", flat=True)) == [KNOWN]


def test_a_hidden_paper_stays_a_404_and_is_not_fetched_again(client, upstream):
    from tests.support.testing import make_paper

    server = upstream(recorded(EMPTY))
    paper = make_paper("Hidden", arxiv_id="2605.01234")
    Paper.objects.filter(pk=paper.pk).update(hidden=True)
    assert client.get("/papers/2605.01234").status_code == 404
    assert client.get("/api/papers/2605.01234").status_code == 404
    assert not PaperFetch.objects.exists() and not server.requests


def test_a_claim_of_a_killed_worker_comes_back_after_its_lease(upstream):
    upstream(recorded(EMPTY))
    now = timezone.now()
    PaperFetch.objects.create(arxiv_id=KNOWN, requested_at=now, next_attempt_at=now)
    assert [row.arxiv_id for row in fetch_queue.claim(now)] == [KNOWN]
    assert fetch_queue.claim(now) == [], "leased to the first worker"
    later = now + fetch_queue.LEASE + dt.timedelta(seconds=1)
    assert [row.arxiv_id for row in fetch_queue.claim(later)] == [KNOWN]


def test_the_command_fetches_what_is_queued(client, upstream, capsys):
    upstream(recorded("arxiv/api/id_1707.08567_many_authors.xml"))
    client.get(f"/papers/{KNOWN}")
    call_command("submissions", "fetch")
    assert "1 paper(s) fetched, 0 unknown to arXiv" in capsys.readouterr().out
    assert Paper.objects.filter(arxiv_id=KNOWN).exists()
    # It took its turn with the database pacer that every arXiv client of the site shares.
    assert UpstreamPace.objects.get(upstream="arxiv").next_request_at > timezone.now()


def test_searching_for_an_id_the_site_does_not_hold_opens_its_page(client, upstream):
    server = upstream(recorded(EMPTY))
    response = client.get("/papers", {"q": f"https://arxiv.org/abs/{KNOWN}v1"})
    assert response.status_code == 302 and response["Location"] == f"/papers/{KNOWN}"
    assert not server.requests and not PaperFetch.objects.exists(), "only a visit queues it"
