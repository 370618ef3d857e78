"""Test personas shared by every app's tests: who they are and what they can do.

- alice: verified email; submits, upvotes and comments.
- bob: verified email; replies to alice, reports comments.
- charlie: a stranger who signed up but never verified his email: he may log in, but not
  upvote, comment, report, submit, claim, make API tokens or preview a digest.
- mallory: a moderator (staff and superuser) who uses the admin.

Passwords are ``PASSWORD`` for all. Each persona is made on first use within a test.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from dailypapers.accounts.models import Profile

PASSWORD = "correct horse battery staple"


def make_user(username: str, *, verified: bool = True, **fields) -> AbstractBaseUser:
    user_model = get_user_model()
    user = user_model.objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, **fields
    )
    if verified:
        Profile.objects.filter(user=user).update(email_verified_at=timezone.now())
    return user_model.objects.select_related("profile").get(pk=user.pk)


def alice() -> AbstractBaseUser:
    return _get("alice") or make_user("alice", first_name="Alice")


def bob() -> AbstractBaseUser:
    return _get("bob") or make_user("bob")


def charlie() -> AbstractBaseUser:
    return _get("charlie") or make_user("charlie", verified=False)


def mallory() -> AbstractBaseUser:
    return _get("mallory") or make_user("mallory", is_staff=True, is_superuser=True)


def _get(username: str) -> AbstractBaseUser | None:
    return get_user_model().objects.select_related("profile").filter(username=username).first()
