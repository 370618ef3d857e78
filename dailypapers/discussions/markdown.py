"""Comment Markdown to safe HTML: markdown-it-py renders (raw HTML off), nh3 sanitises.

Two layers because either alone is not enough: markdown-it with ``html`` off escapes raw tags,
and nh3 (the Rust ``ammonia`` sanitiser) then keeps only an allow-list of tags, attributes and
URL schemes, so a ``javascript:`` link or an ``<img onerror>`` cannot survive any parser quirk.
Links get ``rel="nofollow ugc noopener"``: comments must not lend our ranking to spam.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.disable("image")  # images would let a comment load anything from anywhere

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "code": {"class"}}


def render(text: str) -> str:
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )
