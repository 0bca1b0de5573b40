"""Do lessons 04–06 hold together: points, graded cells, rubrics, gates, and clean runs?"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from sourcewise.grading.lesson_keys import BEGIN, sync_cell
from sourcewise.lessons import LESSONS_DIR

LESSONS = ["04-framing", "05-weighing", "06-capstone"]
TASKS = {"04-framing": ["framing.naming", "framing.devices"],
         "05-weighing": ["weighing.calibration"],
         "06-capstone": ["capstone.reliance"]}


def load(lesson: str) -> dict:
    return json.loads((LESSONS_DIR / f"{lesson}.ipynb").read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def graded(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if nbgrader(c).get("grade")]


def text_of(lesson: str) -> str:
    return "\n".join(source(c) for c in load(lesson)["cells"])


@pytest.mark.parametrize("lesson", LESSONS)
def test_notebook_is_valid_python3_and_has_no_outputs(lesson: str) -> None:
    nb = nbformat.read(LESSONS_DIR / f"{lesson}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("lesson", LESSONS)
def test_grade_ids_carry_the_lesson_prefix_and_points_add_up_to_the_header(lesson: str) -> None:
    nb = load(lesson)
    ids = [nbgrader(c)["grade_id"] for c in nb["cells"] if nbgrader(c)]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(f"l{lesson[:2]}-") for i in ids)
    header = source(nb["cells"][0])
    total = float(re.search(r"\*\*Total: (\d+(?:\.\d+)?) points\*\*", header).group(1))
    assert sum(float(nbgrader(c)["points"]) for c in graded(nb)) == total


def test_grade_ids_are_unique_across_lessons_4_to_6() -> None:
    ids = [nbgrader(c)["grade_id"] for lesson in LESSONS for c in load(lesson)["cells"]
           if nbgrader(c)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("lesson", LESSONS)
def test_header_gives_25_to_45_minutes_and_a_content_note_follows(lesson: str) -> None:
    nb = load(lesson)
    match = re.search(r"About (\d+)(?:–(\d+))? minutes", source(nb["cells"][0]))
    low, high = int(match.group(1)), int(match.group(2) or match.group(1))
    assert 25 <= low <= high <= 45
    assert any("Content note" in source(c) for c in nb["cells"][:6])


@pytest.mark.parametrize("lesson", LESSONS)
def test_setup_cell_is_the_first_code_cell_and_locked(lesson: str) -> None:
    first = next(c for c in load(lesson)["cells"] if c["cell_type"] == "code")
    assert f'from sourcewise.widgets import Lesson\nlesson = Lesson("{lesson}")' in source(first)
    assert nbgrader(first).get("locked") is True


@pytest.mark.parametrize("lesson", LESSONS)
def test_graded_widget_cells_name_their_task_and_their_hidden_block_is_current(
        lesson: str) -> None:
    tasks = []
    for cell in graded(load(lesson)):
        if cell["cell_type"] != "code":
            continue
        spec = cell["metadata"]["sourcewise"]
        tasks.append(spec["task"])
        visible = source(cell).split(BEGIN)[0]
        assert f'lesson.self_score("{spec["question"]}", "{spec["task"]}"' in visible
        assert nbgrader(cell)["locked"] is True
        assert not sync_cell(copy.deepcopy(cell), lesson), "run sourcewise.grading.lesson_keys"
    assert tasks == TASKS[lesson]


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_free_text_answer_follows_a_three_level_rubric_with_examples(lesson: str) -> None:
    cells = load(lesson)["cells"]
    answers = [i for i, c in enumerate(cells) if nbgrader(c).get("solution")]
    assert answers, "each lesson has at least one rubric-graded answer"
    for i in answers:
        assert cells[i]["cell_type"] == "markdown" and nbgrader(cells[i])["grade"]
        assert nbgrader(cells[i - 1]).get("locked") is True
        rubric = source(cells[i - 1])
        for level in ("Proficient", "Emergent", "Basic"):
            assert f"| {level} |" in rubric and f"*{level}:*" in rubric


def test_framing_lesson_labels_the_accounts_as_constructed_and_charts_with_plotly() -> None:
    text = text_of("04-framing")
    assert "constructed teaching texts" in text and "(constructed)" in text
    assert "load_accounts(" in text and "import plotly.express" in text
    assert "Entman" in text and "Due to" in text


def test_weighing_lesson_asks_before_and_after_and_hides_the_reveal_until_answered() -> None:
    cells = load("05-weighing")["cells"]
    text = text_of("05-weighing")
    assert '"conf_before", claim_ids,' in text and '"conf_after", claim_ids, task=' in text
    assert "calibration_claims(lesson.key)" in text
    reveal = next(c for c in cells if ".reveal()" in source(c))
    assert reveal["metadata"]["jupyter"]["source_hidden"] is True
    assert "Not yet" in source(reveal)
    assert ".brier()" in text and ".reliability_figure()" in text
    for fact in ("18 December 2014", "8 August 2014", "23 September 2014", "1,500–2,000",
                 "four and a half months", "Yazidi leader"):
        assert fact in text


def test_capstone_compares_with_the_orientation_pre_assessment() -> None:
    text = text_of("06-capstone")
    assert 'lesson.saved_answer("00-orientation", "pre_trust")' in text
    assert "No first read from lesson 0 was found" in text


# --- Running the notebooks -----------------------------------------------------------------

def execute(path: Path) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def errors_and_stderr(nb: nbformat.NotebookNode) -> list[str]:
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error" or (out.output_type == "stream"
                                              and out.name == "stderr"):
                found.append(str(out.get("ename") or out.get("text"))[:200])
    return found


def stdout_of(nb: nbformat.NotebookNode) -> str:
    return "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs if o.output_type == "stream")


def key_answers(folder: Path) -> None:
    """Answers files for lessons 04–06 as the expert key would give them, plus a lesson-0 read."""
    from sourcewise.grading.task_keys import task_key
    from sourcewise.seeds import load_article
    from sourcewise.widgets.answer_store import AnswerStore, answers_path

    article = load_article()

    def spans(task_id: str) -> dict:
        return {"mode": "spans", "marks": [
            {"unit": article.unit_at(s["start"]).id, "start": s["start"], "end": s["end"],
             "label": s["labels"][0]} for s in task_key(task_id)["spans"]]}

    def save(lesson: str, answers: dict) -> None:
        store = AnswerStore(answers_path(lesson, folder))
        for question, value in answers.items():
            store.set(question, value, fingerprint=article.fingerprint)

    outcomes = task_key("weighing.calibration")["outcomes"]
    sure = {c: {"p": {"true": 100.0, "false": 0.0}.get(o, 50.0), "reason": "key"}
            for c, o in outcomes.items()}
    first_read = {"mode": "units", "marks": [
        {"unit": u.id, "start": u.start, "end": u.end, "label": "would trust"}
        for u in article.units]}
    save("04-framing", {"naming": spans("framing.naming"), "devices": spans("framing.devices")})
    save("05-weighing", {"conf_before": sure, "conf_after": sure})
    save("06-capstone", {"reliance": spans("capstone.reliance")})
    save("00-orientation", {"pre_trust": first_read})


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS)
def test_untouched_lesson_runs_top_to_bottom_in_a_fresh_kernel(lesson: str, tmp_path: Path,
                                                                monkeypatch) -> None:
    monkeypatch.setenv("SOURCEWISE_READ_ONLY", "1")
    shutil.copy(LESSONS_DIR / f"{lesson}.ipynb", tmp_path)
    nb = execute(tmp_path / f"{lesson}.ipynb")
    assert errors_and_stderr(nb) == []
    for cell in nb.cells:
        if nbgrader(cell).get("grade") and cell.cell_type == "code":
            result = next(o for o in cell.outputs if o.output_type == "execute_result")
            assert result.data["text/plain"] == "0.0", "an unanswered task scores 0"
    assert not (tmp_path / "answers").exists(), "a headless run must not write answers"
    if lesson == "05-weighing":
        assert "Not yet: no judgements from step 3 are saved" in stdout_of(nb)
    if lesson == "06-capstone":
        assert "No first read from lesson 0 was found" in stdout_of(nb)


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS)
def test_the_key_s_own_answers_earn_full_points(lesson: str, tmp_path: Path,
                                                monkeypatch) -> None:
    monkeypatch.delenv("SOURCEWISE_READ_ONLY", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    key_answers(tmp_path)
    shutil.copy(LESSONS_DIR / f"{lesson}.ipynb", tmp_path)
    nb = execute(tmp_path / f"{lesson}.ipynb")
    assert errors_and_stderr(nb) == []
    for cell in nb.cells:
        if nbgrader(cell).get("grade") and cell.cell_type == "code":
            result = next(o for o in cell.outputs if o.output_type == "execute_result")
            assert float(result.data["text/plain"]) == pytest.approx(nbgrader(cell)["points"])
    if lesson == "05-weighing":
        shown = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                 if "text/markdown" in o.get("data", {})]
        assert any("What later reporting showed" in o.data["text/markdown"] for o in shown)
    if lesson == "06-capstone":
        assert "No first read" not in stdout_of(nb)


@pytest.mark.slow
@pytest.mark.nbgrader
def test_generated_releases_hold_no_key_and_run_to_the_end(tmp_path: Path) -> None:
    (tmp_path / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(tmp_path)!r}\n"
        f"c.Exchange.root = {str(tmp_path / 'exchange')!r}\n", encoding="utf-8")
    for lesson in LESSONS:
        (tmp_path / "source" / lesson).mkdir(parents=True)
        shutil.copy(LESSONS_DIR / f"{lesson}.ipynb", tmp_path / "source" / lesson)
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", lesson,
                        "--force", "--no-db"], cwd=tmp_path, check=True, capture_output=True)
        release = tmp_path / "release" / lesson / f"{lesson}.ipynb"
        text = release.read_text(encoding="utf-8")
        for secret in ("BEGIN HIDDEN TESTS", "KEY =", "grade_item", "Example answer at the"):
            assert secret not in text, (lesson, secret)
        nb = execute(release)
        assert errors_and_stderr(nb) == [], lesson
