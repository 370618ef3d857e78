"""arXiv OAI-PMH (``oaipmh.arxiv.org/oai``): request params and response parser.

``parse_page`` reads a ListRecords, GetRecord or ListIdentifiers response in the ``arXiv`` or
``arXivRaw`` metadata format into an ``OaiPage``: records (deleted ones flagged, with no paper),
the resumption token (an empty token means the last page) and the latest datestamp seen, which
is the next incremental harvest's ``from``. OAI errors raise the ``OaiError`` subclasses of
``errors.py`` (``BadResumptionToken``: restart from ``from``; ``NoRecordsMatch``: nothing new).

``arXivRaw`` is the format to harvest with: it alone carries the version history with dates.

What is not here: fetching, retrying on 503, persisting the checkpoint.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from dailypapers.sources.arxiv.authors import name_from_parts, split_authors
from dailypapers.sources.arxiv.dates import day_start, parse_day, parse_iso_datetime, parse_rfc822
from dailypapers.sources.arxiv.errors import (
    InvalidArxivId,
    MalformedResponse,
    oai_error_for,
)
from dailypapers.sources.arxiv.ids import parse_arxiv_id
from dailypapers.sources.arxiv.xmldoc import child_text, collapse_whitespace, parse_xml
from dailypapers.sources.records import PaperRecord, VersionRecord

__all__ = [
    "OaiPage",
    "OaiRecord",
    "ResumptionToken",
    "list_records_params",
    "parse_page",
]

# Where the server is: settings.ARXIV_OAI_URL, the one home of every upstream address.
METADATA_PREFIXES = ("arXivRaw", "arXiv")

_OAI = "{http://www.openarchives.org/OAI/2.0/}"
_ARXIV = "{http://arxiv.org/OAI/arXiv/}"
_ARXIV_RAW = "{http://arxiv.org/OAI/arXivRaw/}"


@dataclass(frozen=True)
class ResumptionToken:
    value: str  # "" on the last page of a list
    cursor: int | None = None
    complete_list_size: int | None = None
    expiration_date: dt.datetime | None = None


@dataclass
class OaiRecord:
    identifier: str  # as served, e.g. "oai:arXiv.org:0704.0471"
    arxiv_id: str
    datestamp: dt.date  # last change of the record upstream, not a submission date
    set_specs: list[str] = field(default_factory=list)
    deleted: bool = False
    paper: PaperRecord | None = None  # None for deleted records and ListIdentifiers headers


@dataclass
class OaiPage:
    records: list[OaiRecord] = field(default_factory=list)
    token: ResumptionToken | None = None
    response_date: dt.datetime | None = None

    @property
    def resumption_token(self) -> str | None:
        """The token to ask for the next page with, ``None`` when this page is the last."""
        return self.token.value if self.token is not None and self.token.value else None

    @property
    def is_last(self) -> bool:
        return self.resumption_token is None

    @property
    def last_datestamp(self) -> dt.date | None:
        # The maximum, not the last record's: OAI-PMH does not promise any order in a list.
        return max((record.datestamp for record in self.records), default=None)


def list_records_params(
    *,
    metadata_prefix: str = "arXivRaw",
    set_spec: str | None = None,
    from_date: dt.date | None = None,
    until: dt.date | None = None,
    resumption_token: str | None = None,
) -> dict[str, str]:
    """Params of one ListRecords request.

    With a resumption token OAI-PMH allows no other argument (badArgument otherwise), so the
    token, when given, replaces all of them.
    """
    if resumption_token:
        return {"verb": "ListRecords", "resumptionToken": resumption_token}
    if metadata_prefix not in METADATA_PREFIXES:
        raise ValueError(f"metadata_prefix must be one of {METADATA_PREFIXES}")
    params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix}
    if set_spec:
        params["set"] = set_spec
    if from_date is not None:
        params["from"] = from_date.isoformat()
    if until is not None:
        params["until"] = until.isoformat()
    return params


def parse_page(body: bytes | str) -> OaiPage:
    """One OAI-PMH response; raises an ``OaiError`` subclass when it carries an error."""
    root = parse_xml(body, "OAI-PMH response")
    if root.tag != f"{_OAI}OAI-PMH":
        raise MalformedResponse(f"OAI-PMH response: root is <{root.tag}>, not <OAI-PMH>")
    error = root.find(f"{_OAI}error")
    if error is not None:
        raise oai_error_for(error.get("code", ""), collapse_whitespace(error.text) or "")

    response_date_text = child_text(root, f"{_OAI}responseDate")
    page = OaiPage(
        response_date=parse_iso_datetime(response_date_text) if response_date_text else None
    )
    container = next(
        (
            root.find(f"{_OAI}{verb}")
            for verb in ("ListRecords", "GetRecord", "ListIdentifiers")
            if root.find(f"{_OAI}{verb}") is not None
        ),
        None,
    )
    if container is None:
        raise MalformedResponse("OAI-PMH response has neither records nor an error")
    for position, element in enumerate(container, start=1):
        if element.tag == f"{_OAI}record":
            page.records.append(_record(element, position))
        elif element.tag == f"{_OAI}header":  # ListIdentifiers
            page.records.append(_header_only(element, position))
        elif element.tag == f"{_OAI}resumptionToken":
            page.token = _token(element)
    return page


def _record(element: Element, position: int) -> OaiRecord:
    header = element.find(f"{_OAI}header")
    if header is None:
        raise MalformedResponse(f"OAI record {position} has no header")
    record = _header_only(header, position)
    if record.deleted:
        return record
    metadata = element.find(f"{_OAI}metadata")
    if metadata is None or len(metadata) == 0:
        raise MalformedResponse(f"OAI record {position} ({record.identifier}) has no metadata")
    payload = metadata[0]
    where = f"OAI record {position} ({record.identifier})"
    if payload.tag == f"{_ARXIV_RAW}arXivRaw":
        record.paper = _paper_from_raw(payload, where)
    elif payload.tag == f"{_ARXIV}arXiv":
        record.paper = _paper_from_arxiv(payload, where)
    else:
        raise MalformedResponse(f"{where}: metadata <{payload.tag}> is not arXiv or arXivRaw")
    if record.paper.arxiv_id != record.arxiv_id:
        raise MalformedResponse(f"{where}: metadata is about {record.paper.arxiv_id}")
    return record


def _header_only(header: Element, position: int) -> OaiRecord:
    identifier = child_text(header, f"{_OAI}identifier")
    datestamp = child_text(header, f"{_OAI}datestamp")
    if not identifier or not datestamp:
        raise MalformedResponse(f"OAI record {position}: header lacks identifier or datestamp")
    try:
        arxiv_id = parse_arxiv_id(identifier).arxiv_id
        day = parse_day(datestamp)
    except (InvalidArxivId, MalformedResponse) as exc:
        raise MalformedResponse(f"OAI record {position}: {exc}") from exc
    return OaiRecord(
        identifier=identifier,
        arxiv_id=arxiv_id,
        datestamp=day,
        set_specs=[
            text for spec in header.findall(f"{_OAI}setSpec") if (text := (spec.text or "").strip())
        ],
        deleted=header.get("status") == "deleted",
    )


def _token(element: Element) -> ResumptionToken:
    def _int(name: str) -> int | None:
        value = element.get(name)
        try:
            return int(value) if value is not None and value.strip() else None
        except ValueError as exc:
            raise MalformedResponse(f"resumptionToken {name}={value!r}") from exc

    expiration = element.get("expirationDate")
    return ResumptionToken(
        value=(element.text or "").strip(),
        cursor=_int("cursor"),
        complete_list_size=_int("completeListSize"),
        expiration_date=parse_iso_datetime(expiration) if expiration else None,
    )


def _paper_from_raw(raw: Element, where: str) -> PaperRecord:
    def text(tag: str) -> str | None:
        return child_text(raw, f"{_ARXIV_RAW}{tag}")

    arxiv_id, title = _required_id_and_title(text("id"), text("title"), where)
    versions = []
    for element in raw.findall(f"{_ARXIV_RAW}version"):
        label = (element.get("version") or "").strip().lower()
        if not label.startswith("v") or not label[1:].isdigit():
            raise MalformedResponse(f"{where}: version label {label!r}")
        date_text = child_text(element, f"{_ARXIV_RAW}date")
        try:
            submitted = parse_rfc822(date_text) if date_text else None
        except MalformedResponse as exc:
            raise MalformedResponse(f"{where}: {exc}") from exc
        versions.append(VersionRecord(number=int(label[1:]), submitted_at=submitted))
    versions.sort(key=lambda version: version.number)
    categories = (text("categories") or "").split()
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=text("abstract"),
        authors=split_authors(text("authors")),
        version=versions[-1].number if versions else None,
        categories=categories,
        primary_category=categories[0] if categories else None,
        published_at=versions[0].submitted_at if versions else None,
        updated_at=versions[-1].submitted_at if versions else None,
        comment=text("comments"),
        journal_ref=text("journal-ref"),
        doi=_first_doi(text("doi")),
        versions=versions,
    )


def _paper_from_arxiv(meta: Element, where: str) -> PaperRecord:
    def text(tag: str) -> str | None:
        return child_text(meta, f"{_ARXIV}{tag}")

    arxiv_id, title = _required_id_and_title(text("id"), text("title"), where)
    authors = []
    for author in meta.findall(f"{_ARXIV}authors/{_ARXIV}author"):
        name = name_from_parts(
            _text_of(author, "keyname"), _text_of(author, "forenames"), _text_of(author, "suffix")
        )
        if name:
            authors.append(name)
    categories = (text("categories") or "").split()
    try:
        created = parse_day(text("created") or "") if text("created") else None
        updated = parse_day(text("updated") or "") if text("updated") else None
    except MalformedResponse as exc:
        raise MalformedResponse(f"{where}: {exc}") from exc
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=text("abstract"),
        authors=authors,
        categories=categories,
        primary_category=categories[0] if categories else None,
        # This format has dates only; midnight UTC stands in for the unknown time of day.
        published_at=day_start(created) if created else None,
        updated_at=day_start(updated) if updated else None,
        comment=text("comments"),
        journal_ref=text("journal-ref"),
        doi=_first_doi(text("doi")),
    )


def _text_of(author: Element, tag: str) -> str:
    return child_text(author, f"{_ARXIV}{tag}") or ""


def _required_id_and_title(id_text: str | None, title: str | None, where: str) -> tuple[str, str]:
    if not id_text or not title:
        raise MalformedResponse(f"{where}: metadata lacks id or title")
    try:
        return parse_arxiv_id(id_text).arxiv_id, title
    except InvalidArxivId as exc:
        raise MalformedResponse(f"{where}: {exc}") from exc


def _first_doi(text: str | None) -> str | None:
    # arXiv lists an erratum's DOI after the article's, space-separated; the first is the article.
    return text.split()[0] if text else None
