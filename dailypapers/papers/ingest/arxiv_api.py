"""Papers by arXiv id, through the arXiv API (what "submit a paper" and RSS sync call)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from dailypapers.papers.writing import SaveCounts, save_papers
from dailypapers.sources.arxiv.atom import parse_feed, query_params
from dailypapers.sources.arxiv.ids import parse_arxiv_id
from dailypapers.sources.http import PoliteClient

log = logging.getLogger(__name__)
BATCH = 100  # ids per API call: well under the API's cap, and a short URL


@dataclass
class FetchResult:
    counts: SaveCounts = field(default_factory=SaveCounts)
    missing: list[str] = field(default_factory=list)  # ids arXiv did not return


def fetch_papers(ids: Iterable[str], client: PoliteClient) -> FetchResult:
    """Fetch and save the papers of ``ids`` (any form: bare, with version, URL), in batches.

    Raises ``InvalidArxivId`` for an id that is no arXiv id, before any request is made.
    """
    wanted = list(dict.fromkeys(parse_arxiv_id(text).arxiv_id for text in ids))
    result = FetchResult()
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        params = query_params(id_list=batch, max_results=len(batch))
        response = client.get(settings.ARXIV_API_URL, params=params, ok_statuses=(200, 400))
        feed = parse_feed(response.content)  # raises ArxivApiError on the API's 400 entry
        result.counts.add(save_papers(feed.papers))
        found = {paper.arxiv_id for paper in feed.papers}
        result.missing += [arxiv_id for arxiv_id in batch if arxiv_id not in found]
        log.info("arXiv API: %d of %d ids found (%s)", len(found), len(batch), result.counts)
    return result
