"""URL path converters for arXiv ids, registered once for every app's urls.py.

``<arxiv_id:...>`` takes a bare id without version (``2605.12345``, ``hep-th/9901001``);
``<arxiv_id_any_version:...>`` also takes a version (``2605.12345v2``) and drops it, for the
API, which speaks of papers, not versions. Both hand the view the id as papers are stored
(``math.GT/0309136`` -> ``math/0309136``), and both go through ``parse_bare_arxiv_id``, so a
path with Unicode digits, month 13 or an all-zero number never reaches a view: it is a 404.
``<citation_format:...>`` is ``bib`` or ``ris``.
"""

from __future__ import annotations

from django.urls import register_converter

from dailypapers.sources.arxiv.errors import InvalidArxivId
from dailypapers.sources.arxiv.ids import (
    NEW_STYLE_PATTERN,
    OLD_STYLE_PATTERN,
    VERSION_PATTERN,
    parse_bare_arxiv_id,
)


class ArxivIdConverter:
    regex = f"(?:{NEW_STYLE_PATTERN}|{OLD_STYLE_PATTERN})"

    def to_python(self, value: str) -> str:
        try:
            parsed = parse_bare_arxiv_id(value)
        except InvalidArxivId as error:
            raise ValueError(str(error)) from None  # the resolver's "no match": a 404
        return parsed.arxiv_id

    def to_url(self, value: str) -> str:
        return value


class AnyVersionArxivIdConverter(ArxivIdConverter):
    regex = f"(?:{NEW_STYLE_PATTERN}|{OLD_STYLE_PATTERN})(?:{VERSION_PATTERN})?"


class CitationFormatConverter:
    """``bib`` or ``ris``: the citation forms of ``/papers/<id>.<form>``."""

    regex = "bib|ris"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ArxivIdConverter, "arxiv_id")
register_converter(CitationFormatConverter, "citation_format")
register_converter(AnyVersionArxivIdConverter, "arxiv_id_any_version")
