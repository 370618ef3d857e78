"""Reading reference files (BibTeX, RIS, CSL-JSON as Zotero exports them) into plain
``Reference`` records: what identifies each paper (arXiv id, DOI, title), nothing else.

Pure: bytes in, records out, no database. A file that is too big, not text, not one of the
three formats, or holding a broken entry raises ``UnreadableFile`` with a message a reader can
act on; the caller imports nothing then, so a file is imported whole or not at all.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass

import bibtexparser
import rispy

from dailypapers.sources.arxiv.ids import (
    NEW_STYLE_PATTERN,
    OLD_STYLE_PATTERN,
    VERSION_PATTERN,
    InvalidArxivId,
    parse_bare_arxiv_id,
)

# The shape of an id is sources/arxiv/ids.py's (new-style 2501.01234, old-style
# hep-th/9901001, a version or not); what is found is then read by parse_bare_arxiv_id, so an
# id is kept as papers are stored (math.GT/0309136 -> math/0309136) and a month 13 is no id.
_SHAPE = rf"(?:{NEW_STYLE_PATTERN}|{OLD_STYLE_PATTERN})(?:{VERSION_PATTERN})?"
ARXIV_ID = re.compile(rf"(?<![\w.])({_SHAPE})(?![0-9])")
# Where an arXiv id shows in a reference: an arXiv link, an arXiv DOI, "arXiv:2501.01234".
ARXIV_HINT = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf)/|10\.48550/arxiv\.|arxiv:\s*)({_SHAPE})(?![0-9])",
    re.IGNORECASE,
)
DOI = re.compile(r"\b(10\.\d{4,9}/\S+)", re.IGNORECASE)
MAX_ENTRIES = 10_000
MAX_TITLE = 1_000


class UnreadableFile(ValueError):
    """The file cannot be imported; the message says why, for the reader."""


@dataclass(frozen=True)
class Reference:
    """One entry of a reference file: its place in the file and what may identify it."""

    label: str  # the entry's key, or its number in the file
    arxiv_id: str = ""
    doi: str = ""
    title: str = ""


def normalise_title(title: str) -> str:
    """A title reduced to lowercase letters and digits between single spaces: TeX braces,
    accents, punctuation and case differ between a reference manager and arXiv."""
    text = re.sub(r"\\[a-zA-Z]+\s*", " ", title)  # TeX commands such as \emph
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def clean_doi(text: str) -> str:
    match = DOI.search(text or "")
    return match[1].rstrip(".,;").lower() if match else ""


def stored_id(text: str) -> str:
    """``text`` as the id papers are stored under, or "" if it is no arXiv id."""
    try:
        return parse_bare_arxiv_id(text).arxiv_id
    except InvalidArxivId:
        return ""


def arxiv_id_in(*texts: str) -> str:
    """The arXiv id named in any of these field values, by link, arXiv DOI or prefix."""
    for text in texts:
        if text and (match := ARXIV_HINT.search(text)) and (found := stored_id(match[1])):
            return found
    return ""


def _reference(label: str, *, eprint: str, others: list[str], doi: str, title: str) -> Reference:
    arxiv_id = ""
    if eprint and (match := ARXIV_ID.fullmatch(eprint.strip().removeprefix("arXiv:"))):
        arxiv_id = stored_id(match[1])
    arxiv_id = arxiv_id or arxiv_id_in(doi, *others)
    doi = clean_doi(doi)
    if doi.startswith("10.48550/arxiv."):  # arXiv's own DOI says no more than its id
        doi = ""
    title = " ".join(title.replace("{", "").replace("}", "").split())[:MAX_TITLE]
    return Reference(label=label[:100], arxiv_id=arxiv_id, doi=doi, title=title)


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise UnreadableFile(
            f"The file is {size / 2**20:.1f} MB; files up to {max_bytes / 2**20:.0f} MB can "
            "be imported. Export fewer references at a time."
        )


def read_references(data: bytes, max_bytes: int) -> list[Reference]:
    """The references of a BibTeX, RIS or CSL-JSON file, in file order."""
    check_size(len(data), max_bytes)
    if b"\x00" in data:
        raise UnreadableFile("This is not a text file: export BibTeX, RIS or CSL-JSON.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("The file is not UTF-8 text: export it as UTF-8.") from None
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        references = _csl_json(stripped)
    elif re.search(r"^TY  - ", text, re.MULTILINE):
        references = _ris(text)
    elif re.search(r"^\s*@\s*[a-zA-Z]+\s*[{(]", text, re.MULTILINE):
        references = _bibtex(text)
    else:
        raise UnreadableFile("This is not a BibTeX, RIS or CSL-JSON file.")
    if not references:
        raise UnreadableFile("The file holds no references.")
    if len(references) > MAX_ENTRIES:
        raise UnreadableFile(
            f"The file holds {len(references):,} references; at most "
            f"{MAX_ENTRIES:,} can be imported at once."
        )
    return references


def _bibtex(text: str) -> list[Reference]:
    # bibtexparser logs each failed block itself; the reader gets our message instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(text)
    except Exception as error:  # the parser's own errors have no common base class
        raise UnreadableFile(f"The BibTeX file could not be read: {error}") from None
    failed = [block for block in library.failed_blocks if _looks_like_entry(block.raw or "")]
    if failed:
        lines = ", ".join(str((block.start_line or 0) + 1) for block in failed[:5])
        raise UnreadableFile(
            f"{len(failed)} BibTeX entr{'y is' if len(failed) == 1 else 'ies are'} broken "
            f"(starting on line {lines}); nothing was imported. Fix or remove "
            f"{'it' if len(failed) == 1 else 'them'} and import again."
        )
    references = []
    for entry in library.entries:
        values = {key.lower(): field.value for key, field in entry.fields_dict.items()}
        values = {
            key: value if isinstance(value, str) else str(value) for key, value in values.items()
        }
        prefix = values.get("archiveprefix", values.get("eprinttype", "")).lower()
        eprint = values.get("eprint", "") if prefix in ("", "arxiv") else ""
        references.append(
            _reference(
                entry.key,
                eprint=eprint or values.get("arxivid", "") or values.get("arxiv", ""),
                others=[values.get(k, "") for k in ("url", "journal", "note", "howpublished")],
                doi=values.get("doi", ""),
                title=values.get("title", ""),
            )
        )
    return references


def _looks_like_entry(raw: str) -> bool:
    return bool(re.match(r"\s*@\s*(?!comment\b|preamble\b|string\b)[a-zA-Z]", raw or "", re.I))


def _ris(text: str) -> list[Reference]:
    try:
        records = rispy.loads(text)
    except Exception as error:  # rispy raises plain IOError/ValueError on bad structure
        raise UnreadableFile(f"The RIS file could not be read: {error}") from None
    if text.count("\nER  -") + text.startswith("ER  -") < text.count("TY  - "):
        raise UnreadableFile(
            "An RIS record has no end (each TY line needs its ER line); nothing was imported."
        )
    references = []
    for number, record in enumerate(records, start=1):
        urls = record.get("urls") or []
        others = [*(u for u in urls if isinstance(u, str)), str(record.get("notes") or "")]
        others.append(str(record.get("journal_name") or record.get("secondary_title") or ""))
        title = record.get("title") or record.get("primary_title") or ""
        references.append(
            _reference(
                f"record {number}",
                eprint="",
                others=others,
                doi=str(record.get("doi") or ""),
                title=str(title),
            )
        )
    return references


def _csl_json(text: str) -> list[Reference]:
    try:
        items = json.loads(text)
    except (ValueError, RecursionError):
        raise UnreadableFile("The CSL-JSON file is not valid JSON; nothing was imported.") from None
    if isinstance(items, dict):
        items = items.get("items", [items])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise UnreadableFile("The CSL-JSON file should be a list of references.")
    references = []
    for number, item in enumerate(items, start=1):

        def text_of(key: str, item: dict = item) -> str:
            value = item.get(key)
            return value if isinstance(value, str) else ""

        references.append(
            _reference(
                text_of("id") or f"item {number}",
                eprint=text_of("number") if "arxiv" in text_of("publisher").lower() else "",
                others=[
                    text_of("URL"),
                    text_of("container-title"),
                    text_of("note"),
                    text_of("archive_location"),
                ],
                doi=text_of("DOI"),
                title=text_of("title"),
            )
        )
    return references
