"""The API's writing endpoints, with token auth: index a paper from arXiv, set a paper's links.

A request carries ``Authorization: Bearer <token>``, a token its user made on their settings
page (``accounts.ApiToken``), checked by ``responses.api_view``. Missing or unknown tokens get
401; a token whose account's email is not verified, or a user who may not change a paper,
403. Each write counts against ``RATE_LIMITS["api_write.user"]``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from dailypapers.api.lists import get_paper
from dailypapers.api.responses import ApiError, api_view, json_body, json_response
from dailypapers.api.shapes import ORGANIZATION, object_id
from dailypapers.core.ratelimits import RateLimited, hit
from dailypapers.lib.links import InvalidLink, code_link, web_link
from dailypapers.papers.models import AuthorshipClaim, Organization, Paper, PaperFetch
from dailypapers.papers.ondemand import enqueue
from dailypapers.papers.writing import save_papers
from dailypapers.sources.arxiv.errors import InvalidArxivId
from dailypapers.sources.arxiv.ids import issued_month, parse_bare_arxiv_id
from dailypapers.sources.records import PaperRecord


def token_user(request: HttpRequest, writes: bool = True) -> Any:
    """The token's user, checked by ``api_view`` (401 for a bad token, 403 for an unverified
    email); a request without a token is a 401 here. A write also counts against the user's
    ``api_write`` limit."""
    user = getattr(request, "api_user", None)
    if user is None:
        raise ApiError(
            401,
            "This needs an API token: Authorization: Bearer <token>. "
            "Make one on your settings page.",
            {"WWW-Authenticate": "Bearer"},
        )
    if writes:
        try:
            hit("api_write", user=str(user.pk))
        except RateLimited as error:
            raise ApiError(429, error.message, {"Retry-After": str(error.retry_after)}) from None
    return user


@api_view("POST")
def index_paper(request: HttpRequest) -> HttpResponse:
    """Make a paper known by its arXiv id. It is saved with its id only and queued; the
    worker ``dailypapers submissions fetch`` fills it in (``GET /api/papers/<id>`` answers
    202 until then)."""
    token_user(request)
    arxiv_id = _new_style_id(json_body(request).get("arxivId"))
    if not Paper.objects.filter(arxiv_id=arxiv_id).exists():
        with transaction.atomic():
            save_papers([PaperRecord(arxiv_id=arxiv_id, title=f"arXiv:{arxiv_id}")])
            enqueue([arxiv_id], PaperFetch.Reason.API)
    return json_response({})


def _new_style_id(value: object) -> str:
    """A real new-style id without version: ASCII digits, a month that exists and has begun,
    the width of its era (``sources.arxiv.ids``, the one parser), or a 400 saying so."""
    example = "arxivId must be a new-style arXiv id such as 2301.00001"
    if not isinstance(value, str):
        raise ApiError(400, f"{example}.")
    try:
        parsed = parse_bare_arxiv_id(value)
    except InvalidArxivId as error:
        raise ApiError(400, f"{example}: {error.reason}.") from None
    month = issued_month(parsed.arxiv_id)
    if month is None or parsed.version is not None:
        raise ApiError(400, f"{example} (no version, no old-style id).")
    now = timezone.now()
    if month > (now.year, now.month):
        raise ApiError(400, f"{example}: {parsed.arxiv_id} would be issued in a future month.")
    return parsed.arxiv_id


def _may_change(user: Any, paper: Paper) -> bool:
    """Admins, the paper's daily-list submitters and its confirmed authors may set its links."""
    if user.is_staff:
        return True
    if paper.daily_entries.filter(submitted_by=user).exists():
        return True
    confirmed = AuthorshipClaim.Status.CONFIRMED
    return AuthorshipClaim.objects.filter(user=user, paper=paper, status=confirmed).exists()


def _link(data: dict[str, Any], name: str, check: Callable[[object], str]) -> str | None:
    """The new value of one link, checked by ``lib.links``: None when not given, "" to clear."""
    if name not in data:
        return None
    value = data[name]
    if value is None:
        return ""
    try:
        return check(value)
    except InvalidLink as error:
        raise ApiError(400, f"{name}: {error.reason}.") from None


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
    user = token_user(request)
    paper = get_paper(arxiv_id)
    if not _may_change(user, paper):
        raise ApiError(403, "Only the paper's authors, its submitter or an admin may do this.")
    data = json_body(request)
    project_page = _link(data, "projectPage", web_link)
    github_repo = _link(data, "githubRepo", code_link)
    organization = _organization(data)
    # No account belongs to an organization here, so nobody but an admin can vouch that a
    # paper is DeepSeek's: a submitter or author may resend the current value, no more.
    changes_organization = organization is not False and (
        (organization.pk if isinstance(organization, Organization) else None)
        != paper.organization_id
    )
    if changes_organization and not user.is_staff:
        raise ApiError(403, "Only an admin may set or change a paper's organization.")
    changes: dict[str, Any] = {}
    if project_page is not None:
        changes["project_page"] = project_page
    if github_repo is not None:
        changes["github_repo"] = github_repo
    if organization is not False:
        changes["organization"] = organization
    if changes:
        Paper.objects.filter(pk=paper.pk).update(**changes)
    return json_response({})
