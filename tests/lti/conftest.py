"""The ``lti`` marker: a real LTI 1.3 platform (lti1p3platform) on 127.0.0.1, and a real hub."""

from __future__ import annotations

import importlib.util
import os

import pytest

REQUIRE_VARIABLE = "SOURCEWISE_REQUIRE_LTI"
LIBRARIES = ("lti1p3platform", "ltiauthenticator", "jwt", "cryptography")


def missing() -> str | None:
    absent = [name for name in LIBRARIES if importlib.util.find_spec(name) is None]
    return f"not installed: {', '.join(absent)} (pip install -e '.[test]')" if absent else None


def _ignored() -> list[str]:
    """Without the libraries the test modules cannot even be imported: skip them whole, unless
    CI (or SOURCEWISE_REQUIRE_LTI=1) says they must run."""
    reason = missing()
    if reason is None:
        return []
    if os.environ.get(REQUIRE_VARIABLE) == "1" or os.environ.get("CI") == "true":
        raise pytest.UsageError(f"LTI tests cannot run: {reason}")
    print(f"LTI tests skipped: {reason}")
    return ["test_*.py"]


collect_ignore_glob = _ignored()


@pytest.fixture(scope="session")
def lti_hub():
    """tests/hub's real JupyterHub with the LTI 1.3 login, a platform, a course (root only:
    system users); one for the whole session, since its environments take minutes."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))
    from hub_driver import missing as hub_missing

    reason = hub_missing()
    if reason is not None:
        if os.environ.get(REQUIRE_VARIABLE) == "1" or os.environ.get("CI") == "true":
            pytest.fail(f"LTI hub tests cannot run: {reason}", pytrace=False)
        pytest.skip(f"LTI hub tests skipped: {reason}")
    from lti_hub import start_lti_hub

    yield from start_lti_hub()
