"""`X-Process-Time`: seconds (a float) from the request's arrival to the response's start."""

from __future__ import annotations

from time import perf_counter

HEADER = b"x-process-time"


def process_time_header(started: float) -> tuple[bytes, bytes]:
    """The header for a request that arrived at `started` (a perf_counter reading)."""
    return HEADER, f"{perf_counter() - started:.6f}".encode("ascii")
