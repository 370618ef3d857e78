"""``PaperPdf``: where fetching one paper's PDF stands (queued, done, failed, to retry).

The thumbnail and the text themselves are files beside the database (``storage.py``), never in
it; this row only says whether they exist and, when they do not, why. A row in ``failed`` is not
tried again (a broken, encrypted, oversized or non-PDF answer will not mend itself); one in
``retry`` is tried again at ``next_attempt_at`` up to ``PDF_MAX_ATTEMPTS`` times. What is not
here: fetching (``worker.py``), rendering (``render.py``), paths (``storage.py``).
"""

from __future__ import annotations

from django.db import models

from dailypapers.papers.models import Paper


class PaperPdf(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued"  # asked for by a visit; taken before the listed papers
        FETCHING = "fetching"  # a worker holds it until claimed_until
        DONE = "done"
        RETRY = "retry"  # a passing fault (network, 5xx, 429): tried again later
        FAILED = "failed"  # will not be tried again; reason says why

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, related_name="pdf")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    reason = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    pdf_bytes = models.PositiveIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    text_chars = models.PositiveIntegerField(null=True, blank=True)
    render_ms = models.FloatField(null=True, blank=True, help_text="Render and text extraction.")
    fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"PDF of {self.paper_id}: {self.state}"
