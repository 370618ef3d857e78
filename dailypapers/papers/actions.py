"""What logged-in users do to papers: upvote, submit one to today's list, claim authorship.

The vote answers JSON to the page's script (no reload) and redirects a plain form back to the
page it came from; an anonymous visitor is sent to log in (401 with the login URL for scripts).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dailypapers.accounts.decorators import verified_email_required
from dailypapers.core.ratelimits import limited
from dailypapers.papers.models import Author, AuthorshipClaim, Paper
from dailypapers.papers.submitting import SubmitRefused, pending_submissions, submit_paper
from dailypapers.papers.voting import set_vote


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@require_POST
@limited("vote")
def vote(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    paper = get_object_or_404(Paper.objects.visible(), arxiv_id=arxiv_id)
    if not request.user.is_authenticated:
        login = resolve_url("accounts:login") + "?next=" + paper.get_absolute_url()
        if _wants_json(request):
            return JsonResponse({"error": "Log in to upvote.", "login": login}, status=401)
        return redirect(login)
    if not request.user.profile.email_verified:  # type: ignore[union-attr]
        # A vote speaks for an address like a comment does (docs/community.md).
        if _wants_json(request):
            return JsonResponse({"error": "Verify your email to upvote."}, status=403)
        return render(request, "accounts/verify_first.html", status=403)
    up = request.POST.get("vote") != "0"
    voted, total = set_vote(request.user, paper, up)
    if _wants_json(request):
        return JsonResponse({"voted": voted, "upvotes": total})
    return redirect(_back(request, paper.get_absolute_url()))


@verified_email_required
@limited("submit")
def submit(request: HttpRequest) -> HttpResponse:
    context: dict = {"value": "", "max_age_days": settings.SUBMIT_MAX_AGE_DAYS}
    if request.method == "POST":
        context["value"] = request.POST.get("arxiv", "")[:300]
        try:
            done = submit_paper(request.user, request.POST.get("arxiv", ""))
        except SubmitRefused as refused:
            context["error"] = refused.message
            context["existing"] = refused.entry
        else:
            if done.pending:
                messages.success(
                    request,
                    f"arXiv:{done.entry.paper.arxiv_id} is submitted; it goes on today's list "
                    "as soon as its title and abstract have been fetched from arXiv.",
                )
            else:
                messages.success(request, "The paper is on today's list. Thank you!")
            return redirect(done.entry.paper.get_absolute_url())
    context["pending"] = pending_submissions(request.user)
    return render(request, "papers/submit.html", context, status=400 if "error" in context else 200)


@require_POST
@verified_email_required
def claim(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    """Claim to be one of the paper's authors; a moderator confirms or rejects it."""
    paper = get_object_or_404(Paper.objects.visible(), arxiv_id=arxiv_id)
    name = request.POST.get("author", "")[:300]
    author = Author.objects.filter(name=name, papers=paper).first()
    if author is None:
        messages.error(request, "Choose one of this paper's authors.")
        return redirect(paper.get_absolute_url())
    try:
        with transaction.atomic():
            AuthorshipClaim.objects.create(
                user=request.user,  # type: ignore[misc]  # verified_email_required
                paper=paper,
                author=author,
            )
    except IntegrityError:
        messages.error(request, "You have already claimed an authorship of this paper.")
    else:
        messages.success(request, f"Claim sent: a moderator will confirm you as {author.name}.")
    return redirect(paper.get_absolute_url())
