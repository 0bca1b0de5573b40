"""The skills check in a real nbgrader course: pre and post assignments, each student graded on
their own form, gains.csv and skills.csv, the report and each student's summary page; and the
forms run in the course edition (no key) and in self-study."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from sourcewise.grading.course.autograde.run import autograde_course
from sourcewise.grading.course.course_folder import build_course, init_course
from sourcewise.grading.course.results.export import export_course
from sourcewise.grading.course.results.feedback import feedback_course
from sourcewise.grading.course.results.report import report_course
from sourcewise.grading.demo.simulated_class import SimulatedStudent, write_submission
from sourcewise.lessons.assessment import assessment_paths, form_cells
from sourcewise.lessons.lesson_cells import graded_cells
from sourcewise.seeds import load_article, load_key
from sourcewise.seeds.forms import FORMS, form_article, form_for

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]
SITE = sysconfig.get_paths()["purelib"]
# carol takes A first, alice B first, erin A first (sha256 of the id; see test_assessment_forms).
PLAN = {"carol": ("perfect", "perfect"), "alice": ("empty", "perfect"),
        "erin": ("perfect", None)}
QUALITY = {"perfect": 1.0, "empty": 0.0}
# Handed in on the wrong form: hugo's pre-test is A (he saved answers for B); kim's post-test
# is B, but the answers file under post is her form-A pre-test's.
WRONG = {("hugo", "pre"): "B", ("kim", "post"): "A"}


def _submit(course: Path, student: str, test: str, quality: float, form: str | None = None
            ) -> None:
    """A submission made with the widgets on ``form`` (default: the student's own)."""
    form = form or form_for(student, test)
    taker = next(s for s in ("carol", "alice") if form_for(s, test) == form)
    cells = form_cells(graded_cells(course / "source" / test / f"{test}.ipynb"), taker, test)
    form = form_article(form)
    write_submission(course / "release" / test / f"{test}.ipynb",
                     course / "submitted" / student / test, SimulatedStudent(student, quality),
                     cells, fingerprint=load_article(form).fingerprint)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("skills") / "course"
    assert init_course(folder, [*PLAN, "hugo", "kim"], lessons=assessment_paths()) == 0
    assert build_course(folder) == 0
    for student, (pre, post) in PLAN.items():
        _submit(folder, student, "pre", QUALITY[pre])
        if post is not None:
            _submit(folder, student, "post", QUALITY[post])
    for student in ("hugo", "kim"):
        for test in ("pre", "post"):
            _submit(folder, student, test, 1.0, WRONG.get((student, test)))
    autograde_course(folder, force=True, progress=False)
    assert feedback_course(folder, ["pre", "post"], students=["hugo", "kim"],
                           progress=False) == 0
    assert export_course(folder) == 0
    assert report_course(folder) == 0
    return folder


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def test_course_init_adds_pre_and_post_by_default(tmp_path: Path):
    assert init_course(tmp_path / "c", ["s1"]) == 0
    sources = sorted(p.name for p in (tmp_path / "c" / "source").iterdir())
    assert {"pre", "post"} <= set(sources) and len(sources) == 9


def test_gains_csv_has_hand_computed_gains_and_reasons(course: Path):
    rows = _rows(course / "exports" / "gains.csv")
    assert (rows["carol"]["pre_form"], rows["carol"]["post_form"]) == ("A", "B")
    assert (rows["alice"]["pre_form"], rows["alice"]["post_form"]) == ("B", "A")
    # carol: full marks twice: gain 0, no normalised gain (pre = max), with the reason.
    assert float(rows["carol"]["pre_score"]) == 16.0 and float(rows["carol"]["gain"]) == 0.0
    assert rows["carol"]["normalised_gain"] == ""
    assert rows["carol"]["reason"] == "pre-test at the maximum: no room to gain"
    # alice: nothing, then everything: gain 16, normalised gain 1.
    assert float(rows["alice"]["gain"]) == 16.0 and float(rows["alice"]["normalised_gain"]) == 1
    assert float(rows["alice"]["post_claims"]) == 4.0 and float(rows["alice"]["pre_claims"]) == 0
    # erin: no post-test: an empty gain and the reason, never 0.
    assert rows["erin"]["gain"] == "" and rows["erin"]["post_score"] == ""
    assert rows["erin"]["reason"] == "no post-test submitted"


def test_each_student_is_graded_on_the_form_of_their_id(course: Path):
    """The grade follows the course's student id: form B's answers do not pass form A."""
    from sourcewise.grading.course.autograde.from_answers import LessonGrader

    grader = LessonGrader(course, "pre")
    cells = graded_cells(course / "source" / "pre" / "pre.ipynb")
    wrong = form_cells(cells, "alice", "pre")  # alice's form (B) ...
    folder = course / "submitted" / "dan" / "pre"
    write_submission(course / "release" / "pre" / "pre.ipynb", folder,
                     SimulatedStudent("dan", 1.0), wrong)  # ... submitted by dan (form A)
    scores = grader.task_scores("dan")
    assert form_for("dan", "pre") == "A"
    assert sum(points for points, _ in scores.values()) < 16.0
    write_submission(course / "release" / "pre" / "pre.ipynb", folder,
                     SimulatedStudent("dan", 1.0), form_cells(cells, "dan", "pre"))
    assert sum(points for points, _ in grader.task_scores("dan").values()) == 16.0


def test_answers_on_the_wrong_form_are_refused_with_a_clear_reason(course: Path):
    """Perfect answers on the other form: not scored against either key, not a gain of 16."""
    assert (form_for("hugo", "pre"), form_for("kim", "post")) == ("A", "B")
    page = (course / "feedback" / "hugo" / "pre" / "pre.html").read_text(encoding="utf-8")
    assert "were made on form B of the skills check, but hugo&#39;s pre-test is form A" in \
        page.replace("'", "&#39;")
    assert "counts as not taken" in page
    kim = (course / "feedback" / "kim" / "post" / "post.html").read_text(encoding="utf-8")
    assert "were made on form A of the skills check" in kim and "post-test is form B" in kim
    # Her pre-test, on her own form, is scored as usual.
    ok = (course / "feedback" / "kim" / "pre" / "pre.html").read_text(encoding="utf-8")
    assert "Wrong form" not in ok
    rows = _rows(course / "exports" / "gains.csv")
    assert rows["hugo"]["pre_score"] == "" and rows["hugo"]["gain"] == ""
    assert rows["hugo"]["reason"] == "pre-test answered on form B, not the student's form A"
    assert float(rows["kim"]["pre_score"]) == 16.0 and rows["kim"]["post_score"] == ""
    assert rows["kim"]["reason"] == "post-test answered on form A, not the student's form B"
    log = [json.loads(line) for line in
           (course / "grading-log.jsonl").read_text(encoding="utf-8").splitlines()]
    hugo = [e for e in log if (e["student"], e["lesson"]) == ("hugo", "pre") and e["item"]]
    assert hugo and all(e["event"] == "zeroed" and "made on form B" in e["reason"]
                        for e in hugo)


def test_wrong_form_answers_saved_without_a_fingerprint_are_recognised(course: Path):
    """An older answers file without the text's fingerprint: the form's source and record ids
    give it away."""
    from sourcewise.grading.course.autograde.from_answers import LessonGrader

    cells = graded_cells(course / "source" / "pre" / "pre.ipynb")
    folder = course / "submitted" / "judy" / "pre"  # judy: form B first
    write_submission(course / "release" / "pre" / "pre.ipynb", folder,
                     SimulatedStudent("judy", 1.0), form_cells(cells, "carol", "pre"))
    scores = LessonGrader(course, "pre").task_scores("judy")
    assert {points for points, _ in scores.values()} == {0.0}
    assert all("were made on form A of the skills check, but judy's pre-test is form B" in text
               for _, text in scores.values())


def test_skills_csv_and_summary_pages(course: Path):
    with (course / "exports" / "skills.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["student"] == "alice"]
    post = {r["skill"]: r for r in rows if r["scope"] == "post"}
    assert set(post) == {"claims", "sourcing", "corroboration", "framing", "calibration"}
    assert float(post["sourcing"]["points"]) == 4.0 and float(post["sourcing"]["mastery"]) == 1
    page = (course / "feedback" / "alice" / "skills-summary.html").read_text(encoding="utf-8")
    assert "You went from 0 to 16 of 16 points" in page and "100 %" in page
    erin = (course / "feedback" / "erin" / "skills-summary.html").read_text(encoding="utf-8")
    assert "Once you have taken the second check" in erin
    report = (course / "reports" / "class-report.html").read_text(encoding="utf-8")
    assert "Skills check: did they learn?" in report and "Item discrimination" in report


def test_release_of_the_check_has_no_key(course: Path):
    for test in ("pre", "post"):
        text = (course / "release" / test / f"{test}.ipynb").read_text(encoding="utf-8")
        assert "KEY = " not in text and "BEGIN HIDDEN TESTS" not in text
        for form in FORMS.values():
            for claim in load_key(form).claims:
                assert claim["rationale"] not in text


def _student_python(site: Path, code: str, cwd: Path, env: dict[str, str]
                    ) -> subprocess.CompletedProcess[str]:
    prelude = f"import sys; sys.path[:0] = [{str(site)!r}, {SITE!r}]\n"
    return subprocess.run([sys.executable, "-S", "-c", prelude + textwrap.dedent(code)],
                          cwd=cwd, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "PYTHONPATH": "", **env})


def test_the_check_runs_in_the_course_edition_without_the_key(course: Path, tmp_path: Path):
    """Every code cell of the released pre-test runs with the installed course edition."""
    wheel = next((course / "student-package").glob("*.whl"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(site), str(wheel)], check=True)
    names = {p.name for p in site.rglob("*") if p.is_file()}
    assert "key.json" not in names
    secrets = [c["rationale"] for f in FORMS.values() for c in load_key(f).claims]
    for path in (site / "sourcewise" / "seeds" / "assessment").rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert not any(s in text for s in secrets) and '"bears_on"' not in text, path
    work = tmp_path / "work"
    work.mkdir()
    release = course / "release" / "pre" / "pre.ipynb"
    cells = [c["source"] if isinstance(c["source"], str) else "".join(c["source"])
             for c in json.loads(release.read_text(encoding="utf-8"))["cells"]
             if c["cell_type"] == "code"]
    result = _student_python(site, f"""
        from sourcewise.seeds import edition
        assert edition() == "course"
        namespace = {{}}
        for source in {cells!r}:
            exec(compile(source, "cell", "exec"), namespace)
        print("FORM", namespace["lesson"].form, namespace["lesson"].article.id)
    """, work, {"SOURCEWISE_STUDENT": "alice"})
    assert result.returncode == 0, result.stderr[-2000:] + result.stdout[-2000:]
    assert "FORM B skills-form-b" in result.stdout
    assert "A constructed teaching text" in result.stdout
    assert "No saved answer to claims yet" in result.stdout
