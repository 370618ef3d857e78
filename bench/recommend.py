#!/usr/bin/env python3
"""How well "For you" ranks, on an honest proxy without click logs: author continuity.

    .venv/bin/python bench/recommend.py [--cutoff 2026-01-01] [--authors 600] [--grid]

Over the 74,728 arXiv papers of ../shared/data/arxiv-cs-daily-listings-74k (date: first
announcement), take the author names with at least 5 papers before the cut-off and at least 2
after. An author's library is their most recent N papers before the cut-off (N = 5, 20, 50,
100, for the authors who have that many: few have 100 in the nine months before the
cut-off); the candidates are every paper after the cut-off; the
relevant ones are the author's own later papers. Measured: recall@20 and nDCG@20.

For you is ``dailypapers.library.ranking.rank``, the function the site calls, on vectors from
the site's embedder (``search.embedder``; all abstracts embedded once, cached in
``$TMPDIR/dailypapers-recommend-vectors.npy``), with Hugging Face upvotes where the paper was on
a daily list of ../shared/data/hf-daily-papers-history (the only votes there are). Author names
are never a signal: no follows, no author field in any ranking.
Baselines: most upvoted first (newest among equals); newest first; bm25 (tantivy) over the
candidates' titles and abstracts with the words of the library's titles as the query.

Authors are split in two by a hash of the name: ``--grid`` tries the ranking's parameters on the
"tune" half and the report is on the "test" half only.
Ends with: ``summary: recall@20 for-you=<x> best-baseline=<y> libraries=<n>``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import os
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# ../shared/data beside the checkout, or beside its parent (a git worktree in a folder).
SHARED = next(
    (
        folder / "shared" / "data"
        for folder in ROOT.parents
        if (folder / "shared" / "data").is_dir()
    ),
    ROOT.parent / "shared" / "data",
)
sys.path.insert(0, str(ROOT))
# The embedder reads its folder from the site's settings (DAILYPAPERS_EMBEDDING_MODEL).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")

from dailypapers.library.ranking import (  # noqa: E402
    DEFAULT,
    AuthorIndex,
    Weights,
    library_authors,
    rank,
)
from dailypapers.search.embedder import get_embedder, paper_text  # noqa: E402

SIZES = (5, 20, 50, 100)
K = 20


def load_papers() -> list[dict]:
    papers = []
    for path in sorted((SHARED / "arxiv-cs-daily-listings-74k").glob("arxiv-*.jsonl.gz")):
        with gzip.open(path, "rt") as lines:
            papers.extend(json.loads(line) for line in lines)
    papers.sort(key=lambda p: (p["listing_dates"][0], p["id"]))
    return papers


def load_votes() -> dict[str, int]:
    votes: dict[str, int] = {}
    with gzip.open(SHARED / "hf-daily-papers-history" / "hf_daily_papers.jsonl.gz", "rt") as f:
        for line in f:
            record = json.loads(line)
            votes[record["arxiv_id"]] = max(
                votes.get(record["arxiv_id"], 0), int(record.get("upvotes") or 0)
            )
    return votes


def embed(papers: list[dict]) -> np.ndarray:
    embedder = get_embedder()
    cache = Path(tempfile.gettempdir()) / "dailypapers-recommend-vectors.npy"
    key = hashlib.sha256(("".join(p["id"] for p in papers) + embedder.name).encode()).hexdigest()
    stamp = cache.with_suffix(".key")
    if cache.exists() and stamp.exists() and stamp.read_text() == key:
        return np.load(cache)
    started = time.perf_counter()
    texts = [paper_text(p["title"], p["abstract"]) for p in papers]
    matrix = np.concatenate(
        [embedder.embed(texts[i : i + 2000]) for i in range(0, len(texts), 2000)]
    )
    print(f"embedded {len(texts):,} abstracts in {time.perf_counter() - started:.0f} s")
    np.save(cache, matrix)
    cache.with_suffix(".key").write_text(key)
    return matrix


def ndcg(ranked: np.ndarray, relevant: set[int]) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked[:K]) if int(d) in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(K, len(relevant))))
    return dcg / ideal


def recall(ranked: np.ndarray, relevant: set[int]) -> float:
    return len(relevant & {int(d) for d in ranked[:K]}) / len(relevant)


class Bm25:
    """tantivy bm25 over the candidates' title and abstract, as the site's keyword engine."""

    def __init__(self, papers: list[dict], candidates: np.ndarray) -> None:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("position", stored=True, indexed=True, fast=True)
        builder.add_text_field("title", stored=False, tokenizer_name="en_stem")
        builder.add_text_field("abstract", stored=False, tokenizer_name="en_stem")
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema)
        writer = self.index.writer(heap_size=128_000_000, num_threads=1)
        for position, paper_index in enumerate(candidates):
            paper = papers[paper_index]
            writer.add_document(
                tantivy.Document(
                    position=position, title=paper["title"], abstract=paper["abstract"]
                )
            )
        writer.commit()
        self.index.reload()
        self.searcher = self.index.searcher()

    def rank(self, titles: list[str]) -> np.ndarray:
        import re

        words = sorted({w for t in titles for w in re.findall(r"[a-z0-9]{3,}", t.lower())})
        if not words:
            return np.zeros(0, dtype=np.int64)
        query = self.index.parse_query(" OR ".join(words[:1000]), ["title", "abstract"])
        hits = self.searcher.search(query, K).hits
        return np.asarray(
            [self.searcher.doc(address)["position"][0] for _, address in hits], dtype=np.int64
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cutoff", default="2026-01-01")
    parser.add_argument("--authors", type=int, default=600, help="per library size and half")
    parser.add_argument("--grid", action="store_true", help="tune on the tune half first")
    parser.add_argument("--tune-authors", type=int, default=60, help="per library size")
    args = parser.parse_args()

    papers = load_papers()
    vectors = embed(papers)
    known_votes = load_votes()
    dates = np.array([p["listing_dates"][0] for p in papers])
    cand = np.flatnonzero(dates >= args.cutoff)
    votes = np.array([known_votes.get(papers[i]["id"], 0) for i in cand], dtype=np.float64)
    day = np.array([np.datetime64(d) for d in dates[cand]])
    age_days = (day.max() - day).astype("timedelta64[D]").astype(np.float64)
    cand_vectors = vectors[cand]
    position_of = {int(paper): position for position, paper in enumerate(cand)}

    before: dict[str, list[int]] = defaultdict(list)
    after: dict[str, set[int]] = defaultdict(set)
    for index, paper in enumerate(papers):
        for name in set(paper["authors"]):
            if paper["listing_dates"][0] < args.cutoff:
                before[name].append(index)
            else:
                after[name].add(position_of[index])
    eligible = sorted(n for n in before if len(before[n]) >= 5 and len(after.get(n, ())) >= 2)
    print(
        f"{len(papers):,} papers, {len(cand):,} candidates after {args.cutoff}, "
        f"{len(eligible):,} eligible authors"
    )

    def half(name: str) -> str:
        return "tune" if hashlib.sha256(name.encode()).digest()[0] % 2 else "test"

    rng = np.random.default_rng(0)
    chosen: dict[tuple[str, int], list[str]] = {}
    for size in SIZES:
        for part in ("tune", "test"):
            names = [n for n in eligible if half(n) == part and len(before[n]) >= size]
            take = min(args.authors, len(names))
            chosen[part, size] = sorted(rng.choice(names, take, replace=False)) if take else []

    author_index = AuthorIndex([papers[i]["authors"] for i in cand])

    def for_you(names: list[str], size: int, weights: Weights) -> tuple[float, float]:
        recalls, ndcgs = [], []
        for name in names:
            library = vectors[before[name][-size:]]
            # The library's other authors (co-authors), never the author's own name.
            counts = library_authors([papers[i]["authors"] for i in before[name][-size:]])
            del counts[name]
            affinity = author_index.affinity(counts) if weights.authors else None
            ranked = rank(
                cand_vectors, library, votes, age_days, np.zeros(len(cand)), weights, affinity
            )
            recalls.append(recall(ranked.order, after[name]))
            ndcgs.append(ndcg(ranked.order, after[name]))
        return float(np.mean(recalls)), float(np.mean(ndcgs))

    weights = DEFAULT
    if args.grid:
        print("\ntuning on the tune half (recall@20, all sizes pooled):")
        best = (-1.0, DEFAULT)
        # A first grid (top_k 1, 3, 10 x centred or not x freshness 0, 0.3, without
        # library authors) chose top_k=1, centred: see docs/for-you.md.
        for authors in (0.0, 0.5, 1.0, 2.0):
            for fresh in (0.0, 0.3):
                trial = replace(DEFAULT, freshness=fresh, authors=authors)
                scores = [
                    for_you(chosen["tune", s][: args.tune_authors], s, trial)[0] for s in SIZES
                ]
                pooled = float(np.mean(scores))
                print(f"  authors={authors} freshness={fresh}: {pooled:.4f}", flush=True)
                if pooled > best[0]:
                    best = (pooled, trial)
        weights = best[1]
        print(f"chosen: {weights}")

    bm25 = Bm25(papers, cand)
    by_votes = np.lexsort((-day.astype(np.int64), -votes))
    by_newest = np.argsort(-day.astype(np.int64), kind="stable")
    print(f"\nreported on the test half ({weights}):\n")
    print(
        "| library | authors | for you R@20 | nDCG@20 | vectors only R@20 | upvoted R@20 "
        "| newest R@20 | bm25 titles R@20 | nDCG@20 |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    totals: dict[str, list[float]] = defaultdict(list)
    for size in SIZES:
        names = chosen["test", size]
        if not names:
            continue
        rec, nd = for_you(names, size, weights)
        vec_rec, _ = for_you(names, size, replace(weights, authors=0.0))
        base = defaultdict(list)
        for name in names:
            relevant = after[name]
            base["upvoted"].append(recall(by_votes, relevant))
            base["newest"].append(recall(by_newest, relevant))
            hits = bm25.rank([papers[i]["title"] for i in before[name][-size:]])
            base["bm25"].append(recall(hits, relevant))
            base["bm25_ndcg"].append(ndcg(hits, relevant))
        row = {k: float(np.mean(v)) for k, v in base.items()}
        print(
            f"| {size} | {len(names)} | {rec:.4f} | {nd:.4f} | {vec_rec:.4f} | "
            f"{row['upvoted']:.4f} | "
            f"{row['newest']:.4f} | {row['bm25']:.4f} | {row['bm25_ndcg']:.4f} |"
        )
        totals["for you"] += [rec] * len(names)
        totals["vectors only"] += [vec_rec] * len(names)
        for key in ("upvoted", "newest", "bm25"):
            totals[key] += [row[key]] * len(names)
    summary = {k: float(np.mean(v)) for k, v in totals.items()}
    best_baseline = max(summary[k] for k in ("upvoted", "newest", "bm25"))
    print(f"vectors only (no library authors): recall@20 {summary['vectors only']:.4f}")
    print(
        f"\nsummary: recall@20 for-you={summary['for you']:.4f} "
        f"best-baseline={best_baseline:.4f} libraries={len(totals['for you'])}"
    )


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
