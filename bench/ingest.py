"""Snapshot import rate (papers/s, keyword index maintained) and peak memory; OAI parse rate.

The 170k real papers of the shared data (74,728 arXiv cs papers and 95,652 conference papers)
are written as lines of the arXiv metadata snapshot format into a temporary file, then imported
by ``dailypapers import snapshot`` into a fresh SQLite database, in a child process whose peak
memory (max RSS) is read when it ends. Conference papers have no arXiv id, so they get
placeholder ids of an unused range (99MM.NNNNN); their text is real. Then the OAI page parser
is timed on the recorded arXivRaw page.

    .venv/bin/python bench/ingest.py [--shared ../shared/data] [--limit N] [--snapshot FILE]
        [--code DIR] [--profile FILE]

The import command prints its two phases (storing the lines, indexing the keywords) with
their wall and CPU times; the bench adds the CPU seconds of each process beside the writer
(the reader, the keyword indexer), sampled with their memory. Peak memory is given for the
import process alone (max RSS) and for its processes together (the reader and the keyword
indexer beside it; sampled PSS): the summary's peak is the larger. ``--snapshot`` reuses (or
writes, if missing) the snapshot file instead of a temporary one; ``--code`` runs the import
of another checkout (the same bench before and after a change, back to back); ``--profile``
writes the import's cProfile statistics there and prints the top of them. The last line is
``summary: import papers/s=<x> peak-MiB=<m> papers=<n>``, for scripts.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import itertools
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def arxiv_lines(shared: Path) -> Iterator[dict]:
    for shard in sorted((shared / "arxiv-cs-daily-listings-74k").glob("arxiv-*.jsonl.gz")):
        with gzip.open(shard, "rt") as handle:
            for line in handle:
                row = json.loads(line)
                created = time.strftime(
                    "%a, %d %b %Y 00:00:00 GMT", time.strptime(row["listing_dates"][0], "%Y-%m-%d")
                )
                yield {
                    "id": row["id"],
                    "authors": ", ".join(row["authors"]),
                    "title": row["title"],
                    "comments": row.get("comment"),
                    "categories": " ".join(c for c in row["categories"] if "." in c),
                    "abstract": row["abstract"],
                    "versions": [{"version": "v1", "created": created}],
                    "update_date": row["listing_dates"][0],
                    "authors_parsed": [[*reversed(a.rsplit(" ", 1)), ""] for a in row["authors"]],
                }


def conference_lines(shared: Path) -> Iterator[dict]:
    number = 0
    for venue in sorted((shared / "conference-papers-papercopilot").glob("*.jsonl.gz")):
        with gzip.open(venue, "rt") as handle:
            for line in handle:
                row = json.loads(line)
                if not row.get("title") or not row.get("authors"):
                    continue
                month, serial = divmod(number, 100000)
                number += 1
                year = int(row["year"])
                yield {
                    "id": f"99{month % 12 + 1:02d}.{serial:05d}",
                    "authors": ", ".join(row["authors"]),
                    "title": row["title"],
                    "categories": "cs.LG",
                    "abstract": row.get("abstract") or "",
                    "versions": [{"version": "v1", "created": f"Mon, 1 Jan {year} 00:00:00 GMT"}],
                    "update_date": f"{year}-01-01",
                    "authors_parsed": [[*reversed(a.rsplit(" ", 1)), ""] for a in row["authors"]],
                }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, help="import only the first N lines")
    parser.add_argument("--snapshot", type=Path, help="reuse (or keep) the snapshot file here")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to run")
    parser.add_argument("--profile", type=Path, help="write the import's cProfile stats here")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        snapshot = options.snapshot or Path(folder) / "snapshot.jsonl"
        if snapshot.exists() and options.snapshot:
            with open(snapshot, "rb") as lines:
                count = sum(1 for _ in itertools.islice(lines, options.limit))
        else:
            count = write_snapshot(snapshot, options.shared, options.limit)
        if options.limit and options.snapshot:
            limited = Path(folder) / "limited.jsonl"
            with open(snapshot, "rb") as lines, open(limited, "wb") as out:
                out.writelines(itertools.islice(lines, options.limit))
            snapshot = limited
        env = {**os.environ, "DAILYPAPERS_DATA_DIR": folder}
        python = [sys.executable]
        if options.profile:
            python += ["-m", "cProfile", "-o", str(options.profile)]
        command = [sys.executable, "-m", "dailypapers"]
        subprocess.run([*command, "migrate", "-v", "0"], env=env, check=True, cwd=options.code)
        load = os.getloadavg()
        migrated = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_before = migrated.ru_utime + migrated.ru_stime
        started = time.perf_counter()
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            importing = subprocess.Popen(
                [*python, "-m", "dailypapers", "import", "snapshot", str(snapshot)],
                env=env,
                cwd=options.code,  # python -m puts the working directory first on the path
                stdout=out,
                stderr=err,
                text=True,
            )
            children_cpu: dict[str, float] = {}
            together = peak_together(importing, children_cpu)
            elapsed = time.perf_counter() - started
            out.seek(0), err.seek(0)
            run = subprocess.CompletedProcess(
                importing.args, importing.returncode, out.read(), err.read()
            )
        if run.returncode:
            sys.exit(f"import failed:\n{run.stderr}")
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak = usage.ru_maxrss / 1024
        # CPU seconds of the children (the import's, tantivy's threads included): a figure the
        # other work on a shared machine inflates far less than the wall clock.
        cpu = usage.ru_utime + usage.ru_stime - cpu_before
        database = Path(folder) / "dailypapers.sqlite3"
        print(f"load average before the import: {' '.join(f'{x:.2f}' for x in load)}")
        print(run.stdout.strip())
        print(f"snapshot lines: {count:,} ({snapshot.stat().st_size / 2**20:.0f} MiB)")
        rate = count / elapsed
        print(f"import: {elapsed:.1f} s, {rate:,.0f} papers/s (keyword indexing included)")
        print(f"peak memory of the import process: {peak:.0f} MiB")
        print(
            f"peak memory of the import's processes together (reader and indexer included; "
            f"proportional set size, sampled every {SAMPLE} s): {together:.0f} MiB"
        )
        print(f"CPU time of the import: {cpu:.1f} s, {count / cpu:,.0f} papers per CPU second")
        # Sampled: what a child did in its last SAMPLE seconds is missing.
        split = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in children_cpu.items())
        print(f"CPU time of the processes beside the writer (sampled): {split or 'none'}")
        print(f"database size: {database.stat().st_size / 2**20:.0f} MiB")
        print(f"load average after the import: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if options.profile:
            pstats.Stats(str(options.profile)).sort_stats("cumulative").print_stats(40)

    sys.path.insert(0, str(ROOT))
    from dailypapers.sources.arxiv.oai import parse_page

    page = (ROOT / "tests/fixtures/sources/arxiv/oai/arxivraw_ListRecordsResponse.xml").read_bytes()
    rounds, started = 2000, time.perf_counter()
    for _ in range(rounds):
        records = len(parse_page(page).records)
    elapsed = time.perf_counter() - started
    print(f"OAI arXivRaw page parse: {rounds * records / elapsed:,.0f} records/s")
    # The import is several processes now: the summary's peak is of them together.
    print(f"summary: import papers/s={rate:.0f} peak-MiB={max(peak, together):.0f} papers={count}")


SAMPLE = 0.25  # seconds between samples of the processes' memory


CHILDREN = ("reader", "indexer")  # the import's children, in the order it starts them


def peak_together(process: subprocess.Popen, cpu: dict[str, float] | None = None) -> float:
    """Wait for ``process``; the peak of its and its children's memory together, in MiB.
    PSS shares the pages a forked child still has in common with its parent between them,
    so the sum counts each page once. ``cpu`` receives each child's CPU seconds (its
    threads included) as last sampled, by ``CHILDREN`` name in the order they started."""
    import psutil

    peak = 0.0
    seen: dict[int, tuple[float, float]] = {}  # pid: (started, CPU seconds)
    while process.poll() is None:
        total = 0
        try:
            parent = psutil.Process(process.pid)
            for member in [parent, *parent.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += member.memory_full_info().pss
                    if member.pid != parent.pid:
                        times = member.cpu_times()
                        seen[member.pid] = (member.create_time(), times.user + times.system)
        except psutil.Error:
            pass
        peak = max(peak, total / 2**20)
        time.sleep(SAMPLE)
    if cpu is not None:
        for name, (_, seconds) in zip(CHILDREN, sorted(seen.values()), strict=False):
            cpu[name] = seconds
    return peak


def write_snapshot(path: Path, shared: Path, limit: int | None) -> int:
    count = 0
    with open(path, "w") as out:
        # Streamed: a big list here would be counted in the child's peak memory (fork).
        for record in itertools.chain(arxiv_lines(shared), conference_lines(shared)):
            if limit and count >= limit:
                break
            out.write(json.dumps(record) + "\n")
            count += 1
    return count


if __name__ == "__main__":
    main()
