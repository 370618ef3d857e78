"""Template filters for paper lists: Hugging Face style short dates, one-line summaries,
claimed authors; the ``card`` tag of a list's paper card (``papers/cards.py``)."""

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

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


@register.simple_tag(takes_context=True)
def entry_cards(context, entries) -> SafeString:
    """The list items of ``entries``: kept cards joined for an anonymous reader (no template
    work per card once kept), ``papers/_entry.html`` per entry for a signed-in one."""
    user = context.get("user")
    if not (user and user.is_authenticated):
        return mark_safe("".join(cards.render_card(entry, anonymous=True) for entry in entries))
    template = context.template.engine.get_template("papers/_entry.html")
    parts = []
    for entry in entries:
        with context.push(entry=entry):
            parts.append(template.render(context))  # as {% include %} does
    return mark_safe("".join(parts))  # rendered by the template engine, which escaped it
