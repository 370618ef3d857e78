"""Similar papers' words ranking on SQLite: a few candidates scored as a tantivy search would.

``rank_by_any_word(text, candidates)`` ranks the candidates (a paper's twenty nearest
neighbours by meaning) as a search for any of ``text``'s content words ranks them
(``tantivy_search.match_expression`` with ``any_term``): bm25 per column, times the column's
weight, summed, with the index's own document frequencies. Computed here from the
candidates' text instead of asked of the index: a search for a paper's hundred-odd words
walks a hundred posting lists through the whole index to score twenty papers, while scoring
the twenty directly costs the same at any size (and ranks them the same, but for rounding).

What lives here: that ranking, and the per-process memos it leans on (each word's tokens,
each (column, token) idf). What does not: the index and its analysers (``tantivy_index.py``),
searching it (``tantivy_search.py``, which hands this ranking to the keyword package), the
candidates' rows (``search/similar_rows.py``) and how similar papers mix this ranking with
meaning (``search/similar.py``).
"""

from __future__ import annotations

import itertools
import math
import string
from collections import Counter
from collections.abc import Collection

import numpy as np
import tantivy

from dailypapers.search import similar_rows
from dailypapers.search.keyword import more_like_this, tantivy_index
from dailypapers.search.keyword.tantivy_index import ANALYZER, ANALYZERS, TEXT_FIELDS
from dailypapers.search.similar_rows import CandidateTexts

# bm25's constants, as tantivy sets them.
K1 = 1.2
B = 0.75


# Each word of a text (split at white space and ASCII punctuation) and its tokens after the
# index's analyser, remembered per process: a paper's words are mostly known ones, and
# analysing twenty abstracts anew costs more than the rest of the ranking (about 2 us a
# token). A word with other punctuation inside is analysed whole, into all its tokens.
# Bounded: emptied when it passes ``KNOWN_WORDS``, about 210 bytes a word (tracemalloc):
# 200,000 words are 40 MiB a worker; the million allowed before were 200 MiB.
# With ``_token_counts``, ``_words_with`` and the idf memo below: 410 bytes a word of what
# a ranking keeps against 306 before them (tracemalloc, 600 rankings at 1M papers, 27k
# words), so about 80 MiB at the bound instead of 60.
BYTE_SPACES = bytes.maketrans(string.punctuation.encode(), b" " * len(string.punctuation))
KNOWN_WORDS = 200_000
_tokens_of: dict[str, tuple[str, ...]] = {}
# How many tokens each word of ``_tokens_of`` is (a column's length is their sum).
_token_counts: dict[str, int] = {}
# The words of ``_tokens_of`` that hold each token.
_words_with: dict[str, tuple[str, ...]] = {}
# Between two words analysed in one call: a token no text holds.
_SEPARATOR = "qqdailypapersseparatorqq"


def _split(texts: list[str]) -> list[list[str]]:
    """Each text's words: split at white space and ASCII punctuation, lowercased."""
    # ASCII punctuation replaced in the UTF-8 bytes (a byte table: several times faster than
    # str.translate's mapping, the same words, as bytes of 0x80 and above are left alone).
    return [
        text.lower()
        .encode("utf-8", "surrogatepass")
        .translate(BYTE_SPACES)
        .decode("utf-8", "surrogatepass")
        .split()
        for text in texts
    ]


def _forget_if_full() -> None:
    """Empty the word memos past ``KNOWN_WORDS``: called before a text's words are looked
    up, so that every word of the text is known until the ranking ends."""
    if len(_tokens_of) > KNOWN_WORDS:
        _tokens_of.clear()
        _token_counts.clear()
        _words_with.clear()


def _learn(unknown: list[str]) -> None:
    """Analyse these words (none known yet, no two alike) and remember their tokens."""
    # One call for all: a call costs tens of microseconds whatever its length.
    analysed: list[list[str]] = [[]]
    for token in ANALYZERS[ANALYZER].analyze(f" {_SEPARATOR} ".join(unknown)):
        if token == _SEPARATOR:
            analysed.append([])
        else:
            analysed[-1].append(token)
    _tokens_of.update(zip(unknown, map(tuple, analysed), strict=True))
    _token_counts.update(zip(unknown, map(len, analysed), strict=True))
    for word, tokens in zip(unknown, analysed, strict=True):
        for token in tokens:
            # A tuple: most tokens have one or two words, and a set costs 216 bytes.
            _words_with[token] = (*_words_with.get(token, ()), word)


def _words(texts: list[str]) -> list[list[str]]:
    """Each text's words (``_split``), each now known to ``_tokens_of``."""
    words = _split(texts)
    _forget_if_full()
    if unknown := [word for word in set().union(*words) if word not in _tokens_of]:
        _learn(unknown)
    return words


def _tokens(texts: list[str]) -> list[list[str]]:
    """Each text's tokens, as the index analysed it."""
    tokens_of = _tokens_of.__getitem__
    return [list(itertools.chain.from_iterable(map(tokens_of, each))) for each in _words(texts)]


def _token_lengths(words: list[str]) -> np.ndarray:
    """How many tokens each of ``words`` is, the unknown ones analysed (and remembered) on
    the way: one dict lookup a word, in C, rather than a set of the words first."""
    _forget_if_full()
    lookup = _token_counts.get
    lengths = np.fromiter(map(lookup, words, itertools.repeat(-1)), np.int64, len(words))
    unknown = np.flatnonzero(lengths < 0).tolist()
    if unknown:
        _learn(list(dict.fromkeys(words[place] for place in unknown)))
        lengths[unknown] = [_token_counts[words[place]] for place in unknown]
    return lengths


# idf of each (column, token) asked for, for one generation of the index (the index object,
# the meta.json it last loaded, its number of papers): a paper's words are mostly common ones,
# asked again by the next paper; 17k doc_freq calls per 200 rankings before. A searcher is a
# new object at each call, so the generation is told by what it was opened from. Bounded
# like ``_tokens_of``.
_idfs: dict[tuple[str, str], float] = {}
_idfs_generation: list[object] = []
KNOWN_IDFS = 200_000


def _idfs_for(searcher: tantivy.Searcher) -> dict[tuple[str, str], float]:
    """The remembered idfs, emptied when ``searcher`` is of another generation."""
    index = tantivy_index.get()
    generation = [index, index.seen_meta, searcher.num_docs]
    same = len(_idfs_generation) == 3 and _idfs_generation[0] is index
    if not same or _idfs_generation[1:] != generation[1:] or len(_idfs) > KNOWN_IDFS:
        _idfs.clear()
        _idfs_generation[:] = generation
    return _idfs


def _term_frequencies(
    words: list[str], column_of_word: np.ndarray, columns: int, asked: list[str]
) -> np.ndarray:
    """How often each of ``columns`` columns holds each of the ``asked`` tokens (a row per
    column, a column per token), given every column's ``words`` one after the other and
    which column each is of. The words holding an asked token are found through
    ``_words_with`` (a loop over the question's hundred-odd tokens, not over the columns'
    thousands of words); the columns' words are then looked up in one pass, in C."""
    place_of = {token: place for place, token in enumerate(asked)}
    # A word of one token: that token's place. A word of several (other punctuation inside,
    # rare): -2, the places of its asked tokens in ``several``.
    code: dict[str, int] = {}
    several: dict[str, list[int]] = {}
    for token in asked:
        for word in _words_with.get(token, ()):
            tokens = _tokens_of[word]
            if len(tokens) == 1:
                code[word] = place_of[token]
            elif word not in several:
                code[word] = -2
                several[word] = [place_of[t] for t in tokens if t in place_of]
    codes = np.fromiter(map(code.get, words, itertools.repeat(-1)), np.int64, len(words))
    hits = np.flatnonzero(codes != -1)
    column_of, places = column_of_word[hits], codes[hits]
    if (multiple := places == -2).any():
        extra = [
            (column, place)
            for column, hit in zip(
                column_of[multiple].tolist(), hits[multiple].tolist(), strict=True
            )
            for place in several[words[hit]]
        ]
        column_of = np.append(column_of[~multiple], [c for c, _ in extra]).astype(np.int64)
        places = np.append(places[~multiple], [p for _, p in extra]).astype(np.int64)
    found = np.bincount(column_of * len(asked) + places, minlength=columns * len(asked))
    return found.reshape(columns, len(asked)).astype(np.float64)


def rank_by_any_word(
    text: str, candidates: Collection[int], texts: CandidateTexts | None = None
) -> list[int]:
    """``candidates`` best first as a search for any of ``text``'s content words ranks them
    (``tantivy_search.match_expression`` with ``any_term``; the module's docstring says why
    computed here).

    Each column is read as words, not tokens: its length is the sum of its words' token
    counts, and only the words holding a token of the question are counted. All the
    candidates' columns are looked up in one pass (a word's token count, and which asked
    token it holds: two dict lookups a word, in C), and bm25 is computed over the matrix of
    term frequencies at once with numpy: per column per candidate, a Counter and a Python
    loop over its tokens cost 1.6 of the 3.3 ms this ranking took at a million papers."""
    searcher = tantivy_index.get().searcher()
    papers = max(searcher.num_docs, 1)
    # A word typed twice counts once, but two words of one stem count twice, as two clauses
    # of the same token would in a search.
    query = Counter(_tokens([" ".join(dict.fromkeys(more_like_this.words(text)))])[0])
    if not query:
        return []
    rows = similar_rows.candidate_texts(list(candidates)) if texts is None else texts
    if not rows:
        return []
    size = len(rows)
    columns = _split(
        [title for _, title, _, _ in rows]
        + [", ".join(names) for _, _, names, _ in rows]
        + [abstract for _, _, _, abstract in rows]
    )
    words = list(itertools.chain.from_iterable(columns))
    counts = np.fromiter(map(len, columns), np.int64, len(columns))
    # Lengths first: the words unknown so far are learnt there, before the asked tokens'
    # words are listed. A column's length: the sum of its words' token counts.
    lengths = np.concatenate([[0], np.cumsum(_token_lengths(words))])
    ends = np.cumsum(counts)
    column_lengths = lengths[ends] - lengths[ends - counts]
    asked = list(query)
    column_of_word = np.repeat(np.arange(len(columns)), counts)
    frequencies = _term_frequencies(words, column_of_word, len(columns), asked)
    averages = tantivy_index.average_lengths()
    idfs = _idfs_for(searcher)
    scores = np.zeros(size)
    for place, (field, weight) in enumerate(TEXT_FIELDS.items()):
        found = frequencies[place * size : (place + 1) * size]
        held = np.flatnonzero(found.any(axis=0)).tolist()
        if not held:
            continue
        factors = []
        for token in (asked[column] for column in held):
            if (idf := idfs.get((field, token))) is None:
                found_in = searcher.doc_freq(field, token)
                idf = math.log(1 + (papers - found_in + 0.5) / (found_in + 0.5))
                idfs[field, token] = idf
            factors.append(query[token] * weight * idf)
        tf = found[:, held]
        length = column_lengths[place * size : (place + 1) * size]
        norm = K1 * (1 - B + B * length / averages[field])
        # As a search scores each (column, token) clause; a column without the token adds 0.
        scores += (np.asarray(factors) * tf * (K1 + 1) / (tf + norm[:, None])).sum(axis=1)
    ranked = [
        (score, paper_id)
        for score, (paper_id, *_) in zip(scores.tolist(), rows, strict=True)
        if score > 0
    ]
    return [paper_id for _, paper_id in sorted(ranked, key=lambda pair: (-pair[0], pair[1]))]
