"""What a reader's email digest adds from their library and follows: follow alerts (a new
paper by a followed author or organization; a new version of a paper in their library) and
the best of their "For you" list. ``digests.compose`` calls these for a subscription tied to
an account and leaves out every paper the address was ever mailed, so no paper arrives twice.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from dailypapers.lib.dates import Period
from dailypapers.library.following import Follows
from dailypapers.library.foryou import ForYou
from dailypapers.library.members import library_ids, marked_ids
from dailypapers.papers.models import Paper, PaperVersion

# arXiv announces a day or two after submission: look back this far before the period, as
# the digest's topics do.
LOOKBACK_DAYS = 3
MAX_ALERTS = 20


def follow_alerts(user, first: dt.date, last: dt.date, seen: set[str]) -> list[tuple[Paper, str]]:
    """New papers of followed authors and organizations, and new versions of library papers,
    from ``first`` (less the look-back) to ``last``, as (paper, reason), never one of
    ``seen`` (arXiv ids), which it extends."""
    since = first - dt.timedelta(days=LOOKBACK_DAYS)
    hidden = marked_ids(user)
    alerts: list[tuple[Paper, str]] = []
    follows = Follows.of(user)
    if follows.authors or follows.organizations:
        new = (
            Paper.objects.visible()
            .filter(
                Q(announced_on__gte=since, announced_on__lte=last)
                | Q(
                    announced_on__isnull=True,
                    published_at__date__gte=since,
                    published_at__date__lte=last,
                )
            )
            .filter(
                Q(authors__name__in=follows.authors)
                | Q(organization__name__in=follows.organizations)
            )
            .select_related("organization")
            .distinct()
            .order_by("-published_at")
        )
        for paper in new[: MAX_ALERTS * 2]:
            names = [n for n in paper.author_names if n in follows.authors]
            if names:
                reason = f"by {names[0]}, whom you follow"
            else:
                reason = f"from {paper.organization}, which you follow"
            alerts.append((paper, reason))
    versions = (
        PaperVersion.objects.filter(
            paper_id__in=library_ids(user),
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
    user, first: dt.date, last: dt.date, count: int, seen: set[str]
) -> list[tuple[Paper, str]]:
    """The reader's best ``count`` "For you" papers of the period with their reasons, never
    one of ``seen``, which it extends; none for a reader with no library and no follows (the
    digest's trending section already says what everyone sees)."""
    ranked = ForYou(
        user, Period("week" if last - first > dt.timedelta(days=3) else "date", first, last)
    )
    if not ranked.personal:
        return []
    picks = []
    for pick in ranked[: count * 4]:
        if pick.paper.arxiv_id in seen:
            continue
        reason = "; ".join(str(r) for r in pick.reasons)
        picks.append((pick.paper, reason[0].lower() + reason[1:] if reason else reason))
        seen.add(pick.paper.arxiv_id)
        if len(picks) >= count:
            break
    return picks
