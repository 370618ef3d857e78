"""The digest's bytes as the worker hands them to SMTP (``wire.py``) say what Django's own
message of the same delivery says: every header, both parts, whichever transfer encoding."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

import pytest

from dailypapers.digests import wire
from dailypapers.digests.emails import digest_message, message_id
from dailypapers.digests.links import read_token
from dailypapers.digests.models import Delivery
from dailypapers.digests.sending import Sender, smtp_session
from dailypapers.digests.tests.helpers import DUE, subscriber

pytestmark = pytest.mark.django_db

TEXT = "Daily Papers — Ünïcode\n.a line that starts with a dot\n\nSecond paragraph.\n"
# One line over 998 octets (inlined CSS makes such lines): quoted-printable, as Django does.
LONG_HTML = (
    "<p style=\"color: #333\">Ça va</p>\n"
    + "<td style=\"x\">" + "é" * 600 + "</td>\n"
    + '<a href="https://example.org/a?b=c&amp;d=e">link</a>\n'
)  # fmt: skip


def delivery_of(address: str, html: str) -> Delivery:
    subscription = subscriber(email=address)
    return Delivery(
        subscription=subscription,
        period="2026-05-18",
        state=Delivery.State.PREPARED,
        message_id=message_id(),
        subject="Daily Papers: 3 papers for May 18 — “alignment”",
        body_text=TEXT,
        body_html=html,
    )


def parsed(data: bytes) -> EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[return-value]


def content(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    return part.get_content().replace("\r\n", "\n")


@pytest.mark.parametrize("html", [LONG_HTML, "<p>short lines</p>\n", ""])
def test_the_bytes_say_what_djangos_message_says(html):
    delivery = delivery_of("alice@example.org", html)
    made = wire.digest_wire(delivery)
    assert made is not None
    ours = parsed(made.data)
    # As Django's SMTP backend hands it over (its message class takes ``linesep``).
    django = parsed(digest_message(delivery).message().as_bytes(linesep="\r\n"))  # type: ignore[call-arg]
    assert made.recipients == ["alice@example.org"]
    for header in ("Subject", "From", "To", "Message-ID", "List-Unsubscribe-Post"):
        # Django's folded Subject reads back with a leading space: compare the words.
        assert ours[header] == django[header].strip(), header
    assert ours["Subject"] == delivery.subject
    assert ours["Date"]
    url = ours["List-Unsubscribe"].strip("<>")
    assert read_token(url.rstrip("/").rsplit("/", 1)[-1], "unsubscribe") == delivery.subscription
    assert content(ours, "plain") == TEXT == content(django, "plain")
    if html:
        assert content(ours, "html") == html == content(django, "html")
        ours_html, theirs_html = (m.get_body(preferencelist=("html",)) for m in (ours, django))
        assert ours_html is not None and theirs_html is not None
        encoding = ours_html["Content-Transfer-Encoding"]
        theirs = theirs_html["Content-Transfer-Encoding"]
        assert encoding == theirs == ("quoted-printable" if html == LONG_HTML else "7bit")
    else:
        assert ours.get_body(preferencelist=("html",)) is None
    assert all(len(line) <= 998 for line in made.data.split(b"\r\n"))
    assert b"\n" not in made.data.replace(b"\r\n", b"")


def test_an_address_not_written_by_hand_goes_through_the_email_package(smtp):
    delivery = delivery_of("josé@example.org", "<p>hi</p>\n")
    assert wire.digest_wire(delivery) is None
    delivery.save()
    with smtp_session():
        sender = Sender(DUE)
        sender.send(delivery)
        sender.record_sent()
    assert delivery.state == Delivery.State.SENT
    [message] = smtp.messages
    assert content(message, "plain") == TEXT


def test_the_bytes_are_accepted_and_read_back_by_a_real_server(smtp):
    delivery = delivery_of("bob@example.org", LONG_HTML)
    delivery.save()
    with smtp_session():
        sender = Sender(DUE)
        sender.send(delivery)
        sender.record_sent()
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT
    [message] = smtp.messages
    assert message["To"] == "bob@example.org"
    assert message["Message-ID"] == delivery.message_id
    assert content(message, "plain") == TEXT
    assert content(message, "html") == LONG_HTML
