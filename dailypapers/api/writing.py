"""The API's writing endpoints, with token auth: index a paper from arXiv, set a paper's links.

A request carries ``Authorization: Bearer <token>``, a token its user made on their settings
page (``accounts.ApiToken``), checked by ``responses.api_view``. Missing or unknown tokens get
401; a token whose account's email is not verified, or a user who may not change a paper,
403. Each write counts against ``RATE_LIMITS["api_write.user"]``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from dailypapers.api.responses import ApiError, api_view, json_response
from dailypapers.api.shapes import ORGANIZATION, object_id
from dailypapers.api.views import get_paper
from dailypapers.core.ratelimits import RateLimited, hit
from dailypapers.papers.models import AuthorshipClaim, Organization, Paper
from dailypapers.papers.writing import save_papers
from dailypapers.sources.records import PaperRecord

NEW_ID = re.compile(r"^\d{4}\.\d{4,5}$")
GITHUB_REPO = re.compile(r"^https://github\.com/[\w.-]{1,100}/[\w.-]{1,100}/?$")
MAX_BODY = 10_000


def _user(request: HttpRequest) -> Any:
    """The token's user, checked by ``api_view`` (401 for a bad token, 403 for an unverified
    email); a write without a token is a 401 here."""
    user = getattr(request, "api_user", None)
    if user is None:
        raise ApiError(
            401,
            "This needs an API token: Authorization: Bearer <token>. "
            "Make one on your settings page.",
            {"WWW-Authenticate": "Bearer"},
        )
    try:
        hit("api_write", user=str(user.pk))
    except RateLimited as error:
        raise ApiError(429, error.message, {"Retry-After": str(error.retry_after)}) from None
    return user


def _body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY:
        raise ApiError(413, f"The request body must be at most {MAX_BODY} bytes.")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "The request body must be a JSON object.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return data


@api_view("POST")
def index_paper(request: HttpRequest) -> HttpResponse:
    """Make a paper known by its arXiv id. It is saved with its id only and filled in by the
    next ``dailypapers submissions fetch`` (or at once when ingestion is configured)."""
    _user(request)
    arxiv_id = _body(request).get("arxivId")
    if not isinstance(arxiv_id, str) or not NEW_ID.match(arxiv_id):
        raise ApiError(400, "arxivId must be a new-style arXiv id such as 2301.00001.")
    if not Paper.objects.filter(arxiv_id=arxiv_id).exists():
        with transaction.atomic():
            save_papers([PaperRecord(arxiv_id=arxiv_id, title=f"arXiv:{arxiv_id}")])
    return json_response({})


def _may_change(user: Any, paper: Paper) -> bool:
    """Admins, the paper's daily-list submitters and its confirmed authors may set its links."""
    if user.is_staff:
        return True
    if paper.daily_entries.filter(submitted_by=user).exists():
        return True
    confirmed = AuthorshipClaim.Status.CONFIRMED
    return AuthorshipClaim.objects.filter(user=user, paper=paper, status=confirmed).exists()


def _link(data: dict[str, Any], name: str, pattern: re.Pattern | None) -> str | None:
    """The new value of one link: None when not given, "" to clear it."""
    if name not in data:
        return None
    value = data[name]
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 300:
        raise ApiError(400, f"{name} must be a URL or null.")
    if pattern is not None and not pattern.match(value):
        raise ApiError(400, f"{name} must be https://github.com/<owner>/<repo>.")
    if pattern is None and not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise ApiError(400, f"{name} must be an http(s) URL.")
    return value


def _organization(data: dict[str, Any]) -> Organization | bool | None:
    """The organization named by ``organizationId`` (its ``_id`` or name); False when not
    given, None to clear it."""
    if "organizationId" not in data:
        return False
    value = data["organizationId"]
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 100:
        raise ApiError(400, "organizationId must be an organization's _id or name, or null.")
    for org in Organization.objects.filter(name=value) or Organization.objects.all():
        if value in (org.name, object_id(ORGANIZATION, org.pk)):
            return org
    raise ApiError(400, f"No organization {value!r}.")


@api_view("POST")
def paper_links(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    user = _user(request)
    paper = get_paper(arxiv_id)
    if not _may_change(user, paper):
        raise ApiError(403, "Only the paper's authors, its submitter or an admin may do this.")
    data = _body(request)
    project_page = _link(data, "projectPage", None)
    github_repo = _link(data, "githubRepo", GITHUB_REPO)
    organization = _organization(data)
    changes: dict[str, Any] = {}
    if project_page is not None:
        changes["project_page"] = project_page
    if github_repo is not None:
        changes["github_repo"] = github_repo.rstrip("/")
    if organization is not False:
        changes["organization"] = organization
    if changes:
        Paper.objects.filter(pk=paper.pk).update(**changes)
    return json_response({})
