"""What "For you" reuses between requests, kept in each process: a period's candidate papers
(authors, categories, vectors, author and category indexes, the papers a followed search's
text matches) and a reader's library (ids, vectors, author counts, and its closeness to each
period's candidates). ``foryou.py`` asks for them on every request; here they are built once
per change. The period's rows themselves are read on every request, by one statement.

Why per process and not in Django's cache: the vectors they hold (a 500-paper library is
0.5 MB, a week of candidates 1 MB) would be pickled on every get, and the vector index they
come from is per process already (``search.vectors``). Nothing here is shared between
readers except the period's candidates, which are the same public papers for everyone, and
a search text's matches among them, the same for whoever follows it (nothing kept says who).

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
import functools
import hashlib
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from dailypapers.lib.dates import Period
from dailypapers.library.ranking import AuthorIndex, closeness, closeness_many, library_authors
from dailypapers.papers.models import DailyEntry, Organization, Paper
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
    """The period's visible papers, ordered by id: the light columns, read on every request.
    Days and organizations are made from what was read when first asked for: a request
    needs them of its 30 shown papers, or not at all."""

    ids: np.ndarray  # int64, ascending
    votes: np.ndarray  # int64
    stamp: str  # a digest of the ids and their ``modified``: what the heavy part depends on
    # Per paper: its announcement day, else its publication stamp, as the driver gave them
    # (text or date); its organization's name or None; and the daily lists' organizations.
    day_values: list = field(default_factory=list, repr=False)
    organization_names: list = field(default_factory=list, repr=False)
    entry_organizations: dict[int, set[str]] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def days(self) -> list[dt.date | None]:
        return [
            value if isinstance(value, dt.date) else _date_of(value) if value else None
            for value in self.day_values
        ]

    @functools.cached_property
    def organizations(self) -> list[set[str]]:
        made = []
        for pk, name in zip(self.ids.tolist(), self.organization_names, strict=True):
            names = set(self.entry_organizations.get(pk, ()))
            if name:
                names.add(name)
            made.append(names)
        return made


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


def forget_closeness() -> None:
    """Drop the libraries' kept closeness only (bench/for_you_speed.py: what a reader's first
    view of a period costs)."""
    with _lock:
        for profile in _libraries.values():
            profile.derived.clear()


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
    entry_orgs: dict[int, set[str]] = {}
    first, last = (connection.ops.adapt_datefield_value(d) for d in (period.first, period.last))
    start = dt.datetime.combine(period.first, dt.time(), dt.UTC)
    end = dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time(), dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute(_entries_sql(), [first, last])
        for paper_id, org in cursor.fetchall():
            entry_orgs.setdefault(paper_id, set())
            if org:
                entry_orgs[paper_id].add(org)
        bounds = [connection.ops.adapt_datetimefield_value(t) for t in (start, end)]
        cursor.execute(_papers_sql(), [first, last, first, last, *bounds])
        found = cursor.fetchall()
    rows = {}
    for row in found:
        # "No announcement day" is checked here, not in SQL (see ``_papers_sql``).
        if not (row[7] and row[3] is not None):
            rows[row[0]] = row
    ordered = [rows[pk] for pk in sorted(rows)]
    digest = hashlib.blake2b(
        "".join([f"{row[0]}:{row[5]};" for row in ordered]).encode(), digest_size=16
    )
    return PeriodRows(
        np.array([row[0] for row in ordered], dtype=np.int64),
        np.array([row[1] + row[2] for row in ordered], dtype=np.int64),
        digest.hexdigest(),
        [row[3] or row[4] for row in ordered],
        [row[6] for row in ordered],
        entry_orgs,
    )


@functools.cache
def _entries_sql() -> str:
    entry, organization = DailyEntry._meta, Organization._meta
    return (
        f"SELECT e.{_column(DailyEntry, 'paper')}, o.{_column(Organization, 'name')}"
        f" FROM {_quoted(entry.db_table)} e LEFT JOIN {_quoted(organization.db_table)} o"
        f" ON e.{_column(DailyEntry, 'organization')} = o.{_column(Organization, 'id')}"
        f" WHERE e.{_column(DailyEntry, 'date')} >= %s AND e.{_column(DailyEntry, 'date')} <= %s"
    )


@functools.cache
def _papers_sql() -> str:
    """The period's visible papers, written out rather than built by the ORM per request
    (building and compiling the three querysets cost as much as running them: cProfile),
    read without Django's converters (a third of reading a week's rows): a date comes as
    text on SQLite and as a date on PostgreSQL, which ``PeriodRows.days`` takes both.

    Three indexed lookups in a UNION ALL, not one OR: SQLite answers an OR across columns
    by reading the whole papers table (0.6 s at 170k papers). The last column says the row
    counts only without an announcement day, which is checked in Python: in SQL it made
    SQLite pick the announced_on index and read every unannounced row. The two stamps are
    read as text: converting 2,000 datetimes cost more than the rest of the query; only the
    date part of ``published_at`` is used, and ``modified`` is compared, never read as a time.
    """
    paper, organization = _quoted(Paper._meta.db_table), _quoted(Organization._meta.db_table)

    def c(name: str) -> str:
        return f"p.{_column(Paper, name)}"

    select = (
        f"SELECT {c('id')}, {c('upstream_upvotes')}, {c('upvote_count')}, {c('announced_on')},"
        f" CAST({c('published_at')} AS TEXT), CAST({c('modified')} AS TEXT),"
        f" o.{_column(Organization, 'name')}, {{}}"
        f" FROM {paper} p LEFT JOIN {organization} o"
        f" ON {c('organization')} = o.{_column(Organization, 'id')}"
        f" WHERE NOT {c('hidden')} AND {c('withdrawn_at')} IS NULL AND "
    )
    listed = (
        f"SELECT {_column(DailyEntry, 'paper')} FROM {_quoted(DailyEntry._meta.db_table)}"
        f" WHERE {_column(DailyEntry, 'date')} >= %s AND {_column(DailyEntry, 'date')} <= %s"
    )
    return " UNION ALL ".join(
        [
            select.format(0) + f"{c('announced_on')} >= %s AND {c('announced_on')} <= %s",
            select.format(0) + f"{c('id')} IN ({listed})",
            select.format(1) + f"{c('published_at')} >= %s AND {c('published_at')} < %s",
        ]
    )


def _column(model, name: str) -> str:
    return _quoted(model._meta.get_field(name).column)


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


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
    return library_profiles({user.pk: ids})[user.pk]


def library_profiles(libraries: dict[int, list[int]]) -> dict[int, LibraryProfile]:
    """``library_profile`` of many readers (user id: library ids), those not kept made from
    two statements for all of them (vectors, author lists), not two each: a digest worker's
    batch of readers (bench/digests.py --readers)."""
    index = vectors.index()
    keys = {pk: (pk, index.model, _ids_digest(ids)) for pk, ids in libraries.items()}
    found: dict[int, LibraryProfile] = {}
    with _lock:
        for pk, key in keys.items():
            if (kept := _libraries.get(key)) is not None:
                _libraries.move_to_end(key)
                found[pk] = kept
    for profile in found.values():
        profile.missing = _fill_missing(profile.matrix, profile.missing, profile.ids, index)
    new = [pk for pk in libraries if pk not in found]
    wanted = sorted({paper for pk in new for paper in libraries[pk]})
    every = index.vectors_of(wanted) if wanted else {}
    authors_of = {}
    if wanted:
        authors_of = dict(Paper.objects.filter(pk__in=wanted).values_list("id", "author_names"))
    # One model's vectors all have its length: asked of the model once, not per library.
    dim = next((len(v) for v in every.values()), 0) or (_dimensions() if new else 0)
    for pk in new:
        ids = libraries[pk]
        matrix, missing = _matrix_from(ids, every, dim)
        authors = library_authors([authors_of[paper] for paper in ids if paper in authors_of])
        found[pk] = profile = LibraryProfile(list(ids), matrix, missing, authors)
        with _lock:
            _libraries[keys[pk]] = profile
            while len(_libraries) > LIBRARIES_KEPT:
                _libraries.popitem(last=False)
    return found


def _ids_digest(ids: list[int]) -> str:
    return hashlib.blake2b(np.asarray(ids, dtype=np.int64).tobytes(), digest_size=16).hexdigest()


def _matrix_from(
    ids: list[int], found: dict[int, np.ndarray], dim: int
) -> tuple[np.ndarray, list[int]]:
    matrix = np.zeros((len(ids), dim), dtype=np.float32)
    for row, pk in enumerate(ids):
        if pk in found:
            matrix[row] = found[pk]
    return matrix, [row for row, pk in enumerate(ids) if pk not in found]


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


def preload_closeness(
    details: PeriodDetails,
    readers: list[tuple[LibraryProfile, np.ndarray]],
    top_k: int,
    center: bool,
) -> None:
    """Keep ``library_closeness`` of each (profile, candidate positions) of a digest worker's
    batch of readers of one period, made by one matrix product per set of positions (most
    readers leave out none of the period's papers, so most share one): ``ForYou`` then finds
    it kept, as a reader's second page does."""
    dim = details.matrix.shape[1]
    groups: dict[str, list[tuple[LibraryProfile, np.ndarray]]] = {}
    for profile, positions in readers:
        # What ``ForYou`` multiplies; a library it gives no vectors to is not kept here.
        if profile.ids and dim and profile.matrix.shape[1] == dim:
            digest = hashlib.blake2b(positions.tobytes(), digest_size=16).hexdigest()
            groups.setdefault(digest, []).append((profile, positions))
    for digest, members in groups.items():
        positions = members[0][1]
        made = closeness_many(
            details.matrix[positions], [profile.matrix for profile, _ in members], top_k, center
        )
        for (profile, _), near in zip(members, made, strict=True):
            key = _closeness_key(profile, details, digest, top_k, center)
            with _lock:
                profile.derived[key] = (near, details.authors.affinity(profile.authors))
                while len(profile.derived) > PERIODS_KEPT:
                    profile.derived.popitem(last=False)


def _closeness_key(
    profile: LibraryProfile, details: PeriodDetails, digest: str, top_k: int, center: bool
) -> tuple:
    return (
        id(details),
        details.stamp,
        details.built,
        digest,
        len(details.missing),
        len(profile.missing),
        top_k,
        center,
    )


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
    key = _closeness_key(profile, details, digest, top_k, center)
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
