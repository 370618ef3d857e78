"""The plain records every source produces and ``papers.writing`` consumes.

A field left as ``None`` (or an empty list) means "this source does not know": writing never
lets an unknown value erase a known one, so a partial source (Hugging Face lists carry no
categories) can be merged with a full one (arXiv) in any order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class VersionRecord:
    number: int
    submitted_at: dt.datetime | None = None


@dataclass
class PaperRecord:
    """What one source says about one paper (arXiv id without version)."""

    arxiv_id: str
    title: str
    abstract: str | None = None
    authors: list[str] = field(default_factory=list)
    version: int | None = None
    categories: list[str] = field(default_factory=list)
    primary_category: str | None = None
    published_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    organization: str | None = None  # the organization's display name
    ai_summary: str | None = None
    ai_keywords: list[str] = field(default_factory=list)
    upstream_upvotes: int | None = None
    upstream_comment_count: int | None = None
    withdrawn_at: dt.datetime | None = None
    announced_on: dt.date | None = None  # the day arXiv announced it (first time wins)
    # When the upstream last changed this record (OAI datestamp): an older copy of the same
    # version never overwrites a newer one.
    modified_on: dt.date | None = None
    versions: list[VersionRecord] = field(default_factory=list)


@dataclass(frozen=True)
class DailyRecord:
    """A paper on an upstream daily list (Hugging Face's) on one day."""

    arxiv_id: str
    date: dt.date
    submitted_at: dt.datetime
    submitter_name: str | None = None
    organization: str | None = None
