"""What a reader's email digest adds from their library and follows: follow alerts (a new
paper by a followed author or organization; a new version of a paper in their library) and
the best of their "For you" list. ``digests.compose`` calls these for a subscription tied to
an account and leaves out every paper the address was ever mailed, so no paper arrives twice.

The period's papers by author and organization (``period_papers``) are read once per period
and kept a few minutes per process, like the "For you" candidates (``prepared.py``): what is
left per reader is looking up what they follow, and loading the few papers found.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from dailypapers.lib.dates import Period
from dailypapers.library.following import Follows
from dailypapers.library.foryou import ForYou
from dailypapers.library.members import ReaderPapers, reader_papers, readers_papers
from dailypapers.papers.models import Authorship, Paper, PaperVersion

# arXiv announces a day or two after submission: look back this far before the period, as
# the digest's topics do.
LOOKBACK_DAYS = 3
MAX_ALERTS = 20
# Every digest of a morning covers the same period: its candidate papers are read once and
# used for this long, as the digests' topic matches are (``compose.TOPIC_CACHE_SECONDS``).
PERIOD_ROWS_SECONDS = 300


@dataclass(frozen=True)
class Reader:
    """What both personal sections of a digest read of the reader, read once for both."""

    papers: ReaderPapers
    follows: Follows
    # Read for a worker's whole batch (``digest_batch.py``), by period (its first and last
    # day): the new versions of library papers, and the reader's "For you" list with its
    # first pages' papers loaded. Absent, each section reads its own.
    versions: dict[tuple, list[PaperVersion]] = field(default_factory=dict, compare=False)
    for_you: dict[tuple, ForYou] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, user) -> Reader:
        return cls(reader_papers(user), Follows.of(user))

    @classmethod
    def of_many(cls, user_ids: list[int]) -> dict[int, Reader]:
        """The readers of a digest worker's batch in two statements, not two each."""
        papers, follows = readers_papers(user_ids), Follows.of_many(user_ids)
        return {pk: cls(papers[pk], follows[pk]) for pk in user_ids}


@dataclass(frozen=True)
class PeriodPapers:
    """The visible papers of a digest's period (with its look-back) by author and by
    organization: what follow alerts look up, read once per period for every reader."""

    by_author: dict[str, list[int]]
    by_organization: dict[str, list[int]]
    published: dict[int, dt.datetime | None]

    def newest_first(self, pk: int) -> tuple:
        """A sort key: the newest first, papers without a date last (as SQLite orders
        ``-published_at``), then the higher id."""
        published = self.published[pk]
        return (published is None, -published.timestamp() if published else 0.0, -pk)


_periods: dict[tuple[dt.date, dt.date], tuple[float, PeriodPapers]] = {}


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def period_papers(since: dt.date, last: dt.date) -> PeriodPapers:
    """The period's papers as follow alerts need them, kept ``PERIOD_ROWS_SECONDS``: every
    digest of a morning covers the same period. Before, each reader's digest asked two
    queries of the papers table, 40 ms under cProfile at load 10 (bench/digests.py)."""
    now = time.monotonic()
    kept = _periods.get((since, last))
    if kept is not None and now - kept[0] < PERIOD_ROWS_SECONDS:
        return kept[1]
    # Announced in the period, or (no announcement day) published in it; the days as ranges
    # of instants, which the index serves (``published_at__date`` calls Python per row).
    in_period = Q(announced_on__gte=since, announced_on__lte=last) | Q(
        announced_on__isnull=True,
        published_at__gte=_start_of(since),
        published_at__lt=_start_of(last + dt.timedelta(days=1)),
    )
    papers = Paper.objects.visible().filter(in_period)
    published: dict[int, dt.datetime | None] = {}
    by_organization: dict[str, list[int]] = {}
    for pk, when, organization in papers.values_list("id", "published_at", "organization__name"):
        published[pk] = when
        if organization:
            by_organization.setdefault(organization, []).append(pk)
    by_author: dict[str, list[int]] = {}
    authorships = Authorship.objects.filter(paper__in=papers.values("id"))
    for name, pk in authorships.values_list("author__name", "paper_id"):
        by_author.setdefault(name, []).append(pk)
    found = PeriodPapers(by_author, by_organization, published)
    if len(_periods) > 16:
        _periods.clear()
    _periods[(since, last)] = (now, found)
    return found


def new_versions(papers: list[int], first: dt.date, last: dt.date):
    """The new versions (v2 and later) of ``papers`` submitted from ``first`` (less the
    look-back) to ``last``, newest first, with their papers."""
    since = first - dt.timedelta(days=LOOKBACK_DAYS)
    return (
        PaperVersion.objects.filter(
            paper_id__in=papers,
            number__gt=1,
            # A range of instants, not ``submitted_at__date``: SQLite calls a Python function
            # on each row's date for that.
            submitted_at__gte=_start_of(since),
            submitted_at__lt=_start_of(last + dt.timedelta(days=1)),
        )
        .select_related("paper", "paper__organization")
        # The id breaks ties: a batch's one query and a reader's own give the same order.
        .order_by("-submitted_at", "-id")
    )


def forget() -> None:
    """Drop the kept periods (tests)."""
    _periods.clear()


def follow_alerts(
    user, first: dt.date, last: dt.date, seen: set[str], reader: Reader | None = None
) -> list[tuple[Paper, str]]:
    """New papers of followed authors and organizations, and new versions of library papers,
    from ``first`` (less the look-back) to ``last``, as (paper, reason), never one of
    ``seen`` (arXiv ids), which it extends."""
    since = first - dt.timedelta(days=LOOKBACK_DAYS)
    reader = reader or Reader.of(user)
    hidden = reader.papers.marked()
    alerts: list[tuple[Paper, str]] = []
    follows = reader.follows
    period = period_papers(since, last)
    # Of each kind of follow, the newest few, as one query per kind gave them before.
    wanted: set[int] = set()
    for index, followed in (
        (period.by_author, follows.authors),
        (period.by_organization, follows.organizations),
    ):
        ids = {pk for name in followed for pk in index.get(name, ())}
        wanted.update(sorted(ids, key=period.newest_first)[: MAX_ALERTS * 2])
    # Read again as visible: a paper hidden since the period was read is left out.
    papers = Paper.objects.visible().select_related("organization")
    found = papers.in_bulk(wanted) if wanted else {}
    newest_first = sorted(
        found.values(),
        key=lambda p: (p.published_at is not None, p.published_at or 0, p.pk),
        reverse=True,
    )
    for paper in newest_first[: MAX_ALERTS * 2]:
        names = [n for n in paper.author_names if n in follows.authors]
        if names:
            reason = f"by {names[0]}, whom you follow"
        else:
            reason = f"from {paper.organization}, which you follow"
        alerts.append((paper, reason))
    versions = reader.versions.get((first, last))
    if versions is None:
        versions = list(new_versions(reader.papers.library, first, last)[: MAX_ALERTS * 2])
    for version in versions[: MAX_ALERTS * 2]:
        alerts.append(
            (version.paper, f"new version (v{version.number}) of a paper in your library")
        )
    kept: list[tuple[Paper, str]] = []
    for paper, reason in alerts:
        if paper.arxiv_id in seen or paper.pk in hidden or len(kept) >= MAX_ALERTS:
            continue
        seen.add(paper.arxiv_id)
        kept.append((paper, reason))
    return kept


def digest_period(first: dt.date, last: dt.date) -> Period:
    """The "For you" period of a digest covering ``first`` to ``last``."""
    return Period("week" if last - first > dt.timedelta(days=3) else "date", first, last)


def for_you_count(subscription) -> int:
    """How many "For you" papers a subscription's digest holds."""
    weekly = subscription.frequency == "weekly"
    return settings.DIGEST_FOR_YOU_COUNT * (2 if weekly else 1)


def for_you_picks(
    user,
    first: dt.date,
    last: dt.date,
    count: int,
    seen: set[str],
    reader: Reader | None = None,
) -> list[tuple[Paper, str]]:
    """The reader's best ``count`` "For you" papers of the period with their reasons, never
    one of ``seen``, which it extends; none for a reader with no library and no follows (the
    digest's trending section already says what everyone sees)."""
    ranked = reader.for_you.get((first, last)) if reader else None
    if ranked is None:
        ranked = ForYou(
            user,
            digest_period(first, last),
            rows_max_age=PERIOD_ROWS_SECONDS,
            papers=reader.papers if reader else None,
            follows=reader.follows if reader else None,
        )
    if not ranked.personal:
        return []
    picks: list[tuple[Paper, str]] = []
    # A page of ``count`` at a time, up to four: most readers were mailed none of the first
    # ``count``, and loading four times as many papers and reasons for them cost time.
    for start in range(0, count * 4, count):
        for pick in ranked[start : start + count]:
            if pick.paper.arxiv_id in seen:
                continue
            reason = "; ".join(str(r) for r in pick.reasons)
            picks.append((pick.paper, reason[0].lower() + reason[1:] if reason else reason))
            seen.add(pick.paper.arxiv_id)
            if len(picks) >= count:
                return picks
    return picks
