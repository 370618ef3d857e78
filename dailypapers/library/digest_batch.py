"""What a digest worker reads and computes once for its whole batch of signed-in readers,
before composing their digests one by one (``digests.sending.prepare``).

Per batch, not per reader: the readers' libraries and marks (one statement), their follows
(one), their library papers' vectors and authors (two, for those not kept), and per period
the "For you" closeness of every reader's library to the period's candidates, from one
matrix product per set of candidates (``ranking.closeness_many``). ``alerts.py`` and
``foryou.py`` then find all of it given or kept, and each digest's own ranking, reasons and
"never a paper twice" rules are theirs, unchanged. Nothing here is shared between readers
but the period's public papers.
"""

from __future__ import annotations

from collections.abc import Iterable

from dailypapers.library import prepared
from dailypapers.library.alerts import PERIOD_ROWS_SECONDS, Reader, digest_period
from dailypapers.library.foryou import LIBRARY_RANKING_LIMIT, _positions
from dailypapers.library.ranking import DEFAULT


def prepare_readers(subscriptions: Iterable) -> dict[int, Reader]:
    """The ``Reader`` of each active account among ``subscriptions`` (by user id), with its
    library's profile and closeness to its digest's period kept for ``ForYou``."""
    periods: dict[tuple, set[int]] = {}
    for subscription in subscriptions:
        user = subscription.user
        if user is None or not user.is_active or subscription.next_send_at is None:
            continue
        _, first, last = subscription.period_of(subscription.next_send_at)
        periods.setdefault((first, last), set()).add(user.pk)
    user_ids = sorted({pk for pks in periods.values() for pk in pks})
    if not user_ids:
        return {}
    readers = Reader.of_many(user_ids)
    profiles = prepared.library_profiles(
        {pk: readers[pk].papers.library[:LIBRARY_RANKING_LIMIT] for pk in user_ids}
    )
    for (first, last), pks in periods.items():
        period = digest_period(first, last)
        rows = prepared.period_rows(period, PERIOD_ROWS_SECONDS)
        details = prepared.period_details(period, rows)
        batch = []
        for pk in sorted(pks):
            profile = profiles[pk]
            # The candidates ``ForYou`` will rank: the period's, less the library and marks.
            leave_out = readers[pk].papers.marked() | set(profile.ids)
            batch.append((profile, _positions(rows, leave_out)))
        prepared.preload_closeness(details, batch, DEFAULT.top_k, DEFAULT.center)
    return readers
