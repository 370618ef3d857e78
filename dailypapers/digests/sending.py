"""The digest worker: claim due subscriptions, compose, record, send, reschedule.

Exactly once, and why (docs/digests.md has the long form):

1. A worker claims a batch of due subscriptions (``BATCH``, one transaction) by setting
   ``claimed_until`` (a lease) with ``core/claims.py``: a filtered UPDATE in SQLite's one
   write transaction, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; no two workers hold the same
   one. A killed worker's lease simply runs out. A batch is worked through within half the
   lease; what is left then is released for the next claim.
2. Each digest is composed and stored as a ``Delivery`` row, unique per (subscription,
   period), in state ``prepared``, with its Message-ID; the batch's rows are inserted in one
   transaction. A crash before this point leaves no row: the next claim composes again. A
   crash after it leaves the row: the next claim sends that row.
3. Once the SMTP connection is open, just before each message is handed over, its row turns
   ``sending`` (committed, alone: never two rows at once). If SMTP accepts it, the row becomes
   ``sent``, recorded in the transaction that marks the next message ``sending`` (or at the
   end of the batch); it goes back to ``prepared`` for a retry on a 4xx or a refused
   connection, or ``failed`` on a 5xx. A crash after the handover finds the row ``sending``:
   it may have been delivered, so it is never sent again (no double mail); it is logged as
   unconfirmed. Only a crash inside the SMTP exchange itself, between handing over and the
   server's answer, can lose a mail; the log names it.
4. Then ``next_send_at`` moves to the next slot and the lease is released, for the whole
   batch in one transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import smtplib
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db import connection as db
from django.db.models import Field, Q
from django.utils import timezone

from dailypapers.core.claims import claim_many, claim_one
from dailypapers.digests.compose import already_sent_to, compose
from dailypapers.digests.emails import digest_message, message_id, render_digest
from dailypapers.digests.models import Delivery, Subscription
from dailypapers.digests.wire import digest_wire
from dailypapers.library.digest_batch import prepare_readers

log = logging.getLogger(__name__)
State = Delivery.State
# Subscriptions a worker claims at once: one transaction to claim them, one to record their
# digests, one to reschedule them, instead of one each (about 20 ms of a batch's work each).
BATCH = 20
# An SMTP connection unused this long is checked with NOOP before the next message: servers
# drop idle connections, and a busy worker should not pay a round trip per message.
IDLE_CHECK_SECONDS = 5.0


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


def _lease(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(seconds=settings.DIGEST_CLAIM_SECONDS)


def claim(now: dt.datetime) -> Subscription | None:
    """Take one due subscription for this worker, or None when nothing is due."""
    # A filtered UPDATE (SQLite) or SKIP LOCKED (PostgreSQL): no two workers hold one row.
    return claim_one(
        Subscription.objects.filter(due(now)), ("next_send_at", "pk"), claimed_until=_lease(now)
    )


def claim_batch(now: dt.datetime, size: int = BATCH) -> list[Subscription]:
    """Take up to ``size`` due subscriptions for this worker, in one transaction."""
    return claim_many(
        Subscription.objects.filter(due(now)),
        ("next_send_at", "pk"),
        size,
        related=("user",),
        claimed_until=_lease(now),
    )


def handle_one(now: dt.datetime | None = None) -> Outcome | None:
    """Claim one due subscription and deal with its current period; None when idle."""
    outcomes = handle_batch(now, 1)
    return outcomes[0] if outcomes else None


def handle_batch(
    now: dt.datetime | None = None,
    size: int = BATCH,
    going_on: Callable[[], bool] = lambda: True,
) -> list[Outcome]:
    """Claim up to ``size`` due subscriptions and deal with each one's current period; an
    empty list when idle. The first is always dealt with; the others while ``going_on()``
    (the worker was not told to stop) and within half the lease."""
    now = now or timezone.now()
    claimed_at = time.monotonic()
    subscriptions = claim_batch(now, size)
    if not subscriptions:
        return []
    deliveries = prepare(subscriptions)
    sender = Sender(now)
    outcomes: list[Outcome] = []
    for subscription in subscriptions:
        if outcomes and (
            not going_on() or time.monotonic() - claimed_at > settings.DIGEST_CLAIM_SECONDS / 2
        ):
            break
        delivery = deliveries[subscription.pk]
        if delivery.state == State.PREPARED:
            sender.send(delivery)
        elif delivery.state == State.SENDING:
            log.error(
                "digest %s for %s was handed to SMTP before a crash and may have been "
                "delivered: not sent again",
                delivery.period,
                subscription.email,
            )
            delivery.last_error = (
                "unconfirmed: the worker stopped during or after the SMTP handover"
            )
            delivery.state = State.SENT
            delivery.save(update_fields=["state", "last_error"])
        outcomes.append(Outcome(subscription, delivery))
    with transaction.atomic():
        sender.record_sent()
        reschedule(outcomes, now)
        left = [s.pk for s in subscriptions[len(outcomes) :]]
        if left:  # released unsent; their stored digests go out at the next claim
            Subscription.objects.filter(pk__in=left, claimed_until=_lease(now)).update(
                claimed_until=None
            )
    return outcomes


def prepare(subscriptions: list[Subscription]) -> dict[int, Delivery]:
    """Each subscription's delivery of its current period: the stored one, or its digest
    composed and stored now (all of them in one transaction), by subscription id."""
    periods = {}
    for subscription in subscriptions:
        assert subscription.next_send_at is not None
        periods[subscription.pk] = subscription.period_of(subscription.next_send_at)[0]
    found: dict[int, Delivery] = {}
    stored = Delivery.objects.filter(
        subscription__in=list(periods), period__in=set(periods.values())
    )
    for delivery in stored:
        if periods[delivery.subscription_id] == delivery.period:
            found[delivery.subscription_id] = delivery
    missing = [s for s in subscriptions if s.pk not in found]
    seen = already_sent_to(missing)
    # The signed-in readers' libraries, follows and "For you" closeness, for the batch at
    # once (library/digest_batch.py).
    readers = prepare_readers(missing)
    new = []
    for subscription in missing:
        assert subscription.next_send_at is not None
        reader = readers.get(subscription.user_id) if subscription.user_id else None
        digest = compose(subscription, subscription.next_send_at, seen[subscription.pk], reader)
        new.append(unsaved(subscription, digest, periods[subscription.pk]))
    try:
        with transaction.atomic():
            Delivery.objects.bulk_create(new)
    except IntegrityError:
        # Another worker stored one of them meanwhile (its lease had run out): keep its row.
        for delivery in new:
            try:
                with transaction.atomic():
                    delivery.save(force_insert=True)
            except IntegrityError:
                delivery = Delivery.objects.get(
                    subscription=delivery.subscription, period=delivery.period
                )
            found[delivery.subscription_id] = delivery
    else:
        found.update((delivery.subscription_id, delivery) for delivery in new)
    by_pk = {s.pk: s for s in subscriptions}
    for delivery in found.values():
        delivery.subscription = by_pk[delivery.subscription_id]
    return found


def reschedule(outcomes: list[Outcome], now: dt.datetime) -> None:
    """Move each subscription to its next slot and release it; one whose digest failed for
    now keeps its lease until the retry is due."""
    by_slot: dict[dt.datetime, list[int]] = defaultdict(list)
    for outcome in outcomes:
        subscription, delivery = outcome.subscription, outcome.delivery
        if delivery.state == State.PREPARED:  # a transient failure: try again later
            subscription.claimed_until = delivery.retry_at
            Subscription.objects.filter(pk=subscription.pk).update(claimed_until=delivery.retry_at)
            continue
        assert subscription.next_send_at is not None
        subscription.next_send_at = subscription.schedule_after(max(subscription.next_send_at, now))
        subscription.claimed_until = None
        by_slot[subscription.next_send_at].append(subscription.pk)
    for slot, pks in by_slot.items():  # one slot for nearly all of a batch
        Subscription.objects.filter(pk__in=pks).update(next_send_at=slot, claimed_until=None)


def unsaved(subscription: Subscription, digest, period: str) -> Delivery:
    """The delivery row of a composed digest (or of the reason it was skipped), not stored."""
    if not digest.papers:
        return Delivery(
            subscription=subscription,
            period=period,
            state=State.SKIPPED,
            skip_reason=digest.skip_reason,
            message_id="",
        )
    email = render_digest(digest)
    return Delivery(
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
_last_used: dict[int, float] = {}  # when each session connection last handed a message over


@contextlib.contextmanager
def smtp_session() -> Iterator[None]:
    """Keep one SMTP connection open for the digests sent inside, instead of one each."""
    connection = get_connection()
    _session.append(connection)
    try:
        yield
    finally:
        _session.remove(connection)
        _last_used.pop(id(connection), None)
        connection.close()


def _ready_connection() -> BaseEmailBackend:
    """An open connection: the session's (checked with NOOP after ``IDLE_CHECK_SECONDS``
    unused, reopened if the server left) or a new one."""
    if not _session:
        connection = get_connection()
        connection.open()
        return connection
    connection = _session[-1]
    smtp = getattr(connection, "connection", None)
    idle = time.monotonic() - _last_used.get(id(connection), 0.0)
    try:
        if smtp is None or (idle > IDLE_CHECK_SECONDS and smtp.noop()[0] != 250):
            raise smtplib.SMTPServerDisconnected("not connected")
    except (smtplib.SMTPException, OSError):
        connection.close()
        connection.open()
    return connection


class Sender:
    """Hands a worker's messages to SMTP one by one. A message's row turns ``sending`` alone
    before its handover; its ``sent`` is recorded with the next row's ``sending`` (one
    transaction for both) or by ``record_sent`` at the end of the batch."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.accepted: list[Delivery] = []  # accepted by SMTP, not yet recorded as sent
        # Accepted and recorded as sent; their subscriptions' bounce counts are reset at the
        # end of the batch, in one statement (not part of exactly once: a crash before it
        # leaves a count that the next accepted digest resets).
        self.delivered: list[Delivery] = []

    def send(self, delivery: Delivery) -> None:
        connection = None
        try:
            # Connect (and log in) first, and make the message: a failure or crash up to
            # here leaves the row "prepared".
            connection = _ready_connection()
            smtp = getattr(connection, "connection", None)
            wire = digest_wire(delivery) if isinstance(smtp, smtplib.SMTP) else None
            message = digest_message(delivery) if wire is None else None
            with transaction.atomic():
                self._record_accepted()
                _execute(_sending_sql(), [State.SENDING.value, delivery.pk])
            delivery.state = State.SENDING
            delivery.attempts += 1
            if wire is not None and isinstance(smtp, smtplib.SMTP):
                # Ready bytes on the open connection: what Django's SMTP backend does with
                # the message it builds, without building it (wire.py).
                smtp.sendmail(wire.sender, wire.recipients, wire.data)
            else:
                assert message is not None
                connection.send_messages([message])
        except (smtplib.SMTPException, OSError) as error:
            if delivery.state == State.PREPARED:  # never handed over: count the attempt here
                delivery.attempts += 1
            if connection is not None and _session:
                connection.close()  # whatever went wrong, the next message starts afresh
            handle_failure(delivery, error, self.now)
            return
        finally:
            if connection is not None:
                if _session:
                    _last_used[id(connection)] = time.monotonic()
                else:
                    connection.close()
        delivery.state, delivery.sent_at, delivery.last_error = State.SENT, timezone.now(), ""
        self.accepted.append(delivery)

    def _record_accepted(self) -> None:
        """Record the accepted messages as sent (inside the caller's transaction)."""
        if not self.accepted:
            return
        # One stamp for the group (one message, mostly): bulk_update's CASE per row cost
        # more than the message's handover (cProfile). Written out, not through the ORM:
        # building the two UPDATEs of each message cost more than running them (cProfile,
        # bench/digests.py, 2026-11-30).
        sent_at = timezone.now()
        pks = [delivery.pk for delivery in self.accepted]
        stamp = db.ops.adapt_datetimefield_value(sent_at)
        _execute(_sent_sql(len(pks)), [State.SENT.value, stamp, *pks])
        for delivery in self.accepted:
            delivery.sent_at = sent_at
        self.delivered += self.accepted
        self.accepted = []

    def record_sent(self) -> None:
        """Record the accepted messages as sent, and that their addresses do not bounce."""
        with transaction.atomic():
            self._record_accepted()
            if not self.delivered:
                return
            subscriptions = [delivery.subscription_id for delivery in self.delivered]
            Subscription.objects.filter(pk__in=subscriptions, bounces__gt=0).update(bounces=0)
            for delivery in self.delivered:
                delivery.subscription.bounces = 0
            self.delivered = []


def _execute(sql: str, params: list) -> None:
    with db.cursor() as cursor:
        cursor.execute(sql, params)


def _delivery_column(name: str) -> str:
    field = Delivery._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return db.ops.quote_name(field.column)


@functools.cache
def _sending_sql() -> str:
    table = db.ops.quote_name(Delivery._meta.db_table)
    state, attempts, pk = (_delivery_column(n) for n in ("state", "attempts", "id"))
    return f"UPDATE {table} SET {state} = %s, {attempts} = {attempts} + 1 WHERE {pk} = %s"


@functools.lru_cache(maxsize=64)
def _sent_sql(count: int) -> str:
    table = db.ops.quote_name(Delivery._meta.db_table)
    state, sent_at, error, pk = (
        _delivery_column(n) for n in ("state", "sent_at", "last_error", "id")
    )
    marks = ", ".join(["%s"] * count)
    return f"UPDATE {table} SET {state} = %s, {sent_at} = %s, {error} = '' WHERE {pk} IN ({marks})"


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
