"""Snapshot import rate (papers/s, keyword index maintained) and peak memory; OAI parse rate.

The 170k real papers of the shared data (74,728 arXiv cs papers and 95,652 conference papers)
are written as lines of the arXiv metadata snapshot format into a temporary file, then imported
by ``dailypapers import snapshot`` into a fresh SQLite database, in a child process whose peak
memory (max RSS) is read when it ends. Conference papers have no arXiv id, so they get
placeholder ids of an unused range (99MM.NNNNN); their text is real. Then the OAI page parser
is timed on the recorded arXivRaw page.

    .venv/bin/python bench/ingest.py [--shared ../shared/data] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
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
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        snapshot = Path(folder) / "snapshot.jsonl"
        count = 0
        with open(snapshot, "w") as out:
            # Streamed: a big list here would be counted in the child's peak memory (fork).
            for record in itertools.chain(
                arxiv_lines(options.shared), conference_lines(options.shared)
            ):
                if options.limit and count >= options.limit:
                    break
                out.write(json.dumps(record) + "\n")
                count += 1
        env = {**os.environ, "DAILYPAPERS_DATA_DIR": folder}
        command = [sys.executable, "-m", "dailypapers"]
        subprocess.run([*command, "migrate", "-v", "0"], env=env, check=True)
        started = time.perf_counter()
        subprocess.run(
            [*command, "import", "snapshot", str(snapshot), "-v", "0"], env=env, check=True
        )
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        database = Path(folder) / "dailypapers.sqlite3"
        print(f"snapshot lines: {count:,} ({snapshot.stat().st_size / 2**20:.0f} MiB)")
        rate = count / elapsed
        print(f"import: {elapsed:.1f} s, {rate:,.0f} papers/s (keyword indexing included)")
        print(f"peak memory of the import process: {peak:.0f} MiB")
        print(f"database size: {database.stat().st_size / 2**20:.0f} MiB")

    sys.path.insert(0, str(ROOT))
    from dailypapers.sources.arxiv.oai import parse_page

    page = (ROOT / "tests/fixtures/sources/arxiv/oai/arxivraw_ListRecordsResponse.xml").read_bytes()
    rounds, started = 2000, time.perf_counter()
    for _ in range(rounds):
        records = len(parse_page(page).records)
    elapsed = time.perf_counter() - started
    print(f"OAI arXivRaw page parse: {rounds * records / elapsed:,.0f} records/s")


if __name__ == "__main__":
    main()
