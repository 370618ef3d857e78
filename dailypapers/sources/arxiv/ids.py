"""arXiv identifiers: every form people and upstreams write them in, reduced to one key.

``parse_arxiv_id`` accepts new-style (``2510.11701``, ``0704.0001v2``) and old-style
(``hep-th/9901001v1``, ``math.GT/0309136``) ids, bare or behind ``arXiv:``, ``oai:arXiv.org:``,
an abs/pdf/html URL (``.pdf`` suffix or not) or a path like ``/pdf/2510.11701v2``. It returns
the id without its version (the key a paper is stored under) and the version, if one was given.

``parse_bare_arxiv_id`` is the strict form behind every URL, form and API field of the site:
a bare id only (no URL or prefix), with or without a version. ``NEW_STYLE_PATTERN`` and
``BARE_PATTERN`` are the regular expressions URL converters and the OpenAPI document quote.

Digits are ASCII digits only: ``\\d`` would also take fullwidth or Arabic-Indic digits, which
``int()`` reads as ASCII ones, and so make look-alike ids of one paper. The month is 01-12, the
number has the width of its era (4 digits from 0704 to 1412, 5 from 1501) and is not all zeros.

What is not here: looking ids up upstream, or deciding whether an id exists.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from dailypapers.sources.arxiv.errors import InvalidArxivId

__all__ = [
    "BARE_PATTERN",
    "NEW_STYLE_PATTERN",
    "OLD_STYLE_PATTERN",
    "VERSION_PATTERN",
    "InvalidArxivId",
    "ParsedId",
    "issued_month",
    "normalise_arxiv_id",
    "parse_arxiv_id",
    "parse_bare_arxiv_id",
]


class ParsedId(NamedTuple):
    arxiv_id: str
    version: int | None


# The shape of a bare id, ASCII only; the parser below then checks month and width. A
# version has at most 3 digits: arXiv's record is in the dozens, and a 20-digit one would
# overflow the database's integer.
NEW_STYLE_PATTERN = r"[0-9]{4}\.[0-9]{4,5}"
OLD_STYLE_PATTERN = r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[A-Za-z]+)?)?/[0-9]{7}"
VERSION_PATTERN = r"v[0-9]{1,3}"
BARE_PATTERN = rf"(?:{NEW_STYLE_PATTERN}|{OLD_STYLE_PATTERN})(?:{VERSION_PATTERN})?"
# New-style ids started in April 2007 (0704) with 4 digits after the dot; 5 digits since 1501.
_NEW_STYLE = re.compile(
    r"(?P<yymm>[0-9]{4})\.(?P<number>[0-9]{4,5})(?:v(?P<version>[0-9]{1,3}))?", re.ASCII
)
# Old-style: archive (hep-th, cond-mat, math...), an optional subject class that is not part of
# the id (math.GT/0309136 is math/0309136), then YYMMNNN.
_OLD_STYLE = re.compile(
    r"(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.[A-Za-z]+(?:-[A-Za-z]+)?)?/"
    r"(?P<yymm>[0-9]{2}[0-9]{2})(?P<number>[0-9]{3})(?:v(?P<version>[0-9]{1,3}))?",
    re.ASCII,
)
_URL_PREFIX = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org(?=/)|^(?=/?(?:abs|pdf|html|format)/)",
    re.IGNORECASE,
)
_PATH_KIND = re.compile(r"^/?(?:abs|pdf|html|format)/", re.IGNORECASE)
_SCHEME_PREFIX = re.compile(r"^(?:oai:arxiv\.org:|arxiv:)\s*", re.IGNORECASE)


def parse_arxiv_id(text: str) -> ParsedId:
    """``(id without version, version or None)`` for any accepted form; ``InvalidArxivId`` else."""
    if not isinstance(text, str):
        raise InvalidArxivId(repr(text), "not a string")
    candidate = text.strip()
    if not candidate:
        raise InvalidArxivId(text, "empty")
    url_match = _URL_PREFIX.match(candidate)
    if url_match:
        candidate = candidate[url_match.end() :]
        # Drop query and fragment first: "?context=cs" or "#S2" are not part of the id.
        candidate = re.split(r"[?#]", candidate, maxsplit=1)[0]
        if not _PATH_KIND.match(candidate):
            raise InvalidArxivId(text, "an arxiv.org URL that is not an abs, pdf or html page")
        candidate = _PATH_KIND.sub("", candidate).rstrip("/")
        if candidate.lower().endswith(".pdf"):
            candidate = candidate[: -len(".pdf")]
    else:
        candidate = _SCHEME_PREFIX.sub("", candidate)
    return _parse_bare(candidate, original=text)


def parse_bare_arxiv_id(text: str) -> ParsedId:
    """Like ``parse_arxiv_id`` for a bare id only (``2510.11701``, ``2510.11701v2``,
    ``hep-th/9901001``): what a URL path, a form field or an API field holds."""
    if not isinstance(text, str):
        raise InvalidArxivId(repr(text), "not a string")
    return _parse_bare(text, original=text)


def issued_month(arxiv_id: str) -> tuple[int, int] | None:
    """``(year, month)`` a new-style id was issued in (``2605.12345`` -> 2026, 5); None for
    old-style ids, whose two-digit years span two centuries."""
    match = _NEW_STYLE.fullmatch(arxiv_id)
    if match is None:
        return None
    return 2000 + int(match["yymm"][:2]), int(match["yymm"][2:])


def normalise_arxiv_id(text: str) -> str:
    """The id without its version, e.g. ``"arXiv:2510.11701v3"`` -> ``"2510.11701"``."""
    return parse_arxiv_id(text).arxiv_id


def _parse_bare(candidate: str, *, original: str) -> ParsedId:
    match = _NEW_STYLE.fullmatch(candidate)
    if match:
        yymm, number = match["yymm"], match["number"]
        _check_month(yymm, original)
        # The digit count is fixed by the month, so a wrong count can never name a real paper.
        if int(yymm) < 704:
            raise InvalidArxivId(original, "new-style ids start at 0704 (April 2007)")
        expected = 5 if int(yymm) >= 1501 else 4
        if len(number) != expected:
            raise InvalidArxivId(
                original, f"ids of {yymm[:2]}/{yymm[2:]} have {expected} digits after the dot"
            )
        if int(number) == 0:
            raise InvalidArxivId(original, "numbers start at 1")
        return ParsedId(f"{yymm}.{number}", _version(match["version"], original))
    match = _OLD_STYLE.fullmatch(candidate)
    if match:
        _check_month(match["yymm"], original)
        if int(match["number"]) == 0:
            raise InvalidArxivId(original, "numbers start at 1")
        arxiv_id = f"{match['archive']}/{match['yymm']}{match['number']}"
        return ParsedId(arxiv_id, _version(match["version"], original))
    raise InvalidArxivId(original)


def _check_month(yymm: str, original: str) -> None:
    if not 1 <= int(yymm[2:]) <= 12:
        raise InvalidArxivId(original, f"month {yymm[2:]} does not exist")


def _version(digits: str | None, original: str) -> int | None:
    if digits is None:
        return None
    version = int(digits)
    if version < 1:
        raise InvalidArxivId(original, "versions start at v1")
    return version
