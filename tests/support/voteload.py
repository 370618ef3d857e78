"""Many users voting at once against a real running site, for the concurrency test and
``bench/votes.py``.

It makes verified accounts in the site's own database (``dailypapers shell``, as an operator
would), logs each in over HTTP like a browser (CSRF cookie, then the form), and fires votes from
a pool of threads. Every (user, paper) pair gets a burst of up/down votes, some sent twice at
once like a double click, ending on a known choice, so the exact final count of every paper is
known in advance. No Django import here: the caller's process need not configure Django.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.processdb import database_env

PASSWORD = "a long load-test password"

_MAKE_USERS = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from dailypapers.accounts.models import Profile
User = get_user_model()
for name in {names!r}:
    user = User.objects.filter(username=name).first() or User.objects.create_user(
        name, f"{{name}}@example.org", {password!r})
    Profile.objects.filter(user=user).update(email_verified_at=timezone.now())
"""

_COUNTS = """
import json
from django.db.models import Count
from dailypapers.papers.models import Paper
rows = Paper.objects.filter(arxiv_id__in={ids!r}).annotate(rows=Count("upvote_rows"))
print(json.dumps({{p.arxiv_id: [p.upvote_count, p.rows] for p in rows}}))
"""


def _shell(data_dir: Path, code: str) -> str:
    environment = {**os.environ, "DAILYPAPERS_DATA_DIR": str(data_dir), **database_env(data_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "dailypapers", "shell", "-v", "0", "-c", code],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout


def make_verified_users(data_dir: Path, names: Iterable[str]) -> None:
    _shell(data_dir, _MAKE_USERS.format(names=list(names), password=PASSWORD))


def stored_counts(data_dir: Path, arxiv_ids: Iterable[str]) -> dict[str, tuple[int, int]]:
    """``{arxiv_id: (Paper.upvote_count, number of Upvote rows)}`` read from the database."""
    output = _shell(data_dir, _COUNTS.format(ids=list(arxiv_ids))).strip().splitlines()[-1]
    return {key: (value[0], value[1]) for key, value in json.loads(output).items()}


def logged_in_client(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    client.get("/accounts/login")
    response = client.post(
        "/accounts/login",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
        headers={"Referer": base + "/accounts/login"},
    )
    if response.status_code != 302:
        raise RuntimeError(f"{username} could not log in: HTTP {response.status_code}")
    return client


@dataclass
class VoteRun:
    sent: int
    seconds: float
    failures: list[str]
    expected: dict[str, int]  # our users' upvotes each paper must end with

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0


def fire_votes(
    clients: dict[str, httpx.Client],
    arxiv_ids: list[str],
    rounds: int = 4,
    threads: int = 16,
    seed: int = 5,
) -> VoteRun:
    """Each user votes on each paper ``rounds`` times (up and down at random, the last one sent
    twice at once), all users and papers interleaved over ``threads`` threads."""
    chooser = random.Random(seed)
    plans = []
    expected = dict.fromkeys(arxiv_ids, 0)
    for username in clients:
        for arxiv_id in arxiv_ids:
            choices = [chooser.random() < 0.5 for _ in range(rounds)]
            plans.append((username, arxiv_id, choices))
            expected[arxiv_id] += choices[-1]
    chooser.shuffle(plans)
    locks = {username: threading.Lock() for username in clients}  # httpx clients: one at a time
    local = threading.local()
    opened: list[httpx.Client] = []
    opened_lock = threading.Lock()
    tokens = {username: client.cookies["csrftoken"] for username, client in clients.items()}
    failures: list[str] = []
    sent = 0
    sent_lock = threading.Lock()

    def send(username: str, arxiv_id: str, up: bool) -> None:
        nonlocal sent
        client = clients[username]
        # One connection per thread and user: the same user really votes from parallel threads,
        # and a client is built once (building one costs more than a vote).
        mine = getattr(local, "clients", None)
        if mine is None:
            mine = local.clients = {}
        if username not in mine:
            with locks[username]:
                cookies = httpx.Cookies(client.cookies)
            mine[username] = httpx.Client(base_url=client.base_url, cookies=cookies, timeout=60)
            with opened_lock:
                opened.append(mine[username])
        response = mine[username].post(
            f"/papers/{arxiv_id}/vote",
            data={"vote": "1" if up else "0", "csrfmiddlewaretoken": tokens[username]},
            headers={"Accept": "application/json", "Referer": str(client.base_url)},
        )
        with sent_lock:
            sent += 1
            if response.status_code != 200 or response.json()["voted"] != up:
                failures.append(f"{username} {arxiv_id}: HTTP {response.status_code}")

    def run_plan(plan) -> None:
        username, arxiv_id, choices = plan
        for up in choices[:-1]:
            send(username, arxiv_id, up)
        # The final choice twice at the same moment, like an impatient double click.
        twins = [threading.Thread(target=send, args=(username, arxiv_id, choices[-1]))]
        twins.append(threading.Thread(target=send, args=(username, arxiv_id, choices[-1])))
        for twin in twins:
            twin.start()
        for twin in twins:
            twin.join()

    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(run_plan, plans))
    finally:
        for opened_client in opened:
            opened_client.close()
    return VoteRun(sent, time.perf_counter() - started, failures, expected)
