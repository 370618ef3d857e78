from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from dailypapers.sources.arxiv.atom import parse_feed, query_params
from dailypapers.sources.arxiv.errors import ArxivApiError, MalformedResponse
from dailypapers.sources.records import VersionRecord

Read = Callable[[str], bytes]
UTC = dt.UTC


def test_it_reads_a_paper_with_an_old_style_id(fixture_bytes: Read) -> None:
    feed = parse_feed(fixture_bytes("arxiv/api/id_astro-ph_0601001.xml"))

    assert feed.total_results == 1
    [paper] = feed.papers
    assert paper.arxiv_id == "astro-ph/0601001"
    assert paper.version == 1
    assert paper.title.startswith("Frequency of Hot Jupiters and Very Hot Jupiters")
    assert paper.authors == ["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"]
    assert paper.categories == ["astro-ph"]
    assert paper.primary_category == "astro-ph"
    assert paper.journal_ref == "ActaAstron.56:1-50,2006"
    assert paper.comment is not None and paper.comment.startswith("62 pages")
    assert paper.published_at == dt.datetime(2006, 1, 2, 14, 57, 58, tzinfo=UTC)
    assert paper.doi is None


def test_it_keeps_latex_and_entities_in_the_abstract(fixture_bytes: Read) -> None:
    [paper] = parse_feed(fixture_bytes("arxiv/api/id_astro-ph_0601001.xml")).papers

    assert paper.abstract is not None
    assert "(1/310)(1^{+1.39}_{-0.59})" in paper.abstract
    assert "Gould & Morgan (2003)" in paper.abstract
    assert "V_max<17.5" in paper.abstract
    assert not paper.abstract.startswith(" ")


def test_it_keeps_every_author_of_a_long_list(fixture_bytes: Read) -> None:
    [paper] = parse_feed(fixture_bytes("arxiv/api/id_1707.08567_many_authors.xml")).papers

    assert len(paper.authors) == 34
    assert len(set(paper.authors)) == 34
    assert all(name.strip() == name and name for name in paper.authors)


def test_it_reads_a_search_page_with_its_totals(fixture_bytes: Read) -> None:
    feed = parse_feed(fixture_bytes("arxiv/api/query_testing_start20_max10.xml"))

    assert (feed.total_results, feed.start_index, feed.items_per_page) == (214881, 20, 10)
    assert len(feed.papers) == 10
    assert len({paper.arxiv_id for paper in feed.papers}) == 10


def test_it_keeps_unicode_and_latex_in_titles(fixture_bytes: Read) -> None:
    feed = parse_feed(fixture_bytes("arxiv/api/query_testing_start20_max10.xml"))

    by_id = {paper.arxiv_id: paper for paper in feed.papers}
    assert by_id["2306.03845"].title == (
        "$\u03c9$Test: WebView-Oriented Testing for Android Applications"
    )


def test_it_collapses_the_hard_wrapped_title_of_the_2016_format(fixture_bytes: Read) -> None:
    feed = parse_feed(fixture_bytes("arxiv/api/legacy_2016_id_list_1111.2011v2.xml"))

    [paper] = feed.papers
    assert paper.title == (
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )
    assert paper.abstract is not None and "\n" not in paper.abstract
    assert feed.total_results == 1
    assert paper.doi == "10.1103/PhysRevB.85.115117"
    assert paper.primary_category == "cond-mat.str-el"
    assert paper.categories == ["cond-mat.str-el", "cond-mat.stat-mech"]


def test_it_records_the_first_and_returned_versions(fixture_bytes: Read) -> None:
    [paper] = parse_feed(fixture_bytes("arxiv/api/legacy_2016_id_list_1111.2011v2.xml")).papers

    assert paper.version == 2
    assert paper.versions == [
        VersionRecord(1, dt.datetime(2011, 11, 8, 18, 48, 36, tzinfo=UTC)),
        VersionRecord(2, dt.datetime(2012, 4, 2, 12, 38, 54, tzinfo=UTC)),
    ]
    assert paper.updated_at == dt.datetime(2012, 4, 2, 12, 38, 54, tzinfo=UTC)


def test_it_turns_the_http_400_error_entry_into_an_api_error(fixture_bytes: Read) -> None:
    with pytest.raises(ArxivApiError, match="incorrect id format for abc") as caught:
        parse_feed(fixture_bytes("arxiv/api/id_abc_http400.xml"))
    assert caught.value.error_id == "https://arxiv.org/api/errors#incorrect_id_format_for_abc"


def test_it_reads_an_unknown_id_as_an_empty_page(fixture_bytes: Read) -> None:
    feed = parse_feed(fixture_bytes("arxiv/api/id_0000.0000_empty.xml"))

    assert feed.papers == []
    assert feed.total_results == 0


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>",
        b"<html><body>Service Unavailable</body></html>",
        b"\xff\xfe not xml",
        # An encoding Python does not know: LookupError, not ParseError (found by hypothesis).
        b'<?xml version="1.0" encoding="U-TF-8"?><feed/>',
    ],
)
def test_it_rejects_what_is_not_an_atom_feed(body: bytes) -> None:
    with pytest.raises(MalformedResponse):
        parse_feed(body)


def test_it_refuses_entity_expansion() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&b;</title></feed>'
    )
    with pytest.raises(MalformedResponse, match="unsafe"):
        parse_feed(bomb)


def test_it_names_the_entry_that_lacks_a_title() -> None:
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        b"<id>http://arxiv.org/abs/2510.11701v1</id></entry></feed>"
    )
    with pytest.raises(MalformedResponse, match=r"entry 1 \(2510.11701\) has no title"):
        parse_feed(body)


def test_it_rejects_an_entry_with_an_odd_date() -> None:
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        b"<id>http://arxiv.org/abs/2510.11701v1</id><title>T</title>"
        b"<published>yesterday</published></entry></feed>"
    )
    with pytest.raises(MalformedResponse, match="yesterday"):
        parse_feed(body)


def test_it_builds_query_params_for_ids_and_searches() -> None:
    assert query_params(id_list=["2510.11701", "hep-th/9901001"], max_results=2) == {
        "id_list": "2510.11701,hep-th/9901001",
        "start": "0",
        "max_results": "2",
    }
    params = query_params(search_query="cat:cs.AI", sort_by="submittedDate", sort_order="ascending")
    assert params["sortBy"] == "submittedDate"
    assert params["search_query"] == "cat:cs.AI"


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"id_list": ["1"], "max_results": 2001}, {"id_list": ["1"], "sort_by": "upvotes"}],
)
def test_it_refuses_query_params_the_api_would_refuse(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        query_params(**kwargs)  # type: ignore[arg-type]
