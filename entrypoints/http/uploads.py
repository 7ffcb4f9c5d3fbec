"""Reading uploaded files from a multipart body as it streams in.

FastAPI's `UploadFile` (through python-multipart) would first spool the whole body to a
temporary file, whatever its size. Here the body is parsed incrementally from
`request.stream()`, one network chunk at a time, and handed on part by part, chunk by chunk:
whoever consumes a part decides what its bytes become (an avatar's bytes in memory, a file
streamed into storage) and stops with 413 the moment it passes its limit, so memory holds
one network chunk per request, not a file.

Refused as soon as the parser sees them, before any of their bytes are read: a part with
another name than the route's field, and a part beyond the route's count.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from domain.errors import TooLarge

# Room for the boundaries and part headers around each file.
MULTIPART_OVERHEAD = 16 * 1024
# One part header line at most: room for a file name of 10,000 characters in any script
# (it is shortened when stored), not python-multipart's 4 KiB default.
MAX_PART_HEADER_BYTES = 64 * 1024


@dataclass(slots=True)
class UploadedPart:
    """One part of the body: its client-sent file name and type (untrusted metadata) and
    its bytes, as they arrive. Read `chunks` to the end before asking for the next part."""

    filename: str | None
    content_type: str | None
    chunks: AsyncIterator[bytes]


class _Refused(Exception):
    """Raised inside the parser's callbacks: the body breaks the route's rules."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class _Headers:
    field_name: bytearray = field(default_factory=bytearray)
    field_value: bytearray = field(default_factory=bytearray)
    values: dict[bytes, bytes] = field(default_factory=dict)


class MultipartStream:
    """The parts named `field_name` of a multipart/form-data body: 1 to `max_parts` of them,
    each at most `max_part_bytes` (for the whole body's bound; consumers hold each part to
    its own limit). Anything else is a 422 validation error, or 413 for a body too large."""

    def __init__(
        self, request: Request, *, field_name: str, max_parts: int, max_part_bytes: int
    ) -> None:
        self._request, self._field = request, field_name
        self._max_parts, self._max_part_bytes = max_parts, max_part_bytes
        self._body_limit = max_parts * (max_part_bytes + MULTIPART_OVERHEAD)
        self._events: deque[tuple[str, object]] = deque()
        self._headers = _Headers()
        self._count = 0
        self._complete = False  # the closing boundary arrived: the body was not cut short
        self._exhausted = False

    async def parts(self) -> AsyncIterator[UploadedPart]:
        self._check_headers()
        self._body = self._request.stream().__aiter__()
        self._parser = MultipartParser(
            self._boundary,
            self._callbacks(),  # type: ignore[arg-type]
            max_header_size=MAX_PART_HEADER_BYTES,
        )
        self._received = 0
        while (event := await self._next_event()) is not None:
            kind, value = event
            if kind != "part":
                continue  # the rest of a part its consumer stopped reading
            assert isinstance(value, UploadedPart)
            yield value
        if not self._complete:
            raise _invalid("the multipart body is incomplete", self._field)
        if self._count == 0:
            raise _invalid(f"send a `{self._field}` field", self._field)

    def _check_headers(self) -> None:
        headers = self._request.headers
        media_type, options = parse_options_header(headers.get("content-type", ""))
        boundary = options.get(b"boundary")
        if media_type != b"multipart/form-data" or not boundary:
            raise _invalid("expected a multipart/form-data body with a file", self._field)
        self._boundary = boundary
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._body_limit:
            raise self._too_large()

    async def _chunks(self) -> AsyncIterator[bytes]:
        while (event := await self._next_event()) is not None:
            kind, value = event
            if kind == "end":
                return
            assert isinstance(value, bytes)
            yield value
        raise _invalid("the multipart body is incomplete", self._field)

    async def _next_event(self) -> tuple[str, object] | None:
        while not self._events:
            if self._exhausted:
                return None
            try:
                chunk = await anext(self._body, None)
            except ClientDisconnect:
                raise ClientGone() from None
            try:
                if chunk is None:
                    self._exhausted = True
                    self._parser.finalize()
                    continue
                self._received += len(chunk)
                if self._received > self._body_limit:
                    raise self._too_large()
                self._parser.write(chunk)
            except MultipartParseError:
                raise _invalid("the multipart body is malformed", self._field) from None
            except _Refused as refused:
                raise _invalid(refused.message, self._field) from None
        return self._events.popleft()

    def _too_large(self) -> TooLarge:
        return TooLarge(f"A file may be at most {self._max_part_bytes} bytes.")

    # python-multipart's callbacks: they queue what they see for the async side to hand on.

    def _callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda d, s, e: self._headers.field_name.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self._headers.field_value.extend(d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": lambda d, s, e: self._events.append(("data", bytes(d[s:e]))),
            "on_part_end": lambda: self._events.append(("end", None)),
            "on_end": self._end,
        }

    def _part_begin(self) -> None:
        self._count += 1
        if self._count > self._max_parts:
            raise _Refused(f"send at most {self._max_parts} `{self._field}` fields")
        self._headers = _Headers()

    def _header_end(self) -> None:
        headers = self._headers
        headers.values[bytes(headers.field_name).lower()] = bytes(headers.field_value)
        headers.field_name.clear()
        headers.field_value.clear()

    def _headers_finished(self) -> None:
        values = self._headers.values
        _kind, options = parse_options_header(values.get(b"content-disposition", b""))
        name = options.get(b"name")
        if name is None or name.decode("utf-8", "replace") != self._field:
            shown = "(none)" if name is None else name.decode("utf-8", "replace")[:100]
            raise _Refused(f"unexpected field {shown}: send `{self._field}` fields only")
        filename = options.get(b"filename")
        content_type = values.get(b"content-type")
        self._events.append(
            (
                "part",
                UploadedPart(
                    filename=None if filename is None else filename.decode("utf-8", "replace"),
                    content_type=None if content_type is None else content_type.decode("latin-1"),
                    chunks=self._chunks(),
                ),
            )
        )

    def _end(self) -> None:
        self._complete = True


class ClientGone(HTTPException):
    """The client went away before the body was complete (nobody reads the answer; the
    access log shows a 400 rather than an error)."""

    def __init__(self) -> None:
        super().__init__(400, "The request body ended before it was complete.")


def _invalid(message: str, field_name: str) -> RequestValidationError:
    return RequestValidationError(
        [{"type": "value_error", "loc": ("body", field_name), "msg": message, "input": None}]
    )


async def read_single_file(request: Request, *, field_name: str, max_bytes: int) -> bytes:
    """The content of the one file field `field_name` of a multipart/form-data body.

    TooLarge as soon as the file (or the whole body) is too large; a 422 validation
    error for a body that is not multipart, is malformed, lacks the field, or has others.
    """
    stream = MultipartStream(request, field_name=field_name, max_parts=1, max_part_bytes=max_bytes)
    content = bytearray()
    async for part in stream.parts():
        async for chunk in part.chunks:
            content += chunk
            if len(content) > max_bytes:
                raise TooLarge(f"The file may be at most {max_bytes} bytes.")
    return bytes(content)
