"""E-mail addresses: one mailbox each, in one normal form, so uniqueness is case-insensitive.

An address is a plain `local@domain`: nothing that a mail library could read as a second
recipient (a comma, a group, an angle-bracketed part), as another mailbox than it shows (a
quoted local part, a comment, an RFC 2047 encoded word) or that looks like another address
than it is (white space, controls, invisible and bidi characters). Compatibility look-alikes
(full-width letters, ligatures) are folded by NFKC, so they are the same address.

The rule is standard library only. The HTTP schemas and settings also pass the normal form
through `email-validator` (entrypoints/email_addresses.py) for the finer points of RFC 5321
and IDNA; that check can only refuse more, never let through what this rule refuses.
"""

from __future__ import annotations

import unicodedata
from typing import NoReturn

from domain.errors import PolicyViolation

MAX_EMAIL_LENGTH = 254
MAX_LOCAL_LENGTH = 64
MAX_LABEL_LENGTH = 63
# RFC 5322 atext besides letters and digits. No quote, parenthesis, comma, angle bracket,
# colon, semicolon, backslash or square bracket: those are what make a mailbox "more than one".
_ATEXT_SYMBOLS = frozenset("!#$%&'*+-/=?^_`{|}~")
# Unicode categories that never belong in an address: controls (Cc), format characters
# (Cf: zero-width space and joiners, soft hyphen, word joiner, BOM and every bidi mark,
# embedding, override and isolate), separators (Z*: every kind of space), surrogates,
# private use and unassigned code points.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Co", "Cn"})
# Invisible or blank-looking code points that Unicode files under letters or marks
# (Default_Ignorable_Code_Point outside Cf): Hangul fillers, the combining grapheme joiner,
# Khmer inherent vowels, Mongolian free variation selectors and the variation selectors.
_INVISIBLE_RANGES = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),
)
_WORD_CATEGORIES = ("L", "M", "N")  # letters, marks and digits of any script
_MESSAGE = "value is not a valid e-mail address"


def normalize_email(raw: str) -> str:
    """The canonical form of an address: trimmed, NFKC, lower case; or PolicyViolation when
    it is not exactly one plain mailbox."""
    stripped = raw.strip()
    email = unicodedata.normalize("NFKC", stripped).lower()
    if len(email) > MAX_EMAIL_LENGTH:
        _refuse(f"an e-mail address has at most {MAX_EMAIL_LENGTH} characters")
    # Before and after NFKC: it maps some characters (no-break spaces, full-width commas)
    # onto refused ones, and the refused ones it keeps must be refused as typed.
    _refuse_hidden_characters(stripped)
    _refuse_hidden_characters(email)
    local, at, domain = email.rpartition("@")
    if not at or "@" in local:
        _refuse(f"{_MESSAGE}: it needs exactly one @")
    _check_local_part(local)
    _check_domain(domain)
    return email


def _refuse_hidden_characters(text: str) -> None:
    for char in text:
        if unicodedata.category(char) in _REFUSED_CATEGORIES or _is_invisible(char):
            _refuse(
                f"{_MESSAGE}: white space, control, invisible and bidi characters"
                f" are not allowed (U+{ord(char):04X})"
            )


def _is_invisible(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _INVISIBLE_RANGES)


def _check_local_part(local: str) -> None:
    """A dot-atom: words of letters, digits and atext symbols joined by single dots."""
    if not 1 <= len(local) <= MAX_LOCAL_LENGTH:
        _refuse(f"{_MESSAGE}: the part before the @ has 1 to {MAX_LOCAL_LENGTH} characters")
    if any(not atom for atom in local.split(".")):
        _refuse(f"{_MESSAGE}: dots may not begin, end or repeat in the part before the @")
    bad = sorted({c for c in local if c != "." and not _is_atext(c)})
    if bad:
        _refuse(f"{_MESSAGE}: these characters are not allowed before the @: {''.join(bad)}")
    # An RFC 2047 encoded word ("=?charset?q?text?=") is decoded by some mail software
    # into an arbitrary display name and address.
    start = local.find("=?")
    if start >= 0 and local.find("?=", start + 2) >= 0:
        _refuse(f"{_MESSAGE}: an encoded word (=?…?=) is not allowed")


def _check_domain(domain: str) -> None:
    """Two or more labels of letters, digits and inner hyphens; the last not all digits."""
    labels = domain.split(".")
    if len(labels) < 2 or any(not label for label in labels):
        _refuse(f"{_MESSAGE}: the part after the @ must be a domain name such as example.com")
    for label in labels:
        if len(label) > MAX_LABEL_LENGTH:
            _refuse(f"{_MESSAGE}: a domain label has at most {MAX_LABEL_LENGTH} characters")
        if label.startswith("-") or label.endswith("-"):
            _refuse(f"{_MESSAGE}: a domain label may not begin or end with a hyphen")
        if not all(c == "-" or _is_word_character(c) for c in label):
            _refuse(f"{_MESSAGE}: the part after the @ has letters, digits, hyphens and dots")
    if labels[-1].isdigit():
        _refuse(f"{_MESSAGE}: the part after the @ must be a domain name, not an address")


def _is_atext(char: str) -> bool:
    return char in _ATEXT_SYMBOLS or _is_word_character(char)


def _is_word_character(char: str) -> bool:
    if char.isascii():
        return char.isalnum()
    return unicodedata.category(char).startswith(_WORD_CATEGORIES)


def _refuse(message: str) -> NoReturn:
    raise PolicyViolation(message, field="email")
