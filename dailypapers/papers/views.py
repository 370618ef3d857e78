"""The reading pages: a day's list, a week's and a month's top papers, trending, search, a paper.

Views parse the URL, ask a QuerySet (papers/queries.py) or the search (search/hybrid.py,
similar.py) and paginate; who stands behind a paper (claimed authors, upvoters, public
collections) comes from papers/people.py. An anonymous reader's list page is drawn from the
database's rows and the cards kept for them (``cards.py``), without model instances. A day
with few submissions is filled from ``announced.py``; a paper the site does not hold yet is
answered by ``ondemand.py`` (a page that refreshes itself while arXiv is asked). A paper
asked for as Markdown is answered by api/markdown.py.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from dailypapers.api.markdown import paper_markdown, prefers_markdown
from dailypapers.core.caching import cache_for_anonymous
from dailypapers.discussions.threads import discussion
from dailypapers.lib.dates import Period, parse_period, period_containing
from dailypapers.papers import announced, cards
from dailypapers.papers.found_links import find_links
from dailypapers.papers.models import Author, AuthorshipClaim, DailyEntry, Organization, Paper
from dailypapers.papers.ondemand import (
    Fetching,
    could_exist,
    fetching_enabled,
    pending_state,
    request_paper,
)
from dailypapers.papers.people import (
    UPVOTERS_SHOWN,
    load_claims,
    load_entry_people,
    public_collections,
    upvoters,
)
from dailypapers.papers.results import grouped, load_rows, pager_query, render_results
from dailypapers.papers.voting import voted_ids
from dailypapers.pdfs.worker import pdf_note, queue_on_visit
from dailypapers.repos.trending import trending_by_code
from dailypapers.search.filters import SORTS, SearchFilters
from dailypapers.search.hybrid import search as hybrid_search
from dailypapers.search.similar import similar_papers
from dailypapers.search.snippets import query_stems, snippet

PER_PAGE = cards.MAX_PAGE
SEARCH_PER_PAGE = 20


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _tab_keys(day) -> dict[str, str]:
    """The week and month that the Weekly and Monthly tabs open, around ``day``."""
    if day is None:
        day = announced.latest_list_day() or timezone.now().date()
    return {
        "week_key": period_containing("week", day).key,
        "month_key": period_containing("month", day).key,
    }


def _neighbours(period: Period) -> tuple[Period | None, Period | None]:
    """Previous and next: for a day, the closest days with papers (weekends and holidays are
    skipped); for a week or a month, the adjacent one, up to the newest list."""
    if period.kind == "date":
        before, after = announced.neighbour_days(period.first, period.last)
        return (
            period_containing("date", before) if before else None,
            period_containing("date", after) if after else None,
        )
    latest = announced.latest_list_day()
    return period.previous(), period.next() if latest and period.last < latest else None


def _list_page(request: HttpRequest, period: Period, is_latest: bool = False) -> HttpResponse:
    number = _page_number(request)
    anonymous = not request.user.is_authenticated
    page: Page
    if anonymous:
        # Kept cards drawn from the page's rows: no model instances (papers/cards.py).
        rows = cards.ListedRows(period.first, period.last)
        if number == 1:
            rows.read_first_page(PER_PAGE)
        page = Paginator(rows, PER_PAGE).get_page(number)
        listed_ids = [row[cards.PAPER_ID] for row in page.object_list]
        cards_html = cards.anonymous_cards(rows, list(page.object_list))
    else:
        entries = DailyEntry.objects.between(period.first, period.last)
        page = Paginator(entries, PER_PAGE).get_page(number)
        listed_ids = [entry.paper_id for entry in page.object_list]
        cards_html = None
        load_entry_people(page.object_list)
    previous, following = _neighbours(period)
    waiting: list[Paper] = []
    if period.kind == "date" and page.number == 1:
        listed = page.paginator.count
        if listed < settings.DAILY_FILL_BELOW:
            waiting = announced.not_yet_submitted(period.first, PER_PAGE - listed)
    oldest = timezone.now().date() - dt.timedelta(days=settings.SUBMIT_MAX_AGE_DAYS)
    context = {
        "period": period,
        "page": page,
        "entries": page.object_list,
        "cards_html": cards_html,
        "not_yet_submitted": waiting,
        "may_submit": period.first >= oldest,
        "previous": previous,
        "next": following,
        "is_latest": is_latest,
        "voted": voted_ids(request.user, listed_ids + [paper.pk for paper in waiting]),
        "tab": period.kind,
        **_tab_keys(period.first),
    }
    return render(request, "papers/list.html", context)


@cache_for_anonymous
def index(request: HttpRequest) -> HttpResponse:
    """``/papers``: the search results when ``q`` is given, else the newest day with papers
    (submitted, or announced by arXiv in the site's categories)."""
    if "q" in request.GET:
        return search(request)
    latest = announced.latest_day() or timezone.now().date()
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
    """``/papers/trending``: by decayed votes, or with ``?sort=code`` by stars gained per day
    (``repos/trending.py``); docs/trending.md states both rules."""
    by_code = request.GET.get("sort") == "code"
    entries = (
        trending_by_code(timezone.now()) if by_code else DailyEntry.objects.trending(timezone.now())
    )
    load_entry_people(entries)
    context = {
        "entries": entries,
        "by_code": by_code,
        "voted": voted_ids(request.user, (entry.paper_id for entry in entries)),
        "tab": "trending",
        **_tab_keys(None),
    }
    return render(request, "papers/trending.html", context)


def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    filters = SearchFilters.from_params(request.GET)
    number = _page_number(request)
    results = hybrid_search(text, filters, through=number * SEARCH_PER_PAGE)
    if results.found is not None:
        # The query was that paper's id, link or DOI: open it, as Hugging Face's site does.
        return redirect(results.found.get_absolute_url())
    wanted = results.query.identifier.arxiv_id if results.query.identifier else ""
    if wanted and fetching_enabled() and could_exist(wanted):
        # An arXiv id or link this site does not hold: its page fetches it (on demand).
        return redirect("papers:paper", arxiv_id=wanted)
    # Paged over ids: the page's rows are read narrowly (papers/results.py), not as models.
    page = Paginator(results.ids, SEARCH_PER_PAGE).get_page(number)
    stems = query_stems(results.query)
    papers = load_rows(list(page.object_list))
    load_claims(papers)  # type: ignore[arg-type]  # reads and sets .pk and .confirmed_claims
    for paper in papers:
        paper.snippet = snippet(paper.abstract, stems)
    context = {
        "q": text,
        "results": results,
        "page": page,
        "papers": papers,
        "results_html": render_results(papers, reverse("papers:index"), timezone.now().date()),
        "query": results.query,
        "filters": filters,
        "total": grouped(results.total),
        "pager_query": pager_query(text, filters.as_params()),
        "sorts": SORTS,
        **_tab_keys(None),
    }
    return render(request, "papers/search.html", context)


def _fetching_page(request: HttpRequest, fetching: Fetching, pending: bool) -> HttpResponse:
    """The page of a paper the site does not hold (yet): it refreshes itself while arXiv is
    being asked, and then shows the paper. 202 while in progress, 404 when arXiv has no such
    paper or the site does not fetch, 503 when the queue is full."""
    status = {"missing": 404, "busy": 503}.get(fetching.state, 202)
    if fetching.state == "off":
        status = 202 if pending else 404
    refresh = fetching.in_progress or (pending and fetching.state == "off")
    context = {"fetching": fetching, "pending": pending, "refresh": refresh}
    response = render(request, "papers/fetching.html", context, status=status)
    if status in (202, 503):
        response["Retry-After"] = str(fetching.retry_seconds)
    return response


def paper_detail(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    if prefers_markdown(request):  # what huggingface_hub's read_paper and LLM tools ask for
        return paper_markdown(request, name=arxiv_id)
    paper = Paper.objects.visible().select_related("organization").filter(arxiv_id=arxiv_id).first()
    if paper is None:
        # A hidden paper stays hidden; an id of a month to come cannot exist: 404, nobody asked.
        if not could_exist(arxiv_id) or Paper.objects.filter(arxiv_id=arxiv_id).exists():
            raise Http404(f"No paper arXiv:{arxiv_id} here.")
        return _fetching_page(request, request_paper(arxiv_id), pending=False)
    if paper.is_pending_fetch:
        return _fetching_page(request, pending_state(arxiv_id), pending=True)
    claims = load_claims([paper])[paper.pk]
    shown_upvoters = upvoters(paper, UPVOTERS_SHOWN)
    context: dict[str, object] = {
        "paper": paper,
        "daily_entries": paper.daily_entries.select_related("submitted_by__profile").order_by(
            "date"
        ),
        "latest_version": paper.versions.order_by("-number").first(),
        "similar": similar_papers(paper),
        "found": find_links(paper.abstract, paper.comment),
        "pdf_note": pdf_note(paper),
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
    queue_on_visit(paper)  # the thumbnail worker takes visited papers first
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
