"""The ``{% url %}`` tag of every template, with each URL reversed once per process.

Django's tag calls ``reverse()`` at every use, about 30 µs each; a page has 12 to 20 of them
(the header, the tabs, the feeds, the pager), the same on every request: a tenth of a daily
page's CPU at 170k papers (cProfile, 2026-11-30). A URL is a pure function of the view name,
its arguments, the URLconf in use and the script prefix, so those are the key of a bounded
store (``lru_cache``); a change of ``ROOT_URLCONF`` (tests) empties it, as Django empties its
own URL caches then. Arguments that cannot be a key are reversed every time. Added to the
template engine's builtins in ``settings.TEMPLATES``, so templates keep writing
``{% url %}``; the tag's syntax and output are Django's (its parser and node are reused).

Where a URL is reversed (the current app, the script prefix, the URLconf) is read once per
request and kept on it, once the request is resolved (its URLconf and app are then fixed):
the prefix and URLconf live in asgiref's context-local storage, two lookups of a few µs for
each of a page's URLs, which were a third of the tag's time (cProfile, 2026-11-30).

``{% static %}`` likewise: the storage's URL of a static file (its hashed name, looked up in
the manifest, joined to ``STATIC_URL``) took 30 µs a use, eight uses a page; it depends on
the path, the storage and ``STATIC_URL`` alone, so it is kept until one of those settings
changes. A template that writes ``{% load static %}`` gets Django's tag back.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.templatetags.static import StaticNode
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=4096)
def _reverse(name: str, args: tuple, kwargs: tuple, app: Any, prefix: str, urlconf: Any) -> str:
    # ``prefix`` is only part of the key: reverse() reads the same script prefix itself.
    return reverse(name, urlconf, list(args), dict(kwargs), app)


@lru_cache(maxsize=1024)
def _static(path: str, static_url: str) -> str:
    # ``static_url`` is only part of the key: the storage reads the setting itself.
    return StaticNode.handle_simple(path)


@receiver(setting_changed)
def _forget(setting: str, **_: object) -> None:
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES", "INSTALLED_APPS", "DEBUG"}:
        _static.cache_clear()


_PLACE = "_kept_url_place"  # the request's attribute holding (app, prefix, urlconf)


def _place(context: template.Context) -> tuple[Any, str, Any]:
    """The current app (as Django's tag finds it), the script prefix and the URLconf."""
    request = getattr(context, "request", None)
    place = getattr(request, _PLACE, None)
    if place is not None:
        return place
    try:
        current_app = context.request.current_app  # type: ignore[attr-defined]
    except AttributeError:
        try:
            current_app = context.request.resolver_match.namespace  # type: ignore[attr-defined]
        except AttributeError:
            current_app = None
    place = (current_app, get_script_prefix(), get_urlconf())
    if getattr(request, "resolver_match", None) is not None:
        # Resolved: the handler has set the URLconf; middleware before that may not have.
        setattr(request, _PLACE, place)
    return place


class KeptURLNode(defaulttags.URLNode):
    def render(self, context: template.Context) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((key, value.resolve(context)) for key, value in self.kwargs.items()))
        view_name = self.view_name.resolve(context)
        current_app = None
        url = ""
        try:
            try:
                current_app, prefix, urlconf = _place(context)
                key = (view_name, args, kwargs, current_app, prefix, urlconf)
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


class KeptStaticNode(StaticNode):
    @classmethod
    def handle_simple(cls, path: Any) -> str:
        if not isinstance(path, str):
            return StaticNode.handle_simple(path)
        return _static(path, settings.STATIC_URL)


@register.tag
def static(parser: template.base.Parser, token: template.base.Token) -> StaticNode:
    """Django's ``{% static %}`` (same syntax), its URLs kept per process."""
    return KeptStaticNode.handle_token(parser, token)
