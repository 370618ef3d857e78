"""The mails of digests: the digest itself, the opt-in confirmation, the "manage" link.

Each is a template folder under ``templates/emails/`` and a function that returns its context.
Every digest carries ``List-Unsubscribe`` with ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``
(RFC 8058) and a visible unsubscribe link; its Message-ID is fixed when it is composed, so the
same delivery always has the same id.

A digest's body is the same for every subscriber whose digest holds the same papers for the
same reasons (the half with no topics all get the period's trending papers), except for the
two links of its foot: ``render_digest`` renders each distinct body once, with unguessable
marks where the links go, and puts each reader's own links in by substitution (escaped for
the HTML part, as the template would have). Each paper's block (``_paper.html``,
``_paper.txt``) is rendered once per reason too, and reused by every body that holds it: the
topic digests are mostly distinct bodies made of the same few blocks. Both are kept in this
process only, a few minutes at most, and keyed by everything of a paper that they show.
"""

from __future__ import annotations

import html
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from dailypapers.core.kept import Kept
from dailypapers.digests.compose import Digest
from dailypapers.digests.links import absolute_url, forget_links
from dailypapers.digests.models import Delivery, Subscription
from dailypapers.lib.emails import RenderedEmail, render_email
from dailypapers.papers.models import Paper


@dataclass
class Parts:
    """A digest's papers as rendered fragments (``emails/digest/_paper.{html,txt}``), by
    section, for one of the two bodies."""

    trending: list[str]
    alerts: list[str]
    for_you: list[str]
    topics: list[tuple[str, list[str]]]


def parts(digest: Digest, kind: str) -> Parts:
    """The fragments of ``kind`` ("html" or "txt"): each paper with its reason is rendered
    once and reused by every digest that holds it, as long as the paper is unchanged."""
    site_url = settings.SITE_URL.rstrip("/")

    def fragment(paper: Paper, reason: str = "", abstract: bool = True) -> str:
        # Rendered once per paper with a mark where the reason goes, which is put in by
        # substitution (escaped in the HTML part, as the template would): "For you" and
        # alert reasons are each reader's own ("close to <a paper of their library>"), and
        # rendering a block per reader and reason was a third of a reader's digest
        # (cProfile, bench/digests.py --readers).
        key = (kind, site_url, abstract, bool(reason), _paper_key(paper))
        kept = _fragments.get(key)
        if kept is None:
            context = {
                "paper": paper,
                "reason": REASON_MARK if reason else "",
                "abstract": abstract,
                "site_url": site_url,
            }
            kept = render_to_string(f"emails/digest/_paper.{kind}", context)
            if len(_fragments) >= FRAGMENTS_KEPT:
                _fragments.clear()
            _fragments[key] = kept
        if not reason:
            return kept
        return mark_safe(kept.replace(REASON_MARK, escape(reason) if kind == "html" else reason))

    return Parts(
        [fragment(paper) for paper in digest.trending],
        # An alert says why in one line; it leaves the abstract out of the plain text.
        [fragment(m.paper, m.reason, abstract=False) for m in digest.alerts],
        [fragment(m.paper, m.reason) for m in digest.for_you],
        [(t.name, [fragment(m.paper, m.reason) for m in t.matches]) for t in digest.topics],
    )


def digest_context(
    digest: Digest, manage_url: str = "", unsubscribe_url: str = ""
) -> dict[str, Any]:
    subscription = digest.subscription
    return {
        "digest": digest,
        "html": parts(digest, "html"),
        "text": parts(digest, "txt"),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        "manage_url": manage_url or absolute_url(subscription, "manage"),
        "unsubscribe_url": unsubscribe_url or absolute_url(subscription, "unsubscribe"),
        "today": timezone.now().date(),
    }


# Where a shared body's per-reader links go: random per process, so no paper's text can
# contain them, and made of characters that neither escaping nor CSS inlining changes.
_MARK = secrets.token_hex(12)
MANAGE_MARK = f"https://{_MARK}.invalid/manage"
UNSUBSCRIBE_MARK = f"https://{_MARK}.invalid/unsubscribe"
REASON_MARK = f"reason{_MARK}"
# A rendered body is reused this long, as the topic matches it is made of are
# (``compose.TOPIC_CACHE_SECONDS``); a paper that changed in between makes a new key anyway.
SHARED_SECONDS = 300
# A mail is about 2 KB a paper (a 3-paper digest's is 6.4 KB, its HTML with the CSS
# inlined), so a 20-paper body about 40 KB: at most about 20 MB each per worker. Most topic
# bodies are never met twice; the shared ones are made again after a clear, once.
SHARED_KEPT = 500
FRAGMENTS_KEPT = 10_000
_shared: Kept[RenderedEmail] = Kept(SHARED_SECONDS, most=SHARED_KEPT)
_fragments: dict[tuple, str] = {}


def forget() -> None:
    """Drop the kept bodies, fragments and links (tests)."""
    _shared.clear()
    _fragments.clear()
    forget_links()


def _paper_key(paper: Paper, reason: str = "") -> tuple:
    """Everything of a paper the digest's templates show, and why it is there."""
    return (
        paper.pk,
        paper.arxiv_id,
        paper.title,
        paper.modified,
        paper.upvotes,
        paper.organization_id,
        paper.github_repo,
        reason,
    )


def body_key(digest: Digest) -> tuple:
    """What makes two digests' bodies the same, the foot's links apart."""
    return (
        settings.SITE_NAME,
        settings.SITE_URL,
        timezone.now().date(),
        digest.first,
        digest.last,
        tuple(_paper_key(paper) for paper in digest.trending),
        tuple(_paper_key(m.paper, m.reason) for m in digest.alerts),
        tuple(_paper_key(m.paper, m.reason) for m in digest.for_you),
        tuple(
            (t.name, tuple(_paper_key(m.paper, m.reason) for m in t.matches)) for t in digest.topics
        ),
    )


def shared_body(digest: Digest) -> RenderedEmail:
    """The digest rendered with marks for its links: once per distinct body."""
    return _shared.get(
        body_key(digest),
        lambda: render_email("digest", digest_context(digest, MANAGE_MARK, UNSUBSCRIBE_MARK)),
    )


def render_digest(digest: Digest) -> RenderedEmail:
    """The digest's mail for its subscriber: the shared body with their own links."""
    shared = shared_body(digest)
    manage = absolute_url(digest.subscription, "manage")
    unsubscribe = absolute_url(digest.subscription, "unsubscribe")

    def personal(body: str, escape: bool) -> str:
        if escape:  # autoescaped, as the template prints the links in the HTML part
            return body.replace(MANAGE_MARK, html.escape(manage)).replace(
                UNSUBSCRIBE_MARK, html.escape(unsubscribe)
            )
        return body.replace(MANAGE_MARK, manage).replace(UNSUBSCRIBE_MARK, unsubscribe)

    return RenderedEmail(
        shared.subject,
        personal(shared.text, escape=False),
        personal(shared.html, escape=True) if shared.html is not None else None,
    )


def message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    return make_msgid("digest", domain=domain)


def digest_message(delivery: Delivery) -> EmailMultiAlternatives:
    subscription = delivery.subscription
    unsubscribe = absolute_url(subscription, "unsubscribe")
    message = EmailMultiAlternatives(
        delivery.subject,
        delivery.body_text,
        settings.DEFAULT_FROM_EMAIL,
        [subscription.email],
        headers={
            "Message-ID": delivery.message_id,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    return message


def send_link_mail(subscription: Subscription, name: str, action: str, base: str) -> None:
    """The confirmation mail (``confirm_subscription``) or a link to manage an existing one."""
    email = render_email(
        name,
        {
            "link": absolute_url(subscription, action, base),
            "subscription": subscription,
            "site_name": settings.SITE_NAME,
        },
    )
    message = EmailMultiAlternatives(
        email.subject, email.text, settings.DEFAULT_FROM_EMAIL, [subscription.email]
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    message.send()
