"""A client generated from the live /openapi.json, as front ends make theirs: generated with
no warning, type-checked with `mypy --strict`, and driven through the auth flow."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import live_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BIN = Path(sys.executable).parent
FLOW = Path(__file__).parent / "client_flow" / "flow.py"
# openapi-python-client reads only JSON, text and application/octet-stream bodies as such;
# the avatar's image types and a file's download (any type: `*/*`) are bytes too, which its
# configuration says.
CONFIG = """\
project_name_override: hexapi-client
package_name_override: hexapi_client
content_type_overrides:
  "*/*": application/octet-stream
  image/png: application/octet-stream
  image/jpeg: application/octet-stream
  image/gif: application/octet-stream
  image/webp: application/octet-stream
"""

# The flow is checked strictly; the generated package is read for its types, but its own
# template code is the generator's business, not this project's.
MYPY_CONFIG = """\
[mypy]
strict = True
[mypy-hexapi_client.*]
follow_imports = silent
"""


def run(*command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=240, check=False
    )


def test_a_generated_client_type_checks_and_runs_the_auth_flow(tmp_path: Path) -> None:
    with live_server(tmp_path) as server:
        spec = tmp_path / "openapi.json"
        spec.write_text(httpx.get(f"{server.base_url}/openapi.json").text)
        (tmp_path / "config.yaml").write_text(CONFIG)
        generated = run(
            str(BIN / "openapi-python-client"),
            "generate",
            "--path", str(spec),
            "--config", "config.yaml",
            "--meta", "none",
            "--output-path", "hexapi_client",
            cwd=tmp_path,
        )  # fmt: skip
        assert generated.returncode == 0, generated.stdout + generated.stderr
        assert "Warning" not in generated.stdout + generated.stderr, generated.stdout

        (tmp_path / "mypy.ini").write_text(MYPY_CONFIG)
        checked = run(
            str(BIN / "mypy"), "--config-file", "mypy.ini", "--no-incremental", str(FLOW),
            cwd=tmp_path, MYPYPATH=str(tmp_path),
        )  # fmt: skip
        assert checked.returncode == 0, checked.stdout + checked.stderr

        ran = run(
            sys.executable, str(FLOW), server.base_url, cwd=tmp_path, PYTHONPATH=str(tmp_path)
        )
        assert ran.returncode == 0, ran.stdout + ran.stderr + server.log()[-3000:]
        assert "flow: ok" in ran.stdout
