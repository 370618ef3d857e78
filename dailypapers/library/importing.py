"""Importing a reference file into a reader's library: match each reference to a paper (by
arXiv id, then DOI, then normalised title), add the matches, queue unknown arXiv ids.

One transaction per file: either every match and queued id is written, or (on any error)
nothing. Re-importing a file adds nothing new: the rows are unique per reader and paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower

from dailypapers.library.models import LibraryItem, PendingImport
from dailypapers.library.references import Reference, normalise_title, read_references
from dailypapers.papers.models import Paper, PaperFetch
from dailypapers.papers.ondemand import enqueue
from dailypapers.search.keyword import keyword_search

# Titles are matched through the keyword index (a title's words, then the exact normalised
# title among the best hits); a file of thousands of title-only references would make
# thousands of searches, so past this many the rest count as not found.
MAX_TITLE_SEARCHES = 2_000
TITLE_HITS_COMPARED = 10


@dataclass
class ImportReport:
    """What one import did, for the reader."""

    references: int = 0
    matched: int = 0  # references found among the site's papers
    added: int = 0  # of those, newly in the library (the rest were already there)
    queued: int = 0  # arXiv ids the site does not have, now queued for fetching
    not_found: int = 0
    not_found_titles: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "references": self.references,
            "matched": self.matched,
            "added": self.added,
            "queued_for_fetching": self.queued,
            "not_found": self.not_found,
        }

    def __str__(self) -> str:
        parts = [f"{self.matched} of {self.references} references matched papers here"]
        parts.append(f"{self.added} new in your library" if self.added else "none new")
        if self.queued:
            parts.append(f"{self.queued} arXiv papers queued for fetching")
        if self.not_found:
            parts.append(f"{self.not_found} not found")
        return "; ".join(parts) + "."


def import_file(user, data: bytes) -> ImportReport:
    """Import ``data`` (BibTeX, RIS or CSL-JSON) into ``user``'s library; raises
    ``references.UnreadableFile`` with the reader's message, having written nothing."""
    references = read_references(data, settings.LIBRARY_IMPORT_MAX_BYTES)
    return import_references(user, references)


def import_references(user, references: list[Reference]) -> ImportReport:
    report = ImportReport(references=len(references))
    matches = match_references(references)
    paper_ids = {matches[i] for i in range(len(references)) if i in matches}
    unknown_ids: set[str] = set()
    for position, reference in enumerate(references):
        if position in matches:
            report.matched += 1
        elif reference.arxiv_id:
            unknown_ids.add(reference.arxiv_id)
            report.queued += 1
        else:
            report.not_found += 1
            if len(report.not_found_titles) < 20:
                report.not_found_titles.append(reference.title or reference.label)
    with transaction.atomic():
        had = set(
            LibraryItem.objects.filter(user=user, paper_id__in=paper_ids).values_list(
                "paper_id", flat=True
            )
        )
        LibraryItem.objects.bulk_create(
            [LibraryItem(user=user, paper_id=pk) for pk in sorted(paper_ids - had)],
            ignore_conflicts=True,  # a concurrent import of the same file
            batch_size=500,
        )
        PendingImport.objects.bulk_create(
            [PendingImport(user=user, arxiv_id=arxiv_id) for arxiv_id in sorted(unknown_ids)],
            ignore_conflicts=True,
            batch_size=500,
        )
        # The fetch worker (``dailypapers submissions fetch``) asks arXiv for them.
        enqueue(sorted(unknown_ids), PaperFetch.Reason.IMPORT)
    report.added = len(paper_ids - had)
    return report


def match_references(references: list[Reference]) -> dict[int, int]:
    """Position in ``references`` -> paper id, for those found among visible papers."""
    papers = Paper.objects.visible()
    by_arxiv = dict(
        papers.filter(arxiv_id__in={r.arxiv_id for r in references if r.arxiv_id}).values_list(
            "arxiv_id", "id"
        )
    )
    dois = {r.doi for r in references if r.doi}
    by_doi: dict[str, int] = {}
    if dois:
        by_doi = dict(
            papers.exclude(doi="")
            .annotate(lower_doi=Lower("doi"))
            .filter(lower_doi__in=dois)
            .values_list("lower_doi", "id")
        )
    found: dict[int, int] = {}
    searches = 0
    for position, reference in enumerate(references):
        if reference.arxiv_id in by_arxiv:
            found[position] = by_arxiv[reference.arxiv_id]
        elif reference.doi in by_doi:
            found[position] = by_doi[reference.doi]
        elif reference.title and searches < MAX_TITLE_SEARCHES and not reference.arxiv_id:
            searches += 1
            if (paper_id := _paper_titled(reference.title)) is not None:
                found[position] = paper_id
    return found


def _paper_titled(title: str) -> int | None:
    """The visible paper whose normalised title is ``title``'s, if the keyword index finds it
    among the best hits for the title's words."""
    wanted = normalise_title(title)
    if len(wanted) < 8:  # "Introduction" alone would match anything titled so
        return None
    results = keyword_search(wanted)
    ids = results.ranked_ids(TITLE_HITS_COMPARED)
    for paper_id, paper_title in (
        Paper.objects.visible().filter(pk__in=ids).values_list("id", "title")
    ):
        if normalise_title(paper_title) == wanted:
            return paper_id
    return None


def claim_fetched(user) -> int:
    """Move the reader's queued arXiv ids that have since been fetched into their library;
    returns how many."""
    # Checked outside a transaction first: on SQLite each one takes the write lock, and most
    # page views have nothing queued.
    if not PendingImport.objects.filter(user=user).exists():
        return 0
    with transaction.atomic():
        pending = PendingImport.objects.filter(user=user)
        fetched = dict(
            Paper.objects.visible()
            .filter(arxiv_id__in=pending.values("arxiv_id"))
            .values_list("arxiv_id", "id")
        )
        if not fetched:
            return 0
        LibraryItem.objects.bulk_create(
            [LibraryItem(user=user, paper_id=pk) for pk in fetched.values()],
            ignore_conflicts=True,
        )
        pending.filter(arxiv_id__in=fetched.keys()).delete()
    return len(fetched)
