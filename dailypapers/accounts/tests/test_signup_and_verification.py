"""Signing up with email and password, and verifying the email by the mailed link."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from dailypapers.accounts.models import Profile

pytestmark = pytest.mark.django_db
User = get_user_model()
FORM = {
    "email": "dana@example.org",
    "username": "dana",
    "password1": "a long unguessable phrase",
    "password2": "a long unguessable phrase",
}


def link_in(message) -> str:
    found = re.search(r"http://testserver(/accounts/verify/\S+)", message.body)
    assert found, message.body
    return found[1]


def sign_up(client, django_capture_on_commit_callbacks, **changes):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/accounts/signup", {**FORM, **changes})


def test_signing_up_logs_in_and_mails_a_verification_link(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/done"
    user = User.objects.get(username="dana")
    assert user.check_password(FORM["password1"]) and not user.profile.email_verified
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dana@example.org"]
    assert "Check your inbox" in client.get("/accounts/signup/done").content.decode()


def test_the_link_verifies_the_email_once_and_only_once(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    assert client.get(link).status_code == 302
    assert Profile.objects.get(user__username="dana").email_verified
    replay = client.get(link)
    assert replay.status_code == 400 and "already used" in replay.content.decode()


@pytest.mark.parametrize(
    "link",
    [
        "/accounts/verify/MQ/forged-token",
        "/accounts/verify/%3Cscript%3E/x",
        "/accounts/verify/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk/abc-def",
        "/accounts/verify/" + "A" * 3000 + "/x",
    ],
)
def test_a_forged_link_verifies_nothing(client, charlie, link):
    response = client.get(link)
    assert response.status_code == 400
    assert not Profile.objects.get(user=charlie).email_verified


def test_an_email_already_used_or_a_weak_password_is_refused(
    client, alice, django_capture_on_commit_callbacks
):
    taken = sign_up(client, django_capture_on_commit_callbacks, email="ALICE@example.org")
    assert "An account with this email exists" in taken.content.decode()
    weak = sign_up(
        client, django_capture_on_commit_callbacks, password1="password", password2="password"
    )
    assert "too common" in weak.content.decode()
    assert not User.objects.filter(username="dana").exists() and not mail.outbox


@pytest.mark.parametrize(
    "username", ["<script>alert(1)</script>", "a", "x" * 31, "../admin", "al ice", "alice"]
)
def test_hostile_or_taken_usernames_are_refused(
    client, alice, username, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks, username=username)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert User.objects.count() == 1


def test_an_overlong_email_is_refused(client, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks, email="a" * 300 + "@example.org")
    assert response.status_code == 200 and not User.objects.filter(username="dana").exists()


def test_signing_up_is_rate_limited_per_ip(client, settings, django_capture_on_commit_callbacks):
    settings.RATE_LIMITS = {"signup.ip": "2/h"}
    for n in range(2):
        sign_up(
            client, django_capture_on_commit_callbacks, email=f"d{n}@example.org", username=f"d{n}"
        )
        client.logout()
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert "Too many attempts to sign up" in response.content.decode()
    assert User.objects.count() == 2


def test_the_mail_goes_out_through_a_real_smtp_server(
    client, settings, django_capture_on_commit_callbacks
):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message) -> None:
            received.append(message)

    from dailypapers.core.localsite import free_port

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        sign_up(client, django_capture_on_commit_callbacks)
    finally:
        controller.stop()
    assert len(received) == 1
    assert received[0]["To"] == "dana@example.org"
    assert "/accounts/verify/" in received[0].get_payload()
