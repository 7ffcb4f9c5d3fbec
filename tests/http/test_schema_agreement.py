"""What the published schema allows, the server takes: a client (or a generated test) that
follows the schema is never refused. The server may take a little more, since it strips
surrounding white space before checking, as the contract says."""

from __future__ import annotations

import re

import pydantic
from hypothesis import given, settings
from hypothesis import strategies as st

from entrypoints.http.schemas.auth import RegisterRequest

NAME_SCHEMA = RegisterRequest.model_json_schema()["properties"]["name"]
NAME_PATTERN = re.compile(NAME_SCHEMA["pattern"])


def schema_accepts(name: str) -> bool:
    length_ok = NAME_SCHEMA["minLength"] <= len(name) <= NAME_SCHEMA["maxLength"]
    return length_ok and NAME_PATTERN.search(name) is not None


def server_accepts(name: str) -> bool:
    try:
        RegisterRequest(email="ann@example.com", name=name, password="Correct-Horse-9")
    except pydantic.ValidationError:
        return False
    return True


@settings(max_examples=500)
@given(st.text(max_size=100) | st.text(alphabet=" \t\x85\xa0\u2000\u3000\x1c", max_size=5))
def test_a_name_the_schema_allows_is_taken(name: str) -> None:
    if schema_accepts(name):
        assert server_accepts(name)
    if server_accepts(name):  # and what it takes differs at most by surrounding white space
        assert schema_accepts(name.strip())
