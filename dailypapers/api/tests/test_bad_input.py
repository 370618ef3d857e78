"""Bad input gets a 4xx with a clear JSON error (and X-Error-Message), never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BAD_REQUESTS = [
    ("/api/daily_papers?date=2025-13-45", 400, "date"),
    ("/api/daily_papers?date=yesterday", 400, "YYYY-MM-DD"),
    ("/api/daily_papers?date=2025-1-5", 400, "YYYY-MM-DD"),
    ("/api/daily_papers?week=2025-W60", 400, "2025-W60"),
    ("/api/daily_papers?week=2025-W00", 400, "week"),
    ("/api/daily_papers?week=2025W10", 400, "YYYY-Www"),
    ("/api/daily_papers?month=2025-13", 400, "month"),
    ("/api/daily_papers?month=0000-01", 400, "month"),
    ("/api/daily_papers?date=2025-01-01&week=2025-W01", 400, "only one"),
    ("/api/daily_papers?p=-1", 400, "p must"),
    ("/api/daily_papers?p=99999999999999999999999999", 400, "p must"),
    ("/api/daily_papers?p=1.5", 400, "p must"),
    ("/api/daily_papers?limit=0", 400, "limit must"),
    ("/api/daily_papers?limit=101", 400, "limit must"),
    ("/api/daily_papers?limit=", 400, "limit must"),
    ("/api/daily_papers?sort=upvotes", 400, "sort must"),
    ("/api/daily_papers?category=DROP TABLE", 400, "category"),
    ("/api/papers/search?q=" + "x" * 251, 400, "250"),
    ("/api/papers/search?q=ok&limit=121", 400, "limit must"),
    ("/api/papers/search?q=ok&limit=-5", 400, "limit must"),
    ("/api/papers?cursor=not-a-cursor", 400, "cursor"),
    ("/api/papers?limit=1000", 400, "limit must"),
    ("/api/papers/2101.99999", 404, "2101.99999"),
    ("/api/papers/not-an-id", 404, "No such"),
    ("/api/papers/2101.99999/comments", 404, "not found"),
    ("/api/organizations/nobody", 404, "nobody"),
    ("/api/no/such/endpoint", 404, "No such"),
    ("/papers/2101.99999.md", 404, "not found"),
    ("/papers/2101.99999.bib", 404, "not found"),
    ("/papers/date/2025-02-30.bib", 400, "date"),
    ("/papers/search.ris", 400, "q is required"),
]


@pytest.mark.parametrize(("url", "status", "words"), BAD_REQUESTS)
def test_bad_requests_get_a_clear_json_error(client, papers, url, status, words):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert words in response.json()["error"]
    assert response["X-Error-Message"] == response.json()["error"][:500]


@pytest.mark.parametrize(
    "text",
    [
        'title:"unclosed',
        "NEAR(a b) OR * AND -",
        "'; DROP TABLE papers_paper; --",
        '" OR 1=1 --',
        "注意力 机制 😀",
        "a\u0000b",
        "%00%27",
        "like:2605.01001",
        "author:",
        "*" * 250,
    ],
)
def test_hostile_or_odd_searches_never_fail(client, papers, text):
    response = client.get("/api/papers/search", {"q": text})
    assert response.status_code in (200, 400)
    assert isinstance(response.json(), list) or "error" in response.json()


def test_an_error_echoing_control_characters_keeps_its_header_printable(client, papers):
    response = client.get("/api/papers/\x07\n\u00e9/comments")
    assert response.status_code == 404
    assert all(" " <= ch <= "~" for ch in response["X-Error-Message"])


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/daily_papers"),
        ("delete", "/api/papers/2605.01001"),
        ("put", "/api/papers/search"),
        ("get", "/api/papers/index"),
        ("get", "/api/papers/2605.01001/links"),
    ],
)
def test_wrong_methods_get_405_with_allow(client, papers, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert "not allowed" in response.json()["error"]
    assert response["Allow"]
