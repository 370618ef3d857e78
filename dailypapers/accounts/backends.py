"""Log in with either the username or the email address; every password check is braked.

Django's ``authenticate()`` calls this backend for every login (the site's page, the admin's,
a test client's ``login()``), so the brake on guessing passwords (``login_brake``) sits here,
once, rather than in each login view.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from dailypapers.accounts import login_brake


class EmailOrUsernameBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs,
    ):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        account = login_brake.account_of(username)
        if request is not None:
            login_brake.before(request, account)
        if account is None:
            # Hash anyway, so an unknown name takes as long as a wrong password.
            user_model().set_password(password)
        elif account.check_password(password) and self.user_can_authenticate(account):
            return account
        if request is not None:
            login_brake.failed(request, account)
        return None
