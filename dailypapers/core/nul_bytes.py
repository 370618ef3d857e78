"""Requests with a NUL character in their path are refused with a 400.

No path of the site has a use for one, and PostgreSQL cannot hold one in a text value: a lookup
by ``/users/a%00b`` or ``/authors/a%00b`` raised inside the database driver (a 500), where
SQLite merely found nothing. Query strings are left to the views, which clean what they read
(a search drops control characters: anything typed is safe), and form fields are guarded by
Django's own ``ProhibitNullCharactersValidator``; ``tests/test_hostile_input.py`` checks both.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

MESSAGE = "The request's path holds a NUL character."


class RefuseNulBytesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            if request.path_info.startswith("/api/"):
                response: HttpResponse = JsonResponse({"error": MESSAGE}, status=400)
                response["X-Error-Message"] = MESSAGE
                return response
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
