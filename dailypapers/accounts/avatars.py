"""Uploaded avatars: a small image whose type is read from its first bytes, never its name.

Only PNG, JPEG, GIF and WebP are accepted, and at most ``AVATAR_MAX_BYTES``; SVG is refused
because it can carry script. The pixel size its header declares (``lib.image_size``) must be at
most ``MAX_SIDE`` each way: a few kB can claim 100000 x 100000 pixels, memory that every
browser showing the avatar would allocate. The image is served back with the detected type,
``nosniff`` and a Content-Security-Policy that forbids everything, so a polyglot file cannot
run as a page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from dailypapers.lib.image_size import image_size

# Avatars are shown at 28 and 56 pixels; a photo straight from a phone at 100 kB is smaller.
MAX_SIDE = 2048

SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_type(head: bytes) -> str:
    """The MIME type of an image from its first bytes, or "" when it is not one we take."""
    for signature, mime in SIGNATURES:
        if head.startswith(signature):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return ""


def read_avatar(upload: UploadedFile) -> tuple[bytes, str]:
    """The upload's bytes and type; ``ValidationError`` when too big or not an image."""
    limit = settings.AVATAR_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(f"The image must be at most {limit // 1000} kB.")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"The image must be at most {limit // 1000} kB.")
    mime = image_type(data[:16])
    if not mime:
        raise ValidationError("Upload a PNG, JPEG, GIF or WebP image.")
    size = image_size(data)
    if size is None or 0 in size:
        raise ValidationError("That image is damaged: its size cannot be read.")
    if max(size) > MAX_SIDE:
        raise ValidationError(
            f"The image must be at most {MAX_SIDE} x {MAX_SIDE} pixels, not {size[0]} x {size[1]}."
        )
    return data, mime
