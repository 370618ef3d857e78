"""What a digest holds: the period's trending papers, a signed-in reader's follow alerts and
"For you" papers, then the best new matches per topic.

Nothing is mailed twice to one address: papers of earlier deliveries (sent, or possibly sent)
are left out. Each topic paper carries the reason it matched. ``compose`` reads only; it is
also what the browser preview shows.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F

from dailypapers.digests.models import Delivery, Frequency, Subscription
from dailypapers.library.alerts import Reader, follow_alerts, for_you_picks
from dailypapers.papers.models import DailyEntry, Paper
from dailypapers.papers.queries import category_filter
from dailypapers.search.filters import SearchFilters
from dailypapers.search.hybrid import search

WORD = re.compile(r"\w+")


@dataclass
class Match:
    paper: Paper
    reason: str


@dataclass
class Topic:
    name: str
    matches: list[Match] = field(default_factory=list)


@dataclass
class Digest:
    subscription: Subscription
    period: str
    first: dt.date
    last: dt.date
    trending: list[Paper] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    # For a subscription of a signed-in reader (dailypapers/library/alerts.py).
    alerts: list[Match] = field(default_factory=list)
    for_you: list[Match] = field(default_factory=list)

    @property
    def papers(self) -> list[Paper]:
        personal = [m.paper for m in self.alerts + self.for_you]
        return self.trending + personal + [m.paper for t in self.topics for m in t.matches]

    @property
    def skip_reason(self) -> str:
        if self.papers:
            return ""
        if self.subscription.topics or self.subscription.categories:
            return "nothing trending and no new match for any topic"
        return "nothing trending"


def already_sent(subscription: Subscription) -> set[str]:
    ids: set[str] = set()
    mailed = (Delivery.State.SENT, Delivery.State.SENDING)
    for papers in subscription.deliveries.filter(state__in=mailed).values_list("papers", flat=True):
        ids.update(papers)
    return ids


def why(topic: str, paper: Paper) -> str:
    """Say why a paper matched a free-text topic, in words a reader trusts."""
    words = {w.lower() for w in WORD.findall(topic)}
    title = {w.lower() for w in WORD.findall(paper.title)}
    abstract = {w.lower() for w in WORD.findall(paper.abstract)}
    if words and words <= title:
        return f"“{topic}” is in the title"
    if words and words <= title | abstract:
        return f"“{topic}” is in the abstract"
    return f"close in meaning to “{topic}”"


# Many subscribers follow the same topics: a topic's ranked matches for one window are computed
# once and reused for a few minutes (the exclusions that make each digest personal come after).
TOPIC_CACHE_SECONDS = 300
_topic_cache: dict[tuple[str, SearchFilters], tuple[float, list[Paper]]] = {}


def topic_candidates(text: str, window: SearchFilters) -> list[Paper]:
    now = time.monotonic()
    cached = _topic_cache.get((text, window))
    if cached is not None and now - cached[0] < TOPIC_CACHE_SECONDS:
        return cached[1]
    if len(_topic_cache) > 10_000:
        _topic_cache.clear()
    found = list(search(text, window)[: settings.DIGEST_TOPIC_COUNT * 3])
    _topic_cache[(text, window)] = (now, found)
    return found


def trending_candidates(first: dt.date, last: dt.date, count: int) -> list[Paper]:
    """The most upvoted papers listed from ``first`` to ``last``, shared by every digest."""
    key = (f"trending {count}", SearchFilters(since=first, until=last))
    now = time.monotonic()
    cached = _topic_cache.get(key)
    if cached is not None and now - cached[0] < TOPIC_CACHE_SECONDS:
        return cached[1]
    found = [entry.paper for entry in DailyEntry.objects.between(first, last)[:count]]
    _topic_cache[key] = (now, found)
    return found


def compose(subscription: Subscription, due: dt.datetime) -> Digest:
    period, first, last = subscription.period_of(due)
    digest = Digest(subscription, period, first, last)
    seen = already_sent(subscription)
    trending_count = settings.DIGEST_TRENDING_COUNT * (
        2 if subscription.frequency == Frequency.WEEKLY else 1
    )
    for paper in trending_candidates(first, last, trending_count * 4):
        if paper.arxiv_id not in seen and len(digest.trending) < trending_count:
            digest.trending.append(paper)
            seen.add(paper.arxiv_id)
    reader = subscription.user
    if reader is not None and reader.is_active:
        personal = Reader.of(reader)  # read once for both sections
        for paper, reason in follow_alerts(reader, first, last, seen, personal):
            digest.alerts.append(Match(paper, reason))
        count = settings.DIGEST_FOR_YOU_COUNT * (
            2 if subscription.frequency == Frequency.WEEKLY else 1
        )
        for paper, reason in for_you_picks(reader, first, last, count, seen, personal):
            digest.for_you.append(Match(paper, reason))
    # A topic looks at papers published from a little before the period (arXiv's announcement
    # comes a day or two after submission) to its end.
    window = SearchFilters(since=first - dt.timedelta(days=3), until=last)
    for text in subscription.topics:
        topic = Topic(text)
        for paper in topic_candidates(text, window):
            if paper.arxiv_id in seen or len(topic.matches) >= settings.DIGEST_TOPIC_COUNT:
                continue
            topic.matches.append(Match(paper, why(text, paper)))
            seen.add(paper.arxiv_id)
        digest.topics.append(topic)
    for category in subscription.categories:
        topic = Topic(category)
        in_category = (
            window.apply(Paper.objects.visible())
            .filter(category_filter(category))
            .exclude(arxiv_id__in=seen)
            .annotate(votes=F("upstream_upvotes") + F("upvote_count"))
            .order_by("-votes", "-published_at")
        )
        for paper in in_category[: settings.DIGEST_TOPIC_COUNT]:
            topic.matches.append(Match(paper, f"in {category}"))
            seen.add(paper.arxiv_id)
        digest.topics.append(topic)
    return digest
