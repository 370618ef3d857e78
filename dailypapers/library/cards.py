"""What a pick's card on "For you" and "Following" shows, made once per page in Python: its
addresses, author line, reasons and upvote state. ``library/_pick.html`` only places them.

Why here and not in the template: Django's template engine costs microseconds per variable
and tens of them per ``{% url %}``, ``{% include %}`` or ``{% csrf_token %}``; 30 cards with
three includes and five addresses each were about a third of the For-you page
(bench/for_you_speed.py --profile). Not here: which papers and why (``foryou.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import format_html_join
from django.utils.safestring import SafeString

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
