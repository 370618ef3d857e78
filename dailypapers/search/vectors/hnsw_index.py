"""The approximate vector index for SQLite sites at scale: a usearch HNSW graph in a file.

Past ``threshold()`` vectors one exact pass over every vector (``numpy_index.py``) no longer
fits a query's budget, so ``dailypapers embed`` writes the vectors of the current model to the
data folder as three files of one *generation*, and a small JSON manifest that names it:

- ``search/vectors-<model>-<generation>.usearch``: the HNSW graph (cosine, int8 vectors),
  which finds candidates in about a millisecond instead of a full pass;
- ``...-<generation>.npy`` and ``...-<generation>.ids.npy``: the same vectors as a float16
  matrix (the database's own precision, so exact) with its paper ids, sorted, for
  ``vectors_of``, for exact scores of the candidates, and for an exact search over a small
  ``allowed`` set;
- ``search/vectors-<model>.json``: model, dimensions, count, the highest ``PaperVector.id``
  the files hold (the watermark), the graph's parameters, the generation and the ``format``.

``format`` 2 (``FORMAT``) stores the matrix as float16 and the graph's vectors as int8;
format 1 (manifests without the field) stored them as float32 and float16. A reader serves
either (the ``.npy`` header and the graph file say their types); ``hnsw_build.update()``
converts a format 1 generation into a new one in seconds (``hnsw_convert.py``), or rebuilds
it when the graph's other parameters changed, while readers keep serving the old one.

Every file is written to a temporary name, fsynced and renamed into place, the manifest last,
so a reader sees a whole generation or the previous one, never half a file. Readers map the
graph and the ids (``view=True``, ``mmap_mode="r"``): the pages are shared by every process of
the machine, and a search walks the whole graph file within a few hundred queries. The
matrix is not mapped but read row by row (``row_file.py``): searches read scattered rows of
it, and a mapping would keep every page ever read resident in each process (682 MiB of 2 GiB
after warm-up at a million papers; all of it under steady traffic). A process looks at the
manifest at most every ``refresh_seconds()``; when it names a new generation it maps that one.

Vectors stored after the build (rows above the watermark: ``vectors.save_vectors`` always
inserts new rows, so a replaced vector is above it too) are read into a small in-process
matrix, searched exactly, and win over the file for the papers they hold: a paper embedded a
second ago is found, and a replaced vector is never returned twice or with its old score.
Papers deleted since the build may still be returned until the next build (callers keep only
visible papers anyway).

Writing the files is ``hnsw_build.py``'s job (``update()``, called by ``dailypapers embed``).
Choosing between this index and the exact one is ``vectors.py``'s (``usable()`` says whether
it may).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from usearch.index import Index, MetricKind, search

from dailypapers.search.models import PaperVector
from dailypapers.search.vectors.contract import VectorSnapshot
from dailypapers.search.vectors.numpy_index import exact_nearest, refresh_seconds
from dailypapers.search.vectors.row_file import RowFile

log = logging.getLogger(__name__)

# Graph parameters, chosen on the 170k real vectors (bench/search_speed.py --hnsw,
# docs/search.md). M=16 with ef_construction 128 built in 80-150 s on 2 cores (M=32: 240 s, for
# +0.01 recall). ef 200 (not the default 64, nor 128): recall@20 0.95-0.98 and recall@100
# 0.93-0.95 against exact in 2-3 ms; ef 320 bought +0.01 for +1.5 ms.
METRIC = "cos"
# int8 vectors in the graph (format 2): half the bytes of float16, so that the graph file,
# which searches walk all of within a few hundred queries, is 0.63 GiB at a million papers
# instead of 1.1; the candidates are scored exactly from the float16 matrix all the same.
DTYPE = "i8"
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 200
# The layout of the files (see the docstring): 2 since the matrix is float16 (and the graph's
# vectors int8). Readers serve the formats in READABLE; ``hnsw_build.update()`` brings older
# ones to FORMAT, converting rather than rebuilding (hnsw_convert.py).
FORMAT = 2
READABLE = (1, 2)
# An ``allowed`` set up to this size is searched exactly over its own rows (a gather and a
# matrix product, about 0.6 us a row); a larger one by asking the graph for OVERFETCH times
# k / (the allowed share) neighbours and keeping the allowed ones, whose exact scores then
# pick the best k. Measured at 170k, k=100 (p50): 10,000 allowed 7 ms exact, 27 ms through
# the graph; 20,000: 13 / 19 ms; 40,000: 24 / 9 ms (recall 0.98; 0.85 with 1.2x instead of
# 2x). The graph is never asked for more than MAX_FETCH: past that the exact route is
# cheaper whatever the size.
EXACT_ALLOWED = 25_000
# Candidates asked of the graph beyond OVERFETCH times k (over its filters' share), all scored
# exactly: the int8 distances misplace near ties, and these bring them back. At 1M papers
# (docs/search.md), recall@20 against exact search: float16 graph 0.9966 with 35 candidates,
# int8 0.9912 with 35 and 0.9961 with 60; recall@100: float16 0.9799 with 130, int8 0.9742
# with 130, 0.9787 with 180-200 and 0.9823 with 240 (2 k + 40), for 0.4 ms more of graph
# search (ef 200 is exceeded) and the rows' reads. Before int8 the unfiltered fetch was
# 1.2 k + 10.
RESCORED = 40
# Candidates scored exactly past this many go through a float16 shortlist first (_score).
SHORTLIST_FROM = 2_000
MAX_FETCH = 4_000
OVERFETCH = 2.0


def mode() -> str:
    """``auto`` (this index past the threshold), ``exact`` (never) or ``hnsw`` (always, once
    its files exist); settings.py reads it and core/checks.py refuses any other value."""
    return settings.SEARCH_VECTOR_INDEX


def threshold() -> int:
    """Vectors from which ``auto`` builds and uses the graph; below it the exact index is
    fast enough (docs/search.md) and needs no files."""
    return settings.SEARCH_HNSW_THRESHOLD


def folder() -> Path:
    return Path(settings.SEARCH_INDEX_DIR)


def file_stem(model: str) -> str:
    return "vectors-" + re.sub(r"[^A-Za-z0-9._-]", "_", model)


def manifest_path(model: str) -> Path:
    return folder() / f"{file_stem(model)}.json"


def _generation_paths(model: str, generation: int) -> tuple[Path, Path, Path]:
    base = folder() / f"{file_stem(model)}-{generation}"
    return (
        base.with_name(base.name + ".usearch"),
        base.with_name(base.name + ".npy"),
        base.with_name(base.name + ".ids.npy"),
    )


@dataclass(frozen=True)
class Manifest:
    """What a generation of files holds (the JSON next to them)."""

    model: str
    dims: int
    count: int  # vectors in the matrix (the graph leaves out zero vectors)
    last_id: int  # the highest PaperVector.id the files cover: the watermark
    generation: int
    removed: int = 0  # tombstones in the graph
    metric: str = METRIC
    dtype: str = DTYPE
    connectivity: int = CONNECTIVITY
    expansion_add: int = EXPANSION_ADD
    built: str = ""
    format: int = 1  # manifests written before the field were format 1 (float32 matrix)

    def paths(self) -> tuple[Path, Path, Path]:
        return _generation_paths(self.model, self.generation)

    def matches(self, model: str, dims: int | None = None) -> bool:
        """Whether these files can serve ``model`` (and ``dims``): a format this code reads,
        built with today's metric (the graph's other parameters change its speed, not its
        answers, so an older graph serves until ``current`` files replace it)."""
        return (
            self.model == model
            and (dims is None or self.dims == dims)
            and self.format in READABLE
            and self.metric == METRIC
        )

    def graph_current(self) -> bool:
        """Whether the graph was built with today's parameters (else it is rebuilt)."""
        return (self.metric, self.dtype, self.connectivity, self.expansion_add) == (
            METRIC,
            DTYPE,
            CONNECTIVITY,
            EXPANSION_ADD,
        )

    def current(self, model: str, dims: int | None = None) -> bool:
        """Whether these files are what ``hnsw_build.update()`` writes today for ``model``."""
        return self.matches(model, dims) and self.graph_current() and self.format == FORMAT


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return (found.st_ino, found.st_mtime_ns, found.st_size)


def read_manifest(model: str) -> Manifest | None:
    """The manifest of ``model``'s files, or None when there is none or it is unreadable."""
    try:
        data = json.loads(manifest_path(model).read_text())
        return Manifest(**data)
    except (FileNotFoundError, ValueError, TypeError):
        return None


_manifests: dict[str, tuple[tuple[int, int, int] | None, Manifest | None]] = {}


def _current_manifest(model: str) -> Manifest | None:
    # A stat per call (microseconds); the JSON is parsed again only when the file changed.
    stamp = file_stamp(manifest_path(model))
    cached = _manifests.get(model)
    if cached is None or cached[0] != stamp:
        cached = (stamp, read_manifest(model) if stamp else None)
        _manifests[model] = cached
    return cached[1]


def forget_manifests() -> None:
    """Read the manifests afresh (tests, after the data folder changed)."""
    _manifests.clear()


def usable(model: str, dims: int) -> bool:
    """Whether searches for ``model`` should go through the graph: its files exist, were
    built for this model and dimensions in a format this code reads (``Manifest.matches``),
    and hold enough vectors (``auto``)."""
    chosen = mode()
    if chosen == "exact":
        return False
    manifest = _current_manifest(model)
    if manifest is None or not manifest.matches(model, dims):
        return False
    return chosen == "hnsw" or manifest.count >= threshold()


# Reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HnswSnapshot:
    """One generation of files (mapped) plus the rows stored since; replaced whole, never
    mutated, so a thread searching one while another refreshes sees a consistent set."""

    manifest: Manifest | None
    graph: Index | None
    built_ids: np.ndarray  # int64, sorted: the papers of the files
    built_rows: RowFile | None  # the matrix, a row per built id, read on demand
    recent_ids: np.ndarray  # int64, sorted: papers with a vector stored after the build
    recent_matrix: np.ndarray  # float32, a row per recent id; these win over built rows
    last_row: int  # the highest PaperVector.id read
    stamp: tuple[int, int, int] | None = field(default=None)

    @property
    def ids(self) -> np.ndarray:
        """Every paper with a vector, sorted (what NumpyIndex's snapshot has too)."""
        return np.union1d(self.built_ids, self.recent_ids)


def _empty_recent() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)


def read_rows(rows, limit: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row ids, paper ids, float32 matrix) of these PaperVector rows (the first ``limit``),
    in row id order."""
    found = list(rows.order_by("id").values_list("id", "paper_id", "vector")[:limit])
    row_ids = np.fromiter((r for r, _, _ in found), dtype=np.int64, count=len(found))
    paper_ids = np.fromiter((p for _, p, _ in found), dtype=np.int64, count=len(found))
    blob = b"".join(bytes(v) for _, _, v in found)
    if not found:
        return row_ids, paper_ids, np.zeros((0, 0), dtype=np.float32)
    matrix = np.frombuffer(blob, dtype="<f2").reshape(len(found), -1).astype(np.float32)
    return row_ids, paper_ids, matrix


def latest_per_paper(paper_ids: np.ndarray, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows in storing order reduced to the last one of each paper, sorted by paper id."""
    reversed_ids = paper_ids[::-1]
    unique, first = np.unique(reversed_ids, return_index=True)
    return unique, matrix[::-1][first]


class HnswIndex:
    in_process = True  # a snapshot is mapped files and a small matrix

    def __init__(self, model: str) -> None:
        self.model = model
        recent_ids, recent_matrix = _empty_recent()
        self.snapshot = HnswSnapshot(
            None,
            None,
            np.zeros(0, dtype=np.int64),
            None,
            recent_ids,
            recent_matrix,
            0,
        )
        self.checked_at = -1e18
        self.lock = threading.Lock()
        # usearch does not promise that one graph may be searched from several threads at
        # once; a search takes about a millisecond, so the threads of a worker take turns.
        self.search_lock = threading.Lock()

    def _open(self, stamp: tuple[int, int, int]) -> HnswSnapshot | None:
        manifest = read_manifest(self.model)
        if manifest is None or not manifest.matches(self.model):
            return None
        graph_path, matrix_path, ids_path = manifest.paths()
        try:
            graph = Index.restore(graph_path, view=True, expansion_search=EXPANSION_SEARCH)
            matrix = RowFile(matrix_path)
            ids = np.load(ids_path, mmap_mode="r")
        except (FileNotFoundError, RuntimeError, ValueError):
            # A newer generation replaced this one between reading the manifest and opening
            # its files: the next refresh opens that one.
            return None
        if graph is None:
            return None
        recent_ids, recent_matrix = _empty_recent()
        return HnswSnapshot(
            manifest, graph, ids, matrix, recent_ids, recent_matrix, manifest.last_id, stamp
        )

    def refresh(self, force: bool = False) -> HnswSnapshot:
        """Map a new generation of files if the manifest names one, then read the rows stored
        since the last look (at most every ``refresh_seconds()``, unless ``force``)."""
        now = time.monotonic()
        if not force and now - self.checked_at < refresh_seconds():
            return self.snapshot
        with self.lock:
            self.checked_at = now
            snap = self.snapshot
            stamp = file_stamp(manifest_path(self.model))
            if stamp is not None and stamp != snap.stamp:
                snap = self._open(stamp) or snap
            row_ids, paper_ids, matrix = read_rows(
                PaperVector.objects.filter(model=self.model, id__gt=snap.last_row)
            )
            if len(row_ids) or snap is not self.snapshot:
                recent_ids, recent_matrix = snap.recent_ids, snap.recent_matrix
                if len(row_ids):
                    rows = matrix
                    if len(recent_ids):
                        paper_ids = np.concatenate([recent_ids, paper_ids])
                        rows = np.concatenate([recent_matrix, rows])
                    recent_ids, recent_matrix = latest_per_paper(paper_ids, rows)
                last_row = int(row_ids[-1]) if len(row_ids) else snap.last_row
                snap = HnswSnapshot(
                    snap.manifest,
                    snap.graph,
                    snap.built_ids,
                    snap.built_rows,
                    recent_ids,
                    recent_matrix,
                    last_row,
                    snap.stamp,
                )
            self.snapshot = snap
            return snap

    def vectors_of(self, paper_ids: list[int]) -> dict[int, np.ndarray]:
        snap = self.refresh()
        found: dict[int, np.ndarray] = {}
        wanted = np.asarray(paper_ids, dtype=np.int64)
        for ids, read in (
            (snap.built_ids, snap.built_rows.rows if snap.built_rows else None),
            (snap.recent_ids, snap.recent_matrix.__getitem__),
        ):
            if not len(ids) or read is None:
                continue
            positions = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
            hits = ids[positions] == wanted
            rows = np.asarray(read(positions[hits]), dtype=np.float32)
            found.update(zip(wanted[hits].tolist(), rows, strict=True))  # recent ones last: win
        return found

    def nearest(
        self,
        query: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        exclude: tuple[int, ...] = (),
        snapshot: VectorSnapshot | None = None,
    ) -> list[tuple[int, float]]:
        """The ``k`` papers most similar to ``query`` (cosine), best first, as (id, score);
        only ids in ``allowed`` when it is given, never those in ``exclude``; in ``snapshot``
        as it is when given (no database work). Candidates come from the graph (or, for a
        small ``allowed``, from every allowed row); their scores are exact, as NumpyIndex's."""
        snap = snapshot if isinstance(snapshot, HnswSnapshot) else self.refresh()
        if k <= 0 or not query.any():
            return []
        query = np.asarray(query, dtype=np.float32)
        # Built rows of papers with a recent vector are stale: never returned from the files.
        hidden = np.union1d(snap.recent_ids, np.asarray(exclude, dtype=np.int64))
        if allowed is not None:
            allowed = np.asarray(allowed, dtype=np.int64)
        found = exact_nearest(snap.recent_ids, snap.recent_matrix, query, k, allowed, exclude)
        if len(snap.built_ids):
            found += self._built_nearest(snap, query, k, allowed, hidden, len(exclude))
        found.sort(key=lambda pair: (-pair[1], pair[0]))
        return found[:k]

    def _built_nearest(
        self,
        snap: HnswSnapshot,
        query: np.ndarray,
        k: int,
        allowed: np.ndarray | None,
        hidden: np.ndarray,
        skipped: int,
    ) -> list[tuple[int, float]]:
        """The best ``k`` built rows outside ``hidden`` (and inside ``allowed``); ``skipped``
        of the hidden ones (the excluded papers) are likely among the nearest. Built rows
        shadowed by recent ones are not asked for ahead: few of them are near any one query,
        and the loop asks for more when they were."""
        share = 1.0 if allowed is None else len(allowed) / len(snap.built_ids)
        graph = snap.graph
        if (
            graph is None
            or not len(graph)
            or (allowed is not None and (len(allowed) <= EXACT_ALLOWED or k / share > MAX_FETCH))
        ):
            return self._exact_over(snap, query, k, allowed, hidden)
        # Ask the graph for enough neighbours that k survive the filters; more if not.
        fetch = int(k / share * OVERFETCH) + skipped + RESCORED
        while True:
            with self.search_lock:
                keys = graph.search(query, min(fetch, len(graph)), threads=1).keys
            candidates = np.asarray(keys, dtype=np.int64)
            complete = len(candidates) < fetch
            candidates = candidates[~np.isin(candidates, hidden)]
            if allowed is not None:
                candidates = candidates[np.isin(candidates, allowed)]
            if len(candidates) >= k or complete or fetch >= MAX_FETCH:
                break
            fetch *= 4
        if len(candidates) < k and not complete:
            return self._exact_over(snap, query, k, allowed, hidden)
        return self._score(snap, query, k, candidates)

    def _exact_over(
        self,
        snap: HnswSnapshot,
        query: np.ndarray,
        k: int,
        allowed: np.ndarray | None,
        hidden: np.ndarray,
    ) -> list[tuple[int, float]]:
        """Exact search over the built rows of ``allowed`` (every row when None)."""
        candidates = snap.built_ids if allowed is None else allowed
        candidates = candidates[~np.isin(candidates, hidden)]
        return self._score(snap, query, k, candidates)

    def _score(
        self, snap: HnswSnapshot, query: np.ndarray, k: int, candidates: np.ndarray
    ) -> list[tuple[int, float]]:
        """The best ``k`` of ``candidates`` (paper ids) by exact cosine over the built rows."""
        positions = np.minimum(np.searchsorted(snap.built_ids, candidates), len(snap.built_ids) - 1)
        positions = positions[snap.built_ids[positions] == candidates]
        if snap.built_rows is None:
            return []
        # Read in file order (sorted positions): neighbouring rows share pages.
        positions = np.sort(positions)
        rows = snap.built_rows.rows(positions, stored=True)
        if rows.dtype == np.float16 and len(positions) > SHORTLIST_FROM:
            # numpy turns float16 into float32 at ~8 ns a value (25,000 rows of 512: 100 ms),
            # usearch's SIMD scores them as they are in ~12 ms: a shortlist by those scores
            # (the query rounded to float16), then exact scores of the shortlist alone.
            shortlist = search(
                rows, query.astype(np.float16), 2 * k + 20, MetricKind.IP, exact=True, threads=1
            ).keys
            positions, rows = positions[shortlist], rows[shortlist]
        return exact_nearest(snap.built_ids[positions], rows.astype(np.float32), query, k)
