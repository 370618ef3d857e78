"""The paper cards of the list pages (a day, a week, a month, trending, an organization),
rendered once and kept per process, keyed by everything a card shows.

Django's template engine spends about a third of a millisecond on a card (its includes, URL
reversals, filters), so a list of 50 cards took most of the daily page's time. What the card
shows besides the vote button is the same for every reader, so its HTML is kept in a bounded
in-process store (``MAX_CARDS``, least recently used out first). The key is built from the
values of every column of the rows the card is drawn from (the entry, its paper, the
organization shown, the submitter and their profile) and the confirmed authors, so any change
to what is stored gives another key: no card is ever stale, and nothing needs invalidating.
The vote button is kept for anonymous readers (a link to log in, the same for all of
them), not for signed-in ones (it shows their own vote and a CSRF token).
What the card looks like is ``templates/papers/_card.html``; nothing here decides that.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from dailypapers.papers.models import DailyEntry

TEMPLATE = "papers/_card.html"
# About 4 KiB of HTML a card: 2,000 cards are 8 MiB per process, 40 lists of 50.
MAX_CARDS = 2000

_cards: OrderedDict[tuple[int, int], str] = OrderedDict()
_lock = threading.Lock()


def _hashable(value: Any) -> Any:
    # JSON columns (lists, dicts) are not hashable: their text stands for them. A binary
    # column may come as a memoryview (PostgreSQL), whose repr is its address.
    if isinstance(value, memoryview):
        return bytes(value)
    return repr(value) if isinstance(value, list | dict) else value


def _columns(row: models.Model | None) -> tuple[Any, ...] | None:
    """Every stored column of ``row`` (all are loaded: the list queries defer none)."""
    if row is None:
        return None
    values = row.__dict__
    return tuple(_hashable(values.get(field.attname)) for field in row._meta.concrete_fields)


def card_key(entry: DailyEntry, anonymous: bool) -> tuple[int, int]:
    paper = entry.paper
    organization = entry.organization or paper.organization
    submitter = entry.submitted_by
    claims = getattr(paper, "confirmed_claims", {})
    shown = (
        _columns(entry),
        _columns(paper),
        _columns(organization),
        _columns(submitter),
        _columns(getattr(submitter, "profile", None)) if submitter else None,
        tuple(sorted((name, claim.user.get_username()) for name, claim in claims.items())),
        getattr(entry, "stars_per_day", None),  # trending by code annotates it
        timezone.now().year,  # dates of other years show their year
        anonymous,
    )
    # A 64-bit hash of the values (hashing text is far cheaper than spelling it out with
    # repr): two different cards of one paper sharing it is a chance of about one in 10^19.
    try:
        return paper.pk, hash(shown)
    except TypeError:  # a column of a type with no hash (a JSON column holding another kind)
        return paper.pk, hash(repr(shown))


def render_card(entry: DailyEntry, anonymous: bool) -> SafeString:
    """The card of ``entry``, with its vote button if the reader is ``anonymous``, from the
    store or rendered now."""
    key = card_key(entry, anonymous)
    with _lock:
        html = _cards.get(key)
        if html is not None:
            _cards.move_to_end(key)
    if html is None:
        context = {"entry": entry, "paper": entry.paper, "anonymous": anonymous}
        if anonymous:
            context |= {"user": AnonymousUser(), "voted": ()}
        html = render_to_string(TEMPLATE, context)
        with _lock:
            _cards[key] = html
            while len(_cards) > MAX_CARDS:
                _cards.popitem(last=False)
    return mark_safe(html)  # rendered by the template engine, which escaped it


def forget() -> None:
    """Drop every kept card (tests)."""
    with _lock:
        _cards.clear()
