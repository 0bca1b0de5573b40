"""Simulated skills checks: each student's pre- and post-test on their own forms, with a known
growth in answer quality between them, and some students who skip the post-test."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from sourcewise.grading.demo.simulated_class import SimulatedStudent, write_submission
from sourcewise.lessons.assessment import form_cells
from sourcewise.lessons.lesson_cells import graded_cells, lesson_sources
from sourcewise.seeds import load_article
from sourcewise.seeds.forms import form_article, form_for

# Answer quality (share of items right) grows by this much from pre- to post-test.
GROWTH = 0.25
SKIP_EVERY = 6  # every sixth student has no post-test
DRAWS = 20  # noise draws per student and test for the built-in gain


def assessment_qualities(student: SimulatedStudent, growth: float = GROWTH
                         ) -> tuple[float, float]:
    """``(pre, post)`` quality: the student's quality, minus and plus half the growth."""
    pre = min(max(student.quality - growth / 2, 0.0), 1.0 - growth)
    return round(pre, 4), round(pre + growth, 4)


def skips_post(index: int) -> bool:
    return index % SKIP_EVERY == SKIP_EVERY - 1


def simulate_assessments(course: Path, plan: Sequence[SimulatedStudent], *, seed: int = 2014,
                         growth: float = GROWTH) -> dict[str, str]:
    """Write pre- and post-test submissions (``{student: "no post-test"}`` for those skipped).

    Mishaps (deleted cells, corrupt files) are left to the lessons: here every submission is
    well formed, so the gains measure only the simulated growth.
    """
    sources = lesson_sources(course, ["pre", "post"])
    if set(sources) != {"pre", "post"}:
        return {}
    cells = {test: graded_cells(path) for test, path in sources.items()}
    skipped = {}
    for index, student in enumerate(plan):
        qualities = dict(zip(("pre", "post"), assessment_qualities(student, growth), strict=True))
        for test in ("pre", "post"):
            if test == "post" and skips_post(index):
                skipped[student.id] = "no post-test"
                continue
            release = course / "release" / test / f"{test}.ipynb"
            if not release.exists():
                continue
            form = form_for(student.id, test)
            who = dataclasses.replace(student, quality=qualities[test], quirk=None)
            write_submission(release, course / "submitted" / student.id / test, who,
                             form_cells(cells[test], student.id, test), seed=seed,
                             fingerprint=load_article(form_article(form)).fingerprint)
    return skipped


def true_gain(course: Path, plan: Sequence[SimulatedStudent], *, growth: float = GROWTH
              ) -> float | None:
    """The growth the simulation builds in, in test points: the mean over the students with
    both tests of their expected post score minus their expected pre score, each averaged over
    ``DRAWS`` fresh draws of the student's noise (never the draw that was submitted).

    What the report estimates from one draw per student; its 95 % interval should hold it.
    """
    from sourcewise.grading.demo.simulated_class import simulate_answers
    from sourcewise.grading.item_grading import score_task

    sources = lesson_sources(course, ["pre", "post"])
    if set(sources) != {"pre", "post"}:
        return None
    cells = {test: graded_cells(path) for test, path in sources.items()}
    gains = []
    for index, student in enumerate(plan):
        if skips_post(index):
            continue
        total = {}
        for test, quality in zip(("pre", "post"), assessment_qualities(student, growth),
                                 strict=True):
            own = [c for c in form_cells(cells[test], student.id, test) if c.autograded]
            draws = []
            for draw in range(DRAWS):
                answers = simulate_answers(own, quality, f"truth{draw}|{student.id}|{test}",
                                           noise=student.noise)
                draws.append(sum(score_task(c.kind, answers[c.question], c.key).points(
                    c.points) if c.question in answers else 0.0 for c in own))
            total[test] = sum(draws) / DRAWS
        gains.append(total["post"] - total["pre"])
    return sum(gains) / len(gains) if gains else None
