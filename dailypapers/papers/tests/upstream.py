"""Helpers of the ingestion tests: a fake clock, recorded responses, configured clients."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from dailypapers.papers.ingest.pacing import DatabasePacer
from dailypapers.sources.http import PoliteClient, RetryPolicy
from tests.support.scripted_server import Action, respond

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "sources"


@dataclass
class FakeClock:
    """Time that moves only when someone sleeps: waits are checked, never spent."""

    current: dt.datetime = dt.datetime(2026, 5, 20, 12, tzinfo=dt.UTC)
    sleeps: list[float] = field(default_factory=list)

    def now(self) -> dt.datetime:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.current += dt.timedelta(seconds=seconds)


def recorded(name: str, status: int = 200, headers: dict[str, str] | None = None) -> Action:
    return respond(status, (FIXTURES / name).read_bytes(), headers)


def client(clock: FakeClock, attempts: int = 3) -> PoliteClient:
    """An arXiv client as ``ingest.clients`` builds it, on the fake clock, with 3 s spacing."""
    return PoliteClient(
        user_agent="dailypapers-tests (mailto:ops@example.org)",
        pacer=DatabasePacer("arxiv", 3.0, clock),
        retry=RetryPolicy(max_attempts=attempts, backoff_base=5.0),
        sleep=clock.sleep,
        now=clock.now,
        jitter=lambda: 0.0,
        timeout=5.0,
    )
