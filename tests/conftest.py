"""Fixtures of the cross-app tests: Debian's Chromium (``browser``, ``page``), and a real site
for the end-to-end tests (``community_site``): the demo papers, a real SMTP server (aiosmtpd)
catching its mail, rate limits off (they are tested on their own) and two server processes,
as a small deployment runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.support.localsite import free_port, running_demo_site

# Debian's Chromium, run as root (no sandbox) on a machine without outside network: every
# background fetch Chromium would make on its own is off.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context; any JavaScript error on the page fails the test."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


@dataclass
class CommunitySite:
    base: str
    data_dir: Path
    mails: list = field(default_factory=list)


@pytest.fixture(scope="session")
def community_site(tmp_path_factory):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    mails: list = []

    class Keep(Message):
        def handle_message(self, message) -> None:
            mails.append(message)

    smtp = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    smtp.start()
    data_dir = tmp_path_factory.mktemp("community")
    env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "RATE_LIMITS_ENABLED": "false",
    }
    try:
        with running_demo_site(data_dir, workers=2, env=env) as base:
            yield CommunitySite(base, data_dir, mails)
    finally:
        smtp.stop()
