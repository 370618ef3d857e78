"""The items of the search results page (``/papers?q=...``), written out by ``str.format``.

Django's template engine spent about a third of a millisecond on each of a page's 20
results (a loop, an include, a dozen variable lookups and filters): 6-7 of the page's 26 ms
of CPU at 170k papers (cProfile, load 11). Unlike the list pages' cards (``cards.py``),
results cannot be kept: their snippet depends on the question, and a question's results
are spread over the whole site. So each is written out here, with the same markup the
template had, each value escaped by the standard library's ``html.escape`` (what Django's
``escape`` and ``format_html`` call, without their lazy-string checks, which cost more than
the escaping), and each paper's URL from one reversed URL (a ``reverse`` per paper was a
millisecond a page). A paper's confirmed authors (few papers have any)
still come from ``templates/papers/_claimed.html``. The rest of the page, its filters and
pager are ``templates/papers/search.html``; nothing here runs a search.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any
from urllib.parse import quote

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeData, SafeString, mark_safe

from dailypapers.lib.dates import short_date
from dailypapers.papers import people
from dailypapers.papers.models import Paper

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


def render_results(papers: Iterable[Paper], index_url: str, today) -> SafeString:
    """The ``<li>`` of each paper, which carries its ``snippet`` (already marked up)."""
    # A paper's URL, as ``reverse`` quotes the id into it (``Paper.get_absolute_url``).
    before, after = reverse("papers:paper", args=[SAMPLE_ID]).split(SAMPLE_ID)
    return mark_safe("".join(_item(paper, index_url, today, (before, after)) for paper in papers))


def _escaped(value: Any) -> str:
    """``value`` as ``format_html`` puts it in: as is if safe, else escaped."""
    return str(value) if isinstance(value, SafeData) else escape(str(value))


def _item(paper: Paper, index_url: str, today, url: tuple[str, str]) -> str:
    authors = len(paper.author_names)
    claimed = (
        render_to_string("papers/_claimed.html", {"paper": paper})
        if people.claimed_authors(paper)
        else ""
    )  # rendered by the template engine, which escaped it
    organization = paper.organization
    org = f'<span class="org">{escape(organization.fullname)}</span>' if organization else ""
    published = (
        f"<span>Published on {escape(short_date(paper.published_at, today))}</span>"
        if paper.published_at
        else ""
    )
    path = url[0] + quote(paper.arxiv_id, safe=RFC3986_SUBDELIMS + "/~:@") + url[1]
    return ITEM.format(
        escape(intcomma(paper.upvotes)),
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
        _escaped(paper.snippet),  # type: ignore[attr-defined]
    )
