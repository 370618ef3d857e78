"""API tokens on the settings page: make one (shown once, then kept only as a hash), revoke one.

The tokens authenticate the API's writing endpoints (``dailypapers.api.writing``). Making one
needs a verified email, as everything that acts for the account does; revoking one does not.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dailypapers.accounts.decorators import verified_email_required
from dailypapers.accounts.models import ApiToken

MAX_TOKENS = 20


@require_POST
@verified_email_required
def create(request: HttpRequest) -> HttpResponse:
    name = " ".join(request.POST.get("name", "").split())[:80] or "API token"
    if request.user.api_tokens.count() >= MAX_TOKENS:  # type: ignore[union-attr]
        messages.error(request, f"You can have at most {MAX_TOKENS} tokens; revoke one first.")
        return redirect("accounts:settings")
    row, token = ApiToken.issue(request.user, name)
    # Rendered here, not carried in a message: messages live in a cookie, the token must not.
    context = {"row": row, "token": token}
    response = render(request, "accounts/api_token_created.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(ApiToken, pk=pk, user=request.user)
    row.delete()
    messages.success(request, f"The token “{row.name}” is revoked.")
    return redirect("accounts:settings")
