"""A real HTTP server on 127.0.0.1 that answers each connection with the next scripted action.

Raw sockets, so that resets, truncated bodies and stalls are real. Used by the client tests of
``sources`` and the ingestion tests of ``papers`` (fixture ``serve``); every answer closes its
connection, so the n-th request gets the n-th action.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest

Action = Callable[[socket.socket], None]


def respond(
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    declared_length: int | None = None,
) -> Action:
    def action(conn: socket.socket) -> None:
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests"}
        lines = [f"HTTP/1.1 {status} {reason.get(status, 'Status')}"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        length = len(body) if declared_length is None else declared_length
        lines += [f"Content-Length: {length}", "Connection: close", "", ""]
        conn.sendall("\r\n".join(lines).encode("latin-1") + body)

    return action


def reset_connection(conn: socket.socket) -> None:
    # SO_LINGER with a zero timeout makes close() send an RST: a real "connection reset".
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def stall(seconds: float) -> Action:
    def action(conn: socket.socket) -> None:
        time.sleep(seconds)

    return action


@dataclass
class ScriptedServer:
    """Answers the n-th connection with the n-th action, then closes it."""

    script: list[Action]
    requests: list[tuple[float, bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(8)
        self._socket.settimeout(0.05)
        self._stop = threading.Event()
        self._handlers: list[threading.Thread] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def queries(self) -> list[dict[str, str]]:
        """The query parameters of each request received, in order."""
        result = []
        for _, head in self.requests:
            target = head.split(b" ", 2)[1].decode()
            result.append({k: v[0] for k, v in parse_qs(urlsplit(target).query).items()})
        return result

    @property
    def url(self) -> str:
        host, port = self._socket.getsockname()
        return f"http://{host}:{port}"

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for handler in self._handlers:
            handler.join(timeout=5)
        self._socket.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            # The script is consumed in connection order; each connection is answered in its
            # own thread so that a stalled one does not hold back the client's retry.
            action = self.script.pop(0) if self.script else respond(500, b"script ended")
            handler = threading.Thread(target=self._handle, args=(conn, action), daemon=True)
            self._handlers.append(handler)
            handler.start()

    def _handle(self, conn: socket.socket, action: Action) -> None:
        with conn, contextlib.suppress(OSError):
            conn.settimeout(2)
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                head += chunk
            self.requests.append((time.monotonic(), head))
            action(conn)


@pytest.fixture
def serve() -> Iterator[Callable[..., ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def start(*script: Action) -> ScriptedServer:
        server = ScriptedServer(list(script))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
