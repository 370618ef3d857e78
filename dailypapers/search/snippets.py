"""Highlighted snippets for search results: the stretch of an abstract with most query words,
and the title, with those words wrapped in ``<mark>``.

Plain Python over the 20 papers of a page, so it works the same for keyword and meaning
matches and on every database. Words match by a shared stem-like prefix ("aligning" marks
"alignment"), a cheap stand-in for the index's Porter stemmer. The query's stems become one
regular expression (``Stems``), and whether a word is a hit is decided once per query and
word (``Stems.hits``): the 20 abstracts of a page share most of their words, and scanning
each abstract with the pattern was a quarter of a snippet's time. The best window is found
from the hits alone (``best_window``), not by counting every window. An ASCII text (97% of
abstracts at 170k papers) takes a quicker road to the same characters (``_ascii_snippet``):
its bytes through two byte tables, its words counted and its hits found by ``bytes.count``
and ``find``, with no Python object per word. Nothing here is kept from one page to the next.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import cached_property
from html import escape as html_escape
from itertools import compress

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

    @cached_property
    def needles(self) -> tuple[bytes, ...] | None:
        """What a hit's start looks like in an ASCII text's bytes lowered, with a space for
        each character that is not a word's (``_ascii_snippet``): a space and a stem of four
        letters or more, or a space, a shorter stem and a space. None when a stem is not
        ASCII: the pattern's case folding (``IGNORECASE``) matches some to ASCII letters."""
        kept = [stem.lower() for stem in self if WORD.fullmatch(stem)]
        if not all(stem.isascii() for stem in kept):
            return None
        return tuple(
            f" {stem}".encode() if len(stem) >= 4 else f" {stem} ".encode() for stem in sorted(kept)
        )

    @cached_property
    def hits(self) -> dict[str, bool]:
        """Whether each word seen so far is a hit (marked): filled by ``hit_flags``."""
        return {}

    def hit_flags(self, words: Sequence[str], pattern: re.Pattern[str]) -> list[int]:
        """The place of each hit among ``words`` (whole words, as ``_SPLIT`` cuts them)."""
        known = self.hits
        for word in set(words).difference(known):
            # The pattern finds whole words only (after no \w, up to the word's end), so a
            # word is a hit wherever it stands if it matches on its own.
            known[word] = pattern.fullmatch(word) is not None
        return list(compress(range(len(words)), map(known.__getitem__, words)))


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
    if text.isascii():
        return _ascii_snippet(text, stems, size)
    return _any_snippet(text, stems, size)


def _any_snippet(text: str, stems: AbstractSet[str], size: int) -> SafeString:
    """``snippet`` of any text, its words found by the regular expression."""
    # Words and what lies between them, split in C: [between, word, between, word, ...,
    # between]. A Python object per word match cost more than the rest of the snippet.
    parts = _SPLIT.split(text)
    words = parts[1::2]
    pattern = _pattern(stems)
    if len(words) <= size or pattern is None:
        if len(words) <= size:
            return mark(text, stems)
        return mark("".join(parts[: 2 * size]) + " …", stems)
    known = stems if isinstance(stems, Stems) else Stems(stems)
    places = known.hit_flags(words, pattern)
    best_start = best_window(places, size)
    # parts[2n + 1] is word n: the window runs from word best_start to its size-th word (and
    # from the text's start for the first window).
    window = parts[2 * best_start + 1 if best_start else 0 : 2 * (best_start + size)]
    prefix = "… " if best_start else ""
    suffix = " …" if 2 * (best_start + size) < len(parts) - 1 or parts[-1] else ""
    return mark_safe(prefix + _marked(window, known.hits) + suffix)


# In ASCII, \w is [A-Za-z0-9_]. Byte tables for an ASCII text: its words lowered and every
# other character a space (where a hit is found), and its words as runs of "a" (counted).
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_LOWERED = bytes(
    (byte | 32 if 65 <= byte <= 90 else byte) if byte in _WORD_BYTES else 32 for byte in range(256)
)
_SHAPE = bytes(97 if byte in _WORD_BYTES else 32 for byte in range(256))
_TO_ESCAPE = re.compile("[&<>\"']")  # what ``html.escape`` replaces


def _ascii_snippet(text: str, stems: AbstractSet[str], size: int) -> SafeString:
    """``snippet`` of an ASCII text (97% of abstracts), the same characters, without a Python
    object per word: the text as bytes, through two tables (``_LOWERED``, ``_SHAPE``), gives
    its number of words and each hit's place by ``count`` and ``find`` in C, and the
    window's two ends by one partial ``split`` each. The regular expression's split of an
    abstract into words and gaps took 70 µs; a page's 20 were 1.5 ms. Stems that are not
    ASCII go the regular expression's way (``Stems.needles``)."""
    known = stems if isinstance(stems, Stems) else Stems(stems)
    needles = known.needles
    if needles is None:
        return _any_snippet(text, stems, size)
    # A space before and after: place p here is place p - 1 of the text.
    padded = b" " + text.encode("ascii") + b" "
    shape = padded.translate(_SHAPE)
    words = shape.count(b" a")  # each word starts after a space
    if words <= size or not needles:
        if words <= size:
            return mark(text, stems)
        return mark(text[: _word_end(shape, size - 1) - 1] + " …", stems)
    lowered = padded.translate(_LOWERED)
    found = set()  # the places of the spaces before the hits
    for needle in needles:
        at = lowered.find(needle)
        while at >= 0:
            found.add(at)
            at = lowered.find(needle, at + 1)
    hits: dict[int, int] = {}  # word number -> where it begins in ``padded``
    number, counted = -1, 0
    for at in sorted(found):
        # The words begun up to this one: counted from the previous hit on.
        number += shape.count(b" a", counted, at + 2)
        counted = at + 2
        hits[number] = at + 1
    places = list(hits)
    best_start = best_window(places, size)
    last = best_start + size - 1
    start = _word_start(shape, best_start) - 1 if best_start else 0
    end = _word_end(shape, last) - 1
    out = ["… "] if best_start else []
    # Most windows hold no character to escape: then their pieces are not escaped one by one.
    escaped = html_escape if _TO_ESCAPE.search(text, start, end) else str
    at = start
    for hit in places[bisect_left(places, best_start) : bisect_left(places, last + 1)]:
        begins = hits[hit] - 1
        ends = shape.find(b" ", begins + 1) - 1
        out += [escaped(text[at:begins]), "<mark>", text[begins:ends], "</mark>"]
        at = ends
    out.append(escaped(text[at:end]))
    if end < len(text):
        out.append(" …")
    return mark_safe("".join(out))  # every piece of text in it was escaped


def _word_start(shape: bytes, number: int) -> int:
    """Where word ``number`` begins in the padded text of ``shape`` (``_SHAPE``'s bytes)."""
    return len(shape) - len(shape.split(None, number)[-1])


def _word_end(shape: bytes, number: int) -> int:
    """Where word ``number`` ends (the space after it) in the padded text of ``shape``."""
    return shape.find(b" ", _word_start(shape, number))


def _marked(window: list[str], hits: dict[str, bool]) -> str:
    """``window`` (words and what lies between them, alternately) escaped, its hits marked:
    what ``mark`` writes of their text, without scanning it again. Words need no escaping
    (no \\w is one of & < > " '); most of what lies between them is one space."""
    out = window[:]
    for place, part in enumerate(window):
        if part in hits:
            if hits[part]:
                out[place] = f"<mark>{part}</mark>"
        elif part != " ":
            out[place] = html_escape(part)
    return "".join(out)


def best_window(places: list[int], size: int) -> int:
    """The first word of the first of the ``size``-word windows holding most of the hits at
    ``places`` (ascending word numbers). The count only rises where a window takes in a hit
    at its end, so the first best window starts at 0 or ``size - 1`` words before a hit:
    those are the only windows counted, a handful rather than every one."""
    best, best_start = -1, 0
    for start in sorted({0, *(place - size + 1 for place in places if place >= size)}):
        count = bisect_left(places, start + size) - bisect_left(places, start)
        if count > best:
            best, best_start = count, start
    return best_start
