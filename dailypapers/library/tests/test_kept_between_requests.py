"""What "For you" keeps between requests (``prepared.py``) never shows a stale list: a library
paper added or set aside, a new paper of the period, a changed author list and a vector
computed later all count at the next request. Also the library read in one statement, and a
"Close to" reason that names the right paper when a library paper has no vector yet."""

import datetime as dt

import numpy as np
import pytest

from dailypapers.collections.models import Collection, CollectionItem
from dailypapers.lib.dates import period_containing
from dailypapers.library import prepared
from dailypapers.library.foryou import ForYou
from dailypapers.library.members import reader_papers, set_mark
from dailypapers.library.models import LibraryItem
from dailypapers.library.ranking import Weights, rank
from dailypapers.papers.models import Paper
from dailypapers.papers.voting import set_vote
from dailypapers.search import vectors
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 20)
EARLIER = dt.date(2026, 4, 2)
PERIOD = period_containing("date", DAY)


def paper(title, day, authors=("Someone Else",)):
    return make_paper(
        title,
        abstract=f"{title}: a study of {title.lower()}.",
        authors=list(authors),
        announced_on=day,
        published_at=dt.datetime.combine(day, dt.time(9), dt.UTC),
    )


@pytest.fixture
def day_papers():
    kept = paper("Speech recognition with transducers", EARLIER, ["Grace Hopper"])
    today = [
        paper("Far-field speech recognition", DAY, ["Grace Hopper"]),
        paper("Register allocation in a compiler", DAY),
    ]
    vectors.embed_papers(Paper.objects.all())
    return kept, today


def test_a_library_paper_added_or_set_aside_counts_at_the_next_request(alice, day_papers):
    kept, _ = day_papers
    assert ForYou(alice, PERIOD).library == []
    LibraryItem.objects.create(user=alice, paper=kept)
    ranked = ForYou(alice, PERIOD)
    assert ranked.library == [kept.pk]
    assert ranked.library_authors["Grace Hopper"] == 1
    set_mark(alice, kept, "not_interested", True)
    assert ForYou(alice, PERIOD).library == []


def test_a_new_paper_of_the_period_is_a_candidate_at_once(alice, day_papers):
    before = {c.paper_id for c in ForYou(alice, PERIOD).candidates}
    late = paper("A paper announced later that day", DAY)
    after = {c.paper_id for c in ForYou(alice, PERIOD).candidates}
    assert after == before | {late.pk}


def test_a_changed_author_list_is_seen_at_the_next_request(alice, day_papers):
    kept, today = day_papers
    LibraryItem.objects.create(user=alice, paper=kept)
    first = {pick.paper.pk: pick for pick in ForYou(alice, PERIOD)[:10]}
    assert str(first[today[0].pk].reasons[0]).startswith("By Grace Hopper")
    other = Paper.objects.get(pk=today[0].pk)
    other.author_names = ["Someone Else"]
    other.save()  # moves ``modified``, the stamp the period's details are kept by
    candidate = next(c for c in ForYou(alice, PERIOD).candidates if c.paper_id == other.pk)
    assert candidate.author_names == ["Someone Else"]


def test_a_vector_computed_after_the_period_was_kept_counts(alice, day_papers):
    kept, _ = day_papers
    LibraryItem.objects.create(user=alice, paper=kept)
    late = paper("Streaming speech recognition of spoken audio", DAY)
    ForYou(alice, PERIOD)
    details = prepared.period_details(PERIOD, prepared.period_rows(PERIOD))
    row = prepared.period_rows(PERIOD).ids.tolist().index(late.pk)
    assert not details.matrix[row].any()
    vectors.embed_papers(Paper.objects.filter(pk=late.pk))
    ForYou(alice, PERIOD)
    kept_again = prepared.period_details(PERIOD, prepared.period_rows(PERIOD))
    assert kept_again is details  # the same kept details, their missing row filled in
    assert details.matrix[row].any()


def test_the_digests_read_a_periods_rows_once_the_pages_every_time(day_papers):
    first = prepared.period_rows(PERIOD, max_age=300)
    assert prepared.period_rows(PERIOD, max_age=300) is first
    assert prepared.period_rows(PERIOD) is not first


def test_the_library_and_marks_come_from_one_statement(alice, day_papers):
    kept, today = day_papers
    set_vote(alice, today[1], True)
    collection = Collection.objects.create(owner=alice, name="Mine")
    CollectionItem.objects.create(collection=collection, paper=today[0])
    LibraryItem.objects.create(user=alice, paper=kept)
    set_mark(alice, today[1], "not_interested", True)
    set_mark(alice, today[0], "read", True)
    papers = reader_papers(alice)
    assert papers.library == [kept.pk, today[0].pk]  # newest first, not-interested out
    assert papers.marked("read") == {today[0].pk}
    assert papers.marked() == {today[0].pk, today[1].pk}


def test_close_to_names_the_right_paper_when_one_library_paper_has_no_vector():
    library = np.stack(
        [np.zeros(4, np.float32), np.eye(4, dtype=np.float32)[1], np.eye(4, dtype=np.float32)[2]]
    )
    candidates = np.stack([np.eye(4, dtype=np.float32)[2], np.eye(4, dtype=np.float32)[1]])
    ranked = rank(candidates, library, np.zeros(2), np.zeros(2), np.zeros(2), Weights(center=False))
    assert ranked.nearest.tolist() == [2, 1]
