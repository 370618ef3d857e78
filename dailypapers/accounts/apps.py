"""Accounts: sign-up, email verification, login, profiles, avatars, account deletion."""

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save


def _create_profile(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    # Every account has a profile, however it was made (sign-up, createsuperuser, the admin).
    if created and not raw:
        from dailypapers.accounts.models import Profile

        Profile.objects.get_or_create(user=instance)


class AccountsConfig(AppConfig):
    name = "dailypapers.accounts"
    label = "accounts"

    def ready(self) -> None:
        post_save.connect(_create_profile, sender=settings.AUTH_USER_MODEL, weak=False)
        # Its user_logged_in receiver remembers the browser of every login, however made.
        from dailypapers.accounts import login_brake  # noqa: F401
