"""Requests per second and latency of the JSON API: a day's list and search.

Starts the site as the README does (``dailypapers serve``, one gunicorn worker per core, the
bundled papers) on 127.0.0.1 with the anonymous API limit lifted (the benchmark is one IP far
over 500 requests in 5 minutes), or measures ``--url``, then drives it with 1 and 32
concurrent keep-alive clients for ``--seconds`` per case, with bench/pages.py's client.
The day list rotates through every day of the bundled lists, searches through queries and
limits. Served as configured, the API keeps each list answer ``PAGE_CACHE_SECONDS`` (60)
per worker, so after the warm-up most answers come from the cache; ``--page-cache-seconds 0``
measures the work of building every answer.

    .venv/bin/python bench/api.py [--seconds 10] [--page-cache-seconds 0] [--url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import platform
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: import pages.py
# and the test harness (tests/support/, never shipped), found from the repository root
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pages import DEMO, QUERIES, measure

from tests.support.localsite import running_demo_site


def day_paths() -> list[str]:
    with gzip.open(DEMO / "hf_daily_papers.jsonl.gz", "rt") as handle:
        days = sorted({json.loads(line)["daily_date"] for line in handle})
    return [f"/api/daily_papers?date={day}" for day in days]


def search_paths() -> list[str]:
    return [
        f"/api/papers/search?q={urllib.parse.quote(query)}&limit={limit}"
        for limit in (10, 20, 50)
        for query in QUERIES
    ]


def run(base: str, seconds: float) -> None:
    cases = {
        "/api/daily_papers?date=...": day_paths(),
        "/api/papers/search?q=...": search_paths(),
    }
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}")
    print(f"{'endpoint':32} {'clients':>7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for name, paths in cases.items():
        for concurrency in (1, 32):
            asyncio.run(measure(base, paths, concurrency, 1.0))  # warm-up
            result = asyncio.run(measure(base, paths, concurrency, seconds))
            print(
                f"{name:32} {concurrency:>7} {result['rps']:>9.0f} "
                f"{result['p50_ms']:>8.1f} {result['p99_ms']:>8.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--url", help="measure a running site instead of starting one")
    parser.add_argument("--page-cache-seconds", type=int, default=60)
    options = parser.parse_args()
    if options.url:
        run(options.url.rstrip("/"), options.seconds)
        return
    env = {
        "RATE_LIMITS": "api.ip=100000000/m",
        "PAGE_CACHE_SECONDS": str(options.page_cache_seconds),
    }
    with (
        tempfile.TemporaryDirectory() as folder,
        running_demo_site(Path(folder), workers=os.cpu_count() or 1, env=env) as base,
    ):
        run(base, options.seconds)


if __name__ == "__main__":
    main()
