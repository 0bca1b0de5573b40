"""The ``hub`` marker: tests that start a real JupyterHub with system users (root only)."""

from __future__ import annotations

import os

import pytest
from hub_driver import missing

REQUIRE_VARIABLE = "SOURCEWISE_REQUIRE_HUB"


def pytest_configure(config: pytest.Config) -> None:
    # Registered here (pyproject.toml carries the same line once the lead adds it).
    config.addinivalue_line(
        "markers", "hub: starts a real JupyterHub, system users and a PostgreSQL server (root)")


@pytest.fixture(scope="session")
def hub_available() -> None:
    """Skip (or, under CI or SOURCEWISE_REQUIRE_HUB=1, fail) when the hub cannot run here."""
    reason = missing()
    if reason is None:
        return
    if os.environ.get(REQUIRE_VARIABLE) == "1" or os.environ.get("CI") == "true":
        pytest.fail(f"hub tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"hub tests skipped: {reason}")
