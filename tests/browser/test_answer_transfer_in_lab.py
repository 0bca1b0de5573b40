"""All my answers in one file, in a real JupyterLab: the download button gives a file, and
loading that file in another folder (another device) brings the marks and written answers back;
a bad file is refused on screen and changes nothing."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import nbformat
import pytest
from lab_driver import LESSON, LabServer, saved_answers

from sourcewise.grading.answer_bundle import PLACEHOLDER, read_bundle
from sourcewise.grading.task_keys import task
from sourcewise.seeds import load_article

pytestmark = pytest.mark.browser

ARTICLE = load_article()
TRANSFER = "button.sw-download"
UNITS_READY = "[data-unit-id='S14']"
WRITTEN = "Attribution tells me whom to check."


def notebook(path: Path, cells: list[Any]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = cells
    nbformat.write(nb, path)


def lesson_folder(lab: LabServer, name: str, written: str) -> Path:
    """A folder like a student's: a lesson notebook (widget + written-answer cell) and a
    notebook with the transfer widget."""
    folder = lab.root / f"{name}-{uuid.uuid4().hex[:6]}"
    folder.mkdir()
    answer = nbformat.v4.new_markdown_cell(written)
    answer.metadata["nbgrader"] = {"grade": True, "grade_id": "why_text", "locked": False,
                                   "points": 2, "schema_version": 3, "solution": True,
                                   "task": False}
    notebook(folder / f"{LESSON}.ipynb", [
        nbformat.v4.new_code_cell(f'from sourcewise.widgets import Lesson\nlesson = Lesson('
                                  f'"{LESSON}")\nlesson.annotator("q_units", '
                                  'task="claims.attribution", mode="units")'), answer])
    notebook(folder / "transfer.ipynb", [nbformat.v4.new_code_cell(
        "from sourcewise.widgets import AnswerTransfer\nAnswerTransfer()")])
    return folder


def marks(first: str, second: str) -> dict[str, Any]:
    return {"mode": "units", "marks": [
        {"unit": u, "start": ARTICLE.unit(u).start, "end": ARTICLE.unit(u).end, "label": label}
        for u, label in (("S1", first), ("S2", second))]}


def written_text(folder: Path) -> str:
    nb = nbformat.read(folder / f"{LESSON}.ipynb", as_version=4)
    return str(nb.cells[1].source)


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts}


def status(widget: Any, words: str) -> str:
    widget.locator(f".sw-transfer-summary:has-text('{words}')").wait_for(timeout=20000)
    return str(widget.locator(".sw-transfer-status").inner_text())


def test_download_then_load_elsewhere_restores_marks_and_written_answers(
        open_notebook: Any, lab: LabServer, tmp_path: Path) -> None:
    first, second = task("claims.attribution").labels
    home = lesson_folder(lab, "transfer-home", WRITTEN)
    (home / "answers").mkdir()
    (home / "answers" / f"{LESSON}.json").write_text(json.dumps({
        "schema_version": 1, "answers": {"q_units": {
            "value": marks(first, second), "fingerprint": ARTICLE.fingerprint,
            "saved": "2031-04-08T10:00:00+00:00"}}}), encoding="utf-8")
    away = lesson_folder(lab, "transfer-away", PLACEHOLDER)

    nb = open_notebook(f"{home.name}/transfer")
    nb.run_all(ready=TRANSFER)
    widget = nb.widget()
    widget.get_by_label("Your name or student ID (optional)").fill("alice")
    with nb.page.expect_download() as info:
        widget.get_by_role("button", name="Download all my answers").click()
    download = info.value
    assert re.fullmatch(r"sourcewise-answers-\d{4}-\d\d-\d\d\.json", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    status(widget, "in the downloaded file")
    bundle = read_bundle(saved)
    assert bundle.student == "alice"
    assert bundle.lessons[LESSON].written == {"why_text": WRITTEN}
    nb.close()

    nb = open_notebook(f"{away.name}/transfer")
    nb.run_all(ready=TRANSFER)
    widget = nb.widget()
    with nb.page.expect_file_chooser() as chooser:
        widget.get_by_role("button", name="Load answers from a file").click()
    chooser.value.set_files(str(saved))
    shown = status(widget, "Loaded")
    assert f"{LESSON}: 1 answer loaded; 1 written answer put into {LESSON}.ipynb." in shown
    assert saved_answers(away / "answers" / f"{LESSON}.json") == {"q_units": marks(first,
                                                                                  second)}
    assert written_text(away) == WRITTEN
    widget.screenshot(path=str(tmp_path / "answer-transfer-loaded.png"))
    live = widget.locator(".sw-live[role='status']")
    assert live.get_attribute("aria-live") == "polite"
    nb.page.wait_for_function("el => el.textContent.includes('Loaded')", arg=live.element_handle())

    # A bad file: refused on screen, nothing changed.
    before = files(away)
    evil = tmp_path / "evil.json"
    evil.write_text(json.dumps({"format": "sourcewise-answers", "version": 1,
                                "article": ARTICLE.id, "lessons": {"../escape": {}}}))
    with nb.page.expect_file_chooser() as chooser:
        widget.get_by_role("button", name="Load answers from a file").click()
    chooser.value.set_files(str(evil))
    shown = status(widget, "was not loaded")
    assert "nothing was changed" in shown and "'../escape', which is not a lesson name" in shown
    assert files(away) == before
    nb.close()

    # The lesson on the other device shows the marks again.
    nb = open_notebook(f"{away.name}/{LESSON}")
    nb.run_all(ready=UNITS_READY)
    pressed = {el.get_attribute("data-unit-id"): el.get_attribute("data-label")
               for el in nb.widget().locator("[data-unit-id][aria-pressed='true']").all()}
    assert pressed == {"S1": first, "S2": second}
    assert WRITTEN in nb.page.locator(".jp-MarkdownCell").last.inner_text()
