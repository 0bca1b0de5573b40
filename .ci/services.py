#!/usr/bin/env python3
"""Install what the JupyterHub tests need besides Python packages; idempotent, cheap when done.

    python3 .ci/services.py            # install what is missing, print where each tool is

- configurable-http-proxy (JupyterHub's proxy) from npm, into ``.venv/node/`` (never global);
- PostgreSQL's server from Debian's ``postgresql`` package (apt, as root) when no ``initdb``
  is found (the tests start their own throw-away cluster on 127.0.0.1; the package's own
  cluster service is not needed and not started);
- Debian's ``python3-venv`` when ``/usr/bin/python3`` cannot make a venv (the users'
  environments are built from it).

Called from ``bootstrap.py test``. When something cannot be installed (no npm, not root), it
says why; ``bootstrap.py test`` then stops with that reason when the hub tests are required
(``SOURCEWISE_REQUIRE_HUB=1``, as ``.ci/run`` sets, or ``CI=true``), and elsewhere the hub
tests skip, saying why.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("SOURCEWISE_VENV", ROOT / ".venv"))
NODE_PREFIX = VENV / "node"
# JupyterHub 5/6 work with configurable-http-proxy 4.x and 5.x; pin the major we tested.
CHP_PACKAGE = "configurable-http-proxy@5.3.0"
CHP = NODE_PREFIX / "node_modules" / ".bin" / "configurable-http-proxy"


def pg_bin_dir() -> Path | None:
    """The folder holding PostgreSQL's ``initdb`` and ``pg_ctl`` (Debian keeps them off PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _say(text: str) -> None:
    print(f"services: {text}", flush=True)


def ensure_chp() -> Path | None:
    if CHP.exists():
        return CHP
    if not shutil.which("npm"):
        _say("npm not found: install Node.js and npm to run the JupyterHub tests")
        return None
    NODE_PREFIX.mkdir(parents=True, exist_ok=True)
    cmd = ["npm", "install", "--prefix", str(NODE_PREFIX), "--no-fund", "--no-audit",
           "--loglevel=error", CHP_PACKAGE]
    _say(" ".join(cmd))
    if subprocess.run(cmd).returncode != 0 or not CHP.exists():
        _say("could not install configurable-http-proxy with npm")
        return None
    return CHP


def _apt_install(*packages: str) -> bool:
    if not (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")):
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    if subprocess.run(cmd, env=env).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
        return subprocess.run(cmd, env=env).returncode == 0
    return True


def ensure_postgresql() -> Path | None:
    found = pg_bin_dir()
    if found:
        return found
    _say("PostgreSQL not found: installing Debian's postgresql package")
    if not _apt_install("postgresql"):
        _say("could not install PostgreSQL (needs root and apt-get)")
        return None
    return pg_bin_dir()


def ensure_system_venv() -> bool:
    """The hub tests build the users' environments with Debian's python3 (every user can run
    it; a pyenv or root-owned interpreter is closed to the students' system users)."""
    check = ["/usr/bin/python3", "-c", "import ensurepip, venv"]
    if Path(check[0]).exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return True
    _say("Debian's python3 with venv not found: installing python3-venv")
    return _apt_install("python3", "python3-venv") and subprocess.run(
        check, capture_output=True).returncode == 0


def install() -> list[str]:
    """Install what is missing; what still cannot be used, one reason each (empty: all set)."""
    chp = ensure_chp()
    pg = ensure_postgresql()
    venv = ensure_system_venv()
    _say(f"configurable-http-proxy: {chp or 'MISSING'}; PostgreSQL: {pg or 'MISSING'}; "
         f"/usr/bin/python3 with venv: {'yes' if venv else 'MISSING'}")
    problems = []
    if not chp:
        problems.append("configurable-http-proxy could not be installed (needs npm and "
                        "access to the npm registry)")
    if not pg:
        problems.append("PostgreSQL's server could not be installed (needs root and apt-get)")
    if not venv:
        problems.append("/usr/bin/python3 cannot make a venv (install python3-venv as root)")
    return problems


def main() -> int:
    problems = install()
    for problem in problems:
        _say(f"problem: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
