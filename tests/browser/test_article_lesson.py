"""A lesson generated for an article the repository never shipped, used in the real lab: the
student marks a claim with the mouse, the answer is saved beside the notebook, and "Check my
answer" explains it (issue 11)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from lab_driver import NotebookPage, start_lab, wait_until

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the article helpers

from article_author import author_key, scaffold

from sourcewise.grading.editions.lab import open_lab

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def saved_marks(path: Path) -> list[dict[str, Any]]:
    try:
        answers = json.loads(path.read_text(encoding="utf-8"))["answers"]
    except (OSError, ValueError, KeyError):
        return []
    return [mark for entry in answers.values() if isinstance(entry.get("value"), dict)
            for mark in entry["value"].get("marks", []) if isinstance(mark, dict)]


def test_generated_claims_lesson_in_the_lab(browser: Any, tmp_path: Path) -> None:
    article = scaffold(tmp_path / "levee")
    author_key(article)
    work = tmp_path / "work"
    assert open_lab(work, prepare_only=True, article=article) == 0
    lesson = next(p.stem for p in sorted(work.glob("01-*.ipynb")))
    server = start_lab(work, tmp_path / "home")
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    try:
        nb = NotebookPage(context.new_page(), server, lesson).open()
        nb.run_all(ready=".sw-token[data-start]")
        words = nb.widget().locator("[data-unit-id='S1'] .sw-token")
        assert words.count() >= 3
        words.nth(0).click()
        words.nth(2).click(modifiers=["Shift"])
        nb.page.keyboard.press("1")
        answers = work / "answers" / f"{lesson}.json"
        marks = wait_until(lambda: saved_marks(answers), 15, f"a mark saved in {answers.name}")
        assert [m["unit"] for m in marks] == ["S1"]
        assert marks[0]["end"] > marks[0]["start"]
        nb.widget().locator("button.sw-check").click()
        feedback = nb.widget().locator(".sw-feedback")
        feedback.wait_for(timeout=15000)
        assert feedback.inner_text().strip()
        nb.page.screenshot(path=str(tmp_path / "generated-claims-lesson.png"))
    finally:
        context.close()
        server.delete_sessions()
        server.stop()
