""" "For you" and "Following" for one reader, from the database: which papers are candidates,
the reader's library and follows, the ranking (``ranking.rank``) and the reason for each paper.

Private by construction: everything here takes the reader and returns their own list; nothing
is cached across readers and no public page or feed calls it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from dailypapers.lib.dates import Period
from dailypapers.library.following import Follows
from dailypapers.library.members import library_ids, marked_ids
from dailypapers.library.ranking import (
    DEFAULT,
    AuthorIndex,
    Ranked,
    Weights,
    library_authors,
    rank,
)
from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.search import vectors
from dailypapers.search.keyword import KeywordResults
from dailypapers.search.query import parse_query

# The newest library papers the ranking compares with: a 500-paper library costs about a
# millisecond per 1,000 candidates (docs/for-you.md); older additions say less of today.
LIBRARY_RANKING_LIMIT = 1_000
# A paper is "close to" a library paper when its closeness is this many standard deviations
# above the period's mean: about the top sixth of the period.
CLOSE_Z = 1.0
# Followed searches matched per request (each is one keyword search).
SEARCHES_MATCHED = 20
FOLLOWING_DAYS = 30
FOLLOWING_LIMIT = 100


@dataclass(frozen=True)
class Reason:
    """Why a paper is on a reader's list: "Close to" + the library paper's title, linked."""

    kind: str  # library, library_author, author, organization, category, search, trending, new
    text: str
    subject: str = ""
    url: str = ""
    after: str = ""  # words after the subject

    def __str__(self) -> str:
        return f"{self.text} {self.subject}".strip() + self.after


@dataclass
class Pick:
    paper: Paper
    reasons: list[Reason]
    score: float = 0.0


@dataclass
class Candidate:
    """What the ranking and the reasons need of one paper, without loading the whole row."""

    paper_id: int
    votes: int
    day: dt.date | None
    author_names: list[str]
    categories: list[str]
    primary_category: str
    organizations: set[str] = field(default_factory=set)


def period_candidates(period: Period, leave_out: set[int]) -> list[Candidate]:
    """The papers of a period: announced by arXiv in it, or on one of its daily lists (or,
    for a paper with no announcement day, published in it); hidden and withdrawn ones never."""
    listed = DailyEntry.objects.filter(date__gte=period.first, date__lte=period.last)
    entry_orgs: dict[int, set[str]] = {}
    for paper_id, org in listed.values_list("paper_id", "organization__name"):
        entry_orgs.setdefault(paper_id, set())
        if org:
            entry_orgs[paper_id].add(org)
    start = dt.datetime.combine(period.first, dt.time(), dt.UTC)
    end = dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time(), dt.UTC)
    # Three indexed lookups, not one OR: SQLite answers an OR across columns by reading the
    # whole papers table (docs/for-you.md, Speed). "No announcement day" is checked here, not in
    # SQL, where it made SQLite pick the announced_on index and read every unannounced row.
    visible = Paper.objects.filter(hidden=False, withdrawn_at__isnull=True)
    parts = [
        (visible.filter(announced_on__gte=period.first, announced_on__lte=period.last), False),
        (visible.filter(id__in=listed.values("paper_id")), False),
        (visible.filter(published_at__gte=start, published_at__lt=end), True),
    ]
    rows = {}
    for part, unannounced_only in parts:
        for row in part.values_list(
            "id",
            "upstream_upvotes",
            "upvote_count",
            "announced_on",
            "published_at",
            "author_names",
            "categories",
            "primary_category",
            "organization__name",
        ):
            if row[0] not in leave_out and not (unannounced_only and row[3] is not None):
                rows[row[0]] = row
    found = []
    for (
        pk,
        upstream,
        ours,
        announced,
        published,
        authors,
        categories,
        primary,
        org,
    ) in rows.values():
        orgs = set(entry_orgs.get(pk, ()))
        if org:
            orgs.add(org)
        day = announced or (published.date() if published else None)
        found.append(
            Candidate(pk, upstream + ours, day, authors or [], categories or [], primary, orgs)
        )
    # The usual list's order (most upvoted first) is what ties fall back to.
    found.sort(key=lambda c: (-c.votes, c.paper_id))
    return found


def follow_reasons(candidates: list[Candidate], follows: Follows) -> dict[int, list[Reason]]:
    """For each candidate a followed author, organization, category or search brought, why."""
    reasons: dict[int, list[Reason]] = {}
    if not follows:
        return reasons
    for c in candidates:
        found = []
        for name in c.author_names:
            if name in follows.authors:
                url = reverse("papers:author", args=[name])
                found.append(Reason("author", "By", name, url))
        for org in sorted(c.organizations & follows.organizations):
            url = reverse("papers:organization", args=[org])
            found.append(Reason("organization", "From", org, url))
        for category in c.categories:
            if category in follows.categories:
                found.append(Reason("category", "In", category, ""))
        if found:
            reasons[c.paper_id] = found
    ids = frozenset(c.paper_id for c in candidates)
    for text in follows.searches[:SEARCHES_MATCHED]:
        url = reverse("papers:index") + "?" + _query_string(text)
        for pk in KeywordResults(parse_query(text)).matching(ids):
            reasons.setdefault(pk, []).append(Reason("search", "Matches your search", text, url))
    return reasons


def _query_string(text: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": text})


def matrix_of(ids: list[int]) -> np.ndarray:
    """The site's vectors of these papers, a zero row where a paper has none yet."""
    found = vectors.index().vectors_of(ids)
    dim = next((len(v) for v in found.values()), 0)
    matrix = np.zeros((len(ids), dim), dtype=np.float32)
    for row, pk in enumerate(ids):
        if pk in found:
            matrix[row] = found[pk]
    return matrix


class ForYou(Sequence[Pick]):
    """A reader's "For you" list for a period, best first, pageable like search results:
    the whole period is ranked at once, papers and reasons are loaded per page."""

    def __init__(self, user, period: Period, weights: Weights = DEFAULT) -> None:
        self.period = period
        library = library_ids(user, LIBRARY_RANKING_LIMIT)
        leave_out = marked_ids(user) | set(library)
        self.candidates = period_candidates(period, leave_out)
        self.follows = Follows.of(user)
        self.personal = bool(library) or bool(self.follows)
        self.followed = follow_reasons(self.candidates, self.follows)
        ids = [c.paper_id for c in self.candidates]
        candidate_matrix = matrix_of(ids) if library else np.zeros((len(ids), 0), np.float32)
        library_matrix = matrix_of(library) if library else np.zeros((0, 0), np.float32)
        if library and candidate_matrix.shape[1] != library_matrix.shape[1]:
            library_matrix = np.zeros((0, candidate_matrix.shape[1]), np.float32)
        newest = max((c.day for c in self.candidates if c.day), default=timezone.now().date())
        self.library = library
        self.library_authors = library_authors(
            list(Paper.objects.filter(pk__in=library).values_list("author_names", flat=True))
        )
        affinity = AuthorIndex([c.author_names for c in self.candidates]).affinity(
            self.library_authors
        )
        self.ranked: Ranked = rank(
            candidate_matrix,
            library_matrix,
            np.array([c.votes for c in self.candidates], dtype=np.float64),
            np.array([(newest - (c.day or newest)).days for c in self.candidates], np.float64),
            np.array([c.paper_id in self.followed for c in self.candidates], dtype=np.float64),
            weights,
            affinity,
        )
        near = self.ranked.closeness
        spread = float(near.std()) if len(near) > 1 else 0.0
        self.close_bar = float(near.mean()) + CLOSE_Z * spread if spread > 0 else np.inf

    def __len__(self) -> int:
        return len(self.candidates)

    @overload
    def __getitem__(self, index: int) -> Pick: ...
    @overload
    def __getitem__(self, index: slice) -> list[Pick]: ...
    def __getitem__(self, index: int | slice) -> Pick | list[Pick]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        positions = [int(p) for p in self.ranked.order[index]]
        wanted = [self.candidates[p].paper_id for p in positions]
        nearest = {
            p: self.library[int(self.ranked.nearest[p])]
            for p in positions
            if self.ranked.nearest[p] >= 0 and self.ranked.closeness[p] >= self.close_bar
        }
        papers = Paper.objects.select_related("organization").in_bulk(
            wanted + list(nearest.values())
        )
        top_votes = max((c.votes for c in self.candidates), default=0)
        picks = []
        for position, pk in zip(positions, wanted, strict=True):
            if pk not in papers:
                continue
            reasons = list(self.followed.get(pk, []))
            if not any(r.kind == "author" for r in reasons):
                reasons += self.author_reasons(self.candidates[position])
            library_paper = papers.get(nearest.get(position, -1))
            if library_paper is not None:
                reasons.append(
                    Reason(
                        "library", "Close to", library_paper.title, library_paper.get_absolute_url()
                    )
                )
            if not reasons:
                reasons.append(community_reason(self.candidates[position], top_votes))
            picks.append(Pick(papers[pk], reasons, float(self.ranked.score[position])))
        return picks

    def author_reasons(self, candidate: Candidate) -> list[Reason]:
        """ "By <name>, an author of 3 papers in your library", for its best-known author."""
        known = [(self.library_authors[n], n) for n in candidate.author_names]
        count, name = max(known, default=(0, ""))
        if not count:
            return []
        url = reverse("papers:author", args=[name])
        papers = f"{count} paper{'s' if count > 1 else ''}"
        return [
            Reason("library_author", "By", name, url, f", an author of {papers} in your library")
        ]


def community_reason(candidate: Candidate, top_votes: int) -> Reason:
    """The reason of a paper neither the library nor a follow brought."""
    category = candidate.primary_category or next(iter(candidate.categories), "")
    where = f" in {category}" if category else ""
    if candidate.votes and candidate.votes * 4 >= top_votes:
        return Reason("trending", f"Trending{where}")
    if candidate.votes:
        return Reason("trending", f"Upvoted{where}")
    return Reason("new", f"New{where}")


def following_feed(user, now: dt.datetime | None = None) -> list[Pick]:
    """New papers (of the last ``FOLLOWING_DAYS`` days) from what ``user`` follows, newest
    first, each with the follows that brought it."""
    follows = Follows.of(user)
    if not follows:
        return []
    now = now or timezone.now()
    latest = _newest_day() or now.date()
    since = min(now.date(), latest) - dt.timedelta(days=FOLLOWING_DAYS)
    recent = Paper.objects.filter(hidden=False, withdrawn_at__isnull=True).filter(
        Q(announced_on__gte=since) | Q(announced_on__isnull=True, published_at__date__gte=since)
    )
    wanted = Q(authors__name__in=follows.authors) | Q(organization__name__in=follows.organizations)
    wanted |= Q(daily_entries__organization__name__in=follows.organizations)
    wanted |= Q(primary_category__in=follows.categories)
    ids = set(recent.filter(wanted).values_list("id", flat=True))
    for text in follows.searches[:SEARCHES_MATCHED]:
        results = KeywordResults(parse_query(text))
        ids |= set(
            recent.filter(id__in=results.ranked_ids(FOLLOWING_LIMIT)).values_list("id", flat=True)
        )
    ids -= marked_ids(user)
    papers = list(
        Paper.objects.filter(id__in=ids)
        .select_related("organization")
        .order_by("-announced_on", "-published_at", "-id")[:FOLLOWING_LIMIT]
    )
    candidates = [
        Candidate(
            p.pk,
            p.upvotes,
            p.announced_on,
            p.author_names,
            p.categories,
            p.primary_category,
            {p.organization.name} if p.organization else set(),
        )
        for p in papers
    ]
    orgs = DailyEntry.objects.filter(paper_id__in=ids, organization__isnull=False)
    by_entry = {pk: name for pk, name in orgs.values_list("paper_id", "organization__name")}
    for c in candidates:
        if c.paper_id in by_entry:
            c.organizations.add(by_entry[c.paper_id])
    reasons = follow_reasons(candidates, follows)
    return [Pick(p, reasons[p.pk]) for p in papers if p.pk in reasons]


def _newest_day() -> dt.date | None:
    """The newest day with papers: announced by arXiv, on a daily list, or (for papers with
    neither, as a bulk snapshot imports them) published. Each is the first row of its own
    index: one query with two MAX()es, or a filter on ``hidden``, reads the whole table."""
    announced = (
        Paper.objects.filter(announced_on__isnull=False)
        .order_by("-announced_on")
        .values_list("announced_on", flat=True)
        .first()
    )
    published = (
        Paper.objects.filter(published_at__isnull=False)
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    listed = DailyEntry.objects.order_by("-date").values_list("date", flat=True).first()
    days = [d for d in (announced, listed, published.date() if published else None) if d]
    return max(days) if days else None


newest_day = _newest_day
