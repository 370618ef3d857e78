"""Keyword "more like this": rank a few candidate papers by the words they share with a paper.

PostgreSQL's way (``tsvector.rank_by_shared_words``; SQLite's tantivy index ranks them itself):
bm25 in Python over the candidates' text, with document frequencies estimated once per process
(and every ``REFRESH_SECONDS``) from the newest ``SAMPLE_SIZE`` papers, since ``ts_rank_cd``
has none. Ranking 20 candidates costs a few milliseconds. Words are lowercased, not stemmed;
a sample of 20,000 papers estimates the frequency of every word that matters (a word unseen in
it counts as rare, which it is).
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping

from dailypapers.papers.models import Paper
from dailypapers.search.query import STOPWORDS

SAMPLE_SIZE = 20000
REFRESH_SECONDS = 3600.0
# bm25's usual constants.
K1 = 1.2
B = 0.75
WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """``text``'s words as "more like this" counts them: lowercased, without stopwords,
    numbers and words of one or two letters."""
    return [
        word
        for word in WORD.findall(text.lower())
        if len(word) > 2 and not word.isdigit() and word not in STOPWORDS
    ]


class Frequencies:
    """How many papers of a sample hold each word."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.documents: Counter[str] = Counter()
        self.size = 0
        for text in texts:
            self.documents.update(set(words(text)))
            self.size += 1

    def idf(self, word: str) -> float:
        found = self.documents.get(word, 0)
        return math.log(1 + (self.size - found + 0.5) / (found + 0.5))


_lock = threading.Lock()
_cached: tuple[float, Frequencies] | None = None


def frequencies() -> Frequencies:
    """This process's word frequencies, from the newest papers, rebuilt once an hour."""
    global _cached
    with _lock:
        if _cached is None or time.monotonic() - _cached[0] > REFRESH_SECONDS:
            rows = Paper.objects.order_by("-id").values_list("title", "abstract")[:SAMPLE_SIZE]
            _cached = (time.monotonic(), Frequencies(f"{t} {a}" for t, a in rows.iterator()))
        return _cached[1]


def reset() -> None:
    """Forget the word frequencies (tests, and after a large import)."""
    global _cached
    with _lock:
        _cached = None


def rank(text: str, candidates: Mapping[int, str]) -> list[int]:
    """The ids of ``candidates`` (id -> text) sharing words with ``text``, best bm25 first."""
    if not candidates:
        return []
    stats = frequencies()
    query = {word: stats.idf(word) for word in set(words(text))}
    counted = {paper_id: Counter(words(body)) for paper_id, body in candidates.items()}
    lengths = {paper_id: sum(counts.values()) for paper_id, counts in counted.items()}
    average = max(sum(lengths.values()) / len(lengths), 1.0)
    scores: dict[int, float] = {}
    for paper_id, counts in counted.items():
        norm = K1 * (1 - B + B * lengths[paper_id] / average)
        score = sum(
            idf * counts[word] * (K1 + 1) / (counts[word] + norm)
            for word, idf in query.items()
            if word in counts
        )
        if score > 0:
            scores[paper_id] = score
    return sorted(scores, key=lambda paper_id: -scores[paper_id])
