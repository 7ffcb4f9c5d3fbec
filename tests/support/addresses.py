"""Addresses to throw at the e-mail rule: valid ones, and valid ones with hostile additions."""

from __future__ import annotations

from hypothesis import strategies as st

# What mail software reads as a second recipient, another mailbox, or a look-alike.
HOSTILE_PIECES = [
    ",",
    ";",
    ":",
    "<",
    ">",
    "(",
    ")",
    "[",
    "]",
    '"',
    "\\",
    " ",
    "\t",
    "\r\n",
    "\x00",
    "\u200b",
    "\u200d",
    "\u00ad",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\uff0c",
    "\uff20",
    "\xa0",
    "=?utf-8?q?",
    "?=",
    "=?utf-8?b?YUBi?=",
    "@",
    ".",
    "..",
    "-",
    ", attacker@example.net",
    " <attacker@example.net>",
    "\r\nBcc: attacker@example.net",
]
_LOCAL_UNICODE = st.text(
    alphabet=st.characters(categories=["Ll", "Lu", "Lo", "Nd", "Mn"]), min_size=1, max_size=12
)
_LABEL_UNICODE = st.text(
    alphabet=st.characters(categories=["Ll", "Lo", "Nd"]), min_size=1, max_size=12
)


@st.composite
def _unicode_addresses(draw: st.DrawFn) -> str:
    labels = draw(st.lists(_LABEL_UNICODE, min_size=1, max_size=3))
    return f"{draw(_LOCAL_UNICODE)}@{'.'.join(labels)}.{draw(st.sampled_from(['com', 'de']))}"


@st.composite
def _spoiled(draw: st.DrawFn, base: st.SearchStrategy[str]) -> str:
    address = draw(base)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(address)))
        address = address[:at] + draw(st.sampled_from(HOSTILE_PIECES)) + address[at:]
    return address


def candidate_addresses() -> st.SearchStrategy[str]:
    """Plain, Unicode and full-width addresses, and the same with hostile pieces inserted."""
    plain = st.emails()
    unicode = _unicode_addresses()
    wide = plain.map(lambda a: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in a))
    valid = st.one_of(plain, unicode, wide)
    return st.one_of(valid, _spoiled(valid))
