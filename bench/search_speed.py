#!/usr/bin/env python3
"""Search speed on the 170k real papers of ../shared/data, through the code the views use.

    .venv/bin/python bench/search_speed.py [--data DIR] [--limit N] [--hnsw]

Writes the arXiv listings (74,728) and the conference papers (95,652) as arXiv-snapshot lines
(bench/ingest.py's converters), imports them with ``dailypapers import snapshot`` and embeds
them with ``dailypapers embed`` into a fresh data folder (``--data DIR`` keeps it, and reuses
it when it already holds papers). Prints the embedding throughput, then times keyword,
semantic (embedding the query included) and hybrid search (first page of 20 and the count),
over 200 queries: the 64 CACM queries and the key phrases (first four title words) of 136
corpus papers; then similar papers of 200 papers; then the vector store's memory.
``--hnsw`` also builds a usearch HNSW index (if the package is installed) and measures its
speed and recall@20 against the exact index.
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


def percentiles(times: list[float]) -> str:
    times = sorted(t * 1000 for t in times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
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


def time_searches(texts: list[str]) -> None:
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
        times = times[len(texts) :]
        print(f"{name}: {percentiles(times)} over {len(times)} queries (first page + count)")


def time_similar() -> None:
    from dailypapers.papers.models import Paper
    from dailypapers.search.similar import similar_papers

    ids = list(Paper.objects.values_list("id", flat=True))
    papers = list(Paper.objects.filter(id__in=random.Random(5).sample(ids, 200)))
    times = []
    for paper in papers + papers:
        t0 = time.perf_counter()
        similar_papers(paper)
        times.append(time.perf_counter() - t0)
    print(f"similar papers: {percentiles(times[len(papers) :])} over {len(papers)} papers")


def vector_store() -> None:
    from dailypapers.search import vectors

    index = vectors.index()
    started = time.perf_counter()
    index.refresh(force=True)
    snap = index.snapshot
    loaded = time.perf_counter() - started
    per_paper = snap.matrix.nbytes / len(snap.ids)
    print(
        f"vector index: {len(snap.ids)} x {snap.matrix.shape[1]} float32, "
        f"{snap.matrix.nbytes / 2**20:.0f} MiB ({per_paper * 1e6 / 2**30:.2f} GiB per million "
        f"papers), loaded from the database in {loaded:.1f} s"
    )


def hnsw(texts: list[str]) -> None:
    try:
        from usearch.index import Index
    except ImportError:
        print("usearch is not installed: HNSW not measured")
        return
    import numpy as np

    from dailypapers.search import vectors

    snap = vectors.index().snapshot
    index = Index(ndim=snap.matrix.shape[1], metric="cos", dtype="f16", connectivity=16)
    started = time.perf_counter()
    index.add(snap.ids, snap.matrix, threads=2)
    print(
        f"usearch HNSW (M=16, f16): built over {len(snap.ids)} in "
        f"{time.perf_counter() - started:.0f} s, {index.memory_usage / 2**20:.0f} MiB"
    )
    query_vectors = np.stack([vectors.embed_query(t) for t in texts])
    exact = [{i for i, _ in vectors.index().nearest(v, 20)} for v in query_vectors if v.any()]
    for expansion in (32, 64, 128):
        index.expansion_search = expansion
        times, recall = [], 0.0
        for vector, truth in zip((v for v in query_vectors if v.any()), exact, strict=True):
            t0 = time.perf_counter()
            found = index.search(vector, 20)
            times.append(time.perf_counter() - t0)
            recall += len(set(found.keys.tolist()) & truth) / len(truth)
        print(
            f"usearch ef={expansion}: {percentiles(times)}, recall@20 against exact "
            f"{recall / len(exact):.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="data folder to build (or reuse) and keep")
    parser.add_argument("--limit", type=int, default=10**9, help="import only N papers")
    parser.add_argument("--hnsw", action="store_true", help="also measure a usearch HNSW index")
    args = parser.parse_args()
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

        print(f"{Paper.objects.count()} papers in {folder}")
        embedding_throughput()
        vector_store()
        texts = queries()
        time_searches(texts)
        time_similar()
        if args.hnsw:
            hnsw(texts)


if __name__ == "__main__":
    main()
