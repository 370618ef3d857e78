"""The reader's API with a token: For you with reasons, follows, a library import; without a
token or with another's, nothing of the reader's is shown."""

import datetime as dt
import json

import pytest

from dailypapers.accounts.models import ApiToken
from dailypapers.library.models import Follow, LibraryItem
from dailypapers.search import vectors
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 20)


@pytest.fixture
def token(alice):
    return ApiToken.issue(alice, "feed reader")[1]


@pytest.fixture
def papers():
    made = [
        make_paper("Speech recognition with transducers", announced_on=DAY, authors=["A B"]),
        make_paper("Protein folding with diffusion", announced_on=DAY, authors=["C D"]),
        make_paper("Older speech recognition work", announced_on=DAY - dt.timedelta(days=40)),
    ]
    from dailypapers.papers.models import Paper

    vectors.embed_papers(Paper.objects.all())
    return made


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_for_you_lists_papers_with_reasons(client, alice, token, papers):
    LibraryItem.objects.create(user=alice, paper=papers[2])
    response = client.get("/api/me/for-you?date=2026-05-20", **bearer(token))
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == {"kind": "date", "key": "2026-05-20"} and data["personal"]
    assert [p["paper"]["id"] for p in data["papers"]] == [papers[0].arxiv_id, papers[1].arxiv_id]
    assert data["papers"][0]["reasons"][0]["text"] == ("Close to Older speech recognition work")


def test_follows_are_made_listed_and_removed(client, alice, token, papers):
    body = json.dumps({"kind": "category", "target": "cs.CL"})
    made = client.post("/api/me/follows", body, content_type="application/json", **bearer(token))
    assert made.status_code == 201 and made.json()["target"] == "cs.CL"
    again = client.post("/api/me/follows", body, content_type="application/json", **bearer(token))
    assert again.status_code == 200
    listed = client.get("/api/me/follows", **bearer(token)).json()
    assert [f["target"] for f in listed] == ["cs.CL"]
    gone = client.delete("/api/me/follows", body, content_type="application/json", **bearer(token))
    assert gone.json() == {"deleted": True} and not Follow.objects.exists()


def test_a_bad_follow_and_a_bad_body_are_400s(client, token, papers):
    bad = json.dumps({"kind": "author", "target": "Nobody"})
    response = client.post("/api/me/follows", bad, content_type="application/json", **bearer(token))
    assert response.status_code == 400 and "author of that name" in response.json()["error"]
    junk = client.post("/api/me/follows", "[1", content_type="application/json", **bearer(token))
    assert junk.status_code == 400
    nested = "[" * 5000 + "]" * 5000
    deep = client.post("/api/me/follows", nested, content_type="application/json", **bearer(token))
    assert deep.status_code == 400 and "nested" in deep.json()["error"]


def test_a_library_import_reports_its_counts(client, alice, token, papers, reference_file):
    response = client.post(
        "/api/me/library/import",
        reference_file("zotero.ris"),
        content_type="application/x-research-info-systems",
        **bearer(token),
    )
    assert response.status_code == 200
    assert response.json()["references"] == 5 and response.json()["queued_for_fetching"] == 2
    refused = client.post(
        "/api/me/library/import",
        reference_file("broken.bib"),
        content_type="text/plain",
        **bearer(token),
    )
    assert refused.status_code == 400 and "Nothing was imported" in refused.json()["error"]


def test_no_token_or_a_wrong_one_is_401(client, papers):
    assert client.get("/api/me/for-you").status_code == 401
    assert client.get("/api/me/follows", **bearer("dp_nope")).status_code == 401
    assert (
        client.post("/api/me/library/import", b"@misc{a}", content_type="text/plain").status_code
        == 401
    )


def test_the_openapi_document_describes_the_readers_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"get", "post", "delete"} <= set(paths["/api/me/follows"])
    assert paths["/api/me/for-you"]["get"]["security"] == [{"token": []}]
