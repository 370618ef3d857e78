"""Property tests: ids round-trip, and no parser lets anything but its documented error escape."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dailypapers.sources.arxiv.atom import parse_feed
from dailypapers.sources.arxiv.errors import ArxivSourceError, InvalidArxivId
from dailypapers.sources.arxiv.ids import parse_arxiv_id
from dailypapers.sources.arxiv.oai import parse_page
from dailypapers.sources.arxiv.rss import parse_announcements
from dailypapers.sources.arxiv.snapshot import parse_snapshot_line
from dailypapers.sources.hf.daily_papers import MalformedDailyPapers, parse_daily_papers_json
from dailypapers.sources.tests.conftest import FIXTURES

MANGLE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

new_ids = st.builds(
    lambda year, month, number, five: (
        f"{year:02d}{month:02d}.{number:05d}" if five else f"{year:02d}{month:02d}.{number:04d}"
    ),
    st.integers(15, 99),
    st.integers(1, 12),
    st.integers(1, 9999),  # numbers start at 1: 1501.00000 names no paper
    st.just(True),
)
old_ids = st.builds(
    lambda archive, year, month, number: f"{archive}/{year:02d}{month:02d}{number:03d}",
    st.sampled_from(["hep-th", "math", "cs", "astro-ph", "quant-ph", "cond-mat"]),
    st.integers(92, 99),
    st.integers(1, 12),
    st.integers(1, 999),
)


@given(st.one_of(new_ids, old_ids), st.one_of(st.none(), st.integers(1, 99)))
def test_an_id_survives_every_form_it_is_written_in(arxiv_id, version):
    suffix = f"v{version}" if version else ""
    for text in (
        arxiv_id + suffix,
        f"arXiv:{arxiv_id}{suffix}",
        f"https://arxiv.org/abs/{arxiv_id}{suffix}",
        f"https://arxiv.org/pdf/{arxiv_id}{suffix}.pdf",
    ):
        assert parse_arxiv_id(text) == (arxiv_id, version)


@given(st.text(max_size=80))
def test_any_text_is_an_id_or_an_invalid_id_error(text):
    try:
        parsed = parse_arxiv_id(text)
    except InvalidArxivId:
        return
    assert parsed.arxiv_id and (parsed.version is None or parsed.version >= 1)


def mangled(sample: bytes) -> st.SearchStrategy[bytes]:
    """The sample cut, spliced with noise, or with bytes flipped."""
    cut = st.integers(0, len(sample)).map(lambda n: sample[:n])
    spliced = st.tuples(st.integers(0, len(sample)), st.binary(max_size=40)).map(
        lambda pair: sample[: pair[0]] + pair[1] + sample[pair[0] :]
    )
    flipped = st.lists(st.integers(0, len(sample) - 1), min_size=1, max_size=8).map(
        lambda spots: bytes(b ^ 0x20 if i in spots else b for i, b in enumerate(sample))
    )
    return st.one_of(cut, spliced, flipped, st.binary(max_size=200))


def fixture(name: str) -> bytes:
    return (Path(FIXTURES) / name).read_bytes()


@MANGLE
@given(mangled(fixture("arxiv/api/id_astro-ph_0601001.xml")))
def test_the_atom_parser_raises_only_its_own_errors(body):
    with contextlib.suppress(ArxivSourceError):
        parse_feed(body)


@MANGLE
@given(mangled(fixture("arxiv/oai/arxivraw_ListRecordsResponse.xml")))
def test_the_oai_parser_raises_only_its_own_errors(body):
    with contextlib.suppress(ArxivSourceError):
        parse_page(body)


@MANGLE
@given(mangled(fixture("arxiv/rss/handwritten_rss2_cs.CL+cs.AI.xml")))
def test_the_rss_parser_raises_only_its_own_errors(body):
    with contextlib.suppress(ArxivSourceError):
        parse_announcements(body)


@MANGLE
@given(mangled(fixture("arxiv/snapshot/snapshot_sample.jsonl").splitlines()[0]))
def test_the_snapshot_parser_raises_only_its_own_errors(line):
    with contextlib.suppress(ArxivSourceError):
        parse_snapshot_line(line)


@MANGLE
@given(mangled(fixture("hf/daily_papers_2024-10-25_first4.json")))
def test_the_hf_parser_raises_only_its_own_error(body):
    with contextlib.suppress(MalformedDailyPapers):
        parse_daily_papers_json(body)
