"""What a pick's card on "For you" and "Following" shows, made once per page in Python: its
addresses, author line, reasons and upvote state (``cards``), and its markup (``html``),
which the pages' templates place as one string.

Why here and not in a template: Django's template engine costs microseconds per variable
and tens of them per ``{% url %}``, ``{% include %}`` or ``{% csrf_token %}``; 30 cards with
three includes and five addresses each were about half of the For-you page under cProfile,
and without them the cards' tags and variables still a third (bench/for_you_speed.py
--profile). Not here: which papers and why (``foryou.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from dailypapers.lib.dates import short_date
from dailypapers.library.foryou import Pick, address
from dailypapers.papers.models import Paper

# "A, B, C and 4 more": the card names the first three authors, as the daily lists do.
AUTHORS_SHOWN = 3


@dataclass(frozen=True)
class Card:
    """One pick as its card shows it (``pick`` keeps the paper and the reasons)."""

    pick: Pick
    paper_url: str
    vote_url: str
    mark_url: str
    organization_url: str
    authors: str
    reasons: SafeString
    voted: bool

    @property
    def paper(self) -> Paper:
        return self.pick.paper


def cards(picks: Iterable[Pick], voted: set[int]) -> list[Card]:
    """The cards of ``picks``; ``voted`` holds the ids of the papers the reader upvoted."""
    made = []
    for pick in picks:
        paper = pick.paper
        names = paper.author_names or []
        authors = ", ".join(names[:AUTHORS_SHOWN])
        if len(names) > AUTHORS_SHOWN:
            authors += f" and {len(names) - AUTHORS_SHOWN} more"
        organization = paper.organization.name if paper.organization else ""
        made.append(
            Card(
                pick,
                address("papers:paper", paper.arxiv_id),
                address("papers:vote", paper.arxiv_id),
                address("library:mark", paper.arxiv_id),
                address("papers:organization", organization) if organization else "",
                authors,
                format_html_join("", "{}", ((reason.html(),) for reason in pick.reasons)),
                paper.pk in voted,
            )
        )
    return made


# A card's markup, as the template library/_pick.html gave it (less a blank line). One
# format_html per card rather than a template: the template's 30 {% with %}, 180 {% if %}
# and 560 variables were a third of a day's page under cProfile. The vote form is
# papers/_vote.html's (test_for_you checks it).
CARD = """
<li class="entry pick">
  <form class="vote" method="post" action="{vote_url}" data-vote>
  {csrf}<input type="hidden" name="next" value="{here}">
  {vote}
    <span aria-hidden="true">▲</span><span class="count">{upvotes}</span><span class="visually-hidden"> upvotes</span>
  </button>
</form>
  <div class="body">
    <h3><a href="{paper_url}">{title}</a></h3>
    <p class="why">{reasons}</p>
    <p class="meta">
      <span>{authors}</span>
      {claimed}
      {organization}
      {category}
      {published}
    </p>
    <div class="pick-actions">
      <form method="post" action="{mark_url}">{csrf}<input type="hidden" name="next" value="{here}"><input type="hidden" name="kind" value="not_interested"><button type="submit" class="link">Not interested</button></form>
      <form method="post" action="{mark_url}">{csrf}<input type="hidden" name="next" value="{here}"><input type="hidden" name="kind" value="read"><button type="submit" class="link">Mark as read</button></form>
      <a href="{abs_url}" rel="noopener">arXiv</a> <a href="{pdf_url}" rel="noopener">PDF</a>
    </div>
  </div>
</li>
"""  # noqa: E501 (the markup as the page serves it)
UPVOTED = mark_safe(
    '<input type="hidden" name="vote" value="0"><button type="submit" class="votes"'
    ' aria-pressed="true" title="Remove your upvote">'
)
NOT_UPVOTED = mark_safe(
    '<input type="hidden" name="vote" value="1"><button type="submit" class="votes"'
    ' aria-pressed="false" title="Upvote">'
)


def html(made: list[Card], csrf_input: SafeString, here: str) -> SafeString:
    """The cards' markup, one ``<li>`` each, as the pages' ``<ol class="entries">`` holds it."""
    today = timezone.now().date()
    parts = []
    for card in made:
        paper = card.paper
        claimed = ""
        if getattr(paper, "confirmed_claims", None):
            claimed = render_to_string("papers/_claimed.html", {"paper": paper})
        organization = ""
        if card.organization_url:
            organization = format_html(
                '<a class="org" href="{}"><b>{}</b></a>',
                card.organization_url,
                paper.organization.name if paper.organization else "",
            )
        category = format_html("<span>{}</span>", paper.primary_category)
        published = ""
        if paper.published_at:
            published = format_html(
                "<span>Published on {}</span>", short_date(paper.published_at, today)
            )
        parts.append(
            format_html(
                CARD,
                vote_url=card.vote_url,
                csrf=csrf_input,
                here=here,
                vote=UPVOTED if card.voted else NOT_UPVOTED,
                upvotes=intcomma(paper.upvotes),
                paper_url=card.paper_url,
                title=paper.title,
                reasons=card.reasons,
                authors=card.authors,
                claimed=claimed,
                organization=organization,
                category=category if paper.primary_category else "",
                published=published,
                mark_url=card.mark_url,
                abs_url=paper.abs_url,
                pdf_url=paper.pdf_url,
            )
        )
    return mark_safe("".join(parts))
