"""The browser edition's site, built once for the lite suite and served on 127.0.0.1."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lite_driver import missing, serve

REQUIRE_VARIABLE = "SOURCEWISE_REQUIRE_LITE"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = missing()
    if reason:
        if os.environ.get(REQUIRE_VARIABLE) == "1":
            pytest.fail(f"{REQUIRE_VARIABLE}=1 but {reason}", pytrace=False)
        pytest.skip(f"lite test skipped: {reason}")
    from sourcewise.grading.editions.lite.site import build_site, site_size

    started = time.monotonic()
    built = build_site(tmp_path_factory.mktemp("lite") / "site")
    print(f"\nlite build: {time.monotonic() - started:.1f} s, {site_size(built) / 1e6:.0f} MB")
    return built


@pytest.fixture(scope="session")
def served(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url
