"""RSS 2.0 and Atom feeds, read by feedparser as a feed reader would."""

from __future__ import annotations

import feedparser
import pytest

from dailypapers.papers.models import Organization

pytestmark = pytest.mark.django_db

FEEDS = [
    ("/papers/feed.xml", "rss20"),
    ("/papers/feed.atom", "atom10"),
    ("/papers/trending/feed.xml", "rss20"),
    ("/papers/trending/feed.atom", "atom10"),
    ("/papers/feed.xml?category=cs.CL", "rss20"),
    ("/papers/feed.atom?q=alignment", "atom10"),
    ("/papers/feed.xml?q=attention&category=cs.CL", "rss20"),
]


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response, feedparser.parse(response.content)


@pytest.mark.parametrize(("url", "version"), FEEDS)
def test_each_feed_parses_cleanly_with_ids_dates_and_links(client, papers, url, version):
    _, feed = parse(client, url)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == version
    assert feed.feed.title and feed.feed.link.startswith("http://127.0.0.1/")
    assert feed.entries
    for entry in feed.entries:
        assert entry.link.startswith("http://127.0.0.1/papers/2605.")
        assert entry.id == entry.link  # one id per paper, the same in every feed
        assert entry.published_parsed or entry.updated_parsed
        assert entry.title and entry.summary


def test_the_category_feed_keeps_to_its_category(client, papers):
    _, feed = parse(client, "/papers/feed.xml?category=cs.CL")
    assert {entry.link.rsplit("/", 1)[1] for entry in feed.entries} == {"2605.01001", "2605.01003"}


def test_the_search_feed_lists_matches(client, papers):
    _, feed = parse(client, "/papers/feed.xml?q=alignment")
    assert feed.entries[0].title == "Alignment of language models with feedback"
    assert "alignment" in feed.feed.title


def test_an_organizations_feed(client, papers):
    org = Organization.objects.get()
    _, feed = parse(client, f"/organizations/{org.name}/feed.atom")
    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == ["Sparse attention for long documents"]
    assert client.get("/organizations/nobody/feed.xml").status_code == 404


def test_a_feed_answers_304_to_a_reader_that_has_it(client, papers):
    response, _ = parse(client, "/papers/feed.xml")
    assert response["ETag"] and response["Last-Modified"]
    again = client.get("/papers/feed.xml", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    since = client.get("/papers/feed.xml", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304


def test_a_bad_feed_query_is_a_400(client, papers):
    assert client.get("/papers/feed.xml", {"q": "x" * 300}).status_code == 400
    assert client.get("/papers/feed.xml", {"category": "not a category"}).status_code == 400
