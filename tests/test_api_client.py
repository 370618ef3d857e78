"""Hugging Face's own client, ``huggingface_hub``, against our running site: ``HfApi`` and the
``hf papers`` CLI pointed at it read our answers as they read Hugging Face's.

Offline mode (HF_HUB_OFFLINE) would block these calls too, so the client is kept hermetic by
its endpoint (127.0.0.1), a private HF_HOME, no telemetry and no update checks.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HF_ENV = {
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_UPDATE_CHECK": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "NO_COLOR": "1",
}


@pytest.fixture(scope="module")
def api(community_site, tmp_path_factory):
    home = tmp_path_factory.mktemp("hf_home")
    saved = {name: os.environ.get(name) for name in [*HF_ENV, "HF_HOME"]}
    os.environ.update({**HF_ENV, "HF_HOME": str(home)})
    from huggingface_hub import HfApi

    try:
        yield HfApi(endpoint=community_site.base, token=False)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _utc(value: dt.datetime | None) -> bool:
    return value is not None and value.utcoffset() == dt.timedelta(0)


def test_list_daily_papers_reads_the_newest_entries_with_their_fields(api):
    papers = list(api.list_daily_papers(limit=5))
    assert len(papers) == 5
    first = papers[0]
    assert first.id and first.title and first.summary
    assert first.authors and first.authors[0].name
    assert isinstance(first.upvotes, int) and first.upvotes >= 0
    assert _utc(first.published_at) and _utc(first.submitted_at)
    assert first.discussion_id
    stamps = [paper.submitted_at for paper in papers]
    assert stamps == sorted(stamps, reverse=True)  # publishedAt: newest submission first


def test_list_daily_papers_by_date_week_and_month(api):
    day = next(iter(api.list_daily_papers(limit=1))).submitted_at.date()
    on_day = list(api.list_daily_papers(date=day.isoformat(), limit=100))
    assert on_day and all(paper.submitted_at.date() == day for paper in on_day)
    year, week, _ = day.isocalendar()
    in_week = list(api.list_daily_papers(week=f"{year}-W{week:02d}", limit=100))
    assert {paper.id for paper in on_day} <= {paper.id for paper in in_week}
    assert all(paper.submitted_at.isocalendar()[1] == week for paper in in_week)
    in_month = list(api.list_daily_papers(month=f"{day:%Y-%m}", limit=100))
    assert all(paper.submitted_at.strftime("%Y-%m") == f"{day:%Y-%m}" for paper in in_month)


def test_list_daily_papers_pages_with_p_and_limit(api):
    first = [paper.id for paper in api.list_daily_papers(p=0, limit=3)]
    second = [paper.id for paper in api.list_daily_papers(p=1, limit=3)]
    both = [paper.id for paper in api.list_daily_papers(p=0, limit=6)]
    assert first + second == both
    assert list(api.list_daily_papers(p=10_000, limit=100)) == []


def test_list_daily_papers_sorted_by_trending_and_by_submitter(api):
    trending = list(api.list_daily_papers(sort="trending", limit=10))
    assert trending and all(paper.upvotes is not None for paper in trending)
    assert list(api.list_daily_papers(submitter="nobody-submitted-this", limit=5)) == []


def test_a_bad_week_is_an_error_the_client_shows(api):
    from huggingface_hub.errors import HfHubHTTPError

    with pytest.raises(HfHubHTTPError) as caught:
        list(api.list_daily_papers(week="2025-W60"))
    assert caught.value.response.status_code == 400
    assert "2025-W60" in str(caught.value)


def test_paper_info_reads_the_flat_paper(api):
    some = next(iter(api.list_daily_papers(limit=1)))
    info = api.paper_info(some.id)
    assert info.id == some.id
    assert info.title == some.title
    assert info.authors and info.authors[0].name == some.authors[0].name
    assert info.upvotes == some.upvotes
    assert info.source == "arxiv"
    assert _utc(info.published_at) and _utc(info.submitted_at)
    assert info.linked_models == [] and info.num_total_models == 0


def test_paper_info_of_an_unknown_paper_is_a_404(api):
    from huggingface_hub.errors import HfHubHTTPError

    with pytest.raises(HfHubHTTPError) as caught:
        api.paper_info("2101.99999")
    assert caught.value.response.status_code == 404


def test_list_papers_searches_with_a_limit(api):
    found = list(api.list_papers(query="language model", limit=7))
    assert 0 < len(found) <= 7
    assert all(paper.id and paper.title for paper in found)
    assert any("language" in (paper.title + paper.summary).lower() for paper in found)


def test_read_paper_returns_markdown(api):
    some = next(iter(api.list_daily_papers(limit=1)))
    markdown = api.read_paper(some.id)
    assert markdown.startswith("# ")
    assert some.authors[0].name in markdown
    assert "## Abstract" in markdown


def _hf(site, *args: str) -> subprocess.CompletedProcess:
    hf = Path(sys.executable).parent / "hf"
    env = {**os.environ, **HF_ENV, "HF_ENDPOINT": site.base, "HF_HOME": str(site.data_dir)}
    return subprocess.run(
        [str(hf), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_hf_papers_cli_lists_searches_shows_and_reads(community_site, api):
    some = next(iter(api.list_daily_papers(limit=1)))
    listed = _hf(community_site, "papers", "ls", "--limit", "3", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == 3 and rows[0]["id"] == some.id
    searched = _hf(
        community_site, "papers", "search", "diffusion", "--limit", "4", "--format", "json"
    )
    assert searched.returncode == 0, searched.stderr
    assert 0 < len(json.loads(searched.stdout)) <= 4
    shown = _hf(community_site, "papers", "info", some.id, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["title"] == some.title
    read = _hf(community_site, "papers", "read", some.id)
    assert read.returncode == 0 and read.stdout.startswith("# ")
    missing = _hf(community_site, "papers", "info", "2101.99999")
    assert missing.returncode != 0 and "not found" in (missing.stdout + missing.stderr)
