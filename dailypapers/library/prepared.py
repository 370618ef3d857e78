"""What "For you" reuses between requests, kept in each process: a period's candidate papers
(authors, categories, vectors, author index) and a reader's library (ids, vectors, author
counts). ``foryou.py`` asks for both on every request; here they are built once per change.

Why per process and not in Django's cache: the vectors they hold (a 500-paper library is
0.5 MB, a week of candidates 1 MB) would be pickled on every get, and the vector index they
come from is per process already (``search.vectors``). Nothing here is shared between
readers except the period's candidates, which are the same public papers for everyone.

How each stays true without being told of changes (bulk ingests and imports send no
signals):

- **A period's candidates**: every request reads the period's rows without their JSON
  columns (ids, votes, days, ``modified``, organizations: about 3 ms for a week at 170k
  papers); the heavy part (author lists, categories, vectors, the author index) is rebuilt
  when any of those ids or ``modified`` stamps differ, or after ``PERIOD_SECONDS``. Votes and
  days are always the fresh ones.
- **A reader's library**: keyed by its list of paper ids, which every request reads anyway
  (``members.reader_papers``, one statement): any addition or removal changes the list.
- **Vectors not computed yet** (a paper embedded after it was cached) are asked of the index
  again on every use, so a paper's vector counts as soon as it exists. Everything is keyed by
  the serving model's name, not by the index object: on PostgreSQL ``vectors.index()`` makes
  a new one every call, and a model's vector of a paper never changes under the same name.

Not here: ranking (``ranking.py``), reasons and pages (``foryou.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.db import connections
from django.db.models import CharField, Value
from django.db.models.functions import Cast

from dailypapers.lib.dates import Period
from dailypapers.library.ranking import AuthorIndex, closeness, library_authors
from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.search import vectors

# A period's author lists and vectors are rebuilt at least this often even when no stamp
# moved (an UPDATE that bypassed ``modified``); each rebuild costs about 15 ms for a week.
PERIOD_SECONDS = 300
PERIODS_KEPT = 16
# About 0.5-1 MB each (their vectors): a few dozen readers active at once per process.
LIBRARIES_KEPT = 64

_lock = threading.Lock()


@dataclass
class PeriodRows:
    """The period's visible papers, ordered by id: the light columns, read on every request."""

    ids: np.ndarray  # int64, ascending
    votes: np.ndarray  # int64
    days: list[dt.date | None]
    organizations: list[set[str]]
    stamp: str  # a digest of the ids and their ``modified``: what the heavy part depends on


@dataclass
class PeriodDetails:
    """The heavy part of a period's candidates, by the same positions as ``PeriodRows``."""

    stamp: str
    built: float
    author_names: list[list[str]]
    categories: list[list[str]]
    primary_categories: list[str]
    matrix: np.ndarray  # (n, dim) float32, a zero row where a paper has no vector yet
    missing: list[int]  # positions of those zero rows
    authors: AuthorIndex
    in_category: dict[str, list[int]]  # positions of the papers of each category
    # The paper ids each followed search matches among these papers, by the search's text:
    # kept with the rest, as the papers' text is what their stamps vouch for.
    searches: dict[str, frozenset[int]] = field(default_factory=dict)


@dataclass
class LibraryProfile:
    """A reader's library as the ranking needs it, newest additions first."""

    ids: list[int]
    matrix: np.ndarray  # (len(ids), dim) float32
    missing: list[int]
    authors: Counter[str]
    # Closeness to a period's candidates and their library-author affinity, which depend on
    # nothing else (``derived``): a reader's next page, or the same page again, reuses them.
    derived: OrderedDict[tuple, tuple] = field(default_factory=OrderedDict)


_periods: OrderedDict[tuple, PeriodDetails] = OrderedDict()
_libraries: OrderedDict[tuple, LibraryProfile] = OrderedDict()
_rows: dict[tuple, tuple[float, PeriodRows]] = {}


def forget() -> None:
    """Drop everything kept (tests; after a change of embedding model)."""
    with _lock:
        _periods.clear()
        _libraries.clear()
        _rows.clear()


def period_rows(period: Period, max_age: float = 0) -> PeriodRows:
    """The papers of a period: announced by arXiv in it, or on one of its daily lists (or,
    for a paper with no announcement day, published in it); hidden and withdrawn ones never.

    Read anew on every call, unless ``max_age`` seconds allow the rows read by an earlier
    call: the digests, which compose thousands of mails for one period in a few minutes
    (as their topics' matches are kept, ``digests.compose``), not the site's pages."""
    key = (period.kind, period.first, period.last)
    if max_age > 0:
        with _lock:
            kept = _rows.get(key)
        if kept is not None and time.monotonic() - kept[0] < max_age:
            return kept[1]
    rows = _read_rows(period)
    if max_age > 0:
        with _lock:
            if len(_rows) > PERIODS_KEPT:
                _rows.clear()
            _rows[key] = (time.monotonic(), rows)
    return rows


def _read_rows(period: Period) -> PeriodRows:
    listed = DailyEntry.objects.filter(date__gte=period.first, date__lte=period.last)
    entry_orgs: dict[int, set[str]] = {}
    for paper_id, org in _fetch(listed.values_list("paper_id", "organization__name")):
        entry_orgs.setdefault(paper_id, set())
        if org:
            entry_orgs[paper_id].add(org)
    start = dt.datetime.combine(period.first, dt.time(), dt.UTC)
    end = dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time(), dt.UTC)
    # Three indexed lookups, not one OR: SQLite answers an OR across columns by reading the
    # whole papers table (0.6 s at 170k papers). "No announcement day" is checked here, not in
    # SQL, where it made SQLite pick the announced_on index and read every unannounced row.
    # The three go in one statement (UNION ALL), each row saying which part it came from.
    visible = Paper.objects.filter(hidden=False, withdrawn_at__isnull=True).order_by()
    # The two stamps are read as text: converting 2,000 datetimes cost more than the rest of
    # the query (cProfile, a week at 170k papers). Only the date part of ``published_at`` is
    # used, and ``modified`` is compared, never read as a time.
    columns = (
        "id",
        "upstream_upvotes",
        "upvote_count",
        "announced_on",
        Cast("published_at", output_field=CharField()),
        Cast("modified", output_field=CharField()),
        "organization__name",
        "unannounced_only",
    )
    parts = [
        visible.filter(announced_on__gte=period.first, announced_on__lte=period.last)
        .annotate(unannounced_only=Value(False))
        .values_list(*columns),
        visible.filter(id__in=listed.values("paper_id"))
        .annotate(unannounced_only=Value(False))
        .values_list(*columns),
        visible.filter(published_at__gte=start, published_at__lt=end)
        .annotate(unannounced_only=Value(True))
        .values_list(*columns),
    ]
    rows = {}
    for row in _fetch(parts[0].union(*parts[1:], all=True)):
        if not (row[7] and row[3] is not None):
            rows[row[0]] = row
    ordered = [rows[pk] for pk in sorted(rows)]
    digest = hashlib.blake2b(digest_size=16)
    days: list[dt.date | None] = []
    organizations = []
    for pk, _upstream, _ours, announced, published_text, modified_text, org, _ in ordered:
        digest.update(f"{pk}:{modified_text};".encode())
        day = announced or published_text
        days.append(day if isinstance(day, dt.date) else _date_of(day) if day else None)
        orgs = set(entry_orgs.get(pk, ()))
        if org:
            orgs.add(org)
        organizations.append(orgs)
    return PeriodRows(
        np.array([row[0] for row in ordered], dtype=np.int64),
        np.array([row[1] + row[2] for row in ordered], dtype=np.int64),
        days,
        organizations,
        digest.hexdigest(),
    )


def _fetch(queryset) -> list[tuple]:
    """The rows of ``queryset`` as the database driver gives them, without Django's
    converter calls on every value (a third of reading a week's rows, cProfile): a date
    comes as text on SQLite and as a date on PostgreSQL, which ``_read_rows`` takes both."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _date_of(text: str) -> dt.date:
    """The UTC day of a stored timestamp as SQLite ("2026-05-20 12:00:00") or PostgreSQL
    ("2026-05-20 12:00:00+00", the session's time zone being UTC) print it; or of a stored
    date as SQLite gives it unconverted ("2026-05-20")."""
    return dt.date.fromisoformat(text[:10])


def period_details(period: Period, rows: PeriodRows) -> PeriodDetails:
    """The author lists, categories, vectors and author index of ``rows``, kept while its
    stamp holds (see the module's docstring)."""
    index = vectors.index()
    key = (period.kind, period.first, period.last, index.model)
    with _lock:
        kept = _periods.get(key)
    if (
        kept is not None
        and kept.stamp == rows.stamp
        and time.monotonic() - kept.built < PERIOD_SECONDS
    ):
        kept.missing = _fill_missing(kept.matrix, kept.missing, rows.ids.tolist(), index)
        return kept
    ids = rows.ids.tolist()
    by_id = {
        pk: (authors or [], categories or [], primary)
        for pk, authors, categories, primary in Paper.objects.filter(pk__in=ids).values_list(
            "id", "author_names", "categories", "primary_category"
        )
    }
    author_names = [by_id.get(pk, ([], [], ""))[0] for pk in ids]
    categories = [by_id.get(pk, ([], [], ""))[1] for pk in ids]
    in_category: dict[str, list[int]] = {}
    for position, names in enumerate(categories):
        for name in set(names):
            in_category.setdefault(name, []).append(position)
    matrix, missing = matrix_of(ids, index)
    details = PeriodDetails(
        rows.stamp,
        time.monotonic(),
        author_names,
        categories,
        [by_id.get(pk, ([], [], ""))[2] for pk in ids],
        matrix,
        missing,
        AuthorIndex(author_names),
        in_category,
    )
    with _lock:
        _periods[key] = details
        _periods.move_to_end(key)
        while len(_periods) > PERIODS_KEPT:
            _periods.popitem(last=False)
    return details


def library_profile(user, ids: list[int]) -> LibraryProfile:
    """The vectors and author counts of ``user``'s library papers ``ids`` (as
    ``members.reader_papers`` lists them), rebuilt only when that list changes."""
    index = vectors.index()
    digest = hashlib.blake2b(np.asarray(ids, dtype=np.int64).tobytes(), digest_size=16)
    key = (user.pk, index.model, digest.hexdigest())
    with _lock:
        kept = _libraries.get(key)
        if kept is not None:
            _libraries.move_to_end(key)
    if kept is not None:
        kept.missing = _fill_missing(kept.matrix, kept.missing, kept.ids, index)
        return kept
    matrix, missing = matrix_of(ids, index)
    authors = library_authors(
        list(Paper.objects.filter(pk__in=ids).values_list("author_names", flat=True))
    )
    profile = LibraryProfile(list(ids), matrix, missing, authors)
    with _lock:
        _libraries[key] = profile
        while len(_libraries) > LIBRARIES_KEPT:
            _libraries.popitem(last=False)
    return profile


def matrix_of(ids: list[int], index=None) -> tuple[np.ndarray, list[int]]:
    """The site's vectors of these papers, a zero row where a paper has none yet, and the
    positions of those rows."""
    found = (index or vectors.index()).vectors_of(ids)
    dim = next((len(v) for v in found.values()), 0) or _dimensions()
    matrix = np.zeros((len(ids), dim), dtype=np.float32)
    for row, pk in enumerate(ids):
        if pk in found:
            matrix[row] = found[pk]
    return matrix, [row for row, pk in enumerate(ids) if pk not in found]


def _dimensions() -> int:
    from dailypapers.search import serving

    return serving.serving().dim


def _fill_missing(matrix: np.ndarray, missing: list[int], ids: list[int], index) -> list[int]:
    """Put in the vectors computed since ``matrix`` was built; returns the rows still
    without one. A paper's vector never changes length within one model, which the key of
    everything kept here names."""
    if not missing:
        return missing
    found = index.vectors_of([ids[row] for row in missing])
    still = []
    for row in missing:
        vector = found.get(ids[row])
        if vector is not None and len(vector) == matrix.shape[1]:
            matrix[row] = vector
        else:
            still.append(row)
    return still


def search_matches(details: PeriodDetails, ids: np.ndarray, text: str) -> frozenset[int]:
    """Which of the period's papers ``ids`` (as ``details`` was built from) the followed
    search ``text`` matches; one keyword search per period and text while the details hold,
    not one per request (with a week's 1,000 ids as its scope, the costliest step of a
    request's ranking: cProfile, bench/for_you_speed.py --profile)."""
    found = details.searches.get(text)
    if found is None:
        from dailypapers.search.keyword import KeywordResults
        from dailypapers.search.query import parse_query

        found = frozenset(KeywordResults(parse_query(text)).matching(ids.tolist()))
        details.searches[text] = found
    return found


def library_closeness(
    profile: LibraryProfile,
    details: PeriodDetails,
    positions: np.ndarray,
    candidates: np.ndarray,
    library: np.ndarray,
    top_k: int,
    center: bool,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """``ranking.closeness(candidates, library, top_k, center)``, where ``candidates`` are
    the rows of ``details.matrix`` at ``positions`` and ``library`` the profile's, and
    ``AuthorIndex.affinity`` of the period's papers to the library's authors. Kept on the
    profile for these details, positions (the library and marks decide which are left out)
    and vectors present (a vector filled in since counts): a reader's other pages of the
    period, or the same page again, skip the arithmetic (a week's 1,000 candidates against
    500 library papers: the matrix product and the author lookups, about 5 ms)."""
    digest = hashlib.blake2b(positions.tobytes(), digest_size=16).hexdigest()
    key = (
        id(details),
        details.stamp,
        details.built,
        digest,
        len(details.missing),
        len(profile.missing),
        top_k,
        center,
    )
    with _lock:
        kept = profile.derived.get(key)
    if kept is not None:
        return kept
    made = (
        closeness(candidates, library, top_k, center),
        details.authors.affinity(profile.authors),
    )
    with _lock:
        profile.derived[key] = made
        while len(profile.derived) > PERIODS_KEPT:
            profile.derived.popitem(last=False)
    return made
