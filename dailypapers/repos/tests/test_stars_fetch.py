"""``dailypapers stars fetch`` against a local server that answers like GitHub's REST API:
star counts reach papers, ETags save requests, a rate limit stops every worker until reset."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from dailypapers.papers.ingest.pacing import DatabasePacer
from dailypapers.papers.models import Paper, UpstreamPace
from dailypapers.papers.tests.upstream import FakeClock
from dailypapers.repos.models import GitHubRepo
from dailypapers.repos.stars import handle_one, sync_from_papers
from dailypapers.repos.trending import trending_by_code
from dailypapers.sources.http import PoliteClient, RetryPolicy
from tests.support.scripted_server import respond
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db
NEO = "https://github.com/EvolvingLMMs-Lab/NEO"


def repo_json(stars: int) -> bytes:
    return json.dumps(
        {"full_name": "EvolvingLMMs-Lab/NEO", "stargazers_count": stars, "forks_count": 3}
    ).encode()


def github_ok(stars: int, etag: str = '"abc"', remaining: int = 59) -> object:
    return respond(
        200,
        repo_json(stars),
        {
            "Content-Type": "application/json; charset=utf-8",
            "ETag": etag,
            "X-RateLimit-Limit": "60",
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(int(timezone.now().timestamp()) + 3600),
        },
    )


@pytest.fixture
def github(settings, serve):
    settings.INGEST_CONTACT = "ops@example.org"
    settings.GITHUB_TOKEN = ""

    def start(*script):
        server = serve(*script)
        settings.GITHUB_API_URL = server.url
        return server

    return start


def client() -> PoliteClient:
    clock = FakeClock()
    return PoliteClient(
        user_agent="dailypapers-tests (mailto:ops@example.org)",
        pacer=DatabasePacer("github", 1.0, clock),
        retry=RetryPolicy(max_attempts=1),
        sleep=clock.sleep,
        now=clock.now,
        timeout=5.0,
    )


def neo_paper(**fields) -> Paper:
    return make_paper("NEO", github_repo=NEO, **fields)


def test_stars_reach_the_paper_and_its_card(github):
    paper = neo_paper()
    list_on(paper, dt.date(2026, 5, 20))
    server = github(github_ok(1234))
    assert sync_from_papers() == 1
    assert handle_one(client()) == "EvolvingLMMs-Lab/NEO: ok ★1234"
    head = server.requests[0][1].decode()
    assert head.startswith("GET /repos/EvolvingLMMs-Lab/NEO ")
    assert "accept: application/vnd.github+json" in head.lower()
    paper.refresh_from_db()
    assert paper.github_stars == 1234
    assert "★ 1,234" in Client().get("/papers/date/2026-05-20").content.decode()
    assert handle_one(client()) is None  # next check in STARS_REFRESH_HOURS


def test_the_etag_is_sent_back_and_a_304_keeps_the_count(github):
    neo_paper()
    server = github(github_ok(10, etag='W/"v1"'), respond(304, b"", {"ETag": 'W/"v1"'}))
    sync_from_papers()
    handle_one(client())
    GitHubRepo.objects.update(next_check_at=timezone.now())
    assert handle_one(client()) == "EvolvingLMMs-Lab/NEO: ok ★10"
    assert 'if-none-match: w/"v1"' in server.requests[1][1].decode().lower()
    assert GitHubRepo.objects.get().stars == 10


def test_a_rate_limited_403_pauses_every_worker_until_the_reset(github, caplog):
    neo_paper()
    reset = int(timezone.now().timestamp()) + 1800
    github(
        respond(
            403,
            b'{"message": "API rate limit exceeded for 127.0.0.1."}',
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
        )
    )
    sync_from_papers()
    with caplog.at_level(logging.WARNING, "dailypapers.repos"):
        outcome = handle_one(client())
    assert outcome is not None and outcome.startswith(
        "GitHub rate limit reached (HTTP 403); paused until"
    )
    assert "rate limit reached" in caplog.text
    pace = UpstreamPace.objects.get(upstream="github")
    assert abs(pace.next_request_at.timestamp() - reset) < 1
    repo = GitHubRepo.objects.get()
    assert repo.state == "new" and repo.stars is None and repo.claimed_until is None
    assert handle_one(client()) is None  # nothing is asked before the reset


def test_a_deleted_repository_is_missing_and_asked_again_in_a_month(github):
    neo_paper()
    github(respond(404, b'{"message": "Not Found"}'))
    sync_from_papers()
    assert handle_one(client()) == "EvolvingLMMs-Lab/NEO: missing (HTTP 404)"
    repo = GitHubRepo.objects.get()
    assert repo.next_check_at is not None
    assert repo.next_check_at > timezone.now() + dt.timedelta(days=29)


def test_an_answer_without_a_star_count_is_an_error_not_a_zero(github):
    paper = neo_paper()
    github(respond(200, b'{"message": "odd"}'))
    sync_from_papers()
    assert handle_one(client()) == "EvolvingLMMs-Lab/NEO: error (answer without a star count)"
    paper.refresh_from_db()
    assert paper.github_stars is None


def test_trending_by_code_ranks_by_stars_gained_per_day(github):
    now = timezone.now()
    day = now.date()
    slow = make_paper(
        "Slow", github_repo="https://github.com/a/slow", published_at=now - dt.timedelta(days=3)
    )
    fast = make_paper(
        "Fast", github_repo="https://github.com/a/fast", published_at=now - dt.timedelta(days=3)
    )
    plain = make_paper("No code", published_at=now - dt.timedelta(days=3))
    for paper in (slow, fast, plain):
        list_on(paper, day)
    week_ago = now - dt.timedelta(days=7)
    GitHubRepo.objects.create(
        url="https://github.com/a/slow",
        stars=5000,
        stars_before=4990,
        stars_before_at=week_ago,
        checked_at=now,
    )
    GitHubRepo.objects.create(
        url="https://github.com/a/fast",
        stars=300,
        stars_before=20,
        stars_before_at=week_ago,
        checked_at=now,
    )
    ranked = trending_by_code(now)
    assert [entry.paper.title for entry in ranked] == ["Fast", "Slow"]
    assert ranked[0].stars_per_day == 40.0  # type: ignore[attr-defined]
    page = Client().get("/papers/trending?sort=code").content.decode()
    assert page.index("Fast") < page.index("Slow") and "No code" not in page
    assert "+40.0 ★/day" in page


def test_the_command_adds_repositories_and_checks_them(github, capsys):
    neo_paper()
    github(github_ok(7))
    call_command("stars", "fetch")
    out = capsys.readouterr().out
    assert "1 new repositories" in out and "EvolvingLMMs-Lab/NEO: ok ★7" in out


def test_the_command_says_when_it_is_paused_by_the_rate_limit(github, capsys):
    neo_paper()
    github()
    until = timezone.now() + dt.timedelta(minutes=30)
    UpstreamPace.objects.create(upstream="github", next_request_at=until)
    call_command("stars", "fetch")
    out = capsys.readouterr().out
    assert f"GitHub rate limit: paused until {until:%Y-%m-%d %H:%M:%S}Z" in out
    assert "0 repositories checked" in out
    assert GitHubRepo.objects.get().state == "new"
