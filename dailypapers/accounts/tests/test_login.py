"""Logging in (by username or email) and out, and the brake on guessing passwords."""

import pytest
from django.test import Client

from tests.support.personas import PASSWORD

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
    settings.RATE_LIMITS = {"login_failure.account_ip": "3/15m"}
    for _ in range(3):
        assert log_in(client, "alice", "guess").status_code == 200
    blocked = log_in(client, "alice")  # even the right password waits now
    assert blocked.status_code == 429
    assert "Too many attempts to log in" in blocked.content.decode()
    # Until the 15-minute window ends: anywhere in it, depending on when the test runs.
    assert 0 < int(blocked["Retry-After"]) <= 15 * 60 + 1
    assert not client.get("/papers").context["user"].is_authenticated


def test_the_brake_counts_the_account_whatever_name_or_email_was_typed(client, alice, settings):
    settings.RATE_LIMITS = {"login_failure.account_ip": "3/15m"}
    for typed in ("alice", "ALICE@example.org", "Alice"):
        assert log_in(client, typed, "guess").status_code == 200
    assert log_in(client, "alice@example.org").status_code == 429


def test_a_stranger_guessing_does_not_lock_the_owner_out(alice, settings):
    settings.RATE_LIMITS = {"login_failure.account_ip": "3/15m", "login_failure.ip": "20/h"}
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        log_in(stranger, "alice", "guess")
    assert log_in(stranger, "alice").status_code == 429
    owner = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in(owner, "alice").status_code == 302


def test_the_account_ceiling_stops_many_addresses_but_not_a_browser_known_to_it(alice, settings):
    settings.RATE_LIMITS = {"login_failure.account": "4/h"}
    owner = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in(owner, "alice").status_code == 302  # the browser is remembered from now on
    owner.post("/accounts/logout")
    for n in range(4):  # a botnet, one guess per address
        assert log_in(Client(REMOTE_ADDR=f"203.0.113.{n}"), "alice", "guess").status_code == 200
    assert log_in(Client(REMOTE_ADDR="203.0.113.99"), "alice").status_code == 429
    assert log_in(Client(REMOTE_ADDR="198.51.100.7"), "alice").status_code == 429  # new browser
    assert log_in(owner, "alice").status_code == 302


def test_a_forged_known_browser_cookie_passes_nothing(alice, settings):
    from dailypapers.accounts.login_brake import KNOWN_COOKIE

    settings.RATE_LIMITS = {"login_failure.account": "1/h"}
    log_in(Client(REMOTE_ADDR="203.0.113.1"), "alice", "guess")
    forger = Client(REMOTE_ADDR="203.0.113.2")
    forger.cookies[KNOWN_COOKIE] = f"[{alice.pk}]:forged:signature"
    assert log_in(forger, "alice").status_code == 429


def test_the_admin_login_is_braked_like_the_sites_own(client, mallory, settings):
    settings.RATE_LIMITS = {"login_failure.account_ip": "5/15m"}
    answers = [
        client.post("/admin/login/", {"username": "mallory", "password": f"guess {n}"})
        for n in range(6)
    ]
    assert [answer.status_code for answer in answers] == [200] * 5 + [429]
    right = client.post("/admin/login/", {"username": "mallory", "password": PASSWORD})
    assert right.status_code == 429
    assert client.get("/admin/").status_code == 302  # still sent to log in


def test_an_unknown_name_is_braked_per_ip(client, settings):
    settings.RATE_LIMITS = {"login_failure.ip": "2/h"}
    for _ in range(2):
        assert log_in(client, "nobody", "guess").status_code == 200
    assert log_in(client, "somebody-else", "guess").status_code == 429


def test_a_suspended_user_cannot_log_in(client, alice):
    alice.is_active = False
    alice.save()
    assert log_in(client, "alice").status_code == 200
    assert not client.get("/papers").context["user"].is_authenticated


def test_the_login_form_needs_its_csrf_token(alice):
    assert log_in(Client(enforce_csrf_checks=True), "alice").status_code == 403
