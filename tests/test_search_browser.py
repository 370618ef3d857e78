"""Search in Debian's Chromium: a visitor searches the demo papers, narrows the results with
the filter form, sorts them, pages through them, and starts a search from a paper.

The site is the session's demo site (``community_site``: ``running_demo_site`` with the
bundled papers and their shipped vectors), so meaning-based results work from the start.
"""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def site(community_site):
    return community_site.base


def shown_count(page: Page) -> int:
    text = page.locator(".result-count").inner_text()
    return int(re.search(r"[\d,]+", text).group().replace(",", ""))


def params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_a_visitor_narrows_sorts_and_pages_a_search_with_the_filter_form(site, page: Page):
    page.goto(site + "/papers?q=language+models")
    expect(page.locator(".result-count")).to_contain_text("language models")
    everything = shown_count(page)
    assert everything > 20

    filters = page.get_by_role("form", name="Search filters")
    filters.get_by_label("Category").fill("cs.CL")
    filters.get_by_label("Has code").check()
    filters.get_by_label("Sort").select_option("newest")
    filters.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"category=cs\.CL"))
    assert params(page)["code"] == ["1"] and params(page)["sort"] == ["newest"]
    narrowed = shown_count(page)
    assert 0 < narrowed < everything
    results = page.locator("ol.results > li")
    for row in range(results.count()):
        expect(results.nth(row).locator(".meta")).to_contain_text("Code")
    # The form shows the filters in force.
    expect(filters.get_by_label("Category")).to_have_value("cs.CL")
    expect(filters.get_by_label("Has code")).to_be_checked()

    dates = page.locator("ol.results .meta span", has_text="Published on").all_inner_texts()
    assert len(dates) == results.count()

    next_page = page.get_by_role("link", name=re.compile("Next"))
    if next_page.count():
        next_page.click()
        assert params(page)["category"] == ["cs.CL"] and params(page)["page"] == ["2"]
        expect(page.locator(".pager")).to_contain_text("Page 2")


def test_hostile_input_and_an_impossible_filter_give_a_friendly_page(site, page: Page):
    page.goto(site + "/papers?q=%22unbalanced+NEAR(+*+OR&from=not-a-date&sort=bogus")
    expect(page.locator("h1, .result-count, .empty").first).to_be_visible()
    page.goto(site + "/papers?q=alignment&from=2999-01-01")
    expect(page.locator(".empty")).to_contain_text("with these filters")


def test_more_like_this_starts_a_search_from_a_paper(site, page: Page):
    page.goto(site + "/papers?q=alignment")
    first = page.locator("ol.results > li").first
    title = first.locator("h3 a").inner_text()
    first.get_by_role("link", name="More like this").click()
    expect(page).to_have_url(re.compile(r"q=like%3A|q=like:"))
    expect(page.locator(".result-count")).to_contain_text("like")
    assert title not in page.locator("ol.results h3").all_inner_texts()
