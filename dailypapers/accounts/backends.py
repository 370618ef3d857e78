"""Log in with either the username or the email address, through Django's ModelBackend."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class EmailOrUsernameBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs,
    ):
        if username and "@" in username:
            user_model = get_user_model()
            match = user_model.objects.filter(email__iexact=username.strip()).first()
            if match is None:
                # Hash anyway, so a missing email takes as long as a wrong password.
                user_model().set_password(password)
                return None
            username = match.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)
