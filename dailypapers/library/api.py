"""The reader's part of the JSON API, with a token (``Authorization: Bearer <token>``):
``/api/me/for-you`` (the ranked list with reasons), ``/api/me/follows`` (list, follow,
unfollow) and ``/api/me/library/import`` (a reference file as the request body).

Everything answers about the token's own user only; the shapes are described in
``api/openapi_schemas.py`` (``ForYouList``, ``Follow``, ``ImportReport``) and docs/api.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from dailypapers.api import params
from dailypapers.api.responses import ApiError, api_view, json_body, json_response
from dailypapers.api.serializers import paper_dict
from dailypapers.api.writing import token_user
from dailypapers.lib.dates import period_containing
from dailypapers.library.following import BadFollow, follow, unfollow
from dailypapers.library.foryou import ForYou, Pick, newest_day
from dailypapers.library.importing import import_file
from dailypapers.library.models import Follow
from dailypapers.library.references import UnreadableFile
from dailypapers.papers.people import load_claims

MAX_LIMIT = 100


def pick_dict(pick: Pick) -> dict[str, Any]:
    return {
        "paper": paper_dict(pick.paper),
        "reasons": [{"kind": r.kind, "text": str(r), "url": r.url or None} for r in pick.reasons],
    }


def follow_dict(item: Follow) -> dict[str, str]:
    return {"kind": item.kind, "target": item.target, "createdAt": item.created.isoformat()}


@api_view("GET")
def for_you(request: HttpRequest) -> HttpResponse:
    user = token_user(request, writes=False)
    # One of date, week or month, read as the daily list reads them; the newest day else.
    period = params.period(request.GET) or period_containing(
        "date", newest_day() or timezone.now().date()
    )
    limit = params.integer(request.GET, "limit", 30, 1, MAX_LIMIT)
    page = params.integer(request.GET, "p", 0, 0, params.MAX_PAGE)
    ranked = ForYou(user, period)
    picks = ranked[page * limit : (page + 1) * limit]
    load_claims(pick.paper for pick in picks)  # claimed authors, as every list of papers shows
    return json_response(
        {
            "period": {"kind": period.kind, "key": period.key},
            "personal": ranked.personal,
            "total": len(ranked),
            "papers": [pick_dict(pick) for pick in picks],
        }
    )


# As the OpenAPI document says (FollowRequest): no name, category or search is longer.
MAX_TARGET = 300


def _follow_body(request: HttpRequest) -> tuple[str, str]:
    data = json_body(request)
    kind, target = data.get("kind"), data.get("target")
    if not isinstance(kind, str) or not isinstance(target, str):
        raise ApiError(400, "kind and target must be strings.")
    if kind not in Follow.Kind.values:
        raise ApiError(400, f"kind must be one of {', '.join(Follow.Kind.values)}.")
    if len(target) > MAX_TARGET:
        raise ApiError(400, f"target must be at most {MAX_TARGET} characters long.")
    return kind, target


@api_view("GET", "POST", "DELETE")
def follows(request: HttpRequest) -> HttpResponse:
    if request.method in ("GET", "HEAD"):
        user = token_user(request, writes=False)
        return json_response([follow_dict(f) for f in Follow.objects.filter(user=user)])
    user = token_user(request)
    kind, target = _follow_body(request)
    if request.method == "DELETE":
        return json_response({"deleted": unfollow(user, kind, target)})
    try:
        made, created = follow(user, kind, target)
    except BadFollow as error:
        raise ApiError(400, str(error)) from None
    return json_response(follow_dict(made), status=201 if created else 200)


@api_view("POST")
def library_import(request: HttpRequest) -> HttpResponse:
    """The body is the file itself (BibTeX, RIS or CSL-JSON), any content type."""
    user = token_user(request)
    size = int(request.headers.get("Content-Length") or 0)
    if size > settings.LIBRARY_IMPORT_MAX_BYTES:
        raise ApiError(413, f"Files up to {settings.LIBRARY_IMPORT_MAX_BYTES} bytes.")
    try:
        report = import_file(user, request.read(settings.LIBRARY_IMPORT_MAX_BYTES + 1))
    except UnreadableFile as error:
        raise ApiError(400, f"Nothing was imported: {error}") from None
    return json_response(report.as_dict())
