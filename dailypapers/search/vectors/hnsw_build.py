"""Writing the HNSW vector index files of a SQLite site (reading them is ``hnsw_index.py``).

``update()`` (called by ``dailypapers embed``) brings a model's files up to date with the
stored vectors: it extends the current generation with the rows above its watermark, or
builds anew when there is none, when the model, dimensions or graph parameters differ, when
removed entries pile up, or when asked; a generation of an older ``FORMAT`` is converted
instead (``_convert``: the graph's edges kept, its float16 vectors made int8, the matrix
rewritten as float16), in seconds where a rebuild takes half an hour at a million papers.
Every file is written to a temporary name, fsynced and renamed into place, the manifest last;
one file lock per model lets a single writer work at a time on the machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path

import numpy as np
from django.db.models import Max
from usearch.index import Index

from dailypapers.search.models import PaperVector
from dailypapers.search.vectors.hnsw_convert import quantize_graph
from dailypapers.search.vectors.hnsw_index import (
    CONNECTIVITY,
    DTYPE,
    EXPANSION_ADD,
    EXPANSION_SEARCH,
    FORMAT,
    METRIC,
    Manifest,
    file_stamp,
    file_stem,
    folder,
    latest_per_paper,
    manifest_path,
    mode,
    read_manifest,
    read_rows,
    threshold,
)

log = logging.getLogger(__name__)

# Entries removed from a graph (replaced or deleted vectors) stay in it as tombstones that
# searches still walk: past this share of the graph, update() rebuilds it instead.
MAX_REMOVED_SHARE = 0.2
# Rewriting the files costs seconds (their whole size is written again), searching the rows
# stored since exactly costs microseconds: the files are extended once this many rows were
# stored after them, or when they are this old and any was.
EXTEND_AFTER_ROWS = 1_000
EXTEND_AFTER_SECONDS = 3_600
# Rows read and added per step of a build, to bound its memory.
CHUNK = 50_000


@contextlib.contextmanager
def _writing(model: str) -> Iterator[None]:
    """One writer of ``model``'s files at a time on this machine (embed workers run side by
    side); the others wait, then extend what it wrote."""
    folder().mkdir(parents=True, exist_ok=True)
    with open(folder() / f"{file_stem(model)}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_atomically(path: Path, write: Callable[[str], object]) -> None:
    """``write(temporary path)``, fsync, then rename over ``path``: readers see the old file
    or the new one, never a part."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(handle)
    os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from a web server's user
    try:
        write(temporary)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _save_npy(path: Path, array: np.ndarray) -> None:
    def write(temporary: str) -> None:
        with open(temporary, "wb") as out:
            np.save(out, array)

    _write_atomically(path, write)


def _new_graph(dims: int) -> Index:
    return Index(
        ndim=dims,
        metric=METRIC,
        dtype=DTYPE,
        connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD,
        expansion_search=EXPANSION_SEARCH,
    )


def _add(graph: Index, ids: np.ndarray, matrix: np.ndarray) -> None:
    """Add these rows to the graph, leaving out zero vectors (no direction: a cosine of
    nothing), in chunks that bound the float32 copy."""
    for start in range(0, len(ids), CHUNK):
        rows = np.asarray(matrix[start : start + CHUNK], dtype=np.float32)
        keep = rows.any(axis=1)
        if keep.any():
            graph.add(ids[start : start + CHUNK][keep], rows[keep], threads=os.cpu_count() or 1)


def _publish(
    model: str,
    graph: Index | Callable[[str], object],
    ids: np.ndarray,
    matrix: np.ndarray,
    last_id: int,
    removed: int,
    previous: Manifest | None,
) -> Manifest:
    generation = (previous.generation + 1) if previous else 1
    manifest = Manifest(
        model=model,
        dims=int(matrix.shape[1]),
        count=len(ids),
        last_id=last_id,
        generation=generation,
        removed=removed,
        built=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        format=FORMAT,
        # Today's parameters: a converted graph has them too (``_convert``).
        metric=METRIC,
        dtype=DTYPE,
        connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD,
    )
    graph_path, matrix_path, ids_path = manifest.paths()
    if isinstance(graph, Index):
        _write_atomically(graph_path, lambda temporary: graph.save(temporary))
    else:  # a conversion writes the file itself
        _write_atomically(graph_path, graph)
    # float16: the database's own precision (PaperVector.pack), so nothing is lost.
    _save_npy(matrix_path, np.ascontiguousarray(matrix, dtype="<f2"))
    _save_npy(ids_path, ids)
    body = json.dumps(asdict(manifest), indent=1)
    _write_atomically(manifest_path(model), lambda temporary: Path(temporary).write_text(body))
    # Older generations: processes that still map them keep reading them until they move on
    # (an unlinked file lives as long as its mappings).
    ours = re.compile(re.escape(file_stem(model)) + r"-(\d+)\.(usearch|npy|ids\.npy)")
    for old in folder().iterdir():
        matched = ours.fullmatch(old.name)
        if matched and int(matched[1]) != generation:
            old.unlink(missing_ok=True)
    return manifest


def build(model: str) -> Manifest | None:
    """Write a new generation from every stored vector of ``model``; None when there is none."""
    rows = PaperVector.objects.filter(model=model)
    last_id = rows.aggregate(last=Max("id"))["last"]
    if last_id is None:
        return None
    # Rows above last_id (stored during the build) are the readers' recent rows.
    parts = []
    start = 0
    while True:
        row_ids, paper_ids, matrix = read_rows(rows.filter(id__gt=start, id__lte=last_id), CHUNK)
        if not len(row_ids):
            break
        parts.append((paper_ids, matrix))
        start = int(row_ids[-1])
    ids, matrix = latest_per_paper(
        np.concatenate([p for p, _ in parts]), np.concatenate([m for _, m in parts])
    )
    graph = _new_graph(matrix.shape[1])
    _add(graph, ids, matrix)
    return _publish(model, graph, ids, matrix, last_id, 0, read_manifest(model))


def _extend(manifest: Manifest) -> Manifest | None:
    """The current generation plus the rows stored since, as a new generation; None when a
    full build is the better choice (too many tombstones)."""
    model = manifest.model
    graph_path, matrix_path, ids_path = manifest.paths()
    rows = PaperVector.objects.filter(model=model)
    last_id = rows.aggregate(last=Max("id"))["last"] or 0
    _, paper_ids, new_rows = read_rows(rows.filter(id__gt=manifest.last_id, id__lte=last_id))
    new_ids, new_rows = latest_per_paper(paper_ids, new_rows)
    if len(new_ids) and new_rows.shape[1] != manifest.dims:
        return None
    ids = np.load(ids_path)
    matrix = np.load(matrix_path)
    if len(new_ids):
        new_rows = new_rows.astype(matrix.dtype)  # float16 both: no float32 copy of it all
    # Papers deleted since the build: the database now has fewer rows than the files.
    stored = rows.filter(id__lte=last_id).count()
    kept = ~np.isin(ids, new_ids, assume_unique=True)
    gone = np.zeros(0, dtype=np.int64)
    if stored < int(kept.sum()) + len(new_ids):
        present = np.fromiter(rows.values_list("paper_id", flat=True), dtype=np.int64)
        gone = ids[kept & ~np.isin(ids, present)]
    graph = Index.restore(graph_path)
    if graph is None:
        return None
    stale = np.concatenate([ids[~kept], gone])
    stale = stale[graph.contains(stale)] if len(stale) else stale
    removed = manifest.removed + len(stale)
    if removed > MAX_REMOVED_SHARE * max(len(ids), 1):
        return None
    if len(stale):
        graph.remove(stale)
    _add(graph, new_ids, new_rows)
    keep = kept & ~np.isin(ids, gone)
    ids = np.concatenate([ids[keep], new_ids])
    matrix = np.concatenate([matrix[keep], new_rows]) if len(new_ids) else matrix[keep]
    order = np.argsort(ids)
    return _publish(model, graph, ids[order], matrix[order], last_id, removed, manifest)


def _convert(manifest: Manifest) -> Manifest | None:
    """A generation of an older format or vector type rewritten as today's, without building
    the graph again (half an hour or more at a million papers on two cores): the same graph,
    copied, or with its float16 vectors made int8 (``hnsw_convert.py``); the matrix as float16.
    Both take seconds at a million. None when only a rebuild will do (other graph parameters,
    or a file that does not look as expected). Readers serve the old generation meanwhile."""
    graph_path, matrix_path, ids_path = manifest.paths()
    if (manifest.metric, manifest.connectivity, manifest.expansion_add) != (
        METRIC,
        CONNECTIVITY,
        EXPANSION_ADD,
    ):
        return None
    write: Callable[[str], object]
    if manifest.dtype == DTYPE:
        write = functools.partial(shutil.copyfile, graph_path)
    elif (manifest.dtype, DTYPE) == ("f16", "i8"):
        write = functools.partial(quantize_graph, graph_path)
    else:
        return None
    ids = np.load(ids_path)
    matrix = np.load(matrix_path, mmap_mode="r")
    try:
        return _publish(
            manifest.model, write, ids, matrix, manifest.last_id, manifest.removed, manifest
        )
    except (ValueError, FileNotFoundError) as error:
        log.warning("vector index for %s: not converted (%s); rebuilding", manifest.model, error)
        return None


def wanted(model: str, stored: int | None = None) -> bool:
    """Whether ``model``'s vectors should have files: ``hnsw``, or ``auto`` past the
    threshold (``stored``: the count, when the caller knows it)."""
    chosen = mode()
    if chosen != "auto":
        return chosen == "hnsw"
    if stored is None:
        stored = PaperVector.objects.filter(model=model).count()
    return stored >= threshold()


def update(model: str, dims: int, rebuild: bool = False) -> Manifest | None:
    """Bring ``model``'s files up to date with the stored vectors, if it should have files
    (``wanted``) or ``rebuild`` asks: extend the current generation, or build anew when there
    is none, it is for another model, dimensions (``dims``) or parameters, or ``rebuild``.
    A few rows stored since a recent build are left to the readers' exact search (see
    EXTEND_AFTER_ROWS). Returns the current manifest, or None when there are no files."""
    if not rebuild and not wanted(model):
        return None
    with _writing(model):
        current = read_manifest(model)
        if (
            current is not None
            and current.matches(model, dims)
            and not current.current(model, dims)
            and not rebuild
        ):
            started = time.perf_counter()
            converted = _convert(current)
            if converted is not None:
                current = converted
                log.info(
                    "vector index for %s: converted to format %d (%s) in %.1f s",
                    model,
                    FORMAT,
                    DTYPE,
                    time.perf_counter() - started,
                )
        if current is not None and current.current(model, dims) and not rebuild:
            since = PaperVector.objects.filter(model=model, id__gt=current.last_id).count()
            written = file_stamp(manifest_path(model))
            age = time.time() - written[1] / 1e9 if written else float("inf")
            if not since or (since < EXTEND_AFTER_ROWS and age < EXTEND_AFTER_SECONDS):
                return current
            extended = _extend(current)
            if extended is not None:
                return extended
        started = time.perf_counter()
        manifest = build(model)
        if manifest is not None:
            log.info(
                "vector index for %s: %d vectors built in %.1f s",
                model,
                manifest.count,
                time.perf_counter() - started,
            )
        return manifest


def delete_files(model: str) -> int:
    """Delete every file of ``model``'s index (a retired model); returns how many. A process
    that still maps them keeps reading them until it moves on to the serving model's."""
    if not folder().exists():
        return 0
    ours = re.compile(re.escape(file_stem(model)) + r"(-\d+\.(usearch|npy|ids\.npy)|\.json|\.lock)")
    deleted = 0
    for old in folder().iterdir():
        if ours.fullmatch(old.name):
            old.unlink(missing_ok=True)
            deleted += 1
    return deleted
