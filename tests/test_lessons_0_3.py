"""Do lessons 00–03 hold together: points, graded cells, rubrics, and a clean top-to-bottom run?"""

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

LESSONS = ["00-orientation", "01-claims", "02-sources", "03-corroboration"]


def load(lesson: str) -> dict:
    return json.loads((LESSONS_DIR / f"{lesson}.ipynb").read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def graded(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if nbgrader(c).get("grade")]


@pytest.mark.parametrize("lesson", LESSONS)
def test_notebook_is_valid_python3_and_has_no_outputs(lesson: str) -> None:
    nb = nbformat.read(LESSONS_DIR / f"{lesson}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("lesson", LESSONS)
def test_grade_ids_are_unique_and_points_add_up_to_the_header(lesson: str) -> None:
    nb = load(lesson)
    ids = [nbgrader(c)["grade_id"] for c in nb["cells"] if nbgrader(c)]
    assert len(ids) == len(set(ids))
    header = source(nb["cells"][0])
    total = float(re.search(r"\*\*Total: (\d+(?:\.\d+)?) points\*\*", header).group(1))
    assert sum(float(nbgrader(c)["points"]) for c in graded(nb)) == total


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
    assert f'lesson = Lesson("{lesson}")' in source(first)
    assert nbgrader(first).get("locked") is True


@pytest.mark.parametrize("lesson", LESSONS)
def test_graded_widget_cells_name_their_task_and_their_hidden_block_is_current(
        lesson: str) -> None:
    for cell in graded(load(lesson)):
        if cell["cell_type"] != "code":
            continue
        spec = cell["metadata"]["sourcewise"]
        visible = source(cell).split(BEGIN)[0]
        assert f'lesson.self_score("{spec["question"]}", "{spec["task"]}"' in visible
        assert nbgrader(cell)["locked"] is True
        assert not sync_cell(copy.deepcopy(cell), lesson), "run sourcewise.grading.lesson_keys"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_free_text_answer_follows_a_three_level_rubric_with_examples(lesson: str) -> None:
    cells = load(lesson)["cells"]
    answers = [i for i, c in enumerate(cells) if nbgrader(c).get("solution")]
    assert answers, "each lesson has at least one rubric-graded answer"
    for i in answers:
        assert cells[i]["cell_type"] == "markdown" and nbgrader(cells[i])["grade"]
        rubric = source(cells[i - 1])
        for level in ("Proficient", "Emergent", "Basic"):
            assert f"| {level} |" in rubric and f"*{level}:*" in rubric


def test_source_linker_rows_match_the_graded_claims() -> None:
    nb = load("02-sources")
    widget = next(source(c) for c in nb["cells"] if "lesson.source_linker(" in source(c))
    shown = re.findall(r'"(C\d\d)"', widget)
    links = next(c for c in graded(nb) if c.get("metadata", {}).get("sourcewise", {}).get(
        "task") == "sources.links")
    assert shown == links["metadata"]["sourcewise"]["claims"]
    assert 8 <= len(shown) <= 14


def test_corroboration_lesson_uses_the_key_s_matrix_claims_and_says_constructed() -> None:
    text = "\n".join(source(c) for c in load("03-corroboration")["cells"])
    assert "matrix_claims(lesson.key)" in text
    assert "Constructed for teaching" in text and "fictional" in text
    assert "Erika Solomon" in text and "20 December 2014" in text


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


def key_answers(folder: Path) -> None:
    """Write into folder/answers what the expert key answers (a perfect student's file)."""
    from sourcewise.grading.task_keys import task_key
    from sourcewise.seeds import load_article, load_key
    from sourcewise.widgets.answer_store import AnswerStore, answers_path

    article, key = load_article(), load_key()

    def spans(task_id: str) -> dict:
        return {"mode": "spans", "marks": [
            {"unit": article.unit_at(s["start"]).id, "start": s["start"], "end": s["end"],
             "label": s["labels"][0]} for s in task_key(task_id)["spans"]]}

    def grid(task_id: str) -> dict:
        rows: dict = {}
        for item, spec in task_key(task_id)["items"].items():
            row, column = item.split("|")
            rows.setdefault(row, {})[column] = spec["choice"]
        return rows

    claims = AnswerStore(answers_path("01-claims", folder))
    claims.set("claims_attribution", spans("claims.attribution"), fingerprint=article.fingerprint)
    claims.set("claims_verification", spans("claims.verification"),
               fingerprint=article.fingerprint)
    links = {c["id"]: {"source": c["source"]} for c in key.claims}
    AnswerStore(answers_path("02-sources", folder)).set(
        "source_links", {"links": links, "ratings": grid("sources.ratings")},
        fingerprint=article.fingerprint)
    AnswerStore(answers_path("03-corroboration", folder)).set(
        "corroboration_matrix", {"matrix": grid("corroboration.matrix")},
        fingerprint=article.fingerprint)


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


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS[1:])
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
