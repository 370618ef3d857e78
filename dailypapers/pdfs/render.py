"""A PDF's first page as a small WebP image, and its text, with PDFium (pypdfium2).

Pure: bytes in, ``Rendered`` out, or ``UnreadablePdf`` with a reason a person can read ("not
a PDF: it begins with '<!DOCTYPE html>'", "encrypted", "broken: ..."). PDFium is Chrome's PDF
engine (BSD-3-Clause / Apache-2.0, the pypdfium2 bindings the same), shipped as a 3.8 MiB
wheel per platform with nothing to compile; Pillow (MIT-CMU) encodes the WebP. What is not
here: fetching, storing, the database.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass

import pypdfium2 as pdfium

# Text past this is dropped: the Markdown export is for reading and for LLM tools, and a
# 1,000-page thesis should not put megabytes in every answer.
MAX_TEXT_CHARS = 400_000
MAX_TEXT_PAGES = 60


class UnreadablePdf(ValueError):
    """The bytes are not a PDF we can render; ``str()`` says why."""


@dataclass(frozen=True)
class Rendered:
    image: bytes  # WebP
    text: str
    pages: int
    seconds: float


def render(data: bytes, width: int = 320, quality: int = 70) -> Rendered:
    """The first page ``width`` pixels wide (height by the page's ratio), and the text."""
    started = time.perf_counter()
    head = data[:1024].lstrip()
    if not head.startswith(b"%PDF-"):
        # arXiv answers some ids with an HTML page ("PDF unavailable", a captcha); say so.
        shown = head[:40].decode("ascii", "replace").split("\n")[0]
        raise UnreadablePdf(f"not a PDF: it begins with {shown!r}")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise UnreadablePdf("encrypted: it asks for a password") from None
        raise UnreadablePdf(f"broken: {error}") from None
    try:
        pages = len(document)
        if pages == 0:
            raise UnreadablePdf("broken: no pages")
        image = _first_page(document, width, quality)
        text = _text(document, pages)
    except pdfium.PdfiumError as error:
        raise UnreadablePdf(f"broken: {error}") from None
    finally:
        document.close()
    return Rendered(image, text, pages, time.perf_counter() - started)


def _first_page(document: pdfium.PdfDocument, width: int, quality: int) -> bytes:
    page = document[0]
    try:
        page_width, page_height = page.get_size()
        if page_width <= 0 or page_height <= 0:
            raise UnreadablePdf("broken: the first page has no size")
        # Posters and slides can be very tall: cap the height at twice the width.
        scale = min(width / page_width, 2 * width / page_height)
        bitmap = page.render(scale=scale)
        picture = bitmap.to_pil()
        buffer = io.BytesIO()
        picture.save(buffer, format="WEBP", quality=quality, method=4)
        return buffer.getvalue()
    finally:
        page.close()


def _text(document: pdfium.PdfDocument, pages: int) -> str:
    parts: list[str] = []
    size = 0
    for number in range(min(pages, MAX_TEXT_PAGES)):
        page = document[number]
        try:
            text_page = page.get_textpage()
            chunk = text_page.get_text_range().replace("\r\n", "\n").replace("\x00", "")
            text_page.close()
        finally:
            page.close()
        parts.append(chunk.strip())
        size += len(chunk)
        if size >= MAX_TEXT_CHARS:
            break
    return "\n\n".join(part for part in parts if part)[:MAX_TEXT_CHARS]
