"""A reader's private RSS/Atom feeds of "For you" and "Following", at secret URLs.

The secret (``FeedSecret``) is the only credential: a feed reader cannot log in. A reset makes
a new one and every old URL answers 404. Built on the public feeds' ``PaperFeed``, with each
item's reason first in its description.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.views.decorators.cache import cache_control

from dailypapers.api.feeds import Channel, PaperFeed, atom, rss
from dailypapers.api.responses import ApiError
from dailypapers.lib.dates import period_containing
from dailypapers.library.foryou import ForYou, Pick, following_feed, newest_day
from dailypapers.library.models import FeedSecret, new_feed_secret
from dailypapers.papers.models import Paper

ITEMS = 50


def secret_of(user) -> str:
    secret, _ = FeedSecret.objects.get_or_create(user=user)
    return secret.secret


def reset_secret(user) -> str:
    secret = new_feed_secret()
    FeedSecret.objects.update_or_create(user=user, defaults={"secret": secret})
    return secret


def urls_of(request: HttpRequest, user) -> dict[str, str]:
    secret = secret_of(user)
    return {
        name: request.build_absolute_uri(reverse(f"library:{name}", args=[secret]))
        for name in ("for_you_rss", "for_you_atom", "following_rss", "following_atom")
    }


def _owner(secret: str):
    row = FeedSecret.objects.filter(secret=secret[:64]).select_related("user").first()
    if row is None or not row.user.is_active:
        raise ApiError(404, "No such feed (its address may have been reset).")
    return row.user


def _items(picks: list[Pick]) -> list[tuple[Paper, dt.datetime | None]]:
    items = []
    for pick in picks:
        pick.paper.why = "; ".join(str(r) for r in pick.reasons)  # type: ignore[attr-defined]
        items.append((pick.paper, pick.paper.published_at))
    return items


class PrivateFeed(PaperFeed):
    def item_description(self, item: tuple[Paper, Any]) -> str:
        why = getattr(item[0], "why", "")
        return (
            f"Why: {why}.\n\n{super().item_description(item)}"
            if why
            else (super().item_description(item))
        )


class ForYouFeed(PrivateFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Channel:
        user = _owner(kwargs["secret"])
        day = newest_day() or dt.date.today()
        picks = ForYou(user, period_containing("week", day))[:ITEMS]
        return Channel(
            "Papers for you",
            reverse("library:for_you") + f"?week={period_containing('week', day).key}",
            "This week's papers ranked for you, each with the reason it is here.",
            _items(picks),
        )


class FollowingFeed(PrivateFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Channel:
        user = _owner(kwargs["secret"])
        return Channel(
            "Papers from what you follow",
            reverse("library:following"),
            "New papers by the authors, organizations, categories and searches you follow.",
            _items(following_feed(user)[:ITEMS]),
        )


# "private": a shared cache between the reader and the site must not keep a copy.
for_you_rss = cache_control(private=True)(rss(ForYouFeed))
for_you_atom = cache_control(private=True)(atom(ForYouFeed))
following_rss = cache_control(private=True)(rss(FollowingFeed))
following_atom = cache_control(private=True)(atom(FollowingFeed))
