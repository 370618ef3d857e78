"""What a reader's email digest adds from their library and follows: follow alerts (a new
paper by a followed author or organization; a new version of a paper in their library) and
the best of their "For you" list. ``digests.compose`` calls these for a subscription tied to
an account and leaves out every paper the address was ever mailed, so no paper arrives twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from dailypapers.lib.dates import Period
from dailypapers.library.following import Follows
from dailypapers.library.foryou import ForYou
from dailypapers.library.members import ReaderPapers, reader_papers
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

    @classmethod
    def of(cls, user) -> Reader:
        return cls(reader_papers(user), Follows.of(user))


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
    in_period = Q(announced_on__gte=since, announced_on__lte=last) | Q(
        announced_on__isnull=True, published_at__date__gte=since, published_at__date__lte=last
    )
    # One query per kind of follow, each starting from its own index (the author's papers,
    # the organization's): one query with both in an OR read the whole papers table, 80 ms
    # a digest on the bundle's 6,000 papers (bench/digests.py).
    wanted = []
    if follows.authors:
        by_author = Authorship.objects.filter(author__name__in=follows.authors)
        wanted.append(Q(id__in=by_author.values("paper_id")))
    if follows.organizations:
        wanted.append(Q(organization__name__in=follows.organizations))
    found: dict[int, Paper] = {}
    for papers in wanted:
        new = Paper.objects.visible().filter(papers).filter(in_period)
        for paper in new.select_related("organization").order_by("-published_at")[: MAX_ALERTS * 2]:
            found[paper.pk] = paper
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
    versions = (
        PaperVersion.objects.filter(
            paper_id__in=reader.papers.library,
            number__gt=1,
            submitted_at__date__gte=since,
            submitted_at__date__lte=last,
        )
        .select_related("paper", "paper__organization")
        .order_by("-submitted_at")
    )
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
    ranked = ForYou(
        user,
        Period("week" if last - first > dt.timedelta(days=3) else "date", first, last),
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
