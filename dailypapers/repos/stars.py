"""One step of the stars worker: ask GitHub for one due repository's star count, politely.

Polite means: one request per ``GITHUB_REQUEST_SPACING`` seconds across every process (the
``github`` row of ``UpstreamPace``), ``If-None-Match`` with the stored ETag (GitHub answers 304
without counting it against the rate limit), and a full stop when GitHub says the limit is
reached (403 or 429 with ``X-RateLimit-Remaining: 0``, or a ``Retry-After``): the pace row is
moved to the reset time, so no worker asks again before it, and the repository keeps its place.
A token (``GITHUB_TOKEN``) raises the limit from 60 to 5,000 requests an hour.

Repositories come from papers: ``sync_from_papers`` adds a row for each GitHub link that papers
hold. Each outcome is a state on the row and one log line; the count reaches papers through
``papers.writing.set_github_stars``. GitLab and other hosts are not asked (no stars there).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping

from django.conf import settings
from django.db import models
from django.utils import timezone

from dailypapers import __version__
from dailypapers.core.claims import claim_one
from dailypapers.papers.ingest.pacing import DatabasePacer
from dailypapers.papers.models import Paper, UpstreamPace
from dailypapers.papers.writing import set_github_stars
from dailypapers.repos.models import GitHubRepo
from dailypapers.sources.http import FetchError, PoliteClient, RetryPolicy, parse_retry_after

log = logging.getLogger(__name__)
UPSTREAM = "github"
LEASE = dt.timedelta(minutes=5)
MISSING_RECHECK = dt.timedelta(days=30)
ERROR_RECHECK = dt.timedelta(hours=6)
REFERENCE_AGE = dt.timedelta(days=7)  # how old ``stars_before`` gets before it is renewed


def github_client() -> PoliteClient:
    contact = settings.INGEST_CONTACT.strip() or "unknown"
    return PoliteClient(
        user_agent=f"dailypapers/{__version__} (mailto:{contact})",
        pacer=DatabasePacer(UPSTREAM, settings.GITHUB_REQUEST_SPACING),
        # 5xx and network faults: one quick retry, then the row's schedule takes over.
        retry=RetryPolicy(
            max_attempts=2, backoff_base=2.0, retry_statuses=frozenset({502, 503, 504})
        ),
        timeout=20.0,
    )


def sync_from_papers() -> int:
    """Add a row for every GitHub repository a paper links to; returns how many were new."""
    urls = set(
        Paper.objects.filter(github_repo__startswith="https://github.com/")
        .values_list("github_repo", flat=True)
        .distinct()
    )
    known = {url.lower() for url in GitHubRepo.objects.values_list("url", flat=True)}
    new = [
        GitHubRepo(url=url, next_check_at=timezone.now())
        for url in urls
        if url.lower() not in known
    ]
    GitHubRepo.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return len(new)


def paused_until(now: dt.datetime) -> dt.datetime | None:
    """When GitHub's rate limit lets us ask again, if that is later than the normal pace."""
    pace = UpstreamPace.objects.filter(upstream=UPSTREAM).first()
    spacing = dt.timedelta(seconds=settings.GITHUB_REQUEST_SPACING)
    if pace is not None and pace.next_request_at > now + spacing:
        return pace.next_request_at
    return None


def handle_one(client: PoliteClient) -> str | None:
    """Refresh one due repository; its outcome as a line, or None when nothing is due."""
    now = timezone.now()
    if paused_until(now) is not None:
        return None  # rate-limited: nothing is due before the reset
    due = GitHubRepo.objects.filter(
        models.Q(next_check_at__lte=now),
        models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now),
    )
    repo = claim_one(due, ("next_check_at", "pk"), claimed_until=now + LEASE)
    if repo is None:
        return None
    url = f"{settings.GITHUB_API_URL.rstrip('/')}/repos/{repo.full_name}"
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    if repo.etag:
        headers["If-None-Match"] = repo.etag
    if settings.GITHUB_TOKEN:
        headers["Authorization"] = f"Bearer {settings.GITHUB_TOKEN}"
    try:
        response = client.get(url, headers=headers, ok_statuses=(200, 304))
    except FetchError as error:
        return _refused(repo, error, now)
    _note_remaining(response.headers, now)
    if response.status_code == 304:
        return _save(repo, now, GitHubRepo.State.OK, "", stars=repo.stars)
    try:
        stars = json.loads(response.content)["stargazers_count"]
        if not isinstance(stars, int) or isinstance(stars, bool) or stars < 0:
            raise ValueError(stars)
    except (ValueError, KeyError, TypeError):
        return _save(
            repo, now, GitHubRepo.State.ERROR, "answer without a star count", recheck=ERROR_RECHECK
        )
    etag = response.headers.get("etag", "")[:200]
    return _save(repo, now, GitHubRepo.State.OK, "", stars=stars, etag=etag)


def _refused(repo: GitHubRepo, error: FetchError, now: dt.datetime) -> str:
    headers = error.response.headers if error.response is not None else {}
    if error.status_code in (403, 429) and _is_rate_limit(headers):
        until = _reset_time(headers, now)
        UpstreamPace.objects.update_or_create(
            upstream=UPSTREAM, defaults={"next_request_at": until}
        )
        GitHubRepo.objects.filter(pk=repo.pk).update(claimed_until=None)  # keeps its place
        line = (
            f"GitHub rate limit reached (HTTP {error.status_code}); "
            f"paused until {until:%Y-%m-%d %H:%M:%S}Z"
        )
        log.warning("stars: %s", line)
        return line
    if error.status_code in (404, 410, 451):
        return _save(
            repo,
            now,
            GitHubRepo.State.MISSING,
            f"HTTP {error.status_code}",
            recheck=MISSING_RECHECK,
        )
    return _save(repo, now, GitHubRepo.State.ERROR, error.reason[:200], recheck=ERROR_RECHECK)


def _is_rate_limit(headers: Mapping[str, str]) -> bool:
    # GitHub's primary limit says remaining 0; its secondary limits send Retry-After.
    lowered = {name.lower(): value for name, value in headers.items()}
    return lowered.get("x-ratelimit-remaining") == "0" or "retry-after" in lowered


def _reset_time(headers: Mapping[str, str], now: dt.datetime) -> dt.datetime:
    lowered = {name.lower(): value for name, value in headers.items()}
    wait = parse_retry_after(lowered.get("retry-after"), now)
    if wait is not None:
        return now + dt.timedelta(seconds=wait)
    reset = lowered.get("x-ratelimit-reset", "")
    if reset.isdigit():
        return max(now, dt.datetime.fromtimestamp(int(reset), dt.UTC))
    return now + dt.timedelta(minutes=60)  # GitHub's window when it says nothing else


def _note_remaining(headers: Mapping[str, str], now: dt.datetime) -> None:
    """A success that used the last request of the window pauses us until its reset."""
    lowered = {name.lower(): value for name, value in headers.items()}
    if lowered.get("x-ratelimit-remaining") == "0":
        until = _reset_time({"x-ratelimit-reset": lowered.get("x-ratelimit-reset", "")}, now)
        UpstreamPace.objects.update_or_create(
            upstream=UPSTREAM, defaults={"next_request_at": until}
        )
        log.warning("stars: GitHub rate limit used up; paused until %s", until)


def _save(
    repo: GitHubRepo,
    now: dt.datetime,
    state: str,
    reason: str,
    *,
    stars: int | None = None,
    etag: str | None = None,
    recheck: dt.timedelta | None = None,
) -> str:
    fields: dict[str, object] = {
        "state": state,
        "reason": reason,
        "checked_at": now,
        "claimed_until": None,
        "next_check_at": now + (recheck or dt.timedelta(hours=settings.STARS_REFRESH_HOURS)),
    }
    if stars is not None:
        fields["stars"] = stars
        if repo.stars_before_at is None or now - repo.stars_before_at >= REFERENCE_AGE:
            # Renew the reference count: the gain is measured over the last week or so.
            fields["stars_before"] = repo.stars if repo.stars is not None else stars
            fields["stars_before_at"] = repo.checked_at or now
    if etag is not None:
        fields["etag"] = etag
    GitHubRepo.objects.filter(pk=repo.pk).update(**fields)
    if stars is not None:
        set_github_stars(repo.url, stars)
    line = (
        f"{repo.full_name}: {state}"
        + (f" ★{stars}" if stars is not None else "")
        + (f" ({reason})" if reason else "")
    )
    (log.info if state == GitHubRepo.State.OK else log.warning)("stars: %s", line)
    return line
