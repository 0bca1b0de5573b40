"""The skills check in self-study (lab, a real kernel, the learner's summary page) and in the
browser edition's files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcewise.grading.demo.simulated_class import simulate_answers, write_answers
from sourcewise.grading.editions.lab import open_lab
from sourcewise.grading.editions.lite.site import sourcewise_files, write_lessons
from sourcewise.lessons.assessment import assessment_paths, form_cells
from sourcewise.lessons.lesson_cells import graded_cells
from sourcewise.seeds import load_article
from sourcewise.seeds.forms import form_article, form_for

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]


def test_browser_edition_carries_both_forms_with_their_keys_and_the_notebooks(tmp_path: Path):
    files = sourcewise_files()
    for form in ("skills-form-a", "skills-form-b"):
        assert f"sourcewise/seeds/assessment/{form}/key.json" in files  # self-study: rationales
        assert f"sourcewise/seeds/assessment/{form}/article.txt" in files
        assert any(n.startswith(f"sourcewise/seeds/assessment/{form}/records/") for n in files)
    write_lessons(tmp_path, None, tmp_path / "cache")
    assert {"pre.ipynb", "post.ipynb"} <= {p.name for p in tmp_path.glob("*.ipynb")}
    text = (tmp_path / "pre.ipynb").read_text(encoding="utf-8")
    assert "KEY = " not in text and "assessment_lesson('pre')" in text
    assert "pandas" not in text and "plotly" not in text  # nothing the offline site lacks


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("self") / "work"
    cache = folder.parent / "cache"
    assert open_lab(folder, prepare_only=True, lessons=assessment_paths(), cache=cache) == 0
    return folder


def _run(notebook: Path, env: dict[str, str]) -> list[str]:
    import os

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    old = dict(os.environ)
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(notebook.parent)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return ["".join(o.get("text", "") for o in c.get("outputs", []))
            for c in nb.cells if c.cell_type == "code"]


def test_self_study_runs_the_learners_form_and_scores_it(work: Path):
    """In a real kernel: the learner's form opens, and a self-check scores saved answers."""
    learner = "carol"  # form A first
    cells = form_cells(graded_cells(assessment_paths()[0]), learner, "pre")
    answers = simulate_answers(cells, 1.0)
    write_answers(work, "pre", answers, load_article(form_article("A")).fingerprint)
    outputs = _run(work / "pre.ipynb", {"SOURCEWISE_STUDENT": learner})
    assert "Form A of the skills check, before the lessons" in outputs[0]
    assert "A constructed teaching text" in outputs[0]
    joined = "\n".join(outputs)
    # Every part scored against form A's key (perfect answers: nothing missed or wrong).
    assert "Mark each claim: who stands behind it, and is it confirmed?: 3 right, 0 missed" \
        in joined
    assert "Say how likely each claim is to be true: 1 right, 0 missed, 0 wrong" in joined
    assert "could not run" not in joined


def test_self_learner_summary_shows_the_gain(work: Path, monkeypatch: pytest.MonkeyPatch):
    from sourcewise.grading.course.results.self_summary import write_self_summary

    learner = "carol"
    monkeypatch.setenv("SOURCEWISE_STUDENT", learner)
    post = form_cells(graded_cells(assessment_paths()[1]), learner, "post")
    assert form_for(learner, "post") == "B"
    write_answers(work, "post", simulate_answers(post, 1.0),
                  load_article(form_article("B")).fingerprint)
    page = write_self_summary(work).read_text(encoding="utf-8")
    assert "You went from 16 to 16 of 16 points" in page
    assert "full marks before the lessons" in page
    # The notebooks' summary cell (also the browser edition's) makes the very same page.
    from sourcewise.widgets.skills_summary import write_summary

    assert write_summary(work).read_text(encoding="utf-8") == page
    outputs = _run(work / "post.ipynb", {"SOURCEWISE_STUDENT": learner})
    assert "Saved as skills-summary.html beside this notebook" in outputs[-1]
    (work / "answers" / "post.json").unlink()
    page = write_self_summary(work).read_text(encoding="utf-8")
    assert "Once you have taken the second check" in page
    assert json.loads((work / "answers" / "pre.json").read_text(encoding="utf-8"))["answers"]
