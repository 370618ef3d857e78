"""The items of the search results page (``/papers?q=...``), written out by ``format_html``.

Django's template engine spent about a third of a millisecond on each of a page's 20
results (a loop, an include, a dozen variable lookups and filters): 6-7 of the page's 26 ms
of CPU at 170k papers (cProfile, load 11). Unlike the list pages' cards (``cards.py``),
results cannot be kept: their snippet depends on the question, and a question's results
are spread over the whole site. So each is written out here, escaped by ``format_html``,
with the same markup the template had. A paper's confirmed authors (few papers have any)
still come from ``templates/papers/_claimed.html``. The rest of the page, its filters and
pager are ``templates/papers/search.html``; nothing here runs a search.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

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


def render_results(papers: Iterable[Paper], index_url: str, today) -> SafeString:
    """The ``<li>`` of each paper, which carries its ``snippet`` (already marked up)."""
    return mark_safe("".join(_item(paper, index_url, today) for paper in papers))


def _item(paper: Paper, index_url: str, today) -> str:
    authors = len(paper.author_names)
    claimed = (
        render_to_string("papers/_claimed.html", {"paper": paper})
        if people.claimed_authors(paper)
        else ""
    )
    organization = paper.organization
    return format_html(
        ITEM,
        intcomma(paper.upvotes),
        paper.get_absolute_url(),
        paper.title,
        authors,
        "" if authors == 1 else "s",
        mark_safe(claimed),  # rendered by the template engine, which escaped it
        format_html('<span class="org">{}</span>', organization.fullname) if organization else "",
        format_html("<span>Published on {}</span>", short_date(paper.published_at, today))
        if paper.published_at
        else "",
        mark_safe("<span>Code</span>") if paper.github_repo else "",
        index_url,
        urlencode(paper.arxiv_id),
        paper.snippet,  # type: ignore[attr-defined]
    )
