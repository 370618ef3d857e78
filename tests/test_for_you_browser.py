"""End to end in Debian's Chromium: a reader imports a .bib, follows an author, sees "For you"
with a reason on every paper, hides a paper and it is gone (and can come back)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
BIB = Path(__file__).resolve().parent.parent / "dailypapers/library/tests/fixtures/zotero.bib"
AUTHOR = "Fangfu Liu"  # an author on the newest bundled daily list (2026-05-28)
PASSWORD = "a long for-you password"
SCREENSHOT = Path(__file__).resolve().parent.parent / "var" / "for-you.png"


def test_a_reader_imports_follows_and_hides(community_site, page):
    page.goto(community_site.base + "/accounts/signup")
    page.get_by_label("Email:").fill("erin@example.org")
    page.get_by_label("Username:").fill("erin")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation:").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    mail = next(m for m in community_site.mails if m["To"] == "erin@example.org")
    page.goto(re.search(r"http://\S+/accounts/verify/\S+", mail.get_payload())[0])
    page.goto(community_site.base + "/accounts/login?next=/library")
    page.get_by_label("Email or username:").fill("erin")
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Import: the two bundled papers match, the unbundled arXiv id is queued.
    expect(page.locator("h1")).to_have_text("Your library")
    page.locator("input[type=file]").set_input_files(str(BIB))
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".messages")).to_contain_text(
        "2 of 5 references matched papers here; 2 new in your library; "
        "1 arXiv papers queued for fetching; 2 not found."
    )
    expect(page.get_by_text("2606.01850")).to_be_visible()

    # Follow an author from their page.
    page.goto(community_site.base + "/authors/" + AUTHOR)
    page.get_by_role("button", name="+ Follow").click()
    expect(page.get_by_role("button", name="✓ Following")).to_be_visible()

    # For you: every paper has a reason; the followed author's paper says so.
    page.get_by_role("link", name="For you").first.click()
    expect(page.locator("h1")).to_contain_text("For you")
    # The newest bundled list's day: other tests of the shared site submit papers today.
    page.goto(community_site.base + "/papers/for-you?date=2026-05-28")
    picks = page.locator("li.pick")
    count = picks.count()
    assert count > 5
    assert page.locator("li.pick .why .reason").count() >= count
    expect(page.locator(".why").first).to_be_visible()
    expect(page.locator(".reason.author").first).to_contain_text(f"By {AUTHOR}, which you follow")
    expect(page.locator(".reason.library").first).to_contain_text("Close to")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    # Hide the first paper: it is gone, and Undo brings it back.
    first = picks.first.locator("h3").inner_text()
    picks.first.get_by_role("button", name="Not interested").click()
    expect(page.locator(".messages")).to_contain_text("marked not interested")
    expect(page.locator("li.pick h3", has_text=first)).to_have_count(0)
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("li.pick h3", has_text=first)).to_have_count(1)
