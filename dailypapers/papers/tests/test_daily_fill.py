"""A front page that is never empty: a day with few submitted papers shows them first, then that
day's arXiv announcements in ARXIV_CATEGORIES, ranked, labelled as not yet submitted, each one
click from being submitted or upvoted; previous/next skip days without papers."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from dailypapers.papers.models import DailyEntry, Paper, Upvote
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 5, 25)
THURSDAY = dt.date(2026, 5, 28)


def announce(title: str, day: dt.date, category: str, arxiv_id: str) -> Paper:
    return make_paper(title, arxiv_id=arxiv_id, categories=[category], announced_on=day)


def titles(html: str, section: str) -> list[str]:
    part = html.split('class="not-yet-submitted"')[1] if section == "waiting" else html
    return re.findall(r'<h3><a href="/papers/[^"]+">([^<]+)</a></h3>', part)


@pytest.fixture
def day(settings):
    settings.ARXIV_CATEGORIES = ["cs.CL", "cs.LG"]
    announce("Later id, cs.CL", THURSDAY, "cs.CL", "2605.20002")
    announce("Earlier id, cs.CL", THURSDAY, "cs.CL", "2605.20001")
    announce("A cs.LG paper", THURSDAY, "cs.LG", "2605.20000")
    announce("A math paper", THURSDAY, "math.AG", "2605.20003")
    announce("Another day", MONDAY, "cs.CL", "2605.10000")
    return THURSDAY


def test_a_day_nobody_submitted_to_shows_its_announcements_ranked(client, day):
    html = client.get("/papers/date/2026-05-28").content.decode()
    assert "No papers were listed" not in html
    assert "Announced on arXiv, not yet submitted" in html
    # Ranked: most upvoted, then the place of the category in ARXIV_CATEGORIES, then the id.
    assert titles(html, "waiting") == ["Earlier id, cs.CL", "Later id, cs.CL", "A cs.LG paper"]
    assert html.count("Not yet submitted") == 3
    assert "A math paper" not in html and "Another day" not in html


def test_the_front_page_of_a_site_without_submissions_shows_the_newest_announcements(client, day):
    html = client.get("/papers").content.decode()
    assert "May 28, 2026" in html and "Earlier id, cs.CL" in html


def test_upvotes_rank_an_announcement_first(client, day, alice):
    paper = Paper.objects.get(arxiv_id="2605.20000")
    Upvote.objects.create(user=alice, paper=paper)
    Paper.objects.filter(pk=paper.pk).update(upvote_count=1)
    html = client.get("/papers/date/2026-05-28").content.decode()
    assert titles(html, "waiting")[0] == "A cs.LG paper"


def test_submitted_papers_come_first_and_are_not_repeated(client, day):
    submitted = Paper.objects.get(arxiv_id="2605.20001")
    list_on(submitted, THURSDAY)
    html = client.get("/papers/date/2026-05-28").content.decode()
    listed, _waiting = html.split('class="not-yet-submitted"')
    assert "Earlier id, cs.CL" in listed
    assert titles(html, "waiting") == ["Later id, cs.CL", "A cs.LG paper"]


def test_a_day_with_enough_submissions_is_not_filled(client, day, settings):
    settings.DAILY_FILL_BELOW = 1
    list_on(Paper.objects.get(arxiv_id="2605.20001"), THURSDAY)
    html = client.get("/papers/date/2026-05-28").content.decode()
    assert "not yet submitted" not in html.lower()


def test_each_announcement_is_one_click_from_being_submitted_or_upvoted(
    as_alice, client, day, settings, alice
):
    settings.SUBMIT_MAX_AGE_DAYS = (timezone.now().date() - MONDAY).days + 1
    html = as_alice.get("/papers/date/2026-05-28").content.decode()
    assert 'name="arxiv" value="2605.20001"' in html
    assert 'action="/papers/2605.20001/vote"' in html
    anonymous = client.get("/papers/date/2026-05-28").content.decode()
    assert "Log in to submit" in anonymous and "Log in to upvote" in anonymous

    # The one click: the paper is published today so the submission rules take it.
    Paper.objects.filter(arxiv_id="2605.20001").update(published_at=timezone.now())
    response = as_alice.post("/papers/submit", {"arxiv": "2605.20001"})
    assert response.status_code == 302
    assert DailyEntry.objects.get(paper__arxiv_id="2605.20001").submitted_by == alice


def test_previous_and_next_skip_days_without_papers(client, day):
    list_on(make_paper("Listed on Friday", arxiv_id="2605.30000"), dt.date(2026, 5, 22))
    thursday = client.get("/papers/date/2026-05-28").content.decode()
    assert 'href="/papers/date/2026-05-25" rel="prev"' in thursday
    assert 'rel="next"' not in thursday
    monday = client.get("/papers/date/2026-05-25").content.decode()
    assert 'href="/papers/date/2026-05-22" rel="prev"' in monday
    assert 'href="/papers/date/2026-05-28" rel="next"' in monday
    friday = client.get("/papers/date/2026-05-22").content.decode()
    assert 'rel="prev"' not in friday, "nothing before the first day with papers"
