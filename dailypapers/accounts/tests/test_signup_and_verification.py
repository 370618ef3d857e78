"""Signing up with email and password, and verifying the email by the mailed link."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

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


def verify(client, link, password=FORM["password1"]):
    return client.post(link, {"password": password})


def test_signing_up_mails_a_verification_link_and_logs_nobody_in(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/done"
    user = User.objects.get(username="dana")
    assert user.check_password(FORM["password1"]) and not user.profile.email_verified
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dana@example.org"]
    assert "Check your inbox" in client.get("/accounts/signup/done").content.decode()
    assert not client.get("/papers").context["user"].is_authenticated


def test_the_link_asks_for_the_password_then_verifies_once_and_logs_in(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    assert not Profile.objects.get(user__username="dana").email_verified  # a GET changes nothing
    assert verify(client, link).status_code == 302
    assert Profile.objects.get(user__username="dana").email_verified
    assert client.get("/papers").context["user"].username == "dana"
    replay = client.get(link)
    assert replay.status_code == 400 and "already used" in replay.content.decode()


def test_a_link_opened_by_someone_without_the_password_verifies_nothing(
    client, django_capture_on_commit_callbacks
):
    """Someone signed up with another person's address; that person clicks the link."""
    sign_up(client, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    owner_of_the_address = Client()
    refused = verify(owner_of_the_address, link, password="I never chose one")
    assert refused.status_code == 400
    assert "Set a new password by mail" in refused.content.decode()
    assert not Profile.objects.get(user__username="dana").email_verified
    assert not owner_of_the_address.get("/papers").context["user"].is_authenticated


def test_a_logged_in_owner_verifies_with_one_click(
    client, charlie, django_capture_on_commit_callbacks
):
    client.force_login(charlie)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/verify/again")
    link = link_in(mail.outbox[0])
    assert client.post(link).status_code == 302
    assert Profile.objects.get(user=charlie).email_verified


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


def test_signup_answers_the_same_whether_the_email_or_username_exists(
    client, alice, django_capture_on_commit_callbacks
):
    """Account enumeration: the page never says; the address's owner learns it by mail."""
    answers = [
        sign_up(Client(), django_capture_on_commit_callbacks, **changes)
        for changes in (
            {"email": "ALICE@example.org", "username": "someone"},  # the email has an account
            {"email": "erin@example.org", "username": "Alice"},  # the username is taken
            {},  # both free
        )
    ]
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, "/accounts/signup/done")
    }
    assert sorted(User.objects.values_list("username", flat=True)) == ["alice", "dana"]
    told = {message.to[0]: message.body for message in mail.outbox}
    assert sorted(told) == ["alice@example.org", "dana@example.org", "erin@example.org"]
    assert "already has" in told["alice@example.org"]
    assert "/accounts/password/reset" in told["alice@example.org"]
    assert '"Alice", which is taken' in told["erin@example.org"]
    assert "/accounts/verify/" in told["dana@example.org"]


def test_a_weak_password_is_refused_on_the_page(client, django_capture_on_commit_callbacks):
    weak = sign_up(
        client, django_capture_on_commit_callbacks, password1="password", password2="password"
    )
    assert "too common" in weak.content.decode()
    assert not User.objects.filter(username="dana").exists() and not mail.outbox


@pytest.mark.parametrize(
    "username", ["<script>alert(1)</script>", "a", "x" * 31, "../admin", "al ice"]
)
def test_hostile_usernames_are_refused(client, alice, username, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks, username=username)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert User.objects.count() == 1 and not mail.outbox


def test_an_overlong_email_is_refused(client, django_capture_on_commit_callbacks):
    response = sign_up(client, django_capture_on_commit_callbacks, email="a" * 300 + "@example.org")
    assert response.status_code == 200 and not User.objects.filter(username="dana").exists()


def test_signing_up_is_rate_limited_per_ip(client, settings, django_capture_on_commit_callbacks):
    settings.RATE_LIMITS = {"signup.ip": "2/h"}
    for n in range(2):
        sign_up(
            client, django_capture_on_commit_callbacks, email=f"d{n}@example.org", username=f"d{n}"
        )
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert "Too many attempts to sign up" in response.content.decode()
    assert User.objects.count() == 2


def test_mails_to_one_address_are_limited_from_any_ip(settings, django_capture_on_commit_callbacks):
    settings.RATE_LIMITS = {"mail.email": "2/h"}
    answers = [
        sign_up(Client(REMOTE_ADDR=f"10.0.0.{n}"), django_capture_on_commit_callbacks)
        for n in range(3)
    ]
    assert [answer.status_code for answer in answers] == [302, 302, 429]
    assert len(mail.outbox) == 2  # a verification link, then "the email has an account"


def test_the_mail_goes_out_through_a_real_smtp_server(
    client, settings, django_capture_on_commit_callbacks
):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message) -> None:
            received.append(message)

    from tests.support.localsite import free_port

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


def test_a_mail_server_that_is_down_still_gets_the_same_answer(
    client, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/done"
    assert User.objects.filter(username="dana").exists()  # the link can be asked for again
    assert "could not send verify_email" in caplog.text
