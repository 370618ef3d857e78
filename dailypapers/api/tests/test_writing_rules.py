"""What the writing endpoints refuse beyond tokens: bodies nested too deep to parse, links that
lib/links.py refuses, and an organization set by anyone but an admin."""

from __future__ import annotations

import pytest

from dailypapers.api.tests.test_tokens_and_writing import make_token, post
from dailypapers.papers.models import Organization, Paper

pytestmark = pytest.mark.django_db
LINKS = "/api/papers/2605.01002/links"


# Deeper than Python's decoder recurses (1,000), within the 10,000-byte body limit.
@pytest.mark.parametrize("body", ["[" * 4900 + "]" * 4900, '{"a":' * 1500 + "1" + "}" * 1500])
@pytest.mark.parametrize("url", ["/api/papers/index", LINKS])
def test_a_deeply_nested_body_is_a_400(client, papers, as_mallory, url, body):
    response = post(client, url, body, make_token(as_mallory))
    assert response.status_code == 400
    assert "nested" in response.json()["error"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("githubRepo", "javascript:alert(1)//https://github.com/a/b"),
        ("githubRepo", "https://evil.example/a/b"),
        ("projectPage", "javascript:alert('pp')"),
        ("projectPage", "data:text/html,<script>alert(1)</script>"),
        ("projectPage", ["https://example.org"]),
    ],
)
def test_a_link_lib_links_refuses_is_a_400(client, papers, as_mallory, field, value):
    response = post(client, LINKS, {field: value}, make_token(as_mallory))
    assert response.status_code == 400 and field in response.json()["error"]
    paper = Paper.objects.get(arxiv_id="2605.01002")
    assert (paper.github_repo, paper.project_page) == ("", "")


def test_a_code_link_is_stored_in_its_one_spelling(client, papers, as_mallory):
    body = {"githubRepo": "http://www.gitlab.com/group/project.git/"}
    assert post(client, LINKS, body, make_token(as_mallory)).status_code == 200
    assert Paper.objects.get(arxiv_id="2605.01002").github_repo == (
        "https://gitlab.com/group/project"
    )
    page = client.get("/papers/2605.01002").content.decode()
    assert 'href="https://gitlab.com/group/project"' in page
    assert "Code: gitlab.com/group/project" in page


@pytest.fixture
def submitted_by_alice(papers, alice):
    papers["attention"].daily_entries.update(submitted_by=alice)
    return papers["attention"]  # of Example Lab


def test_a_submitter_cannot_attach_an_organization(client, submitted_by_alice, as_alice):
    other = Organization.objects.create(name="deepmind", fullname="Google DeepMind")
    token = make_token(as_alice)
    url = f"/api/papers/{submitted_by_alice.arxiv_id}/links"
    for value in ["deepmind", None]:
        response = post(client, url, {"organizationId": value}, token)
        assert response.status_code == 403, value
        assert "admin" in response.json()["error"]
    submitted_by_alice.refresh_from_db()
    assert submitted_by_alice.organization is not None
    assert submitted_by_alice.organization.name != other.name


def test_a_submitter_may_resend_the_organization_it_has(client, submitted_by_alice, as_alice):
    current = submitted_by_alice.organization
    body = {"organizationId": current.name, "projectPage": "https://example.org/sparse"}
    response = post(client, f"/api/papers/{submitted_by_alice.arxiv_id}/links", body,
                    make_token(as_alice))  # fmt: skip
    assert response.status_code == 200
    submitted_by_alice.refresh_from_db()
    assert submitted_by_alice.organization == current
    assert submitted_by_alice.project_page == "https://example.org/sparse"


def test_an_admin_may_change_the_organization(client, submitted_by_alice, as_mallory):
    Organization.objects.create(name="deepmind", fullname="Google DeepMind")
    url = f"/api/papers/{submitted_by_alice.arxiv_id}/links"
    assert (
        post(client, url, {"organizationId": "deepmind"}, make_token(as_mallory)).status_code == 200
    )
    submitted_by_alice.refresh_from_db()
    assert submitted_by_alice.organization.name == "deepmind"


def test_integer_parameters_take_ascii_digits_only(client, papers):
    response = client.get("/api/daily_papers?limit=\uff12")  # fullwidth 2
    assert response.status_code == 400 and "limit" in response.json()["error"]
    assert client.get("/api/daily_papers?limit=2").status_code == 200
