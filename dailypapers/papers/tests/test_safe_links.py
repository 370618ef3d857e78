"""Stored XSS through upstream links: a Hugging Face answer with ``javascript:`` links is stored
without them, and a hostile link already in the database reaches no page, mail, feed, API
answer or Markdown export. Admin forms refuse such links too."""

import datetime as dt
import json

import pytest

from dailypapers.digests.tests.helpers import DUE, LIST_DAY, subscriber
from dailypapers.papers.ingest.hf_lists import import_day
from dailypapers.papers.models import Organization, Paper
from dailypapers.papers.tests.upstream import FIXTURES, FakeClock, client
from tests.support.scripted_server import respond
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db
SAMPLE = "hf/daily_papers_2024-10-25_first4.json"  # the real API answer, first 4 entries
DAY = dt.date(2024, 10, 25)
HOSTILE_REPO = "javascript:alert('gh')//https://github.com/a/b"
HOSTILE_PAGE = "javascript:alert('pp')"


def test_ingesting_hugging_face_drops_javascript_links_and_keeps_the_paper(upstream):
    raw = json.loads((FIXTURES / SAMPLE).read_bytes())
    raw[0]["paper"]["projectPage"] = HOSTILE_PAGE
    raw[0]["paper"]["githubRepo"] = HOSTILE_REPO
    raw[1]["paper"]["projectPage"] = "https://example.org/project"
    raw[1]["paper"]["githubRepo"] = "https://github.com/example/repo/"
    upstream(respond(200, json.dumps(raw).encode()))

    result = import_day(DAY, client(FakeClock()))

    assert result.papers.created == 4
    hostile = Paper.objects.get(arxiv_id=raw[0]["paper"]["id"])
    assert (hostile.project_page, hostile.github_repo) == ("", "")
    fine = Paper.objects.get(arxiv_id=raw[1]["paper"]["id"])
    assert fine.project_page == "https://example.org/project"
    assert fine.github_repo == "https://github.com/example/repo"


def test_a_hostile_link_does_not_erase_a_good_one_already_stored():
    paper = make_paper("Kept", github_repo="https://github.com/example/kept")
    make_paper("Kept", arxiv_id=paper.arxiv_id, github_repo=HOSTILE_REPO)
    paper.refresh_from_db()
    assert paper.github_repo == "https://github.com/example/kept"


@pytest.fixture
def stored_hostile_paper():
    """A paper whose links were stored before links were checked."""
    paper = make_paper("Hostile links", abstract="An abstract.", organization="Example Lab")
    Paper.objects.filter(pk=paper.pk).update(github_repo=HOSTILE_REPO, project_page=HOSTILE_PAGE)
    assert paper.organization is not None
    Organization.objects.filter(pk=paper.organization.pk).update(avatar_url="javascript:alert(3)")
    list_on(paper, LIST_DAY, organization="Example Lab")
    paper.refresh_from_db()
    return paper


def assert_no_script_link(text: str) -> None:
    assert "javascript" not in text.lower(), text[:2000]


def test_a_stored_javascript_link_reaches_no_page(client, stored_hostile_paper):
    paper = stored_hostile_paper
    org = paper.organization.name
    for url in [
        f"/papers/{paper.arxiv_id}",
        f"/papers/date/{LIST_DAY}",
        f"/papers/week/{LIST_DAY:%G-W%V}",
        f"/papers/month/{LIST_DAY:%Y-%m}",
        f"/organizations/{org}",
        "/papers?q=hostile",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_script_link(response.content.decode())


def test_a_stored_javascript_link_reaches_no_api_answer_markdown_or_feed(
    client, stored_hostile_paper
):
    paper = stored_hostile_paper
    for url in [
        f"/api/papers/{paper.arxiv_id}",
        f"/api/daily_papers?date={LIST_DAY}",
        f"/api/organizations/{paper.organization.name}",
        f"/papers/{paper.arxiv_id}.md",
        "/papers/feed.xml",
        "/papers/feed.atom",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_script_link(response.content.decode())
    assert client.get(f"/api/papers/{paper.arxiv_id}").json()["githubRepo"] is None


def test_a_stored_javascript_link_reaches_no_digest(client, as_mallory, stored_hostile_paper):
    from dailypapers.digests.compose import compose
    from dailypapers.digests.emails import render_digest
    from dailypapers.digests.links import make_token

    subscription = subscriber()
    mail = render_digest(compose(subscription, DUE))
    assert mail.html is not None and "Hostile links" in mail.html
    assert_no_script_link(mail.html + mail.text)
    preview = client.get(f"/subscribe/preview/{make_token(subscription, 'preview')}")
    assert "Hostile links" in preview.content.decode()
    assert_no_script_link(preview.content.decode())
    admin_preview = as_mallory.get(f"/admin/digests/subscription/{subscription.pk}/preview/")
    assert "Hostile links" in admin_preview.content.decode()
    assert_no_script_link(admin_preview.content.decode())


def test_admin_forms_refuse_javascript_links(as_mallory, stored_hostile_paper):
    paper = stored_hostile_paper
    url = f"/admin/papers/paper/{paper.pk}/change/"
    form = as_mallory.get(url)
    assert form.status_code == 200
    fields = {
        "arxiv_id": paper.arxiv_id,
        "title": paper.title,
        "github_repo": HOSTILE_REPO,
        "project_page": "javascript:alert(1)",
        "version": 1,
        "categories": "[]",
        "ai_keywords": "[]",
        "author_names": "[]",
        "versions-TOTAL_FORMS": 0,
        "versions-INITIAL_FORMS": 0,
    }
    response = as_mallory.post(url, fields)
    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["adminform"].form.errors
    assert "github_repo" in errors and "project_page" in errors
