#!/usr/bin/env python3
"""PostgreSQL (tsvector + pgvector HNSW) against SQLite (FTS5 + exact numpy) over the same
papers, side by side: hybrid search p50/p95 and daily-page throughput, with the ratio.

    .venv/bin/python bench/postgres.py [--limit N] [--data DIR] [--seconds S] [--clients C]

Builds a SQLite instance as ``bench/search_speed.py`` does (the real papers of ../shared/data,
``--limit`` of them, all 170k by default, imported and embedded) plus the bundled daily lists,
then moves it to a throwaway PostgreSQL (``bin/postgres``) with ``dailypapers export`` and
``dailypapers import instance``, so both hold the same rows with the same ids. ``--data DIR``
keeps the SQLite folder and reuses it. Hybrid search is timed in a child process per engine
through the code the views use (first page and count; the first round warms caches, the
second counts); the daily page ``/papers`` is served by ``dailypapers serve`` on each engine
with the page cache off and driven by ``--clients`` keep-alive clients (bench/pages.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.support.localsite import running_demo_site  # noqa: E402
from tests.support.processdb import database_env  # noqa: E402

COMMAND = [sys.executable, "-m", "dailypapers"]


def time_hybrid(queries: int) -> None:
    """In a child process configured for one engine: print hybrid search p50/p95 as JSON."""
    import django

    django.setup()
    import search_speed

    from dailypapers.search import hybrid

    texts = search_speed.queries()[:queries]
    times = []
    for text in texts + texts:
        started = time.perf_counter()
        found = hybrid.search(text)
        found[0:20], len(found)
        times.append(time.perf_counter() - started)
    counted = sorted(t * 1000 for t in times[len(texts) :])
    p95 = counted[max(0, int(len(counted) * 0.95) - 1)]
    print(json.dumps({"p50": statistics.median(counted), "p95": p95, "n": len(counted)}))


def build_sqlite(folder: Path, limit: int) -> None:
    import search_speed

    env = {**os.environ, "DAILYPAPERS_DATA_DIR": str(folder)}
    env.pop("DATABASE_URL", None)
    search_speed.build(folder, limit)
    subprocess.run([*COMMAND, "demo", "load", "-v", "0"], env=env, check=True)


def move_to_postgres(sqlite_folder: Path, postgres_folder: Path) -> dict:
    """Export the SQLite instance and import it into a fresh database; returns its env."""
    sqlite_env = {**os.environ, "DAILYPAPERS_DATA_DIR": str(sqlite_folder)}
    sqlite_env.pop("DATABASE_URL", None)
    # SQLite does not enforce column lengths and a few scraped author "names" are longer than
    # Author.name's 300 characters, which PostgreSQL refuses: shorten them in the bench copy.
    shorten = (
        "from django.db.models.functions import Length; "
        "from dailypapers.papers.models import Author; "
        "long = list(Author.objects.annotate(n=Length('name')).filter(n__gt=300)); "
        "[Author.objects.filter(pk=a.pk).update(name=a.name[:280] + f' #{a.pk}') for a in long]; "
        "print(len(long))"
    )
    done = subprocess.run(
        [*COMMAND, "shell", "-v", "0", "-c", shorten],
        env=sqlite_env,
        check=True,
        capture_output=True,
        text=True,
    )
    print(f"{done.stdout.strip()} author names over 300 characters shortened in the copy")
    exported = postgres_folder / "instance.jsonl.gz"
    started = time.perf_counter()
    subprocess.run([*COMMAND, "export", str(exported)], env=sqlite_env, check=True)
    env = {**os.environ, "DAILYPAPERS_DATA_DIR": str(postgres_folder)}
    env.update(database_env(postgres_folder))
    subprocess.run([*COMMAND, "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([*COMMAND, "import", "instance", str(exported)], env=env, check=True)
    print(f"moved to PostgreSQL in {time.perf_counter() - started:.0f} s (export + import)")
    exported.unlink()
    return env


def measure(env: dict, folder: Path, queries: int, seconds: float, clients: int) -> dict:
    import pages

    child = [sys.executable, __file__, "--child-hybrid", str(queries)]
    env = {**env, "DJANGO_SETTINGS_MODULE": "dailypapers.settings", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(child, env=env, check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # running_demo_site adds the folder's database itself; the page cache off: every request
    # reads the database.
    extra = {"PAGE_CACHE_SECONDS": "0", "RATE_LIMITS_ENABLED": "false"}
    saved = os.environ.get("DATABASE_URL")
    if "DATABASE_URL" not in env:
        os.environ.pop("DATABASE_URL", None)
    try:
        with running_demo_site(folder, workers=os.cpu_count() or 1, env=extra) as base:
            asyncio.run(pages.measure(base, ["/papers"], clients, 1.0))  # warm-up
            page = asyncio.run(pages.measure(base, ["/papers"], clients, seconds))
    finally:
        if saved is not None:
            os.environ["DATABASE_URL"] = saved
    result.update(rps=page["rps"], page_p50=page["p50_ms"], page_p99=page["p99_ms"])
    return result


def report(sqlite: dict, postgres: dict, papers: str, clients: int) -> None:
    rows = [
        (f"hybrid search p50 ms ({sqlite['n']} queries)", "p50"),
        ("hybrid search p95 ms", "p95"),
        (f"daily page /papers req/s ({clients} clients, no page cache)", "rps"),
        ("daily page p50 ms", "page_p50"),
        ("daily page p99 ms", "page_p99"),
    ]
    print(f"\n{papers}")
    print(f"{'':58} {'SQLite':>9} {'PostgreSQL':>11} {'PG/SQLite':>10}")
    for label, key in rows:
        ratio = postgres[key] / sqlite[key] if sqlite[key] else float("nan")
        print(f"{label:58} {sqlite[key]:>9.1f} {postgres[key]:>11.1f} {ratio:>9.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=10**9, help="import only N papers")
    parser.add_argument("--data", type=Path, help="SQLite data folder to build (or reuse)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--child-hybrid", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_hybrid:
        time_hybrid(args.child_hybrid)
        return
    server = Path(tempfile.gettempdir()) / f"dailypapers-bench-postgres.{os.getpid()}"
    with tempfile.TemporaryDirectory() as scratch:
        sqlite_folder = (args.data or Path(scratch) / "sqlite").resolve()
        sqlite_folder.mkdir(parents=True, exist_ok=True)
        postgres_folder = Path(scratch) / "postgres"
        postgres_folder.mkdir()
        if not (sqlite_folder / "dailypapers.sqlite3").exists():
            build_sqlite(sqlite_folder, args.limit)
        url = subprocess.run(
            [ROOT / "bin" / "postgres", "start", "--dir", str(server)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        try:
            os.environ["DATABASE_URL"] = url
            postgres_env = move_to_postgres(sqlite_folder, postgres_folder)
            sqlite_env = {**os.environ, "DAILYPAPERS_DATA_DIR": str(sqlite_folder)}
            sqlite_env.pop("DATABASE_URL")
            sqlite = measure(sqlite_env, sqlite_folder, args.queries, args.seconds, args.clients)
            postgres = measure(
                postgres_env, postgres_folder, args.queries, args.seconds, args.clients
            )
        finally:
            subprocess.run([ROOT / "bin" / "postgres", "destroy", "--dir", str(server)])
        count = subprocess.run(
            [*COMMAND, "shell", "-v", "0", "-c", "from dailypapers.papers.models import Paper; "
             "print(Paper.objects.count())"],
            env={**sqlite_env, "DJANGO_SETTINGS_MODULE": "dailypapers.settings"},
            capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        report(sqlite, postgres, f"{count} papers, {os.cpu_count()} cores", args.clients)


if __name__ == "__main__":
    main()
