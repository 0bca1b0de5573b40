"""CI cannot skip the hub tests silently: when they are required (``SOURCEWISE_REQUIRE_HUB=1``,
as ``.ci/run`` sets), a hub that cannot start and any skipped hub test fail, with the reason.

Each case runs pytest in a subprocess on the real ``tests/hub/conftest.py``; no hub starts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HUB = Path(__file__).resolve().parent / "hub"
ROOT = HUB.parents[1]


def _pytest(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("SOURCEWISE_REQUIRE_HUB", "CI", "SOURCEWISE_REQUIRE_BROWSER")}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                           "-rfs", *args], cwd=cwd, capture_output=True, text=True,
                          env={**clean, **env}, timeout=300)


def test_a_hub_that_cannot_start_fails_when_required(tmp_path: Path) -> None:
    """With no configurable-http-proxy (a venv without node/), the hub tests skip, saying why;
    required, they fail with the same reason."""
    empty_venv = str(tmp_path / "no-venv")
    test = f"{HUB / 'test_hub_course.py'}::test_hub_login_uses_the_shared_password"
    free = _pytest([test], ROOT, SOURCEWISE_VENV=empty_venv)
    assert free.returncode == 0, free.stdout[-2000:]
    assert "1 skipped" in free.stdout
    required = _pytest([test], ROOT, SOURCEWISE_VENV=empty_venv, SOURCEWISE_REQUIRE_HUB="1")
    assert required.returncode == 1, required.stdout[-2000:]
    reason = ("configurable-http-proxy not installed" if os.geteuid() == 0
              else "must run as root")
    assert "hub tests cannot run" in required.stdout and reason in required.stdout


def test_any_skipped_hub_test_fails_when_required(tmp_path: Path) -> None:
    """A hub test that skips for any reason of its own (say, no Chromium for the browser part)
    fails when the hub tests are required, and the report gives its reason."""
    for name in ("conftest.py", "hub_driver.py"):
        shutil.copy(HUB / name, tmp_path / name)
    (tmp_path / "test_skips.py").write_text(
        "import pytest\n\n@pytest.mark.hub\ndef test_part():\n"
        "    pytest.skip('browser part skipped: Chromium not found')\n\n"
        "def test_not_a_hub_test():\n    pytest.skip('unrelated')\n")
    free = _pytest(["test_skips.py"], tmp_path)
    assert free.returncode == 0 and "2 skipped" in free.stdout, free.stdout[-2000:]
    required = _pytest(["test_skips.py"], tmp_path, SOURCEWISE_REQUIRE_HUB="1")
    assert required.returncode == 1, required.stdout[-2000:]
    assert "1 failed, 1 skipped" in required.stdout
    assert "this hub test skipped: browser part skipped: Chromium not found" in required.stdout
