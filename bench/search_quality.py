#!/usr/bin/env python3
"""Search quality on real relevance judgments, through the code the search page uses.

    .venv/bin/python bench/search_quality.py [--folds 5] [--repeats 20] [--any-word-caps]

CACM (../shared/data/cacm-test-collection: every query that has judgments): nDCG@10 and
recall@100 of keyword (tantivy bm25), semantic (the site's embedder + exact vector index) and
hybrid (hybrid.py). CSFCube (../shared/data/csfcube, the queries of dev_split.json): nDCG@20 of
ranking each query paper's candidate pool as "Similar papers" ranks its candidates
(similar.rank_candidates), against keyword "more like this" and embeddings alone.

Every constant of the fusion is chosen by k-fold cross-validation: for each fold, the best
member of a family (a grid of constants) on the other folds ranks the fold's queries, so each
query's figure comes from constants picked without it. The folds are drawn ``--repeats``
times; the tables give the mean over repeats, its spread (standard deviation over repeats) and
a 95% bootstrap interval over queries. Hybrid families: reciprocal rank fusion (weights, k, a
cosine floor), a convex mix of normalised scores (bm25 / best bm25 and cosine), RRF whose
meaning weight depends on the query's length, and RRF with the query vector moved towards its
top keyword matches (pseudo-relevance feedback); the keyword column weights and all-words rule
are cross-validated apart. Similar papers: RRF and a convex mix of places, over the words
ranking the site uses (``keyword.rank_by_any_word``). "any family" lets each fold also pick
the family: the honest figure for having chosen among families.

The last line is the configuration the site runs, computed through its own code:
``summary: cacm keyword=.. semantic=.. hybrid=..; csfcube similar=.. mlt=..``. Its constants
were chosen as the cross-validation chooses them, on the dev judgments; on other judgments
dropped into ../shared/data the same line is a held-out figure.
Each collection is loaded into a fresh SQLite database in a temporary folder.

``--any-word-caps`` prints only the study of cutting a long "any word" question to its rarest
tokens (``tantivy_search.ANY_WORD_TOKENS``) and the alternatives measured beside it
(``any_word_caps.py``, which reads CACM through this module).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import itertools
import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from crossval import (  # noqa: E402 (bench/ is on the path when run as a script)
    bootstrap,
    convex,
    cross_validate,
    ndcg,
    print_validated,
    rrf,
)

# Candidates per list, as hybrid.CANDIDATES.
DEPTH = 100


def setup_django(folder: str) -> None:
    os.environ["DAILYPAPERS_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    os.environ["HF_HUB_OFFLINE"] = "1"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def load(records) -> dict[str, int]:
    """Save (key, title, abstract, authors) records as papers and embed them; returns key ->
    paper id."""
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


@dataclass
class CacmQuery:
    relevant: set[int]
    words: int  # content words, as the keyword search counts them
    keyword: list[tuple[int, float]]  # top DEPTH by bm25, with scores
    meaning: list[tuple[int, float]]  # top DEPTH by cosine, with cosines
    # top DEPTH by cosine to the query vector moved towards the mean vector of the top
    # keyword matches (pseudo-relevance feedback), by (matches, their weight)
    feedback: dict[tuple[int, float], list[tuple[int, float]]]


def bm25_head(text: str) -> list[tuple[int, float]]:
    """The keyword ranking the site makes (KeywordResults), with tantivy's bm25 scores."""
    from dailypapers.search.keyword import KeywordResults, tantivy_index, tantivy_search
    from dailypapers.search.query import parse_query
    from dailypapers.search.restrict import Scope

    results = KeywordResults(parse_query(text))
    if results.expression is None:
        return []
    searcher = tantivy_index.get().searcher()
    query = tantivy_search._restricted(searcher, results.expression, Scope())
    hits = searcher.search(query, DEPTH).hits
    ids = searcher.fast_field_values("id", [address for _, address in hits])  # type: ignore[attr-defined]
    return [(int(i), float(score)) for i, (score, _) in zip(ids, hits, strict=True)]


def meaning_ids(q: CacmQuery, floor: float) -> list[int]:
    return [i for i, score in q.meaning if score >= floor]


def by_rrf(q: CacmQuery, weight: float, k: int, floor: float) -> list[int]:
    return rrf([(1.0, [i for i, _ in q.keyword]), (weight, meaning_ids(q, floor))], k)


def by_convex(q: CacmQuery, alpha: float, floor: float) -> list[int]:
    return convex(q.keyword, [m for m in q.meaning if m[1] >= floor], alpha)


def by_length(q: CacmQuery, short: float, long: float, over: int, floor: float) -> list[int]:
    weight = long if q.words > over else short
    return rrf([(1.0, [i for i, _ in q.keyword]), (weight, meaning_ids(q, floor))], 60)


def by_feedback(q: CacmQuery, weight: float, moved: tuple[int, float], floor: float) -> list[int]:
    found = [i for i, score in q.feedback[moved] if score >= floor]
    return rrf([(1.0, [i for i, _ in q.keyword]), (weight, found)], 60)


def keyword_grid(texts: list[dict], queries: list[CacmQuery], folds: int, repeats: int):
    """Cross-validated keyword nDCG@10 over the column weights (title, authors; abstract 1)
    and the all-words rule (a query of more words is ranked by any of them at once)."""
    from dailypapers.search import keyword
    from dailypapers.search.keyword import KeywordResults, tantivy_search
    from dailypapers.search.query import parse_query

    defaults = (dict(tantivy_search.TEXT_FIELDS), keyword.ALL_WORDS_UP_TO)
    table: dict[object, np.ndarray] = {}
    try:
        for title, authors, up_to in itertools.product(
            (2.0, 1.0, 1.5, 3.0, 5.0), (1.5, 1.0, 2.0), (8, 0, 4, 100)
        ):
            tantivy_search.TEXT_FIELDS.update({"title": title, "author_names": authors})
            keyword.ALL_WORDS_UP_TO = up_to
            table[("title", title, "authors", authors, "all words up to", up_to)] = np.array(
                [
                    ndcg(
                        KeywordResults(parse_query(t["text"])).ranked_ids(10),
                        dict.fromkeys(q.relevant, 1),
                        10,
                    )
                    for t, q in zip(texts, queries, strict=True)
                ]
            )
    finally:
        tantivy_search.TEXT_FIELDS.update(defaults[0])
        keyword.ALL_WORDS_UP_TO = defaults[1]
    return cross_validate(table, folds, repeats)


def load_cacm() -> tuple[list[dict], dict[str, set[int]], int]:
    """CACM's documents saved as papers (and embedded); its judged queries, the judgments
    (query id -> relevant paper ids) and the number of documents."""
    folder = SHARED / "cacm-test-collection"
    docs = [json.loads(line) for line in (folder / "cacm_docs.jsonl").open()]
    ids = load(
        (f"cacm-{d['doc_id']}", d["title"], d.get("abstract") or "", d.get("authors") or [])
        for d in docs
    )
    judged: dict[str, set[int]] = {}
    for line in (folder / "cacm_qrels.tsv").read_text().splitlines()[1:]:
        query_id, doc_id, _ = line.split("\t")
        judged.setdefault(query_id, set()).add(ids[f"cacm-{doc_id}"])
    texts = [json.loads(line) for line in (folder / "cacm_queries.jsonl").open()]
    return [q for q in texts if str(q["query_id"]) in judged], judged, len(docs)


def cacm(folds: int, repeats: int) -> dict[str, float]:
    from dailypapers.search import hybrid, vectors
    from dailypapers.search.keyword import KeywordResults
    from dailypapers.search.query import parse_query
    from dailypapers.search.restrict import match_terms

    texts, judged, documents = load_cacm()
    index = vectors.index()

    def moved(vector: np.ndarray, keyword: list[tuple[int, float]], count: int, weight: float):
        found = index.vectors_of([i for i, _ in keyword[:count]])
        if not found or not weight:
            return index.nearest(vector, DEPTH)
        mixed = vector + weight * np.mean(list(found.values()), axis=0)
        return index.nearest(mixed / np.linalg.norm(mixed), DEPTH)

    queries = []
    for q in texts:
        vector = vectors.embed_query(q["text"])
        head = bm25_head(q["text"])
        queries.append(
            CacmQuery(
                relevant=judged[str(q["query_id"])],
                words=len(match_terms(parse_query(q["text"]))),
                keyword=head,
                meaning=index.nearest(vector, DEPTH),
                feedback={
                    (count, weight): moved(vector, head, count, weight)
                    for count in (3, 5, 10)
                    for weight in (0.5, 1.0, 2.0)
                },
            )
        )
    print(f"CACM: {documents} documents, {len(queries)} judged queries, folds {folds} x {repeats}")

    def figures(rank: Callable[..., list[int]], **constants) -> np.ndarray:
        return np.array(
            [ndcg(rank(q, **constants), dict.fromkeys(q.relevant, 1), 10) for q in queries]
        )

    floors = (0.0, 0.2, 0.3, 0.4, 0.5)
    grids: dict[str, tuple[Callable[..., list[int]], dict[str, tuple]]] = {
        "RRF": (
            by_rrf,
            {"weight": (0.0, 0.25, 0.5, 0.75, 1.0, 1.5), "k": (10, 30, 60, 100), "floor": floors},
        ),
        "convex": (
            by_convex,
            {
                "alpha": tuple(float(a) for a in np.round(np.arange(0, 1.01, 0.1), 2)),
                "floor": floors,
            },
        ),
        "RRF by length": (
            by_length,
            {
                "short": (0.0, 0.25, 0.5),
                "long": (0.5, 0.75, 1.0, 1.5, 2.0),
                "over": (2, 3, 5, 8),
                "floor": floors,
            },
        ),
        "RRF, meaning with feedback": (
            by_feedback,
            {
                "weight": (0.25, 0.5, 0.75, 1.0, 1.5),
                "moved": tuple(queries[0].feedback),
                "floor": floors,
            },
        ),
    }
    families: dict[str, dict[object, np.ndarray]] = {}
    for name, (rank, grid) in grids.items():
        families[name] = {}
        for values in itertools.product(*grid.values()):
            constants = dict(zip(grid, values, strict=True))
            families[name][tuple(constants.items())] = figures(rank, **constants)
    keyword_only = figures(lambda q: [i for i, _ in q.keyword])
    keyword_rows = [
        ("keyword: column weights, all-words rule", keyword_grid(texts, queries, folds, repeats))
    ]
    meaning_only = figures(lambda q: [i for i, _ in q.meaning])
    rows = [
        (f"hybrid: {name}", cross_validate(table, folds, repeats))
        for name, table in families.items()
    ]
    everything = {
        (name, member): v for name, table in families.items() for member, v in table.items()
    }
    rows.append(("hybrid: any family", cross_validate(everything, folds, repeats)))
    print(
        f"keyword alone (no constant fitted here): nDCG@10 {keyword_only.mean():.3f} "
        f"({bootstrap(keyword_only)[0]:.3f}-{bootstrap(keyword_only)[1]:.3f})"
    )
    print(
        f"semantic alone (no constant fitted here): nDCG@10 {meaning_only.mean():.3f} "
        f"({bootstrap(meaning_only)[0]:.3f}-{bootstrap(meaning_only)[1]:.3f})"
    )
    print_validated(keyword_rows, "CACM keyword nDCG@10")
    # The cosine floor also decides how many papers a search lists (each one found by meaning
    # alone is counted): how much each floor costs around the pick of each family.
    for name, table in families.items():
        pick = dict(max(table, key=lambda member: table[member].mean()))
        costs = [
            f"{floor}: {table[tuple({**pick, 'floor': floor}.items())].mean():.3f}"
            for floor in floors
        ]
        print(f"{name}, picked constants by floor (all queries): {', '.join(costs)}")
    print_validated(rows, "CACM hybrid nDCG@10")
    best = max(rows, key=lambda row: row[1].mean)[1]
    gain = best.per_query - keyword_only
    print(
        f"best family minus keyword, per query: {gain.mean():+.3f} "
        f"(95% interval {bootstrap(gain)[0]:+.3f} to {bootstrap(gain)[1]:+.3f})"
    )

    # As the site runs it: its own code and constants.
    rankers = {
        "keyword": lambda t: KeywordResults(parse_query(t)).ranked_ids(100),
        "semantic": lambda t: [i for i, _ in index.nearest(vectors.embed_query(t), 100)],
        "hybrid": lambda t: [p.pk for p in hybrid.search(t)[0:100]],
    }
    site: dict[str, float] = {}
    print("\n| as the site runs it | nDCG@10 | recall@100 |\n|---|---:|---:|")
    for name, ranker in rankers.items():
        n10 = r100 = 0.0
        for q, text in zip(queries, texts, strict=True):
            ranked = ranker(text["text"])
            n10 += ndcg(ranked, dict.fromkeys(q.relevant, 1), 10)
            r100 += len(set(ranked[:100]) & q.relevant) / len(q.relevant)
        site[name] = n10 / len(queries)
        print(f"| {name} | {site[name]:.3f} | {r100 / len(queries):.3f} |")
    return site


def csfcube(folds: int, repeats: int) -> dict[str, float]:
    from dailypapers.papers.models import Paper
    from dailypapers.search import keyword, similar, vectors
    from dailypapers.search.embedder import paper_text
    from dailypapers.search.keyword import more_like_this

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
    print(f"\nCSFCube: {len(corpus)} papers, {len(cases)} queries (query by example)")

    def figure(ranked: list[int], pool: list[int], grades: dict) -> float:
        ranked = ranked + [p for p in pool if p not in set(ranked)]
        return ndcg([key_of[p] for p in ranked], grades, 20)

    def all_words(paper, pool):
        return keyword.rank_by_any_word(paper_text(paper.title, paper.abstract), pool)

    def python_words(paper, pool):
        texts = Paper.objects.filter(id__in=pool).values_list("id", "title", "abstract")
        return more_like_this.rank(
            paper_text(paper.title, paper.abstract), {i: f"{t}. {a}" for i, t, a in texts}
        )

    def best_words(paper, pool):
        return keyword.rank_by_shared_words(paper_text(paper.title, paper.abstract), pool)

    word_rankings = {
        "25 best words": best_words,
        "all words": all_words,
        "Python bm25": python_words,
    }
    by_words = {
        name: [rank(p, pool) for p, _, pool in cases] for name, rank in word_rankings.items()
    }
    title_weights = (0.0, 0.15, 0.3, 0.6)
    by_meaning: dict[float, list[list[int]]] = {}
    for weight in title_weights:
        by_meaning[weight] = []
        for paper, _, pool in cases:
            vector = index.vectors_of([paper.pk])[paper.pk] + weight * vectors.embed_query(
                paper.title
            )
            found = index.vectors_of(pool)
            by_meaning[weight].append(sorted(found, key=lambda i: -float(found[i] @ vector)))

    def figures(rank: Callable[[int], list[int]]) -> np.ndarray:
        return np.array(
            [figure(rank(n), pool, grades) for n, (_, grades, pool) in enumerate(cases)]
        )

    print("| ranking of the candidate pool (nothing fitted) | nDCG@20 |\n|---|---:|")
    plain = {
        f"keyword more-like-this: {name}": figures(lambda n, r=r: r[n])
        for name, r in by_words.items()
    }
    plain["embeddings alone (cosine)"] = figures(lambda n: by_meaning[0.0][n])
    for name, values in plain.items():
        print(f"| {name} | {values.mean():.3f} |")

    def fused(n: int, words: str, title: float, weight: float, k: int) -> list[int]:
        return rrf([(1.0, by_words[words][n]), (weight, by_meaning[title][n])], k)

    def borda(n: int, words: str, title: float, alpha: float) -> list[int]:
        """A convex mix of the two rank positions, each scaled to [0, 1] over the pool."""
        size = len(cases[n][2]) or 1
        score = {i: (1 - alpha) * (1 - r / size) for r, i in enumerate(by_words[words][n])}
        for r, i in enumerate(by_meaning[title][n]):
            score[i] = score.get(i, 0.0) + alpha * (1 - r / size)
        return sorted(score, key=lambda i: -score[i])

    grids = {
        "RRF": (
            fused,
            {
                "words": ("all words",),
                "title": title_weights,
                "weight": (0.5, 0.75, 1.0, 1.5, 2.0),
                "k": (10, 30, 60),
            },
        ),
        "convex on ranks": (
            borda,
            {
                "words": ("all words",),
                "title": title_weights,
                "alpha": tuple(float(a) for a in np.round(np.arange(0.1, 0.95, 0.1), 2)),
            },
        ),
    }
    families: dict[str, dict[object, np.ndarray]] = {}
    for name, (rank, grid) in grids.items():
        families[name] = {}
        for values in itertools.product(*grid.values()):
            constants = dict(zip(grid, values, strict=True))
            families[name][tuple(constants.items())] = figures(functools.partial(rank, **constants))
    rows = [(f"similar: {name}", cross_validate(t, folds, repeats)) for name, t in families.items()]
    everything = {(name, m): v for name, t in families.items() for m, v in t.items()}
    rows.append(("similar: any family", cross_validate(everything, folds, repeats)))
    print_validated(rows, "CSFCube nDCG@20")
    best_mlt = max(plain[f"keyword more-like-this: {name}"].mean() for name in word_rankings)
    best = max(rows, key=lambda row: row[1].mean)[1]
    print(f"best family minus best keyword more-like-this: {best.mean - best_mlt:+.3f}")

    site_figures = figures(
        lambda n: similar.rank_candidates(
            cases[n][0], cases[n][2], similar.query_vector(cases[n][0])
        )
    )
    print(f"\nas the site runs it: similar papers nDCG@20 {site_figures.mean():.3f}")
    return {"similar": float(site_figures.mean()), "mlt": float(best_mlt)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument(
        "--any-word-caps", action="store_true", help="only the study of cutting long questions"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        if args.any_word_caps:
            from any_word_caps import any_word_caps

            any_word_caps(args.folds, args.repeats)
            return
        from dailypapers.search.embedder import get_embedder

        print(f"embedder: {get_embedder().name}")
        site = cacm(args.folds, args.repeats)
        from dailypapers.papers.models import Paper

        Paper.objects.all().delete()
        similar = csfcube(args.folds, args.repeats)
    print(
        f"summary: cacm keyword={site['keyword']:.3f} semantic={site['semantic']:.3f} "
        f"hybrid={site['hybrid']:.3f}; csfcube similar={similar['similar']:.3f} "
        f"mlt={similar['mlt']:.3f}"
    )


if __name__ == "__main__":
    main()
