"""Highlighted snippets for search results: the stretch of an abstract with most query words,
and the title, with those words wrapped in ``<mark>``.

Plain Python over the 20 papers of a page, so it works the same for keyword and meaning
matches and on every database. Words match by a shared stem-like prefix ("aligning" marks
"alignment"), a cheap stand-in for the index's Porter stemmer. The query's stems become one
regular expression (``Stems``), so finding the hits of an abstract is one scan in C rather
than a Python test per word and stem: that test was half of a search page's time.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from functools import cached_property
from html import escape as html_escape
from itertools import accumulate
from operator import sub

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dailypapers.search.query import ParsedQuery
from dailypapers.search.restrict import match_terms

WORD = re.compile(r"\w+")
_SPLIT = re.compile(r"(\w+)")
SNIPPET_WORDS = 45


def _stem(word: str) -> str:
    word = word.lower()
    return word[: max(4, len(word) - 3)] if len(word) > 4 else word


class Stems(frozenset[str]):
    """A query's stems, with the pattern of the words they mark. A word is a hit when it
    begins with a stem of four or more letters (a word's own stem is a prefix of it), or is a
    shorter stem itself (words of up to four letters are their own stem)."""

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        # Longest first, so that alternation prefers the longer of two overlapping stems.
        # A stem that is not one whole word (none should be) could never mark a word.
        ordered = sorted(
            (stem for stem in self if WORD.fullmatch(stem)), key=lambda stem: (-len(stem), stem)
        )
        prefixes = [re.escape(stem) for stem in ordered if len(stem) >= 4]
        whole = [re.escape(stem) for stem in ordered if 0 < len(stem) < 4]
        parts = []
        if prefixes:
            parts.append(rf"(?:{'|'.join(prefixes)})\w*")
        if whole:
            parts.append(rf"(?:{'|'.join(whole)})(?!\w)")
        if not parts:
            return None
        return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})", re.IGNORECASE)


def query_stems(query: ParsedQuery) -> Stems:
    """The stems of the words a search matches: a question's stopwords ("how can ... for")
    are not what found the paper, so they are not marked unless the query has nothing else
    (``restrict.match_terms``, the same rule as the keyword match)."""
    return Stems(_stem(word) for term in match_terms(query) for word in term.words)


def _pattern(stems: AbstractSet[str]) -> re.Pattern[str] | None:
    return (stems if isinstance(stems, Stems) else Stems(stems)).pattern


def mark(text: str, stems: AbstractSet[str]) -> SafeString:
    """``text`` escaped, with each query word wrapped in <mark>."""
    pattern = _pattern(stems)
    if pattern is None:
        return escape(text)
    # The standard library's escape, which Django's wraps (the same text) in a lazy-string
    # check that cost more than the escaping, on the ~20 pieces of each of a page's snippets.
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [html_escape(text[last : match.start()]), "<mark>", html_escape(match.group())]
        out.append("</mark>")
        last = match.end()
    out.append(html_escape(text[last:]))
    return mark_safe("".join(out))  # every piece of it was escaped above


def snippet(text: str, stems: AbstractSet[str], size: int = SNIPPET_WORDS) -> SafeString:
    """The ``size``-word window of ``text`` holding the most query words, marked."""
    # Words and what lies between them, split in C: [between, word, between, word, ...,
    # between]; offsets[n] is where part n + 1 begins. A Python object per word match cost
    # more than the rest of the snippet.
    parts = _SPLIT.split(text)
    words = parts[1::2]
    pattern = _pattern(stems)
    if len(words) <= size or pattern is None:
        if len(words) <= size:
            return mark(text, stems)
        return mark("".join(parts[: 2 * size]) + " …", stems)
    offsets = list(accumulate(map(len, parts)))
    # A hit depends on the word alone, so the words the pattern finds stand for all hits.
    hit_words = set(pattern.findall(text))
    # hits before each word, and in each window of ``size`` words; map() over C functions
    # rather than Python loops (the loops were a third of a snippet's time).
    before = [0, *accumulate(map(hit_words.__contains__, words))]
    windows = list(map(sub, before[size:], before[: len(words) - size + 1]))
    best_start = windows.index(max(windows))  # the first of the best, as before
    begin = offsets[2 * best_start] if best_start else 0
    end = offsets[2 * (best_start + size - 1) + 1]
    prefix = "… " if begin else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + mark(text[begin:end], stems) + suffix)  # escaped by mark()
