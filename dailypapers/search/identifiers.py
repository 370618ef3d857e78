"""A search that is an address, not words: an arXiv id or link, a DOI, a Hugging Face
papers link. ``parse_identifier(text)`` says which paper the whole text names, or None.

Understood, the whole query being one of them (surrounding spaces aside):

- an arXiv id, new or old style, with or without version or ``arXiv:`` (``2605.28820``,
  ``2605.28820v2``, ``arXiv:2605.28820``, ``hep-th/9901001``);
- an arxiv.org abs, pdf or html link (``https://arxiv.org/pdf/2605.28820v1``);
- a Hugging Face papers link (``https://huggingface.co/papers/2605.28820``, ``hf.co/papers/...``);
- a DOI, bare, behind ``doi:`` or as a doi.org link; arXiv's own DOIs
  (``10.48550/arXiv.2605.28820``) name the arXiv id.

arXiv ids are read by ``sources/arxiv/ids.py`` (one parser for the whole project), which
refuses impossible ones (a month 13, a wrong digit count). Pure: no database, no network;
finding the paper is ``hybrid.SearchResults``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from dailypapers.sources.arxiv.ids import InvalidArxivId, parse_arxiv_id

# Longer than any id or link people paste; a longer query is words.
MAX_CHARS = 300
_HF_LINK = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/papers/(?P<rest>[^?#]+)[?#]?",
    re.IGNORECASE,
)
# A DOI: "10." registrant "/" suffix (any printable characters but spaces, per the DOI
# handbook); doi.org links may percent-encode the suffix.
_DOI = re.compile(
    r"^(?:doi:\s*|(?:https?://)?(?:dx\.)?doi\.org/)?(?P<doi>10\.\d{4,9}/\S+)$", re.IGNORECASE
)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(?P<id>.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Identifier:
    """The paper a query names: by arXiv id (without version) or else by DOI."""

    arxiv_id: str = ""
    doi: str = ""

    @property
    def display(self) -> str:
        return f"arXiv:{self.arxiv_id}" if self.arxiv_id else f"DOI {self.doi}"


def _arxiv(text: str) -> str:
    """The arXiv id (no version) ``text`` is, or ""."""
    try:
        arxiv_id = parse_arxiv_id(text).arxiv_id
    except InvalidArxivId:
        return ""
    # Only ASCII ids exist: other scripts' digits may pass a \d pattern but name no paper.
    return arxiv_id if arxiv_id.isascii() else ""


def parse_identifier(text: str) -> Identifier | None:
    """The paper the whole of ``text`` names, or None when it is not one id or link."""
    text = text.strip()
    if not text or len(text) > MAX_CHARS:
        return None
    if hugging_face := _HF_LINK.match(text):
        arxiv_id = _arxiv(hugging_face["rest"].rstrip("/"))
        return Identifier(arxiv_id=arxiv_id) if arxiv_id else None
    if doi := _DOI.match(text):
        value = unquote(doi["doi"]).rstrip(".,;")
        if arxiv_doi := _ARXIV_DOI.match(value):
            arxiv_id = _arxiv(arxiv_doi["id"])
            return Identifier(arxiv_id=arxiv_id) if arxiv_id else None
        return Identifier(doi=value) if value.isprintable() else None
    arxiv_id = _arxiv(text)
    return Identifier(arxiv_id=arxiv_id) if arxiv_id else None
