"""Hugging Face ``/api/daily_papers`` JSON parsed into ``(PaperRecord, DailyRecord)`` pairs.

The shape is HF's daily entry (docs/api.md#shapes; recorded answers in
``tests/fixtures/sources/hf/``): a nested ``paper`` plus top-level
``publishedAt`` (when the paper was added to the daily list), ``title``, ``numComments``,
``submittedBy`` and, since 2025, ``organization``. Every field except ``paper.id`` is treated
as optional, and a field of the wrong type is treated as missing: an entry is skipped (with its
reason in ``DailyPapersPage.skipped``) only when it has no usable arXiv id or no list date.

A partial day's list is normal upstream; merging rather than replacing is the writer's job.
What is not here: fetching, paging (``p``/``limit``), storing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from dailypapers.sources.arxiv.errors import InvalidArxivId
from dailypapers.sources.arxiv.ids import parse_arxiv_id
from dailypapers.sources.records import DailyRecord, PaperRecord

__all__ = [
    "DailyPapersPage",
    "MalformedDailyPapers",
    "daily_papers_params",
    "parse_daily_papers",
    "parse_daily_papers_json",
]

# Where the list is: settings.HF_API_URL, the one home of every upstream address.
_WHITESPACE = re.compile(r"\s+")


class MalformedDailyPapers(ValueError):
    """The response is not a daily-papers list at all (bad JSON, or not a JSON array)."""


@dataclass
class DailyPapersPage:
    pairs: list[tuple[PaperRecord, DailyRecord]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "entry 3: no paper.id", ...


def daily_papers_params(
    *, date: dt.date | None = None, page: int = 0, limit: int = 100
) -> dict[str, str]:
    if not 1 <= limit <= 100:
        raise ValueError(f"limit must be 1..100, not {limit}")
    if page < 0:
        raise ValueError(f"page must be >= 0, not {page}")
    params = {"p": str(page), "limit": str(limit)}
    if date is not None:
        params["date"] = date.isoformat()
    return params


def parse_daily_papers_json(
    body: bytes | str, *, list_date: dt.date | None = None
) -> DailyPapersPage:
    """Decode a response body, then ``parse_daily_papers``."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedDailyPapers(f"daily papers: not JSON ({exc})") from exc
    return parse_daily_papers(data, list_date=list_date)


def parse_daily_papers(data: object, *, list_date: dt.date | None = None) -> DailyPapersPage:
    """Pairs of the entries of one response.

    ``list_date`` is the ``date`` the list was asked for; without it each entry's day on the
    list comes from its own ``submittedOnDailyAt`` or ``publishedAt`` (UTC).
    """
    if not isinstance(data, list):
        if isinstance(data, dict) and "error" in data:
            raise MalformedDailyPapers(f"daily papers: upstream error {data['error']!r}")
        raise MalformedDailyPapers(
            f"daily papers: expected a JSON array, got a {type(data).__name__}"
        )
    page = DailyPapersPage()
    for position, entry in enumerate(data, start=1):
        reason = _pair_or_reason(entry, list_date)
        if isinstance(reason, str):
            page.skipped.append(f"entry {position}: {reason}")
        else:
            page.pairs.append(reason)
    return page


def _pair_or_reason(
    entry: object, list_date: dt.date | None
) -> tuple[PaperRecord, DailyRecord] | str:
    if not isinstance(entry, dict):
        return f"a {type(entry).__name__}, not an object"
    paper = _dict(entry.get("paper"))
    raw_id = _str(paper.get("id"))
    if raw_id is None:
        return "no paper.id"
    try:
        arxiv_id = parse_arxiv_id(raw_id).arxiv_id
    except InvalidArxivId as exc:
        return str(exc)
    title = _clean(_str(entry.get("title"))) or _clean(_str(paper.get("title")))
    if title is None:
        return f"{arxiv_id}: no title"

    # When the paper joined the daily list: the entry's publishedAt, else the paper's
    # submittedOnDailyAt (the newer field for the same moment).
    submitted_at = _datetime(entry.get("publishedAt")) or _datetime(paper.get("submittedOnDailyAt"))
    day = list_date or (
        (_datetime(paper.get("submittedOnDailyAt")) or submitted_at).astimezone(dt.UTC).date()
        if submitted_at
        else None
    )
    if submitted_at is None or day is None:
        return f"{arxiv_id}: no date on the daily list"

    organization = _organization(entry.get("organization")) or _organization(
        paper.get("organization")
    )
    record = PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=_clean(_str(paper.get("summary"))) or _clean(_str(entry.get("summary"))),
        authors=[
            name
            for author in _list(paper.get("authors"))
            if (name := _clean(_str(_dict(author).get("name"))))
        ],
        published_at=_datetime(paper.get("publishedAt")),
        github_repo=_str(paper.get("githubRepo")) or _str(entry.get("githubRepo")),
        github_stars=_int(paper.get("githubStars"), entry.get("githubStars")),
        project_page=_str(paper.get("projectPage")) or _str(entry.get("projectPage")),
        organization=organization,
        ai_summary=_clean(_str(paper.get("ai_summary")) or _str(entry.get("ai_summary"))),
        ai_keywords=[
            keyword
            for item in _list(paper.get("ai_keywords") or entry.get("ai_keywords"))
            if (keyword := _clean(_str(item)))
        ],
        upstream_upvotes=_int(paper.get("upvotes"), entry.get("upvotes")),
        upstream_comment_count=_int(entry.get("numComments"), paper.get("numComments")),
        withdrawn_at=_datetime(paper.get("withdrawnAt")) or _datetime(entry.get("withdrawnAt")),
    )
    daily = DailyRecord(
        arxiv_id=arxiv_id,
        date=day,
        submitted_at=submitted_at,
        submitter_name=_username(paper.get("submittedOnDailyBy"))
        or _username(entry.get("submittedBy")),
        organization=organization,
    )
    return record, daily


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _clean(text: str | None) -> str | None:
    # HF serves arXiv's hard-wrapped titles and abstracts ("...for\n  Contrastive Loss").
    if text is None:
        return None
    return _WHITESPACE.sub(" ", text).strip() or None


def _int(*values: object) -> int | None:
    for value in values:
        # bool is an int in Python; a true/false upvote count is a broken field, not 1/0.
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    return None


def _datetime(value: object) -> dt.datetime | None:
    text = _str(value)
    if text is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def _username(user: object) -> str | None:
    details = _dict(user)
    # Users carry the username under "name"; the client's own models read it from "user".
    return _str(details.get("name")) or _str(details.get("user"))


def _organization(value: object) -> str | None:
    details = _dict(value)
    return _str(details.get("fullname")) or _str(details.get("name"))
