"""``/papers/<id>/thumbnail.webp``: the first page's image, or a placeholder until it exists.

The image is a file beside the database; the view only checks that it is there (no query),
so a list of 50 cards costs 50 file checks, each answered with long-lived caching headers
and ``Last-Modified`` (a revalidation is a 304). A paper without one yet gets a redirect to the
static placeholder, cached briefly so that the real image shows once the worker made it.
"""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import http_date, parse_http_date_safe

from dailypapers.papers.pictures import placeholder_thumbnail_url
from dailypapers.pdfs import storage

CACHE_SECONDS = 7 * 24 * 3600  # a first page does not change unless a new version is fetched
PLACEHOLDER_CACHE_SECONDS = 600


def thumbnail(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    path = storage.thumbnail_path(arxiv_id)
    try:
        modified = int(path.stat().st_mtime)
    except FileNotFoundError:
        response: HttpResponse = HttpResponseRedirect(placeholder_thumbnail_url())
        response["Cache-Control"] = f"public, max-age={PLACEHOLDER_CACHE_SECONDS}"
        return response
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if since is not None and modified <= since:
        response = HttpResponse(status=304)
    else:
        response = FileResponse(path.open("rb"), content_type="image/webp")  # type: ignore[assignment]
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["Expires"] = http_date(
        (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=CACHE_SECONDS)).timestamp()
    )
    return response
