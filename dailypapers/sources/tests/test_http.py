"""The polite client against a real HTTP server on 127.0.0.1 (a scripted raw-socket server,
so that resets, truncated bodies and stalls are real too). Sleeping is recorded, not done."""

from __future__ import annotations

import datetime as dt
import email.utils
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from dailypapers.sources.arxiv.atom import parse_feed
from dailypapers.sources.arxiv.errors import ArxivApiError
from dailypapers.sources.http import (
    FetchError,
    MemoryPacer,
    PoliteClient,
    RetryPolicy,
    parse_retry_after,
)
from dailypapers.sources.tests.conftest import FIXTURES
from tests.support.scripted_server import (
    ScriptedServer,
    reset_connection,
    respond,
    stall,
)

USER_AGENT = "dailypapers-tests/1.0 (mailto:ops@example.org)"
NOW = dt.datetime(2025, 10, 7, 12, 0, tzinfo=dt.UTC)


@dataclass
class Sleeps:
    calls: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def make_client(
    sleeps: Sleeps, *, retry: RetryPolicy | None = None, timeout: float = 5.0
) -> PoliteClient:
    return PoliteClient(
        user_agent=USER_AGENT,
        pacer=MemoryPacer(0),
        timeout=timeout,
        retry=retry or RetryPolicy(max_attempts=4, backoff_base=5.0),
        sleep=sleeps,
        jitter=lambda: 0.0,
        now=lambda: NOW,
    )


def test_it_sends_its_user_agent_and_params(serve: Callable[..., ScriptedServer]) -> None:
    server = serve(respond(200, b"<ok/>"))
    with make_client(Sleeps()) as client:
        response = client.get(f"{server.url}/oai", params={"verb": "ListRecords", "set": "cs"})

    assert response.content == b"<ok/>"
    assert response.status_code == 200 and response.attempts == 1
    [(_, head)] = server.requests
    assert head.startswith(b"GET /oai?verb=ListRecords&set=cs HTTP/1.1")
    assert f"user-agent: {USER_AGENT}".encode() in head.lower()


def test_it_waits_as_the_recorded_arxiv_503_tells_it(serve: Callable[..., ScriptedServer]) -> None:
    recorded = json.loads((FIXTURES / "http" / "oai_503_retry_after.json").read_text())
    headers = {name: value for name, value in recorded["headers"] if name == "Retry-After"}
    server = serve(
        respond(recorded["status"], recorded["body"].encode(), headers), respond(200, b"<ok/>")
    )
    sleeps = Sleeps()
    with make_client(sleeps) as client:
        response = client.get(server.url)

    assert sleeps.calls == [10.0]
    assert response.attempts == 2
    assert len(server.requests) == 2


def test_it_reads_retry_after_as_an_http_date(serve: Callable[..., ScriptedServer]) -> None:
    later = email.utils.format_datetime(NOW + dt.timedelta(seconds=30), usegmt=True)
    server = serve(respond(503, headers={"Retry-After": later}), respond(200, b"ok"))
    sleeps = Sleeps()
    with make_client(sleeps) as client:
        client.get(server.url)

    assert sleeps.calls == [30.0]


def test_it_bounds_a_huge_retry_after(serve: Callable[..., ScriptedServer]) -> None:
    server = serve(respond(503, headers={"Retry-After": "86400"}), respond(200, b"ok"))
    sleeps = Sleeps()
    retry = RetryPolicy(max_attempts=2, max_retry_after=120)
    with make_client(sleeps, retry=retry) as client:
        client.get(server.url)

    assert sleeps.calls == [120.0]


def test_it_backs_off_exponentially_on_429_and_5xx(serve: Callable[..., ScriptedServer]) -> None:
    server = serve(respond(429), respond(500), respond(502), respond(200, b"ok"))
    sleeps = Sleeps()
    with make_client(sleeps) as client:
        response = client.get(server.url)

    # base 5s doubling, with the jitter at its low end (half the delay)
    assert sleeps.calls == [2.5, 5.0, 10.0]
    assert response.attempts == 4


def test_it_spreads_the_backoff_with_jitter(serve: Callable[..., ScriptedServer]) -> None:
    server = serve(respond(500), respond(200, b"ok"))
    sleeps = Sleeps()
    client = PoliteClient(
        user_agent=USER_AGENT,
        pacer=MemoryPacer(0),
        retry=RetryPolicy(backoff_base=4.0),
        sleep=sleeps,
        jitter=lambda: 0.5,
    )
    with client:
        client.get(server.url)

    assert sleeps.calls == [3.0]


def test_it_retries_a_reset_connection(serve: Callable[..., ScriptedServer]) -> None:
    server = serve(reset_connection, respond(200, b"after the reset"))
    sleeps = Sleeps()
    with make_client(sleeps) as client:
        response = client.get(server.url)

    assert response.content == b"after the reset"
    assert len(sleeps.calls) == 1


def test_it_retries_a_body_shorter_than_its_content_length(
    serve: Callable[..., ScriptedServer],
) -> None:
    server = serve(respond(200, b"<OAI-PMH><ListRec", declared_length=5000), respond(200, b"whole"))
    sleeps = Sleeps()
    with make_client(sleeps) as client:
        response = client.get(server.url)

    assert response.content == b"whole"
    assert response.attempts == 2


def test_it_retries_a_timeout(serve: Callable[..., ScriptedServer]) -> None:
    server = serve(stall(0.5), respond(200, b"in time"))
    sleeps = Sleeps()
    with make_client(sleeps, timeout=0.1) as client:
        response = client.get(server.url)

    assert response.content == b"in time"
    assert response.attempts == 2


def test_it_gives_up_with_a_fetch_error_after_the_last_attempt(
    serve: Callable[..., ScriptedServer],
) -> None:
    server = serve(respond(500), respond(500), respond(500), respond(200, b"too late"))
    with (
        make_client(Sleeps(), retry=RetryPolicy(max_attempts=3)) as client,
        pytest.raises(FetchError) as caught,
    ):
        client.get(server.url)

    assert caught.value.attempts == 3
    assert caught.value.status_code == 500
    assert "after 3 attempt(s)" in str(caught.value)
    assert len(server.requests) == 3


def test_it_gives_up_when_nothing_listens(serve: Callable[..., ScriptedServer]) -> None:
    server = serve()
    url = server.url
    server.close()
    with (
        make_client(Sleeps(), retry=RetryPolicy(max_attempts=2)) as client,
        pytest.raises(FetchError, match="ConnectError"),
    ):
        client.get(url)


def test_it_does_not_retry_a_404(serve: Callable[..., ScriptedServer]) -> None:
    server = serve(respond(404, b'{"error": "Paper not found"}'), respond(200, b"never"))
    sleeps = Sleeps()
    with make_client(sleeps) as client, pytest.raises(FetchError) as caught:
        client.get(server.url)

    assert caught.value.status_code == 404
    assert caught.value.response is not None
    assert caught.value.response.content == b'{"error": "Paper not found"}'
    assert sleeps.calls == [] and len(server.requests) == 1


def test_it_hands_the_api_400_body_to_the_atom_parser(serve: Callable[..., ScriptedServer]) -> None:
    body = (FIXTURES / "arxiv" / "api" / "id_abc_http400.xml").read_bytes()
    server = serve(respond(400, body, {"Content-Type": "application/atom+xml"}))
    with make_client(Sleeps()) as client:
        response = client.get(server.url, params={"id_list": "abc"}, ok_statuses=(200, 400))

    assert response.status_code == 400
    with pytest.raises(ArxivApiError, match="incorrect id format for abc"):
        parse_feed(response.content)


def test_it_spaces_real_requests_with_the_memory_pacer(
    serve: Callable[..., ScriptedServer],
) -> None:
    server = serve(respond(200, b"1"), respond(200, b"2"), respond(200, b"3"))
    starts: list[float] = []

    class RecordingPacer(MemoryPacer):
        def wait_turn(self) -> None:
            super().wait_turn()
            starts.append(time.monotonic())  # when the request is let go

    client = PoliteClient(user_agent=USER_AGENT, pacer=RecordingPacer(0.15))
    with client:
        threads = [threading.Thread(target=client.get, args=(server.url,)) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    # The server saw all three; their starts, as the pacer let them go, are spaced. (Arrival
    # times at the server would also carry the scheduling jitter of a loaded machine.)
    assert len(server.requests) == 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(sorted(starts))]
    assert min(gaps) >= 0.15 - 0.005


def test_the_memory_pacer_sleeps_only_the_remainder() -> None:
    clock = iter([0.0, 1.0, 10.0])
    sleeps = Sleeps()
    pacer = MemoryPacer(3.0, clock=lambda: next(clock), sleep=sleeps)

    pacer.wait_turn()  # t=0: first request goes at once
    pacer.wait_turn()  # t=1: waits until t=3
    pacer.wait_turn()  # t=10: long after t=6, goes at once

    assert sleeps.calls == [2.0]


def test_it_refuses_a_user_agent_without_contact() -> None:
    with pytest.raises(ValueError, match="contact"):
        PoliteClient(user_agent="dailypapers/1.0", pacer=MemoryPacer(3))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10", 10.0),
        ("0", 0.0),
        ("Tue, 07 Oct 2025 12:01:00 GMT", 60.0),
        ("Tue, 07 Oct 2025 11:00:00 GMT", 0.0),  # a date in the past means "now"
        ("soon", None),
        ("", None),
        (None, None),
        ("-5", None),
    ],
)
def test_it_parses_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected
