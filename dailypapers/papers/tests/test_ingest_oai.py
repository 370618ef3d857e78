"""OAI-PMH harvests against a real local server replaying arXiv's recorded pages, with faults."""

import datetime as dt

import pytest

from dailypapers.papers.ingest.oai_harvest import harvest, set_for_category
from dailypapers.papers.models import HarvestCheckpoint, Paper, PaperVersion
from dailypapers.papers.tests.upstream import FIXTURES, FakeClock, client, recorded
from dailypapers.sources.http import FetchError
from tests.support.scripted_server import reset_connection, respond

pytestmark = pytest.mark.django_db

FIRST = "arxiv/oai/arxivraw_ListRecordsResponse.xml"  # 6 records, token "726959|1001"
LAST = "arxiv/oai/handwritten_arxivraw_last_page_with_deleted.xml"  # 1 record + 1 deleted
BAD_TOKEN = "arxiv/oai/ErrorResponseBadResumptionToken.xml"
FIRST_PAGE_IDS = {"0704.0471", "0704.0716", "0704.0874", "0704.1109", "0704.1114", "0704.1586"}


def checkpoint() -> HarvestCheckpoint:
    return HarvestCheckpoint.objects.get(source="oai", scope="cs:cs:AI arXivRaw")


def test_it_harvests_every_page_and_remembers_where_to_go_on(upstream):
    server = upstream(recorded(FIRST), recorded(LAST))
    result = harvest("cs:cs:AI", client(FakeClock()), from_date=dt.date(2014, 11, 1))
    assert result.finished and result.pages == 2
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == FIRST_PAGE_IDS
    first_page = {"metadataPrefix": "arXivRaw", "set": "cs:cs:AI", "from": "2014-11-01"}
    assert server.queries() == [
        {"verb": "ListRecords", **first_page},
        {"verb": "ListRecords", "resumptionToken": "726959|1001"},
    ]
    state = checkpoint()
    assert state.token == "" and state.finished_at is not None
    assert state.last_datestamp == dt.date(2015, 1, 5)  # the last page's record
    assert state.records_seen == 8


def test_it_keeps_the_version_history_of_arxivraw(upstream):
    upstream(recorded(FIRST), recorded(LAST))
    harvest("cs:cs:AI", client(FakeClock()), from_date=dt.date(2014, 11, 1))
    for paper in Paper.objects.all():
        numbers = list(PaperVersion.objects.filter(paper=paper).values_list("number", flat=True))
        assert numbers and numbers[-1] == paper.version
        assert numbers == list(range(1, paper.version + 1))


def test_it_waits_as_a_503_says_and_spaces_requests_3_seconds(upstream):
    clock = FakeClock()
    upstream(recorded(FIRST), respond(503, b"busy", {"Retry-After": "10"}), recorded(LAST))
    assert harvest("cs:cs:AI", client(clock), from_date=dt.date(2014, 11, 1)).finished
    assert 10 in clock.sleeps
    assert Paper.objects.count() == 6


def test_a_harvest_cut_off_mid_way_resumes_at_the_page_it_had_not_stored(upstream):
    clock = FakeClock()
    upstream(recorded(FIRST), reset_connection, reset_connection, reset_connection)
    with pytest.raises(FetchError):
        harvest("cs:cs:AI", client(clock), from_date=dt.date(2014, 11, 1))
    assert checkpoint().token == "726959|1001"
    assert Paper.objects.count() == 6

    server = upstream(recorded(LAST))
    result = harvest("cs:cs:AI", client(clock))  # no --from: go on from the saved token
    assert result.finished
    assert server.queries() == [{"verb": "ListRecords", "resumptionToken": "726959|1001"}]
    assert Paper.objects.count() == 6  # every paper once
    assert checkpoint().token == ""


def test_a_truncated_page_is_fetched_again_and_stored_once(upstream):
    body = (FIXTURES / FIRST).read_bytes()
    upstream(
        respond(200, body[: len(body) // 2], declared_length=len(body)),
        recorded(FIRST),
        recorded(LAST),
    )
    assert harvest("cs:cs:AI", client(FakeClock()), from_date=dt.date(2014, 11, 1)).finished
    assert Paper.objects.count() == 6


def test_a_refused_token_restarts_cleanly_from_the_saved_from_date(upstream):
    state = HarvestCheckpoint.objects.create(
        source="oai", scope="cs:cs:AI arXivRaw", from_date=dt.date(2014, 11, 1), token="expired"
    )
    server = upstream(recorded(BAD_TOKEN), recorded(FIRST), recorded(LAST))
    result = harvest("cs:cs:AI", client(FakeClock()))
    assert result.finished and result.restarts == 1
    assert server.queries()[1]["from"] == "2014-11-01"
    state.refresh_from_db()
    assert state.token == ""
    assert Paper.objects.count() == 6


def test_the_next_run_is_incremental_from_the_newest_datestamp(upstream):
    upstream(recorded(FIRST), recorded(LAST))
    harvest("cs:cs:AI", client(FakeClock()), from_date=dt.date(2014, 11, 1))
    server = upstream(recorded("arxiv/oai/ErrorResponseNoRecordsMatch.xml"))
    result = harvest("cs:cs:AI", client(FakeClock()))
    assert result.finished and result.records == 0
    assert server.queries()[0]["from"] == "2015-01-05"


def test_harvesting_the_same_pages_twice_changes_nothing(upstream):
    upstream(recorded(FIRST), recorded(LAST))
    harvest("cs:cs:AI", client(FakeClock()), from_date=dt.date(2014, 11, 1))
    before = list(Paper.objects.order_by("arxiv_id").values())
    upstream(recorded(FIRST), recorded(LAST))
    again = harvest("cs:cs:AI", client(FakeClock()), from_date=dt.date(2014, 11, 1))
    assert again.counts.created == again.counts.updated == 0
    assert list(Paper.objects.order_by("arxiv_id").values()) == before


@pytest.mark.parametrize(
    ("category", "set_spec"),
    [("cs.AI", "cs:cs:AI"), ("stat.ML", "stat:stat:ML"), ("hep-th", "physics:hep-th"),
     ("astro-ph.GA", "physics:astro-ph:GA"), ("math.AG", "math:math:AG")],
)  # fmt: skip
def test_categories_map_to_their_oai_sets(category, set_spec):
    assert set_for_category(category) == set_spec
