"""``dailypapers serve``: the production web server (gunicorn, static files by WhiteNoise).

One worker process per core, each with a few threads: page rendering is short and SQLite or
PostgreSQL calls release the GIL, so threads keep a core busy while another request waits.
Each worker listens on the port itself (SO_REUSEPORT), so that connections spread over the
workers, and glibc's allocator is told to give large blocks back (``return_freed_memory``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from gunicorn.app.base import BaseApplication

from dailypapers.core import memorytrace
from dailypapers.search import keyword

# mallopt parameters (glibc's malloc.h).
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8


def return_freed_memory() -> bool:
    """Make glibc hand blocks of 256 KiB and more back to the system when freed, and keep the
    threads of a worker to two malloc arenas. Left to itself, glibc raises its threshold for
    such blocks after the first is freed (up to 32 MiB) and serves them from per-thread
    arenas it never shrinks: a vector matrix rebuilt as papers are embedded, or a keyword
    catch-up's buffers, then stay resident in every thread's arena. Set before gunicorn
    forks, so every worker has it. Returns whether it could (glibc on Linux only)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return False
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:  # musl and others have no mallopt
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, 256 * 1024)) and bool(mallopt(M_ARENA_MAX, 2))


class GunicornApplication(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from dailypapers.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve the site with gunicorn (not Django's development server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.getenv("BIND", "127.0.0.1:8000"),
            help="Address to listen on (default: $BIND or 127.0.0.1:8000).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.getenv("WEB_WORKERS", str(os.cpu_count() or 1))),
            help="Worker processes (default: $WEB_WORKERS or one per core).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.getenv("WEB_THREADS", "4")),
            help="Threads per worker (default: $WEB_THREADS or 4).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Skip gathering static files first (when a deploy step already did it).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        # Build or update the keyword index now (after an upgrade or a restore it may be
        # missing), rather than in a visitor's first search.
        if indexed := keyword.catch_up():
            self.stdout.write(f"keyword index: {indexed} papers indexed")
        return_freed_memory()
        # Off unless DAILYPAPERS_TRACEMALLOC names a folder (bench/soak.py --trace-memory).
        memorytrace.start_from_environment()
        self.stdout.write(
            f"Serving on http://{options['bind']} with {options['workers']} workers "
            f"x {options['threads']} threads"
        )
        GunicornApplication(
            {
                "bind": options["bind"],
                "workers": options["workers"],
                "threads": options["threads"],
                "worker_class": "gthread",
                # Each worker listens on a socket of its own (SO_REUSEPORT), so the kernel
                # spreads new connections over the workers. On one shared socket, the worker
                # that wakes first accepts a burst of keep-alive connections and keeps them:
                # at 32 clients one worker served them all while the other sat idle.
                "reuse_port": True,
                "accesslog": os.getenv("ACCESS_LOG") or None,
                "errorlog": "-",
                "graceful_timeout": 10,
                "timeout": 60,
                # Several instances (tests, benches) may run at once; none needs the socket.
                "control_socket_disable": True,
            }
        ).run()
