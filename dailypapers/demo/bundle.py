"""Read the bundled data files into source records; ``load()`` saves them through papers.writing.

The files are described in ``data/README.md``. A paper that is in both files becomes one record
(the Hugging Face text and counts, plus the arXiv categories and comment), so that loading twice
changes nothing. Reading streams the files; saving goes in batches, each its own transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, TypeVar

from dailypapers.papers.writing import SaveCounts, save_daily_entries, save_papers
from dailypapers.sources.records import DailyRecord, PaperRecord

DATA_DIR = Path(__file__).resolve().parent / "data"
ARXIV_FILE = DATA_DIR / "arxiv_papers.jsonl.gz"
HF_FILE = DATA_DIR / "hf_daily_papers.jsonl.gz"
BATCH = 1000
T = TypeVar("T")


class Progress(Protocol):
    def update(self, n: int) -> Any: ...


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _timestamp(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def arxiv_record(row: dict[str, Any]) -> PaperRecord:
    """A paper of the arXiv listings corpus; its date is its first announcement day."""
    # Some lists carry ACM/MSC classes ("I.2.7"); arXiv categories always hold a letter.
    categories = [c for c in row["categories"] if any(ch.isalpha() for ch in c)]
    announced = dt.date.fromisoformat(row["listing_dates"][0])
    return PaperRecord(
        arxiv_id=row["id"],
        title=" ".join(row["title"].split()),
        abstract=row["abstract"].strip(),
        authors=row["authors"],
        categories=categories,
        published_at=dt.datetime.combine(announced, dt.time(), dt.UTC),
        comment=row.get("comment"),
    )


def hf_record(row: dict[str, Any]) -> tuple[PaperRecord, DailyRecord]:
    """A paper of the Hugging Face daily lists with its real upvotes, and its list entry."""
    paper = PaperRecord(
        arxiv_id=row["arxiv_id"],
        title=row["title"],
        abstract=row["summary"].strip(),
        authors=row["authors"],
        published_at=_timestamp(row["published_at"]),
        github_repo=row.get("github_repo"),
        project_page=row.get("project_page"),
        organization=row.get("organization"),
        ai_keywords=row.get("ai_keywords", []),
        upstream_upvotes=row["upvotes"],
        upstream_comment_count=row["num_comments"],
    )
    entry = DailyRecord(
        arxiv_id=row["arxiv_id"],
        date=dt.date.fromisoformat(row["daily_date"]),
        submitted_at=_timestamp(row["submitted_on_daily_at"]),
        organization=row.get("organization"),
    )
    return paper, entry


def _batches(items: Iterator[T], size: int = BATCH) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def load(progress: Progress | None = None) -> tuple[SaveCounts, SaveCounts]:
    """Save every bundled paper and daily entry; returns (paper counts, entry counts)."""
    papers, entries = SaveCounts(), SaveCounts()
    on_lists = [hf_record(row) for row in _lines(HF_FILE)]  # 1,639 rows: small enough to hold
    listed = {paper.arxiv_id: paper for paper, _ in on_lists}

    def only_listing_papers() -> Iterator[PaperRecord]:
        for row in _lines(ARXIV_FILE):
            record = arxiv_record(row)
            if record.arxiv_id in listed:
                # Hugging Face's record has no categories or comment: take arXiv's.
                listed[record.arxiv_id] = dataclasses.replace(
                    listed[record.arxiv_id],
                    categories=record.categories,
                    comment=record.comment,
                )
            else:
                yield record

    for batch in _batches(only_listing_papers()):
        papers.add(save_papers(batch))
        if progress is not None:
            progress.update(len(batch))
    for pairs in _batches(iter(on_lists)):
        papers.add(save_papers(listed[p.arxiv_id] for p, _ in pairs))
        entries.add(save_daily_entries(e for _, e in pairs))
        if progress is not None:
            progress.update(len(pairs))
    # The shipped vectors give the demo semantic search and similar papers from the start.
    from dailypapers.search.demo_vectors import import_vectors

    import_vectors()
    return papers, entries
