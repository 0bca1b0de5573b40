"""A one-page summary per student of their skills and their gain, in words a student reads
(``feedback/<student>/skills-summary.html`` in a course; the same page for a self-learner)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sourcewise.grading.atomic_write import write_bytes_atomic
from sourcewise.grading.course.results.gains import StudentGain
from sourcewise.grading.course.results.skills import skill_data, skills

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE = "skills-summary.html"


def _points(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def gain_sentence(row: StudentGain) -> str:
    """The gain in one or two plain sentences (never a gain of 0 for a missing test)."""
    if row.pre_score is None and row.post_score is None:
        return "You have not taken the skills check yet, so there is nothing to compare."
    if row.post_score is None:
        return (f"Before the lessons you scored {_points(row.pre_score or 0)} of "
                f"{_points(row.maximum)} points. Once you have taken the second check, this "
                "page shows what changed.")
    if row.pre_score is None:
        return (f"After the lessons you scored {_points(row.post_score)} of "
                f"{_points(row.maximum)} points. There is no first check to compare it with, "
                "so no gain is shown.")
    text = (f"You went from {_points(row.pre_score)} to {_points(row.post_score)} of "
            f"{_points(row.maximum)} points.")
    if row.normalised_gain is None:
        return text + " You had full marks before the lessons, so this check cannot show a gain."
    share = round(100 * row.normalised_gain)
    if share > 0:
        return text + (f" That is {share} % of the points you could still gain (your "
                       "normalised gain).")
    return text + " That is no gain on this check: look at the skills below to see where."


def _words(pre: float | None, post: float | None, maximum: float) -> str:
    if pre is None or post is None:
        return ""
    if post > pre:
        return "better than before" if post < maximum else "better than before: full marks"
    if post == pre:
        return "full marks both times" if post == maximum else "the same as before"
    return "lower than before: worth another look"


def page_context(row: StudentGain, maxima: Mapping[str, float], *, context: str,
                 lessons: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """What the template shows for one student."""
    names = {s: skill_data()["skills"][s].split(":")[0] for s in skills()}
    rows = []
    for skill in [s for s in skills() if s in maxima]:
        top = maxima[skill]
        pre = row.pre_skills.get(skill, 0.0) if row.pre_score is not None else None
        post = row.post_skills.get(skill, 0.0) if row.post_score is not None else None
        rows.append({"name": names[skill],
                     "pre_text": "–" if pre is None else f"{_points(pre)} of {_points(top)}",
                     "post_text": "–" if post is None else f"{_points(post)} of {_points(top)}",
                     "pre_width": 0 if pre is None else round(4 * pre / top, 2),
                     "post_width": 0 if post is None else round(4 * post / top, 2),
                     "words": _words(pre, post, top)})
    lesson_rows = [{"name": names.get(r["skill"], r["skill"]),
                    "points": f"{_points(r['points'])} of {_points(r['max'])}",
                    "share": "–" if r["mastery"] is None else f"{round(100 * r['mastery'])} %"}
                   for r in lessons]
    return {"student": row.student, "context": context, "gain_sentence": gain_sentence(row),
            "rows": rows, "pre_form": row.pre_form, "post_form": row.post_form,
            "lessons": lesson_rows,
            "meanings": [(names[s], skill_data()["skills"][s].split(": ", 1)[1])
                         for s in skills()]}


def render_page(context: Mapping[str, Any]) -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    return env.get_template(f"{PAGE}.j2").render(**context)


def write_student_pages(course: Path, gains: Sequence[StudentGain], maxima: Mapping[str, float],
                        skill_rows: Sequence[Mapping[str, Any]]) -> list[Path]:
    """``feedback/<student>/skills-summary.html`` for every student, beside their feedback."""
    written = []
    for row in gains:
        own = [r for r in skill_rows if r["student"] == row.student and r["scope"] == "lessons"]
        path = Path(course) / "feedback" / row.student / PAGE
        path.parent.mkdir(parents=True, exist_ok=True)
        html = render_page(page_context(row, maxima, lessons=own, context=(
            "Your skills check before and after the lessons, and your points in each skill "
            "across the lessons. Only you and your teacher see this page.")))
        write_bytes_atomic(path, html.encode("utf-8"))
        written.append(path)
    return written
