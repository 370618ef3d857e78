"""The mails of digests: the digest itself, the opt-in confirmation, the "manage" link.

Each is a template folder under ``templates/emails/`` and a function that returns its context.
Every digest carries ``List-Unsubscribe`` with ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``
(RFC 8058) and a visible unsubscribe link; its Message-ID is fixed when it is composed, so the
same delivery always has the same id.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.utils import timezone

from dailypapers.digests.compose import Digest
from dailypapers.digests.links import absolute_url
from dailypapers.digests.models import Delivery, Subscription
from dailypapers.lib.emails import RenderedEmail, render_email


def digest_context(digest: Digest) -> dict[str, Any]:
    subscription = digest.subscription
    return {
        "digest": digest,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        "manage_url": absolute_url(subscription, "manage"),
        "unsubscribe_url": absolute_url(subscription, "unsubscribe"),
        "today": timezone.now().date(),
    }


def render_digest(digest: Digest) -> RenderedEmail:
    return render_email("digest", digest_context(digest))


def message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    return make_msgid("digest", domain=domain)


def digest_message(delivery: Delivery) -> EmailMultiAlternatives:
    subscription = delivery.subscription
    unsubscribe = absolute_url(subscription, "unsubscribe")
    message = EmailMultiAlternatives(
        delivery.subject,
        delivery.body_text,
        settings.DEFAULT_FROM_EMAIL,
        [subscription.email],
        headers={
            "Message-ID": delivery.message_id,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    return message


def send_link_mail(subscription: Subscription, name: str, action: str, base: str) -> None:
    """The confirmation mail (``confirm_subscription``) or a link to manage an existing one."""
    email = render_email(
        name,
        {
            "link": absolute_url(subscription, action, base),
            "subscription": subscription,
            "site_name": settings.SITE_NAME,
        },
    )
    message = EmailMultiAlternatives(
        email.subject, email.text, settings.DEFAULT_FROM_EMAIL, [subscription.email]
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    message.send()
