"""The access line skips LogRecord and the handler's filters only when nothing but hexapi's
handler would see it, and then it is written exactly as the record would have been."""

from __future__ import annotations

import json
import logging

import pytest

from entrypoints.http.middleware.access_log import MESSAGE, AccessLine, log
from entrypoints.logging import (
    JsonFormatter,
    RedactSecrets,
    RequestIdFilter,
    TextFormatter,
    _StderrHandler,
    request_id_var,
    sole_handler,
)

SCOPE = {
    "type": "http",
    "method": "GET",
    "path": "/api/v1/files/eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl",
    "query_string": b"token=s3cret-value&page=2",
    "client": ("203.0.113.7", 5000),
    "headers": [],
}


def as_record(line: AccessLine) -> logging.LogRecord:
    """The record the access logger makes when other handlers listen, filtered as hexapi's
    handler filters it."""
    args = (line.method, line.path, line.status, line.duration_ms)
    record = log.makeRecord(
        log.name, logging.INFO, __file__, 0, MESSAGE, args, None, extra=line.fields()
    )
    record.created, record.msecs = line.created, line.msecs
    for check in (RequestIdFilter(), RedactSecrets(honour_reveal=False)):
        assert check.filter(record)
    return record


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()], ids=["json", "text"])
def test_an_access_line_is_formatted_as_the_record_it_stands_for(formatter):
    token = request_id_var.set("rid-1")
    try:
        line = AccessLine(SCOPE, 404, 0.012345)
    finally:
        request_id_var.reset(token)
    written = formatter.format(line)
    assert written == formatter.format(as_record(line))
    assert "s3cret-value" not in written
    assert "c2lnbmF0dXJl" not in line.getMessage()


def test_a_json_access_line_carries_every_access_field():
    line = json.loads(JsonFormatter().format(AccessLine(SCOPE, 200, 0.5)))
    assert line["path"] == SCOPE["path"] + "?token=[redacted]&page=2"
    assert (line["method"], line["status"], line["duration_ms"]) == ("GET", 200, 500.0)
    assert (line["client"], line["route"], line["logger"]) == (
        "203.0.113.7",
        "<unmatched>",
        log.name,
    )


@pytest.fixture
def hierarchy():
    """A logger tree of its own: pytest's handlers sit on the real root logger."""
    root = logging.RootLogger(logging.INFO)
    manager = logging.Manager(root)
    handler = _StderrHandler()
    root.addHandler(handler)
    yield root, manager.getLogger("hexapi.access"), handler
    handler.close()


def test_hexapis_handler_alone_takes_the_line_directly(hierarchy):
    _, access, handler = hierarchy
    assert sole_handler(access, logging.INFO) is handler


@pytest.mark.parametrize(
    "listening",
    [
        "another handler on the root",
        "a handler on a parent logger",
        "a filter on the access logger",
        "the handler's level above INFO",
        "a logger that does not propagate",
    ],
)
def test_anything_else_listening_gets_an_ordinary_record(hierarchy, listening):
    root, access, handler = hierarchy
    if listening == "another handler on the root":
        root.addHandler(logging.NullHandler())
    elif listening == "a handler on a parent logger":
        access.parent.addHandler(logging.NullHandler())
    elif listening == "a filter on the access logger":
        access.addFilter(logging.Filter("elsewhere"))
    elif listening == "the handler's level above INFO":
        handler.setLevel(logging.WARNING)
    else:
        access.propagate = False
    assert sole_handler(access, logging.INFO) is None
