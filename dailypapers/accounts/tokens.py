"""Email verification links: Django's signed, expiring reset tokens with their own salt.

The token hashes the email and whether it is verified yet, so a link stops working once used
(no replay) or once the email changes, and expires after ``PASSWORD_RESET_TIMEOUT``.
"""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "dailypapers.accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        verified = user.profile.email_verified_at
        return f"{user.pk}{user.email}{verified}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
