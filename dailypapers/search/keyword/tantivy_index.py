"""The tantivy keyword index of a SQLite install: a folder beside the database, kept in step.

The papers table is the truth; the index is derived from it and can always be rebuilt
(``dailypapers reindex``). Hidden papers are left out of it, so that a search needs no
clause to leave them out (an index built before that holds them, flagged ``hidden``, until
it is rebuilt: ``tantivy_search`` then leaves them out by that flag). Database triggers
(migration ``search/0004_tantivy``) write the id of every paper inserted, deleted or changed
in an indexed column to ``search_keyword_change``; ``catch_up()`` re-indexes those papers
and deletes the rows it applied, so a write is searchable on the next search in any
process. Re-indexing a paper twice does no harm (delete by id, then add), which is what makes
a crash between the index commit and the deletion of the rows safe.

One process at a time may write (tantivy's lock file); a process that finds the lock taken
searches the last committed index rather than wait. Readers in every process re-open the
index when its ``meta.json`` changes. An index folder that was never finished (no
``complete`` marker), or that is ahead of the database (restored from a backup), is rebuilt
from the papers table before it is used.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import orjson
import tantivy
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from dailypapers.papers.models import Paper

log = logging.getLogger(__name__)

# Bump when the schema or the analyzers change: a new version lives in its own folder and is
# built from the papers table on first use.
SCHEMA_VERSION = 1
# The text columns searched, with their weights: each column's bm25 (with the column's own
# document frequencies) times its weight, summed. Title highest; the values are the best of a
# grid on the CACM dev judgments (docs/search.md): FTS5's 10/4/1 gave nDCG@10 0.398 here.
TEXT_FIELDS = {"title": 2.0, "author_names": 1.5, "abstract": 1.0}
ANALYZER = "en"  # split on non-alphanumerics, lowercase, fold accents, English stemming
PREFIX_ANALYZER = "en_prefix"  # the same without stemming, for "transfo*"
CHANGES = "search_keyword_change"
BATCH = 10_000  # changes applied per index commit
# A backlog of at least this many changes (a bulk import's) is applied in one pass, with the
# rebuild's larger writer: one commit instead of one per BATCH, and twice the indexing threads.
BULK = 50_000
# A search applies at most about this many pending changes first (one commit): a bulk
# import's backlog is the importing command's to apply, not a visitor's to wait for.
SEARCH_BATCH = 2_000


def _analyzer(stem: bool) -> tantivy.TextAnalyzer:
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    builder = builder.filter(tantivy.Filter.remove_long(40)).filter(tantivy.Filter.lowercase())
    builder = builder.filter(tantivy.Filter.ascii_fold())
    if stem:
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


ANALYZERS = {ANALYZER: _analyzer(stem=True), PREFIX_ANALYZER: _analyzer(stem=False)}


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", indexed=True, fast=True)
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=ANALYZER, index_option="position")
    # What search filters narrow by (filters.py), so a filtered search is one index query.
    builder.add_integer_field("hidden", indexed=True)
    builder.add_integer_field("published", indexed=True, fast=True)  # days since 1970-01-01
    builder.add_text_field("categories", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("organization", indexed=True)
    builder.add_integer_field("has_code", indexed=True)
    return builder.build()


SCHEMA = _schema()
EPOCH = dt.date(1970, 1, 1)
COLUMNS = (
    "id",
    "title",
    "author_names",
    "abstract",
    "hidden",
    "published_at",
    "categories",
    "organization_id",
    "github_repo",
)


# The papers the index holds. Hidden ones are left out, so that no search pays for a clause
# leaving them out: 10-12% of the CPU time of a long question's search at 1M papers, where every
# match is scored (docs/search.md, "How big one machine goes").
VISIBLE = "NOT hidden"


def rows(where: str = "", params: Sequence[int] = ()) -> Iterator[tuple]:
    """The papers-table rows (``COLUMNS``, as SQLite returns them) that ``where`` selects, by
    id. Plain SQL: the ORM's converters (JSON, time zones) took half of a rebuild's time."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)} FROM {Paper._meta.db_table} {where} ORDER BY id", params
        )
        while chunk := cursor.fetchmany(1000):
            yield from chunk


def document(row: tuple, zone: dt.tzinfo) -> tantivy.Document:
    """The index document of one papers-table row (``rows()``); ``zone`` is the current time
    zone (``timezone.get_current_timezone()``, looked up once by the caller)."""
    paper_id, title, authors, abstract, hidden, published, categories, organization, code = row
    fields: dict = {
        "id": paper_id,
        "title": title,
        "author_names": ", ".join(orjson.loads(authors) or []),
        "abstract": abstract,
        "hidden": int(hidden),
        "categories": [c.lower() for c in orjson.loads(categories) or []],
        "has_code": int(bool(code)),
    }
    if published is not None:
        # The day as Django's published_at__date filter sees it (the current time zone);
        # SQLite holds the time in UTC, without its zone.
        day = published.replace(tzinfo=dt.UTC).astimezone(zone).date()
        fields["published"] = (day - EPOCH).days
    if organization is not None:
        fields["organization"] = organization
    return tantivy.Document(**fields)


def directory() -> Path:
    return Path(settings.SEARCH_INDEX_DIR) / f"keyword-v{SCHEMA_VERSION}"


def _log_state() -> tuple[int, bool]:
    """The number of the newest change ever logged (AUTOINCREMENT's counter, 0 if none), and
    whether changes are pending: one query, made before every search."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"EXISTS (SELECT 1 FROM {CHANGES})",
            [CHANGES],
        )
        last, pending = cursor.fetchone()
    return last, bool(pending)


# The writer of a rebuild or a bulk catch-up: tantivy's memory budget (bytes, shared by its
# threads) and indexing threads, one per core up to two.
BULK_WRITER = (256_000_000, min(2, os.cpu_count() or 1))


class IndexBusy(RuntimeError):
    pass


class KeywordIndex:
    """One index folder, opened once per process (``get()``)."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
        for name, analyzer in ANALYZERS.items():
            self.index.register_tokenizer(name, analyzer)
        self.lock = threading.Lock()
        self.seen_meta: float | None = None
        self.marker_stamp: int | None = None
        self.marker_applied = 0

    def _applied(self) -> int | None:
        """The last change number the folder applied (its ``complete`` marker), or None when
        it was never completed. Read again only when the marker changes."""
        marker = self.path / "complete"
        try:
            stamp = marker.stat().st_mtime_ns
            if stamp != self.marker_stamp:
                self.marker_applied = int(json.loads(marker.read_text())["applied"])
                self.marker_stamp = stamp
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return self.marker_applied

    @property
    def complete(self) -> bool:
        """Whether the folder was built, and still follows this database. The marker holds
        the last change number applied; a database restored from a backup taken before it
        has a lower counter (numbers only grow), and its index must be built anew."""
        applied = self._applied()
        return applied is not None and applied <= _log_state()[0]

    def _mark(self, applied: int, papers: int | None = None) -> None:
        """Record the last change applied (atomically: a reader never sees half a marker)."""
        marker = self.path / "complete"
        state: dict[str, int | None] = {"applied": applied, "schema": SCHEMA_VERSION}
        if papers is None and marker.exists():
            papers = json.loads(marker.read_text()).get("papers")
        state["papers"] = papers
        temporary = marker.with_suffix(".tmp")
        temporary.write_text(json.dumps(state))
        os.replace(temporary, marker)

    def searcher(self) -> tantivy.Searcher:
        """A searcher over the index with the pending changes applied (up to ``SEARCH_BATCH``
        of them, when this process can take the writer lock; otherwise the last commit)."""
        self.catch_up(most=SEARCH_BATCH)
        meta = (self.path / "meta.json").stat().st_mtime
        if meta != self.seen_meta:
            self.index.reload()
            self.seen_meta = meta
        return self.index.searcher()

    def _writer(self, heap: int = 64_000_000, threads: int = 1) -> tantivy.IndexWriter | None:
        try:
            return self.index.writer(heap, threads)
        except ValueError as error:  # LockBusy: another process is writing
            log.debug("keyword index busy: %s", error)
            return None

    def catch_up(self, most: int | None = None, one_pass: bool = False) -> int:
        """Apply the pending changes, or ``most`` of them (or build the index if it was never
        finished); returns how many papers were re-indexed. Another thread or process already
        writing is left to it. A backlog of ``BULK`` changes or more (after a bulk import) is
        applied in one pass when no limit is given; ``one_pass``: whatever the backlog (the
        last pass of the indexer beside an import)."""
        last, pending = _log_state()
        applied = self._applied()
        if applied is None or applied > last:
            return self.rebuild(wait=False)
        if not pending:
            return 0
        if not self.lock.acquire(blocking=False):
            return 0
        try:
            backlog = self._backlog() if most is None else 0
            bulk = backlog >= BULK or (one_pass and most is None)
            writer = self._writer(*BULK_WRITER) if bulk else self._writer()
            if writer is None:
                return 0
            done = 0
            step = backlog if bulk else min(BATCH, most or BATCH)
            try:
                while most is None or done < most:
                    if not (changed := self._apply_some(writer, step)):
                        break
                    done += changed
                # Merge the small segments each catch-up leaves (quick for small ones), so
                # searches do not slow down as segments pile up.
                writer.wait_merging_threads()
            finally:
                del writer  # releases tantivy's lock file
            return done
        finally:
            self.lock.release()

    @staticmethod
    def _backlog() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {CHANGES}")
            return cursor.fetchone()[0]

    def _top_id(self) -> int:
        """The highest paper id in the last commit of the index (0 when empty). The caller
        holds the writer, so no commit can come between this and its own."""
        self.index.reload()
        hits = self.index.searcher().search(tantivy.Query.all_query(), 1, False, "id").hits
        return int(hits[0][0]) if hits else 0

    def _apply_some(self, writer: tantivy.IndexWriter, batch: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT max(seq), count(DISTINCT paper_id) FROM "
                f"(SELECT seq, paper_id FROM {CHANGES} ORDER BY seq LIMIT %s)",
                [batch],
            )
            last, changed = cursor.fetchone()
        if last is None:
            return 0
        # Rows are numbered in commit order (AUTOINCREMENT), so none below the last one read
        # can appear later; a change made since was numbered after it and stays pending.
        changes = f"SELECT paper_id FROM {CHANGES} WHERE seq <= %s"
        # A paper above the highest id the committed index holds was never indexed (ids only
        # grow: AUTOINCREMENT), so there is nothing of it to delete; a bulk import's papers are
        # nearly all such. Looked up for large passes only (a search over every document).
        top = self._top_id() if batch >= BATCH else None
        with connection.cursor() as cursor:
            cursor.execute(f"{changes} GROUP BY paper_id", [last])
            for (paper_id,) in cursor:
                if top is None or paper_id <= top:
                    writer.delete_documents_by_term("id", paper_id)
        zone = timezone.get_current_timezone()
        for row in rows(f"WHERE id IN ({changes}) AND {VISIBLE}", [last]):
            writer.add_document(document(row, zone))
        writer.commit()
        self._mark(last)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {CHANGES} WHERE seq <= %s", [last])
        return changed

    def rebuild(self, progress: Callable[[Iterable], Iterable] | None = None, wait=True) -> int:
        """Index every paper anew. Changes made meanwhile stay pending and are applied next.
        If another process is writing the index, raises ``IndexBusy`` (or with ``wait=False``
        returns 0 and leaves the work to that process)."""
        with self.lock:
            if not wait and self.complete:  # another thread built it meanwhile
                return 0
            writer = self._writer(*BULK_WRITER)
            if writer is None:
                if not wait:
                    return 0
                raise IndexBusy(f"another process is writing the keyword index {self.path}")
            try:
                last = _log_state()[0]
                writer.delete_all_documents()
                zone = timezone.get_current_timezone()
                count = 0
                papers = rows(f"WHERE {VISIBLE}")
                for row in progress(papers) if progress else papers:
                    writer.add_document(document(row, zone))
                    count += 1
                writer.commit()
                writer.wait_merging_threads()
            finally:
                del writer
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {CHANGES} WHERE seq <= %s", [last])
            self._mark(last, papers=count)
            return count


@functools.lru_cache(maxsize=4)
def _open(path: str) -> KeywordIndex:
    return KeywordIndex(Path(path))


def get() -> KeywordIndex:
    """This process's index for the configured folder."""
    return _open(str(directory()))


# Papers whose columns' lengths stand for all (bm25's average length per column), and how
# long a process keeps the figure: averages over a few thousand papers barely move.
LENGTH_SAMPLE = 2000
LENGTH_SECONDS = 3600.0
_lengths_lock = threading.Lock()
_lengths: tuple[float, dict[str, float]] | None = None


def average_lengths() -> dict[str, float]:
    """The average number of tokens of each text column over the newest papers, as bm25
    normalises by (tantivy keeps its own, but does not expose them)."""
    global _lengths
    with _lengths_lock:
        if _lengths is None or time.monotonic() - _lengths[0] > LENGTH_SECONDS:
            rows = Paper.objects.order_by("-id").values_list("title", "author_names", "abstract")
            totals = dict.fromkeys(TEXT_FIELDS, 0)
            count = 0
            analyze = ANALYZERS[ANALYZER].analyze
            for title, authors, abstract in rows[:LENGTH_SAMPLE].iterator():
                totals["title"] += len(analyze(title))
                totals["author_names"] += len(analyze(", ".join(authors or [])))
                totals["abstract"] += len(analyze(abstract))
                count += 1
            averages = {field: max(total / max(count, 1), 1.0) for field, total in totals.items()}
            _lengths = (time.monotonic(), averages)
        return _lengths[1]


def forget_average_lengths() -> None:
    """Count the columns' lengths afresh at the next ranking (tests, after a large import)."""
    global _lengths
    with _lengths_lock:
        _lengths = None
