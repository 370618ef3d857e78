"""A reader's library, follows and marks are theirs alone: the private feeds answer only at
their secret address (until reset), the data is in their export and goes with their account."""

import datetime as dt
import json

import pytest

from dailypapers.library.feeds import secret_of
from dailypapers.library.following import follow
from dailypapers.library.members import set_mark
from dailypapers.library.models import FeedSecret, Follow, LibraryItem, PaperMark, PendingImport
from dailypapers.papers.voting import set_vote
from tests.support.personas import PASSWORD
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 20)


@pytest.fixture
def alices_data(alice):
    liked = make_paper("Speech recognition at scale", announced_on=DAY - dt.timedelta(days=30))
    fresh = make_paper("Grace's new compiler", authors=["Grace Hopper"], announced_on=DAY)
    hidden = make_paper("A paper alice hid", announced_on=DAY)
    set_vote(alice, liked, True)
    LibraryItem.objects.create(user=alice, paper=fresh)
    PendingImport.objects.create(user=alice, arxiv_id="2606.01850")
    set_mark(alice, hidden, "not_interested", True)
    follow(alice, "author", "Grace Hopper")
    return liked, fresh, hidden


def test_the_private_feeds_answer_at_the_secret_address_only(client, alice, alices_data):
    secret = secret_of(alice)
    following = client.get(f"/feeds/{secret}/following.xml")
    assert following.status_code == 200
    assert "private" in following["Cache-Control"]
    assert "Why: By Grace Hopper" in following.content.decode()
    for_you = client.get(f"/feeds/{secret}/for-you.atom")
    assert for_you.status_code == 200 and "<feed" in for_you.content.decode()
    assert "A paper alice hid" not in for_you.content.decode()
    assert client.get("/feeds/not-the-secret/following.xml").status_code == 404


def test_resetting_the_secret_retires_the_old_addresses(as_alice, client, alice, alices_data):
    old = secret_of(alice)
    as_alice.post("/library/feeds/reset")
    new = FeedSecret.objects.get(user=alice).secret
    assert new != old
    assert client.get(f"/feeds/{old}/for-you.xml").status_code == 404
    assert client.get(f"/feeds/{new}/for-you.xml").status_code == 200


def test_others_see_nothing_of_a_library(as_bob, client, alice, alices_data):
    assert as_bob.get("/library").context["library_size"] == 0
    profile = client.get("/users/alice").content.decode()
    assert "Grace's new compiler" not in profile and "Grace Hopper" not in profile
    public_feed = client.get("/papers/feed.xml").content.decode()
    assert "Why:" not in public_feed


def test_the_export_holds_the_library_marks_and_follows(as_alice, alice, alices_data):
    liked, fresh, hidden = alices_data
    response = as_alice.get("/library/export.json")
    data = json.loads(response.content)
    assert sorted(data["library"]) == sorted([liked.arxiv_id, fresh.arxiv_id])
    assert [m["paper"] for m in data["marks"]] == [hidden.arxiv_id]
    assert data["follows"][0]["target"] == "Grace Hopper"
    assert data["queued_for_fetching"] == ["2606.01850"]
    assert "attachment" in response["Content-Disposition"]


def test_deleting_the_account_deletes_the_library(as_alice, alice, alices_data):
    secret_of(alice)
    response = as_alice.post("/accounts/delete", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    for model in (LibraryItem, PendingImport, PaperMark, Follow, FeedSecret):
        assert not model.objects.exists(), model.__name__
