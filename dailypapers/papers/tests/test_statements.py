"""Queries compiled once per process answer as their QuerySets would, for any values: the
neighbouring days, the confirmed claims, a page of entries; a value Django writes into the SQL
text instead of a parameter is refused when the statement is compiled."""

import datetime as dt

import pytest
from django.db import connection

from dailypapers.papers import announced, cards, people
from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.papers.statements import Statement, stored_text_columns
from dailypapers.papers.tests.test_people import claim
from tests.support.personas import make_user
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db
DAYS = [dt.date(2026, 5, day) for day in (4, 6, 7, 11, 15)]


@pytest.fixture
def days(settings):
    settings.ARXIV_CATEGORIES = ["cs.CL"]
    for number, day in enumerate(DAYS):
        list_on(make_paper(f"Listed {number}", arxiv_id=f"2605.3000{number}"), day)
    # An announcement alone makes a day (the 13th); a hidden paper's entry does not (the 8th).
    make_paper("Announced", arxiv_id="2605.31000", categories=["cs.CL"], announced_on=DAYS[3]
               + dt.timedelta(days=2))  # fmt: skip
    hidden = make_paper("Hidden", arxiv_id="2605.32000")
    list_on(hidden, dt.date(2026, 5, 8))
    Paper.objects.filter(pk=hidden.pk).update(hidden=True)


def test_neighbour_days_are_the_day_before_and_the_day_after(days):
    for offset in range(-2, 16):
        day = dt.date(2026, 5, 4) + dt.timedelta(days=offset)
        assert announced.neighbour_days(day, day) == (
            announced.day_before(day),
            announced.day_after(day),
        ), day
    assert announced.neighbour_days(dt.date(2026, 5, 7), dt.date(2026, 5, 7)) == (
        dt.date(2026, 5, 6),
        dt.date(2026, 5, 11),
    ), "the hidden paper's day is skipped"
    assert announced.neighbour_days(dt.date(2026, 5, 11), dt.date(2026, 5, 11))[1] == dt.date(
        2026, 5, 13
    ), "a day of announcements only is a day with papers"


def test_the_neighbours_follow_the_sites_categories(days, settings):
    settings.ARXIV_CATEGORIES = ["math.AG"]  # the announcement of the 13th is no longer listed
    assert announced.neighbour_days(dt.date(2026, 5, 11), dt.date(2026, 5, 11))[1] == DAYS[4]


def test_a_page_of_rows_is_the_page_of_the_queryset(days):
    first, last = DAYS[0], DAYS[-1]
    expected = list(DailyEntry.objects.between(first, last).values_list("pk", flat=True))
    for start, stop in ((0, 2), (2, 4), (1, 50)):
        rows = cards.entry_rows(first, last, start, stop)
        assert [row[cards.ENTRY_ID] for row in rows] == expected[start:stop]
    one_day = cards.entry_rows(DAYS[1], DAYS[1], 0, 51)
    assert [row[cards.PAPER_ID] for row in one_day] == [Paper.objects.get(arxiv_id="2605.30001").pk]


def test_claim_names_are_what_load_claims_loads_for_few_and_many_papers():
    papers = [make_paper(f"Claimed {n}", authors=["Grace Hopper", "Alan Turing"]) for n in (1, 2)]
    grace, alan = make_user("grace"), make_user("alan")
    claim(grace, papers[0], "Grace Hopper")
    claim(alan, papers[1], "Alan Turing")
    claim(make_user("idle", is_active=False), papers[1], "Grace Hopper")
    loaded = people.load_claims(papers)
    expected = sorted(
        (pk, name, found.user.username)
        for pk, names in loaded.items()
        for name, found in names.items()
    )
    assert expected == [
        (papers[0].pk, "Grace Hopper", "grace"),
        (papers[1].pk, "Alan Turing", "alan"),
    ]
    few = [paper.pk for paper in papers]
    many = few + list(range(10**6, 10**6 + people.COMPILED_CLAIMS_UP_TO))  # no such papers
    assert sorted(people.claim_names(few)) == expected
    assert sorted(people.claim_names(many)) == expected, "past the compiled ones, by the ORM"


def test_a_value_written_into_the_sql_text_is_refused():
    def sliced(variant, stop):
        return DailyEntry.objects.all()[:stop]  # LIMIT is written into the text

    with pytest.raises(ValueError, match="sentinels"):
        Statement(sliced, [7_340_001]).run([3])


def test_the_latest_list_day_is_the_newest_visible_entrys(days):
    assert announced.latest_list_day() == DailyEntry.latest_date() == DAYS[-1]
    Paper.objects.filter(arxiv_id="2605.30004").update(hidden=True)
    assert announced.latest_list_day() == DailyEntry.latest_date() == DAYS[-2]
    DailyEntry.objects.all().delete()
    assert announced.latest_list_day() is None


def test_the_latest_day_counts_announcements_in_the_sites_categories(days, settings):
    assert announced.latest_day() == DAYS[-1]
    make_paper("Announced late", arxiv_id="2605.31001", categories=["cs.CL"],
               announced_on=dt.date(2026, 5, 19))  # fmt: skip
    assert announced.latest_day() == dt.date(2026, 5, 19)
    settings.ARXIV_CATEGORIES = ["math.AG"]
    assert announced.latest_day() == DAYS[-1]


def test_stored_text_selects_bare_columns_as_expressions_only():
    sql = (
        'SELECT "a"."id", ("a"."x" + "b"."y") AS "votes", T6."name", "b"."at" FROM "a" '
        'INNER JOIN "b" ON ("a"."id" = "b"."id") WHERE "a"."at" >= %s ORDER BY 2 DESC, "b"."at"'
    )
    assert stored_text_columns(sql) == (
        'SELECT +"a"."id", ("a"."x" + "b"."y") AS "votes", +T6."name", +"b"."at" FROM "a" '
        'INNER JOIN "b" ON ("a"."id" = "b"."id") WHERE "a"."at" >= %s ORDER BY 2 DESC, "b"."at"'
    ), "the WHERE and ORDER BY keep their bare columns (and so their indexes)"
    with pytest.raises(ValueError, match="SELECT"):
        stored_text_columns('UPDATE "a" SET "x" = 1')


def test_rows_of_entries_are_as_stored_and_keep_their_columns(days):
    first, last = DAYS[0], DAYS[-1]
    rows = cards.entry_rows(first, last, 0, 50)
    entries = list(DailyEntry.objects.between(first, last).select_related("paper"))
    assert [row[cards.ENTRY_ID] for row in rows] == [entry.pk for entry in entries]
    submitted = [field.attname for field in DailyEntry._meta.concrete_fields].index("submitted_at")
    for row, entry in zip(rows, entries, strict=True):
        assert row[cards.PAPER_ID] == entry.paper_id
        assert len(row) == len(rows[0])
        if connection.vendor == "sqlite":
            # Unconverted: the driver's datetime converter did not run on the text.
            assert isinstance(row[submitted], str), row[submitted]
            assert dt.datetime.fromisoformat(row[submitted]) == entry.submitted_at.replace(
                tzinfo=None
            )
        else:
            assert row[submitted] == entry.submitted_at
