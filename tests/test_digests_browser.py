"""In Chromium: subscribe from the header, confirm through the mail that arrives, unsubscribe."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def wait_for_mail(mails: list, to: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mails:
            if message["To"] == to:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no mail to {to} arrived")


def test_a_visitor_subscribes_confirms_by_mail_and_unsubscribes(community_site, page: Page):
    address = "reader@example.org"
    page.goto(community_site.base + "/papers")
    header = page.locator("form.subscribe")
    header.get_by_label("Email address").fill(address)
    header.get_by_role("button", name="Subscribe").click()
    expect(page.locator("#id_email")).to_have_value(address)
    page.locator("#id_frequency").select_option("weekly")
    page.locator("#id_topics").fill("alignment")
    page.locator("main").get_by_role("button", name="Subscribe").click()
    expect(page.locator("h1")).to_have_text("Check your inbox")

    mail = wait_for_mail(community_site.mails, address)
    link = re.search(r"https?://\S+/subscribe/confirm/\S+", mail.get_payload())[0]
    assert link.startswith(community_site.base)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("You are subscribed")

    page.get_by_role("link", name="Choose topics or change how often").click()
    expect(page.locator("#id_topics")).to_have_value("alignment")
    page.get_by_role("link", name="Unsubscribe").click()
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator("h1")).to_have_text("You are unsubscribed")
