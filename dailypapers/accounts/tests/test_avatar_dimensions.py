"""Avatars are refused by the pixel size their header declares, not only by bytes and type: a
5 kB PNG that claims 100000 x 100000 pixels is a decompression bomb for every viewer."""

import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dailypapers.accounts.models import Profile

pytestmark = pytest.mark.django_db
IMAGES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "images"


def png_claiming(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    ihdr = struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    idat = zlib.compress(b"\x00" * 100_000, 9)  # a bomb's body: tiny, compressed zeros
    body = b"IDAT" + idat
    return (
        b"\x89PNG\r\n\x1a\n"
        + ihdr
        + struct.pack(">I", len(idat))
        + body
        + struct.pack(">I", zlib.crc32(body))
    )


def upload(client, name: str, content: bytes):
    return client.post(
        "/accounts/settings",
        {"display_name": "", "username": "alice", "avatar": SimpleUploadedFile(name, content)},
    )


def test_a_small_file_claiming_huge_dimensions_is_refused(as_alice, alice):
    bomb = png_claiming(100_000, 100_000)
    assert len(bomb) < 5_000
    response = upload(as_alice, "bomb.png", bomb)
    assert "at most 2048 x 2048 pixels, not 100000 x 100000" in response.content.decode()
    assert not Profile.objects.get(user=alice).avatar_type


def test_an_image_whose_size_cannot_be_read_is_refused(as_alice, alice):
    response = upload(as_alice, "x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert "size cannot be read" in response.content.decode()
    assert not Profile.objects.get(user=alice).avatar_type


@pytest.mark.parametrize("name", ["python.png", "python.gif", "python.jpg", "python.webp"])
def test_real_small_images_of_each_type_are_taken(as_alice, alice, name):
    assert upload(as_alice, name, (IMAGES / name).read_bytes()).status_code == 302
    assert Profile.objects.get(user=alice).avatar_type.startswith("image/")


def test_the_edge_size_is_taken(as_alice, alice):
    assert upload(as_alice, "edge.png", png_claiming(2048, 2048)).status_code == 302
    assert upload(as_alice, "over.png", png_claiming(2049, 1)).status_code == 200
