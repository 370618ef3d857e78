"""Polite HTTP for the upstreams: one request at a time, spaced, identified, retried with care.

``PoliteClient.get`` waits its turn with a ``Pacer`` (arXiv asks for one request every three
seconds across a whole deployment, so the pacer is injectable: ``MemoryPacer`` here for one
process, a database-backed one elsewhere for many), sends a User-Agent with a contact address,
and retries what is worth retrying:

- 503 with ``Retry-After`` (seconds or an HTTP date): waits as told, up to ``max_retry_after``;
- 429, 5xx (and 503 without ``Retry-After``): exponential backoff with jitter;
- connection errors, resets, timeouts and truncated bodies (fewer bytes than Content-Length).

After ``max_attempts`` it raises ``FetchError``. ``get_capped`` is one paced attempt that
streams the body and stops reading past a byte cap (a PDF that turns out to weigh 200 MB is
refused before it is downloaded); whoever calls it schedules any retry. Sleeping and
randomness are injectable so tests run instantly. What is not here: parsing, caching,
persistence, asynchronous I/O.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import httpx

__all__ = [
    "FetchError",
    "FetchResponse",
    "MemoryPacer",
    "Pacer",
    "PoliteClient",
    "RetryPolicy",
    "parse_retry_after",
]

log = logging.getLogger(__name__)

Sleep = Callable[[float], None]


class Pacer(Protocol):
    """Decides when this process may send its next request to one upstream."""

    def wait_turn(self) -> None:
        """Block until a request may be sent, and count it as sent."""


class MemoryPacer:
    """Spacing between request starts within one process (thread-safe)."""

    def __init__(
        self,
        min_interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if min_interval < 0:
            raise ValueError("min_interval must be >= 0")
        self.min_interval = min_interval
        self._clock = clock
        self._sleep = sleep
        self._next_allowed: float | None = None
        self._lock = threading.Lock()

    def wait_turn(self) -> None:
        with self._lock:
            now = self._clock()
            if self._next_allowed is not None and now < self._next_allowed:
                self._sleep(self._next_allowed - now)
                now = self._next_allowed
            self._next_allowed = now + self.min_interval


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    backoff_base: float = 5.0  # seconds before the 2nd attempt; doubles each time
    backoff_max: float = 300.0
    max_retry_after: float = 600.0  # never wait longer than this on a Retry-After
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})

    def backoff(self, attempt: int, jitter: float) -> float:
        """Delay after failed ``attempt`` (1-based); ``jitter`` in [0, 1) spreads it 50-100%."""
        delay = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        return delay * (0.5 + jitter / 2)


@dataclass(frozen=True)
class FetchResponse:
    url: str
    status_code: int
    headers: Mapping[str, str]
    content: bytes
    attempts: int = 1

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


@dataclass
class FetchError(Exception):
    url: str
    reason: str
    attempts: int
    status_code: int | None = None
    response: FetchResponse | None = field(default=None, repr=False)
    # The last answer's Retry-After in seconds (503/429), for a caller that queues its own
    # retry rather than sleeping here (the on-demand fetch worker).
    retry_after: float | None = None

    def __str__(self) -> str:
        status = f" (HTTP {self.status_code})" if self.status_code is not None else ""
        return f"fetching {self.url} failed after {self.attempts} attempt(s){status}: {self.reason}"


class _Retry(Exception):
    def __init__(self, reason: str, wait: float | None, status_code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait  # None: use the backoff
        self.status_code = status_code


class PoliteClient:
    """Sequential GETs with pacing and retries. Use as a context manager, or call ``close``."""

    def __init__(
        self,
        *,
        user_agent: str,
        pacer: Pacer,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
        jitter: Callable[[], float] = random.random,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if "@" not in user_agent and "mailto:" not in user_agent:
            # arXiv's terms ask for a contact; a missing one is a configuration mistake.
            raise ValueError("user_agent must carry a contact address, e.g. 'name (mailto:a@b)'")
        self.pacer = pacer
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._jitter = jitter
        self._now = now
        self._lock = threading.Lock()
        self._client = httpx.Client(
            headers={"User-Agent": user_agent},
            timeout=timeout,
            follow_redirects=True,
            transport=transport,
        )

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        ok_statuses: Collection[int] = (200,),
    ) -> FetchResponse:
        """The response once its status is in ``ok_statuses``.

        A status outside it that is not worth retrying (404, or the API's 400 when a caller did
        not list it) raises ``FetchError`` at once, with the response attached for its body.
        """
        last: _Retry | None = None
        # One request at a time per client, retries included: the pacer spaces, this serialises.
        with self._lock:
            for attempt in range(1, self.retry.max_attempts + 1):
                if last is not None:
                    wait = last.wait
                    if wait is None:
                        wait = self.retry.backoff(attempt - 1, self._jitter())
                    log.warning("retrying %s in %.1fs: %s", url, wait, last.reason)
                    self._sleep(wait)
                try:
                    response = self._attempt(url, params, headers, attempt)
                except _Retry as retry:
                    last = retry
                    continue
                if response.status_code in ok_statuses:
                    return response
                raise FetchError(
                    url,
                    f"unexpected status {response.status_code}",
                    attempt,
                    response.status_code,
                    response,
                )
        assert last is not None
        raise FetchError(
            url, last.reason, self.retry.max_attempts, last.status_code, retry_after=last.wait
        )

    def get_capped(self, url: str, max_bytes: int) -> FetchResponse:
        """One paced GET whose body may not exceed ``max_bytes``; no retries.

        Raises ``FetchError`` for a status other than 200 (its ``status_code`` set, and the
        ``Retry-After`` of a 429/503 in ``response.headers``), a declared or streamed size over
        the cap (reason starts "larger than"), or a body cut short (reason "truncated")."""
        with self._lock:
            self.pacer.wait_turn()
            try:
                with self._client.stream("GET", url) as response:
                    headers = dict(response.headers)
                    if response.status_code != 200:
                        head = FetchResponse(str(response.url), response.status_code, headers, b"")
                        raise FetchError(
                            url,
                            f"unexpected status {response.status_code}",
                            1,
                            response.status_code,
                            head,
                        )
                    declared = headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > max_bytes:
                        raise FetchError(url, f"larger than {max_bytes} bytes ({declared})", 1)
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise FetchError(url, f"larger than {max_bytes} bytes (streamed)", 1)
                        chunks.append(chunk)
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise FetchError(
                    url, f"truncated or failed: {type(exc).__name__}: {exc}", 1
                ) from exc
            content = b"".join(chunks)
            if declared.isdigit() and not headers.get("content-encoding") and size != int(declared):
                raise FetchError(url, f"truncated: {size} of {declared} bytes", 1)
            return FetchResponse(str(response.url), 200, headers, content)

    def _attempt(
        self,
        url: str,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        attempt: int,
    ) -> FetchResponse:
        self.pacer.wait_turn()
        try:
            response = self._client.get(url, params=params, headers=headers)
        except httpx.UnsupportedProtocol:
            raise
        except (httpx.TransportError, httpx.DecodingError) as exc:
            # Resets, refused connections, timeouts, and bodies cut short (h11 reports
            # "peer closed connection without sending complete message body").
            raise _Retry(f"{type(exc).__name__}: {exc}", wait=None) from exc
        result = FetchResponse(
            url=str(response.url),
            status_code=response.status_code,
            headers=dict(response.headers),
            content=response.content,
            attempts=attempt,
        )
        self._check_length(response)
        if response.status_code in self.retry.retry_statuses:
            wait = None
            if response.status_code in (429, 503):
                retry_after = parse_retry_after(response.headers.get("Retry-After"), self._now())
                if retry_after is not None:
                    wait = min(retry_after, self.retry.max_retry_after)
            raise _Retry(f"HTTP {response.status_code}", wait, response.status_code)
        return result

    @staticmethod
    def _check_length(response: httpx.Response) -> None:
        declared = response.headers.get("Content-Length")
        # With a Content-Encoding httpx decodes the body, so its length is not the declared one.
        if declared is None or response.headers.get("Content-Encoding"):
            return
        try:
            expected = int(declared)
        except ValueError:
            return
        if len(response.content) != expected:
            raise _Retry(
                f"body of {len(response.content)} bytes, Content-Length {expected}", wait=None
            )


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), or None."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())
