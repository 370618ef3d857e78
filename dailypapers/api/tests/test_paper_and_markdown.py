"""GET /api/papers/{id} (the flat paper), its comments, and the paper as Markdown."""

from __future__ import annotations

import pytest

from dailypapers.discussions.posting import delete_comment, post_comment
from dailypapers.papers.models import Author, AuthorshipClaim

pytestmark = pytest.mark.django_db


def test_the_flat_paper_has_every_field_the_client_reads(client, papers):
    paper = client.get("/api/papers/2605.01001").json()
    assert paper["id"] == "2605.01001"
    assert paper["title"] == "Sparse attention for long documents"
    assert [author["name"] for author in paper["authors"]] == ["Grace Hopper", "Alan Turing"]
    assert paper["upvotes"] == 12 and paper["numComments"] == 0
    assert paper["submittedOnDailyAt"] == "2026-05-20T00:00:00.000Z"
    assert paper["publishedAt"].endswith("Z")
    assert paper["source"] == "arxiv"
    for name in ("linkedModels", "linkedDatasets", "linkedSpaces"):
        assert paper[name] == []
    assert paper["numTotalModels"] == paper["numTotalDatasets"] == paper["numTotalSpaces"] == 0
    assert paper["categories"] == ["cs.CL", "cs.LG"]


def test_a_versioned_id_finds_the_paper(client, papers):
    assert client.get("/api/papers/2605.01001v3").json()["id"] == "2605.01001"


def test_a_confirmed_author_appears_as_a_user_and_the_entry_says_so(client, papers, alice):
    AuthorshipClaim.objects.create(
        user=alice,
        paper=papers["attention"],
        author=Author.objects.get(name="Grace Hopper"),
        status=AuthorshipClaim.Status.CONFIRMED,
    )
    author = client.get("/api/papers/2605.01001").json()["authors"][0]
    assert author["user"]["user"] == "alice" and author["status"] == "claimed_verified"
    entry = client.get("/api/daily_papers", {"date": "2026-05-20"}).json()[0]
    assert entry["isAuthorParticipating"] is True


def test_comments_are_read_only_threads_without_deleted_text(client, papers, alice, bob):
    first = post_comment(alice, papers["attention"], "Nice **work**")
    post_comment(bob, papers["attention"], "Agreed", parent=first)
    gone = post_comment(bob, papers["attention"], "Oops")
    post_comment(alice, papers["attention"], "Why?", parent=gone)
    delete_comment(bob, gone)
    threads = client.get("/api/papers/2605.01001/comments").json()
    assert [thread["body"] for thread in threads] == ["Nice **work**", ""]
    assert "<strong>work</strong>" in threads[0]["bodyHtml"]
    assert threads[0]["author"]["user"] == "alice"
    assert threads[0]["replies"][0]["body"] == "Agreed"
    assert threads[0]["replies"][0]["parentId"] == threads[0]["id"]
    assert threads[1]["deleted"] is True and threads[1]["author"] is None
    assert client.post("/api/papers/2605.01001/comments").status_code == 405


def test_the_paper_as_markdown(client, papers):
    response = client.get("/papers/2605.01001.md")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("# Sparse attention for long documents\n")
    assert "Grace Hopper, Alan Turing" in text
    assert "https://arxiv.org/abs/2605.01001" in text
    assert "## Abstract" in text


def test_the_paper_page_answers_markdown_to_accept_text_markdown(client, papers):
    markdown = client.get("/papers/2605.01001", HTTP_ACCEPT="text/markdown")
    assert markdown["Content-Type"].startswith("text/markdown")
    assert "Accept" in markdown["Vary"]
    page = client.get("/papers/2605.01001", HTTP_ACCEPT="text/html,*/*")
    assert page["Content-Type"].startswith("text/html")
    assert "Accept" in page["Vary"]


def test_the_openapi_document_lists_every_endpoint(client):
    document = client.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    for path in (
        "/api/daily_papers",
        "/api/papers/search",
        "/api/papers/{arxiv_id}",
        "/api/papers",
        "/papers/{arxiv_id}.md",
        "/api/papers/index",
        "/api/papers/{arxiv_id}/links",
        "/api/papers/{arxiv_id}/comments",
        "/api/organizations/{name}/papers",
        "/api/authors/{name}/papers",
    ):
        assert path in document["paths"]
