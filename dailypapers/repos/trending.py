"""Trending by code activity: the week's listed papers with a GitHub repository, ranked by the
stars their repository gains per day.

The rule (docs/trending.md):

- The papers are those of trending by votes (``DailyEntry.objects.trending``: listed in the
  last 7 days); a paper without a GitHub repository whose stars we know is left out.
- A repository checked twice or more gains ``(stars - stars_before) / days`` per day, over the
  interval since its reference count (renewed weekly, at least a day counted).
- A repository checked once has no gain to measure yet: its stars divided by the days since
  the paper appeared on arXiv (at least 1) stand in, for papers of the last 30 days (a repository
  made for the paper gathered its stars since); older papers' repositories count 0 until seen
  twice.
- Ties go to trending by votes' order.
"""

from __future__ import annotations

import datetime as dt

from dailypapers.papers.models import DailyEntry
from dailypapers.repos.models import GitHubRepo

NEW_PAPER_DAYS = 30


def stars_per_day(repo: GitHubRepo, published_at: dt.datetime | None, now: dt.datetime) -> float:
    if repo.stars is None:
        return 0.0
    if repo.stars_before is not None and repo.stars_before_at and repo.checked_at:
        days = (repo.checked_at - repo.stars_before_at).total_seconds() / 86400
        if days > 0:
            return max(0, repo.stars - repo.stars_before) / max(days, 1.0)
    if published_at is None or now - published_at > dt.timedelta(days=NEW_PAPER_DAYS):
        return 0.0
    return repo.stars / max((now - published_at).total_seconds() / 86400, 1.0)


def trending_by_code(now: dt.datetime, limit: int = 50) -> list[DailyEntry]:
    entries = DailyEntry.objects.trending(now, limit=10_000)
    urls = {entry.paper.github_repo for entry in entries if entry.paper.github_repo}
    repos = {
        repo.url.lower(): repo
        for repo in GitHubRepo.objects.filter(url__in=urls, stars__isnull=False)
    }
    scored = []
    for position, entry in enumerate(entries):
        repo = repos.get(entry.paper.github_repo.lower())
        if repo is None:
            continue
        speed = stars_per_day(repo, entry.paper.published_at, now)
        entry.stars_per_day = round(speed, 1)  # type: ignore[attr-defined]  # shown on the card
        scored.append((-speed, position, entry))
    return [entry for _, _, entry in sorted(scored)][:limit]
