"""arXiv identifiers: every form people and upstreams write them in, reduced to one key.

``parse_arxiv_id`` accepts new-style (``2510.11701``, ``0704.0001v2``) and old-style
(``hep-th/9901001v1``, ``math.GT/0309136``) ids, bare or behind ``arXiv:``, ``oai:arXiv.org:``,
an abs/pdf/html URL (``.pdf`` suffix or not) or a path like ``/pdf/2510.11701v2``. It returns
the id without its version (the key a paper is stored under) and the version, if one was given.

What is not here: looking ids up upstream, or deciding whether an id exists.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from dailypapers.sources.arxiv.errors import InvalidArxivId

__all__ = ["InvalidArxivId", "ParsedId", "normalise_arxiv_id", "parse_arxiv_id"]


class ParsedId(NamedTuple):
    arxiv_id: str
    version: int | None


# New-style ids started in April 2007 (0704) with 4 digits after the dot; 5 digits since 1501.
_NEW_STYLE = re.compile(r"(?P<yymm>\d{4})\.(?P<number>\d{4,5})(?:v(?P<version>\d+))?")
# Old-style: archive (hep-th, cond-mat, math...), an optional subject class that is not part of
# the id (math.GT/0309136 is math/0309136), then YYMMNNN.
_OLD_STYLE = re.compile(
    r"(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.[A-Za-z]+(?:-[A-Za-z]+)?)?/"
    r"(?P<yymm>\d{4})(?P<number>\d{3})(?:v(?P<version>\d+))?"
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
        return ParsedId(f"{yymm}.{number}", _version(match["version"], original))
    match = _OLD_STYLE.fullmatch(candidate)
    if match:
        _check_month(match["yymm"], original)
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
