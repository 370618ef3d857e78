"""The brake on guessing passwords, for every login of the site.

Every password check goes through ``backends.EmailOrUsernameBackend``, so the site's login
page, the admin's and anything else that calls ``authenticate()`` with a request are braked
alike: ``before()`` refuses an attempt over a limit (``RateLimited``, answered 429 by
``core.ratelimits.RateLimitMiddleware``) before the password is checked, ``failed()`` counts a
wrong one. Failures are counted against the account the typed name or email resolves to, so
``mallory`` and ``MALLORY@example.org`` are one account:

- ``login_failure.account_ip``: one account from one IP, the brake a guesser meets first;
  the owner elsewhere is not affected by it;
- ``login_failure.ip``: one IP, whatever accounts it tries;
- ``login_failure.account``: one account from anywhere, a ceiling against guessing from many
  addresses. A browser that logged in to the account before carries a signed cookie
  (``KnownBrowserMiddleware``) and passes this ceiling, so a stranger cannot lock the owner
  out by tripping it.

Names that match no account count per IP only: there is no owner to protect.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from dailypapers.core.ratelimits import RateLimited, client_ip, count, hit, is_over

KNOWN_COOKIE = "dp_known"
_SALT = "dailypapers.accounts.known-browser"
_KNOWN_MAX = 5  # accounts remembered per browser
_KNOWN_SECONDS = 365 * 86400


def account_of(typed: str):
    """The account a login names: by email if it has an @, else by username, case-blind
    (usernames are unique case-blind, see ``forms.check_username_free``)."""
    typed = typed.strip()[:254]
    if not typed:
        return None
    users = get_user_model().objects.order_by("pk")
    if "@" in typed:
        return users.filter(email__iexact=typed).first()
    return users.filter(username__iexact=typed).first()


def before(request: HttpRequest, account) -> None:
    """Count the attempt per IP; raise ``RateLimited`` if it must wait, before any password
    is checked (so even the right one waits)."""
    ip = client_ip(request)
    hit("login", ip=ip)
    brakes = {"ip": ip}
    if account is not None:
        brakes["account_ip"] = f"{account.pk}|{ip}"
        if account.pk not in known_accounts(request):
            brakes["account"] = str(account.pk)
    if wait := is_over("login_failure", **brakes):
        raise RateLimited("login_failure", wait)


def failed(request: HttpRequest, account) -> None:
    """Count a wrong password against every brake it concerns."""
    ip = client_ip(request)
    count("login_failure", "ip", ip)
    if account is not None:
        count("login_failure", "account_ip", f"{account.pk}|{ip}")
        count("login_failure", "account", str(account.pk))


def known_accounts(request: HttpRequest) -> list[int]:
    """The accounts this browser logged in to before, from its signed cookie."""
    value = request.COOKIES.get(KNOWN_COOKIE, "")
    try:
        known = signing.loads(value, salt=_SALT, max_age=_KNOWN_SECONDS) if value else []
    except signing.BadSignature:
        return []
    return [pk for pk in known if isinstance(pk, int)] if isinstance(known, list) else []


@receiver(user_logged_in)
def _remember_browser(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None:
        request.known_login_pk = user.pk  # type: ignore[attr-defined]  # read by the middleware


class KnownBrowserMiddleware:
    """After a successful login, remember the account in the browser's signed cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        pk = getattr(request, "known_login_pk", None)
        if pk is not None:
            known = [pk, *(other for other in known_accounts(request) if other != pk)]
            response.set_cookie(
                KNOWN_COOKIE,
                signing.dumps(known[:_KNOWN_MAX], salt=_SALT),
                max_age=_KNOWN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
