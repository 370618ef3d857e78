"""A user's profile beside Django's ``User``: display name, verified email, avatar.

Django's ``User`` keeps the username, email, password hash and ``is_active`` (False means
suspended by a moderator). What a person shows to others and whether their email is verified
lives in ``Profile``, created with the account. Deleting an account is ``accounts.deletion``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse


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
