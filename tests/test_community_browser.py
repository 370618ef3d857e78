"""End to end in Debian's Chromium: a visitor signs up, verifies the emailed link, logs in,
upvotes without a reload, comments and submits a paper."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
PAPER = "2603.29942"  # on the bundled demo lists
PASSWORD = "a long browser password"


@pytest.fixture(scope="module")
def member(community_site, browser):
    """Dana signs up in the browser and verifies her email from the real SMTP server."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(community_site.base + "/papers")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email:").fill("dana@example.org")
    page.get_by_label("Username:").fill("dana")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation:").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator("h1")).to_have_text("Check your inbox")
    mail = next(m for m in community_site.mails if m["To"] == "dana@example.org")
    link = re.search(r"http://\S+/accounts/verify/\S+", mail.get_payload())[0]
    page.goto(link)
    # The link asks for the password: whoever opens it must be who signed up.
    page.get_by_label("Your password:").fill(PASSWORD)
    page.get_by_role("button", name="Verify my email").click()
    expect(page.locator(".messages")).to_contain_text("Your email is verified")
    context.close()
    return "dana"


def log_in(page: Page, base: str, next_path: str = "/papers") -> None:
    page.goto(base + "/accounts/login?next=" + next_path)
    page.get_by_label("Email or username:").fill("dana@example.org")
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_an_anonymous_click_on_upvote_asks_to_log_in(community_site, page):
    page.goto(community_site.base + "/papers/" + PAPER)
    page.locator("a.votes").click()
    expect(page).to_have_url(re.compile(r"/accounts/login\?next=/papers/"))


def test_a_member_upvotes_and_takes_it_back_without_a_reload(community_site, member, page):
    log_in(page, community_site.base, "/papers/" + PAPER)
    button = page.locator("form[data-vote] button")
    before = int(button.locator(".count").inner_text().replace(",", ""))
    page.evaluate("window.notReloaded = true")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".count")).to_have_text(f"{before + 1:,}")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(button.locator(".count")).to_have_text(f"{before:,}")
    assert page.evaluate("window.notReloaded") is True


def test_a_member_comments_in_markdown(community_site, member, page):
    log_in(page, community_site.base, "/papers/" + PAPER)
    page.get_by_label("Add a comment").fill("Great **paper** <script>alert(1)</script>")
    page.get_by_role("button", name="Comment", exact=True).click()
    comment = page.locator(".comment").last
    expect(comment.locator("strong")).to_have_text("paper")
    expect(comment).to_contain_text("<script>alert(1)</script>")  # shown as text, not run


def test_a_member_submits_a_paper_that_waits_to_be_fetched(community_site, member, page):
    log_in(page, community_site.base)
    page.get_by_role("link", name="Submit a paper").click()
    arxiv_id = f"{dt.datetime.now(dt.UTC):%y%m}.99991"
    page.get_by_label("arXiv id or URL").fill(f"https://arxiv.org/abs/{arxiv_id}v1")
    page.get_by_role("button", name="Submit").click()
    expect(page).to_have_url(re.compile(rf"/papers/{re.escape(arxiv_id)}$"))
    # Pending (this site has no INGEST_CONTACT): its page says so, and so does the submit page.
    expect(page.locator("h1")).to_have_text("Submitted, waiting for arXiv")
    expect(page.locator(".fetching-message")).to_contain_text(f"arXiv:{arxiv_id} was submitted")
    page.get_by_role("link", name="Submit a paper").click()
    expect(page.locator(".pending-submissions")).to_contain_text(f"arXiv:{arxiv_id}")
    page.get_by_label("arXiv id or URL").fill(arxiv_id)
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".error")).to_contain_text("already on the daily list of")
