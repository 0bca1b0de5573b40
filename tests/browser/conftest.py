"""Fixtures for the real-browser tests: one JupyterLab server and one Chromium per session."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lab_driver import (
    LabServer,
    NotebookPage,
    chromium,
    chromium_missing,
    clean_answers,
    start_lab,
    write_notebooks,
)

REQUIRE_VARIABLE = "SOURCEWISE_REQUIRE_BROWSER"


@pytest.fixture(scope="session")
def browser_available() -> None:
    """Skip (or, when CI requires the browser, fail) if Chromium or Playwright is missing."""
    reason = chromium_missing()
    if reason is None:
        return
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{REQUIRE_VARIABLE}=1 but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def lab(browser_available: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab serving a temp folder that holds one test notebook per widget."""
    root = tmp_path_factory.mktemp("lab-root")
    write_notebooks(root)
    server = start_lab(root, tmp_path_factory.mktemp("lab-home"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(browser_available: None) -> Iterator[Any]:
    with chromium() as instance:
        yield instance


@pytest.fixture
def open_notebook(lab: LabServer, browser: Any, tmp_path: Path) -> Iterator[Any]:
    """``open_notebook("annotator-units")`` → a NotebookPage on a fresh answers folder.

    After the test: a screenshot of the page lands in ``tmp_path`` if the test did not take
    one, the page closes and every session is deleted (kernels outlive closed pages).
    """
    clean_answers(lab)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    pages: list[NotebookPage] = []
    errors: list[str] = []

    def _open(name: str) -> NotebookPage:
        page = context.new_page()
        page.on("pageerror", lambda err: errors.append(str(err)))
        nb = NotebookPage(page, lab, name).open()
        pages.append(nb)
        return nb

    try:
        yield _open
        assert not errors, f"JavaScript errors in the page: {errors}"
    finally:
        for nb in pages:
            if not list(tmp_path.glob("*.png")):
                with contextlib.suppress(Exception):
                    nb.page.screenshot(path=str(tmp_path / f"{nb.name}-end.png"))
        context.close()
        lab.delete_sessions()


@pytest.fixture(scope="session")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots a person should look at go: ``$SOURCEWISE_ARTEFACTS`` or the
    session's pytest temp folder (``…/pytest-of-<user>/pytest-N/artefacts``)."""
    chosen = os.environ.get("SOURCEWISE_ARTEFACTS")
    folder = Path(chosen) if chosen else tmp_path_factory.getbasetemp() / "artefacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
