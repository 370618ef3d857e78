"""In Debian's Chromium: the paper page and a daily list show who stands behind a paper
("Submitted by" with an avatar, a confirmed author's mark, "Upvoted by", the public
collections including it) and never a private collection. Screenshots are kept in the test's
folder for a person to look at."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.processdb import database_env

pytestmark = pytest.mark.browser

# Run in the site's own database (the server processes read it): a reader, Nora, whose
# claim of the first author of the newest list's top paper is confirmed, who upvoted it and
# keeps it in a public and a private collection; Oscar submitted it and upvoted it too.
SETUP = """
from django.utils import timezone
from dailypapers.collections.models import Collection, CollectionItem
from tests.support.personas import make_user
from dailypapers.papers.models import Author, AuthorshipClaim, DailyEntry
from dailypapers.papers.voting import set_vote

# The top bundled paper of the newest bundled list: other browser tests on this site submit
# papers to today's list (with no upstream upvotes, maybe still waiting for arXiv).
entries = DailyEntry.objects.select_related("paper").filter(paper__upstream_upvotes__gt=0)
entry = next(
    e for e in entries.order_by("-date", "-paper__upstream_upvotes", "pk")
    if e.paper.author_names and Author.objects.filter(name=e.paper.author_names[0]).exists()
)
day, paper = entry.date, entry.paper
nora, oscar = make_user("nora", first_name="Nora"), make_user("oscar")
AuthorshipClaim.objects.create(
    user=nora, paper=paper, author=Author.objects.get(name=paper.author_names[0]),
    status=AuthorshipClaim.Status.CONFIRMED, decided_at=timezone.now(),
)
DailyEntry.objects.filter(pk=entry.pk).update(submitted_by=oscar)
set_vote(nora, paper, True)
set_vote(oscar, paper, True)
shared = Collection.objects.create(owner=nora, name="Nora reads", public=True)
secret = Collection.objects.create(owner=nora, name="Nora secret pile", public=False)
CollectionItem.objects.create(collection=shared, paper=paper)
CollectionItem.objects.create(collection=secret, paper=paper)
print(paper.arxiv_id, day.isoformat(), paper.author_names[0], sep="|")
"""


@pytest.fixture(scope="module")
def people(community_site):
    environment = {
        **os.environ,
        "DAILYPAPERS_DATA_DIR": str(community_site.data_dir),
        **database_env(community_site.data_dir),
        # The script imports the test harness (tests/support/) from the repository root.
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    }
    done = subprocess.run(
        [sys.executable, "-m", "dailypapers", "shell", "-c", SETUP],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr  # the setup's own traceback, if it failed
    arxiv_id, day, author = done.stdout.strip().splitlines()[-1].split("|")
    return {"arxiv_id": arxiv_id, "day": day, "author": author}


def test_the_paper_page_shows_its_people(community_site, people, page, tmp_path):
    page.goto(f"{community_site.base}/papers/{people['arxiv_id']}")
    authors = page.locator("p.authors")
    expect(authors.locator("a.claimed-author")).to_have_text(people["author"])
    expect(authors.locator("a.claim-mark")).to_have_attribute("href", "/users/nora")
    upvoters = page.locator("section.upvoters")
    expect(upvoters.get_by_role("link", name="nora")).to_be_visible()
    expect(upvoters.get_by_role("link", name="oscar")).to_be_visible()
    collections = page.locator("section.in-collections")
    expect(collections.get_by_role("link", name="Nora reads")).to_be_visible()
    expect(page.get_by_text("Nora secret pile")).to_have_count(0)
    page.screenshot(path=tmp_path / "paper-page.png", full_page=True)
    assert (tmp_path / "paper-page.png").stat().st_size > 10_000


def test_a_daily_list_shows_the_submitter_and_the_claimed_author(
    community_site, people, page, tmp_path
):
    # ?page=1: a URL no earlier test has put in the anonymous page cache.
    page.goto(f"{community_site.base}/papers/date/{people['day']}?page=1")
    card = page.locator("li.entry", has=page.locator("a.claim-mark")).first
    expect(card.locator(".submitter")).to_contain_text("Submitted by")
    expect(card.locator(".submitter .avatar")).to_be_visible()
    expect(card.locator(".submitter a")).to_have_text("oscar")
    expect(card.locator(".claimed-author a").first).to_have_text(people["author"])
    card.screenshot(path=tmp_path / "list-card.png")
    page.screenshot(path=tmp_path / "list.png")
    assert (tmp_path / "list-card.png").stat().st_size > 2_000
