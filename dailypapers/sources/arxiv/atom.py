"""The arXiv API (``export.arxiv.org/api/query``, Atom 1.0): request params and response parser.

``parse_feed`` reads both the current (2025+) format and the older one (per-element
``opensearch`` namespace declarations, ``<link title="doi">``), and turns an error entry (what
the API sends with HTTP 400 for a malformed id) into ``ArxivApiError``. Titles, abstracts,
comments and journal references have their hard line breaks collapsed; LaTeX and Unicode are
kept as served.

What is not here: fetching (``dailypapers.sources.http``), paging loops, storing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from dailypapers.sources.arxiv.dates import parse_iso_datetime
from dailypapers.sources.arxiv.errors import ArxivApiError, InvalidArxivId, MalformedResponse
from dailypapers.sources.arxiv.ids import parse_arxiv_id
from dailypapers.sources.arxiv.xmldoc import child_text, collapse_whitespace, parse_xml
from dailypapers.sources.records import PaperRecord, VersionRecord

__all__ = ["MAX_RESULTS_PER_CALL", "AtomFeed", "parse_feed", "query_params"]

# Where the API is: settings.ARXIV_API_URL, the one home of every upstream address.
MAX_RESULTS_PER_CALL = 2000  # the API's own cap per call (30000 in all for one query)

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


@dataclass
class AtomFeed:
    papers: list[PaperRecord] = field(default_factory=list)
    total_results: int | None = None
    start_index: int | None = None
    items_per_page: int | None = None


def query_params(
    *,
    id_list: Iterable[str] = (),
    search_query: str | None = None,
    start: int = 0,
    max_results: int = 100,
    sort_by: str | None = None,
    sort_order: str | None = None,
) -> dict[str, str]:
    """Query-string parameters for one API call (ids are sent as given, without checking)."""
    if not 0 < max_results <= MAX_RESULTS_PER_CALL:
        raise ValueError(f"max_results must be 1..{MAX_RESULTS_PER_CALL}, not {max_results}")
    if start < 0:
        raise ValueError(f"start must be >= 0, not {start}")
    ids = ",".join(id_list)
    if not ids and not search_query:
        raise ValueError("give id_list or search_query")
    params = {"start": str(start), "max_results": str(max_results)}
    if ids:
        params["id_list"] = ids
    if search_query:
        params["search_query"] = search_query
    if sort_by:
        if sort_by not in ("relevance", "lastUpdatedDate", "submittedDate"):
            raise ValueError(f"unknown sort_by {sort_by!r}")
        params["sortBy"] = sort_by
    if sort_order:
        if sort_order not in ("ascending", "descending"):
            raise ValueError(f"unknown sort_order {sort_order!r}")
        params["sortOrder"] = sort_order
    return params


def parse_feed(body: bytes | str) -> AtomFeed:
    """Papers and paging totals of one API response; ``ArxivApiError`` for an error entry."""
    root = parse_xml(body, "arXiv API response")
    if root.tag != f"{_ATOM}feed":
        raise MalformedResponse(f"arXiv API response: root is <{root.tag}>, not an Atom feed")
    entries = root.findall(f"{_ATOM}entry")
    for entry in entries:
        _raise_if_error(entry)
    return AtomFeed(
        papers=[_paper(entry, position) for position, entry in enumerate(entries, start=1)],
        total_results=_int(root, "totalResults"),
        start_index=_int(root, "startIndex"),
        items_per_page=_int(root, "itemsPerPage"),
    )


def _raise_if_error(entry: Element) -> None:
    entry_id = child_text(entry, f"{_ATOM}id") or ""
    if "/api/errors" in entry_id:
        message = child_text(entry, f"{_ATOM}summary") or "unspecified error"
        raise ArxivApiError(message, error_id=entry_id)


def _paper(entry: Element, position: int) -> PaperRecord:
    entry_id = child_text(entry, f"{_ATOM}id")
    where = f"arXiv API entry {position}"
    if not entry_id:
        raise MalformedResponse(f"{where} has no <id>")
    try:
        arxiv_id, version = parse_arxiv_id(entry_id)
    except InvalidArxivId as exc:
        raise MalformedResponse(f"{where}: {exc}") from exc
    title = child_text(entry, f"{_ATOM}title")
    if title is None:
        raise MalformedResponse(f"{where} ({arxiv_id}) has no title")

    published = _datetime(entry, f"{_ATOM}published", where)
    updated = _datetime(entry, f"{_ATOM}updated", where)
    # Atom gives v1's date (published) and the returned version's date (updated): both are
    # facts about the version history, the versions between them are unknown here.
    versions = []
    if published is not None:
        versions.append(VersionRecord(number=1, submitted_at=published))
    if version is not None and version > 1:
        versions.append(VersionRecord(number=version, submitted_at=updated))

    categories: list[str] = []
    for category in entry.findall(f"{_ATOM}category"):
        term = (category.get("term") or "").strip()
        if term and term not in categories:
            categories.append(term)
    primary = entry.find(f"{_ARXIV}primary_category")
    primary_term = (primary.get("term") or "").strip() if primary is not None else ""

    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=child_text(entry, f"{_ATOM}summary"),
        authors=[
            name
            for author in entry.findall(f"{_ATOM}author")
            if (name := child_text(author, f"{_ATOM}name"))
        ],
        version=version,
        categories=categories,
        primary_category=primary_term or (categories[0] if categories else None),
        published_at=published,
        updated_at=updated,
        comment=child_text(entry, f"{_ARXIV}comment"),
        journal_ref=child_text(entry, f"{_ARXIV}journal_ref"),
        doi=_doi(entry),
        versions=versions,
    )


def _doi(entry: Element) -> str | None:
    doi = child_text(entry, f"{_ARXIV}doi")
    if doi:
        # Some papers list an erratum's DOI after the article's; the first is the article.
        return doi.split()[0]
    for link in entry.findall(f"{_ATOM}link"):
        if link.get("title") == "doi" and link.get("href"):
            href = link.get("href", "")
            return href.split("doi.org/", 1)[-1] or None
    return None


def _datetime(entry: Element, tag: str, where: str) -> dt.datetime | None:
    text = child_text(entry, tag)
    if text is None:
        return None
    try:
        return parse_iso_datetime(text)
    except MalformedResponse as exc:
        raise MalformedResponse(f"{where}: {exc}") from exc


def _int(root: Element, name: str) -> int | None:
    text = collapse_whitespace(root.findtext(f"{_OPENSEARCH}{name}"))
    if text is None:
        return None
    try:
        return int(text)
    except ValueError as exc:
        raise MalformedResponse(f"arXiv API response: opensearch:{name} is {text!r}") from exc
