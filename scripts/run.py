#!/usr/bin/env python3
"""The project's two everyday commands, on a fresh machine with only Python 3.11+ and pip.

    python3 scripts/run.py app     # start the app on an embedded DuckDB with demo data
    python3 scripts/run.py test    # lint, type checks, import contract and the whole test suite

Both create ``.venv`` in the repository on first use and install the project into it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


def _run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_env() -> None:
    if not PY.exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.create(VENV, with_pip=True)
    pyproject = ROOT / "pyproject.toml"
    if not STAMP.exists() or STAMP.stat().st_mtime < pyproject.stat().st_mtime:
        _run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        _run(PY, "-m", "pip", "install", "--quiet", "-e", ".[test]")
        STAMP.touch()


def app(args: list[str]) -> None:
    ensure_env()
    # The everyday command shows the app with demo data; a production start (streamlit run) does not.
    os.environ.setdefault("TRACKER_DEMO", "1")
    os.execv(
        str(PY),
        [str(PY), "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", *args],
    )


def test(args: list[str]) -> None:
    ensure_env()
    _run(BIN / "ruff", "check", "tracker", "dashboards", "tests", "scripts", "streamlit_app.py")
    _run(BIN / "mypy")
    _run(BIN / "lint-imports", str(ROOT / "pyproject.toml"))
    # Two processes: every browser test on one (they share the servers, conftest's xdist_group), the rest
    # spread over both; `-n 0` after the command runs everything in one process.
    _run(PY, "-m", "pytest", "-n", "2", "--dist", "loadgroup", *args)


def main() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by an older Python
        sys.exit("Python 3.11 or newer is needed.")
    commands = {"app": app, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
