"""Avatars are judged by their bytes."""

from __future__ import annotations

import pytest

from domain.errors import NotAnImage
from domain.images import ensure_image, sniff_image_type
from tests.support.images import GIF, JPEG, PNG, WEBP


@pytest.mark.parametrize(
    ("content", "media_type"),
    [(PNG, "image/png"), (JPEG, "image/jpeg"), (GIF, "image/gif"), (WEBP, "image/webp")],
)
def test_each_accepted_format_is_recognised(content: bytes, media_type: str) -> None:
    assert sniff_image_type(content) == media_type
    assert ensure_image(content) == media_type


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"hello, I am text pretending to be a .png",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"RIFF\x00\x00\x00\x00WAVEfmt ",  # RIFF, but audio
        b"\x89PNG\r\n",  # a truncated signature
        b"GIF88a",
    ],
)
def test_anything_else_is_unsupported(content: bytes) -> None:
    assert sniff_image_type(content) is None
    with pytest.raises(NotAnImage):
        ensure_image(content)
