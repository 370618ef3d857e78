"""Helpers of the digest tests: subscribers and a small list of papers."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from urllib.parse import urlsplit

from django.utils import timezone

from dailypapers.digests.models import Subscription
from tests.support.testing import list_on, make_paper

# A Tuesday: the digest due then covers Monday's list.
DUE = dt.datetime(2026, 5, 19, 7, tzinfo=dt.UTC)
LIST_DAY = dt.date(2026, 5, 18)


def papers_of_the_day() -> None:
    published = dt.datetime(2026, 5, 17, 12, tzinfo=dt.UTC)
    loud = make_paper(
        "Loud paper on agents",
        upstream_upvotes=50,
        published_at=published,
        organization="Example Lab",
    )
    list_on(loud, LIST_DAY, organization="Example Lab")
    list_on(make_paper("Quiet paper on vision", upstream_upvotes=3, published_at=published),
            LIST_DAY)  # fmt: skip
    make_paper(
        "Preference alignment without rewards",
        abstract="We align language models to human preferences.",
        published_at=published,
    )


def subscriber(email: str = "alice@example.org", **fields) -> Subscription:
    fields.setdefault("confirmed_at", timezone.now())
    fields.setdefault("next_send_at", DUE)
    return Subscription.objects.create(email=email, **fields)


def links(message: EmailMessage) -> list[str]:
    """The paths of our site's links in the plain-text part."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    text = part.get_content()
    return [urlsplit(url).path for url in re.findall(r"https?://127\.0\.0\.1:8000/\S+", text)]
