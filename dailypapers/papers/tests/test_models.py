import datetime as dt

import pytest

from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


def test_bibtex_names_the_first_author_year_and_eprint():
    paper = make_paper(
        "Attention Is All You Need",
        arxiv_id="1706.03762",
        authors=["Ashish Vaswani", "Noam Shazeer"],
        categories=["cs.CL", "cs.LG"],
        published_at=dt.datetime(2017, 6, 12, tzinfo=dt.UTC),
    )
    bibtex = paper.bibtex()
    assert bibtex.startswith("@misc{vaswani2017,")
    assert "title={{Attention Is All You Need}}" in bibtex
    assert "author={Ashish Vaswani and Noam Shazeer}" in bibtex
    assert "eprint={1706.03762}" in bibtex
    assert "primaryClass={cs.CL}" in bibtex


def test_a_paper_shows_upstream_and_own_upvotes_together():
    paper = make_paper("P", upstream_upvotes=7)
    paper.upvote_count = 3
    assert paper.upvotes == 10


def test_links_point_to_arxiv_and_name_the_repository():
    paper = make_paper("P", arxiv_id="2510.11701", github_repo="https://github.com/org/repo")
    assert paper.abs_url == "https://arxiv.org/abs/2510.11701"
    assert paper.pdf_url == "https://arxiv.org/pdf/2510.11701"
    assert paper.github_name == "org/repo"
    assert paper.get_absolute_url() == "/papers/2510.11701"
