"""Do the seven lessons hold together: points, graded cells, rubrics, runs and releases?"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from sourcewise.lessons import LESSONS_DIR, lesson_ids
from sourcewise.lessons.lesson_keys import BEGIN, sync_cell

LESSONS = lesson_ids()
# The autograded widget tasks of each lesson, in notebook order.
TASKS = {"00-orientation": [],
         "01-claims": ["claims.focused"],
         "02-sources": ["sources.links", "sources.ratings"],
         "03-corroboration": ["corroboration.matrix", "corroboration.search"],
         "04-framing": ["framing.naming", "framing.devices"],
         "05-weighing": ["weighing.calibration"],
         "06-capstone": ["capstone.verdicts"]}


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


def test_the_lessons_are_the_seven_of_the_course() -> None:
    assert list(TASKS) == LESSONS


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
def test_grade_ids_carry_the_lesson_prefix(lesson: str) -> None:
    ids = [nbgrader(c)["grade_id"] for c in load(lesson)["cells"] if nbgrader(c)]
    assert [i for i in ids if not i.startswith(f"l{lesson[:2]}-")] == []


def test_grade_ids_are_unique_across_all_lessons() -> None:
    ids = [nbgrader(c)["grade_id"] for lesson in LESSONS for c in load(lesson)["cells"]
           if nbgrader(c)]
    assert len(ids) == len(set(ids))


# Lesson 3's core is still over 45 minutes by the calibrated model (issue 24): reading six
# accounts, a matrix, a search and a written answer do not fit without shorter accounts or a
# split lesson. Its header states the model's figure honestly; this marks the gap as known.
OVER_TIME = {"03-corroboration"}


@pytest.mark.parametrize("lesson", [pytest.param(x, marks=pytest.mark.xfail(
    strict=True, reason="core over 45 minutes, issue 24")) if x in OVER_TIME else x
    for x in LESSONS])
def test_header_gives_25_to_45_minutes_and_a_content_note_follows(lesson: str) -> None:
    nb = load(lesson)
    match = re.search(r"About (\d+)(?:–(\d+))? minutes", source(nb["cells"][0]))
    low, high = int(match.group(1)), int(match.group(2) or match.group(1))
    assert 25 <= low <= high <= 45  # tests/bench/lesson_times.py prints the estimate behind it
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
        assert not sync_cell(copy.deepcopy(cell), lesson), "run the lesson_keys module"
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


def test_source_linker_rows_match_the_graded_claims() -> None:
    nb = load("02-sources")
    widget = next(source(c) for c in nb["cells"] if "lesson.source_linker(" in source(c))
    shown = re.findall(r'"(C\d\d)"', widget)
    links = next(c for c in graded(nb) if c.get("metadata", {}).get("sourcewise", {}).get(
        "task") == "sources.links")
    assert shown == links["metadata"]["sourcewise"]["claims"]
    assert 8 <= len(shown) <= 14


def test_corroboration_lesson_uses_the_key_s_matrix_claims_and_says_constructed() -> None:
    text = text_of("03-corroboration")
    from sourcewise.grading.task_keys import matrix_claims
    from sourcewise.seeds import load_key

    nb = load("03-corroboration")
    widget = next(source(c) for c in nb["cells"] if "lesson.comparison(" in source(c)
                  and "task=" in source(c) and "heatmap" not in source(c))
    rows = re.findall(r'"(C\d\d)"', widget)
    graded_cell = next(c for c in graded(nb) if c.get("metadata", {}).get("sourcewise", {}).get(
        "task") == "corroboration.matrix")
    # The widget's rows are the graded rows, chosen from the claims the accounts speak to.
    assert rows == graded_cell["metadata"]["sourcewise"]["claims"] == ["C01", "C23"]
    assert set(rows) <= set(matrix_claims(load_key()))
    assert "Constructed for teaching" in text and "fictional" in text
    assert "Erika Solomon" in text and "20 December 2014" in text


def test_every_competing_account_is_labelled_constructed() -> None:
    """The data says so, and lesson 03 prints each account's label where it lists them."""
    from sourcewise.seeds import load_accounts

    accounts = load_accounts("isis-morale-2014")
    assert len(accounts) >= 5
    for account in accounts:
        assert account.data["constructed"] is True, account.id
        assert account.data["outlet_is_fictional"] is True, account.id
        assert "Constructed" in account.label, account.id
        assert account.data["date"].startswith("2014-12-"), account.id
    listing = next(source(c) for c in load("03-corroboration")["cells"]
                   if c["cell_type"] == "code" and "load_accounts(" in source(c))
    assert "account.label" in listing


def test_framing_lesson_labels_the_accounts_as_constructed_and_charts_with_plotly() -> None:
    text = text_of("04-framing")
    assert "constructed teaching texts" in text and "(constructed)" in text
    assert "load_accounts(" in text and "import plotly.graph_objects" in text
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
    # The record the reveal shows is read from the key after the lock; the notebook itself
    # holds none of it, so expanding the collapsed cell before the lock gives nothing away.
    from sourcewise.grading.task_keys import calibration_claims
    from sourcewise.seeds import load_key

    key = load_key()
    record = " ".join(key.claim(c)["later_reporting"]["summary"]
                      for c in calibration_claims(key))
    for fact in ("17 May 2015", "18 August 2015", "1,500 and 2,000", "2 October 2014",
                 "UPI", "116 foreign fighters"):
        assert fact in record
        assert fact not in source(reveal)


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
    """Write into folder/answers what the expert key answers (a perfect student's files).

    Lessons 01–06 get the key's answers; lesson 00 gets a first read (every unit "would
    trust") so that the capstone finds a pre-assessment to compare with.
    """
    from sourcewise.grading.task_keys import task_key
    from sourcewise.seeds import load_article, load_key
    from sourcewise.widgets.answer_store import AnswerStore, answers_path

    article, key = load_article(), load_key()

    def spans(task_id: str) -> dict:
        return {"mode": "spans", "marks": [
            {"unit": article.unit_at(s["start"]).id, "start": s["start"], "end": s["end"],
             "label": s["labels"][0]} for s in task_key(task_id)["spans"]
            if s.get("role") != "ignore" and s.get("required", True)]}

    def grid(task_id: str) -> dict:
        rows: dict = {}
        for item, spec in task_key(task_id)["items"].items():
            row, column = item.split("|")
            rows.setdefault(row, {})[column] = spec["choice"]
        return rows

    def save(lesson: str, answers: dict) -> None:
        store = AnswerStore(answers_path(lesson, folder))
        for question, value in answers.items():
            store.set(question, value, fingerprint=article.fingerprint)

    links = {c["id"]: {"source": c["source"]} for c in key.claims}
    outcomes = task_key("weighing.calibration")["outcomes"]
    sure = {c: {"p": {"true": 100.0, "false": 0.0}.get(o, 50.0), "reason": "key"}
            for c, o in outcomes.items()}
    first_read = {"mode": "units", "marks": [
        {"unit": u.id, "start": u.start, "end": u.end, "label": "would trust"}
        for u in article.units]}
    save("00-orientation", {"pre_trust": first_read})
    save("01-claims", {"claims_check": spans("claims.focused")})
    save("02-sources", {"source_links": {"links": links, "ratings": grid("sources.ratings")}})
    save("03-corroboration", {"corroboration_matrix": {"matrix": grid("corroboration.matrix")},
                              "lateral_search": {i: spec["choice"] for i, spec in
                                                 task_key("corroboration.search")["items"].items()}})
    save("04-framing", {"naming": spans("framing.naming"), "devices": spans("framing.devices")})
    save("05-weighing", {"conf_before": sure, "conf_after": {**sure, "frozen": True}})  # locked
    save("06-capstone", {"verdicts": spans("capstone.verdicts")})


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


# --- The student release (nbgrader) ---------------------------------------------------------

@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A temp nbgrader course holding every lesson, released with one generate_assignment."""
    root = tmp_path_factory.mktemp("course")
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(root)!r}\n"
        f"c.Exchange.root = {str(root / 'exchange')!r}\n", encoding="utf-8")
    for lesson in LESSONS:
        (root / "source" / lesson).mkdir(parents=True)
        shutil.copy(LESSONS_DIR / f"{lesson}.ipynb", root / "source" / lesson)
    done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "*",
                           "--force", "--no-db"], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return root


def release_copy(course: Path, lesson: str, folder: Path) -> Path:
    """An untouched copy of a lesson's student release, alone in folder."""
    release = course / "release" / lesson / f"{lesson}.ipynb"
    assert release.is_file(), f"generate_assignment made no release of {lesson}"
    shutil.copy(release, folder)
    return folder / release.name


def key_texts() -> list[str]:
    """The key's explanations: rationales, paraphrases, later-reporting summaries, statements."""
    from sourcewise.seeds.article import article_dir

    key = json.loads((article_dir("isis-morale-2014") / "key.json").read_text(encoding="utf-8"))
    found: list[str] = []

    def walk(value: object, name: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, name)
        elif isinstance(value, str) and name in ("rationale", "paraphrase", "summary",
                                                 "statement"):
            found.append(value)

    walk(key)
    return found


def nbgrader_validate(path: Path) -> tuple[dict, nbformat.NotebookNode]:
    """What `nbgrader validate` finds in a notebook (nbgrader's Python API), and the run it made."""
    from nbconvert.preprocessors import Preprocessor
    from nbgrader.validator import Validator

    class KeepRun(Preprocessor):
        def preprocess(self, nb, resources):
            self.parent.run = nb
            return nb, resources

    validator = Validator()
    validator.preprocessors = [*validator.preprocessors, KeepRun]
    saved = {name: os.environ.get(name) for name in ("NBGRADER_EXECUTION", "NBGRADER_VALIDATING")}
    try:
        return validator.validate(str(path)), validator.run
    finally:  # nbgrader's setenv does not restore these if the run raises
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.mark.slow
@pytest.mark.nbgrader
@pytest.mark.parametrize("lesson", LESSONS)
def test_release_holds_no_solution_no_hidden_test_and_no_key(lesson: str, course: Path,
                                                             tmp_path: Path) -> None:
    path = release_copy(course, lesson, tmp_path)
    text = path.read_text(encoding="utf-8")
    for secret in ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "KEY =", "grade_item",
                   "### BEGIN SOLUTION", "### END SOLUTION", "Example answer at the"):
        assert secret not in text, (lesson, secret)
    leaked = [t[:60] for t in key_texts() if t in text]
    assert leaked == [], (lesson, leaked)
    released = {nbgrader(c)["grade_id"]: c for c in json.loads(text)["cells"] if nbgrader(c)}
    for cell in graded(load(lesson)):
        copy_ = released[nbgrader(cell)["grade_id"]]
        if nbgrader(cell).get("solution"):
            assert source(copy_).strip() == "YOUR ANSWER HERE", (lesson, source(copy_)[:80])
        else:
            assert source(copy_) == source(cell).split(BEGIN)[0].rstrip("\n")


@pytest.mark.slow
@pytest.mark.nbgrader
@pytest.mark.parametrize("lesson", LESSONS)
def test_release_runs_top_to_bottom_in_a_fresh_kernel(lesson: str, course: Path,
                                                      tmp_path: Path) -> None:
    nb = execute(release_copy(course, lesson, tmp_path))
    assert errors_and_stderr(nb) == [], lesson


@pytest.mark.slow
@pytest.mark.nbgrader
@pytest.mark.parametrize("lesson", LESSONS)
def test_nbgrader_validate_says_an_untouched_release_is_missing_its_answers(
        lesson: str, course: Path, tmp_path: Path) -> None:
    """Every graded item of an untouched release fails validation.

    Free-text answers are reported as "You did not provide a response." Widget tasks fail
    because their cell scores 0: no answer is saved (nbgrader words that as partial credit).
    """
    results, _ = nbgrader_validate(release_copy(course, lesson, tmp_path))
    assert set(results) == {"failed"}, results
    failed = results["failed"]
    items = graded(load(lesson))
    assert len(failed) == len(items)
    free_text = [f for f in failed if f["source"] == "YOUR ANSWER HERE"]
    assert len(free_text) == sum(1 for c in items if nbgrader(c).get("solution"))
    assert all("You did not provide a response." in f["raw_error"] for f in free_text)


@pytest.mark.slow
@pytest.mark.nbgrader
@pytest.mark.parametrize("lesson", LESSONS)
def test_an_answered_release_passes_validate_on_every_widget_task(lesson: str, course: Path,
                                                                  tmp_path: Path) -> None:
    """With the key's answers saved, the Validate button reports only unwritten free text."""
    path = release_copy(course, lesson, tmp_path)
    key_answers(path.parent)
    results, _ = nbgrader_validate(path)
    failed = results.get("failed", [])
    assert all(f["source"] == "YOUR ANSWER HERE" for f in failed), failed
    assert len(failed) == sum(1 for c in graded(load(lesson)) if nbgrader(c).get("solution"))


@pytest.mark.slow
@pytest.mark.nbgrader
@pytest.mark.parametrize("lesson", LESSONS)
def test_solution_notebooks_pass_nbgrader_validate_and_the_key_earns_full_points(
        lesson: str, tmp_path: Path) -> None:
    """The source notebook, with the key's answers files beside it, validates with nothing failed.

    For lessons 01–06 every autograded cell's hidden test gives full points, in the run that
    `nbgrader validate` makes (answers read-only, as when nbgrader grades).
    In lesson 00 the only graded item is the free-text pre-assessment, marked by hand and
    holding its exemplar in the source; nbgrader cannot score it, so "passes" there means the
    notebook runs under `nbgrader validate` with no error and nothing reported failed.
    """
    key_answers(tmp_path)
    shutil.copy(LESSONS_DIR / f"{lesson}.ipynb", tmp_path)
    results, nb = nbgrader_validate(tmp_path / f"{lesson}.ipynb")
    assert results == {}
    assert errors_and_stderr(nb) == []
    scored = [c for c in nb.cells if nbgrader(c).get("grade") and c.cell_type == "code"]
    assert len(scored) == len(TASKS[lesson])
    for cell in scored:
        result = next(o for o in cell.outputs if o.output_type == "execute_result")
        assert float(result.data["text/plain"]) == pytest.approx(nbgrader(cell)["points"])
    if lesson == "05-weighing":
        shown = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                 if "text/markdown" in o.get("data", {})]
        assert any("What the documented record shows" in o.data["text/markdown"] for o in shown)
    if lesson == "06-capstone":
        assert "No first read" not in stdout_of(nb)
