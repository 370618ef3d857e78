"""Following and unfollowing authors, organizations, categories and searches from the pages
that show them; the Following page and feed say which follow brought each paper."""

import datetime as dt

import pytest

from dailypapers.library.following import MAX_FOLLOWS, BadFollow, follow
from dailypapers.library.models import Follow
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 20)


@pytest.fixture
def papers():
    first = make_paper(
        "Sparse attention for long documents",
        authors=["Grace Hopper", "Edsger Dijkstra"],
        categories=["cs.CL", "cs.LG"],
        primary_category="cs.CL",
        announced_on=DAY,
    )
    second = make_paper(
        "Robot grasping with tactile sensing",
        authors=["Barbara Liskov"],
        categories=["cs.RO"],
        primary_category="cs.RO",
        announced_on=DAY - dt.timedelta(days=1),
    )
    list_on(second, DAY, organization="Tactile Lab")
    return first, second


def change(client, kind, target, on=True, next_url="/following"):
    data = {"kind": kind, "target": target, "follow": "1" if on else "0", "next": next_url}
    return client.post("/following/change", data)


def test_an_author_is_followed_and_unfollowed_from_their_page(as_alice, alice, papers):
    page = as_alice.get("/authors/Grace Hopper").content.decode()
    assert "+ Follow" in page
    response = change(as_alice, "author", "Grace Hopper", next_url="/authors/Grace Hopper")
    assert response.status_code == 302 and response["Location"] == "/authors/Grace%20Hopper"
    assert "✓ Following" in as_alice.get("/authors/Grace Hopper").content.decode()
    change(as_alice, "author", "Grace Hopper", on=False)
    assert not Follow.objects.filter(user=alice).exists()


def test_the_following_feed_says_which_follow_brought_each_paper(as_alice, alice, papers):
    change(as_alice, "author", "Grace Hopper")
    change(as_alice, "organization", "tactile-lab")
    change(as_alice, "category", "cs.CL")
    change(as_alice, "search", "sparse attention")
    response = as_alice.get("/following")
    picks = {p.paper.title: [str(r) for r in p.reasons] for p in response.context["picks"]}
    assert picks == {
        "Sparse attention for long documents": [
            "By Grace Hopper",
            "In cs.CL",
            "Matches your search sparse attention",
        ],
        "Robot grasping with tactile sensing": ["From tactile-lab"],
    }
    titles = [p.paper.title for p in response.context["picks"]]
    assert titles == ["Sparse attention for long documents", "Robot grasping with tactile sensing"]
    text = response.content.decode()
    assert "which you follow" in text and "Grace Hopper" in text


def test_a_search_is_followed_from_its_results(as_alice, alice, papers):
    text = as_alice.get("/papers?q=sparse+attention").content.decode()
    assert "+ Follow this search" in text
    change(as_alice, "search", "sparse attention", next_url="/papers?q=sparse+attention")
    assert Follow.objects.get(user=alice).target == "sparse attention"


@pytest.mark.parametrize(
    ("kind", "target", "message"),
    [
        ("author", "Nobody Atall", "No paper here has an author of that name"),
        ("organization", "no-such-org", "no such organization"),
        ("category", "<script>", "A category looks like cs.CL"),
        ("search", "   ", "no words to look for"),
        ("search", "x" * 201, "at most 200 characters"),
        ("planet", "Mars", "You can follow an author"),
    ],
)
def test_what_cannot_be_followed_is_a_400_with_a_reason(as_alice, papers, kind, target, message):
    response = change(as_alice, kind, target)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Follow.objects.exists()


def test_following_twice_keeps_one_follow(alice, papers):
    assert follow(alice, "category", "cs.CL")[1] is True
    assert follow(alice, "category", " cs.CL ")[1] is False
    assert Follow.objects.count() == 1


def test_there_is_a_limit_on_follows(alice, papers):
    Follow.objects.bulk_create(
        [Follow(user=alice, kind="search", target=f"topic {n}") for n in range(MAX_FOLLOWS)]
    )
    with pytest.raises(BadFollow, match="at most 500"):
        follow(alice, "category", "cs.CL")


def test_follows_are_private(as_alice, as_bob, alice, papers):
    change(as_alice, "author", "Grace Hopper")
    assert "✓ Following" not in as_bob.get("/authors/Grace Hopper").content.decode()
    assert as_bob.get("/following").context["picks"] == []
    assert "Grace Hopper" not in as_bob.get("/following").content.decode()


def test_anonymous_visitors_cannot_follow(client, papers):
    assert change(client, "category", "cs.CL").status_code == 302
    assert "+ Follow" not in client.get("/authors/Grace Hopper").content.decode()
    assert not Follow.objects.exists()
