"""What a client-sent file name and type become before they are kept or sent back."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import PolicyViolation
from domain.files import (
    DEFAULT_CONTENT_TYPE,
    FALLBACK_FILENAME,
    MAX_FILENAME_LENGTH,
    check_file_count,
    normalize_content_type,
    sanitize_filename,
)

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff/\\\\]")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("C:\\Users\\ann\\photo.jpg", "photo.jpg"),
        ("C:photo.jpg", "photo.jpg"),
        ("/absolute/path/notes.txt", "notes.txt"),
        ("..", FALLBACK_FILENAME),
        ("../", FALLBACK_FILENAME),
        (".hidden", "hidden"),
        ("", FALLBACK_FILENAME),
        (None, FALLBACK_FILENAME),
        ("   ", FALLBACK_FILENAME),
        ("\x00\x01\x1f\x7f", FALLBACK_FILENAME),
        ("a\r\nContent-Type: text/html", "html"),  # the slash is a path separator
        ("a\r\nX-Header: value.txt", "aX-Header_ value.txt"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),  # a right-to-left override
        ("zero\u200bwidth.txt", "zerowidth.txt"),
        ('say "hi"?.txt', "say _hi__.txt"),
        ("تقرير.pdf", "تقرير.pdf"),
        ("😀 party.png", "😀 party.png"),
        ("cafe\u0301.txt", "café.txt"),  # NFC: one character, not two
        ("trailing. . ", "trailing"),
    ],
)
def test_names_are_sanitised(raw, expected) -> None:
    assert sanitize_filename(raw) == expected


def test_long_names_are_cut_to_the_bound_keeping_the_extension() -> None:
    name = sanitize_filename("a" * 10_000 + ".tar.gz")
    assert len(name) == MAX_FILENAME_LENGTH
    assert name.endswith("a.gz")
    assert len(sanitize_filename("b" * 10_000)) == MAX_FILENAME_LENGTH


@given(st.text(max_size=400))
def test_any_name_becomes_a_bounded_visible_name_with_no_path(raw: str) -> None:
    name = sanitize_filename(raw)
    assert 1 <= len(name) <= MAX_FILENAME_LENGTH
    assert not _UNSAFE.search(name)
    assert not name.startswith(".") and name == name.strip()
    assert not re.match(r"^[A-Za-z]:", name)
    assert sanitize_filename(name) == name  # sanitising twice changes nothing


@pytest.mark.parametrize(
    ("declared", "kept"),
    [
        ("image/png", "image/png"),
        ("text/plain; charset=utf-8", "text/plain; charset=utf-8"),
        ('multipart/mixed; boundary="a b"', 'multipart/mixed; boundary="a b"'),
        (None, DEFAULT_CONTENT_TYPE),
        ("", DEFAULT_CONTENT_TYPE),
        ("not a type", DEFAULT_CONTENT_TYPE),
        ("text/html\r\nSet-Cookie: a=b", DEFAULT_CONTENT_TYPE),
        ("image/" + "x" * 300, DEFAULT_CONTENT_TYPE),
        ("täxt/plain", DEFAULT_CONTENT_TYPE),
    ],
)
def test_declared_types_are_kept_only_when_well_formed(declared, kept) -> None:
    assert normalize_content_type(declared) == kept


@pytest.mark.parametrize("count", [0, 11, 100])
def test_an_upload_carries_one_to_ten_files(count) -> None:
    with pytest.raises(PolicyViolation):
        check_file_count(count)
    for fine in (1, 10):
        check_file_count(fine)
