"""Votes per second the site sustains with exact counts.

Starts the site as ``bin/serve`` does (rate limits off, in a temporary folder), makes verified
users, logs them in over HTTP, then fires up/down votes on a few papers from a pool of threads
(each vote a POST with its own connection, the last vote of every user and paper sent twice at
once) and checks that every paper's counter equals its vote rows and the expected total.

    .venv/bin/python bench/votes.py [--users 8] [--papers 3] [--rounds 10] [--threads 16]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

# Run as a script: the test harness (tests/support/, never shipped) is found from the root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.localsite import running_demo_site
from tests.support.voteload import (
    fire_votes,
    logged_in_client,
    make_verified_users,
    stored_counts,
)

PAPERS = ["2603.29942", "2512.24880", "2512.24618", "2512.24873", "2603.29942"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--papers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    options = parser.parse_args()
    papers = list(dict.fromkeys(PAPERS))[: options.papers]
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        env = {"RATE_LIMITS_ENABLED": "false"}
        with running_demo_site(data_dir, workers=options.workers, env=env) as base:
            names = [f"bench{n}" for n in range(options.users)]
            make_verified_users(data_dir, names)
            clients = {name: logged_in_client(base, name) for name in names}
            try:
                run = fire_votes(clients, papers, rounds=options.rounds, threads=options.threads)
            finally:
                for client in clients.values():
                    client.close()
            counts = stored_counts(data_dir, papers)
    exact = all(counts[p][0] == counts[p][1] == run.expected[p] for p in papers)
    print(
        f"{run.sent} votes by {options.users} users on {len(papers)} papers, "
        f"{options.threads} threads, {options.workers} server workers: "
        f"{run.per_second:.0f} votes/s, {len(run.failures)} failed, "
        f"counts {'exact' if exact else 'WRONG'}"
    )
    for paper in papers:
        counter, rows = counts[paper]
        print(f"  {paper}: counter {counter}, rows {rows}, expected {run.expected[paper]}")
    return 0 if exact and not run.failures else 1


if __name__ == "__main__":
    sys.exit(main())
