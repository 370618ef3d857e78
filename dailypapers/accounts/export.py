"""A reader's copy of everything their account holds, as one JSON document.

``/accounts/export.json`` (linked from ``/accounts/settings``) serves ``account_data(user)``:
the account and profile, API tokens (names and dates, never a token or its hash), upvotes,
comments and the reports they made, collections with their papers, digest subscriptions made
while signed in, authorship claims, the daily-list entries they submitted, and their library
(``library.export.reader_data``: library, imports, queued imports, marks, follows). Deleting
the account (``deletion.py``) removes or anonymises each of these; the tests check both
against the same list of sections.

Papers are named by arXiv id, the one identifier that means something outside this site.
Nothing of another person is included: a comment's parent is given by its id only.
"""

from __future__ import annotations

from typing import Any

from dailypapers.collections.models import Collection, CollectionItem
from dailypapers.digests.models import Subscription
from dailypapers.discussions.models import Comment, CommentReport
from dailypapers.library.export import reader_data
from dailypapers.papers.models import AuthorshipClaim, DailyEntry, Upvote

FORMAT_VERSION = 1


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def account_data(user) -> dict[str, Any]:
    """Everything ``user``'s account holds, as plain JSON-ready values."""
    profile = getattr(user, "profile", None)
    collections = []
    for collection in Collection.objects.filter(owner=user).order_by("created", "pk"):
        items = CollectionItem.objects.filter(collection=collection).order_by("added", "pk")
        collections.append(
            {
                "name": collection.name,
                "public": collection.public,
                "created": _when(collection.created),
                "papers": [
                    {"paper": arxiv_id, "added": _when(added)}
                    for arxiv_id, added in items.values_list("paper__arxiv_id", "added")
                ],
            }
        )
    return {
        "format": FORMAT_VERSION,
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "profile": {
            "display_name": profile.display_name if profile else "",
            "email_verified_at": _when(profile.email_verified_at) if profile else None,
            "has_avatar": bool(profile and profile.avatar_type),
        },
        "api_tokens": [
            {"name": name, "starts_with": hint, "created": _when(created), "last_used": _when(used)}
            for name, hint, created, used in user.api_tokens.order_by("created").values_list(
                "name", "hint", "created", "last_used_at"
            )
        ],
        "upvotes": [
            {"paper": arxiv_id, "created": _when(created)}
            for arxiv_id, created in Upvote.objects.filter(user=user)
            .order_by("created", "pk")
            .values_list("paper__arxiv_id", "created")
        ],
        "comments": [
            {
                "id": pk,
                "paper": arxiv_id,
                "reply_to": parent,
                "body": body,
                "created": _when(created),
                "edited": _when(edited),
                "deleted": deleted,
                "hidden_by_a_moderator": hidden,
            }
            for pk, arxiv_id, parent, body, created, edited, deleted, hidden in (
                Comment.objects.filter(author=user)
                .order_by("created", "pk")
                .values_list(
                    "pk",
                    "paper__arxiv_id",
                    "parent_id",
                    "body",
                    "created",
                    "edited_at",
                    "deleted",
                    "hidden",
                )
            )
        ],
        "comment_reports": [
            {"comment": comment, "reason": reason, "created": _when(created)}
            for comment, reason, created in CommentReport.objects.filter(reporter=user)
            .order_by("created", "pk")
            .values_list("comment_id", "reason", "created")
        ],
        "collections": collections,
        "subscriptions": [
            {
                "email": email,
                "frequency": frequency,
                "topics": topics,
                "categories": categories,
                "confirmed": _when(confirmed),
                "unsubscribed": _when(unsubscribed),
                "created": _when(created),
            }
            for email, frequency, topics, categories, confirmed, unsubscribed, created in (
                Subscription.objects.filter(user=user)
                .order_by("created", "pk")
                .values_list(
                    "email",
                    "frequency",
                    "topics",
                    "categories",
                    "confirmed_at",
                    "unsubscribed_at",
                    "created",
                )
            )
        ],
        "authorship_claims": [
            {"paper": arxiv_id, "author": author, "status": status, "created": _when(created)}
            for arxiv_id, author, status, created in AuthorshipClaim.objects.filter(user=user)
            .order_by("created", "pk")
            .values_list("paper__arxiv_id", "author__name", "status", "created")
        ],
        "submitted_to_daily_lists": [
            {"paper": arxiv_id, "date": day.isoformat()}
            for arxiv_id, day in DailyEntry.objects.filter(submitted_by=user)
            .order_by("date", "pk")
            .values_list("paper__arxiv_id", "date")
        ],
        "library": reader_data(user),
    }
