"""The Content-Security-Policy header of every HTML page.

Scripts, styles, fonts and frames come from the site itself (KaTeX is served from our own
static files); no inline ``<script>``, no ``style=""``, no ``javascript:`` URL runs. So even a
link or a comment that slipped past every check cannot run script in a visitor's browser.
A view that needs a different policy (the digest preview shows a mail, with its inline
``<style>``) sets the header itself and keeps it. Non-HTML answers (JSON, feeds, files) carry
none: a browser applies the policy to documents only.

Django 6.0 brings a CSP middleware of its own; on 5.2 these few lines do what the site needs
without ``django-csp`` and its per-directive settings.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and HEADER not in response and _is_html(response):
            response[HEADER] = policy
        return response


def _is_html(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().lower() == "text/html"
