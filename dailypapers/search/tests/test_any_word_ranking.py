"""Similar papers' word ranking computed in Python ranks as the tantivy index itself would."""

import pytest
from django.db import connection

from dailypapers.papers.models import Paper
from dailypapers.search.keyword import catch_up, tantivy_index, tantivy_search
from dailypapers.search.keyword.more_like_this import words
from dailypapers.search.query import ParsedQuery, Term
from dailypapers.search.restrict import Scope
from tests.support.testing import make_paper

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the tantivy index is SQLite's"),
]

PAPERS = [
    ("Protein folding with graph networks", "Graph networks fold proteins. Folding is hard."),
    ("Graph transformers", "Attention over graphs; message passing, revisited."),
    ("Folding@home at scale", "Distributed protein-folding simulations on volunteers' GPUs."),
    ("Language models", "Large language models trained on web text."),
    ("Reinforcement learning for folding", "Policies that fold proteins, step by step."),
    ("Graph-based protein design", "We design proteins with graph neural networks and folding."),
    ("Music generation", "Transformers compose music."),
    ("Proteins, proteins everywhere", "A survey of protein structure prediction."),
]


@pytest.fixture(autouse=True)
def _fresh_lengths():
    tantivy_index.forget_average_lengths()
    yield
    tantivy_index.forget_average_lengths()


def the_index_ranking(text: str, candidates: list[int]) -> list[int]:
    query = ParsedQuery(text="", terms=[Term((word,)) for word in dict.fromkeys(words(text))])
    expression = tantivy_search.match_expression(query, any_term=True)
    assert expression is not None
    return tantivy_search.ranked_ids(
        expression, len(candidates), 0, Scope(only=frozenset(candidates))
    )


def test_candidates_rank_as_a_search_for_any_of_the_papers_words_ranks_them():
    papers = [
        make_paper(title, abstract=abstract, authors=["Ada Graph", "Bo Folding"][: n % 3])
        for n, (title, abstract) in enumerate(PAPERS)
    ]
    candidates = [paper.pk for paper in papers]
    catch_up()
    for text in (
        "Protein folding by graph neural networks: proteins fold on graphs.",
        "Transformers for music and language.",
        "Folding, folded, folds: Graph!",
    ):
        ranked = tantivy_search.rank_by_any_word(text, candidates)
        assert ranked == the_index_ranking(text, candidates)
        assert len(ranked) >= 3


def test_hidden_candidates_and_a_text_without_content_words_rank_nothing():
    shown = make_paper("Protein folding", abstract="Folding proteins.")
    hidden = make_paper("Protein folding again", abstract="Folding proteins.")
    Paper.objects.filter(pk=hidden.pk).update(hidden=True)
    assert tantivy_search.rank_by_any_word("protein folding", [shown.pk, hidden.pk]) == [shown.pk]
    assert tantivy_search.rank_by_any_word("the of and", [shown.pk]) == []
    assert tantivy_search.rank_by_any_word("protein", []) == []


def test_remembered_idfs_follow_the_index_as_papers_arrive():
    # The idfs are remembered per generation of the index: a word that grows common after
    # new papers arrive must weigh less at the next ranking, as the index's own search says.
    papers = [make_paper(title, abstract=abstract) for title, abstract in PAPERS]
    candidates = [paper.pk for paper in papers]
    catch_up()
    text = "Protein folding with graph networks and music."
    assert tantivy_search.rank_by_any_word(text, candidates) == the_index_ranking(text, candidates)
    for n in range(30):
        make_paper(f"Music number {n}", abstract="Music, music and more music.")
    catch_up()
    assert tantivy_search.rank_by_any_word(text, candidates) == the_index_ranking(text, candidates)


def test_words_with_other_punctuation_and_accents_rank_as_the_index_does():
    papers = [
        make_paper("Schrödinger équation solvers", abstract="Résumé: l'équation de Schrödinger."),
        make_paper("Naïve Bayes—revisited", abstract="Naïve Bayes; “smoothed” counts…"),
        make_paper("Équation d'état", abstract="Schrödinger's cat, naïvely."),
    ]
    candidates = [paper.pk for paper in papers]
    catch_up()
    text = "Schrödinger équation, naïve Bayes — smoothed “counts”"
    ranked = tantivy_search.rank_by_any_word(text, candidates)
    assert ranked == the_index_ranking(text, candidates)
    assert len(ranked) == 3


def test_candidates_texts_given_rank_as_those_read_here():
    # Similar papers reads the candidates' rows with those it shows, and hands their text
    # over: the ranking must be the one it would make from the rows it reads itself.
    from dailypapers.search import similar_rows

    papers = [make_paper(title, abstract=abstract) for title, abstract in PAPERS]
    candidates = [paper.pk for paper in papers]
    catch_up()
    texts, shown = similar_rows.candidates(candidates)
    text = "Protein folding with graph networks and music."
    ranked = tantivy_search.rank_by_any_word(text, candidates, texts)
    assert ranked == tantivy_search.rank_by_any_word(text, candidates)
    assert len(ranked) >= 3 and set(shown) == set(candidates)
