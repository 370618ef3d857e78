"""The reading pages: a day's list, a week's and a month's top papers, trending, search, a paper.

Views parse the URL, ask a QuerySet (papers/queries.py) or the search (search/hybrid.py) and
paginate; who stands behind a paper (claimed authors, upvoters, public collections) comes
from papers/people.py. A paper asked for as Markdown is answered by api/markdown.py.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from dailypapers.api.markdown import paper_markdown, prefers_markdown
from dailypapers.core.caching import cache_for_anonymous
from dailypapers.discussions.threads import discussion
from dailypapers.lib.dates import Period, parse_period, period_containing
from dailypapers.papers.models import Author, AuthorshipClaim, DailyEntry, Organization, Paper
from dailypapers.papers.people import (
    UPVOTERS_SHOWN,
    load_claims,
    load_entry_people,
    public_collections,
    upvoters,
)
from dailypapers.papers.voting import voted_ids
from dailypapers.search.filters import SORTS, SearchFilters
from dailypapers.search.hybrid import search as hybrid_search
from dailypapers.search.similar import similar_papers
from dailypapers.search.snippets import query_stems, snippet

PER_PAGE = 50
SEARCH_PER_PAGE = 20


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _tab_keys(day) -> dict[str, str]:
    """The week and month that the Weekly and Monthly tabs open, around ``day``."""
    if day is None:
        day = DailyEntry.latest_date() or timezone.now().date()
    return {
        "week_key": period_containing("week", day).key,
        "month_key": period_containing("month", day).key,
    }


def _list_page(request: HttpRequest, period: Period, is_latest: bool = False) -> HttpResponse:
    entries = DailyEntry.objects.between(period.first, period.last)
    page = Paginator(entries, PER_PAGE).get_page(_page_number(request))
    load_entry_people(page.object_list)
    latest = DailyEntry.latest_date()
    context = {
        "period": period,
        "page": page,
        "entries": page.object_list,
        "previous": period.previous(),
        "next": period.next() if latest and period.last < latest else None,
        "is_latest": is_latest,
        "voted": voted_ids(request.user, (entry.paper_id for entry in page.object_list)),
        "tab": period.kind,
        **_tab_keys(period.first),
    }
    return render(request, "papers/list.html", context)


@cache_for_anonymous
def index(request: HttpRequest) -> HttpResponse:
    """``/papers``: the search results when ``q`` is given, else the newest day with papers."""
    if "q" in request.GET:
        return search(request)
    latest = DailyEntry.latest_date() or timezone.now().date()
    return _list_page(request, period_containing("date", latest), is_latest=True)


@cache_for_anonymous
def period_list(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    try:
        period = parse_period(kind, key)
    except ValueError as error:
        raise Http404(str(error)) from None
    return _list_page(request, period)


@cache_for_anonymous
def trending(request: HttpRequest) -> HttpResponse:
    entries = DailyEntry.objects.trending(timezone.now())
    load_entry_people(entries)
    context = {
        "entries": entries,
        "voted": voted_ids(request.user, (entry.paper_id for entry in entries)),
        "tab": "trending",
        **_tab_keys(None),
    }
    return render(request, "papers/trending.html", context)


def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    filters = SearchFilters.from_params(request.GET)
    results = hybrid_search(text, filters)
    if results.found is not None:
        # The query was that paper's id, link or DOI: open it, as Hugging Face's site does.
        return redirect(results.found.get_absolute_url())
    page = Paginator(results, SEARCH_PER_PAGE).get_page(_page_number(request))
    stems = query_stems(results.query)
    papers = list(page.object_list)
    load_claims(papers)
    for paper in papers:
        paper.snippet = snippet(paper.abstract, stems)  # type: ignore[attr-defined]
    context = {
        "q": text,
        "results": results,
        "page": page,
        "papers": papers,
        "query": results.query,
        "filters": filters,
        "filter_params": filters.as_params(),
        "sorts": SORTS,
        **_tab_keys(None),
    }
    return render(request, "papers/search.html", context)


def paper_detail(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    if prefers_markdown(request):  # what huggingface_hub's read_paper and LLM tools ask for
        return paper_markdown(request, name=arxiv_id)
    paper = get_object_or_404(
        Paper.objects.visible().select_related("organization"), arxiv_id=arxiv_id
    )
    claims = load_claims([paper])[paper.pk]
    shown_upvoters = upvoters(paper, UPVOTERS_SHOWN)
    context: dict[str, object] = {
        "paper": paper,
        "daily_entries": paper.daily_entries.select_related("submitted_by__profile").order_by(
            "date"
        ),
        "latest_version": paper.versions.order_by("-number").first(),
        "similar": similar_papers(paper),
        "discussion": discussion(paper),
        "voted": voted_ids(request.user, [paper.pk]),
        "claimed_by": list(claims.values()),
        "upvoters": shown_upvoters,
        "more_upvoters": paper.upvote_count - len(shown_upvoters),
        "public_collections": public_collections(paper),
    }
    if request.user.is_authenticated:
        context["my_collections"] = request.user.paper_collections.all()  # type: ignore[union-attr]
        context["my_claim"] = AuthorshipClaim.objects.filter(user=request.user, paper=paper).first()
    response = render(request, "papers/paper.html", context)
    patch_vary_headers(response, ["Accept"])
    return response


def organization(request: HttpRequest, name: str) -> HttpResponse:
    """``/organizations/<name>``: an organization and its papers, newest daily list first."""
    org = get_object_or_404(Organization, name=name)
    entries = (
        DailyEntry.objects.listed()
        .filter(models.Q(organization=org) | models.Q(paper__organization=org))
        .order_by("-date", "-votes")  # type: ignore[misc]  # "votes" is annotated by listed()
    )
    page = Paginator(entries, PER_PAGE).get_page(_page_number(request))
    load_entry_people(page.object_list)
    context = {
        "organization": org,
        "page": page,
        "entries": page.object_list,
        "voted": voted_ids(request.user, (entry.paper_id for entry in page.object_list)),
        **_tab_keys(None),
    }
    return render(request, "papers/organization.html", context)


def author(request: HttpRequest, name: str) -> HttpResponse:
    """``/authors/<name>``: every paper of one author name, newest first, and who claimed it."""
    person = get_object_or_404(Author, name=name[:300])
    papers = person.papers.visible().order_by(models.F("published_at").desc(nulls_last=True))
    page = Paginator(papers, PER_PAGE).get_page(_page_number(request))
    claims = person.claims.filter(status=AuthorshipClaim.Status.CONFIRMED).select_related("user")
    context = {"author": person, "page": page, "papers": page.object_list, "claims": claims}
    return render(request, "papers/author.html", context)
