"""Keyword "more like this" (bm25 over candidates) and the capped keyword count."""

import pytest

from dailypapers.search.hybrid import search
from dailypapers.search.keyword import backend, keyword_search, more_like_this
from tests.support.testing import make_paper

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


def test_a_common_query_is_counted_exactly_or_up_to_the_engines_limit(monkeypatch):
    engine = backend()
    if engine.LIMIT is not None:  # PostgreSQL ranks only the newest LIMIT matches
        monkeypatch.setattr(engine, "LIMIT", 3)
    for number in range(5):
        make_paper(f"Robots number {number}")
    results = keyword_search("robots")
    titles = {p.title for p in results[0:10]}
    if engine.LIMIT is None:  # tantivy counts and ranks every match
        assert len(results) == 5 and not results.capped and len(titles) == 5
        assert not search("robots").capped
    else:
        assert len(results) == 3 and results.capped
        assert titles == {"Robots number 2", "Robots number 3", "Robots number 4"}
        assert search("robots").capped
    assert not keyword_search("number 1").capped
