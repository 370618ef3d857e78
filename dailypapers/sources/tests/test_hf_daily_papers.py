from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest

from dailypapers.sources.hf.daily_papers import (
    MalformedDailyPapers,
    daily_papers_params,
    parse_daily_papers,
    parse_daily_papers_json,
)

Read = Callable[[str], bytes]
UTC = dt.UTC


def test_it_reads_upvotes_comments_and_submitter_of_the_2024_response(fixture_bytes: Read) -> None:
    page = parse_daily_papers_json(fixture_bytes("hf/daily_papers_2024-10-25_first4.json"))

    assert page.skipped == []
    assert [paper.upstream_upvotes for paper, _ in page.pairs] == [64, 41, 37, 35]
    paper, daily = page.pairs[0]
    assert paper.arxiv_id == "2410.17243"
    assert paper.upstream_comment_count == 3
    assert paper.published_at == dt.datetime(2024, 10, 22, 17, 59, 30, tzinfo=UTC)
    assert daily.date == dt.date(2024, 10, 25)
    assert daily.submitted_at == dt.datetime(2024, 10, 25, 0, 57, 9, 392000, tzinfo=UTC)
    assert daily.submitter_name == "ClownRat"
    assert daily.organization is None


def test_it_unwraps_hard_wrapped_titles_and_abstracts(fixture_bytes: Read) -> None:
    paper, _ = parse_daily_papers_json(
        fixture_bytes("hf/daily_papers_2024-10-25_first4.json")
    ).pairs[0]

    assert paper.title == (
        "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss"
    )
    assert paper.abstract is not None and "\n" not in paper.abstract
    assert paper.authors[:2] == ["Zesen Cheng", "Hang Zhang"]
    assert len(paper.authors) == 9


def test_it_reads_the_2025_fields(fixture_bytes: Read) -> None:
    page = parse_daily_papers_json(fixture_bytes("hf/handwritten_daily_papers_2025_shape.json"))

    paper, daily = page.pairs[0]
    assert paper.upstream_upvotes == 0
    assert paper.upstream_comment_count == 2
    assert paper.github_repo == "https://github.com/mohsenhariri/bayes-kit"
    assert paper.github_stars == 42
    assert paper.project_page == "https://mohsenhariri.github.io/bayes-kit"
    assert paper.ai_summary == "A Bayesian framework replaces Pass@k for evaluating LLM reasoning."
    assert paper.ai_keywords == ["Pass@k", "Bayesian evaluation", "LLM reasoning"]
    assert paper.organization == "Case Western Reserve University"
    assert paper.title.startswith("Don't Pass$\\mathtt{@}k$")
    assert daily.organization == "Case Western Reserve University"
    assert daily.submitter_name == "mhariri"
    assert daily.date == dt.date(2025, 10, 7)


def test_it_reads_withdrawal_and_tolerates_missing_submitter(fixture_bytes: Read) -> None:
    page = parse_daily_papers_json(fixture_bytes("hf/handwritten_daily_papers_2025_shape.json"))

    paper, daily = page.pairs[1]
    assert paper.withdrawn_at == dt.datetime(2025, 10, 20, 9, 0, tzinfo=UTC)
    assert paper.title.startswith("μDeepIQA")
    assert daily.submitter_name is None
    assert paper.github_repo is None and paper.ai_keywords == []


def test_it_uses_the_asked_list_date_over_the_entry_timestamps(fixture_bytes: Read) -> None:
    page = parse_daily_papers_json(
        fixture_bytes("hf/daily_papers_2024-10-25_first4.json"), list_date=dt.date(2024, 10, 24)
    )

    assert {daily.date for _, daily in page.pairs} == {dt.date(2024, 10, 24)}


def test_it_skips_unusable_entries_and_keeps_the_rest() -> None:
    data = [
        "not an object",
        {"paper": {"title": "No id"}, "publishedAt": "2025-10-07T00:00:00.000Z"},
        {"paper": {"id": "abc", "title": "Bad id"}, "publishedAt": "2025-10-07T00:00:00.000Z"},
        {"paper": {"id": "2510.00022", "title": "No date"}},
        {"paper": {"id": "2510.00022"}, "publishedAt": "2025-10-07T00:00:00.000Z"},
        {
            "paper": {"id": "2510.00022", "upvotes": True, "authors": "nobody"},
            "title": "Learning to Lead Themselves",
            "publishedAt": "not a date",
            "numComments": -1,
            "submittedBy": "someone",
        },
        {
            "paper": {
                "id": "2510.00022",
                "upvotes": "12",
                "submittedOnDailyAt": "2025-10-02T00:00:00Z",
            },
            "title": "Learning to Lead Themselves",
        },
    ]
    page = parse_daily_papers(data)

    assert len(page.skipped) == 6
    assert page.skipped[0].startswith("entry 1: a str")
    assert "no paper.id" in page.skipped[1]
    assert "'abc'" in page.skipped[2]
    assert "no date" in page.skipped[3]
    assert "no title" in page.skipped[4]
    assert "no date" in page.skipped[5]
    [(paper, daily)] = page.pairs
    # Wrongly typed counts are unknown, not zero.
    assert paper.upstream_upvotes is None
    assert daily.date == dt.date(2025, 10, 2)
    assert daily.submitted_at == dt.datetime(2025, 10, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"error": "Invalid date"}', "upstream error 'Invalid date'"),
        (b'{"paper": {}}', "expected a JSON array, got a dict"),
        (b"null", "got a NoneType"),
        (b"[{", "not JSON"),
        (b"\xff", "not JSON"),
    ],
)
def test_it_rejects_what_is_not_a_list_with_a_clear_error(body: bytes, message: str) -> None:
    with pytest.raises(MalformedDailyPapers, match=message):
        parse_daily_papers_json(body)


def test_it_reads_a_page_past_the_end_as_empty() -> None:
    page = parse_daily_papers_json(json.dumps([]))

    assert page.pairs == [] and page.skipped == []


def test_it_builds_params_within_the_api_limits() -> None:
    assert daily_papers_params(date=dt.date(2025, 10, 7), page=1, limit=50) == {
        "p": "1",
        "limit": "50",
        "date": "2025-10-07",
    }
    with pytest.raises(ValueError):
        daily_papers_params(limit=101)
