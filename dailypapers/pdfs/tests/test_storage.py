"""Where the files go: one path per stored id, never outside ``PDF_DIR``; written whole."""

from __future__ import annotations

import pytest

from dailypapers.pdfs import storage


@pytest.fixture(autouse=True)
def pdf_dir(settings, tmp_path):
    settings.PDF_DIR = tmp_path / "pdf"
    return settings.PDF_DIR


def test_new_ids_are_sharded_by_month_and_keep_their_number(pdf_dir):
    assert storage.thumbnail_path("2605.12345") == pdf_dir / "2605" / "2605.12345.webp"
    assert storage.text_path("0704.0001") == pdf_dir / "0704" / "0704.0001.txt.gz"


def test_old_style_ids_live_under_their_archive(pdf_dir):
    assert storage.thumbnail_path("hep-th/9901001") == pdf_dir / "hep-th" / "9901001.webp"


@pytest.mark.parametrize("bad", ["../../etc/passwd", "2605.12345/../../x", "", "2605.12345v2"])
def test_anything_else_is_refused(bad):
    with pytest.raises(ValueError, match="not a stored arXiv id"):
        storage.thumbnail_path(bad)


def test_files_are_written_whole_and_read_back(pdf_dir):
    storage.write_files("2605.12345", b"RIFF....WEBP", "Full text\nof the paper")
    assert storage.read_text("2605.12345") == "Full text\nof the paper"
    assert storage.has_thumbnail("2605.12345")
    assert not [path for path in pdf_dir.rglob(".partial-*")]
    assert storage.read_text("2605.99999") is None
