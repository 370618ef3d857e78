"""arXiv announcement feeds (``rss.arxiv.org/rss/{cats}`` and ``/atom/{cats}``) parsed into
``Announcement``s: which paper, which version, announced how (new, replace, cross,
replace-cross) and on which day.

Three formats are read, all through feedparser: RSS 2.0 and Atom (since 2024; the item's guid is
``oai:arXiv.org:{id}v{n}``, ``arxiv:announce_type`` gives the type and the description starts
"arXiv:{id}v{n} Announce Type: ... Abstract: ..."), and the legacy RSS 1.0/RDF feed (type and
version only in the title suffix "(arXiv:2106.00550v2 [math.GR] CROSS LISTED)").

A feed is for learning what was announced; the full records come from the API (``atom.py``):
titles and abstracts here went through feedparser's HTML handling and are a preview only.
What is not here: fetching, and knowing the announcement schedule.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import xml.sax
from dataclasses import dataclass, field
from typing import Any

import feedparser

from dailypapers.sources.arxiv.authors import split_authors
from dailypapers.sources.arxiv.dates import parse_any_datetime
from dailypapers.sources.arxiv.errors import InvalidArxivId, MalformedResponse
from dailypapers.sources.arxiv.ids import parse_arxiv_id
from dailypapers.sources.arxiv.xmldoc import collapse_whitespace
from dailypapers.sources.records import PaperRecord

__all__ = ["ANNOUNCE_TYPES", "Announcement", "AnnouncementFeed", "parse_announcements"]

ANNOUNCE_TYPES = ("new", "replace", "cross", "replace-cross")
# Where the feeds are: settings.ARXIV_RSS_URL, the one home of every upstream address.

_DESCRIPTION = re.compile(
    r"^\s*arXiv:(?P<id>\S+?)\s*(?:v(?P<version>\d+))?\s+Announce Type:\s*(?P<type>[\w-]+)\s*"
    r"(?:Abstract:\s*)?",
    re.IGNORECASE,
)
# Legacy titles: "Title. (arXiv:2106.00550v2 [math.GR] CROSS LISTED)"
_LEGACY_TITLE = re.compile(
    r"^(?P<title>.*?)\.?\s*\(arXiv:(?P<id>[^\s\[\]]+?)(?:v(?P<version>\d+))?\s*"
    r"\[[^\]]*\]\s*(?P<marker>CROSS LISTED|UPDATED)?\)\s*$",
    re.DOTALL,
)
_LEGACY_MARKERS = {None: "new", "CROSS LISTED": "cross", "UPDATED": "replace"}
_TAG = re.compile(r"<[^>]*>")


@dataclass
class Announcement:
    arxiv_id: str
    version: int | None
    announce_type: str | None  # one of ANNOUNCE_TYPES; None when the feed does not say
    announced_on: dt.date | None
    title: str | None = None
    abstract: str | None = None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    doi: str | None = None
    journal_ref: str | None = None

    def to_paper_record(self) -> PaperRecord | None:
        """What the feed says about the paper, for a first listing before the API is asked."""
        if not self.title:
            return None
        return PaperRecord(
            arxiv_id=self.arxiv_id,
            title=self.title,
            abstract=self.abstract,
            authors=list(self.authors),
            version=self.version,
            categories=list(self.categories),
            doi=self.doi,
            journal_ref=self.journal_ref,
        )


@dataclass
class AnnouncementFeed:
    announcements: list[Announcement] = field(default_factory=list)
    announced_on: dt.date | None = None  # the channel's announcement day
    skipped: list[str] = field(default_factory=list)  # why items without a usable id were left


def parse_announcements(body: bytes | str) -> AnnouncementFeed:
    """Announcements of one feed; an empty feed (weekends, holidays) gives none."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    # A file object, never bytes or str: feedparser treats strings as URLs or file names.
    try:
        parsed = feedparser.parse(io.BytesIO(body))
    except ValueError as error:  # feedparser's own decoding can fail on stray bytes
        raise MalformedResponse(f"arXiv feed: unreadable ({error})") from error
    exception = parsed.get("bozo_exception")
    if parsed.get("bozo") and isinstance(exception, xml.sax.SAXException):
        # feedparser would fall back to a lenient parse; a cut-off feed must not pass as short.
        raise MalformedResponse(f"arXiv feed: not well-formed XML ({exception})")
    if not parsed.get("version"):
        raise MalformedResponse("arXiv feed: not an RSS or Atom document")

    channel = parsed.get("feed", {})
    channel_day = _day(channel.get("published")) or _day(channel.get("updated"))
    feed = AnnouncementFeed(announced_on=channel_day)
    for position, entry in enumerate(parsed.get("entries", []), start=1):
        try:
            feed.announcements.append(_announcement(entry, channel_day))
        except (InvalidArxivId, MalformedResponse) as exc:
            feed.skipped.append(f"item {position}: {exc}")
    return feed


def _announcement(entry: Any, channel_day: dt.date | None) -> Announcement:
    title = collapse_whitespace(entry.get("title"))
    summary = entry.get("summary") or ""
    described = _DESCRIPTION.match(summary)
    legacy = _LEGACY_TITLE.match(title) if title else None

    arxiv_id, version = _identity(entry, described, legacy)
    announce_type = _announce_type(entry, described, legacy)

    if described:
        abstract_text: str | None = summary[described.end() :]
    elif summary and not summary.startswith("arXiv:"):
        abstract_text = _TAG.sub(" ", summary)
    else:
        abstract_text = None

    return Announcement(
        arxiv_id=arxiv_id,
        version=version,
        announce_type=announce_type,
        announced_on=_day(entry.get("published")) or channel_day,
        title=collapse_whitespace(legacy["title"]) if legacy else title,
        abstract=collapse_whitespace(html.unescape(abstract_text)) if abstract_text else None,
        authors=split_authors(html.unescape(_TAG.sub("", entry.get("author") or ""))),
        categories=[
            term for tag in entry.get("tags", []) if (term := (tag.get("term") or "").strip())
        ],
        doi=collapse_whitespace(entry.get("arxiv_doi")),
        journal_ref=collapse_whitespace(entry.get("arxiv_journal_reference")),
    )


def _identity(
    entry: Any, described: re.Match[str] | None, legacy: re.Match[str] | None
) -> tuple[str, int | None]:
    """Id and version from the guid, else the description, else the legacy title, else the link."""
    candidates = [entry.get("id")]
    if described:
        version = described["version"]
        candidates.append(described["id"] + (f"v{version}" if version else ""))
    if legacy:
        version = legacy["version"]
        candidates.append(legacy["id"] + (f"v{version}" if version else ""))
    candidates.append(entry.get("link"))
    arxiv_id: str | None = None
    found_version: int | None = None
    for candidate in candidates:
        if not candidate:
            continue
        try:
            parsed = parse_arxiv_id(candidate)
        except InvalidArxivId:
            continue
        if arxiv_id is None:
            arxiv_id = parsed.arxiv_id
        # Legacy items' ids (the abs link) carry no version; the title does.
        if parsed.arxiv_id == arxiv_id and parsed.version is not None:
            found_version = parsed.version
            break
    if arxiv_id is None:
        raise MalformedResponse(f"no arXiv id in item {entry.get('id') or entry.get('title')!r}")
    return arxiv_id, found_version


def _announce_type(
    entry: Any, described: re.Match[str] | None, legacy: re.Match[str] | None
) -> str | None:
    declared = entry.get("arxiv_announce_type") or (described["type"] if described else None)
    if declared:
        # An unknown future type is passed on as written rather than dropped.
        return str(declared).strip().lower()
    if legacy:
        return _LEGACY_MARKERS[legacy["marker"]]
    return None


def _day(text: str | None) -> dt.date | None:
    """The calendar day of a feed date in its own offset: "00:00 -0400" is that day in New York."""
    if not text:
        return None
    try:
        return parse_any_datetime(text).date()
    except MalformedResponse:
        return None
