"""Rendering an email from its template folder: ``emails/<name>/{subject.txt, body.txt,
body.html}``. The HTML part, when there is one, gets its CSS inlined (css-inline), since mail
clients drop ``<style>`` blocks. Sending is left to the caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import css_inline
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

_inliner = css_inline.CSSInliner(load_remote_stylesheets=False)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str | None


def render_email(name: str, context: dict[str, Any]) -> RenderedEmail:
    subject = render_to_string(f"emails/{name}/subject.txt", context)
    text = render_to_string(f"emails/{name}/body.txt", context)
    try:
        html = _inliner.inline(render_to_string(f"emails/{name}/body.html", context))
    except TemplateDoesNotExist:
        html = None
    # A subject is one line: newlines would end the header (and could inject others).
    return RenderedEmail(" ".join(subject.split()), text, html)
