"""Logging in (by username or email) and out, and the brake on guessing passwords."""

import pytest

from dailypapers.core.personas import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, who, password=PASSWORD):
    return client.post("/accounts/login", {"username": who, "password": password})


def test_alice_logs_in_with_her_username_or_her_email(client, alice):
    assert log_in(client, "alice").status_code == 302
    assert client.get("/papers").context["user"] == alice
    client.post("/accounts/logout")
    assert log_in(client, "ALICE@example.org").status_code == 302


def test_logging_out_needs_a_post_and_ends_the_session(as_alice):
    assert as_alice.get("/accounts/logout").status_code == 405
    as_alice.post("/accounts/logout")
    assert not as_alice.get("/papers").context["user"].is_authenticated


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, alice):
    wrong = log_in(client, "alice", "nope").content.decode()
    unknown = log_in(client, "nobody@example.org", "nope").content.decode()
    assert "Please enter a correct" in wrong and "Please enter a correct" in unknown


def test_guessing_passwords_is_stopped_after_a_few_tries(client, alice, settings):
    settings.RATE_LIMITS = {"login_failure.account": "3/15m"}
    for _ in range(3):
        assert log_in(client, "alice", "guess").status_code == 200
    blocked = log_in(client, "alice")  # even the right password waits now
    assert blocked.status_code == 429
    assert "Too many attempts to log in" in blocked.content.decode()
    # Until the 15-minute window ends: anywhere in it, depending on when the test runs.
    assert 0 < int(blocked["Retry-After"]) <= 15 * 60 + 1


def test_a_suspended_user_cannot_log_in(client, alice):
    alice.is_active = False
    alice.save()
    assert log_in(client, "alice").status_code == 200
    assert not client.get("/papers").context["user"].is_authenticated


def test_the_login_form_needs_its_csrf_token(alice):
    from django.test import Client

    assert log_in(Client(enforce_csrf_checks=True), "alice").status_code == 403
