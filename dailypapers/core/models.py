"""The one table of ``core``: the rate-limit counters every server process shares.

Only ``core.ratestore`` reads and writes it; nothing else here.
"""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """How many times one identity did one action in the current window of its rate.

    One row per (action, scope, identity), reused from window to window: ``window_number``
    says which window ``hits`` counts, and a hit in a newer window starts it again at 1.
    ``expires_at`` (Unix seconds) lets old rows be pruned by an indexed delete.
    """

    name = models.CharField(max_length=100, primary_key=True)
    window_number = models.BigIntegerField()
    hits = models.IntegerField()
    expires_at = models.FloatField(db_index=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.hits}"
