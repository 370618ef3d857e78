"""Every item of /api/daily_papers, /api/papers/search and /api/papers/{id} validates against
Hugging Face's published schema (``hf_schema.py``), and so does a real recorded answer of
Hugging Face itself (the schema is checked against reality, not only against us)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from jsonschema import Draft202012Validator

from dailypapers.api.tests.hf_schema import DAILY_PAPER, FLAT_PAPER, USER
from dailypapers.papers import pictures
from dailypapers.papers.models import Author, AuthorshipClaim, DailyEntry
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db

# A real answer of huggingface.co/api/daily_papers, recorded 2024-10-25 (shared data:
# hf-daily-papers-api-sample), as the HF ingestion tests use it.
RECORDED = (
    Path(__file__).resolve().parents[3]
    / "tests/fixtures/sources/hf/daily_papers_2024-10-25_first4.json"
)


def errors(schema, value) -> list[str]:
    validator = Draft202012Validator(schema)
    return sorted(
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(value)
    )


def test_the_schema_rejects_the_nulls_hugging_face_never_sends():
    paper: dict[str, Any] = {
        "id": "2605.01001",
        "authors": [],
        "discussionId": "x",
        "publishedAt": "2026-05-20T12:00:00.000Z",
        "summary": "",
        "title": "",
        "upvotes": 0,
    }
    item = {
        "isAuthorParticipating": False,
        "numComments": 0,
        "paper": paper,
        "publishedAt": "2026-05-20T12:00:00.000Z",
        "submittedBy": None,
        "summary": "",
        "thumbnail": None,
        "title": "",
    }
    assert errors(DAILY_PAPER, item) == [
        "submittedBy: None is not of type 'object'",
        "thumbnail: None is not of type 'string'",
    ]
    paper["publishedAt"] = "2026-05-20T12:00:00+00:00"  # the offset huggingface_hub refuses
    assert "paper/publishedAt" in " ".join(errors(DAILY_PAPER, item))


def without_required(schema):
    """The schema with every ``required`` dropped: it then checks only the types of what is
    there."""
    if isinstance(schema, dict):
        return {key: without_required(value) for key, value in schema.items() if key != "required"}
    if isinstance(schema, list):
        return [without_required(value) for value in schema]
    return schema


def test_a_recorded_answer_of_hugging_face_fits_the_schema_but_for_later_fields():
    # Recorded 2024-10-25; the schema is of 2025. Every field the answer has has the type
    # the schema says; what it lacks is exactly what Hugging Face added since.
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert len(recorded) == 4
    for item in recorded:
        assert errors(without_required(DAILY_PAPER), item) == []
        missing = set(errors(DAILY_PAPER, item))
        assert {
            ": 'isAuthorParticipating' is a required property",
            ": 'summary' is a required property",
            "submittedBy: '_id' is a required property",
        } <= missing
        # Claimed authors' users then had no "name" (the username was in "user").
        others = {text for text in missing if not text.startswith(("submittedBy", ": "))}
        assert all(text.startswith("paper/authors/") for text in others)
        for author in item["paper"]["authors"]:
            if "user" in author:
                assert "name" not in author["user"]
                assert errors(USER, {**author["user"], "name": author["user"]["user"]}) == []


@pytest.fixture
def site(papers, alice, bob):
    """The API fixture's papers, plus what makes shapes vary: a confirmed claim, a submitter,
    a submitter gone, a paper not fetched yet, a paper on no daily list."""
    attention = papers["attention"]
    AuthorshipClaim.objects.create(
        user=alice,
        paper=attention,
        author=Author.objects.get(name="Grace Hopper"),
        status=AuthorshipClaim.Status.CONFIRMED,
        decided_at=dt.datetime(2026, 5, 21, 9, tzinfo=dt.UTC),
    )
    DailyEntry.objects.filter(paper=attention).update(submitted_by=bob)
    gone = get_user_model().objects.create_user(username="gone", password="x")
    DailyEntry.objects.filter(paper=papers["alignment"]).update(submitted_by=gone)
    gone.delete()
    pending = make_paper("", arxiv_id="2605.01009", abstract="", authors=[], published_at=None)
    list_on(pending, dt.date(2026, 5, 21))
    make_paper("Sparse retrieval, never on a daily list", arxiv_id="2605.01010")
    return papers


def test_every_daily_paper_fits_the_schema(client, site):
    items = client.get("/api/daily_papers?limit=100").json()
    # The paper not fetched yet waits for arXiv on no list (docs/api.md, papers on demand).
    assert sorted(item["id"] for item in items) == ["2605.01001", "2605.01002", "2605.01003"]
    for item in items:
        assert errors(DAILY_PAPER, item) == [], item["id"]


def test_every_search_result_fits_the_schema(client, site):
    items = client.get("/api/papers/search?q=sparse").json()
    assert {item["id"] for item in items} >= {"2605.01001", "2605.01010"}
    for item in items:
        assert errors(DAILY_PAPER, item) == [], item["id"]


@pytest.mark.parametrize("arxiv_id", ["2605.01001", "2605.01002", "2605.01010"])
def test_every_flat_paper_fits_the_schema(client, site, arxiv_id):
    assert errors(FLAT_PAPER, client.get(f"/api/papers/{arxiv_id}").json()) == []


def test_every_paper_of_the_other_lists_fits_the_schema(client, site):
    # /api/papers and an author's papers are flat papers; an organization's, daily entries.
    for url in ("/api/papers?limit=100", "/api/authors/Grace Hopper/papers"):
        items = client.get(url).json()
        assert items, url
        for item in items:
            assert errors(FLAT_PAPER, item) == [], (url, item["id"])
    organization = site["attention"].organization.name
    entries = client.get(f"/api/organizations/{organization}/papers").json()
    assert [item["id"] for item in entries] == ["2605.01001"]
    assert errors(DAILY_PAPER, entries[0]) == []
    assert entries[0]["paper"]["authors"][0]["user"]["user"] == "alice"


def test_thumbnail_and_submitter_are_never_null_and_say_what_they_are(client, site):
    by_id = {item["id"]: item for item in client.get("/api/daily_papers?limit=100").json()}
    assert by_id["2605.01001"]["submittedBy"]["user"] == "bob"
    assert by_id["2605.01003"]["submittedBy"]["name"] == "deleted-account"
    for arxiv_id, item in by_id.items():
        path = urlsplit(item["thumbnail"]).path
        assert path == f"/papers/{arxiv_id}/thumbnail.webp"
        # Not rendered here: the first page's URL leads to a placeholder the site ships (the
        # test client serves no static files: check the file exists).
        placeholder = client.get(path)["Location"]
        assert finders.find(placeholder.removeprefix("/" + settings.STATIC_URL.lstrip("/")))
        assert errors(USER, item["submittedBy"]) == []
    found = client.get("/api/papers/search?q=never").json()
    never_listed = next(item for item in found if item["id"] == "2605.01010")
    assert never_listed["submittedBy"]["name"] == "arxiv"
    assert never_listed["paper"]["submittedOnDailyBy"] is None


def test_a_paper_not_fetched_yet_is_no_paper_shape_but_a_wait(client, site):
    answer = client.get("/api/papers/2605.01009")
    assert answer.status_code == 202 and int(answer["Retry-After"]) > 0
    assert answer.json()["id"] == "2605.01009" and "authors" not in answer.json()


def test_the_shapes_answer_without_collected_static_files(client, site, settings):
    # Production storage with no manifest (collectstatic not run): plain URLs, no 500.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = str(settings.BASE_DIR / "no-such-static-root")
    pictures._static.cache_clear()  # looked up once per process: look again under these
    try:
        items = client.get("/api/daily_papers?limit=100").json()
        placeholder = client.get(urlsplit(items[0]["thumbnail"]).path)["Location"]
    finally:
        pictures._static.cache_clear()
    assert placeholder == "/static/dailypapers/thumbnail.svg"
    assert all(errors(DAILY_PAPER, item) == [] for item in items)
