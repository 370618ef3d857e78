"""The cheaper query shapes a million papers need rank and count as the plain ones: an
unfiltered search is the bare match, with no boolean query around it (hidden papers are kept
out of the index, and an index that still holds some leaves them out), and words of one stem
in an "any word" question are one query, weighed by how often the stem comes."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from tantivy import Occur, Query

from dailypapers.papers.models import Paper
from dailypapers.search.keyword import (
    ALL_WORDS_UP_TO,
    KeywordResults,
    catch_up,
    keyword_search,
    tantivy_index,
    tantivy_search,
)
from dailypapers.search.query import parse_query
from dailypapers.search.restrict import Scope, match_terms
from tests.support.testing import make_paper

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the tantivy index is SQLite's"),
]

# Long questions, as the CACM queries are (ranked by any of their words), and short ones
# (all words required), over the bundled papers.
QUESTIONS = [
    "How can large language models be aligned with human preferences through reinforcement "
    "learning from feedback without a separate reward model?",
    "I am interested in methods that generate video from text with diffusion models and keep "
    "the motion consistent over long sequences",
    "What benchmarks measure the reasoning of multimodal models on charts, tables and "
    "scientific figures, and how do open models compare?",
    "Papers about making transformer inference cheaper: quantization, sparse attention, "
    "speculative decoding or caching of keys and values",
    "robot manipulation policies learned from demonstrations",
    "mixture of experts",
    "agents",
    "retrieval augmented generation -graph",
    # Words of one stem, and a word typed twice: one query each, weighing two or three.
    "Which models generate images, and how is the generation of generated images evaluated "
    "against real images by people?",
    "training language models on code: do the models learn from the training data or from "
    "the code itself",
]


def restricted_by_nothing() -> Scope:
    """A scope that leaves out a paper no search finds: the restricted query, same matches."""
    return Scope(exclude=frozenset({-1}))


def test_an_unfiltered_search_is_the_bare_match_and_ranks_as_the_restricted_one():
    call_command("demo", "load", verbosity=0)
    catch_up()
    searcher = tantivy_index.get().searcher()
    long_ones = 0
    for text in QUESTIONS:
        query = parse_query(text)
        any_term = len(match_terms(query)) > ALL_WORDS_UP_TO
        long_ones += any_term
        expression = tantivy_search.match_expression(query, any_term=any_term)
        assert expression is not None
        assert tantivy_search._restricted(searcher, expression, Scope()) is expression
        assert tantivy_search._restricted(searcher, expression, restricted_by_nothing()) is not (
            expression
        )
        bare = tantivy_search.search(expression, 100, 0, Scope())
        wrapped = tantivy_search.search(expression, 100, 0, restricted_by_nothing())
        assert bare == wrapped, text
        assert bare[1] > 0, text  # every question finds papers to compare
        for offset in (0, 7, 60):
            assert tantivy_search.ranked_ids(expression, 25, offset, Scope()) == (
                tantivy_search.ranked_ids(expression, 25, offset, restricted_by_nothing())
            )
    assert long_ones == 6
    # What a results page shows: the same papers, in the same order, with the same count.
    results = keyword_search(QUESTIONS[0])
    assert results.matched_any and len(results) > 1000
    assert [p.pk for p in results[0:20]] == tantivy_search.ranked_ids(
        results.expression, 20, 0, restricted_by_nothing()
    )


def test_hidden_papers_leave_the_index_and_come_back_when_shown():
    shown = make_paper("Protein folding at scale")
    hidden = make_paper("Protein folding, hidden")
    Paper.objects.filter(pk=hidden.pk).update(hidden=True)
    assert [p.pk for p in keyword_search("protein folding")[0:10]] == [shown.pk]
    searcher = tantivy_index.get().searcher()
    assert searcher.num_docs == 1 and searcher.doc_freq("hidden", 1) == 0
    Paper.objects.filter(pk=hidden.pk).update(hidden=False)
    assert len(keyword_search("protein folding")) == 2


def test_an_index_that_still_holds_a_hidden_paper_leaves_it_out():
    # As an index built before hidden papers were left out of it does, until it is rebuilt.
    shown = make_paper("Graph neural networks")
    hidden = make_paper("Graph neural networks, hidden")
    Paper.objects.filter(pk=hidden.pk).update(hidden=True)
    catch_up()
    index = tantivy_index.get()
    writer = index.index.writer(15_000_000, 1)
    zone = timezone.get_current_timezone()
    for row in tantivy_index.rows("WHERE id = %s", [hidden.pk]):
        writer.add_document(tantivy_index.document(row, zone))
    writer.commit()
    del writer
    searcher = index.searcher()
    assert searcher.num_docs == 2 and searcher.doc_freq("hidden", 1) == 1
    results = KeywordResults(parse_query("graph neural networks"))
    assert [p.pk for p in results[0:10]] == [shown.pk] and len(results) == 1
    call_command("reindex", verbosity=0)
    assert index.searcher().num_docs == 1


def plain_any_word(text: str) -> Query:
    """The "any word" disjunction with one query per (column, word), repeats included."""
    terms = match_terms(parse_query(text))
    return Query.boolean_query(
        [(Occur.Should, q) for term in terms for q in tantivy_search._field_queries(term)]
    )


def test_words_of_one_stem_are_one_query_and_rank_as_the_repeated_queries():
    call_command("demo", "load", verbosity=0)
    catch_up()
    for text in QUESTIONS[-2:]:
        terms = match_terms(parse_query(text))
        merged = tantivy_search._any_term_queries(terms)
        plain = [q for term in terms for q in tantivy_search._field_queries(term)]
        assert len(merged) <= len(plain) - 3, text  # a repeated stem over three columns
        expression = tantivy_search.match_expression(parse_query(text), any_term=True)
        assert expression is not None
        for offset in (0, 40):
            assert tantivy_search.search(expression, 60, offset, Scope()) == (
                tantivy_search.search(plain_any_word(text), 60, offset, Scope())
            ), text
