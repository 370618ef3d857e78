"""Whatever is typed or put in the URL, the search page answers with a page, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dailypapers.papers.models import Paper
from dailypapers.search import vectors
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers():
    make_paper("Preference alignment for chat models", abstract="We align chat models.")
    make_paper("Image segmentation", abstract="Pixels and masks.")
    vectors.embed_papers(Paper.objects.all())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_any_generated_string_gets_a_page(client, papers, text):
    assert client.get("/papers", {"q": text}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"q": "alignment\x00\x1b[31m\u0007"},
        {"q": "' OR 1=1; --", "category": "' OR 1=1; --"},
        {"q": "alignment", "from": "2026-13-45", "to": "yesterday", "sort": "drop"},
        {"q": "alignment", "org": "../../etc/passwd", "code": "maybe", "page": "-1"},
        {"q": "like:9999.99999"},
        {"q": "like:2605.00001 like:"},
        {"q": 'title:"" author: -author:x'},
    ],
)
def test_hostile_parameters_get_a_page(client, papers, params):
    assert client.get("/papers", params).status_code == 200


def test_filters_and_sort_are_kept_in_the_page_links(client):
    for number in range(25):
        make_paper(f"Alignment paper {number}", categories=["cs.CL"])
    html = client.get("/papers", {"q": "alignment", "category": "cs.CL", "sort": "newest"})
    text = html.content.decode()
    assert "category=cs.CL" in text and "sort=newest" in text and "page=2" in text


def test_snippets_mark_the_query_words(client, papers):
    html = client.get("/papers", {"q": "pixels"}).content.decode()
    assert "<mark>Pixels</mark> and masks." in html
