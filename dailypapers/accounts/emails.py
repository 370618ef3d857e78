"""The account emails. Each is a template folder (emails/<name>/subject.txt, body.txt) and a
function returning its context; it is sent only after the transaction that made it commits.
Rendering is ``lib/emails.py``'s, as for every mail of the site."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from dailypapers.accounts.tokens import email_verification_token
from dailypapers.lib.emails import render_email

log = logging.getLogger(__name__)


def deliver(name: str, to: str, context: dict) -> None:
    """Render the mail ``name`` and send it now."""
    email = render_email(name, context)
    try:
        send_mail(
            email.subject, email.text, settings.DEFAULT_FROM_EMAIL, [to], html_message=email.html
        )
    except (smtplib.SMTPException, OSError) as error:
        # The page answers the same either way (a sign-up must not tell which mail it
        # was); the operator sees the failure in the log, the person asks again later.
        log.error("could not send %s: %s", name, error)


def send_email(name: str, to: str, context: dict) -> None:
    """Send the mail ``name`` once the transaction that made it commits."""
    transaction.on_commit(lambda: deliver(name, to, context))


def verify_email_context(user, base_url: str) -> dict:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    path = reverse("accounts:verify_email", args=[uid, token])
    return {"user": user, "link": base_url + path, "site_name": settings.SITE_NAME}


def send_verification(user, base_url: str) -> None:
    send_email("verify_email", user.email, verify_email_context(user, base_url))
