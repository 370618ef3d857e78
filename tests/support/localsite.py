"""Start a real instance of the site on 127.0.0.1, for browser tests and benchmarks.

It runs what README's first command runs (migrate, ``demo load``, ``dailypapers serve``), in a
folder of its own, as separate processes. No Django import here: a benchmark can use it
without configuring Django in its own process.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.support.processdb import database_env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_demo_site(data_dir: Path, workers: int = 1, env: dict | None = None) -> Iterator[str]:
    """Start the site as README's first command does (migrate, demo load, ``dailypapers serve``)
    in ``data_dir`` on a free port of 127.0.0.1; yield its base URL; stop it afterwards."""
    environment = {
        **os.environ,
        "DAILYPAPERS_DATA_DIR": str(data_dir),
        **database_env(data_dir),
        **(env or {}),
    }
    command = [sys.executable, "-m", "dailypapers"]
    for step in (["migrate", "-v", "0"], ["demo", "load", "--if-empty", "-v", "0"]):
        subprocess.run(command + step, env=environment, check=True, timeout=300)
    port = free_port()
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 (closed when the server stops)
    server = subprocess.Popen(
        [*command, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/papers", timeout=5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the site did not start; see {data_dir}/server.log"
                    ) from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
