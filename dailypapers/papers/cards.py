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

An anonymous reader's list page (``anonymous_cards``) does not build model instances at all
while its cards are kept: the page's rows are read as the database returns them (the same
``listed()`` query and columns, the submitter and profile joined), and the key is the hash of
that row and of the confirmed claims, read narrowly. Building ~100 model instances and
converting their columns was most of a daily page's time (cProfile at 170k papers). Only the
cards not yet kept are loaded as instances and rendered.
What the card looks like is ``templates/papers/_card.html``; nothing here decides that.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any, overload

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from dailypapers.papers.models import DailyEntry
from dailypapers.papers.people import claim_names, load_entry_people
from dailypapers.papers.statements import Statement

TEMPLATE = "papers/_card.html"
# About 4 KiB of HTML a card: 2,000 cards are 8 MiB per process, 40 lists of 50.
MAX_CARDS = 2000
MAX_PAGE = 50  # the cards of a list page (views.PER_PAGE)

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


def _page_of_entries(variant: tuple[int, int], first: dt.date, last: dt.date) -> models.QuerySet:
    start, stop = variant  # Django writes LIMIT and OFFSET into the SQL text
    return DailyEntry.objects.between(first, last).select_related("submitted_by__profile")[
        start:stop
    ]


# Its rows are only hashed (row_card_key) and their ids read: columns as stored, unconverted.
_ENTRY_ROWS = Statement(
    _page_of_entries, [dt.date(1111, 11, 11), dt.date(1222, 12, 22)], stored_text=True
)


def entry_rows(first: dt.date, last: dt.date, start: int, stop: int) -> list[tuple]:
    """Rows ``start`` to ``stop`` of ``DailyEntry.objects.between(first, last)``, as the
    database stores them (no model instances, no column conversions, on SQLite not even the
    driver's: a datetime is its text, see ``Statement``): the entry's columns come
    first, then the votes, the paper, the organizations, the submitter and their profile."""
    return _ENTRY_ROWS.run([first, last], variant=(start, stop))


ENTRY_ID = 0  # the first column of DailyEntry (its primary key) leads each row
PAPER_ID = [field.attname for field in DailyEntry._meta.concrete_fields].index("paper_id")


def _claim_keys(paper_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """What a card shows of each paper's confirmed claims, (author name, username) with the
    first decided claim of a name winning, as ``people.load_claims`` picks them."""
    claims: dict[int, dict[str, str]] = {pk: {} for pk in paper_ids}
    for paper_id, name, username in claim_names(paper_ids):
        claims[paper_id].setdefault(name, username)
    return {pk: sorted(names.items()) for pk, names in claims.items()}


def row_card_key(row: tuple, claims: list[tuple[str, str]]) -> tuple[int, int]:
    """The key of an anonymous reader's card drawn from ``row`` (see ``entry_rows``)."""
    shown = ("row", row, tuple(claims), timezone.now().year)
    try:
        return row[PAPER_ID], hash(shown)
    except TypeError:  # a JSON column decoded by the driver (PostgreSQL), see ``_hashable``
        return row[PAPER_ID], hash(repr(("row", tuple(map(_hashable, row)), shown[2:])))


class ListedRows:
    """The listed entries of the days ``first`` to ``last``, as rows (``entry_rows``), for
    the Paginator of an anonymous reader's page. Their number is asked of the database only
    if reading the first page did not tell it (``read_first_page``)."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first, self.last = first, last
        self._first_page: list[tuple] | None = None
        self._count: int | None = None

    def entries(self) -> models.QuerySet[DailyEntry]:
        return DailyEntry.objects.between(self.first, self.last)

    def read_first_page(self, size: int) -> None:
        # One more row than a page: if it does not come, the whole list is on this page and
        # its length is the count, without a COUNT(*) (most days fit on one page).
        rows = entry_rows(self.first, self.last, 0, size + 1)
        if len(rows) <= size:
            self._count = len(rows)
        self._first_page = rows[:size]

    def count(self) -> int:
        if self._count is None:
            self._count = self.entries().count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[tuple]:
        return iter(self[0 : len(self)])

    @overload
    def __getitem__(self, index: int) -> tuple: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple]: ...
    def __getitem__(self, index: int | slice) -> tuple | list[tuple]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        if start == 0 and self._first_page is not None and stop <= len(self._first_page):
            return self._first_page[:stop]
        return entry_rows(self.first, self.last, start, stop)


def anonymous_cards(listed: ListedRows, rows: list[tuple]) -> SafeString:
    """The list items of ``rows`` (read from ``listed``) for an anonymous reader: kept cards
    joined; the ones not kept are loaded, rendered and kept."""
    claims = _claim_keys([row[PAPER_ID] for row in rows])
    keys = [row_card_key(row, claims[row[PAPER_ID]]) for row in rows]
    with _lock:
        found = [_cards.get(key) for key in keys]
        for key, html in zip(keys, found, strict=True):
            if html is not None:
                _cards.move_to_end(key)
    missing = [row[ENTRY_ID] for row, html in zip(rows, found, strict=True) if html is None]
    if missing:
        loaded = {entry.pk: entry for entry in listed.entries().filter(pk__in=missing)}
        load_entry_people(loaded.values())
        context = {"anonymous": True, "user": AnonymousUser(), "voted": ()}
        for index, (row, key) in enumerate(zip(rows, keys, strict=True)):
            entry = loaded.get(row[ENTRY_ID])
            if found[index] is None and entry is not None:  # None: hidden since the rows
                html = render_to_string(TEMPLATE, {**context, "entry": entry, "paper": entry.paper})
                found[index] = html
                with _lock:
                    _cards[key] = html
                    while len(_cards) > MAX_CARDS:
                        _cards.popitem(last=False)
    return mark_safe("".join(html for html in found if html is not None))


def forget() -> None:
    """Drop every kept card (tests)."""
    with _lock:
        _cards.clear()
