"""wrk Lua scripts for the requests that are not a plain GET, written into a folder per run."""

from __future__ import annotations

import json
from pathlib import Path

from bench.seed import PASSWORD, USERS


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def post_json(folder: Path, name: str, body: dict) -> Path:  # type: ignore[type-arg]
    script = folder / f"{name}.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {_lua_string(json.dumps(body))}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    return script


def login_flood(folder: Path) -> Path:
    """POST /auth/login as one seeded user after another (their password is the same), so
    no single account's row is where every login meets."""
    script = folder / "login.lua"
    script.write_text(
        f"local n = 1\nlocal users = {USERS}\n"
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        "request = function()\n"
        "  n = n % (users - 1) + 1\n"
        f'  local body = "username=bench" .. (n + 1) .. "%40example.com&password={PASSWORD}"\n'
        "  return wrk.format(nil, nil, nil, body)\n"
        "end\n"
    )
    return script


BOUNDARY = "bench-boundary-7d1f0c"


def upload(folder: Path, size: int) -> Path:
    """POST of one `size`-byte file as multipart field `files`, the body read from disk."""
    body = folder / "upload.body"
    with body.open("wb") as out:
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="bench.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        )
        chunk = bytes(range(256)) * 4096  # 1 MiB
        for _ in range(size // len(chunk)):
            out.write(chunk)
        out.write(chunk[: size % len(chunk)])
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    script = folder / "upload.lua"
    script.write_text(
        f'local f = assert(io.open({_lua_string(str(body))}, "rb"))\n'
        'wrk.method = "POST"\n'
        'wrk.body = f:read("*a")\n'
        "f:close()\n"
        f'wrk.headers["Content-Type"] = "multipart/form-data; boundary={BOUNDARY}"\n'
    )
    return script
