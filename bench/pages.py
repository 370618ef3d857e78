"""Requests per second and latency of the daily pages, paper pages and searches.

Starts the site the way the README does (``dailypapers serve``, one gunicorn worker per core,
the bundled papers) in a temporary folder on 127.0.0.1, or serves the site of ``--data-dir``
(say a copy of a 170k-paper site: migrated, and its daily lists loaded with ``demo load``), or
measures ``--url`` if given, then drives it with 1 and 32 concurrent keep-alive clients
(asyncio, in this process) for ``--seconds`` per case. The client shares the machine's cores
with the server, so the figures are a floor. Every case rotates through many days, ids or
queries, and the site it starts runs without the page cache (``--page-cache-seconds 0``, the
default), so the figures are the work of building each page; ``--page-cache-seconds 60`` is
what anonymous visitors get as served. For a site it started, it also prints how many cores
the server kept busy and each worker's share (one worker doing all the work is the sign of
connections piling onto one process), and the server's CPU milliseconds per request, which
depend less than the latencies on what else the machine's cores are doing.

    .venv/bin/python bench/pages.py [--seconds 10] [--page-cache-seconds 0]
        [--data-dir DIR | --url http://127.0.0.1:8000] [--cases daily,paper,search]

Ends with ``summary: daily-p50-ms=<a> search-p50-ms=<b> paper-rps-1=<c> paper-rps-32=<d>
search-rps-1=<e> search-rps-32=<f>`` (one client's p50s; the rates at 1 and 32 clients).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import itertools
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

# Run as a script: the test harness (tests/support/, never shipped) is found from the root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil

from tests.support.localsite import running_demo_site

DEMO = Path(__file__).resolve().parent.parent / "dailypapers" / "demo" / "data"
QUERIES = [
    "alignment", "diffusion models", "reinforcement learning from human feedback",
    "vision transformer", "\"large language model\" agents", "retrieval augmented generation",
    "graph neural network", "speech recognition", "robot manipulation", "mixture of experts",
    "video generation", "code generation", "benchmark", "quantization", "multimodal reasoning",
]  # fmt: skip


def paper_paths() -> list[str]:
    with gzip.open(DEMO / "hf_daily_papers.jsonl.gz", "rt") as handle:
        return [f"/papers/{json.loads(line)['arxiv_id']}" for line in handle]


def day_paths() -> list[str]:
    """The 49 days of the bundled Hugging Face lists (``demo load`` puts them on any site)."""
    with gzip.open(DEMO / "hf_daily_papers.jsonl.gz", "rt") as handle:
        days = sorted({json.loads(line)["daily_date"] for line in handle})
    return [f"/papers/date/{day}" for day in days]


def server_processes(port: int) -> list[psutil.Process]:
    """The worker processes of the server listening on ``port``: the children of the gunicorn
    master above whichever process holds a listening socket (the master's one shared socket,
    or each worker's own)."""
    for connection in psutil.net_connections("tcp"):
        listening = connection.status == psutil.CONN_LISTEN
        if listening and connection.laddr and connection.laddr.port == port and connection.pid:
            master = psutil.Process(connection.pid)
            while master.parent() and "serve" in master.parent().cmdline():  # the argument
                master = master.parent()
            return master.children()
    return []


def busy(processes: list[psutil.Process]) -> list[float]:
    return [sum(process.cpu_times()[:2]) for process in processes]


async def client(host: str, port: int, paths, deadline: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline and (path := next(paths, None)) is not None:
            request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n"
            started = time.perf_counter()
            writer.write(request.encode())
            status = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if b" 200 " not in status:
                raise RuntimeError(f"{path}: {status.decode().strip()}")
    finally:
        writer.close()


async def measure(
    base: str,
    paths: list[str],
    concurrency: int,
    seconds: float,
    warm_up: bool = False,
    whole: bool = False,
) -> dict:
    url = urllib.parse.urlsplit(base)
    # ``whole``: every path once, however long it takes; else round and round for ``seconds``.
    cycle = iter(paths) if whole else itertools.cycle(paths)
    latencies: list[float] = []
    started = time.perf_counter()
    deadline = float("inf") if whole else started + seconds
    await asyncio.gather(
        *(client(url.hostname, url.port, cycle, deadline, latencies) for _ in range(concurrency))
    )
    elapsed = time.perf_counter() - started
    if warm_up:
        return {}
    if len(latencies) < 2:
        raise RuntimeError(f"only {len(latencies)} answers in {seconds} s: too slow to measure")
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
    }


def run(base: str, seconds: float, wanted: list[str], watch: bool = False) -> None:
    searches = [
        f"/papers?q={urllib.parse.quote(q)}&page={p}" for p in range(1, 40) for q in QUERIES
    ]
    cases = {
        "daily": ("daily page /papers/date/<day>", day_paths()),
        "paper": ("paper page /papers/<id>", paper_paths()),
        "search": ("search /papers?q=...", searches),
    }
    processes = server_processes(urllib.parse.urlsplit(base).port or 0) if watch else []
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}")
    print(
        f"{'page':32} {'clients':>7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms':>7}"
        "  load  server"
    )
    summary: dict[str, float] = {}
    for key in wanted:
        name, paths = cases[key]
        for concurrency in (1, 32):
            # Warm-up: the first request of each server process loads its search indexes, which
            # takes seconds; 4 clients for 3 s reach every process before the measured run.
            asyncio.run(measure(base, paths, 4, 3.0, warm_up=True))
            if key == "daily":
                # Each worker keeps the cards it rendered (papers/cards.py): a site's days are
                # shown again and again, so the daily case is measured with them kept, after
                # every day was asked for twice over 8 connections (spread over the workers).
                asyncio.run(measure(base, paths * 2, 8, 0.0, warm_up=True, whole=True))
            started, before = time.perf_counter(), busy(processes)
            result = asyncio.run(measure(base, paths, concurrency, seconds))
            elapsed = time.perf_counter() - started
            shares = [(b - a) / elapsed for a, b in zip(before, busy(processes), strict=True)]
            server = (
                f"{sum(shares):.2f} cores (" + " ".join(f"{s:.2f}" for s in shares) + ")"
                if shares
                else ""
            )
            # The server's CPU time over the requests answered (requests still in flight at
            # the end make it a little high at 32 clients).
            cpu_ms = f"{sum(shares) * elapsed / result['requests'] * 1000:7.1f}" if shares else ""
            print(
                f"{name:32} {concurrency:>7} {result['rps']:>9.0f} "
                f"{result['p50_ms']:>8.1f} {result['p99_ms']:>8.1f} {cpu_ms:>7}  "
                f"{os.getloadavg()[0]:4.1f}  {server}"
            )
            summary[f"{key}-rps-{concurrency}"] = result["rps"]
            if concurrency == 1:
                summary[f"{key}-p50-ms"] = result["p50_ms"]
    print("summary: " + " ".join(f"{key}={value:.1f}" for key, value in summary.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--url", help="measure a running site instead of starting one")
    parser.add_argument("--data-dir", type=Path, help="serve this site (it is migrated)")
    parser.add_argument("--page-cache-seconds", type=int, default=0)
    parser.add_argument("--cases", default="daily,paper,search")
    options = parser.parse_args()
    wanted = options.cases.split(",")
    if options.url:
        run(options.url.rstrip("/"), options.seconds, wanted, watch=True)
        return
    env = {"PAGE_CACHE_SECONDS": str(options.page_cache_seconds)}
    with contextlib.ExitStack() as stack:
        folder = options.data_dir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        base = stack.enter_context(running_demo_site(folder, workers=os.cpu_count() or 1, env=env))
        run(base, options.seconds, wanted, watch=True)


if __name__ == "__main__":
    main()
