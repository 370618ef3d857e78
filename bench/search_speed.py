#!/usr/bin/env python3
"""Search speed on the 170k real papers of ../shared/data, through the code the views use.

    .venv/bin/python bench/search_speed.py [--data DIR] [--limit N] [--hnsw]
    .venv/bin/python bench/search_speed.py --data DIR --similar-ids FILE
    .venv/bin/python bench/search_speed.py --data DIR --hybrid-ids FILE

Writes the arXiv listings (74,728) and the conference papers (95,652) as arXiv-snapshot lines
(bench/ingest.py's converters), imports them with ``dailypapers import snapshot`` and embeds
them with ``dailypapers embed`` into a fresh data folder (``--data DIR`` keeps it, and reuses
it when it already holds papers). Prints the embedding throughput, then times keyword,
semantic (embedding the query included) and hybrid search (first page of 20 and the count),
then hybrid search with its legs side by side and one after the other (``time_hybrid_legs``),
over 200 queries: the 64 CACM queries and the key phrases (first four title words) of 136
corpus papers; then similar papers of 200 papers; then the vector store's memory. The
semantic, hybrid and similar timings go through whatever ``vectors.index()`` picks.
``--hnsw`` first (re)builds the HNSW index files (``hnsw_index.py``, usearch) and measures
their build time, size, query time and recall@20 against the exact index over 1,000 query
vectors, filtered searches, the exact index's time by corpus size, and the memory a process
needs to search them; the timings that follow then use it.

``--similar-ids FILE`` only checks that similar papers rank as before, on an existing site
(nothing is built or written in ``--data``): the ranked ids of the same 200 papers that
``time_similar`` times (``similar.similar_ids``, hidden candidates included) are written to
FILE when it does not exist, and compared with it when it does; it prints how many papers rank
the same and exits non-zero if any differs. A change meant to be faster only runs it before
(on the old code) and after. ``--hybrid-ids FILE`` does the same for hybrid search: the first
100 ids and the count of each of the 200 queries that ``time_searches`` times.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def p95_ms(times: list[float]) -> float:
    ordered = sorted(t * 1000 for t in times)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def percentiles(seconds: list[float]) -> str:
    p95 = p95_ms(seconds)
    times = sorted(t * 1000 for t in seconds)
    return f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms"


def build(folder: Path, limit: int) -> None:
    """Import the papers with the project's bulk path and embed them, in child processes."""
    import ingest

    snapshot = folder / "snapshot.jsonl"
    count = 0
    with open(snapshot, "w") as out:
        for line in [*ingest.arxiv_lines(SHARED), *ingest.conference_lines(SHARED)]:
            if count >= limit:
                break
            out.write(json.dumps(line) + "\n")
            count += 1
    command = [sys.executable, "-m", "dailypapers"]
    env = {**os.environ, "DAILYPAPERS_DATA_DIR": str(folder), "HF_HUB_OFFLINE": "1"}
    subprocess.run([*command, "migrate", "-v", "0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run([*command, "import", "snapshot", str(snapshot), "-v", "0"], env=env, check=True)
    print(f"imported {count} papers in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    subprocess.run([*command, "embed", "--batch-size", "2000", "-v", "0"], env=env, check=True)
    spent = time.perf_counter() - started
    print(f"dailypapers embed: {count} papers in {spent:.0f} s ({count / spent:.0f} papers/s)")
    snapshot.unlink()


def embedding_throughput() -> None:
    from dailypapers.papers.models import Paper
    from dailypapers.search.embedder import get_embedder, paper_text

    papers = list(Paper.objects.order_by("id").values_list("title", "abstract")[:20000])
    texts = [paper_text(title, abstract) for title, abstract in papers]
    embedder = get_embedder()
    started = time.perf_counter()
    for start in range(0, len(texts), 2000):
        embedder.embed(texts[start : start + 2000])
    spent = time.perf_counter() - started
    total = Paper.objects.count()
    print(
        f"embedder {embedder.name}: {len(texts) / spent:.0f} abstracts/s (model alone); "
        f"{total} papers would take {total / (len(texts) / spent):.0f} s"
    )


def queries() -> list[str]:
    from dailypapers.papers.models import Paper

    cacm = SHARED / "cacm-test-collection" / "cacm_queries.jsonl"
    found = [json.loads(line)["text"][:200] for line in cacm.open()]
    ids = list(Paper.objects.values_list("id", flat=True))
    chosen = random.Random(4).sample(ids, 200 - len(found))
    titles = Paper.objects.filter(id__in=chosen).values_list("title", flat=True)
    return found + [" ".join(title.split()[:4]) for title in titles]


def time_searches(texts: list[str]) -> dict[str, list[float]]:
    """Seconds per query of each kind (the second round's), printed and returned."""
    from dailypapers.search import hybrid, vectors
    from dailypapers.search.keyword import keyword_search

    index = vectors.index()
    timings: dict[str, list[float]] = {"keyword": [], "semantic": [], "hybrid": []}
    for text in texts + texts:  # the first round warms the caches; only the second counts
        t0 = time.perf_counter()
        results = keyword_search(text)
        results[0:20], len(results)
        t1 = time.perf_counter()
        index.nearest(vectors.embed_query(text), 20)
        t2 = time.perf_counter()
        found = hybrid.search(text)
        found[0:20], len(found)
        t3 = time.perf_counter()
        for name, spent in zip(timings, (t1 - t0, t2 - t1, t3 - t2), strict=True):
            timings[name].append(spent)
    for name, times in timings.items():
        timings[name] = times = times[len(texts) :]
        print(f"{name}: {percentiles(times)} over {len(times)} queries (first page + count)")
    return timings


def time_hybrid_legs(texts: list[str]) -> dict[str, list[float]]:
    """Hybrid search (first page and count) with its meaning leg in a worker thread and in
    the calling thread (``legs.THREADS`` 0), each query both ways, alternating which goes
    first, so that both see the same load; printed and returned (seconds, second round)."""
    from dailypapers.search import hybrid, legs

    threads = legs.THREADS
    timings: dict[str, list[float]] = {"side by side": [], "one after the other": []}
    try:
        for number, text in enumerate(texts + texts):
            ways = list(timings.items())
            for name, times in ways if number % 2 else ways[::-1]:
                legs.THREADS = threads if name == "side by side" else 0
                started = time.perf_counter()
                found = hybrid.search(text)
                found.ids[0:20], len(found)
                times.append(time.perf_counter() - started)
    finally:
        legs.THREADS = threads
    for name, times in timings.items():
        timings[name] = times = times[len(texts) :]
        print(f"hybrid, legs {name}: {percentiles(times)} over {len(times)} queries")
    return timings


def similar_papers_sample() -> list:
    """The 200 papers whose similar papers are timed and checked (the same at each run)."""
    from dailypapers.papers.models import Paper

    ids = list(Paper.objects.values_list("id", flat=True))
    return list(Paper.objects.filter(id__in=random.Random(5).sample(ids, min(200, len(ids)))))


def check_similar_ids(path: Path) -> bool:
    """Write the sample's ranked similar ids to ``path``, or compare them with it; True when
    every paper ranks its candidates as the file says (or the file was just written)."""
    from dailypapers.search.similar import similar_ids

    ranked = {str(paper.pk): similar_ids(paper) for paper in similar_papers_sample()}
    return compare_or_write(path, ranked, "papers' similar ids")


def check_hybrid_ids(path: Path) -> bool:
    """Write each of the 200 queries' first 100 hybrid ids and count to ``path``, or compare
    them with it; True when every query finds the same (or the file was just written)."""
    from dailypapers.search import hybrid

    found = {}
    for text in queries():
        results = hybrid.search(text)
        found[text] = [results.ids[0:100], results.total]
    return compare_or_write(path, found, "queries")


def compare_or_write(path: Path, found: dict, what: str) -> bool:
    if not path.exists():
        path.write_text(json.dumps(found))
        print(f"{len(found)} {what} written to {path}")
        return True
    before = json.loads(path.read_text())
    same = sum(before.get(key) == value for key, value in found.items())
    print(f"{same} of {len(found)} {what} find what {path} holds")
    return same == len(found) == len(before)


def time_similar() -> list[float]:
    """Seconds per first visit's similar papers (computed), printed and returned."""
    from django.core.cache import cache

    from dailypapers.search.similar import similar_papers

    papers = similar_papers_sample()
    computed, cached = [], []
    for paper in papers:  # warms the process, not the papers' rankings (cleared below)
        similar_papers(paper)
    cache.clear()
    for paper in papers:
        t0 = time.perf_counter()
        similar_papers(paper)  # a first visit: the ranking is computed, then cached
        t1 = time.perf_counter()
        similar_papers(paper)  # a later visit: the cached ranking
        computed.append(t1 - t0)
        cached.append(time.perf_counter() - t1)
    print(f"similar papers, computed: {percentiles(computed)} over {len(papers)} papers")
    print(f"similar papers, cached: {percentiles(cached)}")
    return computed


def vector_store() -> None:
    from dailypapers.search import vectors
    from dailypapers.search.vectors.hnsw_index import HnswIndex
    from dailypapers.search.vectors.numpy_index import NumpyIndex

    index = vectors.index()
    started = time.perf_counter()
    if isinstance(index, HnswIndex):
        snap = index.refresh(force=True)
        loaded = time.perf_counter() - started
        assert snap.manifest is not None
        print(
            f"vector index: HNSW, {snap.manifest.count} vectors (generation "
            f"{snap.manifest.generation}), mapped in {loaded:.2f} s, {len(snap.recent_ids)} "
            "vectors stored since searched exactly"
        )
        return
    assert isinstance(index, NumpyIndex), "PostgreSQL keeps its vectors in the database"
    index.refresh(force=True)
    exact = index.snapshot
    loaded = time.perf_counter() - started
    per_paper = exact.matrix.nbytes / len(exact.ids)
    print(
        f"vector index: {len(exact.ids)} x {exact.matrix.shape[1]} float32, "
        f"{exact.matrix.nbytes / 2**20:.0f} MiB ({per_paper * 1e6 / 2**30:.2f} GiB per million "
        f"papers), loaded from the database in {loaded:.1f} s"
    )


def memory_of_this_process() -> dict[str, int]:
    """KiB by kind (Rss, Pss, Anonymous, Shared_Clean, ...) from /proc/self/smaps_rollup."""
    found = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":")
        found[name] = int(value.split()[0])
    return found


def probe_memory() -> None:
    """In a fresh process: map the HNSW files, search, and print what that costs in memory."""
    import numpy as np

    from dailypapers.search import vectors
    from dailypapers.search.embedder import get_embedder
    from dailypapers.search.vectors.hnsw_index import HnswIndex

    get_embedder()  # every process holds the model (~30 MiB) anyway: not the index's cost
    before = memory_of_this_process()
    index = vectors.index()
    assert isinstance(index, HnswIndex), "no HNSW files to probe"
    snap = index.refresh(force=True)
    for paper_id in np.random.default_rng(6).choice(snap.built_ids, 300, replace=False):
        vector = index.vectors_of([int(paper_id)])[int(paper_id)]
        index.nearest(vector, 100, exclude=(int(paper_id),))
    after = memory_of_this_process()
    print(json.dumps({name: after[name] - before[name] for name in after}))


def hnsw(folder: Path, texts: list[str]) -> None:
    try:
        from usearch.index import Index  # noqa: F401
    except ImportError:
        print("usearch is not installed: HNSW not measured")
        return
    import numpy as np

    from dailypapers.search import vectors
    from dailypapers.search.embedder import get_embedder
    from dailypapers.search.vectors import hnsw_build, hnsw_index
    from dailypapers.search.vectors.numpy_index import NumpyIndex

    embedder = get_embedder()
    started = time.perf_counter()
    manifest = hnsw_build.update(embedder.name, embedder.dim, rebuild=True)
    assert manifest is not None
    spent = time.perf_counter() - started
    sizes = [path.stat().st_size / 2**20 for path in manifest.paths()]
    print(
        f"HNSW index ({hnsw_index.DTYPE}, M={hnsw_index.CONNECTIVITY}, "
        f"ef_construction={hnsw_index.EXPANSION_ADD}): {manifest.count} vectors built in "
        f"{spent:.0f} s; files: graph {sizes[0]:.0f} MiB, matrix {sizes[1]:.0f} MiB, "
        f"ids {sizes[2]:.1f} MiB ({sum(sizes) * 2**20 / manifest.count * 1e6 / 2**30:.2f} GiB "
        "per million papers)"
    )
    vectors.reset()
    index = vectors.index()
    assert isinstance(index, hnsw_index.HnswIndex)
    snap = index.refresh(force=True)
    exact = NumpyIndex(embedder.name)
    exact.refresh(force=True)
    # 1,000 queries: the 200 searches' vectors and 800 papers' own (as similar papers asks).
    rng = np.random.default_rng(7)
    papers = [int(i) for i in rng.choice(snap.built_ids, 1000 - len(texts), replace=False)]
    queries: list[tuple[np.ndarray, tuple[int, ...]]]
    queries = [(vectors.embed_query(text), ()) for text in texts]
    queries += [(exact.vectors_of([i])[i], (i,)) for i in papers]
    queries = [(vector, exclude) for vector, exclude in queries if vector.any()]
    for k in (20, 100):
        truth = [{i for i, _ in exact.nearest(v, k, exclude=e)} for v, e in queries]
        for expansion in (128, 200, 320):
            assert snap.graph is not None
            # usearch declares this setter apart from its getter, so mypy misses it.
            snap.graph.expansion_search = expansion  # type: ignore[misc]
            times, recall = [], 0.0
            for (vector, exclude), expected in zip(queries, truth, strict=True):
                t0 = time.perf_counter()
                found = index.nearest(vector, k, exclude=exclude)
                times.append(time.perf_counter() - t0)
                recall += len({i for i, _ in found} & expected) / len(expected)
            chosen = " (chosen)" if expansion == hnsw_index.EXPANSION_SEARCH else ""
            print(
                f"HNSW nearest k={k}, ef={expansion}{chosen}: {percentiles(times)}, "
                f"recall@{k} against exact {recall / len(queries):.3f} over {len(queries)} queries"
            )
    assert snap.graph is not None
    snap.graph.expansion_search = hnsw_index.EXPANSION_SEARCH  # type: ignore[misc]
    filtered(index, exact, snap.built_ids, [v for v, _ in queries[:200]])
    exact_by_size(exact.snapshot.ids, exact.snapshot.matrix, [v for v, _ in queries[:200]])
    env = {**os.environ, "DAILYPAPERS_DATA_DIR": str(folder)}
    probe = [sys.executable, __file__, "--data", str(folder), "--probe-memory"]
    used = json.loads(subprocess.run(probe, env=env, check=True, capture_output=True).stdout)
    anonymous, mapped = used["Anonymous"] / 1024, (used["Rss"] - used["Anonymous"]) / 1024
    print(
        f"HNSW memory of a process that mapped the files and ran 300 searches: {anonymous:.0f} "
        f"MiB its own ({anonymous * 2**20 / manifest.count * 1e6 / 2**30:.2f} GiB per million "
        f"papers), {mapped:.0f} MiB of file pages (shared by every process of the machine)"
    )


def filtered(index, exact, ids, queries) -> None:
    """nearest(k=100, allowed=...) by the size of the allowed set, through the exact route and
    through the graph (hnsw_index.EXACT_ALLOWED decides between them)."""
    import numpy as np

    from dailypapers.search.vectors import hnsw_index

    rng = np.random.default_rng(8)
    chosen = hnsw_index.EXACT_ALLOWED, hnsw_index.MAX_FETCH
    for size in (2_000, 5_000, 10_000, 20_000, 40_000, 80_000):
        allowed = rng.choice(ids, size, replace=False)
        truth = [{i for i, _ in exact.nearest(v, 100, allowed=allowed)} for v in queries]
        line = []
        for route, limit in (("exact", 10**9), ("graph", 0)):
            hnsw_index.EXACT_ALLOWED = limit
            hnsw_index.MAX_FETCH = 10**9
            times, recall = [], 0.0
            for vector, expected in zip(queries, truth, strict=True):
                t0 = time.perf_counter()
                found = index.nearest(vector, 100, allowed=allowed)
                times.append(time.perf_counter() - t0)
                recall += len({i for i, _ in found} & expected) / max(len(expected), 1)
            line.append(f"{route} {percentiles(times)} recall {recall / len(queries):.3f}")
        hnsw_index.EXACT_ALLOWED, hnsw_index.MAX_FETCH = chosen
        print(f"HNSW nearest k=100 among {size} allowed: " + "; ".join(line))


def exact_by_size(ids, matrix, queries) -> None:
    """The exact index's query time by corpus size: where it stops fitting a few ms."""
    from dailypapers.search.vectors.numpy_index import exact_nearest

    for size in (10_000, 25_000, 50_000, 100_000, len(ids)):
        times = []
        for vector in queries:
            t0 = time.perf_counter()
            exact_nearest(ids[:size], matrix[:size], vector, 100)
            times.append(time.perf_counter() - t0)
        print(f"exact nearest k=100 over {size} vectors: {percentiles(times)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="data folder to build (or reuse) and keep")
    parser.add_argument("--limit", type=int, default=10**9, help="import only N papers")
    parser.add_argument("--hnsw", action="store_true", help="(re)build and measure the HNSW index")
    parser.add_argument("--probe-memory", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--similar-ids", type=Path, help="write or compare the similar papers' ranked ids"
    )
    parser.add_argument(
        "--hybrid-ids", type=Path, help="write or compare the hybrid searches' ids and counts"
    )
    args = parser.parse_args()
    checks = args.similar_ids or args.hybrid_ids
    if checks and not (args.data and (args.data / "dailypapers.sqlite3").exists()):
        parser.error("--similar-ids and --hybrid-ids check an existing site: give its --data")
    with tempfile.TemporaryDirectory() as scratch:
        folder = (args.data or Path(scratch)).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / "dailypapers.sqlite3").exists():
            build(folder, args.limit)
        os.environ["DAILYPAPERS_DATA_DIR"] = str(folder)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
        os.environ["HF_HUB_OFFLINE"] = "1"
        import django

        django.setup()
        from dailypapers.papers.models import Paper

        if args.probe_memory:
            probe_memory()
            return
        if args.similar_ids:
            sys.exit(0 if check_similar_ids(args.similar_ids) else 1)
        if args.hybrid_ids:
            sys.exit(0 if check_hybrid_ids(args.hybrid_ids) else 1)
        print(f"{Paper.objects.count()} papers in {folder}")
        embedding_throughput()
        texts = queries()
        if args.hnsw:
            hnsw(folder, texts)
        vector_store()
        time_searches(texts)
        time_hybrid_legs(texts)
        time_similar()


if __name__ == "__main__":
    main()
