"""``dailypapers ingest ...`` as an operator runs it, against a real local server."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.papers.tests.upstream import recorded
from tests.support.scripted_server import respond

pytestmark = pytest.mark.django_db


def test_ingest_arxiv_fetches_the_ids_given(upstream, capsys):
    server = upstream(recorded("arxiv/api/id_1707.08567_many_authors.xml"))
    call_command("ingest", "arxiv", "arXiv:1707.08567v1")
    assert "1 created" in capsys.readouterr().out
    assert Paper.objects.filter(arxiv_id="1707.08567").exists()
    head = server.requests[0][1].decode()
    assert "User-Agent: dailypapers/0.1.0 (mailto:ops@example.org)" in head


def test_ingest_arxiv_says_which_ids_arxiv_does_not_know(upstream):
    upstream(recorded("arxiv/api/id_0000.0000_empty.xml"))
    with pytest.raises(CommandError, match=r"arXiv does not know: 2501\.00001"):
        call_command("ingest", "arxiv", "2501.00001")


def test_ingest_arxiv_refuses_what_is_no_id(upstream):
    with pytest.raises(CommandError, match="not-an-id"):
        call_command("ingest", "arxiv", "not-an-id")


def test_ingest_hf_imports_a_day(upstream, capsys):
    upstream(recorded("hf/daily_papers_2024-10-25_first4.json"))
    call_command("ingest", "hf", "--date", "2024-10-25")
    assert "entries 4 created" in capsys.readouterr().out
    assert DailyEntry.objects.count() == 4


def test_a_bad_date_is_a_clear_error(upstream):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("ingest", "hf", "--date", "2024-13-45")


def test_an_upstream_failure_is_a_clear_error_and_stores_nothing(upstream):
    upstream(respond(404, b"gone"))
    with pytest.raises(CommandError, match="404"):
        call_command("ingest", "hf", "--date", "2024-10-25")
    assert not Paper.objects.exists()


def test_ingesting_without_a_contact_address_is_refused(settings):
    settings.INGEST_CONTACT = ""
    with pytest.raises(ImproperlyConfigured, match="INGEST_CONTACT"):
        call_command("ingest", "arxiv", "1707.08567")
