"""The digest worker: claim a due subscription, compose, record, send, reschedule.

Exactly once, and why (docs/digests.md has the long form):

1. A worker claims one due subscription by setting ``claimed_until`` (a lease) with
   ``core/claims.py``: a filtered UPDATE on SQLite, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL;
   no two workers hold the same one. A killed worker's lease simply runs out.
2. The digest is composed and stored as a ``Delivery`` row, unique per (subscription, period),
   in state ``prepared``, with its Message-ID. A crash before this point leaves no row: the next
   claim composes again. A crash after it leaves the row: the next claim sends that row.
3. Once the SMTP connection is open, just before the message is handed over, the row turns
   ``sending`` (committed). If SMTP
   answers, the row becomes ``sent`` (or goes back to ``prepared`` for a retry on a 4xx or a
   refused connection, or ``failed`` on a 5xx). A crash after the handover finds the row
   ``sending``: it may have been delivered, so it is never sent again (no double mail); it is
   logged as unconfirmed. Only a crash inside the SMTP exchange itself, between handing over
   and the server's answer, can lose a mail; the log names it.
4. Then ``next_send_at`` moves to the next slot and the lease is released.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from dailypapers.core.claims import claim_one
from dailypapers.digests.compose import compose
from dailypapers.digests.emails import digest_message, message_id, render_digest
from dailypapers.digests.models import Delivery, Subscription

log = logging.getLogger(__name__)
State = Delivery.State


@dataclass
class Outcome:
    subscription: Subscription
    delivery: Delivery

    def __str__(self) -> str:
        reason = f" ({self.delivery.skip_reason})" if self.delivery.skip_reason else ""
        return f"{self.subscription.email} {self.delivery.period}: {self.delivery.state}{reason}"


def due(now: dt.datetime) -> Q:
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return (
        Q(next_send_at__lte=now, confirmed_at__isnull=False)
        & Q(unsubscribed_at__isnull=True, bouncing_since__isnull=True)
        & free
    )


def claim(now: dt.datetime) -> Subscription | None:
    """Take one due subscription for this worker, or None when nothing is due."""
    lease = now + dt.timedelta(seconds=settings.DIGEST_CLAIM_SECONDS)
    # A filtered UPDATE (SQLite) or SKIP LOCKED (PostgreSQL): no two workers hold one row.
    return claim_one(
        Subscription.objects.filter(due(now)), ("next_send_at", "pk"), claimed_until=lease
    )


def handle_one(now: dt.datetime | None = None) -> Outcome | None:
    """Claim one due subscription and deal with its current period; None when idle."""
    now = now or timezone.now()
    subscription = claim(now)
    if subscription is None:
        return None
    return deliver(subscription, now)


def deliver(subscription: Subscription, now: dt.datetime) -> Outcome:
    assert subscription.next_send_at is not None
    due_at = subscription.next_send_at
    digest = None
    period, _, _ = subscription.period_of(due_at)
    delivery = Delivery.objects.filter(subscription=subscription, period=period).first()
    if delivery is None:
        digest = compose(subscription, due_at)
        delivery = record(subscription, digest, period)
    if delivery.state == State.PREPARED:
        send(delivery, now)
    elif delivery.state == State.SENDING:
        log.error(
            "digest %s for %s was handed to SMTP before a crash and may have been delivered: "
            "not sent again",
            delivery.period,
            subscription.email,
        )
        delivery.last_error = "unconfirmed: the worker stopped during or after the SMTP handover"
        delivery.state = State.SENT
        delivery.save(update_fields=["state", "last_error"])
    if delivery.state == State.PREPARED:  # a transient failure: try again later
        Subscription.objects.filter(pk=subscription.pk).update(claimed_until=delivery.retry_at)
    else:
        subscription.next_send_at = subscription.schedule_after(max(due_at, now))
        subscription.claimed_until = None
        subscription.save(update_fields=["next_send_at", "claimed_until"])
    return Outcome(subscription, delivery)


def record(subscription: Subscription, digest, period: str) -> Delivery:
    """Store the composed digest (or the reason it was skipped) before anything is sent."""
    if not digest.papers:
        return Delivery.objects.create(
            subscription=subscription,
            period=period,
            state=State.SKIPPED,
            skip_reason=digest.skip_reason,
            message_id="",
        )
    email = render_digest(digest)
    return Delivery.objects.create(
        subscription=subscription,
        period=period,
        state=State.PREPARED,
        message_id=message_id(),
        subject=email.subject,
        body_text=email.text,
        body_html=email.html or "",
        papers=[paper.arxiv_id for paper in digest.papers],
    )


def permanent(error: Exception) -> bool:
    """Whether SMTP refused this address for good (a 5xx), as opposed to a passing failure."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


_session: list[BaseEmailBackend] = []  # the open connection of smtp_session(), if any


@contextlib.contextmanager
def smtp_session() -> Iterator[None]:
    """Keep one SMTP connection open for the digests sent inside, instead of one each."""
    connection = get_connection()
    _session.append(connection)
    try:
        yield
    finally:
        _session.remove(connection)
        connection.close()


def _ready_connection() -> BaseEmailBackend:
    """An open connection: the session's (checked with NOOP, reopened if the server left) or
    a new one."""
    if not _session:
        connection = get_connection()
        connection.open()
        return connection
    connection = _session[-1]
    smtp = getattr(connection, "connection", None)
    try:
        if smtp is None or smtp.noop()[0] != 250:
            raise smtplib.SMTPServerDisconnected("not connected")
    except (smtplib.SMTPException, OSError):
        connection.close()
        connection.open()
    return connection


def send(delivery: Delivery, now: dt.datetime) -> None:
    message = digest_message(delivery)
    connection = None
    try:
        # Connect (and log in) first: a failure or crash up to here leaves the row "prepared".
        connection = _ready_connection()
        with transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk).update(
                state=State.SENDING, attempts=F("attempts") + 1
            )
        delivery.refresh_from_db()
        connection.send_messages([message])
    except (smtplib.SMTPException, OSError) as error:
        if delivery.state == State.PREPARED:  # never handed over: count the attempt here
            delivery.attempts += 1
        handle_failure(delivery, error, now)
        return
    finally:
        if connection is not None and not _session:
            connection.close()
    delivery.state, delivery.sent_at, delivery.last_error = State.SENT, timezone.now(), ""
    delivery.save(update_fields=["state", "sent_at", "last_error"])
    Subscription.objects.filter(pk=delivery.subscription_id).update(bounces=0)


def handle_failure(delivery: Delivery, error: Exception, now: dt.datetime) -> None:
    delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
    subscription = delivery.subscription
    if permanent(error) or delivery.attempts >= settings.DIGEST_MAX_ATTEMPTS:
        delivery.state = State.FAILED
        delivery.save(update_fields=["state", "last_error", "attempts"])
        if permanent(error):
            subscription.bounces += 1
            if subscription.bounces >= settings.DIGEST_MAX_BOUNCES:
                subscription.bouncing_since = now
                log.warning("%s bounces: no more digests to it", subscription.email)
            subscription.save(update_fields=["bounces", "bouncing_since"])
        return
    # Exponential backoff: 1, 2, 4, ... minutes, at most an hour.
    wait = min(60 * 2 ** (delivery.attempts - 1), 3600)
    delivery.state, delivery.retry_at = State.PREPARED, now + dt.timedelta(seconds=wait)
    delivery.save(update_fields=["state", "retry_at", "last_error", "attempts"])
    log.warning("digest to %s will be retried in %ss: %s", subscription.email, wait, error)
