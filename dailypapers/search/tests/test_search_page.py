"""/papers?q=: the search page, whatever is typed into it."""

import pytest

from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers():
    make_paper("Preference alignment for chat models", abstract="We align chat models with RLHF.")
    make_paper("Image segmentation", abstract="Pixels and masks.")


def test_it_shows_matching_papers_with_their_abstract_and_count(client, papers):
    html = client.get("/papers", {"q": "alignment"}).content.decode()
    assert "Preference alignment for chat models" in html
    assert "We align chat models with RLHF." in html
    assert "1 paper match" in html
    assert "Image segmentation" not in html


@pytest.mark.parametrize(
    "text",
    [
        '"unbalanced',
        "NEAR(",
        "*",
        "-",
        "alignment AND",
        "OR OR OR",
        "title:",
        "a" * 5000,
        "alignment " * 600,
        "'; DROP TABLE papers_paper; --",
        "<script>alert(1)</script>",
        "\u202e\u0000\ufffd",
        "日本語の論文",
        "%",
        "^",
        "col:alignment",
        "{alignment}",
        "NOT alignment",
    ],
)
def test_any_query_gets_a_page_never_a_server_error(client, papers, text):
    response = client.get("/papers", {"q": text})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_query_without_words_explains_what_works(client, papers):
    html = client.get("/papers", {"q": "*"}).content.decode()
    assert "holds no words to search for" in html


def test_no_match_is_said_plainly(client, papers):
    html = client.get("/papers", {"q": "kangaroo"}).content.decode()
    assert "No paper matches" in html


def test_an_overlong_query_says_it_was_shortened(client, papers):
    html = client.get("/papers", {"q": "alignment " * 600}).content.decode()
    assert "Only the first" in html
    assert "Preference alignment for chat models" in html
