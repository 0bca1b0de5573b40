"""Does any lesson show an expert reason or a later outcome before the student has acted?

Each lesson (the nbgrader source notebook with its hidden tests taken out, as in the student's
release) runs top to bottom in a fresh kernel on an empty answers folder, read-only, as "Run
All" does before a student has done anything; nothing it prints or displays, widgets' state
included, may hold a "Why:", a later outcome, or any rationale of the expert key. For lesson 5
a fixture pair follows: every slider set but not locked (still nothing), then locked (now the
record is shown).

The second half reads the notebooks' text instead of their output: what a student can read
without doing anything (markdown outside a ``<details>`` block, the explicit act of opening
it, and every code cell's source, collapsed or not, without hidden tests and without the
instructor's example answers) may not hold the original's outlet or author before lesson 3's
trace, a scored outcome of lesson 5, a verdict of lesson 6 on one of its task sentences, or
a worked example on a claim of lesson 1's task sentences.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from sourcewise.grading.task_keys import VERDICT_LABELS, calibration_claims
from sourcewise.lessons import LESSONS_DIR, lesson_ids
from sourcewise.lessons.lesson_keys import BEGIN, END
from sourcewise.seeds import load_accounts, load_article, load_key
from sourcewise.seeds.task_settings import load_task_settings

# The sentences lesson 1's focused task asks about (the seed's tasks.json).
FOCUS_UNITS = load_task_settings("isis-morale-2014").focus_units

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


# --- The notebooks' text, before the student acts ---------------------------------------
DETAILS = re.compile(r"<details>.*?</details>", re.DOTALL)
# The trace (lesson 3) finds these; until then no lesson may name them.
ORIGINAL = ("Financial Times", "Erika Solomon", "Solomon", "CNBC", "Beirut")


def visible(lesson: str) -> str:
    cells = json.loads((LESSONS_DIR / f"{lesson}.ipynb").read_text(encoding="utf-8"))["cells"]
    parts = []
    for cell in cells:
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                continue  # the instructor's example answer: the student's copy is empty
            parts.append(DETAILS.sub("", text))
        else:
            head, _, rest = text.partition(BEGIN)
            parts.append(head + rest.partition(END)[2])
    return "\n".join(parts)


def sentences(text: str) -> list[str]:
    # Paragraphs and list items end a sentence too; within them lines are wrapped prose.
    blocks = re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.|\|) )", text)
    return [s for b in blocks for s in re.split(r"(?<=[.!?;:])\s+", re.sub(r"\s+", " ", b))]


def test_the_reader_sees_the_lessons_without_the_answers_inside_details() -> None:
    """Fixture pair on lesson 3: the findings exist in the notebook, but only behind an act."""
    raw = (LESSONS_DIR / "03-corroboration.ipynb").read_text(encoding="utf-8")
    assert "Erika Solomon" in raw
    assert "Erika Solomon" not in visible("03-corroboration")


@pytest.mark.parametrize("lesson", [x for x in lesson_ids() if x < "04"])
def test_no_lesson_names_the_original_before_the_trace(lesson: str) -> None:
    text = visible(lesson)
    assert [w for w in ORIGINAL if w in text] == []


def test_lesson_1_works_no_example_on_a_task_sentence() -> None:
    key = load_key()
    text = re.sub(r"\s+", " ", visible("01-claims"))
    quoted = [c["id"] for c in key.claims
              if c["unit"] in FOCUS_UNITS and len(c["span"]["text"]) >= 20
              and c["span"]["text"] in text]
    assert quoted == []


def test_lesson_5_shows_no_scored_outcome_before_the_lock() -> None:
    key = load_key()
    text = visible("05-weighing")
    scored = [key.claim(c) for c in calibration_claims(key)
              if key.claim(c)["later_reporting"]["outcome"] in ("true", "false")]
    assert scored, "with no scored claim this test would prove nothing"
    for claim in scored:
        assert claim["later_reporting"]["summary"][:50] not in text
        # No sentence may pair a scored claim's words with a verdict on them.
        for sentence in sentences(text):
            if claim["span"]["text"][:25] in sentence:
                assert not re.search(r"\b(true|false|settled|documented|firm)\b", sentence), (
                    claim["id"], sentence)
    assert "Settled: true" not in text and "Settled: false" not in text


def test_lesson_6_states_no_verdict_on_its_task_sentences_before_the_check() -> None:
    key = load_key()
    units = {v["unit"] for v in key.data["article_level"]["verdicts"]}
    cues = [*VERDICT_LABELS.values(), "used as stated", "with its source", "not as stated",
            "well documented", "say more than the record"]
    hits = [s for s in sentences(visible("06-capstone"))
            if any(re.search(rf"\b{u}\b", s) for u in units) and any(c in s for c in cues)]
    assert hits == []
