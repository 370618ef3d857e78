"""One arXiv id parser behind every URL, form and API field: Unicode digits, impossible months
and all-zero numbers name no paper anywhere, so no look-alike page or duplicate list entry can
be made of them."""

import json

import pytest
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone

from dailypapers.api.tests.test_tokens_and_writing import make_token
from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.search.query import parse_query
from dailypapers.sources.arxiv.errors import InvalidArxivId
from dailypapers.sources.arxiv.ids import parse_arxiv_id, parse_bare_arxiv_id
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db

FULLWIDTH = "\uff12\uff16\uff10\uff15.\uff10\uff11\uff10\uff10\uff11"  # 2605.01001, fullwidth
ARABIC_INDIC = "2605.\u0660\u0661\u0660\u0660\u0661"  # 2605.01001 with Arabic-Indic digits
LOOK_ALIKES = [FULLWIDTH, ARABIC_INDIC, "2605.0100\u0661", "\u0662605.01001"]
IMPOSSIBLE = ["2613.99999", "0000.0000", "2600.01001", "2605.00000", "1412.12345", "1501.1234"]


@pytest.mark.parametrize("text", LOOK_ALIKES + IMPOSSIBLE + ["hep-th/9913001", "cs/0601000"])
def test_the_parser_refuses_look_alike_and_impossible_ids(text):
    with pytest.raises(InvalidArxivId):
        parse_arxiv_id(text)
    with pytest.raises(InvalidArxivId):
        parse_bare_arxiv_id(text)


def test_the_bare_parser_takes_ids_not_urls():
    assert parse_bare_arxiv_id("2605.01001v2") == ("2605.01001", 2)
    assert parse_bare_arxiv_id("math.GT/0309136") == ("math/0309136", None)
    with pytest.raises(InvalidArxivId):
        parse_bare_arxiv_id("https://arxiv.org/abs/2605.01001")


@pytest.fixture
def paper():
    paper = make_paper("The real one", arxiv_id="2605.01001")
    list_on(paper, timezone.now().date())
    return paper


@pytest.mark.parametrize("text", LOOK_ALIKES + IMPOSSIBLE)
@pytest.mark.parametrize(
    "template",
    [
        "/papers/{}",
        "/papers/{}/vote",
        "/papers/{}/claim",
        "/papers/{}/comments",
        "/papers/{}.bib",
        "/papers/{}.ris",
        "/papers/{}.md",
        "/api/papers/{}",
        "/api/papers/{}/comments",
        "/api/papers/{}/links",
    ],
)
def test_no_url_answers_for_a_look_alike_or_impossible_id(client, paper, template, text):
    response = client.get(template.format(text))
    assert response.status_code in (404, 405), (template, text, response.status_code)


def test_a_converter_hands_the_view_the_stored_spelling():
    assert resolve("/papers/math.GT/0309136").kwargs["arxiv_id"] == "math/0309136"
    assert resolve("/api/papers/2605.01001v3").kwargs["arxiv_id"] == "2605.01001"
    with pytest.raises(Resolver404):
        resolve(f"/papers/{FULLWIDTH}")


def test_submitting_a_look_alike_id_makes_no_second_entry(as_alice, paper):
    for text in LOOK_ALIKES:
        response = as_alice.post("/papers/submit", {"arxiv": text})
        assert response.status_code == 400
        assert "not an arXiv id" in response.content.decode()
    assert DailyEntry.objects.count() == 1 and Paper.objects.count() == 1


def test_submitting_an_id_of_a_month_to_come_is_refused(as_alice):
    now = timezone.now()
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    arxiv_id = f"{year % 100:02d}{month:02d}.00001"
    response = as_alice.post("/papers/submit", {"arxiv": arxiv_id})
    assert response.status_code == 400 and "yet" in response.content.decode()
    assert not Paper.objects.filter(arxiv_id=arxiv_id).exists()


@pytest.mark.parametrize(
    "arxiv_id", [*IMPOSSIBLE, *LOOK_ALIKES, "9912.00001", "2605.01001v2", "hep-th/9901001"]
)
def test_the_api_indexes_no_impossible_id(client, as_alice, arxiv_id):
    token = make_token(as_alice)
    response = client.post(
        "/api/papers/index",
        json.dumps({"arxivId": arxiv_id}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400, response.content
    assert "arxivId" in response.json()["error"]
    assert Paper.objects.count() == 0


def test_like_takes_only_a_real_id():
    assert parse_query("like:2605.01001v2").like == "2605.01001"
    refused = parse_query("like:2613.99999 attention")
    assert refused.like == "" and "not an arXiv id" in refused.notice
    assert parse_query(f"like:{FULLWIDTH}").like == ""


def test_the_openapi_document_quotes_the_ascii_patterns(client):
    document = json.dumps(client.get("/api/openapi.json").json())
    assert "\\\\d" not in document
    assert "[0-9]{4}\\\\.[0-9]{4,5}" in document
