"""A user's profile beside Django's ``User``: display name, verified email, avatar.

Django's ``User`` keeps the username, email, password hash and ``is_active`` (False means
suspended by a moderator). What a person shows to others and whether their email is verified
lives in ``Profile``, created with the account. Deleting an account is ``accounts.deletion``.
API tokens (``ApiToken``) are kept hashed.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=80, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # A small image kept in the database: one table to back up, and no media server to run.
    # Its type was checked from its first bytes; it is served with that type and nosniff.
    avatar = models.BinaryField(null=True, blank=True, editable=False)
    avatar_type = models.CharField(max_length=20, blank=True, editable=False)
    avatar_updated = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.user.get_username()])

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_username()

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def initials(self) -> str:
        """Up to two letters for the avatar when there is no image: "Ada Lovelace" -> "AL"."""
        words = [word for word in self.name.split() if word[:1].isalnum()]
        letters = "".join(word[0] for word in words[:2]) or self.name[:1]
        return letters.upper()

    def avatar_url(self) -> str:
        if not self.avatar_type:
            return ""
        stamp = int(self.avatar_updated.timestamp()) if self.avatar_updated else 0
        return reverse("accounts:avatar", args=[self.user.get_username()]) + f"?v={stamp}"


class ApiToken(models.Model):
    """A token a user made on their settings page to call the API's writing endpoints.

    Only the SHA-256 of the token is kept: the token is shown once, when made. A fast hash is
    enough because the token is 32 random bytes (nothing to guess, unlike a password), and it
    lets a request find its token with one indexed lookup. Revoking deletes the row.
    """

    PREFIX = "dp_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False, help_text="The token's first letters.")
    created = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple[ApiToken, str]:
        """Make a token for ``user``; return the row and the token itself (shown once)."""
        token = cls.PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(user=user, name=name, digest=cls.digest_of(token), hint=token[:8])
        return row, token

    @classmethod
    def user_of(cls, token: str):
        """The active user a token belongs to, or None for an unknown or revoked one."""
        if not token.startswith(cls.PREFIX) or len(token) > 100:
            return None
        row = (
            cls.objects.select_related("user__profile")
            .filter(digest=cls.digest_of(token), user__is_active=True)
            .first()
        )
        if row is None:
            return None
        cls.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        return row.user
