"""The account emails. Each is a template folder (emails/<name>/subject.txt, body.txt) and a
function returning its context; it is sent only after the transaction that made it commits."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from dailypapers.accounts.tokens import email_verification_token

log = logging.getLogger(__name__)


def send_email(name: str, to: str, context: dict) -> None:
    def send() -> None:
        subject = render_to_string(f"emails/{name}/subject.txt", context).strip()
        body = render_to_string(f"emails/{name}/body.txt", context)
        try:
            send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [to])
        except (smtplib.SMTPException, OSError) as error:
            # The page answers the same either way (a sign-up must not tell which mail it
            # was); the operator sees the failure in the log, the person asks again later.
            log.error("could not send %s: %s", name, error)

    transaction.on_commit(send)


def verify_email_context(user, base_url: str) -> dict:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    path = reverse("accounts:verify_email", args=[uid, token])
    return {"user": user, "link": base_url + path, "site_name": settings.SITE_NAME}


def send_verification(user, base_url: str) -> None:
    send_email("verify_email", user.email, verify_email_context(user, base_url))
