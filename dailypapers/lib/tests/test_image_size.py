"""lib/image_size.py: the pixel size of real PNG, GIF, JPEG and WebP files, and of forged
headers that claim more than they hold."""

import struct
import zlib
from pathlib import Path

import pytest

from dailypapers.lib.image_size import image_size

IMAGES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "images"


@pytest.mark.parametrize("name", ["python.png", "python.gif", "python.jpg", "python.webp"])
def test_it_reads_the_size_of_real_images(name):
    assert image_size((IMAGES / name).read_bytes()) == (16, 16)


def png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG header (valid CRC) with a tiny body: what a decompression bomb is."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"\x00" * 4000


def test_it_reads_what_a_forged_header_claims():
    assert image_size(png_claiming(100_000, 100_000)) == (100_000, 100_000)
    gif = b"GIF89a" + struct.pack("<HH", 65535, 65535) + b"\x00" * 20
    assert image_size(gif) == (65535, 65535)
    jpeg = bytearray((IMAGES / "python.jpg").read_bytes())
    start = jpeg.index(b"\xff\xc0")  # the frame header: length, precision, height, width
    jpeg[start + 5 : start + 9] = struct.pack(">HH", 60000, 50000)
    assert image_size(bytes(jpeg)) == (50000, 60000)


def test_it_reads_lossless_and_lossy_webp_headers():
    bits = (300 - 1) | ((200 - 1) << 14)
    lossless = b"RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f" + bits.to_bytes(4, "little")
    assert image_size(lossless) == (300, 200)
    lossy = (
        b"RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00"
        + b"\x00\x00\x00\x9d\x01\x2a"
        + struct.pack("<HH", 640, 480)
    )
    assert image_size(lossy) == (640, 480)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # no IHDR
        b"\x89PNG\r\n\x1a\n\x00\x00",  # cut off
        b"GIF89a\x01",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",  # cut off before any frame
        b"\xff\xd8\xff\xda\x00\x08" + b"\x00" * 20,  # a scan before the frame header
        b"\xff\xd8\x00\x00\x00\x00",  # no marker where one must be
        b"RIFF\x00\x00\x00\x00WEBPVP8Z" + b"\x00" * 30,
        b"<svg/>",
    ],
)
def test_a_missing_or_broken_header_has_no_size(data):
    assert image_size(data) is None
