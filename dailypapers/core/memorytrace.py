"""Where a served process's Python memory grows: tracemalloc snapshots, when asked for.

``DAILYPAPERS_TRACEMALLOC=/some/folder`` (a diagnosis setting, off by default) makes
``dailypapers serve`` and its workers trace their allocations and write a snapshot there every
``DAILYPAPERS_TRACEMALLOC_SECONDS`` (60): ``<pid>-<n>.tracemalloc``. ``bench/soak.py
--trace-memory`` sets it and diffs each worker's first snapshot after the warm-up against its
last (``compare``). Tracing slows the traced code down (a third or more), so never in
production. What the kernel maps from files (tantivy segments, HNSW graphs) is not Python
memory and does not show here; ``bench/soak.py`` reads those from ``/proc/<pid>/smaps``.
Not a profiler of time: cProfile is.
"""

from __future__ import annotations

import os
import threading
import time
import tracemalloc
from pathlib import Path

# One frame a block: the allocating line. Eight frames made the workers so slow under load
# that requests timed out.
FRAMES = 1


def start_from_environment() -> bool:
    """Start tracing and the snapshot thread if the setting asks for it; True if started."""
    folder = os.getenv("DAILYPAPERS_TRACEMALLOC")
    if not folder:
        return False
    seconds = float(os.getenv("DAILYPAPERS_TRACEMALLOC_SECONDS", "60"))
    Path(folder).mkdir(parents=True, exist_ok=True)
    tracemalloc.start(FRAMES)

    def start_thread() -> None:
        threading.Thread(
            target=_write_snapshots, args=(Path(folder), seconds), daemon=True, name="tracemalloc"
        ).start()

    start_thread()
    # gunicorn's workers are forked from ``serve``, which loaded the apps already: a thread
    # does not survive a fork, so each child starts its own.
    os.register_at_fork(after_in_child=start_thread)
    return True


def _write_snapshots(folder: Path, seconds: float) -> None:
    pid = os.getpid()
    for number in range(1_000_000):
        time.sleep(seconds)
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        # Written aside then renamed: a reader never opens half a snapshot.
        path = folder / f"{pid}-{number:04d}.tracemalloc"
        partial = path.with_suffix(".partial")
        snapshot.dump(str(partial))
        partial.rename(path)


def compare(first: Path, last: Path, top: int = 15) -> list[str]:
    """The lines that grew most from ``first`` to ``last`` (grouped by the allocating line),
    as text."""
    before = tracemalloc.Snapshot.load(str(first))
    after = tracemalloc.Snapshot.load(str(last))
    lines = [f"total traced: {_total(before) / 2**20:.1f} MiB -> {_total(after) / 2**20:.1f} MiB"]
    for difference in after.compare_to(before, "traceback")[:top]:
        frames = [
            f"{frame.filename.rsplit('site-packages/', 1)[-1]}:{frame.lineno}"
            for frame in difference.traceback[-3:]
        ]
        lines.append(
            f"  {difference.size_diff / 2**20:+.1f} MiB ({difference.count_diff:+d} blocks)"
            f" at {' <- '.join(reversed(frames))}"
        )
    return lines


def _total(snapshot: tracemalloc.Snapshot) -> int:
    return sum(statistic.size for statistic in snapshot.statistics("filename"))
