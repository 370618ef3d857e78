import datetime as dt

import pytest

from dailypapers.papers.models import Authorship, DailyEntry, Paper, PaperVersion
from dailypapers.papers.writing import save_daily_entries, save_papers
from dailypapers.sources.records import DailyRecord, PaperRecord, VersionRecord
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db


def test_saving_the_same_records_twice_changes_nothing():
    record = PaperRecord(arxiv_id="2605.00001", title="T", abstract="A", authors=["X", "Y"])
    first = save_papers([record])
    second = save_papers([record])
    assert (first.created, first.updated) == (1, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 1)


def test_an_unknown_value_never_erases_a_known_one():
    save_papers([PaperRecord(arxiv_id="2605.00001", title="T", categories=["cs.CL", "cs.AI"])])
    save_papers([PaperRecord(arxiv_id="2605.00001", title="T", upstream_upvotes=12)])
    paper = Paper.objects.get(arxiv_id="2605.00001")
    assert paper.categories == ["cs.CL", "cs.AI"]
    assert paper.primary_category == "cs.CL"
    assert paper.upstream_upvotes == 12


def test_an_older_version_does_not_overwrite_a_newer_one():
    save_papers([PaperRecord(arxiv_id="2605.00001", title="New title", version=3)])
    save_papers([PaperRecord(arxiv_id="2605.00001", title="Old title", version=1)])
    paper = Paper.objects.get(arxiv_id="2605.00001")
    assert (paper.title, paper.version) == ("New title", 3)


def test_versions_are_kept_as_history():
    versions = [
        VersionRecord(1, dt.datetime(2026, 5, 1, tzinfo=dt.UTC)),
        VersionRecord(2, dt.datetime(2026, 5, 9, tzinfo=dt.UTC)),
    ]
    save_papers([PaperRecord(arxiv_id="2605.00001", title="T", versions=versions)])
    save_papers([PaperRecord(arxiv_id="2605.00001", title="T", versions=versions)])
    paper = Paper.objects.get(arxiv_id="2605.00001")
    assert paper.version == 2
    assert list(PaperVersion.objects.filter(paper=paper).values_list("number", flat=True)) == [1, 2]


def test_authors_keep_their_order_and_are_shared_between_papers():
    one = make_paper("One", authors=["Zoe Zhang", "Adam Smith"])
    make_paper("Two", authors=["Adam Smith"])
    assert one.author_names == ["Zoe Zhang", "Adam Smith"]
    assert [a.author.name for a in Authorship.objects.filter(paper=one)] == [
        "Zoe Zhang",
        "Adam Smith",
    ]
    assert {p.title for p in Paper.objects.filter(authors__name="Adam Smith")} == {"One", "Two"}


def test_a_later_partial_day_adds_to_the_list_and_removes_nothing():
    day = dt.date(2026, 5, 20)
    papers = [make_paper(f"P{i}") for i in range(3)]
    list_on(papers[0], day)
    list_on(papers[1], day)
    midnight = dt.datetime(2026, 5, 20, tzinfo=dt.UTC)
    counts = save_daily_entries(
        [DailyRecord(papers[2].arxiv_id, day, midnight, submitter_name="akhaliq")]
    )
    assert counts.created == 1
    assert DailyEntry.objects.filter(date=day).count() == 3


def test_a_later_import_fills_in_an_unknown_submitter_and_organization():
    day = dt.date(2026, 5, 20)
    entry = list_on(make_paper("P"), day)
    midnight = dt.datetime(2026, 5, 20, tzinfo=dt.UTC)
    record = DailyRecord(entry.paper.arxiv_id, day, midnight, "akhaliq", "Stanford NLP")
    assert save_daily_entries([record]).updated == 1
    entry.refresh_from_db()
    assert entry.submitter_name == "akhaliq"
    assert entry.organization is not None
    assert entry.organization.name == "stanford-nlp"
    assert save_daily_entries([record]).unchanged == 1


def test_an_entry_for_an_unsaved_paper_is_refused_whole():
    saved = make_paper("Saved")
    midnight = dt.datetime(2026, 5, 20, tzinfo=dt.UTC)
    records = [
        DailyRecord(saved.arxiv_id, midnight.date(), midnight),
        DailyRecord("2605.99999", midnight.date(), midnight),
    ]
    with pytest.raises(ValueError, match=r"2605\.99999"):
        save_daily_entries(records)
    assert not DailyEntry.objects.exists()


def test_a_record_that_knows_no_version_still_brings_news():
    save_papers([PaperRecord(arxiv_id="2605.00001", title="T", version=2)])
    save_papers([PaperRecord(arxiv_id="2605.00001", title="T", upstream_upvotes=5)])
    assert Paper.objects.get(arxiv_id="2605.00001").upstream_upvotes == 5


def test_an_older_copy_of_the_same_version_does_not_overwrite_a_newer_one():
    newer = dt.date(2026, 5, 9)
    save_papers([PaperRecord("2605.00001", "Fixed title", version=1, modified_on=newer)])
    older = PaperRecord("2605.00001", "Typo titel", version=1, modified_on=dt.date(2026, 5, 1))
    assert save_papers([older]).unchanged == 1
    assert Paper.objects.get(arxiv_id="2605.00001").title == "Fixed title"


def test_an_author_name_longer_than_the_column_is_stored_cut_and_kept_whole_on_the_paper():
    collaboration = "The Very Large Collaboration: " + ", ".join(f"Member {n}" for n in range(60))
    paper = make_paper("Big science", authors=[collaboration, "Ada Lovelace"])
    assert paper.author_names[0] == collaboration
    stored = [a.author.name for a in Authorship.objects.filter(paper=paper)]
    assert stored == [collaboration[:300], "Ada Lovelace"]
