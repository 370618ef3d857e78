"""Follows: validating what a reader asks to follow, following, unfollowing, and which
followed things brought a paper.

A follow's target is checked against what the site knows (an author name on some paper, an
organization's URL name) or against a strict shape (an arXiv category, a search that parses to
at least one term), so nothing a reader types is stored unchecked.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from dailypapers.library.models import Follow
from dailypapers.papers.models import Author, Organization
from dailypapers.search.query import parse_query
from dailypapers.sources.arxiv.categories import is_category

MAX_FOLLOWS = 500
MAX_SEARCH_CHARS = 200


class BadFollow(ValueError):
    """What was asked to be followed cannot be; the message says why."""


def clean_target(kind: str, target: str) -> str:
    """``target`` as stored for a follow of ``kind``, or ``BadFollow``."""
    target = " ".join((target or "").split())
    if kind == Follow.Kind.AUTHOR:
        if not Author.objects.filter(name=target[:300]).exists():
            raise BadFollow("No paper here has an author of that name.")
        return target
    if kind == Follow.Kind.ORGANIZATION:
        if not Organization.objects.filter(name=target[:100]).exists():
            raise BadFollow("There is no such organization.")
        return target
    if kind == Follow.Kind.CATEGORY:
        if not is_category(target):
            raise BadFollow("A category looks like cs.CL or math.OC.")
        return target
    if kind == Follow.Kind.SEARCH:
        if len(target) > MAX_SEARCH_CHARS:
            raise BadFollow(f"A followed search has at most {MAX_SEARCH_CHARS} characters.")
        if not parse_query(target).terms:
            raise BadFollow("That search has no words to look for.")
        return target
    raise BadFollow("You can follow an author, an organization, a category or a search.")


def follow(user, kind: str, target: str) -> tuple[Follow, bool]:
    """Follow ``target``; returns the follow and whether it is new. Raises ``BadFollow``."""
    target = clean_target(kind, target)
    existing = Follow.objects.filter(user=user, kind=kind, target=target).first()
    if existing:
        return existing, False
    if Follow.objects.filter(user=user).count() >= MAX_FOLLOWS:
        raise BadFollow(f"You can follow at most {MAX_FOLLOWS} things; unfollow some first.")
    try:
        with transaction.atomic():
            return Follow.objects.create(user=user, kind=kind, target=target), True
    except IntegrityError:  # the same follow, clicked twice at once
        return Follow.objects.get(user=user, kind=kind, target=target), False


def unfollow(user, kind: str, target: str) -> bool:
    deleted, _ = Follow.objects.filter(
        user=user, kind=kind, target=" ".join(target.split())
    ).delete()
    return deleted > 0


def is_following(user, kind: str, target: str) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(user=user, kind=kind, target=target).exists()


@dataclass(frozen=True)
class Follows:
    """A reader's follows, grouped by kind, for matching papers against."""

    authors: frozenset[str]
    organizations: frozenset[str]
    categories: frozenset[str]
    searches: tuple[str, ...]

    @classmethod
    def of(cls, user) -> Follows:
        return cls.of_many([user.pk])[user.pk]

    @classmethod
    def of_many(cls, user_ids: list[int]) -> dict[int, Follows]:
        """The follows of many readers in one query (a digest worker's batch), by user id."""
        groups: dict[int, dict[str, list[str]]] = {
            pk: {kind: [] for kind in Follow.Kind.values} for pk in user_ids
        }
        follows = Follow.objects.filter(user_id__in=user_ids)
        for user_id, kind, target in follows.values_list("user_id", "kind", "target"):
            groups[user_id][kind].append(target)
        return {
            pk: cls(
                frozenset(group[Follow.Kind.AUTHOR]),
                frozenset(group[Follow.Kind.ORGANIZATION]),
                frozenset(group[Follow.Kind.CATEGORY]),
                tuple(sorted(group[Follow.Kind.SEARCH])),
            )
            for pk, group in groups.items()
        }

    def __bool__(self) -> bool:
        return bool(self.authors or self.organizations or self.categories or self.searches)
