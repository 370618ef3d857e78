"""A stored digest as the bytes handed to SMTP: envelope and RFC 5322 message, made fast.

The worker hands each digest to ``smtplib.SMTP.sendmail`` as ready bytes, on the worker's
one connection, instead of through ``EmailMultiAlternatives``: building that message with
the ``email`` package (its header registry, policy and generator) was about a quarter of a
worker's SMTP time, the same steps for 10,000 messages that differ only in a few headers and
the two links of their foot (docs/digests.md). Here what is the same for every message (the
From header, the encoded subject, the boundary) is made once per process or per subject,
and what is each reader's (To, Date, Message-ID, List-Unsubscribe, the bodies with their
links) is joined as bytes, the bodies encoded by C code (``str.encode``, ``binascii``).

The message is what Django's ``EmailMultiAlternatives`` makes of the same delivery, header
for header, part for part, with the same choice of transfer encoding (7bit or 8bit, or
quoted-printable when a line is over 998 octets: Django's rule); only the boundary and the
order of a few headers differ. An address this module does not write by hand (not plain
ASCII, or anything a header must not hold) goes the slow way, through Django's own message.
Sending, retrying and recording what was sent live in ``sending.py``, not here.
"""

from __future__ import annotations

import binascii
import functools
import re
import secrets
from dataclasses import dataclass
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr

from django.conf import settings
from django.core.mail.message import sanitize_address

from dailypapers.digests.links import absolute_url
from dailypapers.digests.models import Delivery

# RFC 5322's limit of a line, less its CRLF; Django's own threshold for quoted-printable.
LINE_LIMIT = 998
# An address written into the To header by hand: plain printable ASCII, no space, no angle
# bracket, quote, comma or semicolon; anything else is left to the email package.
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~@-]+\Z")
_EOL = re.compile(r"\r\n|\r|\n")
# A boundary a body cannot hold by chance: random per process, checked against each body.
_BOUNDARY = f"===={secrets.token_hex(16)}=="


@dataclass(frozen=True)
class Wire:
    """What ``sendmail`` takes: the envelope's sender and recipients, and the message."""

    sender: str
    recipients: list[str]
    data: bytes


def digest_wire(delivery: Delivery) -> Wire | None:
    """The delivery's message as bytes with its envelope, or None when it is left to the
    email package (an address not written here)."""
    address = delivery.subscription.email
    if not PLAIN_ADDRESS.match(address) or address.count("@") != 1:
        return None
    if _breaks(delivery.subject + delivery.message_id + settings.DEFAULT_FROM_EMAIL):
        return None  # Django refuses such a header (BadHeaderError): let it say so
    unsubscribe = absolute_url(delivery.subscription, "unsubscribe")
    head = _head(delivery.subject, settings.DEFAULT_FROM_EMAIL)
    parts = [_part("plain", delivery.body_text)]
    if delivery.body_html:
        parts.append(_part("html", delivery.body_html))
    boundary = _BOUNDARY
    if any(boundary.encode() in part for part in parts):  # never, but it costs nothing
        boundary = f"===={secrets.token_hex(16)}=="
    lines = [
        head.fixed,
        f"To: {address}",
        f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
        f"Message-ID: {delivery.message_id}",
        f"List-Unsubscribe: <{unsubscribe}>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
        "",
    ]
    dash = f"--{boundary}".encode()
    pieces = ["\r\n".join(lines).encode()]
    for part in parts:
        pieces += [dash, b"\r\n", part, b"\r\n"]
    pieces += [dash, b"--\r\n"]
    return Wire(head.sender, [address], b"".join(pieces))


def _breaks(value: str) -> bool:
    return "\n" in value or "\r" in value


@dataclass(frozen=True)
class _Head:
    sender: str  # the envelope's
    fixed: str  # the headers every message of this subject and sender has


@functools.lru_cache(maxsize=256)
def _head(subject: str, from_email: str) -> _Head:
    """The headers shared by every digest of one subject: made once, not per message."""
    name, address = parseaddr(from_email)
    sender = sanitize_address(from_email, settings.DEFAULT_CHARSET)
    lines = [
        "MIME-Version: 1.0",
        "Subject: " + _encoded(subject),
        "From: " + formataddr((name, address), charset="utf-8"),
    ]
    return _Head(sender, "\r\n".join(lines))


def _encoded(value: str) -> str:
    """A header's value: as it is when ASCII (folded if long), RFC 2047 words when not."""
    charset = "us-ascii" if value.isascii() else "utf-8"
    return Header(value, charset, header_name="Subject").encode(linesep="\r\n")


def _part(subtype: str, body: str) -> bytes:
    """One body part, headers and content, with CRLF line ends."""
    # The templates end lines with "\n" alone: a replace, not the regular expression that
    # any line end needs (which cost more than the rest of the message: cProfile).
    body = _EOL.sub("\r\n", body) if "\r" in body else body.replace("\n", "\r\n")
    data = body.encode()
    if max(map(len, data.split(b"\r\n"))) > LINE_LIMIT:
        encoding = "quoted-printable"
        data = binascii.b2a_qp(data, istext=True)
    else:  # as the email package says it: 7bit when every octet is ASCII
        encoding = "7bit" if data.isascii() else "8bit"
    head = (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        f"MIME-Version: 1.0\r\n"
        f"Content-Transfer-Encoding: {encoding}\r\n\r\n"
    )
    return head.encode() + data
