"""Password reset: the same answer whether or not the email exists, a one-time link."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_the_answer_does_not_reveal_whether_an_email_has_an_account(client, alice):
    known = client.post("/accounts/password/reset", {"email": "alice@example.org"}, follow=True)
    unknown = client.post("/accounts/password/reset", {"email": "who@example.org"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_the_link_sets_a_new_password_once(client, alice):
    client.post("/accounts/password/reset", {"email": "alice@example.org"})
    found = re.search(r"http://testserver(/accounts/password/reset/\S+)", str(mail.outbox[0].body))
    assert found
    link = found[1]
    form_page = client.get(link, follow=True)
    form_url = form_page.redirect_chain[-1][0]
    new = "an even longer new phrase"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)
    assert "invalid" in client.get(link, follow=True).content.decode()


def test_a_forged_reset_link_is_refused(client, alice):
    page = client.get("/accounts/password/reset/MQ/set-password", follow=True)
    assert "invalid" in page.content.decode()


def test_reset_requests_are_rate_limited_per_ip(client, settings):
    settings.RATE_LIMITS = {"password_reset.ip": "1/h"}
    client.post("/accounts/password/reset", {"email": "x@example.org"})
    assert client.post("/accounts/password/reset", {"email": "x@example.org"}).status_code == 429


def test_a_completed_reset_verifies_the_email_and_logs_in(client, charlie):
    """How the owner of an address takes back an account someone else signed up with."""
    from dailypapers.accounts.models import Profile

    client.post("/accounts/password/reset", {"email": "charlie@example.org"})
    found = re.search(r"http://testserver(/accounts/password/reset/\S+)", str(mail.outbox[0].body))
    assert found
    form_url = client.get(found[1], follow=True).redirect_chain[-1][0]
    new = "the owner's own long phrase"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    assert Profile.objects.get(user=charlie).email_verified
    assert client.get("/papers").context["user"] == charlie


def test_reset_mails_to_one_address_are_limited_from_any_ip(alice, settings):
    from django.test import Client

    settings.RATE_LIMITS = {"mail.email": "1/h"}
    first = Client(REMOTE_ADDR="10.0.0.1").post(
        "/accounts/password/reset", {"email": "alice@example.org"}
    )
    again = Client(REMOTE_ADDR="10.0.0.2").post(
        "/accounts/password/reset", {"email": "alice@example.org"}
    )
    assert (first.status_code, again.status_code) == (302, 429) and len(mail.outbox) == 1
