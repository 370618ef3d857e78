"""Whole-page caching for anonymous visitors.

A visitor without a session sees the same list as every other one, so the rendered page is
cached for ``PAGE_CACHE_SECONDS``; a logged-in user (who has a session cookie) always gets a
fresh page showing their own votes, and so does anyone with a message waiting for them ("your
email is verified"), which Django keeps in a cookie of its own.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_page

MESSAGES_COOKIE = getattr(settings, "MESSAGE_COOKIE_NAME", "messages")  # Django's default name


def cache_for_anonymous(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        personal = (settings.SESSION_COOKIE_NAME, MESSAGES_COOKIE)
        if seconds <= 0 or any(name in request.COOKIES for name in personal):
            return view(request, *args, **kwargs)
        response = cache_page(seconds)(view)(request, *args, **kwargs)
        # Cached here, not in the browser: the same visitor may log in or get a message the
        # next second, and must not be shown the anonymous copy from their own cache.
        response["Cache-Control"] = "no-cache"
        del response["Expires"]
        return response

    return wrapped
