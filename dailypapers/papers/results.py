"""The items of the search results page (``/papers?q=...``), written out by ``str.format``.

Django's template engine spent about a third of a millisecond on each of a page's 20
results (a loop, an include, a dozen variable lookups and filters): 6-7 of the page's 26 ms
of CPU at 170k papers (cProfile, load 11). Unlike the list pages' cards (``cards.py``),
results cannot be kept: their snippet depends on the question, and a question's results
are spread over the whole site. A page's 20 papers are read as rows (``load_rows``: the
columns a result shows, in one statement compiled once per process and page length), not as
model instances with their organization: the instances were 2.6 of the page's 18 ms of CPU.
Each result is written out here, with the same markup the
template had, each value escaped by the standard library's ``html.escape`` (what Django's
``escape`` and ``format_html`` call, without their lazy-string checks, which cost more than
the escaping), and each paper's URL from one reversed URL (a ``reverse`` per paper was a
millisecond a page). A paper's confirmed authors (few papers have any)
still come from ``templates/papers/_claimed.html``. The rest of the page, its filters and
pager are ``templates/papers/search.html`` (the pager's query string and the count are
written here once, ``pager_query`` and ``grouped``); nothing here runs a search.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any
from urllib.parse import quote

from django.db import models
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeData, SafeString, mark_safe

from dailypapers.lib.dates import short_date
from dailypapers.papers import people
from dailypapers.papers.models import Paper
from dailypapers.papers.statements import rows_by_ids

ITEM = """    <li class="entry">
      <div class="votes" title="Upvotes"><span aria-hidden="true">▲</span><span class="count">{}</span></div>
      <div class="body">
        <h3><a href="{}">{}</a></h3>
        <p class="meta">
          <span>{} author{}</span>
          {}
          {}{}{}
          <a href="{}?q=like:{}">More like this</a>
        </p>
        <p class="abstract snippet math">{}</p>
      </div>
    </li>
"""  # noqa: E501 (markup kept as the template had it)


SAMPLE_ID = "2101.00001"

# What a result shows of its paper, in this order (read by ``Result``).
COLUMNS = (
    "id", "arxiv_id", "title", "abstract", "upstream_upvotes", "upvote_count", "author_names",
    "published_at", "github_repo", "organization__fullname",
)  # fmt: skip


class Result:
    """The columns of one paper a result shows; ``load_claims`` puts its confirmed claims on
    it and the view its ``snippet`` (what ``people.claimed_authors`` and the markup read)."""

    __slots__ = (
        "abstract",
        "arxiv_id",
        "author_names",
        "confirmed_claims",
        "github_repo",
        "organization_name",
        "pk",
        "published_at",
        "snippet",
        "title",
        "upvotes",
    )  # fmt: skip

    def __init__(self, row: Sequence[Any]) -> None:
        (
            self.pk, self.arxiv_id, self.title, self.abstract, upstream, ours, self.author_names,
            self.published_at, self.github_repo, self.organization_name,
        ) = row  # fmt: skip
        self.upvotes = upstream + ours  # as ``Paper.upvotes``
        self.confirmed_claims: dict = {}
        self.snippet: Any = ""


def _rows(count: int, *ids: int) -> models.QuerySet:
    return Paper.objects.filter(id__in=ids).values_list(*COLUMNS)


def load_rows(ids: Sequence[int]) -> list[Result]:
    """The papers ``ids`` as ``Result`` rows, in the order of ``ids`` (those that exist)."""
    by_id = {}
    for values in rows_by_ids("search results", _rows, ids, Paper, COLUMNS):
        paper = Result(values)
        by_id[paper.pk] = paper
    return [by_id[i] for i in ids if i in by_id]


def render_results(papers: Iterable[Result], index_url: str, today) -> SafeString:
    """The ``<li>`` of each paper, which carries its ``snippet`` (already marked up)."""
    # A paper's URL, as ``reverse`` quotes the id into it (``Paper.get_absolute_url``).
    before, after = reverse("papers:paper", args=[SAMPLE_ID]).split(SAMPLE_ID)
    return mark_safe("".join(_item(paper, index_url, today, (before, after)) for paper in papers))


def grouped(count: int) -> str:
    """An integer as ``intcomma`` writes it in this site's locale (``LANGUAGE_CODE`` en-us,
    fixed in settings: a comma between thousands), by ``format`` in a microsecond rather
    than through Django's number formatting in 12 (a quarter of a millisecond a page)."""
    return f"{count:,}"


def pager_query(text: str, params: dict[str, str]) -> SafeString:
    """The start of the pager's links, ``?q=...&amp;name=value`` (the search and its
    filters), as the template wrote it with ``urlencode`` and autoescaping, once for both
    links instead of a loop over the filters in each."""
    pairs = "".join(
        f"&amp;{escape(name)}={escape(urlencode(value))}" for name, value in params.items()
    )
    return mark_safe(f"?q={escape(urlencode(text))}{pairs}")  # every piece escaped


def _escaped(value: Any) -> str:
    """``value`` as ``format_html`` puts it in: as is if safe, else escaped."""
    return str(value) if isinstance(value, SafeData) else escape(str(value))


def _item(paper: Result, index_url: str, today, url: tuple[str, str]) -> str:
    authors = len(paper.author_names)
    claimed = (
        render_to_string("papers/_claimed.html", {"paper": paper})
        if people.claimed_authors(paper)  # type: ignore[arg-type]  # reads two fields
        else ""
    )  # rendered by the template engine, which escaped it
    organization = paper.organization_name
    org = f'<span class="org">{escape(organization)}</span>' if organization is not None else ""
    published = (
        f"<span>Published on {escape(short_date(paper.published_at, today))}</span>"
        if paper.published_at
        else ""
    )
    path = url[0] + quote(paper.arxiv_id, safe=RFC3986_SUBDELIMS + "/~:@") + url[1]
    return ITEM.format(
        grouped(paper.upvotes),  # digits and commas: nothing to escape
        escape(path),
        escape(paper.title),
        authors,
        "" if authors == 1 else "s",
        claimed,
        org,
        published,
        "<span>Code</span>" if paper.github_repo else "",
        escape(index_url),
        escape(urlencode(paper.arxiv_id)),
        _escaped(paper.snippet),
    )
