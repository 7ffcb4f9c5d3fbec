"""Reading one uploaded file from a multipart body as it streams in, within a size limit.

FastAPI's `UploadFile` (through python-multipart) would first spool the whole body to a
temporary file, whatever its size. Here the body is parsed incrementally from
`request.stream()` and reading stops with 413 the moment the file passes its limit, so an
oversized upload costs at most the limit in memory and nothing on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from domain.errors import PayloadTooLarge

# Room for the boundaries and part headers around the file itself.
MULTIPART_OVERHEAD = 16 * 1024


@dataclass
class _Part:
    name: str | None = None
    headers: dict[bytes, bytes] = field(default_factory=dict)
    field_name: bytearray = field(default_factory=bytearray)
    field_value: bytearray = field(default_factory=bytearray)


@dataclass
class _SingleFile:
    """Parser callbacks that keep the bytes of one named field and note anything else."""

    wanted: str
    limit: int
    content: bytearray = field(default_factory=bytearray)
    seen: list[str | None] = field(default_factory=list)
    part: _Part = field(default_factory=_Part)
    complete: bool = False  # the closing boundary arrived: the body was not cut short

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda d, s, e: self.part.field_name.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self.part.field_value.extend(d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_end": self._end,
        }

    def _begin(self) -> None:
        self.part = _Part()

    def _header_end(self) -> None:
        name = bytes(self.part.field_name).lower()
        self.part.headers[name] = bytes(self.part.field_value)
        self.part.field_name.clear()
        self.part.field_value.clear()

    def _headers_finished(self) -> None:
        _kind, options = parse_options_header(self.part.headers.get(b"content-disposition", b""))
        raw_name = options.get(b"name")
        self.part.name = raw_name.decode("utf-8", "replace") if raw_name is not None else None
        self.seen.append(self.part.name)

    def _end(self) -> None:
        self.complete = True

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self.part.name != self.wanted or self.seen.count(self.wanted) > 1:
            return  # refused once the body is read; its size is bounded by the body's
        self.content.extend(data[start:end])
        if len(self.content) > self.limit:
            raise PayloadTooLarge(f"The file may be at most {self.limit} bytes.")


def _invalid(message: str, field_name: str) -> RequestValidationError:
    return RequestValidationError(
        [{"type": "value_error", "loc": ("body", field_name), "msg": message, "input": None}]
    )


async def read_single_file(request: Request, *, field_name: str, max_bytes: int) -> bytes:
    """The content of the one file field `field_name` of a multipart/form-data body.

    PayloadTooLarge as soon as the file (or the whole body) is too large; a 422 validation
    error for a body that is not multipart, is malformed, lacks the field, or has others.
    """
    media_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if media_type != b"multipart/form-data" or not boundary:
        raise _invalid("expected a multipart/form-data body with a file", field_name)
    body_limit = max_bytes + MULTIPART_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > body_limit:
        raise PayloadTooLarge(f"The file may be at most {max_bytes} bytes.")

    collector = _SingleFile(wanted=field_name, limit=max_bytes)
    parser = MultipartParser(boundary, collector.callbacks())  # type: ignore[arg-type]
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > body_limit:
                raise PayloadTooLarge(f"The file may be at most {max_bytes} bytes.")
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        raise _invalid("the multipart body is malformed", field_name) from None
    if not collector.complete:
        raise _invalid("the multipart body is incomplete", field_name)

    if collector.seen.count(field_name) != 1:
        raise _invalid(f"send exactly one `{field_name}` field", field_name)
    others = sorted({str(name) for name in collector.seen if name != field_name})
    if others:
        raise _invalid(f"unexpected fields: {', '.join(others)}", field_name)
    return bytes(collector.content)
