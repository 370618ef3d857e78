"""The reader's pages: "For you", "Following", "Your library" (import, set-aside papers, feed
links); and the actions behind their buttons: import, follow/unfollow, not interested/read.

Every page and action here is for the signed-in reader about their own data; views parse the
request, call ``foryou`` / ``importing`` / ``following`` / ``members`` and render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dailypapers.core.ratelimits import limited
from dailypapers.lib.dates import Period, parse_period, period_containing
from dailypapers.library import feeds
from dailypapers.library.cards import cards
from dailypapers.library.cards import html as cards_html
from dailypapers.library.export import reader_data
from dailypapers.library.following import BadFollow, follow, unfollow
from dailypapers.library.foryou import ForYou, Pick, following_feed, newest_day
from dailypapers.library.importing import claim_fetched, import_file
from dailypapers.library.members import library_ids, set_mark
from dailypapers.library.models import Follow, LibraryItem, PaperMark, PendingImport
from dailypapers.library.references import UnreadableFile, check_size
from dailypapers.papers.models import Paper
from dailypapers.papers.people import load_claims
from dailypapers.papers.voting import voted_ids

PER_PAGE = 30
PERIOD_KINDS = ("date", "week", "month")


def _today() -> dt.date:
    return timezone.now().date()


def _reader(request: HttpRequest) -> Any:
    """The signed-in reader (every view here is behind ``login_required``)."""
    return request.user


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _page_number(request: HttpRequest) -> int:
    text = request.GET.get("page", "1")
    return max(1, int(text)) if text.isdigit() and len(text) < 7 else 1


def requested_period(request: HttpRequest, latest: dt.date | None) -> Period:
    """The period named by ``?date=``, ``?week=`` or ``?month=``, else the newest day with
    papers; a malformed one falls back to that too (the page still shows something)."""
    for kind in PERIOD_KINDS:
        if kind in request.GET:
            try:
                return parse_period(kind, request.GET[kind][:20])
            except ValueError:
                messages.warning(request, f"{request.GET[kind][:20]!r} is not a {kind}.")
                break
    return period_containing("date", latest or _today())


def _cards_context(request: HttpRequest, picks: list[Pick]) -> dict[str, Any]:
    """The cards (``cards.py``) and their markup, with what every card shares (this page's
    address, one CSRF field for all its forms) made once rather than per card."""
    made = cards(picks, voted_ids(request.user, (pick.paper.pk for pick in picks)))
    return {
        "cards": made,
        "cards_html": cards_html(made, csrf_input(request), request.get_full_path()),
    }


@login_required
def for_you(request: HttpRequest) -> HttpResponse:
    """``/papers/for-you``: the period's papers ranked for the reader, each with its reason."""
    claim_fetched(request.user)
    latest = newest_day()
    period = requested_period(request, latest)
    ranked = ForYou(request.user, period)
    page = Paginator(ranked, PER_PAGE).get_page(_page_number(request))
    picks = list(page.object_list)
    load_claims(pick.paper for pick in picks)
    context = {
        "period": period,
        "ranked": ranked,
        "page": page,
        "picks": picks,
        **_cards_context(request, picks),
        "previous": period.previous(),
        "next": period.next() if latest and period.last < latest else None,
        "tab": "for-you",
        "kinds": [(kind, period_containing(kind, period.first).key) for kind in PERIOD_KINDS],
        "week_key": period_containing("week", period.first).key,
        "month_key": period_containing("month", period.first).key,
    }
    return render(request, "library/for_you.html", context)


@login_required
def following(request: HttpRequest) -> HttpResponse:
    """``/following``: what the reader follows, and the new papers it brought."""
    follows = Follow.objects.filter(user=_reader(request))
    picks = following_feed(request.user)
    load_claims(pick.paper for pick in picks)
    context = {
        "follows": follows,
        "picks": picks,
        **_cards_context(request, picks),
        "tab": "following",
        "week_key": period_containing("week", newest_day() or _today()).key,
        "month_key": period_containing("month", newest_day() or _today()).key,
    }
    return render(request, "library/following.html", context)


@login_required
def library(request: HttpRequest) -> HttpResponse:
    """``/library``: import a file; the papers imported, queued, set aside; private feeds."""
    claim_fetched(request.user)
    imported = Paper.objects.filter(
        pk__in=LibraryItem.objects.filter(user=_reader(request)).values("paper")
    ).order_by("-published_at")
    marks = PaperMark.objects.filter(user=_reader(request)).select_related("paper")
    context = {
        "library_size": len(library_ids(request.user)),
        "imported": Paginator(imported, 50).get_page(_page_number(request)),
        "pending": PendingImport.objects.filter(user=_reader(request))[:200],
        "pending_count": PendingImport.objects.filter(user=_reader(request)).count(),
        "not_interested": [m for m in marks if m.kind == PaperMark.Kind.NOT_INTERESTED],
        "read": [m for m in marks if m.kind == PaperMark.Kind.READ],
        "feeds": feeds.urls_of(request, request.user),
    }
    return render(request, "library/library.html", context)


@require_POST
@login_required
@limited("library_import", per_ip=False)
def import_references(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a BibTeX, RIS or CSL-JSON file to import.")
        return redirect("library:library")
    try:
        # Refused before reading: a 20 MB upload is never held in memory.
        check_size(upload.size or 0, settings.LIBRARY_IMPORT_MAX_BYTES)
        report = import_file(request.user, upload.read(settings.LIBRARY_IMPORT_MAX_BYTES + 1))
    except UnreadableFile as error:
        message = f"Nothing was imported from {(upload.name or 'the file')[:100]}: {error}"
        return render(request, "library/import_refused.html", {"message": message}, status=400)
    messages.success(request, f"Imported {(upload.name or 'the file')[:100]}: {report}")
    return redirect("library:library")


@require_POST
@login_required
@limited("library", per_ip=False)
def follow_action(request: HttpRequest) -> HttpResponse:
    """Follow (``follow=1``) or unfollow (``follow=0``) ``kind`` + ``target``."""
    kind = request.POST.get("kind", "")
    target = request.POST.get("target", "")[:1000]
    fallback = reverse("library:following")
    if request.POST.get("follow") == "0":
        if unfollow(request.user, kind, target):
            messages.success(request, f"You no longer follow {' '.join(target.split())}.")
        return redirect(_back(request, fallback))
    try:
        made, created = follow(request.user, kind, target)
    except BadFollow as error:
        return render(request, "library/import_refused.html", {"message": str(error)}, status=400)
    if created:
        messages.success(request, f"You follow {made.target}: its new papers show in Following.")
    return redirect(_back(request, fallback))


@require_POST
@login_required
@limited("library", per_ip=False)
def mark(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    """Mark a paper "not interested" or "read" (``on=1``), or take the mark off (``on=0``)."""
    paper = get_object_or_404(Paper.objects.visible(), arxiv_id=arxiv_id)
    kind = request.POST.get("kind", "")
    if kind not in PaperMark.Kind.values:
        return render(
            request, "library/import_refused.html", {"message": "Unknown mark."}, status=400
        )
    on = request.POST.get("on") != "0"
    set_mark(request.user, paper, kind, on)
    label = PaperMark.Kind(kind).label.lower()
    if on:
        messages.success(
            request, f"“{paper.title[:80]}” marked {label}: it is left out of For you."
        )
        request.session["library_undo"] = [paper.arxiv_id, kind]
    else:
        messages.success(request, f"“{paper.title[:80]}” is no longer marked {label}.")
        request.session.pop("library_undo", None)
    return redirect(_back(request, reverse("library:for_you")))


@login_required
def export(request: HttpRequest) -> JsonResponse:
    """``/library/export.json``: the reader's library, marks and follows, to keep."""
    response = JsonResponse(reader_data(request.user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="library.json"'
    return response


@require_POST
@login_required
@limited("library", per_ip=False)
def reset_feeds(request: HttpRequest) -> HttpResponse:
    feeds.reset_secret(request.user)
    messages.success(
        request, "Your private feed addresses were changed; the old ones no longer work."
    )
    return redirect("library:library")
