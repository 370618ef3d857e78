"""API tokens (made and revoked on the settings page, kept hashed) and the writing endpoints
they open: POST /api/papers/index and POST /api/papers/{id}/links."""

from __future__ import annotations

import json
import re

import pytest

from dailypapers.accounts.models import ApiToken
from dailypapers.papers.models import Paper

pytestmark = pytest.mark.django_db


def make_token(as_user) -> str:
    response = as_user.post("/accounts/tokens/new", {"name": "my script"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    found = re.search(r'id="api-token">(dp_[\w-]+)<', response.content.decode())
    assert found is not None
    return found[1]


def post(client, url: str, data, token: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **headers)


def test_a_token_is_shown_once_and_kept_only_as_a_hash(as_alice, alice):
    token = make_token(as_alice)
    row = ApiToken.objects.get(user=alice)
    assert token not in (row.digest, row.hint) and row.hint == token[:8]
    assert row.digest == ApiToken.digest_of(token)
    settings_page = as_alice.get("/accounts/settings").content.decode()
    assert "my script" in settings_page and token not in settings_page


def test_an_unverified_account_cannot_make_a_token(as_charlie, charlie):
    response = as_charlie.post("/accounts/tokens/new", {"name": "my script"})
    assert response.status_code == 403 and "Verify your email first" in response.content.decode()
    assert not ApiToken.objects.filter(user=charlie).exists()


def test_indexing_a_paper_needs_a_valid_token(client, as_alice):
    missing = post(client, "/api/papers/index", {"arxivId": "2605.04444"})
    assert missing.status_code == 401 and "token" in missing.json()["error"]
    assert missing["WWW-Authenticate"] == "Bearer"
    forged = post(client, "/api/papers/index", {"arxivId": "2605.04444"}, "dp_forged")
    assert forged.status_code == 401
    basic = client.post(
        "/api/papers/index",
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic YWxpY2U6cHc=",
    )
    assert basic.status_code == 401
    token = make_token(as_alice)
    done = post(client, "/api/papers/index", {"arxivId": "2605.04444"}, token)
    assert done.status_code == 200 and done.json() == {}
    assert Paper.objects.get(arxiv_id="2605.04444").is_pending_fetch
    again = post(client, "/api/papers/index", {"arxivId": "2605.04444"}, token)
    assert again.status_code == 200 and Paper.objects.filter(arxiv_id="2605.04444").count() == 1


@pytest.mark.parametrize(
    "body",
    ['{"arxivId": "2605.4"}', '{"arxivId": 2605.04444}', "[1, 2]", "not json", '{"x": 1}', "\x00"],
)
def test_indexing_refuses_malformed_bodies(client, as_alice, body):
    response = post(client, "/api/papers/index", body, make_token(as_alice))
    assert response.status_code == 400 and response.json()["error"]


def test_a_revoked_token_stops_working(client, as_alice, alice):
    token = make_token(as_alice)
    row = ApiToken.objects.get(user=alice)
    assert as_alice.post(f"/accounts/tokens/{row.pk}/revoke").status_code == 302
    response = post(client, "/api/papers/index", {"arxivId": "2605.04444"}, token)
    assert response.status_code == 401 and "revoked" in response.json()["error"]


def test_nobody_revokes_someone_elses_token(as_alice, as_bob, alice):
    make_token(as_alice)
    row = ApiToken.objects.get(user=alice)
    assert as_bob.post(f"/accounts/tokens/{row.pk}/revoke").status_code == 404
    assert ApiToken.objects.filter(pk=row.pk).exists()


def test_links_are_set_by_the_submitter_and_not_by_a_stranger(
    client, papers, as_alice, alice, as_bob
):
    papers["diffusion"].daily_entries.update(submitted_by=alice)
    url = "/api/papers/2605.01002/links"
    links = {"githubRepo": "https://github.com/example/proteins", "projectPage": None}
    stranger = post(client, url, links, make_token(as_bob))
    assert stranger.status_code == 403
    done = post(client, url, links, make_token(as_alice))
    assert done.status_code == 200, done.content
    paper = client.get("/api/papers/2605.01002").json()
    assert paper["githubRepo"] == "https://github.com/example/proteins"
    assert paper["projectPage"] is None


def test_links_are_checked_and_an_organization_can_be_set(client, papers, as_mallory):
    token = make_token(as_mallory)  # an admin may change any paper
    url = "/api/papers/2605.01002/links"
    assert post(client, url, {"githubRepo": "javascript:alert(1)"}, token).status_code == 400
    assert post(client, url, {"projectPage": "ftp://x"}, token).status_code == 400
    assert post(client, url, {"organizationId": "nobody"}, token).status_code == 400
    org = client.get("/api/organizations").json()[0]
    assert post(client, url, {"organizationId": org["_id"]}, token).status_code == 200
    assert client.get("/api/papers/2605.01002").json()["organization"]["name"] == org["name"]
    assert post(client, "/api/papers/2101.99999/links", {}, token).status_code == 404
