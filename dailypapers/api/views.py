"""The read side of the JSON API, compatible with Hugging Face's papers API (docs/api.md).

Each view reads its parameters (``params``), asks ``lists`` or a model for the rows and returns
them in the shapes ``serializers`` builds. The writing endpoints are in ``writing.py``, a
paper's Markdown in ``markdown.py``; the OpenAPI document describing all of them is
``openapi.py``.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from dailypapers.api import lists, params
from dailypapers.api.lists import get_paper
from dailypapers.api.responses import ApiError, api_view, cached, conditional, json_response
from dailypapers.api.serializers import (
    daily_entry_dict,
    entry_dict,
    flat_paper_dict,
    organization_dict,
)
from dailypapers.api.shapes import COMMENT, CommentDict, object_id, user_dict, utc_z
from dailypapers.discussions.models import Comment
from dailypapers.discussions.threads import discussion
from dailypapers.papers.models import Author, DailyEntry, Organization
from dailypapers.search.filters import SearchFilters
from dailypapers.search.hybrid import search as hybrid_search

SORTS = ("publishedAt", "trending")


@api_view("GET")
@conditional
@cached
def daily_papers(request: HttpRequest) -> HttpResponse:
    sort = params.text(request.GET, "sort", 40) or "publishedAt"
    if sort not in SORTS:
        raise ApiError(400, f"sort must be publishedAt or trending, not {sort!r}")
    entries = lists.daily_entries(
        period=params.period(request.GET),
        submitter=params.text(request.GET, "submitter", 150),
        category=params.category(request.GET),
        sort=sort,
        page=params.integer(request.GET, "p", 0, 0, params.MAX_PAGE),
        limit=params.integer(request.GET, "limit", 50, 1, 100),
    )
    return json_response([daily_entry_dict(entry) for entry in entries])


@api_view("GET")
@conditional
@cached
def search(request: HttpRequest) -> HttpResponse:
    text = params.text(request.GET, "q", params.MAX_QUERY)
    limit = params.integer(request.GET, "limit", 50, 1, 120)
    category = params.category(request.GET)
    if not text:
        return json_response([])
    papers = hybrid_search(text, SearchFilters(category=category))[:limit]
    participating = lists.with_entries(papers)
    items = [entry_dict(paper, participating=paper.pk in participating) for paper in papers]
    return json_response(items)


@api_view("GET")
def paper(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    found = get_paper(arxiv_id)
    lists.with_entries([found])
    return json_response(flat_paper_dict(found))


@api_view("GET")
@conditional
@cached
def papers(request: HttpRequest) -> HttpResponse:
    limit = params.integer(request.GET, "limit", 50, 1, 100)
    cursor = params.text(request.GET, "cursor", 200)
    page, following = lists.papers_by_date(cursor, limit, params.category(request.GET))
    response = json_response([flat_paper_dict(found) for found in page])
    if following:
        url = request.build_absolute_uri(reverse("api:papers"))
        response["Link"] = f'<{url}?cursor={following}&limit={limit}>; rel="next"'
    return response


def comment_dict(comment: Comment) -> CommentDict:
    """A comment of a discussion, read-only; a deleted one keeps its place without its text."""
    shown = comment.visible
    replies = comment.replies.all() if comment.parent_id is None else []
    return {
        "id": object_id(COMMENT, comment.pk),
        "parentId": object_id(COMMENT, comment.parent_id) if comment.parent_id else None,
        "author": user_dict(comment.author) if shown and comment.author else None,
        "body": comment.body if shown else "",
        "bodyHtml": comment.body_html if shown else "",
        "createdAt": utc_z(comment.created),
        "editedAt": utc_z(comment.edited_at),
        "deleted": not shown,
        "replies": [comment_dict(reply) for reply in replies if not reply.hidden],
    }


@api_view("GET")
@conditional
def comments(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    threads = discussion(get_paper(arxiv_id))
    return json_response([comment_dict(comment) for comment in threads])


def _page(request: HttpRequest) -> tuple[int, int]:
    page = params.integer(request.GET, "p", 0, 0, params.MAX_PAGE)
    limit = params.integer(request.GET, "limit", 50, 1, 100)
    return page * limit, page * limit + limit


@api_view("GET")
@conditional
@cached
def organizations(request: HttpRequest) -> HttpResponse:
    start, stop = _page(request)
    return json_response([organization_dict(org) for org in Organization.objects.all()[start:stop]])


def _organization(name: str) -> Organization:
    found = Organization.objects.filter(name=name[:100]).first()
    if found is None:
        raise ApiError(404, f"Organization {name[:100]} not found")
    return found


@api_view("GET")
def organization(request: HttpRequest, name: str) -> HttpResponse:
    return json_response(organization_dict(_organization(name)))


@api_view("GET")
@conditional
@cached
def organization_papers(request: HttpRequest, name: str) -> HttpResponse:
    """The organization's daily entries, newest list first."""
    org = _organization(name)
    start, stop = _page(request)
    entries = DailyEntry.objects.listed().filter(Q(organization=org) | Q(paper__organization=org))
    ordered = entries.order_by("-date", "-votes", "pk")  # type: ignore[misc]
    chosen = lists.shaped_entries(list(ordered[start:stop]))
    return json_response([daily_entry_dict(entry) for entry in chosen])


@api_view("GET")
@conditional
@cached
def author_papers(request: HttpRequest, name: str) -> HttpResponse:
    """Every paper of one author name (as spelt on the papers), newest first."""
    person = Author.objects.filter(name=name[:300]).first()
    if person is None:
        raise ApiError(404, f"Author {name[:300]} not found")
    start, stop = _page(request)
    found = list(
        person.papers.visible()
        .select_related("organization")
        .order_by("-published_at", "-pk")[start:stop]
    )
    lists.with_entries(found)
    return json_response([flat_paper_dict(paper) for paper in found])


# Every method: a path that names nothing (an unknown endpoint, an id no paper can have, which
# the path converters send here) is a 404 whatever the method, never a 405 advertising methods.
@api_view("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    raise ApiError(404, f"No such API endpoint or paper: /api/{rest[:200]}")
