"""Every regular expression that sees request data runs in linear time on bounded input.

Python's `re` backtracks, so a pattern whose quantifiers can share characters takes
polynomial (or exponential) time on strings built to make it try every split. These tests
build such strings from the pieces each pattern cares about, repeat them to the longest input
the pattern can be given, and require an answer well within a time the old log-redaction
pattern needed for a fraction of the length (2,000 characters of "token" took it 7 s).
"""

from __future__ import annotations

import contextlib
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.emails import MAX_EMAIL_LENGTH, normalize_email
from domain.errors import PolicyViolation
from entrypoints.http.app import create_app
from entrypoints.http.middleware.access_log import MAX_LOGGED_PATH, loggable_path
from entrypoints.http.middleware.request_id import incoming_request_id
from entrypoints.logging import MAX_REDACTED_CHARS, TRUNCATED, redact
from tests.conftest import settings_for

# Linear work on 16 KiB takes about a millisecond; a shared, loaded machine gets 200 times that.
BOUND_SECONDS = 0.25

# What the patterns look for, and what makes them try again.
PIECES = [
    "token", "password", "secret", "bearer", "Basic", "eyJ", "eyJhbGci", "_", "a", "Z", "9",
    "=", ":", '"', "'", " ", "\t", "\n", ".", "-", "&", ",", ";", "/", "?", "@", "%", "é",
]  # fmt: skip

adversarial_unit = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join)


def _timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def _repeat_to(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=adversarial_unit, tail=st.sampled_from(["", "!", "=", ":", '"', "x" * 7]))
def test_redaction_takes_linear_time_on_the_longest_text_it_searches(unit, tail):
    text = _repeat_to(unit, MAX_REDACTED_CHARS - len(tail)) + tail
    _result, seconds = _timed(redact, text)
    assert seconds < BOUND_SECONDS, (unit, seconds)


@pytest.mark.parametrize("unit", ["token", "/token", "token_", "eyJ", "eyJa.", "a: ", '"a":\''])
def test_the_known_worst_cases_are_linear(unit):
    text = _repeat_to(unit, MAX_REDACTED_CHARS)
    _result, seconds = _timed(redact, text)
    assert seconds < BOUND_SECONDS, (unit, seconds)


def test_longer_text_is_cut_before_it_is_searched():
    text = "password=hunter2 " + "token" * 100_000
    redacted, seconds = _timed(redact, text)
    assert seconds < BOUND_SECONDS
    assert redacted.startswith("password=[redacted] ")
    assert redacted.endswith(TRUNCATED)
    assert len(redacted) <= MAX_REDACTED_CHARS + len(TRUNCATED) + len("[redacted]")


key_part = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", max_size=8)
secret_value = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-~", min_size=1, max_size=40)


@given(
    before=key_part,
    word=st.sampled_from(["token", "password", "secret", "Token", "PASSWORD"]),
    after=key_part,
    value=secret_value,
    quoted=st.booleans(),
)
def test_any_key_naming_a_secret_has_its_value_redacted(before, word, after, value, quoted):
    key = before + word + after
    if quoted:
        assert redact(f'{{"{key}": "{value}"}}') == f'{{"{key}": "[redacted]"}}'
    else:
        redacted = redact(f"/x?page=1&{key}={value}&size=2")
        assert redacted == f"/x?page=1&{key}=[redacted]&size=2"


@given(key=st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12))
def test_other_keys_are_left_alone(key):
    if any(word in key for word in ("token", "password", "secret")):
        return
    assert redact(f"{key}=value&{key}_token=x") == f"{key}=value&{key}_token=[redacted]"


@settings(max_examples=40, deadline=None)
@given(unit=adversarial_unit)
def test_access_log_paths_are_bounded_and_linear(unit):
    path = "/" + _repeat_to(unit, 100_000)
    scope = {"path": path, "query_string": _repeat_to(unit, 100_000).encode()}
    logged, seconds = _timed(loggable_path, scope)
    assert seconds < BOUND_SECONDS
    # Unprintable characters are logged escaped, at most 10 characters each (\\U0001f600).
    assert len(logged) <= 10 * (2 * MAX_LOGGED_PATH + 2 * len(TRUNCATED) + 1)


@settings(max_examples=60, deadline=None)
@given(
    unit=st.lists(
        st.sampled_from(["a", "-", ".", "@", "0", "é", " ", '"', "\\"]), min_size=1, max_size=8
    ).map("".join)
)
def test_email_checks_are_linear_and_bounded(unit):
    for text in (_repeat_to(unit, MAX_EMAIL_LENGTH), _repeat_to(unit, 100_000)):
        started = time.perf_counter()
        with contextlib.suppress(PolicyViolation):
            normalize_email(text)
        assert time.perf_counter() - started < BOUND_SECONDS


@settings(max_examples=40, deadline=None)
@given(unit=adversarial_unit)
def test_request_ids_are_checked_in_linear_time(unit):
    value = _repeat_to(unit, 16 * 1024).encode()
    _id, seconds = _timed(incoming_request_id, {"headers": [(b"x-request-id", value)]})
    assert seconds < BOUND_SECONDS


def test_the_route_patterns_are_linear(tmp_path):
    app = create_app(settings_for("memory://", tmp_path))
    for route in app.routes:
        regex: re.Pattern[str] | None = getattr(route, "path_regex", None)
        if regex is None:
            continue
        for unit in ("a", "a/", "/", "%2F", "-", "0"):
            path = "/api/v1/" + _repeat_to(unit, 16 * 1024)
            _match, seconds = _timed(regex.match, path)
            assert seconds < BOUND_SECONDS, (route.path, unit)
