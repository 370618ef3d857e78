"""Template filters for paper lists: Hugging Face style short dates, one-line summaries,
claimed authors; the ``card`` tag of a list's paper card (``papers/cards.py``)."""

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from dailypapers.lib.dates import short_date as format_short_date
from dailypapers.papers import cards, people
from dailypapers.papers.models import Paper
from dailypapers.papers.summaries import OneLine
from dailypapers.papers.summaries import one_line as summary_line

register = template.Library()


@register.filter
def short_date(value: dt.date | dt.datetime | None) -> str:
    """'Oct 13' within the current year, 'Aug 23, 2023' otherwise."""
    if value is None:
        return ""
    return format_short_date(value, timezone.now().date())


@register.filter
def one_line(paper) -> OneLine | None:
    """The card's one-line summary: Hugging Face's ai_summary, else an abstract sentence."""
    return summary_line(paper.ai_summary or "", paper.abstract or "")


@register.filter
def claimed_authors(paper: Paper) -> list[tuple[str, Any]]:
    """``(name, account)`` of the paper's confirmed authors (``people.load_claims``)."""
    return people.claimed_authors(paper)


@register.filter
def claimed_account(name: str, paper: Paper) -> Any:
    """The account that claimed author ``name`` of ``paper``, or None."""
    claim = getattr(paper, "confirmed_claims", {}).get(name)
    return claim.user if claim is not None else None


@register.simple_tag(takes_context=True)
def card(context, entry) -> SafeString:
    """The card of a list entry (for a signed-in reader, without its vote button), rendered
    once per process."""
    user = context.get("user")
    return cards.render_card(entry, anonymous=not (user and user.is_authenticated))
