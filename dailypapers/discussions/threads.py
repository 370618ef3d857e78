"""Reading comments: a paper's discussion as top-level comments with their replies."""

from __future__ import annotations

from django.db.models import Prefetch

from dailypapers.discussions.models import Comment
from dailypapers.papers.models import Paper


def discussion(paper: Paper) -> list[Comment]:
    """Top-level comments oldest first, each with ``replies`` prefetched; moderator-hidden ones
    left out (with their replies), author-deleted ones kept as placeholders if answered."""
    replies = Comment.objects.filter(hidden=False).select_related("author__profile")
    threads = (
        Comment.objects.filter(paper=paper, parent=None, hidden=False)
        .select_related("author__profile")
        .prefetch_related(Prefetch("replies", queryset=replies))
    )
    return [c for c in threads if not c.deleted or any(r.visible for r in c.replies.all())]
