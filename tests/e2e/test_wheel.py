"""The project builds as an ordinary wheel that carries its migrations and the `hexapi`
command, and the installed package migrates a database from any directory."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]
ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = "adapters/sqlalchemy/migrations"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            str(ROOT),
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
        cwd=out,
        timeout=150,
    )
    [built] = out.glob("hexapi-*.whl")
    return built


def test_the_wheel_carries_the_migrations_and_the_command(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert f"{MIGRATIONS}/env.py" in names
    shipped = {Path(n).name for n in names if n.startswith(f"{MIGRATIONS}/versions/")}
    in_tree = {p.name for p in (ROOT / MIGRATIONS / "versions").glob("*.py")}
    assert in_tree and in_tree <= shipped
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)
    [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[console_scripts]" in text
    assert "hexapi = entrypoints.cli:main" in text


def test_the_installed_package_migrates_from_any_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    database = tmp_path / "fresh.db"
    script = (
        "import sys, entrypoints\n"
        f"assert entrypoints.__file__.startswith({str(target)!r}), entrypoints.__file__\n"
        "from entrypoints.cli import main\n"
        "sys.exit(main(['migrate']))\n"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")},
        "PYTHONPATH": str(target),
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "DATA_DIR": str(tmp_path / "data"),
        "APP_ENV": "test",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        [version] = db.execute("SELECT version_num FROM alembic_version").fetchone()
    assert {"users", "login_sessions", "alembic_version"} <= tables
    heads = sorted(p.stem.split("_")[0] for p in (ROOT / MIGRATIONS / "versions").glob("0*.py"))
    assert version == heads[-1]
