"""End to end in Debian's Chromium: a visitor reads the days, searches, and opens a paper."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# A bundled paper whose abstract holds inline LaTeX: "$\mathbb{F}_p$".
MATH_PAPER = "2603.29942"


@pytest.fixture
def site(community_site):
    return community_site.base


def test_a_visitor_reads_two_days_searches_and_sees_rendered_math(site, page: Page):
    page.goto(site + "/")
    expect(page.locator("h1")).to_contain_text("May 28, 2026")
    entries = page.locator("ol.entries > li")
    expect(entries.first).to_be_visible()
    assert entries.count() > 10

    page.get_by_role("link", name=re.compile("Previous day")).click()
    expect(page).to_have_url(re.compile(r"/papers/date/2026-05-27$"))
    expect(page.locator("h1")).to_contain_text("May 27, 2026")

    search = page.get_by_role("searchbox", name="Search papers")
    search.fill("alignment")
    search.press("Enter")
    expect(page.locator(".result-count")).to_contain_text("alignment")
    first_result = page.locator("ol.results h3 a").first
    title = first_result.inner_text()
    first_result.click()
    expect(page.locator("article h1")).to_have_text(title)


def test_math_in_an_abstract_is_typeset_by_our_own_katex(site, page: Page):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site + "/papers/" + MATH_PAPER)
    expect(page.locator(".abstract .katex").first).to_be_visible()
    assert "$\\mathbb{F}_p$" not in page.locator(".abstract").inner_text()
    assert all(url.startswith(site) for url in requests), "every asset comes from our server"


def test_the_daily_page_fits_a_phone(site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(site + "/papers")
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 390
