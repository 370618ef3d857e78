"""A reader's library data as plain JSON, for their copy of their account's data.

The account's data export includes ``reader_data(user)``; ``/library/export.json`` serves it on
its own. Deleting the account deletes all of it: every row here cascades from the user.
"""

from __future__ import annotations

from typing import Any

from dailypapers.library.members import library_ids
from dailypapers.library.models import FeedSecret, Follow, LibraryItem, PaperMark, PendingImport
from dailypapers.papers.models import Paper


def reader_data(user) -> dict[str, Any]:
    arxiv_ids = dict(Paper.objects.filter(pk__in=library_ids(user)).values_list("id", "arxiv_id"))
    return {
        "library": sorted(arxiv_ids.values()),
        "imported": [
            {"paper": arxiv_id, "added": added.isoformat()}
            for arxiv_id, added in LibraryItem.objects.filter(user=user).values_list(
                "paper__arxiv_id", "added"
            )
        ],
        "queued_for_fetching": list(
            PendingImport.objects.filter(user=user).values_list("arxiv_id", flat=True)
        ),
        "marks": [
            {"paper": arxiv_id, "mark": kind, "created": created.isoformat()}
            for arxiv_id, kind, created in PaperMark.objects.filter(user=user).values_list(
                "paper__arxiv_id", "kind", "created"
            )
        ],
        "follows": [
            {"kind": kind, "target": target, "created": created.isoformat()}
            for kind, target, created in Follow.objects.filter(user=user).values_list(
                "kind", "target", "created"
            )
        ],
        "has_private_feeds": FeedSecret.objects.filter(user=user).exists(),
    }
