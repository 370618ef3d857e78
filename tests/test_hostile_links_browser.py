"""In Debian's Chromium: a paper whose stored upstream links and abstract are hostile runs no
script, its page carries the Content-Security-Policy, the page's own scripts (votes, KaTeX,
copy) run under it without a single violation, and script slipped into the page is refused."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.support.voteload import _shell

pytestmark = pytest.mark.browser
PAPER = "2605.09999"

# A row as an older version stored it from Hugging Face: links unchecked.
_HOSTILE_PAPER = """
from dailypapers.papers.models import Paper
Paper.objects.filter(arxiv_id={arxiv_id!r}).delete()
Paper.objects.create(
    arxiv_id={arxiv_id!r},
    title="Hostile links <script>window.pwned = 'title'</script>",
    abstract="Math $x^2$ and <img src=x onerror=\\"window.pwned = 'abstract'\\">.",
    author_names=["Mallory"],
    github_repo="javascript:window.pwned = 'code'//https://github.com/a/b",
    project_page="javascript:window.pwned = 'project'",
)
"""


@pytest.fixture(scope="module")
def hostile_paper(community_site):
    _shell(community_site.data_dir, _HOSTILE_PAPER.format(arxiv_id=PAPER))
    return community_site.base + "/papers/" + PAPER


def csp_violations(page: Page) -> list[str]:
    """The page's console reports of refused content, from now on."""
    messages: list[str] = []

    def keep(message) -> None:
        if "Content Security Policy" in message.text:
            messages.append(message.text)

    page.on("console", keep)
    return messages


def test_a_paper_with_hostile_links_runs_no_script(hostile_paper, page: Page):
    violations = csp_violations(page)
    response = page.goto(hostile_paper)
    assert response is not None and response.status == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy

    expect(page.locator("article h1")).to_contain_text("Hostile links <script>")
    expect(page.locator(".abstract .katex").first).to_be_visible()  # KaTeX runs under the CSP
    assert page.locator("a[href^='javascript:' i]").count() == 0
    hrefs = [link.get_attribute("href") or "" for link in page.locator("a[href]").all()]
    assert all(href.startswith(("/", "#", "?", "http://", "https://")) for href in hrefs), hrefs
    assert page.evaluate("window.pwned") is None
    assert violations == [], "the page's own assets break its policy"


def test_script_slipped_into_the_page_is_refused_by_the_policy(hostile_paper, page: Page):
    violations = csp_violations(page)
    page.goto(hostile_paper)
    # What a stored link or markup would do if it ever got through: an inline script, an
    # inline handler and a javascript: link.
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = "window.pwned = 'inline script'";
            document.body.append(script);
            const image = document.createElement('img');
            image.setAttribute('onerror', "window.pwned = 'handler'");
            image.src = '/no-such-image.png';
            document.body.append(image);
        }"""
    )
    page.wait_for_timeout(500)
    assert page.evaluate("window.pwned") is None
    page.evaluate(
        """() => {
            const link = document.createElement('a');
            link.href = "javascript:void(window.pwned = 'link')";
            link.id = 'slipped';
            link.textContent = 'slipped';
            document.body.append(link);
        }"""
    )
    page.click("#slipped")
    page.wait_for_timeout(500)
    assert page.evaluate("window.pwned") is None
    assert len(violations) >= 3, json.dumps(violations)
