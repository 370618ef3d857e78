"""What a sign-up does, so that its answer never says which emails or usernames exist.

Every valid sign-up form gets the same page ("check your inbox") and sends exactly one mail,
to the address typed, after about the same work (one password hash):

- a new email and a free username: the account is made, unverified, and the mail holds the
  verification link;
- an email that has an account: no account is made; the mail tells the owner someone tried,
  with links to log in or reset the password (a reset also verifies the address, which is how
  the owner takes back an address someone else signed up with);
- a username that is taken: no account is made; the mail says to pick another.

Only the mail's reader, who owns the address, learns which case it was. Nobody is logged in
by signing up: the verification link, opened with the password, does that (``views``).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.urls import reverse

from dailypapers.accounts.emails import send_email, send_verification

log = logging.getLogger(__name__)


def sign_up(form, base_url: str) -> str:
    """Act on a valid ``SignupForm``; return which mail went out: ``"verify"``,
    ``"email_exists"`` or ``"username_taken"``."""
    user_model = get_user_model()
    email = form.cleaned_data["email"]
    username = form.cleaned_data["username"]
    context = {
        "email": email,
        "username": username,
        "site_name": settings.SITE_NAME,
        "login_link": base_url + reverse("accounts:login"),
        "reset_link": base_url + reverse("accounts:password_reset"),
        "signup_link": base_url + reverse("accounts:signup"),
    }
    recipient = email
    if owner := user_model.objects.filter(email__iexact=email).order_by("pk").first():
        outcome, recipient = "email_exists", owner.email  # as the owner wrote it
    elif user_model.objects.filter(username__iexact=username).exists():
        outcome = "username_taken"
    else:
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:  # the same username, signed up a moment before
            outcome = "username_taken"
        else:
            send_verification(user, base_url)
            return "verify"
    # The hash a new account would have cost, so the answer takes as long either way.
    make_password(form.cleaned_data["password1"])
    send_email(f"signup_{outcome}", recipient, context)
    log.info("sign-up refused (%s); the address was told", outcome)
    return outcome
