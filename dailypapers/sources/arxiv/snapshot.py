"""The Kaggle arXiv metadata snapshot (``arxiv-metadata-oai-snapshot.json``, one JSON object a
line, plain or gzipped) streamed into ``PaperRecord``s in constant memory.

``read_snapshot`` yields one ``SnapshotEntry`` per accepted line with the position after it, so
an import can persist that position and restart from it (``start_at``) or from a line number
(``start_line``). A malformed line is skipped and recorded in the ``SnapshotReport`` (line
number, byte offset, reason) instead of stopping a four-gigabyte import. The optional category
filter keeps a paper when any of its categories matches a wanted category (``cs.AI``) or archive
(``cs``).

What is not here: downloading the snapshot, progress bars, storing (the caller does those).
"""

from __future__ import annotations

import functools
import gzip
import io
import os
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from dailypapers.sources.arxiv.authors import name_from_parts, split_authors
from dailypapers.sources.arxiv.dates import parse_rfc822
from dailypapers.sources.arxiv.errors import InvalidArxivId, MalformedResponse
from dailypapers.sources.arxiv.ids import parse_arxiv_id
from dailypapers.sources.arxiv.xmldoc import collapse_whitespace
from dailypapers.sources.records import PaperRecord, VersionRecord

__all__ = [
    "SnapshotEntry",
    "SnapshotPosition",
    "SnapshotProblem",
    "SnapshotReport",
    "parse_snapshot_line",
    "read_snapshot",
]

MAX_PROBLEMS_KEPT = 1000  # the count goes on; the details of a million bad lines would not fit


@dataclass(frozen=True)
class SnapshotPosition:
    """Where the next line starts: its 1-based number and its byte offset (uncompressed)."""

    line: int = 1
    offset: int = 0


@dataclass(frozen=True)
class SnapshotEntry:
    paper: PaperRecord
    line: int
    next_position: SnapshotPosition  # persist this to resume after this line


@dataclass(frozen=True)
class SnapshotProblem:
    line: int
    offset: int
    reason: str


@dataclass
class SnapshotReport:
    lines_read: int = 0
    papers: int = 0
    filtered_out: int = 0
    malformed: int = 0
    problems: list[SnapshotProblem] = field(default_factory=list)
    position: SnapshotPosition = field(default_factory=SnapshotPosition)

    def record_problem(self, problem: SnapshotProblem) -> None:
        self.malformed += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(problem)


def read_snapshot(
    path: str | os.PathLike[str],
    *,
    categories: Iterable[str] | None = None,
    start_at: SnapshotPosition | None = None,
    start_line: int | None = None,
    report: SnapshotReport | None = None,
) -> Generator[SnapshotEntry, None, None]:
    """Stream the papers of a snapshot file (``.gz`` by its name), skipping malformed lines.

    ``start_at`` seeks straight to a persisted position (for a gzip file the stream is still
    decompressed up to it, but not parsed). ``start_line`` skips lines without parsing them.
    Pass a ``SnapshotReport`` to read the counts and problems, during or after the loop.
    """
    if start_at is not None and start_line is not None:
        raise ValueError("give start_at or start_line, not both")
    if start_line is not None and start_line < 1:
        raise ValueError("lines are numbered from 1")
    report = report if report is not None else SnapshotReport()
    wanted = _category_filter(categories)
    position = start_at or SnapshotPosition()
    report.position = position
    with _open(path) as stream:
        if position.offset:
            stream.seek(position.offset)
        line_number, offset = position.line, position.offset
        for raw in stream:
            this_line, this_offset = line_number, offset
            line_number += 1
            offset += len(raw)
            report.position = SnapshotPosition(line_number, offset)
            if start_line is not None and this_line < start_line:
                continue
            report.lines_read += 1
            if not raw.strip():
                continue
            try:
                data = _decode(raw)
                if wanted is not None and not _matches(data, wanted):
                    report.filtered_out += 1
                    continue
                paper = paper_from_snapshot(data)
            except (MalformedResponse, InvalidArxivId) as exc:
                report.record_problem(SnapshotProblem(this_line, this_offset, str(exc)))
                continue
            report.papers += 1
            yield SnapshotEntry(paper, this_line, report.position)


def parse_snapshot_line(line: bytes | str) -> PaperRecord:
    """One snapshot line as a ``PaperRecord``; ``MalformedResponse`` when it is not one."""
    raw = line.encode("utf-8") if isinstance(line, str) else line
    return paper_from_snapshot(_decode(raw))


def paper_from_snapshot(data: dict[str, Any]) -> PaperRecord:
    arxiv_id_text, title = data.get("id"), collapse_whitespace(_text(data, "title"))
    if not isinstance(arxiv_id_text, str) or not title:
        raise MalformedResponse("no id or no title")
    arxiv_id = parse_arxiv_id(arxiv_id_text).arxiv_id

    versions = _versions(data.get("versions"))
    categories = (_text(data, "categories") or "").split()
    doi = _text(data, "doi")
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=collapse_whitespace(_text(data, "abstract")),
        authors=_authors(data),
        version=versions[-1].number if versions else None,
        categories=categories,
        primary_category=categories[0] if categories else None,
        published_at=versions[0].submitted_at if versions else None,
        updated_at=versions[-1].submitted_at if versions else None,
        comment=collapse_whitespace(_text(data, "comments")),
        journal_ref=collapse_whitespace(_text(data, "journal-ref")),
        # The first DOI is the article's; arXiv appends errata DOIs after a space.
        doi=doi.split()[0] if doi and doi.split() else None,
        versions=versions,
    )


def _open(path: str | os.PathLike[str]) -> gzip.GzipFile | io.BufferedReader:
    if os.fspath(path).endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _decode(raw: bytes) -> dict[str, Any]:
    # orjson: the bulk import's parse in a third of json's time, and stricter where json let
    # through what the database would refuse later (lone surrogates, NaN, invalid UTF-8).
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedResponse(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise MalformedResponse(f"a JSON {type(data).__name__}, not an object")
    return data


def _category_filter(categories: Iterable[str] | None) -> frozenset[str] | None:
    if categories is None:
        return None
    wanted = frozenset(category.strip() for category in categories if category.strip())
    if not wanted:
        raise ValueError("an empty category filter would keep nothing")
    return wanted


def _matches(data: dict[str, Any], wanted: frozenset[str]) -> bool:
    for category in (_text(data, "categories") or "").split():
        if category in wanted or category.split(".", 1)[0] in wanted:
            return True
    return False


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedResponse(f"{key!r} is a {type(value).__name__}, not a string")
    return value


def _authors(data: dict[str, Any]) -> list[str]:
    parsed = data.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        join = " ".join
        for triple in parsed:
            # The usual [last, first, suffix] inline: name_from_parts' generator and the
            # check's all() per author were a tenth of parsing a line (800k authorships in
            # the 170k papers). The same name, and the same error, as the general path.
            if type(triple) is list and len(triple) == 3:
                last, first, suffix = triple
                if type(last) is str and type(first) is str and type(suffix) is str:
                    if name := join(filter(None, (first.strip(), last.strip(), suffix.strip()))):
                        names.append(name)
                    continue
            if not isinstance(triple, list) or not all(isinstance(part, str) for part in triple):
                raise MalformedResponse(f"authors_parsed item {triple!r}")
            if name := name_from_parts(*triple[:3]):
                names.append(name)
        return names
    return split_authors(_text(data, "authors"))


def _versions(value: Any) -> list[VersionRecord]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedResponse("versions is not a list")
    versions = []
    for item in value:
        if not isinstance(item, dict):
            raise MalformedResponse(f"version item {item!r}")
        label = str(item.get("version", "")).strip().lower()
        if not label.startswith("v") or not label[1:].isdigit():
            raise MalformedResponse(f"version label {label!r}")
        created = item.get("created")
        submitted = _submitted(created) if isinstance(created, str) and created else None
        versions.append(VersionRecord(number=int(label[1:]), submitted_at=submitted))
    return sorted(versions, key=lambda version: version.number)


# A version's date parsed once per distinct text: a batch's papers share their days (and
# versions of a day often their time), and datetimes are immutable, so sharing one is safe.
# Bounded: memory stays flat over all of arXiv. A text that is not a date raises each time
# (lru_cache keeps no exceptions).
_submitted = functools.lru_cache(maxsize=8192)(parse_rfc822)
