"""A search that is a paper's id, link or DOI finds that paper, and only that paper."""

import pytest

from dailypapers.papers.models import Paper
from dailypapers.search import vectors
from dailypapers.search.hybrid import search
from dailypapers.search.identifiers import Identifier, parse_identifier
from tests.support.testing import make_paper

THE_ID = "2605.28820"
NAMING_THE_PAPER = [
    "2605.28820",
    "  2605.28820v2 ",
    "arXiv:2605.28820",
    "arxiv: 2605.28820",
    "https://arxiv.org/abs/2605.28820",
    "http://arxiv.org/abs/2605.28820v1?context=cs",
    "https://arxiv.org/pdf/2605.28820v3",
    "arxiv.org/pdf/2605.28820.pdf",
    "https://arxiv.org/html/2605.28820v1#S2",
    "https://export.arxiv.org/abs/2605.28820",
    "https://huggingface.co/papers/2605.28820",
    "huggingface.co/papers/2605.28820v2/",
    "https://hf.co/papers/2605.28820?utm=1",
    "10.48550/arXiv.2605.28820",
    "https://doi.org/10.48550/arXiv.2605.28820",
    "doi:10.48550/ARXIV.2605.28820",
]
# Look-alikes that name no paper: never a lookup (so never a wrong paper).
NOT_AN_ID = [
    "1234.5678901",  # too many digits
    "2613.12345",  # month 13
    "0612.1234",  # new-style ids start in April 2007
    "2605.1234",  # four digits after the dot in a five-digit month
    "arxiv.org/abs/../../etc",
    "arxiv.org/abs/../../etc/passwd",
    "https://arxiv.org/list/cs.CL/new",
    "https://huggingface.co/papers?q=2605.28820",
    "https://huggingface.co/papers/../../2605.28820",
    "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in THE_ID),  # fullwidth digits
    "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in THE_ID),  # Arabic-Indic
    "2605.28820 transformers",
    "like:2605.28820",
    "10.1/x",  # a registrant code is 4 to 9 digits
    "2605.28820" * 40,
    "https://arxiv.org/abs/" + "1" * 5000,
]


@pytest.mark.parametrize("text", NAMING_THE_PAPER)
def test_ids_and_links_name_the_arxiv_paper(text):
    assert parse_identifier(text) == Identifier(arxiv_id=THE_ID)


@pytest.mark.parametrize("text", NOT_AN_ID)
def test_look_alikes_are_not_ids(text):
    assert parse_identifier(text) is None


def test_old_style_ids_and_dois_are_understood():
    assert parse_identifier("hep-th/9901001v2") == Identifier(arxiv_id="hep-th/9901001")
    assert parse_identifier("math.GT/0309136") == Identifier(arxiv_id="math/0309136")
    assert parse_identifier("https://doi.org/10.1145/3292500.3330701") == Identifier(
        doi="10.1145/3292500.3330701"
    )
    assert parse_identifier("DOI: 10.1038/nature14539") == Identifier(doi="10.1038/nature14539")
    assert parse_identifier("https://dx.doi.org/10.1000/a%2Fb") == Identifier(doi="10.1000/a/b")


@pytest.fixture
def papers(db):
    """The paper, and papers whose words look like its id (they must never come first)."""
    made = {
        "it": make_paper(
            "Sparse attention at scale",
            arxiv_id=THE_ID,
            abstract="We make attention sparse.",
            doi="10.1145/3292500.3330701",
        ),
        "numbers": make_paper(
            "Numbers 2605 and 28820", arxiv_id="2605.11111", abstract="2605.28820 2605 28820"
        ),
        "other": make_paper("Protein folding", arxiv_id="2605.22222", abstract="Structures."),
        "old": make_paper("Strings", arxiv_id="hep-th/9901001", abstract="Old style."),
    }
    vectors.embed_papers(Paper.objects.all())
    return made


@pytest.mark.parametrize("text", NAMING_THE_PAPER)
def test_the_search_finds_the_paper_alone(papers, text):
    results = search(text)
    assert results.found == papers["it"]
    assert [paper.arxiv_id for paper in results[0:20]] == [THE_ID]


@pytest.mark.parametrize(
    "text", ["10.1145/3292500.3330701", "doi:10.1145/3292500.3330701", "10.1145/3292500.3330701"]
)
def test_a_doi_finds_the_paper_that_has_it_in_any_case(papers, text):
    assert search(text.upper()).found == papers["it"]


def test_an_old_style_id_finds_its_paper(papers):
    assert search("arXiv:hep-th/9901001v1").found == papers["old"]


def test_the_search_page_opens_the_paper(client, papers):
    response = client.get("/papers", {"q": "https://arxiv.org/abs/2605.28820v2"})
    assert response.status_code == 302 and response["Location"] == f"/papers/{THE_ID}"


def test_the_api_search_gives_the_paper_first(client, papers):
    found = client.get("/api/papers/search", {"q": "arXiv:2605.28820"}).json()
    assert [item["paper"]["id"] for item in found] == [THE_ID]


def test_an_unknown_id_links_to_arxiv_and_lists_nothing(client, papers):
    response = client.get("/papers", {"q": "2605.99999"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "arXiv:2605.99999 is not on this site yet" in html
    assert 'href="https://arxiv.org/abs/2605.99999"' in html
    assert "Numbers 2605" not in html and 'class="entry"' not in html
    assert client.get("/api/papers/search", {"q": "2605.99999"}).json() == []


def test_an_unknown_doi_links_to_doi_org(client, papers):
    html = client.get("/papers", {"q": "doi:10.9999/<b>x</b>"}).content.decode()
    assert "No paper with the DOI 10.9999/&lt;b&gt;x&lt;/b&gt; is on this site" in html
    assert 'href="https://doi.org/10.9999/%3Cb%3Ex%3C/b%3E"' in html


def test_a_hidden_paper_is_not_opened(client, papers):
    Paper.objects.filter(pk=papers["it"].pk).update(hidden=True)
    response = client.get("/papers", {"q": THE_ID})
    assert response.status_code == 200 and "Sparse attention" not in response.content.decode()


@pytest.mark.parametrize("text", NOT_AN_ID)
def test_look_alikes_never_open_a_paper_nor_fail(client, papers, text):
    response = client.get("/papers", {"q": text})
    assert response.status_code == 200
    assert search(text).found is None
    api = client.get("/api/papers/search", {"q": text[:250]})
    assert api.status_code == 200
    # The paper the look-alike resembles is never put first as if named by it.
    assert THE_ID not in [item["paper"]["id"] for item in api.json()[:1]]
