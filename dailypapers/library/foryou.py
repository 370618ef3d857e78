""" "For you" and "Following" for one reader, from the database: which papers are candidates,
the reader's library and follows, the ranking (``ranking.rank``) and the reason for each paper.

Private by construction: everything here takes the reader and returns their own list, and no
public page or feed calls it. What is kept across readers is keyed by its whole content (a
reason's HTML by the reason, an address by its arguments), so a reader only ever gets back
what their own request made.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from dailypapers.lib.dates import Period
from dailypapers.library import prepared
from dailypapers.library.following import Follows
from dailypapers.library.members import ReaderPapers, marked_ids, reader_papers
from dailypapers.library.ranking import DEFAULT, Ranked, Weights, rank
from dailypapers.papers.models import DailyEntry, Paper
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
# Reasons whose subject is shown in quotes, and those that name something the reader follows.
QUOTED_KINDS = frozenset({"library", "search"})
FOLLOWED_KINDS = frozenset({"author", "organization", "category"})


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

    def html(self) -> SafeString:
        """The reason as the pages show it: the subject linked (a library paper's title or a
        search in quotes), "which you follow" after a followed subject. Made here, not in
        the template: 30 picks' reasons were a fifth of the page's rendering; and kept, as
        it depends on the reason's fields only, which recur from request to request (their
        format_html calls were a tenth of a day's page: cProfile, load 8)."""
        return _reason_html(self)

    def _html(self) -> SafeString:
        subject: str = ""
        if self.subject and self.url:
            shown = self.subject
            if self.kind in QUOTED_KINDS:
                shown = f"“{Truncator(self.subject).chars(90)}”"
            subject = format_html(' <a href="{}">{}</a>', self.url, shown)
        elif self.subject:
            subject = format_html(" {}", self.subject)
        followed = ", which you follow" if self.kind in FOLLOWED_KINDS else ""
        return format_html(
            '<span class="reason {}">{}{}{}{}</span>',
            self.kind,
            self.text,
            subject,
            followed,
            self.after,
        )


@functools.lru_cache(maxsize=16384)
def _reason_html(reason: Reason) -> SafeString:
    return reason._html()


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
    """The papers of a period (``prepared.period_rows`` says which) less ``leave_out``, most
    upvoted first: the usual list's order, which ties fall back to."""
    rows = prepared.period_rows(period)
    details = prepared.period_details(period, rows)
    return [_candidate(rows, details, p) for p in _positions(rows, leave_out).tolist()]


def _positions(rows: prepared.PeriodRows, leave_out: set[int]) -> np.ndarray:
    """The positions in ``rows`` of the candidates: all but ``leave_out``, most upvoted first,
    then by id (lexsort sorts by its last key first)."""
    keep = ~np.isin(rows.ids, np.fromiter(leave_out, dtype=np.int64, count=len(leave_out)))
    positions = np.flatnonzero(keep)
    return positions[np.lexsort((rows.ids[positions], -rows.votes[positions]))]


def _candidate(rows: prepared.PeriodRows, details: prepared.PeriodDetails, p: int) -> Candidate:
    return Candidate(
        int(rows.ids[p]),
        int(rows.votes[p]),
        rows.days[p],
        details.author_names[p],
        details.categories[p],
        details.primary_categories[p],
        set(rows.organizations[p]),
    )


def follow_reasons(candidates: list[Candidate], follows: Follows) -> dict[int, list[Reason]]:
    """For each candidate a followed author, organization, category or search brought, why."""
    reasons: dict[int, list[Reason]] = {}
    if not follows:
        return reasons
    for c in candidates:
        if found := _followed_reasons(c, follows):
            reasons[c.paper_id] = found
    ids = frozenset(c.paper_id for c in candidates)
    for text in follows.searches[:SEARCHES_MATCHED]:
        url = _search_url(text)
        for pk in KeywordResults(parse_query(text)).matching(ids):
            reasons.setdefault(pk, []).append(Reason("search", "Matches your search", text, url))
    return reasons


def _followed_reasons(c: Candidate, follows: Follows) -> list[Reason]:
    """The followed authors, organizations and categories of one paper, in its order."""
    found = []
    for name in c.author_names:
        if name in follows.authors:
            found.append(Reason("author", "By", name, address("papers:author", name)))
    for org in sorted(c.organizations & follows.organizations):
        found.append(Reason("organization", "From", org, address("papers:organization", org)))
    for category in c.categories:
        if category in follows.categories:
            found.append(Reason("category", "In", category, ""))
    return found


def period_follow_reasons(
    rows: prepared.PeriodRows,
    details: prepared.PeriodDetails,
    positions: np.ndarray,
    follows: Follows,
) -> dict[int, list[Reason]]:
    """``follow_reasons`` of the candidates at ``positions``, the same reasons in the same
    order, from the period's kept indexes: the followed names are looked up among the
    candidates rather than every candidate's names among the follows, and a followed
    search's matches are kept with the period (``prepared.search_matches``)."""
    reasons: dict[int, list[Reason]] = {}
    if not follows:
        return reasons
    hit: set[int] = set()
    for name in follows.authors:
        if (where := details.authors.positions.get(name)) is not None:
            hit.update(where.tolist())
    for category in follows.categories:
        hit.update(details.in_category.get(category, ()))
    if follows.organizations:
        hit.update(p for p, orgs in enumerate(rows.organizations) if orgs & follows.organizations)
    wanted = set(positions.tolist())
    for p in sorted(hit & wanted):
        if found := _followed_reasons(_candidate(rows, details, p), follows):
            reasons[int(rows.ids[p])] = found
    candidate_ids = set(rows.ids[positions].tolist())
    for text in follows.searches[:SEARCHES_MATCHED]:
        url = _search_url(text)
        for pk in sorted(prepared.search_matches(details, rows.ids, text) & candidate_ids):
            reasons.setdefault(pk, []).append(Reason("search", "Matches your search", text, url))
    return reasons


def address(name: str, argument: str) -> str:
    """``reverse(name, args=[argument])``, memoised: an author's, organization's or paper's
    address never changes while the process runs, and reverse() costs about 25 µs, several
    times a card. The script prefix is part of the key, as reverse() puts it in."""
    return _reversed(get_script_prefix(), name, argument)


@functools.lru_cache(maxsize=8192)
def _reversed(prefix: str, name: str, argument: str) -> str:
    return reverse(name, args=[argument])


def _search_url(text: str) -> str:
    return reverse("papers:index") + "?" + _query_string(text)


def _query_string(text: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": text})


class ForYou(Sequence[Pick]):
    """A reader's "For you" list for a period, best first, pageable like search results:
    the whole period is ranked at once, papers and reasons are loaded per page."""

    def __init__(
        self,
        user,
        period: Period,
        weights: Weights = DEFAULT,
        rows_max_age: float = 0,
        papers: ReaderPapers | None = None,
        follows: Follows | None = None,
    ) -> None:
        """``rows_max_age``: see ``prepared.period_rows``; ``papers`` and ``follows``: the
        reader's, when the caller read them already (a digest's two personal sections)."""
        self.period = period
        # The library's ids, vectors and author counts, and the period's author lists,
        # vectors, author and category indexes and search matches, are kept between
        # requests (``prepared.py``), and so are the library's closeness to the period's
        # candidates: what is left per request is a few small queries and the blending.
        papers = papers or reader_papers(user)
        profile = prepared.library_profile(user, papers.library[:LIBRARY_RANKING_LIMIT])
        library = profile.ids
        leave_out = papers.marked() | set(library)
        self._rows = prepared.period_rows(period, rows_max_age)
        self._details = details = prepared.period_details(period, self._rows)
        self.positions = positions = _positions(self._rows, leave_out)
        self.follows = follows if follows is not None else Follows.of(user)
        self.personal = bool(library) or bool(self.follows)
        self.followed = period_follow_reasons(self._rows, details, positions, self.follows)
        dim = details.matrix.shape[1]
        if library and dim and profile.matrix.shape[1] == dim:
            candidate_matrix = details.matrix[positions]
            library_matrix = profile.matrix
        else:
            candidate_matrix = np.zeros((len(positions), 0), np.float32)
            library_matrix = np.zeros((0, 0), np.float32)
        self.library = library
        self.library_authors = profile.authors
        near, affinity = prepared.library_closeness(
            profile,
            details,
            positions,
            candidate_matrix,
            library_matrix,
            weights.top_k,
            weights.center,
        )
        self.votes = self._rows.votes[positions]
        ids = self._rows.ids[positions]
        self.ranked_ids = ids  # each candidate's paper id, by its place in ``positions``
        # Papers and titles given by ``preload`` (a digest worker's batch).
        self._papers: dict[int, Paper] = {}
        self._titled: dict[int, tuple[str, str]] = {}
        self.ranked: Ranked = rank(
            candidate_matrix,
            library_matrix,
            self.votes.astype(np.float64),
            self._ages(positions) if weights.freshness else np.zeros(len(positions)),
            np.isin(ids, np.fromiter(self.followed, np.int64, len(self.followed))).astype(float),
            weights,
            affinity[positions],
            near,
        )
        near_closeness = self.ranked.closeness
        spread = float(near_closeness.std()) if len(near_closeness) > 1 else 0.0
        self.close_bar = float(near_closeness.mean()) + CLOSE_Z * spread if spread > 0 else np.inf

    def _ages(self, positions: np.ndarray) -> np.ndarray:
        """Days from each candidate to the newest candidate (the freshness term's input)."""
        days = [self._rows.days[p] for p in positions.tolist()]
        newest = max((d for d in days if d), default=timezone.now().date())
        return np.array([(newest - (d or newest)).days for d in days], np.float64)

    @property
    def candidates(self) -> list[Candidate]:
        """The candidates, most upvoted first (made on demand: a page needs 30 of them)."""
        return [_candidate(self._rows, self._details, p) for p in self.positions.tolist()]

    def __len__(self) -> int:
        return len(self.positions)

    @overload
    def __getitem__(self, index: int) -> Pick: ...
    @overload
    def __getitem__(self, index: slice) -> list[Pick]: ...
    def __getitem__(self, index: int | slice) -> Pick | list[Pick]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        positions = [int(p) for p in self.ranked.order[index]]
        shown = {
            p: _candidate(self._rows, self._details, int(self.positions[p])) for p in positions
        }
        wanted = [shown[p].paper_id for p in positions]
        nearest = {
            p: self.library[int(self.ranked.nearest[p])]
            for p in positions
            if self.ranked.nearest[p] >= 0 and self.ranked.closeness[p] >= self.close_bar
        }
        papers, titled = self.loaded(wanted, set(nearest.values()))
        top_votes = int(self.votes.max()) if len(self.votes) else 0
        picks = []
        for position, pk in zip(positions, wanted, strict=True):
            if pk not in papers:
                continue
            reasons = list(self.followed.get(pk, []))
            if not any(r.kind == "author" for r in reasons):
                reasons += self.author_reasons(shown[position])
            library_paper = titled.get(nearest.get(position, -1))
            if library_paper is not None:
                reasons.append(Reason("library", "Close to", *library_paper))
            if not reasons:
                reasons.append(community_reason(shown[position], top_votes))
            picks.append(Pick(papers[pk], reasons, float(self.ranked.score[position])))
        return picks

    def page_ids(self, index: slice) -> tuple[list[int], set[int]]:
        """The papers a page shows, and the library papers its reasons may name."""
        positions = [int(p) for p in self.ranked.order[index]]
        shown = [int(self.ranked_ids[p]) for p in positions]
        near = {
            self.library[int(self.ranked.nearest[p])]
            for p in positions
            if self.ranked.nearest[p] >= 0 and self.ranked.closeness[p] >= self.close_bar
        }
        return shown, near

    def preload(self, papers: dict[int, Paper], titled: dict[int, tuple[str, str]]) -> None:
        """Papers and library titles read for many readers at once (a digest worker's
        batch), used by the pages before reading what is still missing."""
        self._papers, self._titled = papers, titled

    def loaded(
        self, wanted: list[int], near: set[int]
    ) -> tuple[dict[int, Paper], dict[int, tuple[str, str]]]:
        """The shown papers (with their organization) and, of a library paper a reason
        names, the title and the address only: not the whole row (abstract, summary, JSON
        lists) that a shown paper needs."""
        have, known = self._papers, self._titled
        papers = {pk: have[pk] for pk in wanted if pk in have}
        if rest := [pk for pk in wanted if pk not in papers]:
            papers.update(Paper.objects.select_related("organization").in_bulk(rest))
        titled = {pk: known[pk] for pk in near if pk in known}
        if rest_near := near - set(titled):
            titled.update(read_titles(rest_near))
        return papers, titled

    def author_reasons(self, candidate: Candidate) -> list[Reason]:
        """ "By <name>, an author of 3 papers in your library", for its best-known author."""
        known = [(self.library_authors[n], n) for n in candidate.author_names]
        count, name = max(known, default=(0, ""))
        if not count:
            return []
        url = address("papers:author", name)
        papers = f"{count} paper{'s' if count > 1 else ''}"
        return [
            Reason("library_author", "By", name, url, f", an author of {papers} in your library")
        ]


def read_titles(ids: set[int]) -> dict[int, tuple[str, str]]:
    """Each paper's title and address, by id."""
    rows = Paper.objects.filter(pk__in=ids).values_list("id", "title", "arxiv_id")
    return {pk: (title, address("papers:paper", arxiv_id)) for pk, title, arxiv_id in rows}


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
