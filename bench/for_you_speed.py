#!/usr/bin/env python3
"""How fast ``/papers/for-you`` answers for a reader with a 500-paper library, at 170k papers.

    .venv/bin/python bench/for_you_speed.py [--data DIR] [--limit N] [--runs 60]

Builds (or reuses, with ``--data``) the data folder of bench/search_speed.py: the 74,728 arXiv
listings and 95,652 conference papers of ../shared/data imported with ``dailypapers import
snapshot`` and embedded with ``dailypapers embed``. Then makes a reader whose library is 500
papers (two fields: 250 cs.CL and 250 cs.CV papers of 2025, imported as ``LibraryItem`` rows)
who follows an author, a category and a search, and times the whole page through Django's test
client (login session, ranking, reasons, template) for the newest day, week and month of the
listings: ``--runs`` requests each after one warm-up, p50 and p95; and the ranking alone
(``ForYou(...)[:30]``: candidates, library, follows, vectors, ranking, the first page's
papers and reasons, without the template), and the ranking of a reader's first view of the
period (the library's closeness to the period, which a process keeps, made anew). Prints the
load average before and after: on a shared machine the figures mean little without it.
``--profile`` instead runs cProfile over the whole page's requests of each period and prints
where the time goes, and the queries one page makes.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# As the package does in the site's processes, before numpy loads (recommend.py imports it):
# one BLAS thread per process (dailypapers/__init__.py says why).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import search_speed  # noqa: E402
from recommend import SHARED  # noqa: E402


def median_and_p95(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return f"{statistics.median(times):.1f} | {p95:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=10**9)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--profile", action="store_true", help="profile the pages instead")
    args = parser.parse_args()
    folder = args.data or Path(tempfile.mkdtemp(prefix="dailypapers-foryou-"))
    folder.mkdir(parents=True, exist_ok=True)
    search_speed.SHARED = SHARED
    os.environ["DAILYPAPERS_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    if not (folder / "dailypapers.sqlite3").exists():
        search_speed.build(folder, args.limit)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from dailypapers.lib.dates import period_containing
    from dailypapers.library import prepared
    from dailypapers.library.following import follow
    from dailypapers.library.foryou import ForYou, newest_day
    from dailypapers.library.models import LibraryItem
    from dailypapers.papers.models import Paper
    from dailypapers.search import vectors

    settings.ALLOWED_HOSTS = ["testserver"]
    # Plain static file names: no collectstatic manifest in a bench data folder.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    total = Paper.objects.count()
    user, _ = get_user_model().objects.get_or_create(username="bench-reader")
    LibraryItem.objects.filter(user=user).delete()
    rng = random.Random(15)
    library = []
    for category in ("cs.CL", "cs.CV"):
        ids = list(
            Paper.objects.filter(primary_category=category, published_at__year=2025).values_list(
                "id", flat=True
            )[:20000]
        )
        library += rng.sample(ids, 250)
    LibraryItem.objects.bulk_create([LibraryItem(user=user, paper_id=pk) for pk in library])
    author = Paper.objects.get(pk=library[0]).author_names[0]
    for kind, target in (("author", author), ("category", "cs.CL"), ("search", "retrieval")):
        follow(user, kind, target)
    vectors.index().vectors_of([library[0]])  # load the vectors once, as a running site has

    client = Client()
    client.force_login(user)
    day = newest_day()
    print(f"{total:,} papers; a reader with {len(library)} library papers; newest day {day}")
    print(f"vector index: {type(vectors.index()).__name__}\n")
    if args.profile:
        profile(client, day, args.runs)
        return
    print(f"load average before: {', '.join(f'{load:.2f}' for load in os.getloadavg())}\n")
    print(
        "| period | candidates | ranking p50 ms | ranking p95 ms | first view p50 ms"
        " | first view p95 ms | page p50 ms | page p95 ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in ("date", "week", "month"):
        key = period_containing(kind, day).key
        url = f"/papers/for-you?{kind}={key}"
        first = client.get(url)
        assert first.status_code == 200, first.status_code
        candidates = len(ForYou(user, period_containing(kind, day)))
        ranking, first_view, page = [], [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            ForYou(user, period_containing(kind, day))[:30]
            ranking.append((time.perf_counter() - started) * 1000)
            prepared.forget_closeness()
            started = time.perf_counter()
            ForYou(user, period_containing(kind, day))[:30]
            first_view.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            client.get(url)
            page.append((time.perf_counter() - started) * 1000)
        timings = " | ".join(median_and_p95(t) for t in (ranking, first_view, page))
        print(f"| {kind} {key} | {candidates:,} | {timings} |")
    # A yardstick for a shared machine: the site's own hybrid search, which docs/search.md
    # times at 6.7-8.9 ms p50 at 170k on the idle machine.
    from dailypapers.search.filters import SearchFilters
    from dailypapers.search.hybrid import search

    words = ["retrieval augmented generation", "vision transformer", "speech recognition"]
    searches = []
    for run in range(args.runs):
        started = time.perf_counter()
        list(search(words[run % 3], SearchFilters())[:20])
        searches.append((time.perf_counter() - started) * 1000)
    print(f"\nyardstick, hybrid search now (p50 | p95 ms): {median_and_p95(searches)}")
    print(f"load average after: {', '.join(f'{load:.2f}' for load in os.getloadavg())}")


def profile(client, day, runs: int) -> None:
    """cProfile of ``runs`` requests of each period's page, by cumulative time, and the SQL
    statements one request sends."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dailypapers.lib.dates import period_containing

    for kind in ("date", "week", "month"):
        url = f"/papers/for-you?{kind}={period_containing(kind, day).key}"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"\n## {url}: {len(queries)} queries")
        for query in queries.captured_queries:
            print(f"  {query['time']} s  {query['sql'][:160]}")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(runs):
            client.get(url)
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(45)
        # What the view and the ranking spend their time on, one level down.
        stats.print_callees(r"views.py.*\(for_you\)|foryou.py.*\(__init__\)|__getitem__")


if __name__ == "__main__":
    main()
