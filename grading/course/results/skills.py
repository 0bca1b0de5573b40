"""Skills across the course: every graded item's skill (``lessons/skills.json``) and each
student's points, maximum and mastery share per skill, as ``skills.csv``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from sourcewise.lessons import LESSONS_DIR
from sourcewise.seeds.forms import ASSESSMENTS

SKILLS_FILE = LESSONS_DIR / "skills.json"
SKILL_COLUMNS = ["student", "skill", "scope", "points", "max", "mastery", "pending_max"]


@cache
def skill_data() -> dict[str, Any]:
    """The documented skills and the skill of every graded item, as in ``skills.json``."""
    return json.loads(SKILLS_FILE.read_text(encoding="utf-8"))


def skills() -> list[str]:
    """The skill ids, in the documented order (claims … argument)."""
    return list(skill_data()["skills"])


def skill_of(lesson: str, grade_id: str) -> str | None:
    """The skill a graded item is tagged with (None when it is not tagged)."""
    return skill_data()["items"].get(lesson, {}).get(grade_id)


def scope_of(lesson: str) -> str:
    """``pre`` and ``post`` for the skills check, ``lessons`` for everything else."""
    return lesson if lesson in ASSESSMENTS else "lessons"


def skill_rows(items: Any) -> list[dict[str, Any]]:
    """Rows of ``skills.csv`` from export's item frame (student × lesson × item).

    A manual item still waiting for its grade counts in ``pending_max``, not in the maximum,
    so a written answer nobody has marked yet does not look like a miss.
    """
    totals: dict[tuple[str, str, str], list[float]] = {}
    for row in items.to_dict("records"):
        skill = skill_of(str(row["lesson"]), str(row["item"]))
        if skill is None:
            continue
        entry = totals.setdefault((row["student"], skill, scope_of(str(row["lesson"]))),
                                  [0.0, 0.0, 0.0])
        if bool(row.get("needs_manual_grade")):
            entry[2] += float(row["max_score"])
        else:
            entry[0] += float(row["score"])
            entry[1] += float(row["max_score"])
    order = {s: n for n, s in enumerate(skills())}
    scopes = {"lessons": 0, "pre": 1, "post": 2}
    rows = []
    for (student, skill, scope), (points, maximum, pending) in sorted(
            totals.items(), key=lambda t: (t[0][0], scopes[t[0][2]], order.get(t[0][1], 99))):
        rows.append({"student": student, "skill": skill, "scope": scope,
                     "points": round(points, 4), "max": maximum,
                     "mastery": round(points / maximum, 4) if maximum else None,
                     "pending_max": pending})
    return rows


def skill_points(items: Any, lesson: str) -> dict[str, dict[str, float]]:
    """``{student: {skill: points}}`` of one lesson (the pre- or post-test)."""
    found: dict[str, dict[str, float]] = {}
    for row in items.to_dict("records"):
        if row["lesson"] != lesson:
            continue
        skill = skill_of(lesson, str(row["item"]))
        if skill is not None:
            scores = found.setdefault(str(row["student"]), {})
            scores[skill] = scores.get(skill, 0.0) + float(row["score"])
    return found


def skill_maxima(cells: Mapping[str, float], lesson: str) -> dict[str, float]:
    """``{skill: maximum}`` of a lesson from its items' points (``{grade id: points}``)."""
    maxima: dict[str, float] = {}
    for grade_id, points in cells.items():
        skill = skill_of(lesson, grade_id)
        if skill is not None:
            maxima[skill] = maxima.get(skill, 0.0) + float(points)
    return maxima
