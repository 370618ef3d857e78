"""Subscription (who gets what, when next) and Delivery (the outbox: one row per mail period).

A subscription is confirmed by double opt-in before anything else is mailed. ``next_send_at``
is the schedule (see ``Subscription.schedule_after``); the worker claims a due subscription with
a filtered UPDATE on ``claimed_until``, so several workers never take the same one. A Delivery
row, unique per (subscription, period), is the record that makes sending exactly-once: see
``sending.py`` and docs/digests.md.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models


def new_secret() -> str:
    return secrets.token_urlsafe(16)


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily, on arXiv announcement days"
    WEEKLY = "weekly", "Weekly, on Mondays"


class Subscription(models.Model):
    email = models.EmailField(max_length=254, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    frequency = models.CharField(max_length=10, choices=Frequency, default=Frequency.DAILY)
    topics = models.JSONField(default=list, blank=True, help_text="Free-text search queries.")
    categories = models.JSONField(default=list, blank=True, help_text="arXiv categories.")
    # Part of every signed link: changing it (on unsubscribe) makes old links stop working.
    secret = models.CharField(max_length=40, default=new_secret)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    bounces = models.PositiveIntegerField(default=0)
    bouncing_since = models.DateTimeField(null=True, blank=True)
    next_send_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.email

    @property
    def active(self) -> bool:
        return bool(self.confirmed_at and not self.unsubscribed_at and not self.bouncing_since)

    def schedule_after(self, moment: dt.datetime) -> dt.datetime:
        """When the next digest is due after ``moment``.

        Digests go out at ``DIGEST_HOUR`` (UTC). Daily ones on Monday to Friday: arXiv
        announces Sunday to Thursday at 20:00 US Eastern, so each of those mornings has a new
        list; weekly ones on Mondays, covering the week before. The result is always later
        than ``moment``.
        """
        hour = dt.time(settings.DIGEST_HOUR, tzinfo=dt.UTC)
        day = moment.astimezone(dt.UTC).date()
        while True:
            candidate = dt.datetime.combine(day, hour)
            weekday = candidate.weekday()
            wanted = weekday == 0 if self.frequency == Frequency.WEEKLY else weekday < 5
            if wanted and candidate > moment:
                return candidate
            day += dt.timedelta(days=1)

    def period_of(self, due: dt.datetime) -> tuple[str, dt.date, dt.date]:
        """The key and the days covered by the digest due at ``due``.

        A daily digest covers the days since the previous send day (Monday's covers Friday to
        Sunday); a weekly one the seven days before its Monday.
        """
        day = due.astimezone(dt.UTC).date()
        if self.frequency == Frequency.WEEKLY:
            year, week, _ = (day - dt.timedelta(days=7)).isocalendar()
            return f"{year}-W{week:02d}", day - dt.timedelta(days=7), day - dt.timedelta(days=1)
        back = 3 if day.weekday() == 0 else 1
        return day.isoformat(), day - dt.timedelta(days=back), day - dt.timedelta(days=1)


class Delivery(models.Model):
    """One digest period of one subscription: the outbox row that makes sending exactly-once."""

    class State(models.TextChoices):
        PREPARED = "prepared"  # composed and stored; not handed to SMTP yet
        SENDING = "sending"  # handed to SMTP; a crash now may or may not have delivered it
        SENT = "sent"
        SKIPPED = "skipped"  # nothing to send (skip_reason says why)
        FAILED = "failed"  # refused for good (5xx), or given up after retries

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    period = models.CharField(max_length=20)
    state = models.CharField(max_length=10, choices=State, default=State.PREPARED)
    message_id = models.CharField(max_length=200)
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    papers = models.JSONField(default=list, blank=True, help_text="arXiv ids in this digest.")
    skip_reason = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period"], name="one_delivery_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription} {self.period} ({self.state})"
