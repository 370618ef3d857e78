"""GET /api/daily_papers: Hugging Face's daily entry shape, its parameters and our category."""

from __future__ import annotations

import re

import pytest

from dailypapers.api.tests.conftest import DAY, NEXT_DAY

pytestmark = pytest.mark.django_db
Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["paper"]["id"] for item in response.json()]


def test_an_entry_has_hugging_faces_shape_and_the_top_level_superset(client, papers):
    item = client.get("/api/daily_papers", {"date": DAY.isoformat()}).json()[0]
    paper = item["paper"]
    for key in ("id", "authors", "discussionId", "publishedAt", "summary", "title", "upvotes"):
        assert key in paper
    assert paper["authors"][0] == {
        "_id": paper["authors"][0]["_id"],
        "name": "Grace Hopper",
        "hidden": False,
    }
    for key in (
        "publishedAt",
        "title",
        "summary",
        "thumbnail",
        "numComments",
        "submittedBy",
        "isAuthorParticipating",
        "upvotes",
        "githubRepo",
        "organization",
    ):
        assert key in item
    assert item["title"] == paper["title"] == "Sparse attention for long documents"
    assert item["githubRepo"] == "https://github.com/example/sparse"
    assert item["organization"]["fullname"] == "Example Lab"
    assert Z.match(item["publishedAt"]) and Z.match(paper["publishedAt"])
    assert item["publishedAt"].startswith(DAY.isoformat())  # added to the list, not arXiv's date


def test_upvotes_of_zero_are_an_int_at_the_top_level_and_in_the_paper(client, papers):
    items = client.get("/api/daily_papers", {"date": DAY.isoformat()}).json()
    zero = next(item for item in items if item["paper"]["id"] == "2605.01002")
    assert zero["upvotes"] == 0 and zero["paper"]["upvotes"] == 0


def test_newest_submissions_come_first_by_default(client, papers):
    assert ids(client.get("/api/daily_papers"))[0] == "2605.01003"


def test_date_week_and_month_filter_on_the_day_of_the_list(client, papers):
    assert set(ids(client.get("/api/daily_papers", {"date": DAY.isoformat()}))) == {
        "2605.01001",
        "2605.01002",
    }
    assert ids(client.get("/api/daily_papers", {"date": NEXT_DAY.isoformat()})) == ["2605.01003"]
    assert len(ids(client.get("/api/daily_papers", {"week": "2026-W21"}))) == 3
    assert len(ids(client.get("/api/daily_papers", {"month": "2026-05"}))) == 3
    assert ids(client.get("/api/daily_papers", {"month": "2026-04"})) == []


def test_p_and_limit_page_and_past_the_end_is_empty(client, papers):
    first = ids(client.get("/api/daily_papers", {"limit": 2, "p": 0}))
    second = ids(client.get("/api/daily_papers", {"limit": 2, "p": 1}))
    assert len(first) == 2 and len(second) == 1 and not set(first) & set(second)
    assert ids(client.get("/api/daily_papers", {"limit": 2, "p": 50})) == []


def test_trending_within_a_day_puts_the_most_upvoted_first(client, papers):
    response = client.get("/api/daily_papers", {"date": DAY.isoformat(), "sort": "trending"})
    assert ids(response) == ["2605.01001", "2605.01002"]


def test_trending_without_a_period_ranks_the_last_week(client, papers):
    assert set(ids(client.get("/api/daily_papers", {"sort": "trending"}))) == {
        "2605.01001",
        "2605.01002",
        "2605.01003",
    }


def test_category_filters_lists_and_search(client, papers):
    assert set(ids(client.get("/api/daily_papers", {"category": "cs.CL"}))) == {
        "2605.01001",
        "2605.01003",
    }
    response = client.get("/api/papers/search", {"q": "proteins", "category": "cs.CL"})
    assert ids(response) == []


def test_submitter_filters_by_username(client, papers, alice):
    papers["diffusion"].daily_entries.update(submitted_by=alice)
    items = client.get("/api/daily_papers", {"submitter": "alice"}).json()
    assert [item["paper"]["id"] for item in items] == ["2605.01002"]
    assert items[0]["submittedBy"]["user"] == "alice"
    assert items[0]["submittedBy"]["name"] == "alice"


def test_search_returns_daily_entry_shaped_items(client, papers):
    items = client.get("/api/papers/search", {"q": "alignment feedback", "limit": 5}).json()
    assert items[0]["paper"]["id"] == "2605.01003"
    assert items[0]["title"] == "Alignment of language models with feedback"
    assert Z.match(items[0]["publishedAt"])


def test_papers_are_cursor_paginated_by_arxiv_date(client, papers):
    first = client.get("/api/papers", {"limit": 2})
    assert len(first.json()) == 2 and 'rel="next"' in first["Link"]
    following = first["Link"].split("<")[1].split(">")[0]
    rest = client.get(following).json()
    seen = [item["id"] for item in first.json() + rest]
    assert sorted(seen) == ["2605.01001", "2605.01002", "2605.01003"]
    assert "Link" not in client.get(following)


def test_organization_and_author_listings(client, papers):
    org = client.get("/api/organizations").json()[0]
    assert org["fullname"] == "Example Lab"
    assert client.get(f"/api/organizations/{org['name']}").json() == org
    listed = client.get(f"/api/organizations/{org['name']}/papers").json()
    assert [item["paper"]["id"] for item in listed] == ["2605.01001"]
    by_author = client.get("/api/authors/Grace Hopper/papers").json()
    assert [paper["id"] for paper in by_author] == ["2605.01001"]
    assert client.get("/api/authors/Nobody At All/papers").status_code == 404
