"""``digests send`` against a real SMTP server: contents, headers, once per paper, failures."""

import datetime as dt

import pytest
from django.core.management import call_command

from dailypapers.digests.models import Delivery
from dailypapers.digests.sending import claim, handle_one
from dailypapers.digests.tests.helpers import DUE, links, papers_of_the_day, subscriber
from dailypapers.papers.models import Paper

pytestmark = pytest.mark.django_db
AFTER = DUE + dt.timedelta(minutes=1)


def run(now: dt.datetime) -> Delivery:
    """One worker step that must find something due; its delivery."""
    outcome = handle_one(now)
    assert outcome is not None
    return outcome.delivery


def next_send(subscription) -> dt.datetime:
    subscription.refresh_from_db()
    assert subscription.next_send_at is not None
    return subscription.next_send_at


def test_a_due_digest_arrives_with_every_header_and_both_parts(smtp, client):
    papers_of_the_day()
    subscriber(topics=["alignment"])
    outcome = handle_one(AFTER)
    assert outcome is not None and outcome.delivery.state == Delivery.State.SENT
    [message] = smtp.messages
    assert message["To"] == "alice@example.org"
    assert "Daily Papers" in message["From"]
    assert message["Subject"] == "Daily Papers: 3 papers for May 18"
    assert message["Message-ID"] == outcome.delivery.message_id
    assert message["Date"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        message["List-Unsubscribe"]
        .strip()
        .startswith("<http://127.0.0.1:8000/subscribe/unsubscribe/")
    )
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert text.index("Loud paper on agents") < text.index("Quiet paper on vision")
    assert "Example Lab" in text and "50 upvotes" in text
    assert "Why: “alignment” is in the title" in text
    assert 'style="' in html  # CSS inlined for mail clients
    assert "Thank you to arXiv for use of its open access interoperability." in text
    for path in links(message):
        assert client.get(path).status_code == 200, path


def test_the_one_click_unsubscribe_of_a_received_mail_works_without_csrf(smtp):
    from django.test import Client

    papers_of_the_day()
    subscription = subscriber()
    handle_one(AFTER)
    url = smtp.messages[0]["List-Unsubscribe"].strip().strip("<>")
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    assert handle_one(DUE + dt.timedelta(days=7)) is None


def test_a_paper_is_mailed_once_per_subscriber(smtp):
    papers_of_the_day()
    loud = Paper.objects.get(title="Loud paper on agents")
    subscription = subscriber()
    subscription.deliveries.create(
        period="older", state="sent", message_id="<x@y>", papers=[loud.arxiv_id]
    )
    handle_one(AFTER)
    body = smtp.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "Quiet paper on vision" in body
    assert "Loud paper on agents" not in body


def test_nothing_to_send_sends_nothing_and_records_why(smtp):
    subscription = subscriber(topics=["kangaroos"])
    outcome = handle_one(AFTER)
    assert outcome is not None
    assert outcome.delivery.state == Delivery.State.SKIPPED
    assert outcome.delivery.skip_reason == "nothing trending and no new match for any topic"
    assert smtp.messages == []
    subscription.refresh_from_db()
    assert subscription.next_send_at == dt.datetime(2026, 5, 20, 7, tzinfo=dt.UTC)


def test_unconfirmed_addresses_get_nothing(smtp):
    papers_of_the_day()
    subscriber(confirmed_at=None)
    assert handle_one(AFTER) is None
    assert smtp.messages == []


def test_a_claimed_subscription_is_not_claimed_twice():
    subscriber()
    assert claim(AFTER) is not None
    assert claim(AFTER) is None
    assert claim(AFTER + dt.timedelta(minutes=10)) is not None  # the lease ran out


def test_a_4xx_is_retried_later_and_then_delivered_once(smtp):
    papers_of_the_day()
    subscription = subscriber()
    smtp.refuse("450 Mailbox busy, try later")
    first = handle_one(AFTER)
    assert first is not None and first.delivery.state == Delivery.State.PREPARED
    assert smtp.messages == []
    assert handle_one(AFTER + dt.timedelta(seconds=30)) is None  # not before its retry time
    second = handle_one(AFTER + dt.timedelta(minutes=2))
    assert second is not None and second.delivery.state == Delivery.State.SENT
    assert second.delivery.attempts == 2
    assert len(smtp.messages) == 1
    subscription.refresh_from_db()
    assert next_send(subscription) > AFTER


def test_a_server_that_is_down_is_retried(settings, smtp):
    papers_of_the_day()
    subscriber()
    settings.EMAIL_PORT = 1  # nothing listens there
    outcome = handle_one(AFTER)
    assert outcome is not None and outcome.delivery.state == Delivery.State.PREPARED
    assert "ConnectionRefusedError" in outcome.delivery.last_error
    settings.EMAIL_PORT = smtp.port
    assert run(AFTER + dt.timedelta(minutes=2)).state == Delivery.State.SENT


def test_permanent_refusals_mark_the_address_bouncing(settings, smtp):
    settings.DIGEST_MAX_BOUNCES = 2
    papers_of_the_day()
    subscription = subscriber(topics=["alignment"])  # something to send on both days
    smtp.refuse("550 No such user", "550 No such user")
    assert run(AFTER).state == Delivery.State.FAILED
    subscription.refresh_from_db()
    assert subscription.bounces == 1 and subscription.bouncing_since is None
    run(next_send(subscription) + dt.timedelta(minutes=1))
    subscription.refresh_from_db()
    assert subscription.bouncing_since is not None
    assert handle_one(next_send(subscription) + dt.timedelta(days=1)) is None
    assert smtp.messages == []


def test_the_command_sends_what_is_due(smtp, capsys, settings):
    papers_of_the_day()
    subscriber()
    subscriber("bob@example.org")
    settings.DIGEST_HOUR = 7
    from unittest import mock

    with mock.patch("dailypapers.digests.sending.timezone.now", return_value=AFTER):
        call_command("digests", "send")
    assert "2 subscription(s) handled" in capsys.readouterr().out
    assert sorted(m["To"] for m in smtp.messages) == ["alice@example.org", "bob@example.org"]
