"""Uploaded avatars: a small image whose type is read from its first bytes, never its name.

Only PNG, JPEG, GIF and WebP are accepted, and at most ``AVATAR_MAX_BYTES``; SVG is refused
because it can carry script. The image is served back with the detected type, ``nosniff`` and
a Content-Security-Policy that forbids everything, so a polyglot file cannot run as a page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

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
    return data, mime
