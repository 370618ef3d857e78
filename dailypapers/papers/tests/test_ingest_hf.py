"""Hugging Face daily lists, read page by page from a real local server."""

import datetime as dt
import json

import pytest

from dailypapers.papers.ingest.hf_lists import import_day
from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.papers.tests.upstream import FIXTURES, FakeClock, client, recorded
from tests.support.scripted_server import respond

pytestmark = pytest.mark.django_db
SAMPLE = "hf/daily_papers_2024-10-25_first4.json"  # the real API answer, first 4 entries
DAY = dt.date(2024, 10, 25)


def test_a_day_brings_its_entries_upvotes_submitters_and_links(upstream):
    server = upstream(recorded(SAMPLE))
    result = import_day(DAY, client(FakeClock()))
    assert server.queries() == [{"p": "0", "limit": "100", "date": "2024-10-25"}]
    assert result.entries.created == 4
    raw = json.loads((FIXTURES / SAMPLE).read_bytes())
    for item in raw:
        paper = Paper.objects.get(arxiv_id=item["paper"]["id"])
        assert paper.upstream_upvotes == item["paper"]["upvotes"]
        assert paper.author_names == [a["name"] for a in item["paper"]["authors"]]
        entry = DailyEntry.objects.get(paper=paper)
        assert entry.date == DAY
        assert entry.submitter_name == item["submittedBy"]["name"]


def test_a_partial_list_read_later_adds_and_never_removes(upstream):
    raw = json.loads((FIXTURES / SAMPLE).read_bytes())
    upstream(respond(200, json.dumps(raw).encode()))
    import_day(DAY, client(FakeClock()))
    # Later the same day the list is read again, and only two entries come back, with new counts.
    for item in raw:
        item["paper"]["upvotes"] += 10
    upstream(respond(200, json.dumps(raw[:2]).encode()))
    again = import_day(DAY, client(FakeClock()))
    assert again.entries.created == 0
    assert DailyEntry.objects.filter(date=DAY).count() == 4
    first = Paper.objects.get(arxiv_id=raw[0]["paper"]["id"])
    assert first.upstream_upvotes == raw[0]["paper"]["upvotes"]


def test_importing_a_day_twice_changes_nothing(upstream):
    upstream(recorded(SAMPLE))
    import_day(DAY, client(FakeClock()))
    before = list(Paper.objects.order_by("arxiv_id").values())
    upstream(recorded(SAMPLE))
    again = import_day(DAY, client(FakeClock()))
    assert again.papers.created == again.papers.updated == 0
    assert again.entries.created == again.entries.updated == 0
    assert list(Paper.objects.order_by("arxiv_id").values()) == before


def test_malformed_entries_are_skipped_with_a_reason_and_the_rest_kept(upstream):
    raw = json.loads((FIXTURES / SAMPLE).read_bytes())
    broken = [{"paper": {"title": "no id"}}, raw[0], "not an object"]
    upstream(respond(200, json.dumps(broken).encode()))
    result = import_day(DAY, client(FakeClock()))
    assert result.entries.created == 1
    assert len(result.skipped) == 2


def test_a_body_that_is_not_a_list_is_a_clear_error_and_stores_nothing(upstream):
    upstream(respond(200, b'{"error": "Invalid date"}'))
    with pytest.raises(ValueError, match="Invalid date"):
        import_day(DAY, client(FakeClock()))
    assert not Paper.objects.exists()
