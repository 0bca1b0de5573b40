"""The ``hub`` marker: tests that start a real JupyterHub with system users (root only).

When the hub tests are required (``SOURCEWISE_REQUIRE_HUB=1``, which ``.ci/run`` sets, or
``CI=true``), nothing under ``tests/hub`` may skip: a skip, for whatever reason, is reported
as a failure with that reason. The browser part follows ``SOURCEWISE_REQUIRE_BROWSER``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hub_driver import missing

REQUIRE_VARIABLE = "SOURCEWISE_REQUIRE_HUB"
BROWSER_VARIABLE = "SOURCEWISE_REQUIRE_BROWSER"


def hub_required() -> bool:
    return os.environ.get(REQUIRE_VARIABLE) == "1" or os.environ.get("CI") == "true"


def browser_required() -> bool:
    return os.environ.get(BROWSER_VARIABLE) == "1"


def pytest_configure(config: pytest.Config) -> None:
    # Registered here (pyproject.toml carries the same line once the lead adds it).
    config.addinivalue_line(
        "markers", "hub: starts a real JupyterHub, system users and a PostgreSQL server (root)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Iterator[None]:
    """A hub test that skips while the hub tests are required fails, saying why it skipped."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and hub_required() and item.get_closest_marker("hub") \
            and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        reason = str(reason).removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = f"{REQUIRE_VARIABLE}=1 (or CI=true) but this hub test skipped: {reason}"


@pytest.fixture(scope="session")
def hub_available() -> None:
    """Skip (or, under CI or SOURCEWISE_REQUIRE_HUB=1, fail) when the hub cannot run here."""
    reason = missing()
    if reason is None:
        return
    if hub_required():
        pytest.fail(f"hub tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"hub tests skipped: {reason}")
