"""Does ``sourcewise lab`` open without nbgrader's instructor tools, while the instructor's
JupyterLab (the same install) keeps them?

The student lab is started with ``student_lab.lab_command`` and ``lab_environment``, exactly as
``sourcewise lab`` starts it; the instructor's is the plain lab of the other browser tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from lab_driver import LabServer, NotebookPage, start_lab, write_notebooks

pytestmark = pytest.mark.browser

NOTEBOOK = "annotator-units"


@pytest.fixture(scope="module")
def student_lab(browser_available: None,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    work = tmp_path_factory.mktemp("student-work")
    write_notebooks(work)
    server = start_lab(work, tmp_path_factory.mktemp("student-home"), student_lab=True)
    try:
        yield server
    finally:
        server.stop()


def instructor_tools(server: LabServer, browser: Any) -> dict[str, Any]:
    """What of nbgrader's instructor side a notebook page in ``server`` shows."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        NotebookPage(page, server, NOTEBOOK).open()
        page.wait_for_selector(".jp-NotebookPanel-toolbar .jp-KernelName")
        menus = page.locator(".lm-MenuBar-item").all_inner_texts()
        tabs = page.evaluate("Array.from(document.querySelectorAll('.jp-SideBar .lm-TabBar-tab'))"
                             ".map(t => t.dataset.id)")
        toolbar = page.locator(".jp-NotebookPanel-toolbar").inner_text()
        commands = page.evaluate("['nbgrader:open-formgrader', 'nbgrader:open-course-list', "
                                 "'nbgrader:open-create-assignment']"
                                 ".filter(c => window.jupyterapp.commands.hasCommand(c))")
        return {"menu": "Nbgrader" in menus, "create-assignment sidebar":
                "nbgrader-create_assignemnt" in tabs, "validate button": "Validate" in toolbar,
                "commands": commands}
    finally:
        page.close()
        server.delete_sessions()


def test_student_lab_has_no_instructor_tools(student_lab: LabServer, browser: Any) -> None:
    assert instructor_tools(student_lab, browser) == {
        "menu": False, "create-assignment sidebar": False, "validate button": False,
        "commands": []}


def test_instructor_lab_still_has_them(lab: LabServer, browser: Any) -> None:
    """The other half of the pair: the same install, started plainly, shows every tool."""
    assert instructor_tools(lab, browser) == {
        "menu": True, "create-assignment sidebar": True, "validate button": True,
        "commands": ["nbgrader:open-formgrader", "nbgrader:open-course-list",
                     "nbgrader:open-create-assignment"]}
