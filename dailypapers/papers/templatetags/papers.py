"""Template filters for paper lists: Hugging Face style short dates, one-line summaries,
claimed authors."""

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from dailypapers.lib.dates import short_date as format_short_date
from dailypapers.papers import people
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
