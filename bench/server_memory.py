"""The memory of a served site's workers, read from /proc: what bench/scale.py reports.

``server_memory`` serves the site of a data folder as bin/serve does, warms each worker up
with searches and paper pages, and reads each worker's ``/proc/PID/smaps``: resident,
proportional and private memory, anonymous memory, and per mapped file of the site (how much
of each vector file and keyword index file a worker really touched). ``print_memory`` prints
it. What is not here: building the site and timing searches (scale.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def smaps(pid: str, folder: Path) -> dict[str, dict[str, float]]:
    """A process's memory (MiB) from /proc/PID/smaps: ``total`` (Rss, Pss, Private, Anonymous)
    and one entry per mapped file of ``folder`` (Rss, Pss, Private, Size): what of each
    vector file the process really touched, and what it shares with other processes."""
    found: dict[str, dict[str, float]] = {}
    total = dict.fromkeys(("Rss", "Pss", "Private", "Anonymous"), 0.0)
    current: dict[str, float] | None = None
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split(maxsplit=5)
        if len(head) >= 5 and "-" in head[0] and not head[0].endswith(":"):
            path = head[5] if len(head) == 6 else ""
            current = None
            if path.startswith(str(folder)):
                current = found.setdefault(
                    Path(path).name, dict.fromkeys(("Size", "Rss", "Pss", "Private"), 0.0)
                )
            continue
        name, _, value = line.partition(":")
        if not value.strip().endswith("kB"):
            continue
        mib = int(value.split()[0]) / 1024
        key = "Private" if name in ("Private_Clean", "Private_Dirty") else name
        if key in total:
            total[key] += mib
        if current is not None and key in current:
            current[key] += mib
    return {"total": total, **found}


def server_memory(
    folder: Path,
    texts: list[str],
    papers: list[str],
    workers: int = 1,
    say: Callable[[str], None] = print,
) -> list[dict[str, dict[str, float]]]:
    """Serve the site as bin/serve does, with ``workers`` workers, warm each up with the
    searches and paper pages (``say`` tells how it went), and read the workers' memory
    (``smaps``) from /proc."""
    import socket
    import urllib.error
    import urllib.parse
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DAILYPAPERS_DATA_DIR": str(folder), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "dailypapers", "serve", "--workers", str(workers)]
    log = open(folder / "serve.log", "a")  # noqa: SIM115  # closed below, after the server
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}"], env=env, stdout=log, stderr=log, cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}"

    failed: list[str] = []

    def get(path: str) -> None:
        try:
            with urllib.request.urlopen(base + path, timeout=120) as response:
                response.read()
        except urllib.error.HTTPError as error:
            # Counted and shown, not fatal: the memory is still the warmed worker's.
            failed.append(f"{error.code} {path}")

    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                get("/papers")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"the server did not start; see {folder / 'serve.log'}")
                time.sleep(1)
        started = time.perf_counter()
        # As many rounds as workers, from as many clients: each worker gets its share.
        with ThreadPoolExecutor(workers) as pool:
            pages = [f"/papers?{urllib.parse.urlencode({'q': text})}" for text in texts]
            pages += [f"/papers/{arxiv_id}" for arxiv_id in papers]  # similar papers included
            list(pool.map(get, pages * workers))
        say(
            f"server warm-up: {len(texts) + len(papers)} pages x {workers} in "
            f"{time.perf_counter() - started:.0f} s, {len(failed)} failed: {failed[:5]}"
        )
        # gunicorn's master runs in the command's process; the workers are its children.
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        return [smaps(worker, folder) for worker in children]
    finally:
        server.terminate()
        server.wait()
        log.close()


def print_memory(workers: list[dict[str, dict[str, float]]]) -> None:
    for number, memory in enumerate(workers, 1):
        print(
            f"server worker {number}/{len(workers)} after warm-up: "
            + ", ".join(f"{k} {v:.0f} MiB" for k, v in memory["total"].items())
        )
        for name, mapped in memory.items():
            if name != "total":
                print(
                    f"  mapped {name}: " + ", ".join(f"{k} {v:.0f} MiB" for k, v in mapped.items())
                )
