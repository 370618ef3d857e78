"""The search page's results read as narrow rows (papers/results.py) show what the papers'
model instances hold: upvotes (upstream and ours), authors, date, code, organization and
confirmed authors, in the order asked, on SQLite and PostgreSQL alike."""

import datetime as dt

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma

from dailypapers.papers.models import Paper
from dailypapers.papers.results import grouped, load_rows
from dailypapers.papers.tests.test_people import claim
from dailypapers.papers.voting import set_vote
from tests.support.personas import make_user
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers():
    first = make_paper(
        "Preference alignment with an organization",
        authors=["Ada Lovelace", "Alan Turing"],
        organization="DeepSeek",
        github_repo="https://github.com/example/align",
        published_at=dt.datetime(2024, 2, 3, 23, 30, tzinfo=dt.UTC),
    )
    Paper.objects.filter(pk=first.pk).update(upstream_upvotes=1234)
    set_vote(make_user("voter"), first, True)
    second = make_paper("Alignment without one", authors=["Grace Hopper"], published_at=None)
    return Paper.objects.get(pk=first.pk), Paper.objects.get(pk=second.pk)


def test_rows_hold_what_the_models_hold_in_the_order_asked(papers):
    first, second = papers
    rows = load_rows([second.pk, 987_654, first.pk])  # an id no paper has is left out
    assert [row.pk for row in rows] == [second.pk, first.pk]
    for row, paper in zip(rows, [second, first], strict=True):
        assert row.arxiv_id == paper.arxiv_id and row.title == paper.title
        assert row.abstract == paper.abstract and row.github_repo == paper.github_repo
        assert row.author_names == paper.author_names
        assert row.published_at == paper.published_at
        assert row.upvotes == paper.upvotes
        organization = paper.organization.fullname if paper.organization else None
        assert row.organization_name == organization
    assert rows[1].upvotes == 1235 and rows[1].published_at.tzinfo is not None
    assert rows[0].published_at is None and rows[0].organization_name is None
    assert load_rows([]) == []


def test_the_search_page_shows_them_with_confirmed_authors(client, papers):
    first, _ = papers
    claim(make_user("ada"), first, "Ada Lovelace")
    html = client.get("/papers", {"q": "alignment"}).content.decode()
    item = html[html.index("Preference alignment with an organization") :]
    item = item[: item.index("</li>")]
    assert '<span class="count">1,235</span>' in html
    assert '<span class="org">DeepSeek</span>' in item
    assert "<span>Published on Feb 3, 2024</span>" in item and "<span>Code</span>" in item
    assert 'class="claimed-author"' in item and "@ada" in item
    other = html[html.index("Alignment without one") :]
    assert "Published on" not in other[: other.index("</li>")]


@pytest.mark.parametrize("count", [0, 7, 999, 1000, 1235, 65_536, 1_000_000, 123_456_789])
def test_counts_are_grouped_as_intcomma_groups_them(count):
    assert grouped(count) == intcomma(count)
