"""E-mail normalisation: one canonical form, so uniqueness is case-insensitive."""

from __future__ import annotations

import email.utils
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.emails import normalize_email
from domain.errors import PolicyViolation

WHITESPACE = st.text(alphabet=" \t\r\n", max_size=3)


@given(st.emails())
def test_normalisation_is_idempotent_lower_case_and_trimmed(email: str) -> None:
    normal = normalize_email(email)
    assert normalize_email(normal) == normal
    assert normal == normal.lower() == normal.strip()


@given(st.emails(), WHITESPACE, WHITESPACE, st.data())
def test_case_and_surrounding_space_do_not_matter(email, before, after, data) -> None:
    flips = data.draw(st.lists(st.booleans(), min_size=len(email), max_size=len(email)))
    variant = "".join(c.upper() if f else c for c, f in zip(email, flips, strict=True))
    assert normalize_email(before + variant + after) == normalize_email(email)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "plainaddress",
        "@example.com",
        "user@",
        "user@@example.com",
        "us er@example.com",
        "user@exa mple.com",
        "user@-example.com",
        "user@example-.com",
        "user@example..com",
        "user@.example.com",
        "user@example.com.",
        "user@exam_ple.com",
        "user\x00@example.com",
        "a" * 65 + "@example.com",
        "user@" + "a" * 64 + ".com",
        "user@" + ".".join(["a" * 60] * 5) + ".com",  # longer than 254 characters
    ],
)
def test_invalid_addresses_are_refused(raw: str) -> None:
    with pytest.raises(PolicyViolation) as raised:
        normalize_email(raw)
    assert raised.value.field == "email"


@given(st.text(alphabet=st.characters(exclude_characters="@"), max_size=80))
def test_text_without_an_at_sign_is_never_an_address(raw: str) -> None:
    with pytest.raises(PolicyViolation):
        normalize_email(raw)


@given(st.emails(), st.text(alphabet=" \t", min_size=1, max_size=3))
def test_white_space_inside_an_address_is_refused(email: str, space: str) -> None:
    local, domain = email.rsplit("@", 1)
    with pytest.raises(PolicyViolation):
        normalize_email(f"{local}{space}x@{domain}")
    with pytest.raises(PolicyViolation):
        normalize_email(f"{local}@{domain[:1]}{space}{domain[1:]}")


def test_the_longest_acceptable_address_is_254_characters() -> None:
    domain = ".".join(["a" * 63] * 3) + ".com"  # 195 characters
    local = "b" * (254 - 1 - len(domain))
    assert len(normalize_email(f"{local}@{domain}")) == 254
    with pytest.raises(PolicyViolation):
        normalize_email(f"{local}b@{domain}")


# Characters that make an address more than one mailbox, or another one than it shows.
RECIPIENT_SPLITTERS = list(',;:<>()[]"\\')
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u3164"]
BIDI = ["\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"]
BIDI += ["\u2066", "\u2067", "\u2068", "\u2069"]
SPACES_AND_CONTROLS = [" ", "\t", "\r", "\n", "\x00", "\x1b", "\x7f", "\x85", "\xa0", "\u3000"]
SPACES_AND_CONTROLS += ["\u2028", "\u2029", "\u2009"]
ADDRESSES = st.emails().filter(lambda e: "=?" not in e)


def _inserted(email: str, text: str, position: int) -> str:
    position %= len(email) + 1
    if position in (0, len(email)):
        position = 1  # inside, so that trimming cannot remove it
    return email[:position] + text + email[position:]


@given(ADDRESSES, st.sampled_from(RECIPIENT_SPLITTERS + INVISIBLE + BIDI + SPACES_AND_CONTROLS))
@settings(max_examples=100)
def test_a_refused_character_anywhere_inside_is_refused(email: str, char: str) -> None:
    for position in range(1, len(email)):
        with pytest.raises(PolicyViolation):
            normalize_email(email[:position] + char + email[position:])


@given(ADDRESSES, st.text(min_size=1, max_size=20), st.integers(0, 300))
def test_an_encoded_word_is_refused(email: str, text: str, position: int) -> None:
    word = f"=?utf-8?q?{text}?="
    with pytest.raises(PolicyViolation):
        normalize_email(_inserted(email, word, position))


@pytest.mark.parametrize(
    "raw",
    [
        '"victim@example.com"@attacker.example',
        '"a b"@example.com',
        "victim@example.com(comment)",
        "(comment)victim@example.com",
        "victim(x)@example.com",
        "Victim <victim@example.com>",
        "victims: a@example.com, b@example.com;",
        "undisclosed:;",
        "=?utf-8?q?victim=40example.com=2C?=attacker@example.com",
        "=?iso-8859-1?b?dmljdGlt?=@example.com",
        "victim@example.com,attacker@example.com",
        "victim@example.com\uff0cattacker@example.com",  # a full-width comma folds to ","
        "victim@example.com\r\nBcc: attacker@example.com",
        "victim\u200b@example.com",
        "victim\u00ad@example.com",
        "victim\u202e@example.com",
        "\u202evictim@example.com",
        "victim@exa\u200dmple.com",
        "victim@[127.0.0.1]",
        "victim@127.0.0.1",
        "victim@localhost",
    ],
)
def test_what_hides_or_adds_a_recipient_is_refused(raw: str) -> None:
    with pytest.raises(PolicyViolation) as raised:
        normalize_email(raw)
    assert raised.value.field == "email"


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        (
            "\uff41\uff4e\uff4e@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.\uff43\uff4f\uff4d",
            "ann@example.com",
        ),
        ("\ufb01sh@example.com", "fish@example.com"),  # the ligature fi
        ("ANN@EXAMPLE.COM", "ann@example.com"),
        ("J\u00f6rg@Beispiel.de", "j\u00f6rg@beispiel.de"),
        ("Jo\u0308rg@beispiel.de", "j\u00f6rg@beispiel.de"),  # decomposed, composed by NFKC
        ("o'neil+tag@example.com", "o'neil+tag@example.com"),
        ("a=?b@example.com", "a=?b@example.com"),  # no encoded word: nothing closes it
    ],
)
def test_look_alikes_fold_to_one_address(raw: str, normal: str) -> None:
    assert normalize_email(raw) == normal


@given(st.text(max_size=80))
def test_whatever_is_accepted_is_one_plain_mailbox_in_normal_form(raw: str) -> None:
    try:
        normal = normalize_email(raw)
    except PolicyViolation:
        return
    assert normalize_email(normal) == normal
    assert unicodedata.normalize("NFKC", normal) == normal.lower() == normal
    assert normal.count("@") == 1 and len(normal) <= 254
    assert not set(normal) & set(RECIPIENT_SPLITTERS + INVISIBLE + BIDI + SPACES_AND_CONTROLS)
    assert email.utils.getaddresses([normal]) == [("", normal)]
