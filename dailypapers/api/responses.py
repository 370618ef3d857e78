"""How every API view answers: JSON bodies, errors, tokens, rate limits, conditional GETs.

``api_view`` wraps a view so that it only ever returns JSON: an ``ApiError`` raised anywhere
becomes ``{"error": ...}`` with the same text in ``X-Error-Message`` (the header
``huggingface_hub`` shows its users), a wrong method becomes 405, and every request counts
against a limit with ``RateLimit`` / ``RateLimit-Policy`` headers on every answer: a request
that sends a token has it checked (401 when unknown, 403 when its account's email is not
verified) and counts against ``api.user`` for its user (``request.api_user``); any other,
whatever headers it sends, counts against ``api.ip``. ``conditional`` adds ETag and
Last-Modified to a GET answer and turns a repeated request into 304. Views raise and return
plain data; nothing else here.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from dailypapers.accounts.models import ApiToken
from dailypapers.core.ratelimits import Counted, client_ip, count


class ApiError(Exception):
    """A request the API refuses; ``message`` says why, for the person who sent it."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    # A header value must be printable ASCII on one line (servers refuse control characters
    # with a 500), so the text that echoes a client's input is escaped; the body keeps it all.
    header = message.encode("ascii", "backslashreplace").decode("ascii")
    printable = "".join(ch if " " <= ch <= "~" else " " for ch in header)
    response["X-Error-Message"] = " ".join(printable.split())[:500]
    return response


def _error(error: ApiError) -> HttpResponse:
    response = error_response(error.status, error.message)
    for name, value in error.headers.items():
        response[name] = value
    response.setdefault("Access-Control-Allow-Origin", "*")
    return response


def json_response(data: Any, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type="application/json")


def _token_user(request: HttpRequest) -> Any:
    """The user of the request's token; None when it sends none. A token that is sent is
    checked: an unknown one is a 401, not an anonymous request."""
    header = request.headers.get("Authorization", "").strip()
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    user = ApiToken.user_of(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise ApiError(401, "Invalid or revoked API token.", {"WWW-Authenticate": "Bearer"})
    if not user.profile.email_verified:
        raise ApiError(403, "Verify the email of this token's account first.")
    return user


def _count(request: HttpRequest, user: Any) -> Counted | None:
    """Count this request against its user's limit, or its IP's without a token."""
    if user is not None:
        return count("api", "user", str(user.pk))
    return count("api", "ip", client_ip(request))


def _rate_headers(response: HttpResponse, counted: Counted) -> None:
    # The IETF RateLimit header fields in the form Hugging Face sends them.
    rate = counted.rate
    response["RateLimit-Policy"] = f'"fixed window";"api";q={rate.count};w={rate.seconds}'
    response["RateLimit"] = f'"api";r={counted.remaining};t={counted.reset}'


def api_view(*methods: str) -> Callable:
    """Decorate an API view: allowed ``methods``, JSON errors, token check, rate limits."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)
            if request.method not in allowed:
                response: HttpResponse = error_response(
                    405, f"{request.method} is not allowed here; use {' or '.join(methods)}."
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                user = request.api_user = _token_user(request)  # type: ignore[attr-defined]
            except ApiError as error:
                return _error(error)
            counted = _count(request, user)
            if counted is not None and counted.over:
                rate, reset = counted.rate, counted.reset
                who = "with this token" if user is not None else "without a token"
                response = error_response(
                    429,
                    f"Too many requests: {rate.count} per {rate.seconds} seconds {who}. "
                    f"Try again in {reset} seconds.",
                )
                response["Retry-After"] = str(reset)
                _rate_headers(response, counted)
                return response
            try:
                response = view(request, *args, **kwargs)
            except ApiError as error:
                response = _error(error)
            if counted is not None:
                _rate_headers(response, counted)
            response.setdefault("Access-Control-Allow-Origin", "*")
            return response

        return csrf_exempt(wrapped)  # token auth, never cookies: no CSRF to guard against

    return decorate


def cached(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Keep a GET list's 200 answer ``PAGE_CACHE_SECONDS`` per URL, as the HTML lists are kept
    for anonymous visitors: the answer is the same for everyone, and a day's list costs tens
    of milliseconds to build. Rate limits and 304s still apply per request (outside)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0 or request.method != "GET":
            return view(request, *args, **kwargs)
        key = "api-page:" + hashlib.sha256(request.get_full_path().encode()).hexdigest()
        if (kept := cache.get(key)) is not None:
            content, headers = kept
            response = HttpResponse(content, content_type="application/json")
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            headers = {name: response[name] for name in ("Link",) if name in response}
            cache.set(key, (response.content, headers), seconds)
        return response

    return wrapped


def conditional(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ETag and Last-Modified on a GET answer; 304 when the client has it already.

    The ETag is the body's hash, so it changes with any vote or edit that shows. Last-Modified
    is when this exact body was first served (kept in the cache under its ETag): a list has no
    one row whose timestamp moves with every upvote, but the first sighting of a body does.
    Losing the cache only makes answers look newer, never wrongly unchanged.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if getattr(response, "streaming", False):
            return response
        digest = hashlib.sha256(response.content).hexdigest()[:32]
        etag = f'"{digest}"'
        first_seen = cache.get_or_set(f"etag-seen:{digest}", lambda: int(time.time()), 86400)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(first_seen)
        patch_vary_headers(response, ["Accept"])
        conditional_response = get_conditional_response(
            request, etag=etag, last_modified=first_seen, response=response
        )
        return conditional_response if conditional_response is not None else response

    return wrapped


# A write's JSON body is small: ids, links, a follow.
MAX_BODY = 10_000


def json_body(request: HttpRequest, max_bytes: int = MAX_BODY) -> dict[str, Any]:
    """The request's JSON object body, or an ``ApiError`` saying what is wrong with it."""
    if len(request.body) > max_bytes:
        raise ApiError(413, f"The request body must be at most {max_bytes} bytes.")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "The request body must be a JSON object.") from None
    except RecursionError:
        # "[[[[...": a few kB nest deeper than the decoder recurses. No field of ours nests.
        raise ApiError(400, "The request body is nested too deeply.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return data
