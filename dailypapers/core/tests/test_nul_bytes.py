"""A NUL character in a request's path is a 400 before any view runs (on PostgreSQL it was a
500 from the database driver); in a search it is dropped like any control character."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/users/a%00b", "/users/a%00b/avatar", "/authors/a%00b", "/papers/date/2026-05-2%00"],
)
def test_a_nul_in_a_page_address_is_a_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_in_an_api_address_is_a_json_400(client):
    response = client.get("/api/authors/a%00b/papers")
    assert response.status_code == 400
    assert "NUL" in response.json()["error"] and "NUL" in response["X-Error-Message"]


def test_addresses_without_nul_go_on_and_a_search_drops_it(client):
    assert client.get("/users/nobody").status_code == 404
    assert client.get("/papers?q=attention%00").status_code == 200
