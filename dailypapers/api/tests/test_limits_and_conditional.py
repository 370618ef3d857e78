"""Anonymous rate limits with RateLimit headers, and conditional GETs (ETag, Last-Modified)."""

from __future__ import annotations

import pytest

from dailypapers.papers.voting import set_vote

pytestmark = pytest.mark.django_db


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


def test_a_request_with_a_token_is_not_counted_as_anonymous(client, papers, settings):
    settings.RATE_LIMITS = {"api.ip": "1/m"}
    client.get("/api/daily_papers")
    response = client.get("/api/daily_papers", HTTP_AUTHORIZATION="Bearer dp_anything")
    assert response.status_code == 200 and "RateLimit" not in response


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
