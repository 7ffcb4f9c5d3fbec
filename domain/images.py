"""Recognising images by their bytes, never by a name or a declared type."""

from __future__ import annotations

from domain.errors import NotAnImage, TooLarge

MAX_AVATAR_BYTES = 2 * 1024 * 1024


class AvatarTooLarge(TooLarge):
    """An avatar image of more than MAX_AVATAR_BYTES."""

    default_detail = "An avatar may be at most 2 MiB."


# How many leading bytes `sniff_image_type` needs.
SIGNATURE_LENGTH = 12


def sniff_image_type(content: bytes) -> str | None:
    """The media type of a PNG, JPEG, GIF or WebP image, judged by its signature; else None."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(content) >= SIGNATURE_LENGTH and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def ensure_image(content: bytes) -> str:
    """The media type of an accepted image, or NotAnImage."""
    media_type = sniff_image_type(content)
    if media_type is None:
        raise NotAnImage()
    return media_type
