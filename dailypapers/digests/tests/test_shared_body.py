"""A digest body rendered once and shared by subscribers with the same selection: the same
papers, each reader's own manage and unsubscribe links (text, HTML and header), and a batch
of claims that mails each subscription once."""

import datetime as dt
import re

import pytest
from django.test import Client

from dailypapers.digests import emails
from dailypapers.digests.links import read_token
from dailypapers.digests.models import Delivery, Subscription
from dailypapers.digests.sending import handle_batch
from dailypapers.digests.tests.helpers import DUE, papers_of_the_day, subscriber
from dailypapers.papers.models import Paper

pytestmark = pytest.mark.django_db
AFTER = DUE + dt.timedelta(minutes=1)
TOKEN = r"/subscribe/{action}/([^/\s\"<>]+)"


def tokens(body: str, action: str) -> set[str]:
    return set(re.findall(TOKEN.format(action=action), body))


def parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_two_subscribers_with_the_same_topics_get_the_same_papers_and_their_own_links(smtp):
    papers_of_the_day()
    alice = subscriber(topics=["alignment"], categories=[])
    bob = subscriber("bob@example.org", topics=["alignment"], categories=[])
    outcomes = handle_batch(AFTER)
    assert [o.subscription.email for o in outcomes] == ["alice@example.org", "bob@example.org"]
    assert len(emails._shared) == 1, "the second digest did not reuse the first one's body"
    deliveries = {d.subscription_id: d for d in Delivery.objects.all()}
    assert deliveries[alice.pk].papers == deliveries[bob.pk].papers
    assert len(deliveries[alice.pk].papers) == 3
    messages = {m["To"]: m for m in smtp.messages}
    assert sorted(messages) == ["alice@example.org", "bob@example.org"]
    bodies = {}
    for subscription in (alice, bob):
        message = messages[subscription.email]
        text, html = parts(message)
        header = message["List-Unsubscribe"].strip().strip("<>")
        for action in ("manage", "unsubscribe"):
            [token] = tokens(text, action)
            assert tokens(html, action) == {token}
            assert read_token(token, action) == subscription
            if action == "unsubscribe":
                assert header.endswith(f"/subscribe/unsubscribe/{token}")
            text, html = text.replace(token, "TOKEN"), html.replace(token, "TOKEN")
        assert emails.MANAGE_MARK not in text + html
        assert emails.UNSUBSCRIBE_MARK not in text + html
        bodies[subscription.email] = (text, html)
    # Apart from their links, the two mails are the same body.
    assert bodies["alice@example.org"] == bodies["bob@example.org"]
    # Bob's one-click link unsubscribes Bob, and only him.
    bob_link = messages["bob@example.org"]["List-Unsubscribe"].strip().strip("<>")
    response = Client(enforce_csrf_checks=True).post(
        bob_link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Subscription.objects.get(pk=bob.pk).unsubscribed_at is not None
    assert Subscription.objects.get(pk=alice.pk).unsubscribed_at is None


def test_a_paper_mailed_before_to_one_of_them_changes_only_that_ones_body(smtp):
    papers_of_the_day()
    alice = subscriber(topics=["alignment"])
    subscriber("bob@example.org", topics=["alignment"])
    aligned = Paper.objects.get(title="Preference alignment without rewards")
    alice.deliveries.create(
        period="older", state="sent", message_id="<x@y>", papers=[aligned.arxiv_id]
    )
    handle_batch(AFTER)
    messages = {m["To"]: parts(m)[0] for m in smtp.messages}
    assert "Preference alignment without rewards" not in messages["alice@example.org"]
    assert "Preference alignment without rewards" in messages["bob@example.org"]
    assert len(emails._shared) == 2


def test_a_batch_mails_each_due_subscription_once_and_schedules_them_all(smtp):
    papers_of_the_day()
    everyone = [subscriber(f"reader{n}@example.org") for n in range(25)]
    first = handle_batch(AFTER, size=10)
    assert len(first) == 10
    rest = handle_batch(AFTER, size=100)
    assert len(rest) == 15
    assert handle_batch(AFTER, size=100) == []
    assert sorted(m["To"] for m in smtp.messages) == sorted(s.email for s in everyone)
    states = set(Delivery.objects.values_list("state", flat=True))
    assert states == {Delivery.State.SENT}
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()
    for subscription in Subscription.objects.all():
        assert subscription.next_send_at == dt.datetime(2026, 5, 20, 7, tzinfo=dt.UTC)
        assert subscription.claimed_until is None


@pytest.mark.parametrize("reason", ["“alignment” is in the title", 'close to <b>"A & B"</b>'])
def test_a_reason_put_into_a_kept_block_reads_as_the_template_renders_it(reason):
    """A paper's block is rendered once and each reader's reason put in by substitution:
    the same bytes as rendering the block with the reason, escaped in the HTML part."""
    from django.template.loader import render_to_string
    from django.utils.html import escape

    from dailypapers.digests.compose import Digest, Match, Topic

    papers_of_the_day()
    paper = Paper.objects.select_related("organization").get(title="Loud paper on agents")
    subscription = subscriber()
    digest = Digest(subscription, "2026-05-18", DUE.date(), DUE.date())
    digest.topics = [
        Topic("t", [Match(paper, "another reason first")]),
        Topic("u", [Match(paper, reason)]),
    ]
    site_url = "http://127.0.0.1:8000"
    for kind in ("html", "txt"):
        made = emails.parts(digest, kind).topics[1][1][0]
        context = {"paper": paper, "reason": reason, "abstract": True, "site_url": site_url}
        assert made == render_to_string(f"emails/digest/_paper.{kind}", context)
        assert (escape(reason) if kind == "html" else reason) in made
