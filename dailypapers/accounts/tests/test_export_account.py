"""The account's data as one JSON download from the settings page: every section holds the
reader's own rows and none of anyone else's; deleting the account removes or anonymises
every row the export showed."""

import datetime as dt
import json

import pytest

from dailypapers.accounts.models import ApiToken
from dailypapers.collections.models import Collection, CollectionItem
from dailypapers.digests.models import Subscription
from dailypapers.discussions.models import Comment, CommentReport
from dailypapers.discussions.posting import post_comment, report_comment
from dailypapers.library.following import follow
from dailypapers.library.members import set_mark
from dailypapers.library.models import FeedSecret, Follow, LibraryItem, PaperMark, PendingImport
from dailypapers.papers.models import Author, AuthorshipClaim, DailyEntry, Upvote
from dailypapers.papers.voting import set_vote
from tests.support.personas import PASSWORD
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 20)


@pytest.fixture
def everything(alice, bob):
    """A row of alice's in every section of the export, and a row of bob's beside most."""
    voted = make_paper("Voted for", authors=["Grace Hopper"], announced_on=DAY)
    collected = make_paper("Collected", announced_on=DAY)
    imported = make_paper("Imported from Zotero", announced_on=DAY)
    read = make_paper("Already read", announced_on=DAY)
    set_vote(alice, voted, True)
    set_vote(bob, collected, True)
    reading = Collection.objects.create(owner=alice, name="Reading group", public=True)
    CollectionItem.objects.create(collection=reading, paper=collected)
    Collection.objects.create(owner=bob, name="Bob's secret list")
    question = post_comment(alice, voted, "Is the code out?")
    answer = post_comment(bob, voted, "Yes, in the repo.", parent=question)
    report_comment(alice, answer, "spam?")
    Subscription.objects.create(email="alice@example.org", user=alice, topics=["compilers"])
    Subscription.objects.create(email="bob@example.org", user=bob, topics=["bob's topic"])
    AuthorshipClaim.objects.create(
        user=alice, paper=voted, author=Author.objects.get(name="Grace Hopper")
    )
    list_on(voted, DAY)
    DailyEntry.objects.filter(paper=voted).update(submitted_by=alice)
    ApiToken.issue(alice, "laptop")
    LibraryItem.objects.create(user=alice, paper=imported)
    PendingImport.objects.create(user=alice, arxiv_id="2606.01850")
    set_mark(alice, read, "read", True)
    follow(alice, "author", "Grace Hopper")
    follow(bob, "category", "cs.RO")
    FeedSecret.objects.create(user=alice)
    return voted, collected, imported, read


def test_settings_links_to_the_download(as_alice):
    html = as_alice.get("/accounts/settings").content.decode()
    assert 'href="/accounts/export.json"' in html


def test_the_download_holds_every_section_of_the_account(as_alice, alice, everything):
    voted, collected, imported, read = everything
    response = as_alice.get("/accounts/export.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["username"] == "alice"
    assert data["account"]["email"] == "alice@example.org"
    assert data["profile"]["email_verified_at"]
    assert [t["name"] for t in data["api_tokens"]] == ["laptop"]
    assert [v["paper"] for v in data["upvotes"]] == [voted.arxiv_id]
    assert [c["body"] for c in data["comments"]] == ["Is the code out?"]
    assert [r["reason"] for r in data["comment_reports"]] == ["spam?"]
    assert [c["name"] for c in data["collections"]] == ["Reading group"]
    assert data["collections"][0]["papers"][0]["paper"] == collected.arxiv_id
    assert [s["topics"] for s in data["subscriptions"]] == [["compilers"]]
    assert data["authorship_claims"][0]["author"] == "Grace Hopper"
    assert data["submitted_to_daily_lists"] == [{"paper": voted.arxiv_id, "date": "2026-05-20"}]
    library = data["library"]
    assert sorted(library["library"]) == sorted(
        [voted.arxiv_id, collected.arxiv_id, imported.arxiv_id]
    )
    assert [i["paper"] for i in library["imported"]] == [imported.arxiv_id]
    assert library["queued_for_fetching"] == ["2606.01850"]
    assert [(m["paper"], m["mark"]) for m in library["marks"]] == [(read.arxiv_id, "read")]
    assert [f["target"] for f in library["follows"]] == ["Grace Hopper"]
    assert library["has_private_feeds"] is True


def test_the_download_holds_nothing_of_another_reader_nor_a_secret(as_alice, everything):
    text = as_alice.get("/accounts/export.json").content.decode()
    for theirs in ("Yes, in the repo.", "Bob's secret list", "bob's topic", "cs.RO", "bob@"):
        assert theirs not in text
    token = ApiToken.objects.get(name="laptop")
    assert token.digest not in text
    assert FeedSecret.objects.get().secret not in text
    assert "password" not in text


def test_the_download_is_for_the_signed_in_reader_only(client):
    response = client.get("/accounts/export.json")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_deleting_the_account_removes_what_the_download_showed(as_alice, alice, bob, everything):
    response = as_alice.post("/accounts/delete", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    gone = {
        "upvotes": Upvote.objects.filter(user_id=alice.pk),
        "collections": Collection.objects.filter(owner_id=alice.pk),
        "collection papers": CollectionItem.objects.filter(collection__owner_id=alice.pk),
        "comment reports": CommentReport.objects.filter(reporter_id=alice.pk),
        "claims": AuthorshipClaim.objects.filter(user_id=alice.pk),
        "api tokens": ApiToken.objects.filter(user_id=alice.pk),
        "imports": LibraryItem.objects.filter(user_id=alice.pk),
        "queued imports": PendingImport.objects.filter(user_id=alice.pk),
        "marks": PaperMark.objects.filter(user_id=alice.pk),
        "follows": Follow.objects.filter(user_id=alice.pk),
        "feed secret": FeedSecret.objects.filter(user_id=alice.pk),
        "tied subscriptions": Subscription.objects.filter(user_id=alice.pk),
        "submitted entries": DailyEntry.objects.filter(submitted_by_id=alice.pk),
    }
    for section, rows in gone.items():
        assert not rows.exists(), section
    mine = Comment.objects.get(body="", deleted=True)
    assert mine.author is None
    # Bob's rows stay whole.
    assert Follow.objects.filter(user=bob).count() == 1
    assert Upvote.objects.filter(user=bob).count() == 1
    assert Collection.objects.filter(owner=bob).count() == 1
    assert Comment.objects.get(body="Yes, in the repo.").author == bob
