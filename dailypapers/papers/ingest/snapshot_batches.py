"""The snapshot's papers in batches, each with the position after it: parsed in this process,
or in a second one while this one writes the previous batch (``in_child=True``).

Reading, parsing and preparing rows cost about as much as writing them; on two cores the two
overlap. The child reads, parses (``sources.arxiv.snapshot``) and prepares the rows of new
papers (``new_papers.prepare``), with no database access; the batches come back through a
bounded queue (two batches ahead at most, so memory stays flat), in order, with the report's
counts. Storing a batch and its position stays the parent's, in one transaction, so resuming
after a crash is what it was with one process.

The child never outlives the import: the parent ends it when it stops (an error, Ctrl-C), and
a child whose parent was killed (kill -9) notices within a second and exits.

What is not here: storing, checkpoints, progress bars (``snapshot_import.py``).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dailypapers.papers.ingest.new_papers import Prepared, prepare
from dailypapers.sources.arxiv.snapshot import (
    SnapshotPosition,
    SnapshotProblem,
    SnapshotReport,
    read_snapshot,
)
from dailypapers.sources.records import PaperRecord

AHEAD = 2  # batches the child may parse ahead of the writer
POLL = 1.0  # seconds between checks that the other process is still there


@dataclass
class Batch:
    papers: Prepared  # rows made ready in the reader (``new_papers.prepare``)
    position: SnapshotPosition  # where the line after this batch starts
    last: bool = False  # the end of the file: position is the end, papers may be empty
    records: int = 0  # the records read (before duplicates in the batch are merged)
    # Where this batch's first line starts.
    start: SnapshotPosition = field(default_factory=SnapshotPosition)


def keeps_records(path: Path) -> bool:
    """Whether a batch carries its records (pickled) for the merge rules. A plain file's
    batch does not: the writer reads its lines again (``records_of``) when some of its
    papers turn out to be stored. A gzip stream cannot seek, and reading it again from the
    start for each batch of a second run would take time quadratic in the file's size."""
    return path.suffix == ".gz"


def records_of(path: Path, categories: list[str] | None, batch: Batch) -> list[PaperRecord]:
    """The records of ``batch``, read again from its lines (a plain file)."""
    papers = []
    entries = read_snapshot(
        path, categories=categories, start_at=batch.start, report=SnapshotReport()
    )
    for entry in entries:
        if entry.line >= batch.position.line:
            break
        papers.append(entry.paper)
    entries.close()
    return papers


def batches(
    path: Path,
    *,
    categories: list[str] | None,
    start: SnapshotPosition,
    size: int,
    report: SnapshotReport,
    in_child: bool,
) -> Generator[Batch, None, None]:
    """Batches of ``size`` papers from ``start``; ``report`` is kept up to date as each batch
    arrives. The last batch (``last=True``) holds the end position."""
    if in_child:
        yield from _from_child(path, categories, start, size, report)
    else:
        yield from _read(path, categories, start, size, report)


def _read(
    path: Path,
    categories: Iterable[str] | None,
    start: SnapshotPosition,
    size: int,
    report: SnapshotReport,
) -> Iterator[Batch]:
    papers: list[PaperRecord] = []
    keep = keeps_records(path)
    for entry in read_snapshot(path, categories=categories, start_at=start, report=report):
        papers.append(entry.paper)
        if len(papers) >= size:
            yield Batch(
                prepare(papers, keep), entry.next_position, records=len(papers), start=start
            )
            papers, start = [], entry.next_position
    # Lines after the last paper (filtered out or malformed) are read too: the end.
    yield Batch(prepare(papers, keep), report.position, True, len(papers), start)


# What the child sends: a batch with the report's counts and new problems, or an error.
Message = tuple[str, object]


def _from_child(
    path: Path,
    categories: list[str] | None,
    start: SnapshotPosition,
    size: int,
    report: SnapshotReport,
) -> Iterator[Batch]:
    # fork: the child inherits the loaded code (no re-import of Django), and touches nothing
    # of the parent's but the file it opens itself.
    context = multiprocessing.get_context("fork")
    messages: multiprocessing.Queue[Message] = context.Queue(AHEAD)
    child = context.Process(
        target=_child,
        args=(messages, os.getpid(), path, categories, start, size),
        name="snapshot-reader",
        daemon=True,
    )
    child.start()
    try:
        while True:
            try:
                kind, content = messages.get(timeout=POLL)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(
                        f"the snapshot reader stopped unexpectedly (exit code {child.exitcode})"
                    ) from None
                continue
            if kind == "error":
                raise RuntimeError(f"reading the snapshot failed: {content}")
            assert isinstance(content, tuple)
            batch, counts, problems = content
            _update(report, counts, problems)
            report.position = batch.position
            yield batch
            if batch.last:
                break
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
        messages.close()


def _child(
    messages: multiprocessing.Queue[Message],
    parent: int,
    path: Path,
    categories: list[str] | None,
    start: SnapshotPosition,
    size: int,
) -> None:
    report = SnapshotReport()
    sent_problems = 0
    try:
        for batch in _read(path, categories, start, size, report):
            counts = (report.lines_read, report.papers, report.filtered_out, report.malformed)
            problems = report.problems[sent_problems:]
            sent_problems = len(report.problems)
            if not _put(messages, ("batch", (batch, counts, problems)), parent):
                return
    except Exception as error:  # the parent raises it with its message
        _put(messages, ("error", f"{type(error).__name__}: {error}"), parent)


def _put(messages: multiprocessing.Queue[Message], message: Message, parent: int) -> bool:
    """Send when the queue has room; False when the parent is gone (killed) meanwhile."""
    while True:
        try:
            messages.put(message, timeout=POLL)
            return True
        except queue.Full:
            if os.getppid() != parent:
                return False


def _update(
    report: SnapshotReport, counts: tuple[int, int, int, int], problems: list[SnapshotProblem]
) -> None:
    report.lines_read, report.papers, report.filtered_out, malformed = counts
    for problem in problems:
        report.record_problem(problem)
    report.malformed = malformed
