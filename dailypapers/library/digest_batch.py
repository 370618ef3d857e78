"""What a digest worker reads and computes once for its whole batch of signed-in readers,
before composing their digests one by one (``digests.sending.prepare``).

Per batch, not per reader: the readers' libraries and marks (one statement), their follows
(one), their library papers' vectors and authors (two, for those not kept), and per period
the "For you" closeness of every reader's library to the period's candidates, from one
matrix product per set of candidates (``ranking.closeness_many``), the papers of their "For
you" lists' first pages (two) and the new versions of their library papers (one). ``alerts.py`` and
``foryou.py`` then find all of it given or kept, and each digest's own ranking, reasons and
"never a paper twice" rules are theirs, unchanged. Nothing here is shared between readers
but the period's public papers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dailypapers.library import prepared
from dailypapers.library.alerts import (
    MAX_ALERTS,
    PERIOD_ROWS_SECONDS,
    Reader,
    digest_period,
    for_you_count,
    new_versions,
)
from dailypapers.library.foryou import LIBRARY_RANKING_LIMIT, ForYou, _positions, read_titles
from dailypapers.library.ranking import DEFAULT
from dailypapers.papers.models import Paper


def prepare_readers(subscriptions: Iterable) -> dict[int, Reader]:
    """The ``Reader`` of each active account among ``subscriptions`` (by user id), with its
    library's profile and closeness to its digest's period kept for ``ForYou``, its "For
    you" list ranked with the first pages' papers loaded, and its library's new versions."""
    periods: dict[tuple, dict[int, Any]] = {}
    for subscription in subscriptions:
        user = subscription.user
        if user is None or not user.is_active or subscription.next_send_at is None:
            continue
        _, first, last = subscription.period_of(subscription.next_send_at)
        periods.setdefault((first, last), {})[user.pk] = subscription
    user_ids = sorted({pk for members in periods.values() for pk in members})
    if not user_ids:
        return {}
    readers = Reader.of_many(user_ids)
    profiles = prepared.library_profiles(
        {pk: readers[pk].papers.library[:LIBRARY_RANKING_LIMIT] for pk in user_ids}
    )
    for (first, last), members in periods.items():
        period = digest_period(first, last)
        rows = prepared.period_rows(period, PERIOD_ROWS_SECONDS)
        details = prepared.period_details(period, rows)
        batch = []
        for pk in sorted(members):
            profile = profiles[pk]
            # The candidates ``ForYou`` will rank: the period's, less the library and marks.
            leave_out = readers[pk].papers.marked() | set(profile.ids)
            batch.append((profile, _positions(rows, leave_out)))
        prepared.preload_closeness(details, batch, DEFAULT.top_k, DEFAULT.center)
        _rank(readers, members, first, last, period)
        _versions(readers, list(members), first, last)
    return readers


def _rank(readers: dict[int, Reader], members: dict[int, Any], first, last, period) -> None:
    """Each reader's "For you" list of the period, ranked as ``alerts.for_you_picks`` would,
    and the papers of its first two pages (most digests need no more) read for all of them
    in two statements."""
    ranked: dict[int, ForYou] = {}
    shown: set[int] = set()
    near: set[int] = set()
    for pk, subscription in members.items():
        reader = readers[pk]
        ranked[pk] = ForYou(
            subscription.user,
            period,
            rows_max_age=PERIOD_ROWS_SECONDS,
            papers=reader.papers,
            follows=reader.follows,
        )
        if not ranked[pk].personal:
            continue
        wanted, library = ranked[pk].page_ids(slice(0, for_you_count(subscription) * 2))
        shown.update(wanted)
        near.update(library)
    papers = Paper.objects.select_related("organization").in_bulk(sorted(shown)) if shown else {}
    titled = read_titles(near) if near else {}
    for pk, made in ranked.items():
        made.preload(papers, titled)
        readers[pk].for_you[(first, last)] = made


def _versions(readers: dict[int, Reader], members: list[int], first, last) -> None:
    """The new versions of every member's library papers in one query, each reader's newest
    first as its own query gives them."""
    libraries = {pk: set(readers[pk].papers.library) for pk in members}
    every = set().union(*libraries.values())
    found = list(new_versions(sorted(every), first, last)) if every else []
    for pk in members:
        mine = [v for v in found if v.paper_id in libraries[pk]]
        readers[pk].versions[(first, last)] = mine[: MAX_ALERTS * 2]
