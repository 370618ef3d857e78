"""An "any word" question is searched by its rarest tokens only (``ANY_WORD_TOKENS``), and
a query of no more tokens than that is searched whole."""

import re

import pytest
from django.db import connection

from dailypapers.search.keyword import KeywordResults, catch_up, tantivy_search
from dailypapers.search.query import parse_query
from tests.support.testing import make_paper

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the tantivy index is SQLite's"),
]

# How many abstracts hold each word: network 6, graph 4, protein 3, folding 2, and lattice,
# zebrafish, quasar 1 each.
ABSTRACTS = [
    "network graph protein folding lattice",
    "network graph protein folding zebrafish",
    "network graph protein quasar",
    "network graph",
    "network",
    "network",
]
# Ten content words (more than ALL_WORDS_UP_TO): ranked by any of them at once. The last word
# is in no paper.
QUESTION = "network graph protein folding zebrafish lattice quasar network protein xylophonists?"


@pytest.fixture
def papers():
    made = [make_paper(f"Paper {n}", abstract=text) for n, text in enumerate(ABSTRACTS)]
    catch_up()
    return made


def tokens_of(expression) -> list[str]:
    """The distinct tokens of a query's term queries, as tantivy prints them."""
    return list(dict.fromkeys(re.findall(r'type=Str, "([^"]*)"', repr(expression))))


def test_a_long_question_keeps_only_its_rarest_tokens(papers, monkeypatch):
    monkeypatch.setattr(tantivy_search, "ANY_WORD_TOKENS", 4)
    expression = tantivy_search.match_expression(parse_query(QUESTION), any_term=True)
    # The three words of one paper each, then folding (2); graph, protein and network left out.
    assert sorted(tokens_of(expression)) == ["fold", "lattic", "quasar", "zebrafish"]
    # Every column of each kept token, still one flat disjunction.
    assert repr(expression).count("TermQuery") == 4 * 3
    results = KeywordResults(parse_query(QUESTION))
    assert results.matched_any
    assert {p.pk for p in results[0:10]} == {papers[0].pk, papers[1].pk, papers[2].pk}
    assert len(results) == 3  # the papers with only common words are no longer matches


def test_ties_go_to_the_word_the_question_uses_first(papers, monkeypatch):
    monkeypatch.setattr(tantivy_search, "ANY_WORD_TOKENS", 2)
    expression = tantivy_search.match_expression(parse_query(QUESTION), any_term=True)
    assert sorted(tokens_of(expression)) == ["lattic", "zebrafish"]
    assert tantivy_search.telling_tokens(["quasar", "network", "lattic"], 2) == {
        "quasar",
        "lattic",
    }


def test_a_token_no_paper_holds_is_never_kept(papers):
    assert tantivy_search.telling_tokens(["xylophonist", "network", "graph"], 2) == {
        "network",
        "graph",
    }


@pytest.mark.parametrize("cap", [None, 4, 3, 2])
def test_queries_of_no_more_tokens_than_the_cap_are_untouched(papers, monkeypatch, cap):
    for text, tokens in (
        ("network graph", 2),
        ("common network graph", 3),  # "common" is in no paper, and kept: the query is short
        ("network graph protein folding", 4),
    ):
        monkeypatch.setattr(tantivy_search, "ANY_WORD_TOKENS", None)
        whole = tantivy_search.match_expression(parse_query(text), any_term=True)
        all_words = tantivy_search.match_expression(parse_query(text))
        monkeypatch.setattr(tantivy_search, "ANY_WORD_TOKENS", cap)
        cut = tantivy_search.match_expression(parse_query(text), any_term=True)
        if cap is None or cap >= tokens:
            assert repr(cut) == repr(whole), text
        else:
            held = tokens - ("common" in text)  # a token no paper holds is never kept
            assert len(tokens_of(cut)) == min(cap, held), text
        # All words required: never cut.
        assert repr(tantivy_search.match_expression(parse_query(text))) == repr(all_words)


def test_the_default_cap_keeps_the_rarest_of_a_long_question(papers):
    cap = tantivy_search.ANY_WORD_TOKENS
    tokens = tokens_of(tantivy_search.match_expression(parse_query(QUESTION), any_term=True))
    # Eight tokens (network and protein typed twice), one of them in no paper.
    if cap is None or cap >= 8:
        assert len(tokens) == 8
    else:
        # Rarest first; of the words in one abstract each, the one the question uses first.
        rarest = ["zebrafish", "lattic", "quasar", "fold", "protein", "graph", "network"]
        assert sorted(tokens) == sorted(rarest[:cap])
