"""Where a paper's thumbnail and extracted text live: files under ``PDF_DIR`` (beside the
database, never in it), named from the arXiv id.

Files are written to a temporary name and renamed into place, so a reader never sees half an
image and a killed worker leaves no half-written file under a real name. Names are derived from
ids that already passed ``sources.arxiv.ids`` (the URL converters and the writer check them);
``_stem`` still refuses anything that could leave the folder. What is not here: fetching,
rendering, the database row (``models.PaperPdf``).
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
from pathlib import Path

from django.conf import settings

# New-style ids (2605.12345) and old-style ones (hep-th/9901001, stored with their slash).
_SAFE_ID = re.compile(r"^[a-z-]+(?:\.[A-Z]{2})?/[0-9]{7}$|^[0-9]{4}\.[0-9]{4,5}$")


def _stem(arxiv_id: str) -> Path:
    if not _SAFE_ID.match(arxiv_id):
        raise ValueError(f"not a stored arXiv id: {arxiv_id[:40]!r}")
    # Old-style ids keep their archive as a folder; new-style ones are sharded by month so no
    # folder holds more than one month of arXiv (~25k papers).
    folder, _, name = arxiv_id.rpartition("/") if "/" in arxiv_id else (arxiv_id[:4], "", arxiv_id)
    return Path(settings.PDF_DIR) / folder / name


def thumbnail_path(arxiv_id: str) -> Path:
    stem = _stem(arxiv_id)  # not with_suffix: "2605.12345" would lose ".12345"
    return stem.parent / f"{stem.name}.webp"


def text_path(arxiv_id: str) -> Path:
    stem = _stem(arxiv_id)
    return stem.parent / f"{stem.name}.txt.gz"


def has_thumbnail(arxiv_id: str) -> bool:
    return thumbnail_path(arxiv_id).is_file()


def read_text(arxiv_id: str) -> str | None:
    """The paper's extracted full text, or None when its PDF has not been fetched."""
    try:
        return gzip.decompress(text_path(arxiv_id).read_bytes()).decode("utf-8")
    except (FileNotFoundError, ValueError):
        return None


def write_files(arxiv_id: str, image: bytes, text: str) -> None:
    """Store both files, each atomically (the text first: a thumbnail implies the text)."""
    _write_atomic(text_path(arxiv_id), gzip.compress(text.encode("utf-8"), compresslevel=6))
    _write_atomic(thumbnail_path(arxiv_id), image)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
