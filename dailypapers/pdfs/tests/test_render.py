"""``render``: real PDFs made here become a WebP of the first page and their text; anything
else is refused with a reason."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from dailypapers.pdfs.render import UnreadablePdf, render
from dailypapers.pdfs.tests.documents import make_pdf


def test_it_renders_the_first_page_to_a_small_webp_and_keeps_every_pages_text():
    pdf = make_pdf("Attention Is All You Need\nAshish Vaswani", "Second page: results")
    rendered = render(pdf, width=320)
    picture = Image.open(io.BytesIO(rendered.image))
    assert picture.format == "WEBP"
    assert picture.size[0] == 320 and abs(picture.size[1] - 792 * 320 / 612) <= 1
    assert rendered.pages == 2
    assert "Attention Is All You Need" in rendered.text
    assert "Second page: results" in rendered.text
    assert len(rendered.image) < 30_000


def test_a_tall_page_is_capped_at_twice_the_width():
    rendered = render(make_pdf("A poster", width=600, height=3000), width=200)
    assert Image.open(io.BytesIO(rendered.image)).size[1] <= 400


def test_an_html_page_is_not_a_pdf():
    with pytest.raises(UnreadablePdf, match="not a PDF: it begins with '<!DOCTYPE html>"):
        render(b"<!DOCTYPE html><html><body>PDF unavailable</body></html>")


def test_a_truncated_pdf_is_broken():
    with pytest.raises(UnreadablePdf, match="broken"):
        render(make_pdf("Cut short")[:60])


def test_an_encrypted_pdf_is_refused_as_such():
    with pytest.raises(UnreadablePdf, match="encrypted"):
        render(make_pdf("Secret", encrypted=True))
