"""Template filters for paper lists: Hugging Face style short dates."""

import datetime as dt

from django import template
from django.utils import timezone

from dailypapers.lib.dates import short_date as format_short_date

register = template.Library()


@register.filter
def short_date(value: dt.date | dt.datetime | None) -> str:
    """'Oct 13' within the current year, 'Aug 23, 2023' otherwise."""
    if value is None:
        return ""
    return format_short_date(value, timezone.now().date())
