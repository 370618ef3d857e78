"""Keyword "more like this" (bm25 over candidates) and the capped keyword count."""

import pytest

from dailypapers.core.testing import make_paper
from dailypapers.search import more_like_this
from dailypapers.search.hybrid import search
from dailypapers.search.keyword import backend, keyword_search

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_frequencies():
    more_like_this.reset()
    yield
    more_like_this.reset()


def test_candidates_sharing_rare_words_rank_first_and_stopwords_count_for_nothing():
    for number in range(5):
        make_paper(f"Common paper {number}", abstract="We study the models of the world.")
    candidates = {
        1: "Protein folding with the models of the world.",
        2: "Graph neural networks for protein folding.",
        3: "The of and with we.",
    }
    ranked = more_like_this.rank("Protein folding by graph neural networks.", candidates)
    assert ranked == [2, 1]
    assert more_like_this.rank("the of and", candidates) == []
    assert more_like_this.rank("anything", {}) == []


def test_words_are_lowercased_without_stopwords_numbers_or_short_words():
    assert more_like_this.words("The 3 LLMs of a Paper: Aligning RLHF, v2") == [
        "llms",
        "aligning",
        "rlhf",
    ]


def test_a_common_query_counts_up_to_the_limit_and_ranks_the_newest_matches(monkeypatch):
    monkeypatch.setattr(backend(), "LIMIT", 3)
    for number in range(5):
        make_paper(f"Robots number {number}")
    results = keyword_search("robots")
    assert len(results) == 3 and results.capped
    assert {p.title for p in results[0:10]} == {
        "Robots number 2",
        "Robots number 3",
        "Robots number 4",
    }
    found = search("robots")
    assert found.capped
    assert not keyword_search("number 1").capped
