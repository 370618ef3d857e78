"""``dailypapers serve`` spreads its clients over its worker processes.

With one listening socket shared by the workers, the worker that woke first accepted a burst
of keep-alive connections and kept them: at 32 clients one worker served every request while
the other sat idle (bench/pages.py). Each worker now listens on a socket of its own
(SO_REUSEPORT) and the kernel spreads new connections over them.
"""

from __future__ import annotations

import urllib.parse

import httpx
import psutil

from tests.support.localsite import running_demo_site


def listeners(port: int) -> set[int]:
    return {
        connection.pid
        for connection in psutil.net_connections("tcp")
        if connection.laddr
        and connection.laddr.port == port
        and connection.status == psutil.CONN_LISTEN
        and connection.pid is not None
    }


def busy_seconds(pids: set[int]) -> dict[int, float]:
    return {pid: sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids}


def test_keep_alive_clients_reach_every_worker(tmp_path):
    with running_demo_site(tmp_path, workers=2) as base:
        workers = listeners(urllib.parse.urlsplit(base).port or 0)
        assert len(workers) == 2, "each worker listens on the port itself"
        before = busy_seconds(workers)
        clients = [httpx.Client(base_url=base, timeout=60) for _ in range(16)]
        try:
            for _ in range(5):
                for client in clients:  # one keep-alive connection each, opened in turn
                    assert client.get("/papers/trending").status_code == 200
        finally:
            for client in clients:
                client.close()
        after = busy_seconds(workers)
        worked = [after[pid] - before[pid] for pid in workers]
        # 16 connections spread by the kernel's hash: the chance that all land on one
        # worker is 2 in 65,536. A worker that served none would use ~0 s.
        assert min(worked) > 0.1 * max(worked), worked
