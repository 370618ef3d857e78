"""End to end in Debian's Chromium: a visitor opens a paper the site does not hold, sees the
"fetching from arXiv" page, and the paper appears by itself once the real worker process
(``dailypapers submissions fetch --loop``) has fetched it from a local server answering as arXiv
does (a recorded arXiv answer); dark mode follows the system and the switch remembers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.localsite import running_demo_site
from tests.support.processdb import database_env
from tests.support.scripted_server import ScriptedServer, respond

pytestmark = pytest.mark.browser

FIXTURE = "tests/fixtures/sources/arxiv/api/id_1707.08567_many_authors.xml"
KNOWN = "1707.08567"
DARK_BACKGROUND = "rgb(11, 15, 23)"  # --bg of the dark palette in site.css
LIGHT_BACKGROUND = "rgb(249, 250, 251)"


@pytest.fixture(scope="module")
def arxiv_site(tmp_path_factory):
    """The demo site pointed at a local arXiv, with the fetch worker running beside it."""
    body = (Path(__file__).resolve().parents[1] / FIXTURE).read_bytes()
    arxiv = ScriptedServer([respond(200, body)])
    data_dir = tmp_path_factory.mktemp("ondemand")
    env = {
        "INGEST_CONTACT": "ops@example.org",
        "ARXIV_API_URL": arxiv.url + "/api/query",
        "RATE_LIMITS_ENABLED": "false",
    }
    try:
        with running_demo_site(data_dir, workers=1, env=env) as base:
            environment = {
                **os.environ,
                "DAILYPAPERS_DATA_DIR": str(data_dir),
                **database_env(data_dir),
                **env,
            }
            log = open(data_dir / "worker.log", "w")  # noqa: SIM115 (closed below)
            worker = subprocess.Popen(
                [sys.executable, "-m", "dailypapers", "submissions", "fetch", "--loop"],
                env=environment,
                stdout=log,
                stderr=log,
            )
            try:
                yield base, arxiv
            finally:
                worker.terminate()
                worker.wait(timeout=30)
                log.close()
    finally:
        arxiv.close()


def test_a_paper_not_held_appears_by_itself_once_fetched(arxiv_site, page: Page):
    base, arxiv = arxiv_site
    response = page.goto(f"{base}/papers/{KNOWN}")
    assert response is not None and response.status == 202
    expect(page.locator("h1")).to_have_text("Fetching from arXiv")
    # No click, no reload by the test: the page refreshes itself until the paper is here.
    expect(page.locator("article h1")).to_contain_text(
        "Proceedings of Workshop AEW10", timeout=30_000
    )
    assert len(arxiv.requests) == 1
    # 34 authors and the BibTeX wrap inside a phone's width.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    overflow = page.evaluate(
        "(() => { const pre = document.getElementById('bibtex');"
        " return pre.scrollWidth - pre.clientWidth; })()"
    )
    assert overflow <= 0


def test_dark_mode_follows_the_system_and_the_switch_remembers(arxiv_site, browser):
    base, _ = arxiv_site
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base + "/papers")

    def background() -> str:
        return page.evaluate("getComputedStyle(document.body).backgroundColor")

    assert background() == DARK_BACKGROUND
    switch = page.locator("[data-theme-switch]")
    expect(switch).to_have_attribute("aria-pressed", "true")
    switch.click()
    assert background() == LIGHT_BACKGROUND
    page.reload()
    assert background() == LIGHT_BACKGROUND, "the choice outlives the page"
    expect(page.locator("[data-theme-switch]")).to_have_attribute("aria-pressed", "false")
    page.locator("[data-theme-switch]").click()
    page.goto(base + f"/papers/{KNOWN}")
    assert background() == DARK_BACKGROUND
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
