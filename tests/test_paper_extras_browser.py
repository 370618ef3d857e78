"""In Chromium: thumbnails made by the worker from a local arXiv-like PDF server show on cards
and on the paper page, with the one-line summary and the code link (screenshots are kept in
the test's folder for a person to look at)."""

from __future__ import annotations

import http.server
import os
import re
import subprocess
import sys
import threading

import pytest
from playwright.sync_api import Page, expect

from dailypapers.pdfs.tests.documents import make_pdf
from tests.support.localsite import running_demo_site

pytestmark = pytest.mark.browser


class PdfServer(http.server.BaseHTTPRequestHandler):
    """Answers /pdf/<id> with a one-page PDF naming the id, like arXiv's PDF server."""

    def do_GET(self) -> None:
        arxiv_id = self.path.rsplit("/", 1)[-1]
        body = make_pdf(f"A paper fetched as {arxiv_id}\nIntroduction\nMethod\nResults")
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def extras_site(tmp_path_factory):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PdfServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    data_dir = tmp_path_factory.mktemp("extras")
    env = {
        "ARXIV_PDF_URL": f"http://127.0.0.1:{server.server_port}/pdf/",
        "INGEST_CONTACT": "ops@example.org",
        "RATE_LIMITS_ENABLED": "false",
        "PAGE_CACHE_SECONDS": "0",
    }
    try:
        with running_demo_site(data_dir, env=env) as base:
            environment = {**os.environ, "DAILYPAPERS_DATA_DIR": str(data_dir), **env}
            from tests.support.processdb import database_env

            environment.update(database_env(data_dir))
            done = subprocess.run(
                [sys.executable, "-m", "dailypapers", "thumbnails", "fetch", "--limit", "2"],
                env=environment,
                capture_output=True,
                text=True,
                timeout=120,
                check=True,
            )
            fetched = re.findall(r"^(\S+): done$", done.stdout, re.M)
            yield base, fetched, data_dir
    finally:
        server.shutdown()
        server.server_close()


def test_cards_show_thumbnails_and_labelled_summaries(extras_site, page: Page):
    base, fetched, data_dir = extras_site
    assert len(fetched) == 2
    page.goto(base + "/papers")
    card = page.locator("li.entry", has=page.locator(f'a[href="/papers/{fetched[0]}"]')).first
    image = card.locator(".thumb img")
    expect(image).to_be_visible()
    card.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert image.evaluate("img => img.currentSrc").endswith("/thumbnail.webp")
    assert image.evaluate("img => img.naturalWidth") == 320
    expect(page.locator(".summary .label").first).to_have_text(
        re.compile("From the abstract|AI summary")
    )
    page.screenshot(path=str(data_dir / "cards.png"), full_page=False)


def test_the_paper_page_shows_the_thumbnail_summary_and_code_link(extras_site, page: Page):
    base, fetched, data_dir = extras_site
    page.goto(f"{base}/papers/{fetched[0]}")
    image = page.locator(".lead .thumb img")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert image.evaluate("img => img.naturalWidth") == 320
    expect(page.locator(".lead .summary")).to_be_visible()
    page.screenshot(path=str(data_dir / "paper.png"), full_page=False)
    markdown = page.request.get(f"{base}/papers/{fetched[0]}.md").text()
    assert f"A paper fetched as {fetched[0]}" in markdown


def test_a_paper_not_fetched_yet_shows_the_placeholder(extras_site, page: Page):
    base, fetched, _ = extras_site
    page.goto(base + "/papers")
    links = page.locator("li.entry h3 a")
    others = [
        href
        for href in (links.nth(index).get_attribute("href") for index in range(links.count()))
        if href and href.removeprefix("/papers/") not in fetched
    ]
    answer = page.request.get(f"{base}{others[0]}/thumbnail.webp")
    assert answer.ok and "/thumbnail." in answer.url  # hashed by the manifest
    assert answer.headers["content-type"].startswith("image/svg")
