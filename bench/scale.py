#!/usr/bin/env python3
"""A million papers on one SQLite machine: build the site, then measure what serving it costs.

    .venv/bin/python bench/scale.py [--data DIR] [--copies 6] [--skip-build | --build-only]
        [--embed-until HH:MM] [--warm-papers 50] [--two-workers] [--memory-only]

The text is real but duplicated: it is a scale test. The 170k real papers of ../shared/data
(bench/ingest.py's converters: 74,728 arXiv cs papers, 95,652 conference papers) are written
``--copies`` times (default 6: 1,021,260 papers) as arXiv-snapshot lines. The first copy keeps
the arXiv papers' own ids; the conference papers and every further copy get new ids of their
own, valid new-style ids counted up from 1501.00001 (no real paper of the corpus is that old,
so none collides); ``copies.tsv`` beside the site lists each new id with its original's.

Phases, each recorded in ``DIR/scale-state.json`` when it ends, so that a run that is stopped
resumes at the phase it was in (the import and the embedding resume themselves):

1. ``snapshot``: write the lines (``DIR/snapshot.jsonl``, deleted after the import);
2. ``import``: ``dailypapers migrate`` and ``dailypapers import snapshot``: time, peak memory;
3. ``embed``: ``dailypapers embed`` with its defaults (the shipped model, ``--batch-size
   256``), with the HNSW build held back so that it is timed on its own; the vectors stored are
   counted every minute, to show the rate does not fall as they accumulate. With
   ``--embed-until HH:MM`` (UTC) the embedding is stopped then, if it has not finished, and
   each remaining copy gets the stored vector of its original (same text, so the same vector):
   the output then says so, with the rate measured until the stop (a file ``DIR/stop-embedding``
   stops it the same way);
4. ``hnsw``: ``dailypapers embed --rebuild-index``: time and peak memory;
5. measuring (always; ``--skip-build`` does only this, on an existing site): disk per
   component, the memory of one server process after warm-up (50 searches and
   ``--warm-papers`` paper pages): RSS, PSS, private and anonymous, and per mapped file of the
   site (``/proc/PID/smaps``: how much of each vector file the worker really touched), with
   ``--two-workers`` the same for each of two workers (PSS: what each costs the machine when
   the mapped pages are shared), and with ``--memory-only`` nothing more; then keyword, hybrid
   and similar p50/p95 over 200 queries with bench/search_speed.py's query sets and timing
   code (the code path of the views), hybrid search again with its meaning leg in a worker
   thread and in the calling thread, alternating per query (what the threads gain), and the
   keyword searches' CPU time (what a loaded machine inflates least).

The default folder is /tmp/dailypapers-scale (never in the repository): about 6 GiB. The
last line is ``summary: papers=<n> keyword-p95-ms=<a> hybrid-p95-ms=<b> similar-p95-ms=<c>
server-MiB=<m>``, for scripts. Results: docs/search.md, "How big one machine goes".
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from server_memory import print_memory, server_memory  # noqa: E402 (bench/ is on the path)

PHASES = ("snapshot", "import", "embed", "hnsw")
# Far above any site: keeps ``embed`` from building the HNSW files, so that phase 4 times it.
NO_HNSW = str(10**12)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} load {load()}] {text}", flush=True)


def new_ids() -> Iterator[str]:
    """Valid new-style ids from 1501.00001 on: 99,999 a month (the number is never all zeros)."""
    for n in itertools.count():
        month, serial = divmod(n, 99_999)
        yield f"{15 + month // 12:02d}{month % 12 + 1:02d}.{serial + 1:05d}"


def write_snapshot(folder: Path, copies: int) -> int:
    import ingest

    from dailypapers.sources.arxiv.ids import parse_bare_arxiv_id

    fresh = new_ids()
    first = folder / "snapshot-first.jsonl"
    count = 0
    with open(first, "w") as out:
        lines = itertools.chain(
            ((True, line) for line in ingest.arxiv_lines(SHARED)),
            ((False, line) for line in ingest.conference_lines(SHARED)),
        )
        for real, line in lines:
            if not real:
                line["id"] = next(fresh)
                parse_bare_arxiv_id(line["id"])
            out.write(json.dumps(line) + "\n")
            count += 1
    # The further copies: the first copy's lines under new ids. The id is each line's first
    # field (json.dumps keeps the converters' order), so a copy is a change of its first bytes,
    # not a second parse of the corpus (which took minutes at this machine's load).
    with (
        open(folder / "snapshot.jsonl", "wb") as out,
        open(folder / "copies.tsv", "w") as pairs,
        open(first, "rb") as source,
    ):
        for copy in range(copies):
            source.seek(0)
            for line in source:
                # b'{"id": "2503.00001", "authors": ...': the id is the fourth piece.
                pieces = line.split(b'"', 4)
                assert pieces[1] == b"id", "the id must come first"
                if copy:
                    new = next(fresh)
                    parse_bare_arxiv_id(new)  # the project's own check of each id
                    pairs.write(f"{new}\t{pieces[3].decode()}\n")
                    line = b'{"id": "' + new.encode() + b'"' + pieces[4]
                out.write(line)
    first.unlink()
    return count * copies


def run_measured(command: list[str], env: dict[str, str], log: Path) -> tuple[float, float]:
    """Run a child to its end, its output appended to ``log``: (seconds, its peak RSS MiB)."""
    started = time.perf_counter()
    with open(log, "a") as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"{' '.join(command)} failed ({child.returncode}); see {log}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def vector_count(database: Path) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=60) as db:
        return db.execute("SELECT count(*) FROM search_papervector").fetchone()[0]


def embed(folder: Path, env: dict[str, str], until: dt.datetime | None) -> dict:
    """``dailypapers embed`` with its defaults, its rate logged each minute; stopped at
    ``until`` if given, the rest then copied from the originals."""
    database = folder / "dailypapers.sqlite3"
    log = folder / "embed.log"
    command = [sys.executable, "-m", "dailypapers", "embed"]
    env = {**env, "DAILYPAPERS_HNSW_THRESHOLD": NO_HNSW}
    before = vector_count(database)
    started = time.perf_counter()
    with open(log, "a") as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        done = threading.Event()
        rates: list[tuple[int, float]] = []

        def watch() -> None:
            last, last_at = before, started
            while not done.wait(60):
                now, at = vector_count(database), time.perf_counter()
                rates.append((now, (now - last) / (at - last_at)))
                say(f"embed: {now:,} vectors, {rates[-1][1]:,.0f} papers/s over the last minute")
                last, last_at = now, at

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        stopped = False
        while child.poll() is None:
            # Or on demand: a run started without --embed-until can still be cut short.
            asked = (folder / "stop-embedding").exists()
            if asked or (until and dt.datetime.now(dt.UTC) >= until):
                (folder / "stop-embedding").unlink(missing_ok=True)  # not the next run's
                child.terminate()  # embed stops after its batch on SIGTERM
                child.wait()
                stopped = True
                break
            time.sleep(5)
        done.set()
    spent = time.perf_counter() - started
    embedded = vector_count(database) - before
    if child.returncode and not stopped:
        sys.exit(f"embed failed ({child.returncode}); see {log}")
    result = {
        "embedded": embedded,
        "seconds": spent,
        "rate": embedded / spent,
        "per_minute": rates,
        "stopped": stopped,
    }
    if stopped:
        result["copied"] = copy_vectors(folder)
    return result


def copy_vectors(folder: Path) -> int:
    """Give each copy still without a vector its original's: the same title and abstract,
    so the same vector the model would have made."""
    database = folder / "dailypapers.sqlite3"
    with sqlite3.connect(database, timeout=60) as db:
        db.execute("CREATE TEMP TABLE pairs (copy TEXT PRIMARY KEY, original TEXT)")
        with open(folder / "copies.tsv") as pairs:
            db.executemany("INSERT INTO pairs VALUES (?, ?)", (line.split() for line in pairs))
        copied = db.execute(
            """
            INSERT INTO search_papervector (paper_id, model, vector, created)
            SELECT c.id, v.model, v.vector, v.created
            FROM pairs
            JOIN papers_paper c ON c.arxiv_id = pairs.copy
            JOIN papers_paper o ON o.arxiv_id = pairs.original
            JOIN search_papervector v ON v.paper_id = o.id
            WHERE NOT EXISTS (
                SELECT 1 FROM search_papervector w WHERE w.paper_id = c.id AND w.model = v.model
            )
            """
        ).rowcount
    return copied


def build(folder: Path, copies: int, until: dt.datetime | None) -> dict:
    state_file = folder / "scale-state.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    env = {**os.environ, "DAILYPAPERS_DATA_DIR": str(folder), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "dailypapers"]
    for phase in PHASES:
        if phase in state:
            say(f"{phase}: done before ({state[phase]})")
            continue
        say(f"{phase}: starting")
        if phase == "snapshot":
            started = time.perf_counter()
            count = write_snapshot(folder, copies)
            spent = time.perf_counter() - started
            state[phase] = {"papers": count, "copies": copies, "seconds": spent}
        elif phase == "import":
            log = folder / "import.log"
            subprocess.run([*command, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
            seconds, peak = run_measured(
                [*command, "import", "snapshot", str(folder / "snapshot.jsonl")], env, log
            )
            papers = state["snapshot"]["papers"]
            state[phase] = {"seconds": seconds, "rate": papers / seconds, "peak_mib": peak}
            (folder / "snapshot.jsonl").unlink()
        elif phase == "embed":
            state[phase] = embed(folder, env, until)
        elif phase == "hnsw":
            seconds, peak = run_measured(
                [*command, "embed", "--rebuild-index"], env, folder / "hnsw.log"
            )
            state[phase] = {"seconds": seconds, "peak_mib": peak}
        state[phase]["load"] = load()
        state_file.write_text(json.dumps(state, indent=1))
        say(f"{phase}: {state[phase]}")
    return state


def size_mib(path: Path) -> float:
    files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
    return sum(f.stat().st_size for f in files) / 2**20


def disk(folder: Path) -> dict[str, float]:
    """MiB per component: the database (and, inside it, the stored vectors), the keyword
    index, the vector index files, the kept model copy."""
    database = folder / "dailypapers.sqlite3"
    sizes = {
        "database": sum(
            size_mib(f) for f in folder.glob("dailypapers.sqlite3*") if f.suffix != ".json"
        )
    }
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
            # dbstat: the bytes of each table and index; the vectors' rows and their two indexes.
            stored = db.execute(
                "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_papervector%' "
                "OR name IN ('search_vector_model_id', 'one_vector_per_model') "
                "OR name LIKE 'sqlite_autoindex_search_papervector%'"
            ).fetchone()[0]
        sizes["database: the stored vectors"] = (stored or 0) / 2**20
    except sqlite3.OperationalError:  # an SQLite built without dbstat
        pass
    search = folder / "search"
    sizes["keyword index"] = sum(size_mib(d) for d in search.glob("keyword-*"))
    sizes["vector index files"] = sum(size_mib(f) for f in search.glob("vectors-*"))
    sizes["model copy"] = size_mib(folder / "models") if (folder / "models").exists() else 0.0
    return sizes


def keyword_cpu(texts: list[str]) -> list[float]:
    """CPU seconds of this process per keyword search (first page and count), second round:
    on a shared machine the wall clock counts the waits for a core, this does not."""
    from dailypapers.search.keyword import keyword_search

    spent = []
    for text in texts + texts:
        started = time.process_time()
        results = keyword_search(text)
        results[0:20], len(results)
        spent.append(time.process_time() - started)
    return spent[len(texts) :]


def measure(folder: Path, state: dict, options: argparse.Namespace) -> None:
    import django

    django.setup()
    import search_speed

    from dailypapers.papers.models import Paper
    from dailypapers.search import serving, vectors
    from dailypapers.search.models import PaperVector

    papers = Paper.objects.count()
    copies = state.get("snapshot", {}).get("copies", "?")
    say(f"{papers:,} papers in {folder}: real text, written {copies} times (a scale test)")
    if "import" in state:
        i = state["import"]
        print(
            f"import: {i['seconds']:.0f} s, {i['rate']:,.0f} papers/s, peak {i['peak_mib']:.0f} "
            f"MiB (load {i['load']})"
        )
    if "embed" in state:
        e = state["embed"]
        minutes = [rate for _, rate in e["per_minute"]]
        print(
            f"embed: {e['embedded']:,} papers in {e['seconds']:.0f} s, {e['rate']:,.0f} "
            f"papers/s (load {e['load']}); per minute: first {minutes[:3]}, last {minutes[-3:]}"
        )
        if e.get("stopped"):
            print(
                f"embedding stopped by --embed-until: {e['copied']:,} copies were given the "
                "vector of their identical original instead of being embedded"
            )
        if e.get("note"):  # what was done by hand, written into the state file
            print(f"embed: {e['note']}")
    if "hnsw" in state:
        h = state["hnsw"]
        print(f"HNSW build: {h['seconds']:.0f} s, peak {h['peak_mib']:.0f} MiB (load {h['load']})")
    for name, mib in disk(folder).items():
        print(f"disk, {name}: {mib:,.0f} MiB")
    texts = search_speed.queries()
    # Warm-up: a quarter of the searches (long questions and title phrases) and paper pages
    # (similar papers included) touch every structure a worker keeps; how much of each
    # mapped vector file they touch grows with the paper pages (--warm-papers).
    sample = random.Random(9).sample(
        list(Paper.objects.values_list("arxiv_id", flat=True)), options.warm_papers
    )
    workers = server_memory(folder, texts[::4], sample, say=say)
    print_memory(workers)
    memory = workers[0]["total"]
    if options.two_workers:
        print_memory(server_memory(folder, texts[::4], sample, workers=2, say=say))
    if options.memory_only:
        return
    search_speed.vector_store()
    stored = PaperVector.objects.filter(model=vectors.index().model).count()
    complete = stored >= papers * (1 - serving.SWITCH_MISSING_SHARE)
    if not complete:
        # A build cut short: the keyword figures are the whole site's, the rest would not be.
        print(
            f"only {stored:,} of {papers:,} papers have a vector: the semantic and hybrid "
            "figures below search those alone, similar papers are not timed, and the summary "
            "says n/a for them"
        )
    say("timing the searches")
    timings = search_speed.time_searches(texts)
    search_speed.time_hybrid_legs(texts)
    p95 = search_speed.p95_ms
    cpu = keyword_cpu(texts)
    print(f"keyword, CPU time of the process: {search_speed.percentiles(cpu)}")
    print(f"keyword, CPU time, the 64 long questions: {search_speed.percentiles(cpu[:64])}")
    print(f"keyword, CPU time, the title phrases: {search_speed.percentiles(cpu[64:])}")
    hybrid = f"{p95(timings['hybrid']):.1f}" if complete else "n/a"
    similar = f"{p95(search_speed.time_similar()):.1f}" if complete else "n/a"
    say("done")
    print(
        f"summary: papers={papers} keyword-p95-ms={p95(timings['keyword']):.1f} "
        f"hybrid-p95-ms={hybrid} similar-p95-ms={similar} server-MiB={memory['Rss']:.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/tmp/dailypapers-scale"))
    parser.add_argument("--copies", type=int, default=6, help="times the 170k papers are written")
    parser.add_argument("--skip-build", action="store_true", help="measure the site in --data")
    parser.add_argument(
        "--embed-until",
        help="HH:MM UTC: stop embedding then and copy the originals' vectors to the rest",
    )
    parser.add_argument("--build-only", action="store_true", help="build, do not measure")
    parser.add_argument(
        "--warm-papers", type=int, default=50, help="paper pages that warm the server up"
    )
    parser.add_argument(
        "--two-workers", action="store_true", help="also measure two workers' memory (PSS)"
    )
    parser.add_argument(
        "--memory-only", action="store_true", help="measure the server's memory, no timings"
    )
    args = parser.parse_args()
    folder = args.data.resolve()
    if ROOT in folder.parents or folder == ROOT:
        sys.exit("--data must be outside the repository")
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["DAILYPAPERS_DATA_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dailypapers.settings")
    os.environ["HF_HUB_OFFLINE"] = "1"
    until = None
    if args.embed_until:
        hour, minute = map(int, args.embed_until.split(":"))
        until = dt.datetime.now(dt.UTC).replace(hour=hour, minute=minute, second=0)
    if args.skip_build:
        state_file = folder / "scale-state.json"
        state = json.loads(state_file.read_text()) if state_file.exists() else {}
    else:
        state = build(folder, args.copies, until)
    if args.build_only:
        return
    measure(folder, state, args)


if __name__ == "__main__":
    main()
