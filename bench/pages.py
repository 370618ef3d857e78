"""Requests per second and latency of the daily page, paper pages and searches.

Starts the site the way the README does (``dailypapers serve``, one gunicorn worker per core,
the bundled papers) in a temporary folder on 127.0.0.1, or measures ``--url`` if given, then
drives it with 1 and 32 concurrent keep-alive clients (asyncio, in this process) for
``--seconds`` per case. The client shares the machine's cores with the server, so the figures
are a floor. Paper pages and searches rotate through many ids and queries, so they measure
uncached work; the daily page is what an anonymous visitor gets: the cached page.

    .venv/bin/python bench/pages.py [--seconds 10] [--url http://127.0.0.1:8000]
"""

from __future__ import annotations

import argparse
import asyncio
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


async def client(host: str, port: int, paths, deadline: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            path = next(paths)
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
    base: str, paths: list[str], concurrency: int, seconds: float, warm_up: bool = False
) -> dict:
    url = urllib.parse.urlsplit(base)
    cycle = itertools.cycle(paths)
    latencies: list[float] = []
    started = time.perf_counter()
    deadline = started + seconds
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


def run(base: str, seconds: float) -> None:
    searches = [
        f"/papers?q={urllib.parse.quote(q)}&page={p}" for p in range(1, 40) for q in QUERIES
    ]
    cases = {
        "daily page /papers (cached)": ["/papers"],
        "paper page /papers/<id>": paper_paths(),
        "search /papers?q=...": searches,
    }
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}")
    print(f"{'page':32} {'clients':>7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for name, paths in cases.items():
        for concurrency in (1, 32):
            # Warm-up: the first request of each server process loads its search indexes, which
            # takes seconds; 4 clients for 3 s reach every process before the measured run.
            asyncio.run(measure(base, paths, 4, 3.0, warm_up=True))
            result = asyncio.run(measure(base, paths, concurrency, seconds))
            print(
                f"{name:32} {concurrency:>7} {result['rps']:>9.0f} "
                f"{result['p50_ms']:>8.1f} {result['p99_ms']:>8.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--url", help="measure a running site instead of starting one")
    options = parser.parse_args()
    if options.url:
        run(options.url.rstrip("/"), options.seconds)
        return
    with (
        tempfile.TemporaryDirectory() as folder,
        running_demo_site(Path(folder), workers=os.cpu_count() or 1) as base,
    ):
        run(base, options.seconds)


if __name__ == "__main__":
    main()
