"""Signed links in digest mails: confirm, manage, unsubscribe, preview.

A link carries the subscription id, what it is for, and a fingerprint of the subscription's
secret, signed with the site's key. Rotating the secret (on unsubscribe) voids every older
link; confirmation links also expire. Forged or altered links are rejected, whatever they say.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core import signing
from django.urls import reverse

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
    path = reverse(f"digests:{action}", args=[make_token(subscription, action)])
    return (base or settings.SITE_URL).rstrip("/") + path
