"""A bulk import's new papers: rows prepared from records in the reader process, stored by
the writer with a few plain statements.

``prepare()`` runs where the lines are parsed (the snapshot reader, ``snapshot_batches.py``)
and needs no database: it applies what ``papers.writing.save_papers`` would apply to a paper
it does not hold yet (``_known_values``, links checked, links found in the abstract) and turns
the values into database-ready tuples (JSON as text, instants adapted), so the writer only
binds them. ``store()`` runs in the writer, inside the transaction of a batch and its
checkpoint: papers that are stored already (an earlier batch, another source) go through
``save_papers`` and its merge rules; the rest are inserted here.

What is not here: merging into stored papers (``papers/writing.py``), reading the file, the
checkpoint (``snapshot_import.py``).
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

import orjson
from django.db import connection, models, transaction

from dailypapers.papers.models import Author, Authorship, Paper, PaperVersion
from dailypapers.papers.writing import (
    SaveCounts,
    _chunks,
    _fill_found_links,
    _ids_of,
    _known_values,
    _same,
    column_plan,
    save_papers,
)
from dailypapers.sources.records import PaperRecord

TABLE = Paper._meta.db_table
FIELDS = [f for f in Paper._meta.concrete_fields if not f.primary_key]
# The SQLite trigger that logs each inserted paper for the keyword index; a bulk insert logs
# its papers with one statement instead (``_without_insert_trigger``).
INSERT_TRIGGER = "keyword_change_insert"
CHANGES = "search_keyword_change"
LONGEST = Author._meta.get_field("name").max_length or 300  # characters of a name an Author holds


# One paper ready to insert, if it turns out to be new: (arXiv id, the papers-table values in
# ``FIELDS`` order adapted for the database, its authors as Author rows name them (cut to the
# column's length, each once), its versions as (number, submitted_at adapted)). A plain tuple,
# not a dataclass: a batch crosses the reader's queue pickled, and unpickling 2,000 dataclass
# instances cost the writer four times as much as 2,000 tuples (0.27 against 0.07 CPU s per
# 20,000 papers).
NewRow = tuple[str, tuple, list[str], list[tuple[int, Any]]]


@dataclass
class Prepared:
    """A batch's papers: rows for those that are new, and the records themselves (pickled,
    unpickled only when some papers are stored already) for the merge rules, unless the
    writer can read them again from the file (``keep_records=False``)."""

    rows: list[NewRow] = field(default_factory=list)
    records: bytes = b""
    papers: int = 0  # distinct papers in the batch: rows, and those left to save_papers


def prepare(records: Iterable[PaperRecord], keep_records: bool = True) -> Prepared:
    """Rows for ``records`` (the last record of an id in the batch wins, as in
    ``save_papers``). Records naming an organization are left to ``save_papers``, which finds
    or creates it; the snapshot names none. ``keep_records=False``: the records are not
    pickled (a tenth of preparing, and as many bytes again through the queue as the rows):
    the writer reads them again from the file in the rare batch that needs them."""
    merged: dict[str, PaperRecord] = {}
    for record in records:
        merged[record.arxiv_id] = record
    adapt_datetime = _datetime_adapter()
    plan = column_plan(FIELDS, adapt_datetime, _json_text)
    # Most columns are bound as they are: adapt only those that need it.
    defaults = [(name, default) for name, default, _ in plan]
    adapters = [(n, adapt) for n, (_, _, adapt) in enumerate(plan) if adapt is not _same]
    rows = []
    for arxiv_id, record in merged.items():
        if record.organization:
            continue
        values = _known_values(record)
        _fill_found_links(values, None)
        values["arxiv_id"] = arxiv_id
        names = values.get("author_names")
        # As the write path keys authors: a name cut to the Author column, each once a paper.
        authors = list(dict.fromkeys(n[:LONGEST] for n in names)) if isinstance(names, list) else []
        row = [values.get(name, default) for name, default in defaults]
        for column, adapt in adapters:
            row[column] = adapt(row[column])
        versions = [(v.number, adapt_datetime(v.submitted_at)) for v in record.versions]
        rows.append((arxiv_id, tuple(row), authors, versions))
    blob = pickle.dumps(list(merged.values()), pickle.HIGHEST_PROTOCOL) if keep_records else b""
    return Prepared(rows, blob, len(merged))


class AuthorIds:
    """Author ids by name, known to this import from the batches it has committed: a batch
    then inserts and looks up only the names it is the first to bring. Most authorships of
    a large import name an author met before (170k papers: 800k authorships, 274k authors),
    and trying each name's insert and reading its id back was a quarter of the writer's time.

    Ids enter the cache only when their batch commits (``transaction.on_commit``), so a batch
    rolled back leaves none of its ids behind. Authors are never deleted by the site's code;
    one deleted by hand meanwhile (the admin) makes the batch's commit fail on its foreign
    key, and ``import_snapshot`` then clears the cache and stores the batch again. At most
    ``MOST`` names are kept (about 100 bytes each), then the cache starts afresh: memory
    stays bounded on all of arXiv."""

    MOST = 400_000

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def clear(self) -> None:
        self.ids = {}

    def learn(self, ids: dict[str, int]) -> None:
        if len(self.ids) + len(ids) > self.MOST:
            self.ids = {}
        self.ids.update(ids)


def store(
    prepared: Prepared,
    authors: AuthorIds | None = None,
    records: Callable[[], Iterable[PaperRecord]] | None = None,
) -> SaveCounts:
    """Insert the new papers of a batch, merge the others; inside the caller's transaction.
    ``authors``: the import's cache of author ids (none: every name is looked up).
    ``records``: the batch's records read again, for a batch prepared without them."""
    stored = _stored_ids([arxiv_id for arxiv_id, *_ in prepared.rows])
    new = [row for row in prepared.rows if row[0] not in stored]
    fresh = {arxiv_id for arxiv_id, *_ in new}
    counts = SaveCounts()
    if len(fresh) < prepared.papers:
        if prepared.records or records is None:
            merged: Iterable[PaperRecord] = pickle.loads(prepared.records)
        else:
            merged = records()
        counts = save_papers(r for r in merged if r.arxiv_id not in fresh)
    if new:
        _insert(new, authors or AuthorIds())
        counts.created += len(new)
    return counts


def _stored_ids(arxiv_ids: list[str]) -> set[str]:
    stored: set[str] = set()
    with connection.cursor() as cursor:
        for chunk in _chunks(arxiv_ids):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT arxiv_id FROM {TABLE} WHERE arxiv_id IN ({marks})", chunk)
            stored.update(arxiv_id for (arxiv_id,) in cursor.fetchall())
    return stored


def _insert(new: list[NewRow], known: AuthorIds) -> None:
    ops = connection.ops
    columns = ", ".join(ops.quote_name(f.column or f.attname) for f in FIELDS)
    # JSON travels as text (encoded in the reader); PostgreSQL casts it to jsonb.
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    placeholders = ", ".join(
        f"%s{cast}" if isinstance(f, models.JSONField) else "%s" for f in FIELDS
    )
    with _without_insert_trigger(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} ({columns}) VALUES ({placeholders})",
            [row for _, row, _, _ in new],
        )
    ids = _ids_of("id", TABLE, [arxiv_id for arxiv_id, *_ in new], "arxiv_id")
    cached = known.ids
    names = list({name for _, _, authors, _ in new for name in authors if name not in cached})
    with connection.cursor() as cursor:
        _insert_many(cursor, Author._meta.db_table, ["name"], [(name,) for name in names], "name")
        found = _ids_of("id", Author._meta.db_table, names, "name")
        transaction.on_commit(partial(known.learn, found))
        known_id = cached.get  # most names: one lookup (ids start at 1, never 0)
        # New papers have no authorships to replace: plain inserts. Per paper, its author ids
        # in order (a C-level map over the cache for most papers).
        authorships = []
        for arxiv_id, _, authors, _ in new:
            author_ids: list[Any] = list(map(known_id, authors))  # None: not cached
            if None in author_ids:  # names this batch is the first to bring
                author_ids = [i or found[n] for i, n in zip(author_ids, authors, strict=True)]
            authorships.append((ids[arxiv_id], author_ids))
        _insert_authorships(cursor, authorships)
        versions = [(ids[arxiv_id], n, at) for arxiv_id, _, _, dated in new for n, at in dated]
        table = PaperVersion._meta.db_table
        _insert_many(
            cursor, table, ["paper_id", "number", "submitted_at"], versions, "paper_id, number"
        )


def _insert_authorships(cursor: Any, papers: list[tuple[int, list[int]]]) -> None:
    """Authorships of (paper id, its author ids in order); the position is the index. On
    SQLite, one statement from one JSON text of the pairs (``_insert_many``'s reason): a
    tuple per authorship (800k for 170k papers) cost the writer more than the pairs."""
    table = Authorship._meta.db_table
    if connection.vendor != "sqlite":
        rows = [(paper, author, n) for paper, authors in papers for n, author in enumerate(authors)]
        _insert_many(cursor, table, ["paper_id", "author_id", "position"], rows)
        return
    if papers:
        # The inner json_each reads its paper's list, so papers come in order, each one's
        # authors in order; ``key`` is an author's index in the list: its position.
        cursor.execute(
            f"INSERT INTO {table} (paper_id, author_id, position) "
            "SELECT json_extract(paper.value, '$[0]'), author.value, author.key "
            "FROM json_each(%s) AS paper, json_each(json_extract(paper.value, '$[1]')) AS author",
            [orjson.dumps(papers).decode()],
        )


def _insert_many(
    cursor: Any, table: str, columns: list[str], rows: list[tuple], conflict: str = ""
) -> None:
    """Insert ``rows`` (ints, strings, None), skipping those that hit the unique ``conflict``
    columns. On SQLite, one ``INSERT ... SELECT`` from the rows as one JSON text: a statement
    executed per row opens the table's and each index's cursor again per row, and the
    authorships (800k for 170k papers) took 20% longer that way. ``json_extract`` gives back
    what was bound: an int as INTEGER, a string as TEXT, null as NULL (it, not ``->>``, so
    that SQLite older than 3.38 runs it too)."""
    if not rows:
        return
    names = ", ".join(columns)
    skip = f" ON CONFLICT ({conflict}) DO NOTHING" if conflict else ""
    if connection.vendor == "sqlite":
        values = ", ".join(f"json_extract(value, '$[{n}]')" for n in range(len(columns)))
        # "WHERE true": without it, SQLite would read ON CONFLICT as part of the SELECT.
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {values} FROM json_each(%s) WHERE true{skip}",
            [orjson.dumps(rows).decode()],
        )
        return
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}){skip}", rows)


class _without_insert_trigger:
    """On SQLite, drop the keyword change-log trigger for the inserts of a batch, log the new
    papers with one ``INSERT ... SELECT``, and create the trigger again: all inside the
    batch's transaction. Why it is safe: the transaction holds SQLite's write lock from the
    DROP to the commit, so no other connection writes a paper while the trigger is gone, and
    readers see the schema of the last commit, which has it; a kill at any point rolls the
    DROP back with the rest (DDL is transactional in SQLite). Elsewhere, a no-op."""

    def __enter__(self) -> None:
        self.trigger_sql: str | None = None
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                [INSERT_TRIGGER],
            )
            found = cursor.fetchone()
            if found is None:  # a database without the keyword change log
                return
            self.trigger_sql = found[0]
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {TABLE}")
            self.before = cursor.fetchone()[0]
            cursor.execute(f"DROP TRIGGER {INSERT_TRIGGER}")

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        if self.trigger_sql is None or error is not None:
            return  # an error rolls the whole transaction back, the DROP with it
        with connection.cursor() as cursor:
            # Ids only grow (AUTOINCREMENT) and this transaction is the only writer: every id
            # above the old maximum is a paper just inserted.
            cursor.execute(
                f"INSERT INTO {CHANGES}(paper_id) SELECT id FROM {TABLE} WHERE id > %s ORDER BY id",
                [self.before],
            )
            cursor.execute(self.trigger_sql)


def _datetime_adapter() -> Callable[[Any], Any]:
    # The same instants recur (a paper's first version is its published_at): adapt each once.
    cache: dict[Any, Any] = {}
    adapt = connection.ops.adapt_datetimefield_value

    def adapted(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            cache[value] = result = adapt(value)
            return result

    return adapted


def _json_text(value: Any, encoder: Any) -> Any:
    # The text JSONField itself stores (``json.dumps`` as ``adapt_json_value`` calls it), so
    # rows read the same whichever path wrote them. A list of strings (authors, categories:
    # nearly every value here) is that text put together directly, with json's own C string
    # encoder: json.dumps built an encoder object per value, a sixth of preparing a row.
    if value is None:
        return None
    if type(value) is list and all(type(item) is str for item in value):
        return "[" + ", ".join(map(encode_basestring_ascii, value)) + "]"
    return json.dumps(value, cls=encoder)
