"""RSS 2.0 and Atom feeds (Django's syndication framework): the daily lists, trending, an
organization's papers, a category (``?category=cs.CL``) and any search (``?q=alignment``).

Each paper's id (RSS ``guid``, Atom ``id``) is its page's absolute URL, the same in every feed,
so a reader that follows several feeds shows a paper once. Dates are when the paper joined a
daily list, or its arXiv date for a search result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.http import urlencode

from dailypapers.api import params
from dailypapers.api.responses import ApiError, conditional, error_response
from dailypapers.papers.models import DailyEntry, Organization, Paper
from dailypapers.search.filters import SearchFilters
from dailypapers.search.hybrid import search as hybrid_search

ITEMS = 50
DAILY_WINDOW_DAYS = 7


@dataclass
class Channel:
    """What a feed shows: its title, its page on the site, and the papers with their dates."""

    title: str
    link: str
    description: str
    items: list[tuple[Paper, dt.datetime | None]]


class PaperFeed(Feed):
    feed_type: Any = Rss201rev2Feed

    def title(self, channel: Channel) -> str:
        return channel.title

    def link(self, channel: Channel) -> str:
        return channel.link

    def description(self, channel: Channel) -> str:
        return channel.description

    def items(self, channel: Channel) -> list[tuple[Paper, dt.datetime | None]]:
        return channel.items

    def item_title(self, item: tuple[Paper, Any]) -> str:
        return " ".join(item[0].title.split())

    def item_description(self, item: tuple[Paper, Any]) -> str:
        # RSS <description> and Atom <summary type="html"> hold HTML: readers un-escape the XML
        # and then render it. The abstract is plain text, so it is escaped for HTML here, and
        # "<script>" in an abstract reaches the reader as text, never as markup.
        return escape(item[0].ai_summary or item[0].abstract)

    def item_link(self, item: tuple[Paper, Any]) -> str:
        return item[0].get_absolute_url()

    def item_pubdate(self, item: tuple[Paper, dt.datetime | None]) -> dt.datetime | None:
        return item[1] or item[0].published_at

    def item_updateddate(self, item: tuple[Paper, dt.datetime | None]) -> dt.datetime | None:
        return item[0].updated_at or self.item_pubdate(item)

    def item_author_name(self, item: tuple[Paper, Any]) -> str:
        names = item[0].author_names
        return ", ".join(names[:10]) + (" et al." if len(names) > 10 else "")

    def item_categories(self, item: tuple[Paper, Any]) -> list[str]:
        return list(item[0].categories)


def _entries(entries: Any) -> list[tuple[Paper, dt.datetime | None]]:
    return [(entry.paper, entry.submitted_at) for entry in entries]


class DailyFeed(PaperFeed):
    """The last week of daily lists, newest first; or a search's newest matches (``q``)."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Channel:
        text = params.text(request.GET, "q", params.MAX_QUERY)
        category = params.category(request.GET)
        suffix = f" in {category}" if category else ""
        if text:
            filters = SearchFilters(category=category, sort="newest")
            papers = hybrid_search(text, filters)[:ITEMS]
            link = reverse("papers:index") + "?" + urlencode({"q": text})
            return Channel(
                f"Papers matching “{text}”{suffix}",
                link,
                f"The newest papers matching “{text}”{suffix}.",
                [(paper, paper.published_at) for paper in papers],
            )
        latest = DailyEntry.latest_date() or timezone.now().date()
        entries = DailyEntry.objects.between(
            latest - dt.timedelta(days=DAILY_WINDOW_DAYS - 1), latest
        )
        if category:
            entries = entries.in_category(category)
        ordered = entries.order_by("-date", "-votes")[:ITEMS]  # type: ignore[misc]
        return Channel(
            f"Daily papers{suffix}",
            reverse("papers:index"),
            f"The papers of the daily lists{suffix}, newest day first.",
            _entries(ordered),
        )


class TrendingFeed(PaperFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Channel:
        entries = DailyEntry.objects.trending(timezone.now(), limit=ITEMS)
        return Channel(
            "Trending papers",
            reverse("papers:trending"),
            "The papers with the most upvotes for their age this week.",
            _entries(entries),
        )


class OrganizationFeed(PaperFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Channel:
        org = Organization.objects.filter(name=kwargs["name"]).first()
        if org is None:
            raise ApiError(404, f"Organization {kwargs['name']} not found")
        entries = (
            DailyEntry.objects.listed()
            .filter(Q(organization=org) | Q(paper__organization=org))
            .order_by("-date", "-votes")[:ITEMS]  # type: ignore[misc]
        )
        return Channel(
            f"Papers of {org.fullname}",
            reverse("papers:organization", args=[org.name]),
            f"Papers of {org.fullname} on the daily lists, newest first.",
            _entries(entries),
        )


def _view(feed_class: type[PaperFeed], feed_type: Any) -> Callable[..., HttpResponse]:
    feed = type(feed_class.__name__, (feed_class,), {"feed_type": feed_type})()

    @conditional
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return error_response(405, f"{request.method} is not allowed here; use GET.")
        try:
            return feed(request, *args, **kwargs)
        except ApiError as error:
            return error_response(error.status, error.message)

    return view


def rss(feed_class: type[PaperFeed]) -> Callable[..., HttpResponse]:
    return _view(feed_class, Rss201rev2Feed)


def atom(feed_class: type[PaperFeed]) -> Callable[..., HttpResponse]:
    return _view(feed_class, Atom1Feed)
