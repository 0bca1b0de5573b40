"""Bring your own article, end to end: a text the repository has never shipped, scaffolded,
keyed through the author-mode model, validated, built into a real nbgrader course and graded."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from article_author import author_key, scaffold

from sourcewise.grading.demo.simulated_class import SimulatedStudent, write_submission
from sourcewise.lessons.lesson_cells import graded_cells, lesson_sources
from sourcewise.seeds import validate_article_dir
from sourcewise.seeds.key_progress import COMPLETE, key_progress

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]
STUDENTS = [SimulatedStudent("perfect", 1.0), SimulatedStudent("empty", 0.0),
            SimulatedStudent("half", 0.5)]


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from sourcewise.grading.course.autograde.run import autograde_course
    from sourcewise.grading.course.course_folder import build_course, init_course

    root = tmp_path_factory.mktemp("byo")
    article = scaffold(root / "levee")
    author_key(article)
    course = root / "course"
    assert init_course(course, [s.id for s in STUDENTS], article=article) == 0
    assert build_course(course) == 0
    for lesson, source in lesson_sources(course).items():
        for student in STUDENTS:
            write_submission(course / "release" / lesson / f"{lesson}.ipynb",
                             course / "submitted" / student.id / lesson, student,
                             graded_cells(source))
    assert autograde_course(course, progress=False) == 0
    return article, course


def test_the_authored_key_validates_complete(course: tuple[Path, Path]) -> None:
    """Is the key written through the widgets' model free of problems, and complete?"""
    article, _ = course
    assert validate_article_dir(article) == []
    progress = key_progress(article)
    assert progress.status == COMPLETE
    assert progress.without_rationale == ()
    assert progress.unclaimed_units == ("S3", "S6", "S7")  # the pledge, the no-reply, the verdict


def test_generic_lessons_are_built_for_the_article(course: tuple[Path, Path]) -> None:
    """Does the course hold the four generated lessons, each naming its task and article?"""
    _, course_dir = course
    assert list(lesson_sources(course_dir)) == ["01-claims", "02-sources", "03-framing",
                                                "04-brief"]
    tasks = {lesson: [c.task for c in graded_cells(path) if c.task]
             for lesson, path in lesson_sources(course_dir).items()}
    assert tasks == {"01-claims": ["claims.check"],
                     "02-sources": ["sources.links", "sources.ratings"],
                     "03-framing": ["framing.all"], "04-brief": []}
    claims = (course_dir / "source" / "01-claims" / "01-claims.ipynb").read_text()
    assert "**7 claims** in 5 sentences" in claims


def test_autograde_scores_perfect_empty_and_half_right(course: tuple[Path, Path]) -> None:
    """Do a perfect, an empty and a half-right student score 100 %, 0 % and in between?"""
    from sourcewise.grading.course.nbgrader_env import recorded_grades

    _, course_dir = course
    points = {c.grade_id: c.points for path in lesson_sources(course_dir).values()
              for c in graded_cells(path) if c.autograded}
    grades = recorded_grades(course_dir)
    share = {}
    for student in STUDENTS:
        got = sum(score or 0.0 for (sid, _, gid), (score, _) in grades.items()
                  if sid == student.id and gid in points)
        share[student.id] = got / sum(points.values())
    assert share["perfect"] == pytest.approx(1.0)
    assert share["empty"] == 0.0
    assert 0.2 < share["half"] < 0.8


def test_release_and_course_edition_carry_no_key(course: tuple[Path, Path]) -> None:
    """Does the course edition ship the article's text and public key, but never its key?"""
    article, course_dir = course
    key = json.loads((article / "key.json").read_text(encoding="utf-8"))
    secrets = [c["rationale"] for c in key["claims"]] + [f["rationale"] for f in key["framing"]]
    release = [p for p in (course_dir / "release").rglob("*") if p.is_file()]
    assert not [p for p in release if p.name == "key.json"]
    assert (course_dir / "release" / "01-claims" / "articles" / key["article_id"]
            / "public_key.json").is_file()
    wheel = next((course_dir / "student-package").glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        prefix = f"sourcewise/seeds/{key['article_id']}/"
        assert {f"{prefix}article.txt", f"{prefix}units.json", f"{prefix}public_key.json"} <= set(
            names)
        assert f"{prefix}key.json" not in names
        text = "\n".join(archive.read(n).decode("utf-8", "replace") for n in names)
    for path in release:
        text += path.read_text(encoding="utf-8", errors="replace")
    assert not [s for s in secrets if s in text]


def test_feedback_and_report_cover_the_article_lessons(course: tuple[Path, Path]) -> None:
    """Do feedback pages and the class report come out for the generated lessons?"""
    from sourcewise.grading.course.results.feedback import feedback_course
    from sourcewise.grading.course.results.report import report_course

    _, course_dir = course
    assert feedback_course(course_dir, progress=False) == 0
    page = course_dir / "feedback" / "half" / "01-claims" / "01-claims.html"
    assert page.is_file() and "BEGIN HIDDEN TESTS" not in page.read_text(encoding="utf-8")
    assert report_course(course_dir) == 0
