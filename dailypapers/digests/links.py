"""Signed links in digest mails: confirm, manage, unsubscribe, preview.

A link carries the subscription id, what it is for, and a fingerprint of the subscription's
secret, signed with the site's key. Rotating the secret (on unsubscribe) voids every older
link; confirmation links also expire. Forged or altered links are rejected, whatever they say.
"""

from __future__ import annotations

import functools
import hashlib
import re

from django.conf import settings
from django.core import signing
from django.urls import get_script_prefix, reverse

from dailypapers.digests.models import Subscription

SALT = "dailypapers.digests"
CONFIRM_MAX_AGE = 7 * 24 * 3600
ACTIONS = ("confirm", "manage", "unsubscribe", "preview")


class BadLink(Exception):
    """The link is forged, altered, expired, or was voided by a later unsubscribe."""


def _fingerprint(subscription: Subscription) -> str:
    return hashlib.sha256(subscription.secret.encode()).hexdigest()[:12]


def make_token(subscription: Subscription, action: str) -> str:
    return signing.dumps([subscription.pk, action, _fingerprint(subscription)], salt=SALT)


def read_token(token: str, action: str) -> Subscription:
    max_age = CONFIRM_MAX_AGE if action == "confirm" else None
    try:
        pk, signed_action, fingerprint = signing.loads(token, salt=SALT, max_age=max_age)
        subscription = Subscription.objects.get(pk=pk)
    except (signing.BadSignature, ValueError, TypeError, Subscription.DoesNotExist):
        raise BadLink("This link is not valid.") from None
    if signed_action != action or fingerprint != _fingerprint(subscription):
        raise BadLink("This link is not valid any more.")
    return subscription


def absolute_url(subscription: Subscription, action: str, base: str | None = None) -> str:
    """The full link; ``base`` is the site's address as the current request reached it, and
    ``SITE_URL`` when there is no request (the worker)."""
    return (base or settings.SITE_URL).rstrip("/") + link_path(
        action, make_token(subscription, action)
    )


# What a signed token is made of (URL-safe base64 and the signer's ":"), which reverse()
# puts in a path as it is.
TOKEN = re.compile(r"[A-Za-z0-9_:-]+")
_PLACEHOLDER = "0token0"


def link_path(action: str, token: str) -> str:
    """``reverse(f"digests:{action}", args=[token])``: a worker makes three links a digest,
    and reverse() was a tenth of its CPU time (cProfile, bench/digests.py); the path around
    the token is reversed once per script prefix and action instead."""
    if not TOKEN.fullmatch(token):
        return reverse(f"digests:{action}", args=[token])
    before, after = _around(get_script_prefix(), action)
    return before + token + after


@functools.lru_cache(maxsize=64)
def _around(prefix: str, action: str) -> tuple[str, str]:
    before, _, after = reverse(f"digests:{action}", args=[_PLACEHOLDER]).partition(_PLACEHOLDER)
    return before, after
