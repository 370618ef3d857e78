"""The ``{% url %}`` tag of every template, with each URL reversed once per process.

Django's tag calls ``reverse()`` at every use, about 30 µs each; a page has 12 to 20 of them
(the header, the tabs, the feeds, the pager), the same on every request: a tenth of a daily
page's CPU at 170k papers (cProfile, 2026-11-30). A URL is a pure function of the view name,
its arguments, the URLconf in use and the script prefix, so those are the key of a bounded
store (``lru_cache``); a change of ``ROOT_URLCONF`` (tests) empties it, as Django empties its
own URL caches then. Arguments that cannot be a key are reversed every time. Added to the
template engine's builtins in ``settings.TEMPLATES``, so templates keep writing
``{% url %}``; the tag's syntax and output are Django's (its parser and node are reused).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=4096)
def _reverse(name: str, args: tuple, kwargs: tuple, app: Any, prefix: str, urlconf: Any) -> str:
    # ``prefix`` is only part of the key: reverse() reads the same script prefix itself.
    return reverse(name, urlconf, list(args), dict(kwargs), app)


@receiver(setting_changed)
def _forget(setting: str, **_: object) -> None:
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()


class KeptURLNode(defaulttags.URLNode):
    def render(self, context: template.Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((key, value.resolve(context)) for key, value in self.kwargs.items()))
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app  # type: ignore[attr-defined]
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
            except AttributeError:
                current_app = None
        url = ""
        try:
            try:
                key = (view_name, args, kwargs, current_app, get_script_prefix(), get_urlconf())
                hash(key)
            except TypeError:  # an argument that cannot be a key: reversed every time
                url = reverse(view_name, None, list(args), dict(kwargs), current_app)
            else:
                url = _reverse(*key)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: template.base.Parser, token: template.base.Token) -> KeptURLNode:
    """Django's ``{% url %}`` (same syntax), its URLs kept per process."""
    node = defaulttags.url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
