#!/usr/bin/env python3
"""PostgreSQL (tsvector + pgvector HNSW) against SQLite (FTS5 + exact numpy) over the same
papers, side by side: hybrid search p50/p95 and daily-page throughput, with the ratio.

    .venv/bin/python bench/postgres.py [--limit N] [--data DIR] [--seconds S] [--clients C]

Builds a SQLite instance as ``bench/search_speed.py`` does (the real papers of ../shared/data,
``--limit`` of them, all 170k by default, imported and embedded) plus the bundled daily lists,
then moves it to a throwaway PostgreSQL (``bin/postgres``) with ``dailypapers export`` and
``dailypapers import instance``, so both hold the same rows with the same ids. ``--data DIR``
keeps the SQLite folder and reuses it. Keyword, hybrid and similar papers are timed in a
child process per engine through the code the views use (searches: first page and count,
the first round warms caches, the second counts; similar papers: a first visit); the daily,
paper and search pages are served by ``dailypapers serve`` on each engine with the page cache
off and driven by ``--clients`` keep-alive clients (bench/pages.py's pages and client).
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


def p50_p95(seconds: list[float]) -> tuple[float, float]:
    counted = sorted(t * 1000 for t in seconds)
    return statistics.median(counted), counted[max(0, int(len(counted) * 0.95) - 1)]


def time_engines(queries: int) -> None:
    """In a child process configured for one engine: print keyword, hybrid and similar-papers
    p50/p95 (ms) as JSON, through the code the views use. Searches: first page and count, the
    first round warms caches and the second counts. Similar papers: a first visit (the
    ranking computed, the page cache cleared)."""
    import random

    import django

    django.setup()
    import search_speed
    from django.core.cache import cache

    from dailypapers.papers.models import Paper
    from dailypapers.search import hybrid
    from dailypapers.search.keyword import keyword_search
    from dailypapers.search.similar import similar_papers

    texts = search_speed.queries()[:queries]
    spent: dict[str, list[float]] = {"keyword": [], "hybrid": [], "similar": []}
    for round_ in range(2):
        for text in texts:
            for name, search in (("keyword", keyword_search), ("hybrid", hybrid.search)):
                started = time.perf_counter()
                found = search(text)
                found[0:20], len(found)
                if round_:
                    spent[name].append(time.perf_counter() - started)
    ids = list(Paper.objects.values_list("id", flat=True))
    papers = list(Paper.objects.filter(id__in=random.Random(5).sample(ids, queries)))
    for paper in papers[:20]:
        similar_papers(paper)  # warms the process
    cache.clear()
    for paper in papers:
        started = time.perf_counter()
        similar_papers(paper)
        spent["similar"].append(time.perf_counter() - started)
    result = {"n": len(texts)}
    for name, times in spent.items():
        result[f"{name}_p50"], result[f"{name}_p95"] = p50_p95(times)
    print(json.dumps(result))


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
    import urllib.parse

    import pages

    child = [sys.executable, __file__, "--child-engines", str(queries)]
    env = {**env, "DJANGO_SETTINGS_MODULE": "dailypapers.settings", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(child, env=env, check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # The pages of bench/pages.py, each driven on its own. running_demo_site adds the folder's
    # database itself; the page cache off: every request reads the database.
    routes = {
        "daily": pages.day_paths(),
        "paper": pages.paper_paths(),
        "search": [f"/papers?q={urllib.parse.quote(q)}" for q in pages.QUERIES],
    }
    extra = {"PAGE_CACHE_SECONDS": "0", "RATE_LIMITS_ENABLED": "false"}
    saved = os.environ.get("DATABASE_URL")
    if "DATABASE_URL" not in env:
        os.environ.pop("DATABASE_URL", None)
    try:
        with running_demo_site(folder, workers=os.cpu_count() or 1, env=extra) as base:
            for name, paths in routes.items():
                asyncio.run(pages.measure(base, paths, clients, 2.0, warm_up=True))
                page = asyncio.run(pages.measure(base, paths, clients, seconds))
                result.update({f"{name}_rps": page["rps"], f"{name}_p50": page["p50_ms"]})
    finally:
        if saved is not None:
            os.environ["DATABASE_URL"] = saved
    return result


def report(sqlite: dict, postgres: dict, papers: str, clients: int) -> None:
    rows = [
        (f"{name} p50 / p95 ms ({sqlite['n']} {unit})", name)
        for name, unit in (
            ("keyword", "queries"),
            ("hybrid", "queries"),
            ("similar", "papers, first visit"),
        )
    ]
    pages = [(f"{name} page, {clients} clients, no page cache", name) for name in (
        "daily", "paper", "search")]  # fmt: skip
    print(f"\n{papers}; load {os.getloadavg()[0]:.1f} at the end")
    print(f"{'':52} {'SQLite':>13} {'PostgreSQL':>13} {'PG/SQLite':>10}")
    for label, key in rows:
        lite, post = (f"{r[key + '_p50']:.1f} / {r[key + '_p95']:.1f}" for r in (sqlite, postgres))
        ratio = postgres[key + "_p95"] / sqlite[key + "_p95"]
        print(f"{label:52} {lite:>13} {post:>13} {ratio:>9.2f}x")
    for label, key in pages:  # requests per second, p50
        both = (sqlite, postgres)
        lite, post = (f"{r[f'{key}_rps']:.0f}/s {r[f'{key}_p50']:.0f}ms" for r in both)
        ratio = postgres[key + "_rps"] / sqlite[key + "_rps"]
        print(f"{label:52} {lite:>13} {post:>13} {ratio:>9.2f}x")
    print(
        f"summary: papers={papers.split()[0]} keyword-p95-ratio="
        f"{postgres['keyword_p95'] / sqlite['keyword_p95']:.2f} hybrid-p95-ratio="
        f"{postgres['hybrid_p95'] / sqlite['hybrid_p95']:.2f} similar-p95-ratio="
        f"{postgres['similar_p95'] / sqlite['similar_p95']:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=10**9, help="import only N papers")
    parser.add_argument("--data", type=Path, help="SQLite data folder to build (or reuse)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--child-engines", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_engines:
        time_engines(args.child_engines)
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
