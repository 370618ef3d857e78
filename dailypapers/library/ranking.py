"""The "For you" ranking, pure: candidate and library vectors, votes, ages and follow matches
in, an order out. ``foryou.py`` feeds it from the database for the site; ``bench/recommend.py``
feeds it from the shared data set, so the figures measured are those of this very function.

How a candidate scores (docs/for-you.md):

- **closeness**: the mean of its ``top_k`` highest cosines to the library's papers. A reader of
  two fields has two groups of library papers; a candidate close to a few papers of either
  group scores high, where a single average vector of the library would sit between the two
  fields and be close to neither. The library paper it is closest to is its reason.
- **community**: log of its upvotes, scaled to the period's most upvoted paper.
- **freshness**: 1 for the newest candidate, halving every ``half_life_days``.
- **library authors**: for each of its authors who wrote papers of the library, the log of how
  many; a reader who keeps four papers by someone hears of their fifth.
- **follows**: a fixed bonus when a followed author, organization, category or search brought it.

Closeness is standardised over the candidates (z-score), so the weights of the other terms
mean the same whatever the embedding model's cosine range.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Weights:
    """The blend. ``top_k``, ``center``, ``freshness`` and ``authors`` were chosen by
    ``bench/recommend.py --grid`` on half of its authors and measured on the other half
    (docs/for-you.md): the single closest library paper (``top_k=1``) beat the mean of the 3
    or 10 closest, centring doubled recall, freshness changed nothing measurable. The vote
    weight cannot be tuned there (the bench has almost no votes) and is kept small so that
    closeness decides and upvotes break near-ties; ``follow`` is about the closeness z-score
    of a day's closest paper, so a followed author's new paper comes near the top."""

    top_k: int = 1
    center: bool = True
    votes: float = 0.25
    freshness: float = 0.0
    half_life_days: float = 7.0
    follow: float = 3.0
    authors: float = 2.0


DEFAULT = Weights()


@dataclass(frozen=True)
class Ranked:
    order: np.ndarray  # candidate positions, best first
    score: np.ndarray  # the blended score of each candidate (by position)
    closeness: np.ndarray  # mean top-k cosine of each candidate to the library
    nearest: np.ndarray  # per candidate, the position (in the library given) of its closest
    # library paper (-1: none)
    nearest_cosine: np.ndarray  # that closest library paper's cosine


def closeness(
    candidates: np.ndarray, library: np.ndarray, top_k: int, center: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate: the mean of its ``top_k`` best cosines to library rows, the position of
    its closest library row, and that row's cosine.

    ``center`` takes the candidates' mean vector off both sides first: a static embedding puts
    every paper near one common direction, so raw cosines are all high and say more about
    "is a paper" than about topic; centred, they say what sets a paper apart."""
    n = len(candidates)
    # A paper without a vector yet (a zero row) is neither close nor far: it gets the
    # median closeness, so it neither tops nor sinks the list.
    present = np.asarray(candidates.any(axis=1)) if n else np.zeros(0, dtype=bool)
    # Library rows without a vector are left out; ``kept`` maps what is left back to the
    # caller's positions, so "nearest" names the right library paper.
    kept = np.flatnonzero(library.any(axis=1)) if len(library) else np.zeros(0, np.int64)
    library = library[kept] if len(library) else library
    if n == 0 or len(library) == 0 or not present.any():
        return np.zeros(n, np.float32), np.full(n, -1), np.zeros(n, np.float32)
    if center:
        mean = candidates[present].mean(axis=0)
        candidates = _unit(candidates - mean)
        library = _unit(library - mean)
    return _near(candidates @ library.T, kept, present, top_k)  # (n, m)


def closeness_many(
    candidates: np.ndarray, libraries: list[np.ndarray], top_k: int, center: bool
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``closeness(candidates, library, top_k, center)`` of each library, from one matrix
    product of the candidates against all the libraries' rows stacked: a digest worker's
    batch of readers of one period (bench/digests.py --readers), instead of centring the
    candidates and multiplying once per reader. The same arithmetic row by row; only the
    product's summation order may differ in the last bits."""
    n = len(candidates)
    present = np.asarray(candidates.any(axis=1)) if n else np.zeros(0, dtype=bool)
    kept = [
        np.flatnonzero(lib.any(axis=1)) if len(lib) else np.zeros(0, np.int64) for lib in libraries
    ]
    usable = [i for i, rows in enumerate(kept) if len(rows)]
    if n == 0 or not present.any() or not usable:
        return [closeness(candidates, library, top_k, center) for library in libraries]
    stacked = np.concatenate([libraries[i][kept[i]] for i in usable])
    rows = candidates
    if center:
        mean = candidates[present].mean(axis=0)
        rows = _unit(candidates - mean)
        stacked = _unit(stacked - mean)
    similarity = rows @ stacked.T  # (n, the libraries' rows)
    made = {}
    start = 0
    for i in usable:
        end = start + len(kept[i])
        made[i] = _near(similarity[:, start:end], kept[i], present, top_k)
        start = end
    return [
        made[i] if i in made else closeness(candidates, libraries[i], top_k, center)
        for i in range(len(libraries))
    ]


def _near(
    similarity: np.ndarray, kept: np.ndarray, present: np.ndarray, top_k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``closeness``'s answer from the candidates' cosines to the library rows ``kept``."""
    n = len(similarity)
    nearest = similarity.argmax(axis=1)
    best = similarity[np.arange(n), nearest]
    k = min(top_k, similarity.shape[1])
    if k == 1:
        near = best.astype(np.float32)
    else:
        near = np.partition(similarity, -k, axis=1)[:, -k:].mean(axis=1).astype(np.float32)
    nearest = kept[nearest]
    if not present.all():
        near[~present] = np.median(near[present])
        nearest[~present] = -1
        best[~present] = 0.0
    return near, nearest, best.astype(np.float32)


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.maximum(norms, 1e-12)).astype(np.float32)


class AuthorIndex:
    """Which candidates each author name is on, to score many libraries against one set of
    candidates (the bench) or one library against a day's (the site)."""

    def __init__(self, author_lists: list[list[str]]) -> None:
        self.size = len(author_lists)
        positions: dict[str, list[int]] = {}
        for position, names in enumerate(author_lists):
            for name in set(names):
                positions.setdefault(name, []).append(position)
        self.positions = {name: np.asarray(p, dtype=np.int64) for name, p in positions.items()}

    def affinity(self, library_authors: Counter[str]) -> np.ndarray:
        """Per candidate: the sum over its authors of log(1 + their papers in the library)."""
        scores = np.zeros(self.size, dtype=np.float64)
        for name, count in library_authors.items():
            if (where := self.positions.get(name)) is not None:
                scores[where] += np.log1p(count)
        return scores


def library_authors(author_lists: list[list[str]]) -> Counter[str]:
    """How many library papers each author name is on."""
    return Counter(name for names in author_lists for name in set(names))


def rank(
    candidates: np.ndarray,
    library: np.ndarray,
    votes: np.ndarray,
    age_days: np.ndarray,
    followed: np.ndarray,
    weights: Weights = DEFAULT,
    affinity: np.ndarray | None = None,
    kept: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> Ranked:
    """Rank the candidates (rows of unit vectors) for a reader whose library is ``library``
    (rows of unit vectors; may be empty). ``votes`` and ``age_days`` are per candidate;
    ``followed`` is True where a follow brought the candidate; ``affinity`` is
    ``AuthorIndex.affinity`` of the library's authors; ``kept`` is ``closeness(candidates,
    library, weights.top_k, weights.center)`` when the caller kept it from an earlier call."""
    if kept is None:
        kept = closeness(candidates, library, weights.top_k, weights.center)
    near, nearest, nearest_cosine = kept
    score = np.zeros(len(candidates), dtype=np.float64)
    if len(library) and len(candidates) > 1:
        spread = float(near.std())
        score += (near - near.mean()) / spread if spread > 0 else 0.0
    if len(votes) and votes.max() > 0:
        score += weights.votes * np.log1p(votes) / np.log1p(votes.max())
    if weights.freshness:
        score += weights.freshness * 0.5 ** (age_days / weights.half_life_days)
    score += weights.follow * followed
    if affinity is not None:
        score += weights.authors * affinity
    # Ties (an empty library, no votes) keep the candidates' given order: stable sort.
    order = np.argsort(-score, kind="stable")
    return Ranked(order, score, near, nearest, nearest_cosine)
