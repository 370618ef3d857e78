"""Rate limits hold in total however many server processes serve the site.

Two real server processes (``dailypapers serve``, as ``bin/serve`` starts them, one per core)
share one data folder and database; requests alternate between them. With counters kept per
process each would let through its own full share; kept in the database (the embedded
default) the second process sees the first one's count. On both engines.
"""

from __future__ import annotations

import httpx

from tests.support.localsite import running_demo_site
from tests.support.voteload import PASSWORD, make_verified_users

# Per day, so that no window ends during the test (a minute's window could restart mid-way).
LIMITS = "api.ip=10/d,login_failure.account_ip=4/d"


def log_in(client: httpx.Client, password: str) -> int:
    client.get("/accounts/login")
    response = client.post(
        "/accounts/login",
        data={
            "username": "erin",
            "password": password,
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
        headers={"Referer": str(client.base_url) + "/accounts/login"},
    )
    return response.status_code


def test_two_server_processes_share_every_limit(tmp_path):
    env = {"RATE_LIMITS": LIMITS}
    with (
        running_demo_site(tmp_path, env=env) as one,
        running_demo_site(tmp_path, env=env) as two,
    ):
        make_verified_users(tmp_path, ["erin"])
        with (
            httpx.Client(base_url=one, timeout=60) as first,
            httpx.Client(base_url=two, timeout=60) as second,
        ):
            servers = [first, second]
            api = [servers[n % 2].get("/api/organizations").status_code for n in range(16)]
            # Per process, each would have let 8 of its 8 through: 16 in all.
            assert api == [200] * 10 + [429] * 6

            guesses = [log_in(servers[n % 2], "a wrong guess") for n in range(4)]
            assert guesses == [200] * 4  # the form again, "please enter a correct..."
            # Two failures seen by each process: per process neither would be braked yet.
            assert log_in(first, PASSWORD) == 429
            assert log_in(second, PASSWORD) == 429
