"""Our users' upvotes: one per user and paper, and ``Paper.upvote_count`` always equal to the
number of ``Upvote`` rows.

The row and the counter change in one transaction, the counter by an ``F()`` expression the
database evaluates (never a value read earlier in Python), and only when the row was really
created or deleted. The unique constraint on (user, paper) settles two concurrent clicks: one
insert wins, the other finds the row and changes nothing. Setting a vote (rather than toggling
it) makes a repeated request harmless: "up" twice is still one vote.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from dailypapers.papers.models import Paper, Upvote


def set_vote(user, paper: Paper, up: bool) -> tuple[bool, int]:
    """Make ``user``'s vote on ``paper`` be ``up``; return (voted, the paper's total upvotes)."""
    with transaction.atomic():
        if up:
            _, changed = Upvote.objects.get_or_create(user=user, paper=paper)
            delta = 1
        else:
            deleted, _ = Upvote.objects.filter(user=user, paper=paper).delete()
            changed, delta = deleted > 0, -1
        if changed:
            Paper.objects.filter(pk=paper.pk).update(upvote_count=F("upvote_count") + delta)
        counts = Paper.objects.filter(pk=paper.pk).values("upstream_upvotes", "upvote_count").get()
    return up, counts["upstream_upvotes"] + counts["upvote_count"]


def withdraw_all_votes(user) -> int:
    """Delete every vote of ``user`` and take each off its paper's count (account deletion)."""
    with transaction.atomic():
        paper_ids = list(Upvote.objects.filter(user=user).values_list("paper_id", flat=True))
        Paper.objects.filter(pk__in=paper_ids).update(upvote_count=F("upvote_count") - 1)
        Upvote.objects.filter(user=user).delete()
    return len(paper_ids)


def voted_ids(user, paper_ids) -> set[int]:
    """Which of ``paper_ids`` ``user`` has upvoted (for drawing the buttons)."""
    if not user.is_authenticated:
        return set()
    return set(
        Upvote.objects.filter(user=user, paper_id__in=list(paper_ids)).values_list(
            "paper_id", flat=True
        )
    )
