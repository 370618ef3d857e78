"""Anonymous rate limits with RateLimit headers, and conditional GETs (ETag, Last-Modified)."""

from __future__ import annotations

import types

import pytest

from dailypapers.core import ratelimits
from dailypapers.papers.voting import set_vote

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mid_window(monkeypatch):
    """The limiter's clock stands still, 30 s into a minute and an hour: requests of one test
    that straddled the end of a fixed window were counted in two (a flaky 200 for a 429)."""
    monkeypatch.setattr(ratelimits, "time", types.SimpleNamespace(time=lambda: 1_800_000_030.0))


def test_anonymous_requests_are_limited_with_ratelimit_headers(client, papers, settings):
    settings.RATE_LIMITS = {"api.ip": "3/m"}
    seen = [client.get("/api/daily_papers") for _ in range(4)]
    assert [response.status_code for response in seen] == [200, 200, 200, 429]
    assert seen[0]["RateLimit-Policy"] == '"fixed window";"api";q=3;w=60'
    assert seen[0]["RateLimit"].startswith('"api";r=2;t=')
    over = seen[-1]
    assert over["RateLimit"].startswith('"api";r=0;')
    assert int(over["Retry-After"]) > 0
    assert "Too many requests" in over.json()["error"]
    assert over["X-Error-Message"] == over.json()["error"]


@pytest.mark.parametrize("authorization", ["", "   ", None])
@pytest.mark.parametrize("url", ["/api/daily_papers", "/api/papers/search?q=attention"])
def test_anonymous_requests_are_limited_whatever_authorization_header_they_send(
    client, papers, settings, authorization, url
):
    settings.RATE_LIMITS = {"api.ip": "2/m"}
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    seen = [client.get(url, **headers).status_code for _ in range(3)]
    assert seen == [200, 200, 429]


@pytest.mark.parametrize("authorization", ["Bearer nonsense", "Bearer", "Basic YTpi", "dp_x"])
@pytest.mark.parametrize("url", ["/api/daily_papers", "/api/papers/search?q=attention"])
def test_a_token_that_is_sent_is_checked_and_a_bad_one_is_refused(
    client, papers, settings, authorization, url
):
    settings.RATE_LIMITS = {"api.ip": "100/m"}
    response = client.get(url, HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Invalid or revoked API token" in response.json()["error"]


def test_a_valid_token_counts_against_its_users_limit_not_the_ips(client, papers, alice, settings):
    from dailypapers.accounts.models import ApiToken

    settings.RATE_LIMITS = {"api.ip": "1/m", "api.user": "2/m"}
    _, token = ApiToken.issue(alice, "script")
    assert client.get("/api/daily_papers").status_code == 200  # the IP's one request
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    seen = [client.get("/api/daily_papers", **bearer) for _ in range(3)]
    assert [response.status_code for response in seen] == [200, 200, 429]
    assert seen[0]["RateLimit"].startswith('"api";r=1;')
    assert "with this token" in seen[-1].json()["error"]


def test_a_token_of_an_unverified_account_acts_for_nothing(client, papers, charlie):
    from dailypapers.accounts.models import ApiToken

    _, token = ApiToken.issue(charlie, "made before verification was required")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    read = client.get("/api/daily_papers", **bearer)
    write = client.post(
        "/api/papers/index", '{"arxivId": "2605.04444"}', content_type="application/json", **bearer
    )
    assert read.status_code == write.status_code == 403
    assert "Verify the email" in write.json()["error"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/daily_papers",
        "/api/papers/search?q=attention",
        "/api/papers",
        "/api/organizations",
        "/papers/feed.atom",
    ],
)
def test_lists_answer_304_when_nothing_changed(client, papers, url):
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_a_new_upvote_changes_the_etag_once_the_page_cache_is_off(client, papers, alice, settings):
    settings.PAGE_CACHE_SECONDS = 0  # else the list is kept as long as the HTML lists
    first = client.get("/api/daily_papers")
    set_vote(alice, papers["diffusion"], up=True)
    changed = client.get("/api/daily_papers", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_lists_are_kept_for_the_page_cache_time(client, papers, alice):
    first = client.get("/api/daily_papers").json()
    set_vote(alice, papers["diffusion"], up=True)
    assert client.get("/api/daily_papers").json() == first
