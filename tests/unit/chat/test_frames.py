"""What a client frame may say, room names, and the flood rule."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.chat import (
    FLOOD_FRAMES,
    MAX_TEXT_LENGTH,
    FloodGuard,
    InvalidRoom,
    MalformedFrame,
    check_room,
    parse_frame,
)

visible = st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"))


@given(st.text(visible, min_size=1, max_size=MAX_TEXT_LENGTH))
def test_a_text_of_1_to_2000_characters_is_taken_as_sent(text: str) -> None:
    assert parse_frame(json.dumps({"text": text})) == text


@given(st.text(visible, min_size=1, max_size=50))
def test_surrounding_white_space_is_stripped(text: str) -> None:
    assert parse_frame(json.dumps({"text": f"  {text}\n"})) == text


def test_line_breaks_and_tabs_may_be_inside() -> None:
    assert parse_frame('{"text": "a\\n\\tb"}') == "a\n\tb"


def test_the_largest_text_is_2000_four_byte_characters() -> None:
    text = "\N{GRINNING FACE}" * MAX_TEXT_LENGTH
    assert parse_frame(json.dumps({"text": text})) == text
    assert parse_frame(json.dumps({"text": text}, ensure_ascii=False).encode()) == text


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "not json",
        "[]",
        '"text"',
        "null",
        "{}",
        '{"text": ""}',
        '{"text": "   "}',
        '{"text": 5}',
        '{"text": null}',
        '{"text": ["a"]}',
        '{"text": "a", "room": "x"}',
        '{"message": "a"}',
        '{"text": "a\\u0000b"}',
        '{"text": "a\\u001bb"}',
        json.dumps({"text": "x" * (MAX_TEXT_LENGTH + 1)}),
        b"\xff\xfe",
        "x" * 100_000,
    ],
)
def test_a_malformed_frame_is_refused(raw: str | bytes | None) -> None:
    with pytest.raises(MalformedFrame):
        parse_frame(raw)


@given(st.from_regex(r"[a-z0-9_-]{1,64}", fullmatch=True))
def test_room_names_of_the_pattern_are_valid(room: str) -> None:
    assert check_room(room) == room


@pytest.mark.parametrize(
    "room", ["", "A", "a" * 65, "a b", "a/b", "é", "room.1", "a\n", "ROOM", "%2e%2e"]
)
def test_other_room_names_are_refused(room: str) -> None:
    with pytest.raises(InvalidRoom):
        check_room(room)


def test_more_than_20_frames_within_a_second_is_a_flood() -> None:
    guard = FloodGuard()
    assert all(guard.allow(0.0 + n * 0.01) for n in range(FLOOD_FRAMES))
    assert not guard.allow(0.5)


def test_20_frames_a_second_for_ever_is_no_flood() -> None:
    guard = FloodGuard()
    assert all(guard.allow(n * 1.001 / FLOOD_FRAMES) for n in range(10 * FLOOD_FRAMES))


@given(st.lists(st.floats(min_value=0, max_value=0.999), min_size=21, max_size=40))
def test_any_21_frames_within_one_second_are_a_flood(offsets: list[float]) -> None:
    guard = FloodGuard()
    verdicts = [guard.allow(moment) for moment in sorted(offsets)]
    assert verdicts[:FLOOD_FRAMES] == [True] * FLOOD_FRAMES
    assert verdicts[FLOOD_FRAMES] is False
