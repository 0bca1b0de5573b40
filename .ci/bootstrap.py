#!/usr/bin/env python3
"""Set up a local venv (.venv) on first use, then open the lessons or run the tests.

    python3 .ci/bootstrap.py lab     # install if needed, then `sourcewise lab`
    python3 .ci/bootstrap.py test    # install if needed (with test extras), ruff, then pytest

Only Python 3.11+ is needed. Re-running is cheap: the install is redone only when
pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("SOURCEWISE_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True)


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be run by an older python3
        sys.exit(f"Sourcewise needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        run(sys.executable, "-m", "venv", VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".sourcewise-installed{extras}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}{extras}")
    stamp.write_text(digest)


def ensure_chromium() -> None:
    """Browser tests drive Debian's Chromium; install it with apt when we are allowed to."""
    if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]
        if subprocess.run(cmd, env=env).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
            subprocess.run(cmd, env=env, check=False)
    if not Path("/usr/bin/chromium").exists():
        print("note: Chromium is not installed, so the browser tests will be skipped "
              "(install Debian's 'chromium' package to run them).", flush=True)


def hub_required() -> bool:
    return os.environ.get("SOURCEWISE_REQUIRE_HUB") == "1" or os.environ.get("CI") == "true"


def hub_services() -> list[str]:
    """Run ``.ci/services.py`` (in this process); why the hub tests cannot run, if anything."""
    sys.path.insert(0, str(ROOT / ".ci"))
    try:
        import services

        return services.install()
    except Exception as err:  # a crash of the installer is a reason too, not a silent skip
        return [f".ci/services.py failed ({type(err).__name__}: {err})"]
    finally:
        sys.path.pop(0)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("lab", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "lab":
        ensure_venv("")
        return subprocess.call([str(BIN / "sourcewise"), "lab", *rest])
    ensure_venv("[test]")
    ensure_chromium()
    # The hub tests' proxy (npm) and PostgreSQL server (apt): installed when missing. When CI
    # requires the hub tests, a failed install stops here with its reason (they would
    # otherwise fail one by one, or, before, skip without a word).
    problems = hub_services()
    if problems and hub_required():
        for problem in problems:
            print(f"error: the hub tests are required but cannot run: {problem}", flush=True)
        return 1
    # Lint first (seconds), then the whole suite; both must pass.
    lint = subprocess.call([str(PYTHON), "-m", "ruff", "check", str(ROOT)], cwd=ROOT)
    tests = subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT)
    return tests or lint


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
