"""A signed-in reader's digest over a real SMTP server: follow alerts (a followed author's new
paper, a new version of a library paper), a "For you" section with reasons, and no paper
mailed twice to one address, across sections and days."""

import datetime as dt
import re

import pytest

from dailypapers.digests.sending import handle_one
from dailypapers.digests.tests.helpers import DUE, subscriber
from dailypapers.library.following import follow
from dailypapers.library.models import LibraryItem
from dailypapers.papers.models import Paper
from dailypapers.search import vectors
from dailypapers.sources.records import VersionRecord
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 5, 18)
PUBLISHED = dt.datetime(2026, 5, 17, 12, tzinfo=dt.UTC)


@pytest.fixture
def reader_and_papers(alice):
    kept = make_paper(
        "Speech recognition with streaming transducers",
        abstract="Automatic speech recognition of spoken audio with transducers.",
        published_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        announced_on=dt.date(2026, 3, 2),
        versions=[
            VersionRecord(1, dt.datetime(2026, 3, 1, tzinfo=dt.UTC)),
            VersionRecord(2, dt.datetime(2026, 5, 17, 9, tzinfo=dt.UTC)),
        ],
        version=2,
    )
    LibraryItem.objects.create(user=alice, paper=kept)
    hopper = make_paper(
        "A compiler for agents",
        authors=["Grace Hopper"],
        published_at=PUBLISHED,
        announced_on=MONDAY,
        upstream_upvotes=40,
    )
    list_on(hopper, MONDAY)  # also trending: the alert must not repeat it
    close = make_paper(
        "Far-field speech recognition with robust acoustic models",
        abstract="Automatic speech recognition of reverberant spoken audio.",
        authors=["Someone Else"],
        published_at=PUBLISHED,
        announced_on=MONDAY,
    )
    other = make_paper(
        "Relational query optimization",
        authors=["Edgar Codd"],
        abstract="Join ordering for SQL databases.",
        published_at=PUBLISHED,
        announced_on=MONDAY,
    )
    follow(alice, "author", "Grace Hopper")
    vectors.embed_papers(Paper.objects.all())
    return kept, hopper, close, other


def paper_ids_in(message) -> list[str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.findall(r"/papers/(\d{4}\.\d{5})\s", text)


def test_a_readers_digest_has_alerts_and_for_you_and_each_paper_once(
    smtp, alice, reader_and_papers
):
    kept, hopper, close, _ = reader_and_papers
    subscriber(user=alice)
    outcome = handle_one(DUE + dt.timedelta(minutes=1))
    assert outcome is not None and outcome.delivery.state == "sent"
    [message] = smtp.messages
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "FROM WHAT YOU FOLLOW" in text and "FOR YOU" in text
    assert "Why: new version (v2) of a paper in your library" in text
    assert "Why: close to Speech recognition with streaming transducers" in text
    ids = paper_ids_in(message)
    assert len(ids) == len(set(ids)), "a paper appeared twice in one mail"
    assert {kept.arxiv_id, hopper.arxiv_id, close.arxiv_id} <= set(ids)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "For you" in html and "From what you follow" in html


def test_the_next_days_digest_repeats_none_of_them(smtp, alice, reader_and_papers):
    subscription = subscriber(user=alice)
    handle_one(DUE + dt.timedelta(minutes=1))
    first = set(paper_ids_in(smtp.messages[0]))
    # Next day: the same papers are still in the digest's look-back window.
    subscription.refresh_from_db()
    assert subscription.next_send_at is not None
    outcome = handle_one(subscription.next_send_at + dt.timedelta(minutes=1))
    second = set(outcome.delivery.papers) if outcome else set()
    assert first and not first & second


def test_an_address_without_an_account_gets_no_personal_sections(smtp, reader_and_papers):
    subscriber(email="someone@example.org")
    handle_one(DUE + dt.timedelta(minutes=1))
    text = smtp.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "FOR YOU" not in text and "FROM WHAT YOU FOLLOW" not in text
