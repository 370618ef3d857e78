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
from dailypapers.papers.found_links import find_links
from dailypapers.papers.models import Author, DailyEntry, Organization, Paper
from dailypapers.papers.ondemand import could_exist, pending_state, request_paper
from dailypapers.search.filters import SearchFilters
from dailypapers.search.hybrid import search as hybrid_search
from dailypapers.sources.arxiv.errors import InvalidArxivId
from dailypapers.sources.arxiv.ids import parse_bare_arxiv_id

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


def on_demand(arxiv_id: str) -> HttpResponse | None:
    """The answer for a paper the site does not hold yet (docs/api.md, "Papers on demand"):
    202 with ``{"id", "status", "message", "retryAfter"}`` and a Retry-After header while arXiv
    is asked, 404 when arXiv has no such paper or the site does not fetch, 503 when the fetch
    queue is full. None when the paper is held (or the id is no id: ``get_paper`` 404s)."""
    try:
        arxiv_id = parse_bare_arxiv_id(arxiv_id).arxiv_id
    except InvalidArxivId:
        return None
    held = Paper.objects.filter(arxiv_id=arxiv_id).only(
        "hidden", "published_at", "abstract", "author_names"
    )
    paper = held.first()
    if paper is not None:
        if paper.hidden or not paper.is_pending_fetch:
            return None
        fetching = pending_state(arxiv_id)
    elif not could_exist(arxiv_id):
        return None
    else:
        fetching = request_paper(arxiv_id)
    if fetching.state == "missing" or (fetching.state == "off" and paper is None):
        raise ApiError(404, fetching.message)
    if fetching.state == "busy":
        raise ApiError(503, fetching.message, {"Retry-After": str(fetching.retry_seconds)})
    body = {
        "id": arxiv_id,
        "status": "fetching" if fetching.in_progress else "pending",
        "state": fetching.state,
        "message": fetching.message,
        "retryAfter": fetching.retry_seconds,
    }
    response = json_response(body, status=202)
    response["Retry-After"] = str(fetching.retry_seconds)
    return response


@api_view("GET")
def paper(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    if (waiting := on_demand(arxiv_id)) is not None:
        return waiting
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


@api_view("GET")
def arxiv_repos(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    """``/api/arxiv/{id}/repos``: the Hugging Face models, datasets and Spaces the paper links
    to, in Hugging Face's shape (three lists of repositories with ``id`` and ``author``). A valid
    id we do not hold links nothing: empty lists, as Hugging Face answers for a paper no
    repository cites; an invalid id is a 404."""
    try:
        bare = parse_bare_arxiv_id(arxiv_id).arxiv_id
    except InvalidArxivId:
        raise ApiError(404, f"Paper {arxiv_id[:40]} not found") from None
    held = Paper.objects.visible().filter(arxiv_id=bare).only("abstract", "comment").first()
    links = find_links(held.abstract, held.comment) if held else find_links()

    def repos(ids: list[str]) -> list[dict[str, str]]:
        return [{"id": repo, "author": repo.split("/")[0]} for repo in ids]

    return json_response(
        {
            "models": repos(links.models),
            "datasets": repos(links.datasets),
            "spaces": repos(links.spaces),
        }
    )


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
