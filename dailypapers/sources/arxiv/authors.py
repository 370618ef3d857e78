"""Author lists written as one string (arXivRaw, the snapshot, RSS) split into names.

arXiv writes ``"A. One, B. Two, and C. Three"``, with optional affiliations in parentheses
(``"R. Ryne (LANL)"``, which may contain commas) and an optional collaboration prefix
(``"LHCb collaboration: R. Aaij, ..."``). Names keep their LaTeX (``J. Er\\"o``) as written.
What is not here: matching names to people.
"""

from __future__ import annotations

import re

_AND = re.compile(r"\s+and\s+|\s*&\s*", re.IGNORECASE)
_LEADING_AND = re.compile(r"^\s*and\s+", re.IGNORECASE)
_ET_AL = re.compile(r"^et\.?\s+al\.?(\s*\(.*\))?$", re.IGNORECASE)


def split_authors(text: str | None) -> list[str]:
    if not text:
        return []
    names: list[str] = []
    for part in _split_top_level(" ".join(text.split())):
        # The Oxford comma leaves "and C. Three" as its own part.
        part = _LEADING_AND.sub("", _strip_affiliations(part)).strip(" ,;")
        if not part or _ET_AL.match(part):
            continue
        # "The CMS and LHCb Collaborations" is one name, not two.
        pieces = [part] if "collaboration" in part.lower() else _AND.split(part)
        names.extend(piece.strip(" ,") for piece in pieces if piece.strip(" ,"))
    return names


def name_from_parts(last: str, first: str = "", suffix: str = "") -> str:
    """``"First Last Suffix"`` from the snapshot's ``[last, first, suffix]`` triples."""
    return " ".join(part.strip() for part in (first, last, suffix) if part and part.strip())


def _split_top_level(text: str) -> list[str]:
    """Split at commas and colons that are not inside parentheses."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        if char in ",:" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _strip_affiliations(part: str) -> str:
    # Remove balanced (...) groups; "et al. (909 additional authors not shown)" keeps its text
    # long enough for the caller to recognise and drop it.
    if _ET_AL.match(part.strip()):
        return part
    previous = None
    while previous != part:
        previous = part
        part = re.sub(r"\([^()]*\)", "", part)
    return " ".join(part.split())
