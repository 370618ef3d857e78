"""``PaperFetch``: the queue of arXiv ids to fetch by id, one row per id (imported by models.py).

A row is made by a visit to a paper the site does not hold (``papers.ondemand``), by a
submission or an API ``index`` that arXiv could not answer at once (``papers.submitting``,
``api.writing``) and by a reader's import of unknown arXiv ids (``library.importing``). The
worker ``dailypapers submissions fetch`` (``papers.ingest.fetch_queue``) claims due rows with a
filtered UPDATE, asks arXiv for them in one request, saves the papers and deletes the rows.

What a row says while it lives, for the page and the API to show: queued (``next_attempt_at``
is when it is due; ``last_error`` says why an earlier attempt failed, such as arXiv's 503), or
missing (arXiv answered that the id does not exist; kept until ``next_attempt_at`` so that
repeated visits are answered without asking arXiv again). What is not here: fetching, pages.
"""

from __future__ import annotations

from django.db import models


class PaperFetch(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        MISSING = "missing"  # arXiv says the id does not exist

    class Reason(models.TextChoices):
        VISIT = "visit"
        SUBMISSION = "submission"
        IMPORT = "import"
        API = "api"

    arxiv_id = models.CharField(max_length=40, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    reason = models.CharField(max_length=12, choices=Reason.choices, default=Reason.VISIT)
    requested_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(db_index=True)
    # A worker's lease: the row is its own until then, and anyone's again after (a killed
    # worker's rows come back by themselves).
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        app_label = "papers"
        ordering = ["next_attempt_at", "pk"]

    def __str__(self) -> str:
        return f"fetch {self.arxiv_id} ({self.status})"
