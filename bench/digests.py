"""Compose and deliver 10,000 personalised digests to a local SMTP server.

The bundled papers are loaded into a temporary database; 10,000 confirmed subscriptions fall
due on the morning after the last bundled list, a realistic mix: half with no topics (the
trending papers only), the other half with 1-5 topics (drawn from 40 common research topics)
and 0-2 arXiv categories. An aiosmtpd server runs in a child process on 127.0.0.1 and accepts
everything.
The worker code (``sending.handle_batch``) runs in this process, timed per stage: search (topic
matching and trending, in ``compose``), rendering (templates and CSS inlining), SMTP. With
``--workers N`` (N > 1) ``dailypapers digests send --workers N`` sends them instead, its
worker processes forked from this one, whose clock is set to that morning; the stages are
then not timed apart. Ends with ``summary: digests=<n> seconds=<s> workers=<w>``.

``--readers N`` of the subscriptions (none by default) belong to signed-in readers with a
library (``--library`` papers of the bundle, imported as ``LibraryItem`` rows) who follow one
author and one category, so their digests also have the "From what you follow" and "For you"
sections; those two are timed on their own too (they are part of "search").

``--profile FILE`` (with one worker) writes a cProfile of the sending alone (not the set-up)
to FILE, for ``python -m pstats``.

    .venv/bin/python bench/digests.py [--count 10000] [--readers N] [--library 50] [--workers 2]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

TOPICS = [
    "alignment", "diffusion models", "reinforcement learning", "vision transformers",
    "large language model agents", "retrieval augmented generation", "speech recognition",
    "robot manipulation", "mixture of experts", "video generation", "code generation",
    "quantization", "multimodal reasoning", "graph neural networks", "federated learning",
    "interpretability", "benchmarks", "3D reconstruction", "image segmentation", "world models",
    "reasoning", "chain of thought", "preference optimization", "tokenization", "long context",
    "medical imaging", "autonomous driving", "text to image", "knowledge distillation",
    "hallucination", "safety", "math reasoning", "embodied agents", "scientific discovery",
    "data curation", "evaluation", "efficient inference", "speculative decoding",
    "state space models", "continual learning",
]  # fmt: skip
CATEGORIES = ["cs.CL", "cs.CV", "cs.AI", "cs.LG", "cs.RO"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def timed(totals: dict[str, float], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[name] += time.perf_counter() - started

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--readers", type=int, default=0, help="signed-in readers (default 0)")
    parser.add_argument("--library", type=int, default=50)
    parser.add_argument("--profile", default="", help="cProfile output file (one worker)")
    options = parser.parse_args()
    readers = min(options.readers, options.count)
    folder = tempfile.mkdtemp()
    port = free_port()
    os.environ.update(
        DAILYPAPERS_DATA_DIR=folder,
        DJANGO_SETTINGS_MODULE="dailypapers.settings",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
    )
    smtp = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c",
         "aiosmtpd.handlers.Sink"]
    )  # fmt: skip
    try:
        run(options.count, readers, options.library, options.workers, options.profile)
    finally:
        before = os.times()
        smtp.terminate()
        smtp.wait()
        after = os.times()
        # The SMTP server shares the cores: what it cost is part of what the bench measures.
        server = (after.children_user + after.children_system) - (
            before.children_user + before.children_system
        )
        print(f"SMTP server CPU: {server:.1f} s")
        shutil.rmtree(folder, ignore_errors=True)


def make_readers(count: int, library: int, chooser: random.Random) -> list[Any]:
    """``count`` accounts, each with ``library`` papers of the bundle in their library and a
    followed author and category (of one of those papers)."""
    from django.contrib.auth import get_user_model

    from dailypapers.library.models import Follow, LibraryItem
    from dailypapers.papers.models import Paper

    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(username=f"reader{n}", email=f"reader{n}@example.org")
            for n in range(count)
        ],
        batch_size=1000,
    )
    papers = list(Paper.objects.values_list("id", "author_names", "primary_category"))
    items, follows = [], []
    for user in users:
        picked = chooser.sample(papers, min(library, len(papers)))
        items += [LibraryItem(user=user, paper_id=pk) for pk, _, _ in picked]
        _, authors, category = picked[0]
        if authors:
            follows.append(Follow(user=user, kind="author", target=authors[0]))
        if category:
            follows.append(Follow(user=user, kind="category", target=category))
    LibraryItem.objects.bulk_create(items, batch_size=5000)
    Follow.objects.bulk_create(follows, batch_size=5000)
    return users


def selection(chooser: random.Random) -> tuple[list[str], list[str]]:
    """One subscriber's topics and categories: half choose none (trending only), the rest
    1-5 topics and 0-2 categories."""
    if chooser.random() < 0.5:
        return [], []
    topics = chooser.sample(TOPICS, chooser.randint(1, 5))
    return topics, chooser.sample(CATEGORIES, chooser.randint(0, 2))


def run(count: int, readers: int, library: int, workers: int, profile: str = "") -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from dailypapers.digests import compose, emails, sending
    from dailypapers.digests.models import Delivery, Subscription

    call_command("migrate", verbosity=0)
    call_command("demo", "load", verbosity=0)
    due = dt.datetime(2026, 5, 29, 7, tzinfo=dt.UTC)  # Friday: covers Thursday May 28's list
    chooser = random.Random(7)
    users = make_readers(readers, library, chooser)
    subscriptions = []
    for n in range(count):
        topics, categories = selection(chooser)
        subscriptions.append(
            Subscription(
                email=f"reader{n}@example.org",
                user=users[n] if n < readers else None,
                topics=topics,
                categories=categories,
                confirmed_at=due,
                next_send_at=due,
            )
        )
    Subscription.objects.bulk_create(subscriptions, batch_size=1000)
    now = due + dt.timedelta(minutes=1)
    if workers > 1:
        from django.utils import timezone

        # The workers are forked from this process: they keep its clock, on that morning.
        timezone.now = lambda: now  # type: ignore[assignment]
        started = time.perf_counter()
        call_command("digests", "send", "--workers", str(workers), verbosity=0)
        elapsed = time.perf_counter() - started
        cpu = os.times()
        # The workers' own CPU time: less swayed than the wall time by other work on the
        # machine (the SMTP server's is not in it).
        print(f"worker CPU: {cpu.children_user + cpu.children_system:.1f} s")
        sent = Delivery.objects.filter(state="sent").count()
        print(f"{sent:,} digests sent in {elapsed:.1f} s by {workers} workers: "
              f"{sent / elapsed:,.0f} digests/s")  # fmt: skip
        print(f"summary: digests={sent} seconds={elapsed:.1f} workers={workers}")
        return
    totals: dict[str, float] = defaultdict(float)
    sections: dict[str, float] = defaultdict(float)
    compose.follow_alerts = timed(sections, "follow alerts", compose.follow_alerts)  # type: ignore[attr-defined]
    compose.for_you_picks = timed(sections, "for you", compose.for_you_picks)  # type: ignore[attr-defined]
    sending.compose = timed(totals, "search", compose.compose)  # type: ignore[attr-defined]
    sending.render_digest = timed(totals, "render", emails.render_digest)  # type: ignore[attr-defined]
    sending.Sender.send = timed(totals, "smtp", sending.Sender.send)  # type: ignore[method-assign]
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    handled = 0
    if profiler is not None:
        profiler.enable()
    with sending.smtp_session():
        while outcomes := sending.handle_batch(now):
            handled += len(outcomes)
    elapsed = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    sent = Delivery.objects.filter(state="sent").count()
    print(f"{handled:,} subscriptions handled ({readers:,} of readers with a {library}-paper "
          f"library), {sent:,} digests sent in {elapsed:.1f} s: "
          f"{handled / elapsed:,.0f} digests/s")  # fmt: skip
    other = elapsed - sum(totals.values())
    for name, seconds in [*totals.items(), ("claim, record, schedule", other)]:
        print(f"  {name:24} {seconds / handled * 1000:6.2f} ms per digest "
              f"({seconds / elapsed:4.0%})")  # fmt: skip
    for name, seconds in sections.items():
        each = seconds / max(readers, 1)
        print(f"    of which {name:15} {each * 1000:6.2f} ms per reader's digest "
              f"({seconds / elapsed:4.0%}); 10,000 readers: {each * 10_000:.0f} s")  # fmt: skip
    print(f"summary: digests={sent} seconds={elapsed:.1f} workers=1")


if __name__ == "__main__":
    main()
