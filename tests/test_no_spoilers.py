"""Does any lesson show an expert reason or a later outcome before the student has acted?

Each lesson (the nbgrader source notebook with its hidden tests taken out, as in the student's
release) runs top to bottom in a fresh kernel on an empty answers folder, read-only, as "Run
All" does before a student has done anything; nothing it prints or displays, widgets' state
included, may hold a "Why:", a later outcome, or any rationale of the expert key. For lesson 5
a fixture pair follows: every slider set but not locked (still nothing), then locked (now the
record is shown).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import nbformat
import pytest

from sourcewise.lessons import LESSONS_DIR, lesson_ids
from sourcewise.lessons.lesson_keys import BEGIN, END
from sourcewise.seeds import load_accounts, load_article, load_key

pytestmark = pytest.mark.slow

# Words that only feedback or the record uses.
SPOILER_WORDS = ("Why:", "Later reporting:", "What the documented record shows",
                 "Brier score 0", "later reporting showed it")


def key_texts() -> list[str]:
    """Every rationale of the key, every later-reporting summary, every alignment note."""
    key = load_key()
    found = []
    for group in (key.claims, key.sources, key.framing):
        for item in group:
            found.append(item.get("rationale"))
            found.append((item.get("later_reporting") or {}).get("summary"))
    for account in load_accounts():
        found += [entry.get("note") for entry in account.data.get("alignment", {}).values()]
    # Long texts only: a few words could be ordinary prose of the lesson.
    return sorted({s for s in found if isinstance(s, str) and len(s) >= 60})


def run(lesson: str, folder: Path) -> nbformat.NotebookNode:
    """Run All of the lesson as the student has it: the instructor's hidden tests left out."""
    from nbclient import NotebookClient

    nb = nbformat.read(LESSONS_DIR / f"{lesson}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and BEGIN in cell.source:
            head, _, rest = cell.source.partition(BEGIN)
            cell.source = head + rest.partition(END)[2]
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def shown(nb: nbformat.NotebookNode) -> str:
    """Everything the run put in front of the student: outputs and the widgets' state."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts += [v if isinstance(v, str) else json.dumps(v)
                      for v in out.get("data", {}).values()]
            parts.append(out.get("evalue", ""))
    parts.append(json.dumps(nb.metadata.get("widgets", {}), ensure_ascii=False))
    return "\n".join(parts)


def spoilers(text: str) -> list[str]:
    return [w for w in SPOILER_WORDS if w in text] + [t[:70] for t in key_texts() if t in text]


def read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as a headless run does: nothing written, self-study feedback."""
    monkeypatch.setenv("SOURCEWISE_READ_ONLY", "1")
    monkeypatch.delenv("SOURCEWISE_MODE", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


@pytest.mark.parametrize("lesson", lesson_ids())
def test_run_all_before_any_answer_shows_no_reason_and_no_outcome(
        lesson: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read_only(monkeypatch)
    nb = run(lesson, tmp_path)
    text = shown(nb)
    assert text.strip(), "the run showed nothing at all: the check would prove nothing"
    assert spoilers(text) == []
    assert not (tmp_path / "answers").exists()


def save_step3(folder: Path, value: dict[str, Any]) -> None:
    from sourcewise.grading.task_keys import calibration_claims
    from sourcewise.widgets.answer_store import AnswerStore, answers_path

    for name in ("SOURCEWISE_READ_ONLY", "NBGRADER_EXECUTION"):
        assert name not in os.environ, "save before the run is made read-only"
    store = AnswerStore(answers_path("05-weighing", folder))
    store.set("conf_after", {c: {"p": 50.0, "reason": "no idea"}
                             for c in calibration_claims(load_key())} | value,
              fingerprint=load_article().fingerprint)


def test_weighing_with_every_slider_set_but_not_locked_still_shows_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_step3(tmp_path, {})
    read_only(monkeypatch)
    text = shown(run("05-weighing", tmp_path))
    assert spoilers(text) == []
    assert "your step-3 answers are not locked" in text
    assert "Not scored yet" in text and "No scores yet" in text and "No chart yet" in text


def test_weighing_once_locked_shows_the_record_score_and_chart(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_step3(tmp_path, {"frozen": True})
    read_only(monkeypatch)
    nb = run("05-weighing", tmp_path)
    text = shown(nb)
    assert "What the documented record shows" in text
    assert "Later reporting:" in text  # beside each claim, in the step-3 widget
    assert "average Brier score 0.25" in text  # 50 % everywhere, as the lesson says
    assert "application/vnd.plotly.v1+json" in json.dumps([c.get("outputs", []) for c in nb.cells])
