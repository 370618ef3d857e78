from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest

from dailypapers.sources.arxiv import errors
from dailypapers.sources.arxiv.errors import MalformedResponse, OaiError
from dailypapers.sources.arxiv.oai import list_records_params, parse_page
from dailypapers.sources.records import VersionRecord

Read = Callable[[str], bytes]
UTC = dt.UTC


def test_it_reads_the_version_history_from_arxivraw(fixture_bytes: Read) -> None:
    page = parse_page(fixture_bytes("arxiv/oai/arxivraw_ListRecordsResponse.xml"))

    paper = {record.arxiv_id: record for record in page.records}["0704.0716"].paper
    assert paper is not None
    assert paper.version == 4
    assert paper.versions == [
        VersionRecord(1, dt.datetime(2007, 4, 5, 12, 45, 3, tzinfo=UTC)),
        VersionRecord(2, dt.datetime(2007, 9, 28, 15, 13, 43, tzinfo=UTC)),
        VersionRecord(3, dt.datetime(2008, 2, 29, 16, 5, 39, tzinfo=UTC)),
        VersionRecord(4, dt.datetime(2008, 11, 14, 9, 7, 25, tzinfo=UTC)),
    ]
    assert paper.published_at == dt.datetime(2007, 4, 5, 12, 45, 3, tzinfo=UTC)
    assert paper.updated_at == dt.datetime(2008, 11, 14, 9, 7, 25, tzinfo=UTC)


def test_it_reads_the_resumption_token_of_a_page(fixture_bytes: Read) -> None:
    page = parse_page(fixture_bytes("arxiv/oai/arxivraw_ListRecordsResponse.xml"))

    assert len(page.records) == 6
    assert page.token is not None
    assert page.token.value == "726959|1001"
    assert (page.token.cursor, page.token.complete_list_size) == (0, 58011)
    assert page.resumption_token == "726959|1001"
    assert not page.is_last
    assert page.response_date == dt.datetime(2015, 1, 6, 20, 49, 59, tzinfo=UTC)


def test_it_takes_the_latest_datestamp_not_the_last_one(fixture_bytes: Read) -> None:
    page = parse_page(fixture_bytes("arxiv/oai/arxivraw_ListRecordsResponse.xml"))

    assert page.records[-1].datestamp == dt.date(2014, 11, 18)
    assert page.last_datestamp == dt.date(2014, 12, 22)


def test_it_splits_the_author_string_and_fields_of_arxivraw(fixture_bytes: Read) -> None:
    page = parse_page(fixture_bytes("arxiv/oai/arxivraw_ListRecordsResponse.xml"))

    record = page.records[0]
    assert record.identifier == "oai:arXiv.org:0704.0471"
    assert record.set_specs == ["physics:nucl-ex", "physics:nucl-th"]
    paper = record.paper
    assert paper is not None
    assert paper.authors == ["D.V. Shetty", "S.J. Yennello", "G.A. Souliotis"]
    assert paper.title == (
        "Density dependence of the symmetry energy and the nuclear equation of state: "
        "A Dynamical and Statistical model perspective"
    )
    assert paper.categories == ["nucl-ex", "nucl-th"]
    assert paper.primary_category == "nucl-ex"
    assert paper.doi == "10.1103/PhysRevC.76.024606"
    assert paper.abstract is not None and 'extremely " stiff "' in paper.abstract


def test_it_keeps_latex_in_arxivraw_titles(fixture_bytes: Read) -> None:
    page = parse_page(fixture_bytes("arxiv/oai/arxivraw_ListRecordsResponse.xml"))

    paper = {record.arxiv_id: record for record in page.records}["0704.1586"].paper
    assert paper is not None
    assert paper.title == (
        "Core excitation in the elastic scattering and breakup of $^{11}$Be on protons"
    )


def test_it_reads_the_arxiv_format_with_split_author_names(fixture_bytes: Read) -> None:
    page = parse_page(fixture_bytes("arxiv/oai/arxiv_ListRecords_2015-01-01_2015-01-03.xml"))

    assert [record.arxiv_id for record in page.records] == ["1412.8544", "hep-th/9504118"]
    first = page.records[0].paper
    assert first is not None
    assert first.authors == ["Sander Uijlen", "Bas Westerbaan"]
    assert first.published_at == dt.datetime(2014, 12, 29, tzinfo=UTC)
    assert first.version is None
    assert first.doi == "10.4204/EPTCS.172.11"
    assert page.token is None and page.is_last


def test_it_reads_a_single_record(fixture_bytes: Read) -> None:
    page = parse_page(fixture_bytes("arxiv/oai/arxivraw_GetRecordResponse.xml"))

    assert len(page.records) == 1
    record = page.records[0]

    assert record.arxiv_id == "1302.2146"
    assert record.paper is not None
    assert record.paper.version == 2
    assert len(record.paper.authors) == 4


def test_it_flags_deleted_records_and_sees_the_empty_token_as_the_last_page(
    fixture_bytes: Read,
) -> None:
    page = parse_page(fixture_bytes("arxiv/oai/handwritten_arxivraw_last_page_with_deleted.xml"))

    deleted, kept = page.records
    assert deleted.deleted and deleted.paper is None
    assert deleted.arxiv_id == "0704.0999"
    assert not kept.deleted and kept.paper is not None
    assert page.token is not None and page.token.value == ""
    assert page.token.cursor == 58001
    assert page.is_last
    assert page.resumption_token is None
    assert page.last_datestamp == dt.date(2015, 1, 5)


@pytest.mark.parametrize(
    ("name", "exception", "code"),
    [
        ("ErrorResponseBadArgument.xml", errors.BadArgument, "badArgument"),
        ("ErrorResponseBadResumptionToken.xml", errors.BadResumptionToken, "badResumptionToken"),
        ("ErrorResponseBadVerb.xml", errors.BadVerb, "badVerb"),
        ("ErrorResponseIdDoesNotExist.xml", errors.IdDoesNotExist, "idDoesNotExist"),
        ("ErrorResponseNoRecordsMatch.xml", errors.NoRecordsMatch, "noRecordsMatch"),
    ],
)
def test_it_raises_a_distinct_exception_per_oai_error(
    fixture_bytes: Read, name: str, exception: type[OaiError], code: str
) -> None:
    with pytest.raises(exception) as caught:
        parse_page(fixture_bytes(f"arxiv/oai/{name}"))
    assert caught.value.code == code
    assert caught.value.message


def test_it_keeps_an_unknown_oai_error_code() -> None:
    body = (
        b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        b'<error code="tooBusy">later</error></OAI-PMH>'
    )
    with pytest.raises(OaiError) as caught:
        parse_page(body)
    assert type(caught.value) is OaiError
    assert caught.value.code == "tooBusy"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body><h1>Retry after 10 seconds</h1></body></html>", "not <OAI-PMH>"),
        (b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>', "well-formed"),
        (b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"/>', "neither records"),
        (
            b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record>'
            b"<header><identifier>oai:arXiv.org:0704.0001</identifier>"
            b"<datestamp>2015-13-45</datestamp></header></record></ListRecords></OAI-PMH>",
            "2015-13-45",
        ),
        (
            b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record>'
            b"<header><identifier>oai:arXiv.org:0704.0001</identifier>"
            b"<datestamp>2015-01-01</datestamp></header></record></ListRecords></OAI-PMH>",
            "has no metadata",
        ),
    ],
)
def test_it_rejects_broken_pages_with_a_clear_error(body: bytes, message: str) -> None:
    with pytest.raises(MalformedResponse, match=message):
        parse_page(body)


def test_it_rejects_an_odd_version_date_in_arxivraw(fixture_bytes: Read) -> None:
    body = re.sub(
        rb"<date>[^<]*</date>",
        b"<date>the 8th of February</date>",
        fixture_bytes("arxiv/oai/arxivraw_GetRecordResponse.xml"),
        count=1,
    )
    with pytest.raises(MalformedResponse, match="RFC 822"):
        parse_page(body)


def test_it_builds_list_records_params_for_a_first_and_a_next_page() -> None:
    assert list_records_params(set_spec="cs", from_date=dt.date(2025, 3, 1)) == {
        "verb": "ListRecords",
        "metadataPrefix": "arXivRaw",
        "set": "cs",
        "from": "2025-03-01",
    }
    # OAI-PMH refuses a token combined with any other argument.
    assert list_records_params(set_spec="cs", resumption_token="726959|1001") == {
        "verb": "ListRecords",
        "resumptionToken": "726959|1001",
    }


def test_it_refuses_a_metadata_format_it_cannot_read() -> None:
    with pytest.raises(ValueError):
        list_records_params(metadata_prefix="oai_dc")
