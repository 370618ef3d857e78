"""The page of one paper."""

import datetime as dt

import pytest

from dailypapers.sources.records import VersionRecord
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper():
    paper = make_paper(
        "Scaling $O(n^2)$ attention",
        arxiv_id="2605.12345",
        abstract=r"We show that $\mathcal{L} = \sum_i x_i^2$ converges.",
        authors=["Grace Hopper", "Edsger Dijkstra", "Barbara Liskov"],
        categories=["cs.LG", "cs.AI"],
        github_repo="https://github.com/example/scaling",
        github_stars=1234,
        upstream_upvotes=17,
        organization="Example Lab",
        versions=[
            VersionRecord(1, dt.datetime(2026, 5, 18, tzinfo=dt.UTC)),
            VersionRecord(3, dt.datetime(2026, 5, 25, tzinfo=dt.UTC)),
        ],
        updated_at=dt.datetime(2026, 5, 25, tzinfo=dt.UTC),
        announced_on=dt.date(2026, 5, 19),
    )
    list_on(paper, dt.date(2026, 5, 20))
    return paper


def test_it_shows_everything_a_reader_needs(client, paper):
    response = client.get("/papers/2605.12345")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Grace Hopper" in html and "Barbara Liskov" in html
    assert r"$\mathcal{L} = \sum_i x_i^2$" in html  # left for KaTeX to render
    assert "vendor/katex/katex.min.js" in html
    assert 'href="https://arxiv.org/abs/2605.12345"' in html
    assert 'href="https://arxiv.org/pdf/2605.12345"' in html
    assert "example/scaling" in html and "1,234" in html
    assert '<span class="count">17</span>' in html  # on the upvote button
    assert "Example Lab" in html
    assert "cs.LG" in html
    assert 'href="/papers/date/2026-05-20"' in html
    assert "v3, updated May 25" in html
    assert "Announced on arXiv May 19" in html
    assert "@misc{hopper2026," in html


def test_an_unknown_paper_is_a_404_page_when_the_site_does_not_fetch_from_arxiv(client):
    # Without INGEST_CONTACT nothing is fetched on demand (test_on_demand.py covers the rest).
    response = client.get("/papers/2605.99999")
    assert response.status_code == 404
    assert "Not on this site" in response.content.decode()


def test_a_hidden_paper_is_not_shown(client, paper):
    paper.hidden = True
    paper.save()
    assert client.get("/papers/2605.12345").status_code == 404


def test_old_style_ids_have_pages_too(client):
    make_paper("An old one", arxiv_id="hep-th/9901001")
    assert client.get("/papers/hep-th/9901001").status_code == 200


def test_an_id_that_is_no_arxiv_id_is_a_404(client):
    for url in ("/papers/<script>", "/papers/2605.1", "/papers/../etc/passwd"):
        assert client.get(url).status_code == 404
