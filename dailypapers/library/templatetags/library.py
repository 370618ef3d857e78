"""Template tags of the reader's buttons: whether they follow something, what they marked."""

from __future__ import annotations

from django import template

from dailypapers.library.following import is_following
from dailypapers.library.members import marked_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def following(context, kind: str, target: str) -> bool:
    """``{% following "author" name as on %}``: whether the reader follows it."""
    return is_following(context["request"].user, kind, target)


@register.simple_tag(takes_context=True)
def marks(context, kind: str) -> set[int]:
    user = context["request"].user
    return marked_ids(user, kind) if user.is_authenticated else set()
