"""What a digest holds: the period's trending papers, a signed-in reader's follow alerts and
"For you" papers, then the best new matches per topic.

Nothing is mailed twice to one address: papers of earlier deliveries (sent, or possibly sent)
are left out. Each topic paper carries the reason it matched. ``compose`` reads only; it is
also what the browser preview shows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F

from dailypapers.core.kept import Kept
from dailypapers.digests.models import Delivery, Frequency, Subscription
from dailypapers.library.alerts import Reader, follow_alerts, for_you_count, for_you_picks
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


MAILED = (Delivery.State.SENT, Delivery.State.SENDING)


def already_sent(subscription: Subscription) -> set[str]:
    ids: set[str] = set()
    for papers in subscription.deliveries.filter(state__in=MAILED).values_list("papers", flat=True):
        ids.update(papers)
    return ids


def already_sent_to(subscriptions: list[Subscription]) -> dict[int, set[str]]:
    """``already_sent`` of many subscriptions in one query (a worker's batch)."""
    ids: dict[int, set[str]] = {s.pk: set() for s in subscriptions}
    mailed = Delivery.objects.filter(subscription__in=list(ids), state__in=MAILED)
    for pk, papers in mailed.values_list("subscription_id", "papers"):
        ids[pk].update(papers)
    return ids


def why(topic: str, paper: Paper) -> str:
    """Say why a paper matched a free-text topic, in words a reader trusts."""
    key = (topic, paper.pk, paper.title, paper.modified)
    reason = _reasons.get(key)
    if reason is None:
        if len(_reasons) > 50_000:
            _reasons.clear()
        reason = _reasons[key] = _why(topic, paper)
    return reason


def _why(topic: str, paper: Paper) -> str:
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
_topic_cache: Kept[list[Paper]] = Kept(TOPIC_CACHE_SECONDS, most=10_000)
# ``why`` reads a paper's whole abstract: kept per (topic, paper), as the matches are.
_reasons: dict[tuple, str] = {}


def forget() -> None:
    """Drop the kept matches (tests, whose papers come and go with each test)."""
    _topic_cache.clear()
    _reasons.clear()


def topic_candidates(text: str, window: SearchFilters) -> list[Paper]:
    return _topic_cache.get(
        (text, window), lambda: list(search(text, window)[: settings.DIGEST_TOPIC_COUNT * 3])
    )


def trending_candidates(first: dt.date, last: dt.date, count: int) -> list[Paper]:
    """The most upvoted papers listed from ``first`` to ``last``, shared by every digest."""
    return _topic_cache.get(
        (f"trending {count}", SearchFilters(since=first, until=last)),
        lambda: [entry.paper for entry in DailyEntry.objects.between(first, last)[:count]],
    )


def category_candidates(category: str, window: SearchFilters) -> list[Paper]:
    """The most upvoted papers of ``category`` in ``window``, more than a digest shows: kept
    as a topic's matches are, and shared by every subscriber of the category."""
    return _topic_cache.get(
        (f"category {category}", window),
        lambda: list(_in_category(category, window)[: settings.DIGEST_TOPIC_COUNT * 3]),
    )


def _in_category(category: str, window: SearchFilters, seen: set[str] | None = None):
    # ``window.apply`` compares ``published_at__date``, which SQLite answers by calling a
    # Python function on every paper's date: 3.2 million calls, 46% of the time of 1,000
    # digests on the bundle's 6,000 papers (cProfile, bench/digests.py). The same UTC days
    # as a range of instants use the index.
    assert window.since is not None and window.until is not None
    start = dt.datetime.combine(window.since, dt.time(), dt.UTC)
    end = dt.datetime.combine(window.until + dt.timedelta(days=1), dt.time(), dt.UTC)
    papers = Paper.objects.visible().filter(published_at__gte=start, published_at__lt=end)
    papers = papers.filter(category_filter(category))
    if seen:
        papers = papers.exclude(arxiv_id__in=seen)
    votes = F("upstream_upvotes") + F("upvote_count")
    return papers.annotate(votes=votes).order_by("-votes", "-published_at", "pk")


def compose(
    subscription: Subscription,
    due: dt.datetime,
    seen: set[str] | None = None,
    reader: Reader | None = None,
) -> Digest:
    """The digest of ``subscription`` due at ``due``; ``seen``: the arXiv ids mailed to it
    before (``already_sent``), and ``reader``: its account's library and follows
    (``Reader``), when the caller read them already (a worker's batch)."""
    period, first, last = subscription.period_of(due)
    digest = Digest(subscription, period, first, last)
    seen = already_sent(subscription) if seen is None else set(seen)
    trending_count = settings.DIGEST_TRENDING_COUNT * (
        2 if subscription.frequency == Frequency.WEEKLY else 1
    )
    for paper in trending_candidates(first, last, trending_count * 4):
        if paper.arxiv_id not in seen and len(digest.trending) < trending_count:
            digest.trending.append(paper)
            seen.add(paper.arxiv_id)
    account = subscription.user
    if account is not None and account.is_active:
        personal = reader or Reader.of(account)  # read once for both sections
        for paper, reason in follow_alerts(account, first, last, seen, personal):
            digest.alerts.append(Match(paper, reason))
        count = for_you_count(subscription)
        for paper, reason in for_you_picks(account, first, last, count, seen, personal):
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
    wanted = settings.DIGEST_TOPIC_COUNT
    for category in subscription.categories:
        topic = Topic(category)
        kept = category_candidates(category, window)
        papers = [paper for paper in kept if paper.arxiv_id not in seen][:wanted]
        if len(papers) < wanted and len(kept) >= wanted * 3:
            # Most of the kept ones were mailed before: ask for the next ones.
            papers = list(_in_category(category, window, seen)[:wanted])
        for paper in papers:
            topic.matches.append(Match(paper, f"in {category}"))
            seen.add(paper.arxiv_id)
        digest.topics.append(topic)
    return digest
