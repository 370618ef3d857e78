#!/usr/bin/env python3
"""Search speed on the 170k real papers of ../shared/data, through the code the views use.

    .venv/bin/python bench/search_speed.py [--limit N]

Loads the arXiv listings (74k) and the conference papers (96k) into a fresh SQLite database in
a temporary folder, embeds them all (printing the throughput), then times keyword, semantic
(including embedding the query) and hybrid search, and similar papers, over 200 queries: the
64 CACM queries and key phrases (first four title words) of 136 corpus papers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))


def records(limit: int):
    from dailypapers.sources.records import PaperRecord

    count = 0
    for shard in sorted((SHARED / "arxiv-cs-daily-listings-74k").glob("arxiv-*.jsonl.gz")):
        with gzip.open(shard, "rt") as handle:
            for row in map(json.loads, handle):
                yield PaperRecord(
                    arxiv_id=row["id"],
                    title=" ".join(row["title"].split()),
                    abstract=row["abstract"],
                    authors=row["authors"][:50],
                )
                count += 1
    for shard in sorted((SHARED / "conference-papers-papercopilot").glob("*.jsonl.gz")):
        with gzip.open(shard, "rt") as handle:
            for number, row in enumerate(map(json.loads, handle)):
                if count >= limit:
                    return
                yield PaperRecord(
                    arxiv_id=f"{shard.name.split('.')[0]}-{number}",
                    title=row.get("title") or "untitled",
                    abstract=row.get("abstract") or "",
                    authors=(row.get("authors") or [])[:50],
                )
                count += 1


def percentiles(times: list[float]) -> str:
    times = sorted(t * 1000 for t in times)
    p95 = times[int(len(times) * 0.95) - 1]
    return f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=10**9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DAILYPAPERS_DATA_DIR"] = folder
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from dailypapers.papers.models import Paper
        from dailypapers.papers.writing import save_papers
        from dailypapers.search import hybrid, vectors
        from dailypapers.search.keyword import keyword_search
        from dailypapers.search.similar import similar_papers

        batch: list = []
        started = time.perf_counter()
        for record in records(args.limit):
            batch.append(record)
            if len(batch) == 2000:
                save_papers(batch)
                batch = []
        save_papers(batch)
        total = Paper.objects.count()
        print(f"{total} papers saved in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        call_command("embed", "--batch-size", "2000", verbosity=0)
        spent = time.perf_counter() - started
        print(
            f"embedded {total} papers in {spent:.0f} s ({total / spent:.0f} papers/s, with saving)"
        )
        index = vectors.index()
        started = time.perf_counter()
        index.refresh(force=True)
        print(
            f"vector index loaded in {time.perf_counter() - started:.2f} s, "
            f"{index.snapshot.matrix.nbytes / 2**20:.0f} MiB"
        )

        cacm = SHARED / "cacm-test-collection" / "cacm_queries.jsonl"
        queries = [json.loads(line)["text"][:200] for line in cacm.open()]
        titles = Paper.objects.order_by("?").values_list("title", flat=True)[: 200 - len(queries)]
        queries += [" ".join(title.split()[:4]) for title in titles]
        timings: dict[str, list[float]] = {"keyword": [], "semantic": [], "hybrid": []}
        for text in queries:
            t0 = time.perf_counter()
            results = keyword_search(text)
            results[0:20], len(results)
            t1 = time.perf_counter()
            index.nearest(vectors.embed_query(text), 20)
            t2 = time.perf_counter()
            found = hybrid.search(text)
            found[0:20], len(found)
            t3 = time.perf_counter()
            timings["keyword"].append(t1 - t0)
            timings["semantic"].append(t2 - t1)
            timings["hybrid"].append(t3 - t2)
        for name, times in timings.items():
            print(f"{name}: {percentiles(times)} over {len(times)} queries (first page + count)")
        papers = list(Paper.objects.order_by("?")[:200])
        times = []
        for paper in papers:
            t0 = time.perf_counter()
            similar_papers(paper)
            times.append(time.perf_counter() - t0)
        print(f"similar papers: {percentiles(times)} over {len(times)} papers")


if __name__ == "__main__":
    main()
