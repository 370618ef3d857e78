#!/usr/bin/env python3
"""Search quality on real relevance judgments, through the code the search page uses.

    .venv/bin/python bench/search_quality.py [--grid]

CACM (../shared/data/cacm-test-collection; the judged, odd-numbered queries): nDCG@10 and
recall@100 of keyword (tantivy bm25), semantic (the shipped embedder + exact vector index) and
hybrid (RRF, hybrid.py). CSFCube (../shared/data/csfcube, the dev queries of dev_split.json):
nDCG@20 of ranking each query paper's candidate pool the way "Similar papers" ranks its
candidates (similar.rank_candidates), against keyword "more like this" (two forms: the paper's
text as a search, and bm25 of all its content words) and against embeddings alone.
``--grid`` also prints hybrid nDCG@10 and similar-papers nDCG@20 for other constants (how the
defaults were chosen, on these dev judgments only).
Each collection is loaded into a fresh SQLite database in a temporary folder.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))


def setup_django(folder: str) -> None:
    os.environ["DAILYPAPERS_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    os.environ["HF_HUB_OFFLINE"] = "1"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def ndcg(ranked: list[str], grades: dict[str, float], k: int) -> float:
    dcg = sum(grades.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def load(records) -> dict[str, int]:
    """Save (key, title, abstract) records as papers and embed them; returns key -> paper id."""
    from dailypapers.papers.models import Paper
    from dailypapers.papers.writing import save_papers
    from dailypapers.search import vectors
    from dailypapers.sources.records import PaperRecord

    records = list(records)
    for start in range(0, len(records), 1000):
        batch = records[start : start + 1000]
        save_papers(
            PaperRecord(arxiv_id=k, title=t, abstract=a, authors=au) for k, t, a, au in batch
        )
    ids = dict(Paper.objects.values_list("arxiv_id", "id"))
    vectors.embed_papers(Paper.objects.all())
    vectors.index().refresh(force=True)
    return ids


def cacm(grid: bool) -> None:
    from dailypapers.search import hybrid, vectors
    from dailypapers.search.keyword import KeywordResults
    from dailypapers.search.query import parse_query

    folder = SHARED / "cacm-test-collection"
    docs = [json.loads(line) for line in (folder / "cacm_docs.jsonl").open()]
    ids = load(
        (f"cacm-{d['doc_id']}", d["title"], d.get("abstract") or "", d.get("authors") or [])
        for d in docs
    )
    key_of = {v: k for k, v in ids.items()}
    judged: dict[str, set[str]] = {}
    for line in (folder / "cacm_qrels.tsv").read_text().splitlines()[1:]:
        query_id, doc_id, _ = line.split("\t")
        judged.setdefault(query_id, set()).add(f"cacm-{doc_id}")
    queries = [json.loads(line) for line in (folder / "cacm_queries.jsonl").open()]
    queries = [q for q in queries if str(q["query_id"]) in judged]

    def score(ranker) -> tuple[float, float]:
        n10 = r100 = 0.0
        for q in queries:
            relevant = judged[str(q["query_id"])]
            ranked = [key_of[i] for i in ranker(q["text"])]
            n10 += ndcg(ranked, dict.fromkeys(relevant, 1), 10)
            r100 += len(set(ranked[:100]) & relevant) / len(relevant)
        return n10 / len(queries), r100 / len(queries)

    index = vectors.index()
    rankers = {
        "keyword (tantivy bm25)": lambda t: KeywordResults(parse_query(t)).ranked_ids(100),
        "semantic (embeddings)": lambda t: [
            i for i, _ in index.nearest(vectors.embed_query(t), 100)
        ],
        "hybrid (RRF)": lambda t: [p.pk for p in hybrid.search(t)[0:100]],
    }
    print(f"CACM: {len(docs)} documents, {len(queries)} judged queries")
    print("| ranking | nDCG@10 | recall@100 |\n|---|---:|---:|")
    for name, ranker in rankers.items():
        n10, r100 = score(ranker)
        print(f"| {name} | {n10:.3f} | {r100:.3f} |")
    if grid:
        defaults = (hybrid.RRF_K, hybrid.SEMANTIC_WEIGHT, hybrid.MIN_SIMILARITY)
        for k in (10, 30, 60, 100):
            for weight in (0.5, 0.75, 1.0, 1.5):
                for floor in (0.2, 0.3, 0.4):
                    hybrid.RRF_K, hybrid.SEMANTIC_WEIGHT, hybrid.MIN_SIMILARITY = k, weight, floor
                    n10, r100 = score(rankers["hybrid (RRF)"])
                    print(
                        f"grid k={k} semantic weight={weight} floor={floor}: {n10:.3f} {r100:.3f}"
                    )
        hybrid.RRF_K, hybrid.SEMANTIC_WEIGHT, hybrid.MIN_SIMILARITY = defaults


def csfcube(grid: bool) -> None:
    from dailypapers.papers.models import Paper
    from dailypapers.search import keyword, more_like_this, similar, vectors
    from dailypapers.search.embedder import paper_text
    from dailypapers.search.keyword import KeywordResults
    from dailypapers.search.query import ParsedQuery, Term, parse_query
    from dailypapers.search.restrict import Scope

    folder = SHARED / "csfcube"
    with gzip.open(folder / "corpus-from-readable-annotations.jsonl.gz", "rt") as handle:
        corpus = {r["paper_id"]: r for r in map(json.loads, handle)}
    ids = load((f"s2-{p}", r["title"], r["abstract"], []) for p, r in corpus.items())
    key_of = {v: k for k, v in ids.items()}
    dev = json.loads((folder / "dev_split.json").read_text())
    index = vectors.index()
    cases = []
    for facet, split in dev.items():
        judgments = json.loads((folder / f"test-pid2anns-csfcube-{facet}.json").read_text())
        for key in split["dev"]:
            pid = key.split("_")[0]
            entry = judgments[pid]
            grades = {
                f"s2-{c}": g for c, g in zip(entry["cands"], entry["relevance_adju"], strict=True)
            }
            pool = [ids[c] for c in grades if c in ids]
            cases.append((Paper.objects.get(pk=ids[f"s2-{pid}"]), grades, pool))

    def by_meaning(paper, pool):
        vector = index.vectors_of([paper.pk])[paper.pk]
        found = index.vectors_of(pool)
        return sorted(pool, key=lambda p: -float(found[p] @ vector))

    def similar_papers(paper, pool):
        return similar.rank_candidates(paper, pool, similar.query_vector(paper))

    def index_words(paper, pool):
        words = dict.fromkeys(more_like_this.words(paper_text(paper.title, paper.abstract)))
        query = ParsedQuery(text="", terms=[Term((word,)) for word in words])
        return KeywordResults(query, Scope(only=frozenset(pool))).ranked_ids(len(pool))

    def python_words(paper, pool):
        texts = Paper.objects.filter(id__in=pool).values_list("id", "title", "abstract")
        return more_like_this.rank(
            paper_text(paper.title, paper.abstract), {i: f"{t}. {a}" for i, t, a in texts}
        )

    rankers = {
        "keyword: the paper's text as a search (tantivy, first 32 words)": lambda paper, pool: (
            KeywordResults(
                parse_query(paper_text(paper.title, paper.abstract)),
                Scope(only=frozenset(pool)),
            ).ranked_ids(len(pool))
        ),
        "keyword more-like-this: tantivy bm25, OR of all its words": index_words,
        "keyword more-like-this: tantivy, its 25 best words by tf-idf (what similar papers use)": (
            lambda paper, pool: keyword.rank_by_shared_words(
                paper_text(paper.title, paper.abstract), pool
            )
        ),
        "keyword more-like-this: more_like_this.py (Python bm25)": python_words,
        "embeddings alone (cosine)": by_meaning,
        "similar papers (similar.py: embeddings + keyword more-like-this, RRF)": similar_papers,
    }

    def score(ranker) -> float:
        total = 0.0
        for paper, grades, pool in cases:
            ranked = ranker(paper, pool)
            ranked += [p for p in pool if p not in set(ranked)]
            total += ndcg([key_of[p] for p in ranked], grades, 20)
        return total / len(cases)

    print(f"\nCSFCube: {len(corpus)} papers, {len(cases)} dev queries (query by example)")
    print("| ranking of the candidate pool | nDCG@20 |\n|---|---:|")
    for name, ranker in rankers.items():
        print(f"| {name} | {score(ranker):.3f} |")
    if grid:
        defaults = (similar.TITLE_WEIGHT, similar.MEANING_WEIGHT)
        for title in (0.0, 0.3, 0.6):
            for weight in (0.5, 0.75, 1.0, 1.5):
                similar.TITLE_WEIGHT, similar.MEANING_WEIGHT = title, weight
                print(
                    f"grid similar title weight={title} meaning weight={weight}: "
                    f"{score(similar_papers):.3f}"
                )
        similar.TITLE_WEIGHT, similar.MEANING_WEIGHT = defaults


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        from dailypapers.search.embedder import get_embedder

        print(f"embedder: {get_embedder().name}")
        cacm(args.grid)
        from dailypapers.papers.models import Paper

        Paper.objects.all().delete()
        csfcube(args.grid)


if __name__ == "__main__":
    main()
