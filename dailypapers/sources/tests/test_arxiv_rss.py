from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from dailypapers.sources.arxiv.errors import MalformedResponse
from dailypapers.sources.arxiv.rss import parse_announcements

Read = Callable[[str], bytes]


def test_it_reads_id_version_type_and_day_of_each_announcement(fixture_bytes: Read) -> None:
    feed = parse_announcements(fixture_bytes("arxiv/rss/handwritten_rss2_cs.CL+cs.AI.xml"))

    assert [(item.arxiv_id, item.version, item.announce_type) for item in feed.announcements] == [
        ("2510.04265", 1, "new"),
        ("2510.02343", 2, "replace"),
        ("2510.04859", 1, "cross"),
        ("2203.01250", 3, "replace-cross"),
    ]
    assert {item.announced_on for item in feed.announcements} == {dt.date(2025, 10, 7)}
    assert feed.announced_on == dt.date(2025, 10, 7)
    assert feed.skipped == []


def test_it_keeps_the_announcement_day_of_new_york_not_utc(fixture_bytes: Read) -> None:
    body = fixture_bytes("arxiv/rss/handwritten_rss2_cs.CL+cs.AI.xml").replace(
        b"Tue, 07 Oct 2025 00:00:00 -0400", b"Tue, 07 Oct 2025 23:30:00 -0400"
    )
    feed = parse_announcements(body)

    # 23:30 in New York is already the 8th in UTC; the announcement is of the 7th.
    assert feed.announcements[0].announced_on == dt.date(2025, 10, 7)


def test_it_reads_title_authors_abstract_and_categories(fixture_bytes: Read) -> None:
    feed = parse_announcements(fixture_bytes("arxiv/rss/handwritten_rss2_cs.CL+cs.AI.xml"))

    first, second, third, fourth = feed.announcements
    assert first.title == (
        "Don't Pass$\\mathtt{@}k$: A Bayesian Framework for Large Language Model Evaluation"
    )
    assert first.categories == ["cs.AI", "cs.CL", "math.ST", "stat.ML", "stat.TH"]
    assert first.abstract is not None
    assert first.abstract.startswith("Pass$@k$ is widely used")
    assert first.abstract.endswith("($n < 10$).")
    assert second.authors[0] == "Aurélien Bück-Kaeffer"
    assert len(second.authors) == 8
    assert third.title is not None and third.title.startswith("μDeepIQA")
    assert fourth.doi == "10.5802/jep.257"
    assert fourth.journal_ref is not None and "Math\\'ematiques" in fourth.journal_ref


def test_it_turns_an_announcement_into_a_paper_record(fixture_bytes: Read) -> None:
    feed = parse_announcements(fixture_bytes("arxiv/rss/handwritten_rss2_cs.CL+cs.AI.xml"))

    paper = feed.announcements[1].to_paper_record()
    assert paper is not None
    assert (paper.arxiv_id, paper.version) == ("2510.02343", 2)
    assert paper.categories == ["cs.CL", "cs.AI"]


def test_it_reads_the_atom_variant(fixture_bytes: Read) -> None:
    feed = parse_announcements(fixture_bytes("arxiv/rss/handwritten_atom_math.OC.xml"))

    [item] = feed.announcements
    assert (item.arxiv_id, item.version, item.announce_type) == ("2203.01250", 3, "replace-cross")
    assert item.announced_on == dt.date(2024, 8, 23)
    assert item.categories == ["math.AP", "math.OC"]


def test_it_reads_an_empty_weekend_feed_as_no_announcements(fixture_bytes: Read) -> None:
    feed = parse_announcements(fixture_bytes("arxiv/rss/handwritten_rss2_empty_saturday.xml"))

    assert feed.announcements == []
    assert feed.announced_on == dt.date(2025, 10, 11)


def test_it_reads_the_legacy_rdf_feed_from_its_titles(fixture_bytes: Read) -> None:
    feed = parse_announcements(fixture_bytes("arxiv/rss/legacy_rdf_sampleDailyFeed1.xml"))

    assert [(item.arxiv_id, item.version, item.announce_type) for item in feed.announcements] == [
        ("2107.03419", 1, "new"),
        ("2106.00550", 2, "cross"),
        ("2007.03939", 2, "replace"),
    ]
    assert feed.announced_on == dt.date(2021, 7, 8)
    assert all(item.announced_on == dt.date(2021, 7, 8) for item in feed.announcements)
    second = feed.announcements[1]
    assert (
        second.title
        == "Potential applications of modular representation theory to quantum mechanics"
    )
    assert second.authors == ["Robert A. Wilson"]
    assert feed.announcements[0].authors == ["LHCb collaboration", "R. Aaij"]


def test_it_tolerates_legacy_items_with_missing_fields(fixture_bytes: Read) -> None:
    feed = parse_announcements(fixture_bytes("arxiv/rss/legacy_rdf_sampleDailyFeed2.xml"))

    untitled, undescribed, anonymous = feed.announcements
    # Without a title the legacy format says neither version nor type.
    assert (untitled.arxiv_id, untitled.version, untitled.announce_type) == (
        "2107.03419",
        None,
        None,
    )
    assert untitled.title is None and untitled.to_paper_record() is None
    assert undescribed.abstract is None and undescribed.announce_type == "cross"
    assert anonymous.authors == [] and anonymous.version == 2


def test_it_skips_an_item_without_any_arxiv_id_and_says_why() -> None:
    body = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:arxiv="http://arxiv.org/schemas/atom"><channel><title>t</title>
<item><title>Mystery</title><guid>urn:uuid:1</guid><link>https://example.org/x</link></item>
<item><title>Fine</title><guid>oai:arXiv.org:2510.00022v1</guid>
<arxiv:announce_type>new</arxiv:announce_type></item>
</channel></rss>"""
    feed = parse_announcements(body)

    assert [item.arxiv_id for item in feed.announcements] == ["2510.00022"]
    assert len(feed.skipped) == 1 and "item 1" in feed.skipped[0]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html><body><h1>503 Service Unavailable</h1></body></html>",
        b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>cut',
    ],
)
def test_it_rejects_what_is_not_a_complete_feed(body: bytes) -> None:
    with pytest.raises(MalformedResponse):
        parse_announcements(body)


def test_a_body_feedparser_cannot_decode_is_a_malformed_response() -> None:
    with pytest.raises(MalformedResponse):
        parse_announcements(b"\xa0")
