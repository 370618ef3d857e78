"""Rate limits on the community's actions (sign-up, login, voting, submitting, commenting, mail).

A limit is a fixed-window counter keyed by the action and by who acts: the user, the client's
IP address, the account a login tries, or the address a mail goes to. ``settings.RATE_LIMITS``
holds the rates (``"10/m"``, ``"5/15m"``); an action over any of its limits is answered with
429 and a sentence saying when to try again. The counters are shared by every server process
(``core.ratestore``: the database, or Redis or memcached when that is the cache), so a limit
holds in total however many processes serve the site (docs/community.md).

A view raises ``RateLimited`` (or lets ``hit()`` raise it) from anywhere, even from inside an
authentication backend; ``RateLimitMiddleware`` turns it into the 429 answer.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from dailypapers.core import ratestore

_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        match = _RATE.match(text.strip())
        if not match:
            raise ValueError(f"a rate is like 10/m or 5/15m, not {text!r}")
        count, multiple, unit = match.groups()
        return cls(int(count), int(multiple or 1) * _UNIT_SECONDS[unit])


class RateLimited(Exception):
    def __init__(self, action: str, retry_after: int) -> None:
        super().__init__(action)
        self.action = action
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        wait = f"{self.retry_after} seconds"
        if self.retry_after >= 120:
            wait = f"{round(self.retry_after / 60)} minutes"
        doing = ACTION_WORDS.get(self.action, self.action)
        return f"Too many attempts to {doing}. Try again in {wait}."


ACTION_WORDS = {
    "signup": "sign up",
    "login": "log in",
    "login_failure": "log in",
    "password_reset": "reset a password",
    "vote": "vote",
    "submit": "submit papers",
    "comment": "comment",
    "report": "report comments",
    "collection": "change collections",
    "mail": "mail this address",
    "subscribe": "subscribe",
    "library_import": "import references",
    "library": "change your library and follows",
}


def client_ip(request: HttpRequest) -> str:
    """The client's address from ``CLIENT_IP_HEADER``; a proxy's list keeps its last hop."""
    value = request.META.get(settings.CLIENT_IP_HEADER) or request.META.get("REMOTE_ADDR", "")
    return value.split(",")[-1].strip()[:64]


def _name(action: str, scope: str, who: str) -> str:
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]  # any text, fixed length, no PII
    return f"{action}.{scope}:{digest}"


def _rate(action: str, scope: str) -> Rate | None:
    text = settings.RATE_LIMITS.get(f"{action}.{scope}")
    return Rate.parse(text) if text else None


@dataclass(frozen=True)
class Counted:
    """One counted attempt: the rate it was counted against, the window's total so far and
    the seconds until the window ends."""

    rate: Rate
    count: int
    reset: int

    @property
    def over(self) -> bool:
        return self.count > self.rate.count

    @property
    def remaining(self) -> int:
        return max(self.rate.count - self.count, 0)


def count(action: str, scope: str, identity: str) -> Counted | None:
    """Count one attempt of ``action`` by ``identity`` under ``scope``; None when no limit
    applies (limits off, no rate for it, or no identity to count)."""
    rate = _rate(action, scope) if settings.RATE_LIMITS_ENABLED else None
    if rate is None or not identity:
        return None
    now = time.time()
    window = int(now // rate.seconds)
    total = ratestore.count(_name(action, scope, identity), window, rate.seconds)
    return Counted(rate, total, int((window + 1) * rate.seconds - now) + 1)


def hit(action: str, **who: str) -> None:
    """Count one attempt of ``action`` by each of ``who`` (``user=``, ``ip=``, ``account=``,
    ``email=``...); raise ``RateLimited`` when any of them is over its limit."""
    for scope, identity in who.items():
        counted = count(action, scope, identity)
        if counted is not None and counted.over:
            raise RateLimited(action, counted.reset)


def is_over(action: str, **who: str) -> int:
    """Seconds until ``action`` is allowed again for any of ``who``, without counting; 0 if
    allowed now."""
    if not settings.RATE_LIMITS_ENABLED:
        return 0
    now = time.time()
    for scope, identity in who.items():
        rate = _rate(action, scope)
        if rate is None or not identity:
            continue
        window = int(now // rate.seconds)
        if ratestore.peek(_name(action, scope, identity), window) >= rate.count:
            return int((window + 1) * rate.seconds - now) + 1
    return 0


def too_many(request: HttpRequest, error: RateLimited) -> HttpResponse:
    """The 429 answer: JSON for scripts, a page for people; both say when to retry."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    if wants_json:
        response: HttpResponse = JsonResponse({"error": error.message}, status=429)
    else:
        html = render_to_string("429.html", {"message": error.message}, request=request)
        response = HttpResponse(html, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def limited(action: str, *, per_user: bool = True, per_ip: bool = True) -> Callable:
    """Decorate a view: every POST counts against ``action``'s user and IP limits."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                who: dict[str, str] = {}
                if per_user and request.user.is_authenticated:
                    who["user"] = str(request.user.pk)
                if per_ip:
                    who["ip"] = client_ip(request)
                try:
                    hit(action, **who)
                except RateLimited as error:
                    return too_many(request, error)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


class RateLimitMiddleware:
    """Answer a ``RateLimited`` raised anywhere in a view (a login's authentication backend,
    a form) with the 429 page or JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return too_many(request, exception)
        return None
