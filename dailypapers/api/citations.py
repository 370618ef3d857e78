"""Citations to export: BibTeX (arXiv's own ``@misc`` form, ``Paper.bibtex()``) and RIS, for a
paper, a day's list, a search and a collection (``.bib`` / ``.ris`` beside their pages)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse

from dailypapers.api import params
from dailypapers.api.lists import get_paper
from dailypapers.api.responses import ApiError, error_response
from dailypapers.collections.models import Collection
from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.search.filters import SearchFilters
from dailypapers.search.hybrid import search as hybrid_search

CONTENT_TYPES = {
    "bib": "application/x-bibtex; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
}
MAX_SEARCH = 120


def bibtex(papers: Iterable[Paper]) -> str:
    """The papers' BibTeX entries; keys made unique in the file (smith2024, smith2024a, ...)."""
    seen: set[str] = set()
    entries = []
    for paper in papers:
        entry = paper.bibtex()
        head, _, rest = entry.partition("\n")
        key = base = head.removeprefix("@misc{").rstrip(",")
        suffix = ord("a")
        while key in seen:
            key = f"{base}{chr(suffix)}" if suffix <= ord("z") else f"{base}{suffix}"
            suffix += 1
        seen.add(key)
        entries.append(f"@misc{{{key},\n{rest}")
    return "\n\n".join(entries) + "\n"


def _ris_value(text: str) -> str:
    return " ".join(str(text).split())  # a RIS value is one line


def ris_entry(paper: Paper) -> str:
    tags: list[tuple[str, str]] = [("TY", "GEN"), ("TI", paper.title)]
    tags += [("AU", name) for name in paper.author_names]
    if paper.published_at:
        tags += [("PY", str(paper.published_at.year)), ("DA", f"{paper.published_at:%Y/%m/%d}")]
    tags += [("AB", paper.abstract), ("PB", "arXiv"), ("UR", paper.abs_url)]
    tags += [("M1", f"arXiv:{paper.arxiv_id}"), ("N1", f"arXiv:{paper.arxiv_id}")]
    tags += [("KW", category) for category in paper.categories]
    if paper.doi:
        tags.append(("DO", paper.doi))
    lines = [f"{tag}  - {_ris_value(value)}" for tag, value in tags if _ris_value(value)]
    return "\n".join([*lines, "ER  - "])


def ris(papers: Iterable[Paper]) -> str:
    return "\n\n".join(ris_entry(paper) for paper in papers) + "\n"


def _answer(papers: Iterable[Paper], form: str, filename: str) -> HttpResponse:
    body = bibtex(papers) if form == "bib" else ris(papers)
    response = HttpResponse(body, content_type=CONTENT_TYPES[form])
    response["Content-Disposition"] = f'inline; filename="{filename}.{form}"'
    return response


def _errors_as_json(view):  # type: ignore[no-untyped-def]
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # type: ignore[no-untyped-def]
        if request.method not in ("GET", "HEAD"):
            return error_response(405, f"{request.method} is not allowed here; use GET.")
        try:
            return view(request, *args, **kwargs)
        except ApiError as error:
            return error_response(error.status, error.message)

    return wrapped


@_errors_as_json
def paper(request: HttpRequest, arxiv_id: str, form: str) -> HttpResponse:
    found = get_paper(arxiv_id)
    return _answer([found], form, found.arxiv_id.replace("/", "_"))


@_errors_as_json
def day(request: HttpRequest, day: str, form: str) -> HttpResponse:
    date = params.day(day)
    entries = DailyEntry.objects.on_day(date)
    return _answer([entry.paper for entry in entries], form, f"papers-{date}")


@_errors_as_json
def search(request: HttpRequest, form: str) -> HttpResponse:
    text = params.text(request.GET, "q", params.MAX_QUERY)
    if not text:
        raise ApiError(400, "q is required: the search whose papers to cite")
    limit = params.integer(request.GET, "limit", 50, 1, MAX_SEARCH)
    filters = SearchFilters(category=params.category(request.GET))
    return _answer(hybrid_search(text, filters)[:limit], form, "search")


@_errors_as_json
def collection(request: HttpRequest, username: str, pk: str, form: str) -> HttpResponse:
    owner = get_user_model().objects.filter(username=username, is_active=True).first()
    found = Collection.objects.filter(pk=int(pk), owner=owner).first() if owner else None
    if found is None or not found.can_see(request.user):
        raise ApiError(404, "No such collection")  # a private one does not admit it exists
    papers = Paper.objects.visible().filter(collectionitem__collection=found)
    return _answer(papers.order_by("-collectionitem__added"), form, f"collection-{found.pk}")
