"""The development signing key: made once, kept in DATA_DIR, the same for every worker."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from entrypoints.secrets import KEY_FILE, resolve_secret_key
from entrypoints.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def settings(data_dir: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, **values)  # type: ignore[call-arg]


def test_a_configured_key_is_used_and_nothing_is_written(tmp_path: Path) -> None:
    key = "k" * 40
    assert resolve_secret_key(settings(tmp_path / "data", secret_key=key)) == key
    assert not (tmp_path / "data").exists()


def test_a_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    data = tmp_path / "nested" / "data"
    first = resolve_secret_key(settings(data))
    assert len(first) >= 32
    path = data / KEY_FILE
    assert path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # A second call, and a second worker with its own settings, agree.
    assert resolve_secret_key(settings(data)) == first
    assert resolve_secret_key(settings(Path(str(data)))) == first
    assert [p.name for p in data.iterdir()] == [KEY_FILE]  # no temporary files left behind
    assert resolve_secret_key(settings(tmp_path / "elsewhere")) != first


@pytest.mark.timeout(20)
def test_threads_racing_for_the_first_key_all_get_the_same(tmp_path: Path) -> None:
    barrier = threading.Barrier(16)
    keys: list[str] = []

    def worker() -> None:
        barrier.wait()
        keys.append(resolve_secret_key(settings(tmp_path)))

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 16 and len(set(keys)) == 1
    assert (tmp_path / KEY_FILE).read_text().strip() == keys[0]


RACER = """
import sys, time
from pathlib import Path
from entrypoints.secrets import resolve_secret_key
from entrypoints.settings import Settings
start = float(sys.argv[2])
while time.time() < start:
    pass
print(resolve_secret_key(Settings(_env_file=None, data_dir=Path(sys.argv[1]))))
"""


@pytest.mark.timeout(30)
def test_processes_racing_for_the_first_key_all_get_the_same(tmp_path: Path) -> None:
    start = time.time() + 1.0  # every process has imported by then and spins until it
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(tmp_path / "data"), str(start)],
            stdout=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for _ in range(4)
    ]
    try:
        keys = [racer.communicate(timeout=20)[0].strip() for racer in racers]
    finally:
        for racer in racers:
            if racer.poll() is None:
                racer.kill()
                racer.wait()
    assert all(racer.returncode == 0 for racer in racers)
    assert len(set(keys)) == 1 and keys[0]
    assert (tmp_path / "data" / KEY_FILE).read_text().strip() == keys[0]
