#!/usr/bin/env python3
"""A soak: the site as ``bin/serve`` serves it, under mixed traffic while workers run beside it.

    .venv/bin/python bench/soak.py [--seconds 600] [--clients 32] [--papers 20000]

Starts the site with its bundled papers in a fresh data folder (migrate, ``demo load``,
``dailypapers serve`` with one worker per core), then for ``--seconds`` sends traffic from
``--clients`` threads on 127.0.0.1: lists, trending, search, paper pages, the API, and, from
signed-in readers (one thread each), votes and comments. Beside it run ``dailypapers import
snapshot`` (``--papers`` real conference papers from ../shared/data) then ``dailypapers
embed``, and ``dailypapers digests send --loop`` for 500 due subscriptions. Rate limits are
off (``RATE_LIMITS_ENABLED=false``): the soak measures the site's work, not its limits.

Prints per route the requests and p50/p99, the 5xx count (with the server's reasons, from its
log), the server's memory (all its processes) every 30 s split into anonymous memory and
mapped files, the SQLite WAL size, and whether every vote and comment the server
acknowledged is in the database (and nothing more), then
``summary: requests=<n> 5xx=<k> memory-growth-pct=<g> votes-lost=<v> comments-lost=<c>``.

The memory growth is counted from the end of the warm-up (``--warm-up``, the soak's first
60 s: indexes opened, caches filled, the import under way) to the end, and says so; the
growth from before the traffic is printed beside it. Mapped index files (tantivy segments,
HNSW graphs) are file-backed pages the kernel may drop, listed apart. ``--trace-memory``
runs the server with ``DAILYPAPERS_TRACEMALLOC`` (``core/memorytrace.py``) and prints, per
worker, the Python allocations that grew most after the warm-up. Loopback only; it stops by
itself.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from dailypapers.core import memorytrace  # noqa: E402
from tests.support.localsite import running_demo_site  # noqa: E402
from tests.support.processdb import fetch  # noqa: E402
from tests.support.voteload import logged_in_client, make_verified_users  # noqa: E402

TOPICS = ["alignment", "diffusion", "agents", "retrieval augmented generation", "robotics",
          "speech", "graph neural networks", "quantization", "video", "reasoning"]  # fmt: skip
# (route name, weight): what anonymous readers do, most often first.
READS = [("daily", 15), ("trending", 10), ("search", 15), ("paper", 20), ("week", 5),
         ("api daily", 10), ("api search", 10), ("api paper", 5)]  # fmt: skip
SUBSCRIBERS = 500
SETUP = """
import datetime as dt
from django.utils import timezone
from dailypapers.digests.models import Subscription
now = timezone.now()
Subscription.objects.bulk_create(
    Subscription(email=f"soak{n}@example.org", confirmed_at=now, topics=["alignment"],
                 next_send_at=now - dt.timedelta(minutes=1))
    for n in range(SUBSCRIBERS)
)
""".replace("SUBSCRIBERS", str(SUBSCRIBERS))


class Traffic:
    """Requests sent, by route: latencies, 5xx, other failures; votes and comments acknowledged."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.failures: list[str] = []
        self.votes: dict[tuple[str, str], bool] = {}  # (user, paper): last acknowledged vote
        self.comments: dict[str, int] = defaultdict(int)  # user: comments acknowledged
        self.unanswered: dict[str, int] = defaultdict(int)  # route: requests with no answer
        # Sent but not answered (a timeout): stored or not, either is right.
        self.vote_unknown: set[tuple[str, str]] = set()
        self.comments_unknown: dict[str, int] = defaultdict(int)

    def record(self, route: str, seconds: float, status: int, failure: str = "") -> None:
        """``status`` 0: no answer (``failure`` says why), counted apart from the 5xx."""
        with self.lock:
            self.latencies[route].append(seconds)
            if status >= 500:
                self.errors[route] += 1
            elif status == 0:
                self.unanswered[route] += 1
            if (status == 0 or 400 <= status < 500) and len(self.failures) < 20:
                self.failures.append(f"{route}: {failure or f'HTTP {status}'}")


def reader(base: str, papers: list[str], deadline: float, traffic: Traffic, seed: int) -> None:
    chooser = random.Random(seed)
    routes = [name for name, weight in READS for _ in range(weight)]
    with httpx.Client(base_url=base, timeout=60) as client:
        while time.monotonic() < deadline:
            route = chooser.choice(routes)
            paper = chooser.choice(papers)
            topic = chooser.choice(TOPICS)
            path, params = {
                "daily": ("/papers", {}),
                "trending": ("/papers/trending", {}),
                "search": ("/papers", {"q": topic}),
                "paper": (f"/papers/{paper}", {}),
                "week": ("/papers/week/2026-W22", {}),
                "api daily": ("/api/daily_papers", {}),
                "api search": ("/api/papers/search", {"q": topic}),
                "api paper": (f"/api/papers/{paper}", {}),
            }[route]
            started = time.perf_counter()
            try:
                response = client.get(path, params=params)
            except httpx.TransportError as error:  # a timeout: counted, and the reader goes on
                traffic.record(route, time.perf_counter() - started, 0, repr(error))
                continue
            traffic.record(route, time.perf_counter() - started, response.status_code)


def writer(
    client: httpx.Client, user: str, papers: list[str], deadline: float, traffic: Traffic, seed: int
) -> None:
    """A signed-in reader: mostly reads, sometimes votes (up or down) or comments."""
    chooser = random.Random(seed)
    while time.monotonic() < deadline:
        paper = chooser.choice(papers)
        roll = chooser.random()
        route = "vote" if roll < 0.7 else "comment" if roll < 0.85 else "paper (signed in)"
        started = time.perf_counter()
        try:
            status = write_once(client, route, user, paper, chooser, traffic)
        except httpx.TransportError as error:
            # No answer: the server may still have stored it, so either outcome is right.
            with traffic.lock:
                if route == "vote":
                    traffic.vote_unknown.add((user, paper))
                elif route == "comment":
                    traffic.comments_unknown[user] += 1
            traffic.record(route, time.perf_counter() - started, 0, repr(error))
            continue
        traffic.record(route, time.perf_counter() - started, status)


def write_once(
    client: httpx.Client, route: str, user: str, paper: str, chooser, traffic: Traffic
) -> int:
    """One request of a signed-in reader; its HTTP status. Acknowledged votes and comments
    are noted in ``traffic``."""
    token = client.cookies["csrftoken"]
    headers = {"Referer": str(client.base_url)}
    if route == "vote":
        up = chooser.random() < 0.6
        response = client.post(
            f"/papers/{paper}/vote",
            data={"vote": "1" if up else "0", "csrfmiddlewaretoken": token},
            headers={**headers, "Accept": "application/json"},
        )
        if response.status_code == 200 and response.json().get("voted") == up:
            with traffic.lock:
                traffic.votes[user, paper] = up
    elif route == "comment":
        response = client.post(
            f"/papers/{paper}/comments",
            data={"body": f"A soak comment {chooser.random():.6f}", "csrfmiddlewaretoken": token},
            headers=headers,
        )
        if response.status_code == 302:
            with traffic.lock:
                traffic.comments[user] += 1
    else:
        response = client.get(f"/papers/{paper}")
    return response.status_code


def resident_by_kind(pid: int) -> dict[str, int]:
    """Resident bytes of the main heap (``[heap]``, brk), of anonymous mappings (other
    threads' malloc arenas, large arrays, native libraries' buffers) and of mapped files."""
    kinds = {"heap": 0, "anonymous": 0, "files": 0}
    kind = "files"
    try:
        with open(f"/proc/{pid}/smaps") as smaps:
            for line in smaps:
                if line[0] in "0123456789abcdef" and "-" in line.split(" ", 1)[0]:
                    fields = line.split()
                    name = fields[5] if len(fields) > 5 else ""
                    kind = (
                        "heap"
                        if name == "[heap]"
                        else "files"
                        if name.startswith("/")
                        else ("anonymous")
                    )
                elif line.startswith("Rss:"):
                    kinds[kind] += int(line.split()[1]) * 1024
    except OSError:
        pass
    return kinds


def server_processes(port: int) -> list[psutil.Process]:
    """The master and workers of the server listening on ``port``."""
    for connection in psutil.net_connections("tcp"):
        if connection.laddr and connection.laddr.port == port and connection.status == "LISTEN":
            if connection.pid is None:
                break
            master = psutil.Process(connection.pid)
            while master.parent() and "serve" in master.parent().cmdline():  # the argument
                master = master.parent()
            return [master, *master.children(recursive=True)]
    return []


def server_memory(port: int, verbose: bool = True) -> dict[str, int]:
    """Resident memory (bytes) of the server listening on ``port``, its master and workers:
    in all, and by kind (``resident_by_kind``). With ``verbose``, prints each process's
    resident, private (USS) and file-backed shares, which tell a growing heap from mapped
    files (index segments, vectors) that the kernel may drop."""
    total = {"rss": 0, "heap": 0, "anonymous": 0, "files": 0}
    for process in server_processes(port):
        try:
            kinds = resident_by_kind(process.pid)
            rss = process.memory_info().rss
            if verbose:
                full = process.memory_full_info()
                print(f"  pid {process.pid}: rss {rss / 2**20:.0f} MiB, private "
                      f"{full.uss / 2**20:.0f}, file-backed {full.shared / 2**20:.0f}; "
                      + ", ".join(f"{k} {v / 2**20:.0f}" for k, v in kinds.items()))  # fmt: skip
        except psutil.Error:
            continue  # a worker restarted meanwhile
        total["rss"] += rss
        for kind, size in kinds.items():
            total[kind] += size
    return total


class MemoryWatch(threading.Thread):
    """Samples the server's memory every ``every`` seconds until ``deadline``."""

    def __init__(self, port: int, started: float, deadline: float, every: float = 30) -> None:
        super().__init__(daemon=True)
        self.port, self.started, self.deadline, self.every = port, started, deadline, every
        self.samples: list[tuple[float, dict[str, int]]] = []

    def run(self) -> None:
        while (now := time.monotonic()) < self.deadline - 1:
            self.samples.append((now - self.started, server_memory(self.port, verbose=False)))
            if self.wal is not None and self.wal.exists():
                self.wal_largest = max(self.wal_largest, self.wal.stat().st_size)
            if self.import_done is None and self.jobs and self.jobs[0].poll() is not None:
                self.import_done = now - self.started
            time.sleep(min(self.every, max(0.0, self.deadline - 1 - time.monotonic())))

    jobs: list[subprocess.Popen] = []
    # The database's write-ahead log, sampled with the memory: SQLite removes it when the
    # last connection closes, so the size at the end of the soak is taken before the server
    # stops.
    wal: Path | None = None
    wal_largest = 0
    import_done: float | None = None  # seconds into the soak when import and embed had ended

    def at(self, seconds: float) -> dict[str, int] | None:
        """The first sample taken at or after ``seconds`` into the soak."""
        return next((sample for t, sample in self.samples if t >= seconds), None)


def server_errors(log: Path) -> dict[str, int]:
    """The exceptions the server logged (the last line of each traceback), counted."""
    found: dict[str, int] = defaultdict(int)
    if not log.exists():
        return found
    previous = ""
    for line in log.read_text(errors="replace").splitlines():
        starts_trace = line.startswith(" ") or line.startswith("Traceback")
        if previous.startswith("  ") and not starts_trace and ":" in line:
            found[line[:160]] += 1
        previous = line
    return found


def background(data_dir: Path, papers: int, deadline: float) -> list[subprocess.Popen]:
    """import then embed (one after the other), and a digest worker, as child processes."""
    import ingest

    snapshot = data_dir / "soak-snapshot.jsonl"
    with open(snapshot, "w") as out:
        for count, line in enumerate(ingest.conference_lines(SHARED)):
            if count >= papers:
                break
            out.write(json.dumps(line) + "\n")
    env = {**os.environ, "DAILYPAPERS_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    command = f"{sys.executable} -m dailypapers"
    quiet = subprocess.DEVNULL
    # Their warnings (a write transaction that held the lock long) are read at the end.
    log = open(data_dir / "jobs.log", "w")  # noqa: SIM115 (the jobs outlive this function)
    subprocess.run(
        [*command.split(), "shell", "-c", SETUP], env=env, check=True, stdout=quiet, stderr=quiet
    )
    jobs = [
        subprocess.Popen(
            ["sh", "-c", f"{command} import snapshot {snapshot} && {command} embed"],
            env=env,
            start_new_session=True,
            stdout=quiet,
            stderr=log,
        ),
        subprocess.Popen(
            [*command.split(), "digests", "send", "--loop", "--sleep", "5", "--workers", "1"],
            env=env,
            stdout=quiet,
            stderr=log,
        ),
    ]
    return jobs


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--papers", type=int, default=20_000)
    parser.add_argument("--writers", type=int, default=8, help="signed-in clients among them")
    parser.add_argument("--warm-up", type=float, default=60, help="seconds before growth counts")
    parser.add_argument("--trace-memory", action="store_true", help="tracemalloc in the server")
    options = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="soak-"))
    env = {"RATE_LIMITS_ENABLED": "false", "HF_HUB_OFFLINE": "1"}
    os.environ.update(env)
    traces = data_dir / "tracemalloc"
    server_env = {**env, "DAILYPAPERS_TRACEMALLOC": str(traces)} if options.trace_memory else env
    workers = os.cpu_count() or 1
    with running_demo_site(data_dir, workers=workers, env=server_env) as base:
        port = int(base.rsplit(":", 1)[1])
        rows = fetch(data_dir, "SELECT arxiv_id FROM papers_paper WHERE hidden = %s", (False,))
        papers = [row[0] for row in rows]
        users = [f"soak{n}" for n in range(options.writers)]
        make_verified_users(data_dir, users)
        clients = {user: logged_in_client(base, user) for user in users}
        # Before the traffic: every kind of request for a while from 4 clients, so that the
        # first figure is a served site's (indexes loaded), not a fresh process's.
        warm = Traffic()
        warmers = [
            threading.Thread(target=reader, args=(base, papers, time.monotonic() + 30, warm, n))
            for n in range(4)
        ]
        for thread in warmers:
            thread.start()
        for thread in warmers:
            thread.join()
        print("server memory before the traffic:")
        memory_before = server_memory(port)
        traffic = Traffic()
        started_at = time.monotonic()
        deadline = started_at + options.seconds
        watch = MemoryWatch(port, started_at, deadline)
        watch.wal = data_dir / "dailypapers.sqlite3-wal"
        watch.start()
        jobs = background(data_dir, options.papers, deadline)
        watch.jobs = jobs
        threads = [
            threading.Thread(target=reader, args=(base, papers, deadline, traffic, n))
            for n in range(options.clients - len(users))
        ]
        threads += [
            threading.Thread(target=writer, args=(clients[u], u, papers, deadline, traffic, n))
            for n, u in enumerate(users)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        wal_end = watch.wal.stat().st_size if watch.wal.exists() else 0
        print("server memory at the end:")
        memory_end = server_memory(port)
        watch.join()
        background_done = [job.poll() is not None for job in jobs]
        for job in jobs:
            job.terminate()
            job.wait(timeout=60)
        for client in clients.values():
            client.close()
        if options.trace_memory:
            print_traces(traces, started_at, options.warm_up)
    print(f"background: import+embed {'finished' if background_done[0] else 'still running'}")
    memory = {"before": memory_before, "warm": watch.at(options.warm_up), "end": memory_end}
    report(traffic, elapsed, memory, watch, wal_end, data_dir, users, options)


def print_traces(folder: Path, started_at: float, warm_up: float) -> None:
    """Per worker: the Python allocations that grew from the first snapshot written after the
    warm-up to the last one."""
    by_pid: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(folder.glob("*.tracemalloc")):
        by_pid[path.name.split("-")[0]].append(path)
    warm_wall = time.time() - (time.monotonic() - started_at - warm_up)
    for pid, paths in by_pid.items():
        after = [path for path in paths if path.stat().st_mtime >= warm_wall]
        if len(after) < 2:
            continue
        print(f"pid {pid}: Python allocations, {after[0].name} -> {after[-1].name}")
        for line in memorytrace.compare(after[0], after[-1]):
            print(line)


def report(traffic, elapsed, memory, watch, wal_end, data_dir, users, options) -> None:
    total = sum(len(values) for values in traffic.latencies.values())
    print(f"{total:,} requests in {elapsed:.0f} s ({total / elapsed:.0f}/s), "
          f"{options.clients} clients; load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("| route | requests | p50 ms | p99 ms | 5xx |\n|---|---:|---:|---:|---:|")
    for route, values in sorted(traffic.latencies.items()):
        print(f"| {route} | {len(values)} | {statistics.median(values) * 1000:.1f} | "
              f"{percentile(values, 0.99):.1f} | {traffic.errors[route]} |")  # fmt: skip
    errors = sum(traffic.errors.values())
    if unanswered := sum(traffic.unanswered.values()):
        print(f"no answer (client timeout of 60 s): {unanswered} requests, "
              f"{len(traffic.vote_unknown)} of them votes")  # fmt: skip
    for reason, count in server_errors(data_dir / "server.log").items():
        print(f"server logged {count}x: {reason}")
    for name in ("server.log", "jobs.log"):
        path = data_dir / name
        slow = [line for line in path.read_text().splitlines() if "held the SQLite" in line]
        for line in slow[:10]:
            print(f"{name}: {line}")
        if len(slow) > 10:
            print(f"{name}: ... {len(slow)} slow write transactions in all")
    print("server memory, MiB: | s | resident | anonymous + heap | mapped files |")
    for seconds, sample in watch.samples:
        print(f"| {seconds:.0f} | {sample['rss'] / 2**20:.0f} | "
              f"{(sample['anonymous'] + sample['heap']) / 2**20:.0f} | "
              f"{sample['files'] / 2**20:.0f} |")  # fmt: skip
    before, warm, end = memory["before"], memory["warm"] or memory["before"], memory["end"]
    growth = (end["rss"] - warm["rss"]) / warm["rss"] * 100 if warm["rss"] else 0.0
    from_start = (end["rss"] - before["rss"]) / before["rss"] * 100 if before["rss"] else 0.0
    print(f"server memory: {before['rss'] / 2**20:.0f} MiB before the traffic, "
          f"{warm['rss'] / 2**20:.0f} MiB after the {options.warm_up:.0f}-second warm-up, "
          f"{end['rss'] / 2**20:.0f} MiB at the end: {growth:+.1f}% from the end of the warm-up "
          f"({from_start:+.1f}% from before the traffic)")  # fmt: skip
    # The import and embed add papers, their vectors (in every worker's memory below the
    # HNSW threshold) and index segments: growth while they run is the site's data growing.
    if watch.import_done is not None and (after := watch.at(watch.import_done)):
        settled = (end["rss"] - after["rss"]) / after["rss"] * 100
        print(f"after the import and embed ended ({watch.import_done:.0f} s into the soak): "
              f"{after['rss'] / 2**20:.0f} MiB, then {settled:+.1f}% to the end")  # fmt: skip
    print(f"SQLite WAL: {wal_end / 2**20:.1f} MiB at the end of the traffic, "
          f"{watch.wal_largest / 2**20:.1f} MiB the largest sampled")  # fmt: skip
    if traffic.failures:
        print("other failures (first 20):", "; ".join(traffic.failures))
    stored_votes = fetch(
        data_dir,
        "SELECT u.username, p.arxiv_id FROM papers_upvote v JOIN papers_paper p ON p.id = "
        "v.paper_id JOIN auth_user u ON u.id = v.user_id WHERE u.username LIKE %s",
        ("soak%",),
    )
    expected = {pair for pair, up in traffic.votes.items() if up}
    stored = {(user, paper) for user, paper in stored_votes}
    votes_lost = len((expected ^ stored) - traffic.vote_unknown)
    stored_comments = dict(
        fetch(
            data_dir,
            "SELECT u.username, count(*) FROM discussions_comment c JOIN auth_user u "
            "ON u.id = c.author_id WHERE u.username LIKE %s GROUP BY u.username",
            ("soak%",),
        )
    )
    comments_lost = 0
    for user in users:
        # Comments sent without an answer may or may not be stored.
        extra = stored_comments.get(user, 0) - traffic.comments[user]
        if not 0 <= extra <= traffic.comments_unknown[user]:
            comments_lost += abs(extra) if extra < 0 else extra - traffic.comments_unknown[user]
    acknowledged, kept = sum(traffic.comments.values()), sum(stored_comments.values())
    print(f"votes: {len(expected)} acknowledged up, {len(stored)} stored; "
          f"comments: {acknowledged} acknowledged, {kept} stored")  # fmt: skip
    print(f"summary: requests={total} 5xx={errors} memory-growth-pct={growth:.1f} "
          f"votes-lost={votes_lost} comments-lost={comments_lost}")  # fmt: skip


if __name__ == "__main__":
    main()
