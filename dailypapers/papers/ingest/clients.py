"""The polite HTTP clients of each upstream, configured from settings.

Every client of one upstream shares one ``DatabasePacer`` row, whatever process it runs in.
``INGEST_CONTACT`` must be set: arXiv asks for a contact in the User-Agent.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from dailypapers import __version__
from dailypapers.papers.ingest.pacing import Clock, DatabasePacer, RealClock
from dailypapers.sources.http import PoliteClient, RetryPolicy


def user_agent() -> str:
    contact = settings.INGEST_CONTACT.strip()
    if "@" not in contact:
        raise ImproperlyConfigured(
            "Set INGEST_CONTACT to an email address: arXiv asks every harvester for a contact "
            "in its User-Agent (docs/ingest.md)."
        )
    return f"dailypapers/{__version__} (mailto:{contact})"


def _client(
    upstream: str, spacing: float, clock: Clock | None, retry: RetryPolicy | None
) -> PoliteClient:
    clock = clock or RealClock()
    return PoliteClient(
        user_agent=user_agent(),
        pacer=DatabasePacer(upstream, spacing, clock),
        retry=retry,
        sleep=clock.sleep,
        now=clock.now,
    )


def arxiv_client(clock: Clock | None = None, retry: RetryPolicy | None = None) -> PoliteClient:
    """One client for the arXiv API, OAI-PMH and RSS: arXiv's terms count them together."""
    return _client("arxiv", settings.ARXIV_REQUEST_SPACING, clock, retry)


def hf_client(clock: Clock | None = None, retry: RetryPolicy | None = None) -> PoliteClient:
    return _client("huggingface", settings.HF_REQUEST_SPACING, clock, retry)
