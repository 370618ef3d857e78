from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from dailypapers.sources.arxiv.errors import MalformedResponse
from dailypapers.sources.arxiv.snapshot import (
    SnapshotPosition,
    SnapshotReport,
    parse_snapshot_line,
    read_snapshot,
)
from dailypapers.sources.tests.conftest import FIXTURES

SAMPLE = FIXTURES / "arxiv" / "snapshot" / "snapshot_sample.jsonl"
UTC = dt.UTC


def _sample_lines() -> list[bytes]:
    return SAMPLE.read_bytes().splitlines(keepends=True)


def test_it_reads_every_paper_with_its_versions() -> None:
    papers = [entry.paper for entry in read_snapshot(SAMPLE)]

    assert len(papers) == 8
    swift = papers[0]
    assert swift.arxiv_id == "0704.0008"
    assert swift.version == 3
    assert [version.number for version in swift.versions] == [1, 2, 3]
    assert swift.published_at == dt.datetime(2007, 3, 31, 4, 47, 20, tzinfo=UTC)
    assert swift.updated_at == dt.datetime(2008, 7, 1, 18, 54, 28, tzinfo=UTC)
    assert swift.doi == "10.1063/1.2975338"
    assert swift.primary_category == "cond-mat.mtrl-sci"


def test_it_names_authors_first_name_first_from_authors_parsed() -> None:
    line = json.dumps(
        {
            "id": "0704.0001",
            "title": "Calculation of prompt diphoton production cross sections",
            "authors": "C. Bal\\'azs, E. L. Berger",
            "authors_parsed": [
                ["Balázs", "C.", ""],
                ["Berger", "E. L.", ""],
                ["Smith", "J.", "Jr"],
            ],
            "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
            "categories": "hep-ph",
        }
    )
    paper = parse_snapshot_line(line)

    assert paper.authors == ["C. Balázs", "E. L. Berger", "J. Smith Jr"]
    assert paper.published_at == dt.datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC)


def test_it_falls_back_to_the_author_string_and_keeps_old_style_ids() -> None:
    data = json.loads(_sample_lines()[2])
    del data["authors_parsed"]

    paper = parse_snapshot_line(json.dumps(data))

    assert paper.arxiv_id == "acc-phys/9503002"
    assert paper.authors[:3] == ["R.B.Palmer", "J.C.Gallardo", "R.C.Fernow"]
    assert "Y.Torun" in paper.authors
    # Affiliations in parentheses are not names.
    assert all("(" not in name for name in paper.authors)


def test_it_filters_by_category_or_archive() -> None:
    report = SnapshotReport()
    ids = [
        entry.paper.arxiv_id
        for entry in read_snapshot(SAMPLE, categories=["cs", "hep-th"], report=report)
    ]

    assert ids == ["hep-th/9901001", "0704.0047", "0704.0050"]
    assert report.filtered_out == 5
    assert report.papers == 3


def test_it_skips_malformed_lines_and_reports_their_numbers(tmp_path: Path) -> None:
    good = _sample_lines()
    broken = [
        good[0],
        b'{"id": "0704.0001", "title": "cut off\n',
        b"[1, 2, 3]\n",
        b"\n",
        b'{"id": "0704.0002"}\n',
        b'{"id": "abc", "title": "Not an id"}\n',
        b'{"id": "0704.0003", "title": "T", "versions": [{"version": "v1", "created": "soon"}]}\n',
        b"\xff\xfe\n",
        good[1],
    ]
    path = tmp_path / "snapshot.jsonl"
    path.write_bytes(b"".join(broken))
    report = SnapshotReport()

    ids = [entry.paper.arxiv_id for entry in read_snapshot(path, report=report)]

    assert ids == ["0704.0008", "0704.0027"]
    assert report.malformed == 6
    assert [problem.line for problem in report.problems] == [2, 3, 5, 6, 7, 8]
    assert report.problems[0].offset == len(good[0])
    assert "not JSON" in report.problems[0].reason
    assert "not an object" in report.problems[1].reason
    assert "no id or no title" in report.problems[2].reason
    assert "'abc'" in report.problems[3].reason
    assert "soon" in report.problems[4].reason
    assert report.lines_read == 9


def test_it_resumes_from_a_persisted_position() -> None:
    entries = list(read_snapshot(SAMPLE))
    resume_at = entries[2].next_position

    resumed = [entry.paper.arxiv_id for entry in read_snapshot(SAMPLE, start_at=resume_at)]

    assert resumed == [entry.paper.arxiv_id for entry in entries[3:]]
    assert next(iter(read_snapshot(SAMPLE, start_at=resume_at))).line == 4


def test_it_resumes_from_a_line_number() -> None:
    entries = list(read_snapshot(SAMPLE, start_line=7))

    assert [entry.line for entry in entries] == [7, 8]
    assert entries[-1].next_position == SnapshotPosition(line=9, offset=SAMPLE.stat().st_size)


def test_it_reads_a_gzipped_snapshot_and_resumes_inside_it(tmp_path: Path) -> None:
    path = tmp_path / "arxiv-metadata-oai-snapshot.json.gz"
    path.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    plain = list(read_snapshot(SAMPLE))

    packed = list(read_snapshot(path))
    resumed = list(read_snapshot(path, start_at=plain[5].next_position))

    assert [entry.paper for entry in packed] == [entry.paper for entry in plain]
    assert [entry.paper.arxiv_id for entry in resumed] == ["0704.0047", "0704.0050"]


def test_it_is_a_lazy_generator() -> None:
    report = SnapshotReport()
    stream = read_snapshot(SAMPLE, report=report)

    first = next(stream)

    assert first.paper.arxiv_id == "0704.0008"
    assert report.lines_read == 1
    stream.close()


def test_it_refuses_contradictory_starting_points() -> None:
    with pytest.raises(ValueError, match="not both"):
        list(read_snapshot(SAMPLE, start_at=SnapshotPosition(), start_line=2))
    with pytest.raises(ValueError, match="keep nothing"):
        list(read_snapshot(SAMPLE, categories=[" "]))


def test_it_rejects_a_line_with_a_wrongly_typed_field() -> None:
    with pytest.raises(MalformedResponse, match="'categories' is a list"):
        parse_snapshot_line(json.dumps({"id": "0704.0001", "title": "T", "categories": ["cs"]}))
