"""Deleting an account: its votes are taken off the counts, its comments become "deleted"
(their replies stay), and then the user row goes with what cascades from it (profile,
collections, claims). Daily entries it submitted stay on their lists, without the name."""

from __future__ import annotations

from django.db import transaction

from dailypapers.discussions.posting import orphan_comments
from dailypapers.papers.voting import withdraw_all_votes


def delete_account(user) -> None:
    with transaction.atomic():
        withdraw_all_votes(user)
        orphan_comments(user)
        user.delete()
