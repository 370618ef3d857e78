"""Highlighted snippets for search results: the stretch of an abstract with most query words,
and the title, with those words wrapped in ``<mark>``.

Plain Python over the 20 papers of a page, so it works the same for keyword and meaning
matches and on every database. Words match by a shared stem-like prefix ("aligning" marks
"alignment"), a cheap stand-in for the index's Porter stemmer.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dailypapers.search.query import ParsedQuery

WORD = re.compile(r"\w+")
SNIPPET_WORDS = 45


def _stem(word: str) -> str:
    word = word.lower()
    return word[: max(4, len(word) - 3)] if len(word) > 4 else word


def query_stems(query: ParsedQuery) -> set[str]:
    return {_stem(word) for term in query.terms for word in term.words}


def _is_hit(word: str, stems: set[str]) -> bool:
    return _stem(word) in stems or any(
        len(stem) >= 4 and word.lower().startswith(stem) for stem in stems
    )


def mark(text: str, stems: set[str]) -> SafeString:
    """``text`` escaped, with each query word wrapped in <mark>."""
    out, last = [], 0
    for match in WORD.finditer(text):
        if _is_hit(match.group(), stems):
            out += [escape(text[last : match.start()]), "<mark>", escape(match.group()), "</mark>"]
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # every piece of it was escaped above


def snippet(text: str, stems: set[str], size: int = SNIPPET_WORDS) -> SafeString:
    """The ``size``-word window of ``text`` holding the most query words, marked."""
    words = list(WORD.finditer(text))
    if len(words) <= size or not stems:
        short = text if len(words) <= size else text[: words[size - 1].end()] + " …"
        return mark(short, stems)
    hits = [1 if _is_hit(w.group(), stems) else 0 for w in words]
    best, best_start, window = -1, 0, sum(hits[:size])
    for start in range(len(words) - size + 1):
        if start:
            window += hits[start + size - 1] - hits[start - 1]
        if window > best:
            best, best_start = window, start
    begin = words[best_start].start() if best_start else 0
    end = words[best_start + size - 1].end()
    prefix = "… " if begin else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(
        prefix + mark(text[begin:end], stems) + suffix
    )  # the text is escaped by mark()
