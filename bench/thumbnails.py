"""Thumbnail render time per paper and disk per 10,000 papers.

Builds paper-sized PDFs in memory from the bundled real abstracts (12 pages of text each, about
the text of a conference paper; no figures, so real PDFs with images render somewhat slower),
renders each as ``dailypapers thumbnails fetch`` does (first page to WebP, text of every page),
and prints the render time per paper (p50/p95) and the bytes the two stored files take
(WebP + gzipped text), scaled to 10,000 papers. Run it with ``uptime`` beside it on a shared
machine.

    .venv/bin/python bench/thumbnails.py [--papers 200]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import textwrap
from pathlib import Path

from dailypapers.pdfs.render import render
from dailypapers.pdfs.tests.documents import make_pdf

DATA = Path(__file__).resolve().parent.parent / "dailypapers" / "demo" / "data"


def abstracts(count: int) -> list[tuple[str, str]]:
    path = next(iter(sorted(DATA.glob("*.jsonl.gz"))))
    found = []
    with gzip.open(path, "rt") as lines:
        for line in lines:
            record = json.loads(line)
            title, summary = (
                record.get("title", ""),
                record.get("summary") or record.get("abstract", ""),
            )
            if title and summary:
                found.append((title, summary))
            if len(found) >= count + 12:
                break
    return found


def paper_pdf(papers: list[tuple[str, str]], index: int) -> bytes:
    pages = []
    for page in range(12):
        title, summary = papers[index + page]
        text = (title + " " + summary + " ") * 3
        wrapped = textwrap.wrap(text.encode("latin-1", "replace").decode("latin-1"), 90)[:38]
        pages.append("\n".join(wrapped))
    return make_pdf(*pages)


def _blocks(size: int, block: int = 4096) -> int:
    return -(-size // block) * block


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=200)
    options = parser.parse_args()
    papers = abstracts(options.papers)
    times, image_bytes, text_bytes, pdf_bytes = [], [], [], []
    for index in range(min(options.papers, len(papers) - 12)):
        pdf = paper_pdf(papers, index)
        rendered = render(pdf)
        times.append(rendered.seconds * 1000)
        image_bytes.append(len(rendered.image))
        text_bytes.append(len(gzip.compress(rendered.text.encode(), compresslevel=6)))
        pdf_bytes.append(len(pdf))
    times.sort()
    image_kib = statistics.mean(image_bytes) / 1024
    text_kib = statistics.mean(text_bytes) / 1024
    p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    files = (image_kib + text_kib) * 1024 * 10_000 / 2**20
    blocks = statistics.mean(
        _blocks(a) + _blocks(b) for a, b in zip(image_bytes, text_bytes, strict=True)
    )
    pdf_kib = statistics.mean(pdf_bytes) / 1024
    print(f"papers rendered: {len(times)} (PDFs of {pdf_kib:.0f} KiB, 12 pages)")
    print(f"render + text per paper: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"thumbnail {image_kib:.1f} KiB, text {text_kib:.1f} KiB per paper")
    in_blocks = blocks * 10_000 / 2**20
    print(f"disk per 10,000 papers: {files:.0f} MiB of files, {in_blocks:.0f} MiB in blocks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
