"""Submitting a paper: /papers/submit puts an arXiv paper on today's list for its submitter."""

import datetime as dt

import pytest
from django.utils import timezone

from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.papers.submitting import SubmitRefused, submit_paper
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db


def this_month_id(number: int = 12345) -> str:
    today = timezone.now().date()
    return f"{today:%y%m}.{number:05d}"


def test_a_fresh_paper_goes_on_todays_list_attributed_to_the_submitter(as_alice, alice):
    paper = make_paper("Fresh", published_at=timezone.now() - dt.timedelta(days=2))
    response = as_alice.post(
        "/papers/submit", {"arxiv": f"https://arxiv.org/abs/{paper.arxiv_id}v2"}
    )
    assert response.status_code == 302 and response["Location"] == paper.get_absolute_url()
    entry = DailyEntry.objects.get(paper=paper)
    assert entry.date == timezone.now().date()
    assert entry.submitted_by == alice and entry.submitter_name == "alice"
    listed = as_alice.get("/papers").content.decode()
    assert "Fresh" in listed and "Submitted by" in listed


def test_an_unknown_paper_waits_to_be_fetched_when_ingestion_is_off(as_alice, settings):
    settings.INGEST_CONTACT = ""
    arxiv_id = this_month_id()
    response = as_alice.post("/papers/submit", {"arxiv": arxiv_id}, follow=True)
    paper = Paper.objects.get(arxiv_id=arxiv_id)
    assert paper.is_pending_fetch
    assert DailyEntry.objects.filter(paper=paper).exists()
    html = response.content.decode()
    assert "Submitted, waiting for arXiv" in html and "not set up to do yet" in html
    assert response.status_code == 202


def test_a_duplicate_says_which_list_the_paper_is_on(as_alice):
    paper = make_paper("Listed", published_at=timezone.now() - dt.timedelta(days=3))
    list_on(paper, timezone.now().date() - dt.timedelta(days=1))
    response = as_alice.post("/papers/submit", {"arxiv": paper.arxiv_id})
    html = response.content.decode()
    assert response.status_code == 400
    assert "already on the daily list of" in html
    day = timezone.now().date() - dt.timedelta(days=1)
    assert f'href="/papers/date/{day:%Y-%m-%d}"' in html
    assert DailyEntry.objects.filter(paper=paper).count() == 1


def test_a_paper_older_than_the_limit_is_refused(alice, settings):
    settings.SUBMIT_MAX_AGE_DAYS = 14
    paper = make_paper("Old", published_at=timezone.now() - dt.timedelta(days=15))
    with pytest.raises(SubmitRefused, match="last 14 days"):
        submit_paper(alice, paper.arxiv_id)
    with pytest.raises(SubmitRefused, match="last 14 days"):
        submit_paper(alice, "1706.03762")  # unknown here, but its id says 2017
    assert not DailyEntry.objects.exists()


@pytest.mark.parametrize(
    "hostile",
    ['<script>alert("x")</script>', "2605.1", "x" * 5000, "../../etc/passwd", "2605.12345\x00"],
)
def test_hostile_or_invalid_ids_are_refused_and_escaped(as_alice, hostile):
    response = as_alice.post("/papers/submit", {"arxiv": hostile})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert" not in html
    assert not Paper.objects.exists()


def test_an_unverified_account_must_verify_its_email_first(as_charlie):
    response = as_charlie.post("/papers/submit", {"arxiv": this_month_id()})
    assert response.status_code == 403
    assert "Verify your email first" in response.content.decode()
    assert not Paper.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/papers/submit")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_submitting_is_rate_limited_per_user(as_alice, settings):
    settings.RATE_LIMITS = {"submit.user": "1/h"}
    as_alice.post("/papers/submit", {"arxiv": "nonsense"})
    response = as_alice.post("/papers/submit", {"arxiv": this_month_id()})
    assert response.status_code == 429
    assert "Too many attempts to submit papers" in response.content.decode()


def test_a_paper_is_fetched_from_arxiv_when_ingestion_is_configured(
    as_alice, alice, settings, serve
):
    from dailypapers.papers.tests.upstream import recorded

    server = serve(recorded("arxiv/api/id_1707.08567_many_authors.xml"))
    settings.ARXIV_API_URL = server.url + "/api/query"
    settings.INGEST_CONTACT = "ops@example.org"
    settings.SUBMIT_MAX_AGE_DAYS = 100_000  # the recorded paper is from 2017
    response = as_alice.post("/papers/submit", {"arxiv": "arXiv:1707.08567"})
    assert response.status_code == 302
    paper = Paper.objects.get(arxiv_id="1707.08567")
    assert not paper.is_pending_fetch and len(paper.author_names) == 34
    assert server.queries()[0]["id_list"] == "1707.08567"
    assert DailyEntry.objects.get(paper=paper).submitted_by == alice
