"""Ranking on small constructed corpora: keyword and meaning fused, filters, sorts, prefixes."""

import datetime as dt

import pytest

from dailypapers.papers.models import Paper
from dailypapers.search import hybrid, keyword, vectors
from dailypapers.search.filters import SearchFilters
from dailypapers.search.hybrid import CANDIDATES, fuse, search
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


def titles(results, count=20):
    return [paper.title for paper in results[:count]]


def embed_all():
    vectors.embed_papers(Paper.objects.all())


def test_rank_fusion_favours_papers_high_in_both_lists():
    assert fuse([(1.0, [1, 2, 3]), (1.0, [2, 3, 4])])[:2] == [2, 3]
    assert fuse([(1.0, [1]), (0.5, [2])]) == [1, 2]


def test_an_exact_title_match_comes_first():
    make_paper("Vehicles and engines", abstract="Automobile automobile automobile engines.")
    make_paper("Automobile", abstract="A short paper.")
    make_paper("Protein folding", abstract="Predicting structures.")
    embed_all()
    assert titles(search("automobile"))[0] == "Automobile"


def test_a_paper_found_by_meaning_alone_joins_the_keyword_matches():
    make_paper("Car engines repair", abstract="Fixing vehicles and their motors.")
    make_paper("Automobile history", abstract="A history.")
    make_paper("Protein folding", abstract="Predicting structures of proteins.")
    embed_all()
    results = search("history of automobile maintenance")
    assert titles(results)[0] == "Automobile history"
    assert set(titles(results)) == {"Automobile history", "Car engines repair"}
    assert results.total == 2


def test_a_short_query_whose_words_match_is_ranked_by_its_words_alone():
    make_paper("Car engines repair", abstract="Fixing vehicles and their motors.")
    make_paper("Automobile history", abstract="A history.")
    embed_all()
    results = search("automobile")
    assert titles(results) == ["Automobile history"]
    assert results.total == 1
    assert results.semantic_weight == 0.0


def test_a_short_query_whose_words_match_nothing_is_searched_by_meaning():
    make_paper("Car engines repair", abstract="Fixing vehicles and their motors.")
    make_paper("Protein folding", abstract="Predicting structures of proteins.")
    embed_all()
    results = search("automobile")
    assert results.semantic_weight == hybrid.SEMANTIC_WEIGHT
    assert titles(results)[0] == "Car engines repair"


def test_meaning_weighs_more_in_a_long_question_than_in_a_few_words():
    make_paper("Car engines repair", abstract="Fixing vehicles and their motors.")
    make_paper("Automobile history", abstract="A history of the automobile.")
    embed_all()
    few = search("automobile engines repair history")
    question = search(
        "a study of the long history of repairing automobile engines, motors, trucks and "
        "garages in old cities"
    )
    assert few.semantic_weight == hybrid.SEMANTIC_WEIGHT
    assert question.semantic_weight == hybrid.LONG_SEMANTIC_WEIGHT > hybrid.SEMANTIC_WEIGHT
    # Both lists count in the fused head, each with its weight.
    assert set(titles(question)) == {"Car engines repair", "Automobile history"}


def test_a_phrase_query_lists_only_papers_with_the_phrase():
    make_paper("Large language model agents", abstract="About agents.")
    make_paper("Language of large model kits", abstract="About kits.")
    make_paper("Big text generators", abstract="Huge neural networks that write.")
    embed_all()
    assert titles(search('"large language model"')) == ["Large language model agents"]


def test_field_prefixes_search_one_field():
    make_paper("Graph networks", authors=["Yoshua Bengio"], abstract="About graphs.")
    make_paper("Bengio's method revisited", authors=["Ada Lovelace"], abstract="About graphs.")
    embed_all()
    assert titles(search("author:bengio")) == ["Graph networks"]
    assert titles(search("title:bengio")) == ["Bengio's method revisited"]
    assert titles(search('author:"yoshua bengio" graphs')) == ["Graph networks"]


def test_like_lists_the_nearest_papers_but_not_the_paper_itself():
    cars = make_paper("Car engines repair", abstract="Fixing vehicles and their motors.")
    make_paper("Automobile garages", abstract="Shops that fix cars and trucks.")
    make_paper("Protein folding", abstract="Predicting structures of proteins.")
    embed_all()
    found = titles(search(f"like:{cars.arxiv_id}"))
    assert found[0] == "Automobile garages"
    assert "Car engines repair" not in found


def test_filters_narrow_both_keyword_and_meaning_matches():
    old = dt.datetime(2024, 1, 5, tzinfo=dt.UTC)
    make_paper("Cars with code", github_repo="https://github.com/a/b", categories=["cs.RO"])
    make_paper("Cars in 2024", published_at=old, categories=["cs.CV", "cs.RO"])
    make_paper("Automobile engines", categories=["cs.CV"], organization="Motor Lab")
    embed_all()

    def found(**params):
        return set(titles(search("cars driving work", SearchFilters.from_params(params))))

    assert found(code="1") == {"Cars with code"}
    assert found(to="2024-12-31") == {"Cars in 2024"}
    assert found(**{"from": "2025-01-01"}) == {"Cars with code", "Automobile engines"}
    assert found(category="cs.RO") == {"Cars with code", "Cars in 2024"}
    assert found(org="motor-lab") == {"Automobile engines"}


def test_results_sort_by_newest_or_by_upvotes():
    make_paper("Cars old", published_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), upstream_upvotes=9)
    make_paper("Cars new", published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), upstream_upvotes=1)
    make_paper("Cars mid", published_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), upstream_upvotes=5)
    embed_all()
    newest = search("cars", SearchFilters(sort="newest"))
    assert titles(newest) == ["Cars new", "Cars mid", "Cars old"]
    assert titles(search("cars", SearchFilters(sort="upvotes"))) == [
        "Cars old",
        "Cars mid",
        "Cars new",
    ]


def test_a_sorted_search_orders_the_best_matches_up_to_its_limit(monkeypatch):
    monkeypatch.setattr(hybrid, "SORTED_LIMIT", 2)
    for year, title in ((2024, "Boats"), (2025, "Ships"), (2026, "Boats of the sea")):
        published = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
        make_paper(title, published_at=published, abstract="About boats.")
    newest = search("boats", SearchFilters(sort="newest"))
    # The two best keyword matches (the word in the title too), newest first.
    assert titles(newest) == ["Boats of the sea", "Boats"]
    assert len(newest) == 2 and newest.capped
    assert not search("boats").capped and len(search("boats")) == 3


def test_every_keyword_match_can_be_paged_to_past_the_fused_head():
    for number in range(CANDIDATES + 15):
        make_paper(f"Transformer number {number}")
    embed_all()
    results = search("transformer")
    assert len(results) == CANDIDATES + 15
    seen = [p.pk for start in range(0, len(results), 20) for p in results[start : start + 20]]
    assert len(seen) == len(set(seen)) == CANDIDATES + 15


def test_search_works_by_keyword_alone_when_no_paper_has_a_vector():
    make_paper("Diffusion models", abstract="Denoising.")
    assert titles(search("diffusion")) == ["Diffusion models"]


def test_a_page_past_the_head_reads_its_ids_from_the_first_keyword_search(monkeypatch):
    for number in range(CANDIDATES + 60):
        words = " ".join(["attention"] * (number % 7 + 1) + ["layers"] * (number % 5 + 1))
        make_paper(f"Transformer {words} number {number}", abstract=f"Model {number} {words}.")
    embed_all()
    question = "transformer attention layers"  # three words: meaning weighs, and promotes
    searches = []
    engine = keyword.backend()  # tantivy on SQLite, tsvector on PostgreSQL

    class Counted:
        """The engine, its searches over every match counted (which papers meaning promoted
        is asked of a few ids, ``scope.only``: not such a search)."""

        def __getattr__(self, name):
            return getattr(engine, name)

        def search(self, expression, limit, offset, scope):
            searches.append("search")
            return engine.search(expression, limit, offset, scope)

        def ranked_ids(self, expression, limit, offset, scope):
            if scope.only is None:
                searches.append("ranked_ids")
            return engine.ranked_ids(expression, limit, offset, scope)

    monkeypatch.setattr(keyword, "backend", Counted)
    pages = []
    for stop in range(20, CANDIDATES + 80, 20):
        searches.clear()
        kept = search(question, through=stop)
        pages.append(kept.ids[stop - 20 : stop])
        # The count, the head and this page: one keyword search (all words match).
        assert searches == ["search"]
        assert kept.promoted or stop <= CANDIDATES  # the tail leaves promoted papers out
        # As a second search leaving the promoted papers out would list them.
        assert pages[-1] == search(question).ids[stop - 20 : stop]
    seen = [paper_id for page in pages for paper_id in page]
    assert len(seen) == len(set(seen)) == CANDIDATES + 60


def test_the_first_keyword_pass_keeps_what_a_page_reads_up_to_the_sorted_limit():
    relevance, newest = SearchFilters(), SearchFilters(sort="newest")
    assert hybrid.keyword_depth(relevance, 140) == 140
    # Past the limit a second search is needed anyway: the usual head, not 10,000 ids first.
    assert hybrid.keyword_depth(relevance, hybrid.SORTED_LIMIT + 20) == 0
    # A sorted search orders the best SORTED_LIMIT matches, whatever the page.
    assert hybrid.keyword_depth(newest, 20) == hybrid.SORTED_LIMIT
