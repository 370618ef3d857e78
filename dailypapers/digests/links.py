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

from dailypapers.core.kept import Kept
from dailypapers.digests.models import Subscription

SALT = "dailypapers.digests"
CONFIRM_MAX_AGE = 7 * 24 * 3600
ACTIONS = ("confirm", "manage", "unsubscribe", "preview")
# How long a made link is reused (``absolute_url``): a confirmation link's week of validity
# is counted from its token's timestamp, so a reused one is at most this much older.
LINKS_SECONDS = 300


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
    ``SITE_URL`` when there is no request (the worker).

    Kept a few minutes per subscription, secret and action: a digest's body and its
    ``List-Unsubscribe`` header, made at different moments, carry the same link (the
    token's timestamp would otherwise differ when a second passes in between), and a worker
    signs once, not three times, per digest. A new secret (unsubscribing) makes a new key."""
    root = (base or settings.SITE_URL).rstrip("/")
    key = (subscription.pk, subscription.secret, action, root, get_script_prefix())
    return _links.get(key, lambda: root + link_path(action, make_token(subscription, action)))


_links: Kept[str] = Kept(LINKS_SECONDS, most=50_000)


def forget_links() -> None:
    """Drop the kept links (tests)."""
    _links.clear()


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
