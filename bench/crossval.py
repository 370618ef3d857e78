"""Cross-validation and rank fusion for the quality benches (search_quality.py, search_models.py).

``cross_validate`` gives the held-out figure of "pick the member of a family (a grid of
constants) with the best mean on the other folds"; ``bootstrap`` a 95% interval over queries;
``rrf`` (the site's own ``hybrid.fuse``) and ``convex`` are fusion rules the hybrid grid tries.
The benches hand in per-query figures and ranked ids.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def ndcg(ranked: Sequence, grades: dict, k: int) -> float:
    dcg = sum(grades.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def bootstrap(values: np.ndarray, rounds: int = 2000, seed: int = 0) -> tuple[float, float]:
    """95% interval of the mean of per-query values, by resampling queries."""
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), (rounds, len(values)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


@dataclass
class Validated:
    mean: float  # mean over repeats of the held-out figure
    spread: float  # standard deviation over repeats
    interval: tuple[float, float]  # bootstrap over queries of the per-query held-out figure
    per_query: np.ndarray
    chosen_on_all: object  # the member the same rule picks on every query (what the site runs)


def cross_validate(table: dict[object, np.ndarray], folds: int, repeats: int) -> Validated:
    """Held-out figure of "pick the member with the best mean on the training folds".

    ``table`` maps each member (a tuple of constants) to its per-query figures; ties go to the
    member listed first, so list the simplest first."""
    members = list(table)
    scores = np.stack([table[m] for m in members])
    count = scores.shape[1]
    held_out = np.zeros((repeats, count))
    rng = np.random.default_rng(0)
    for repeat in range(repeats):
        for part in np.array_split(rng.permutation(count), min(folds, count)):
            train = np.setdiff1d(np.arange(count), part)
            best = int(np.argmax(scores[:, train].mean(axis=1)))
            held_out[repeat, part] = scores[best, part]
    per_query = held_out.mean(axis=0)
    return Validated(
        mean=float(held_out.mean()),
        spread=float(held_out.mean(axis=1).std()),
        interval=bootstrap(per_query),
        per_query=per_query,
        chosen_on_all=members[int(np.argmax(scores.mean(axis=1)))],
    )


def rrf(lists: list[tuple[float, list[int]]], k: float) -> list[int]:
    from dailypapers.search.hybrid import fuse

    return fuse([(w, ids) for w, ids in lists if w], k)


def convex(keyword: list[tuple[int, float]], meaning: list[tuple[int, float]], alpha: float):
    """(1 - alpha) * bm25 / best bm25 + alpha * cosine rescaled to [0, 1] over the list."""
    scores: dict[int, float] = {}
    if keyword:
        top = max(s for _, s in keyword) or 1.0
        for paper_id, score in keyword:
            scores[paper_id] = (1 - alpha) * score / top
    if meaning:
        high, low = meaning[0][1], meaning[-1][1]
        for paper_id, score in meaning:
            scaled = (score - low) / (high - low) if high > low else 1.0
            scores[paper_id] = scores.get(paper_id, 0.0) + alpha * scaled
    return sorted(scores, key=lambda i: -scores[i])


def print_validated(rows: list[tuple[str, Validated]], metric: str) -> None:
    print(f"| {metric}, cross-validated | mean | spread | 95% interval | picked on all queries |")
    print("|---|---:|---:|---|---|")
    for name, result in rows:
        low, high = result.interval
        print(
            f"| {name} | {result.mean:.3f} | ±{result.spread:.3f} | {low:.3f}-{high:.3f} "
            f"| {result.chosen_on_all} |"
        )
