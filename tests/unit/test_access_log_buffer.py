"""Access lines are written in batches, off the request's path, and none is lost."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from entrypoints.logging import _StderrHandler


def record(name: str, message: str) -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, message, (), None)


class Stderr:
    """What the handler wrote to stderr so far (pytest captures it)."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys, self._seen = capsys, ""

    def getvalue(self) -> str:
        self._seen += self._capsys.readouterr().err
        return self._seen


@pytest.fixture
def stderr(capsys: pytest.CaptureFixture[str]) -> Stderr:
    return Stderr(capsys)


@pytest.fixture
def handler(stderr: Stderr):
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    yield handler
    handler.close()


def test_access_lines_wait_in_the_buffer_and_a_flush_writes_them_in_order(handler, stderr):
    for n in range(3):
        handler.handle(record("hexapi.access", f"GET /{n} 200"))
    assert stderr.getvalue() == ""
    handler.flush()
    assert stderr.getvalue().splitlines() == [f"hexapi.access GET /{n} 200" for n in range(3)]


def test_any_other_line_is_written_at_once_after_the_access_lines_before_it(handler, stderr):
    handler.handle(record("hexapi.access", "GET /a 200"))
    handler.handle(record("hexapi.errors", "unhandled error"))
    assert stderr.getvalue().splitlines() == [
        "hexapi.access GET /a 200",
        "hexapi.errors unhandled error",
    ]


def test_a_full_buffer_and_the_flush_interval_both_write_without_a_request_waiting(
    handler, stderr, monkeypatch
):
    monkeypatch.setattr(handler, "FLUSH_SECONDS", 0.05)
    handler.handle(record("hexapi.access", "GET /slow 200"))
    deadline = time.monotonic() + 5
    while not stderr.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stderr.getvalue() == "hexapi.access GET /slow 200\n"

    monkeypatch.setattr(handler, "FLUSH_SECONDS", 60)
    handler._wake.set()  # let the flusher pick up the long interval
    time.sleep(0.1)
    for n in range(handler.BUFFER_LINES):
        handler.handle(record("hexapi.access", f"GET /{n} 200"))
    deadline = time.monotonic() + 5
    while stderr.getvalue().count("\n") < 1 + handler.BUFFER_LINES and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stderr.getvalue().count("\n") == 1 + handler.BUFFER_LINES


def test_closing_writes_what_is_kept_and_later_lines_go_out_at_once(handler, stderr):
    handler.handle(record("hexapi.access", "GET /last 200"))
    handler.close()
    assert stderr.getvalue() == "hexapi.access GET /last 200\n"
    handler.handle(record("hexapi.access", "GET /after 200"))
    assert stderr.getvalue().endswith("hexapi.access GET /after 200\n")


class StuckStderr:
    """A stderr whose writes block until released, like a pipe nobody reads."""

    def __init__(self) -> None:
        self.writing, self.release = threading.Event(), threading.Event()
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        self.writing.set()
        self.release.wait(10)
        self.lines.extend(text.splitlines())

    def flush(self) -> None:
        pass


def test_a_request_logging_its_line_never_waits_for_a_stuck_write(monkeypatch):
    stuck = StuckStderr()
    monkeypatch.setattr("sys.stderr", stuck)
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.handle(record("hexapi.access", "first"))
    flushing = threading.Thread(target=handler.flush)
    flushing.start()
    assert stuck.writing.wait(5)

    started = time.monotonic()
    for n in range(100):  # the batch is still being written: these only join the buffer
        handler.handle(record("hexapi.access", f"later {n}"))
    assert time.monotonic() - started < 1

    stuck.release.set()
    flushing.join(5)
    handler.close()
    assert stuck.lines == ["first", *(f"later {n}" for n in range(100))]
