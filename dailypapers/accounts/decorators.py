"""View guards: logged in, and for posting (comments, submissions) a verified email too."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def verified_email_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.profile.email_verified:  # type: ignore[union-attr]
            return render(request, "accounts/verify_first.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped
