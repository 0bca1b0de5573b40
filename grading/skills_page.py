"""The skills summary page: a student's gain between the two skills checks, in plain words.

One page for everyone: the course writes it beside each student's feedback, ``sourcewise
summary`` and the notebooks' summary cell write it for a self-learner (in the browser edition
too, so this module needs nothing beyond the standard library). ``normalised_gain`` is Hake's
(post − pre) / (max − pre); a missing test leaves the gain empty with a reason, never 0.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sourcewise.seeds.forms import form_order

PAGE = "skills-summary.html"


def normalised_gain(pre: float, post: float, maximum: float) -> tuple[float | None, str]:
    """``(g, reason)``: ``g`` is None (with a reason) when the pre-test left no room to gain."""
    if maximum <= 0:
        return None, "the test has no points"
    if pre >= maximum:
        return None, "pre-test at the maximum: no room to gain"
    return (post - pre) / (maximum - pre), ""


@dataclass(frozen=True)
class StudentGain:
    """One row of ``gains.csv``."""

    student: str
    pre_form: str
    post_form: str
    pre_score: float | None
    post_score: float | None
    maximum: float
    gain: float | None
    normalised_gain: float | None
    reason: str
    pre_skills: Mapping[str, float]
    post_skills: Mapping[str, float]


def student_gain(student: str, pre: float | None, post: float | None, maximum: float,
                 pre_skills: Mapping[str, float] | None = None,
                 post_skills: Mapping[str, float] | None = None, *,
                 refused: Mapping[str, str] | None = None) -> StudentGain:
    """A student's gain; ``pre``/``post`` None when that test was not submitted.

    ``refused``: ``{"pre"|"post": why}`` for a test handed in but not counted (answered on
    the other form); it is left empty like a missing test, with that reason.
    """
    pre_form, post_form = form_order(student)
    refused = refused or {}
    pre, post = (None if "pre" in refused else pre), (None if "post" in refused else post)
    missing = [name for name, value in (("pre-test", pre), ("post-test", post)) if value is None]
    if missing:
        why = "; ".join(refused.values()) or f"no {' and no '.join(missing)} submitted"
        return StudentGain(student, pre_form, post_form, pre, post, maximum, None, None, why,
                           dict(pre_skills or {}), dict(post_skills or {}))
    assert pre is not None and post is not None
    g, why = normalised_gain(pre, post, maximum)
    return StudentGain(student, pre_form, post_form, pre, post, maximum, post - pre, g, why,
                       dict(pre_skills or {}), dict(post_skills or {}))


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
                 skills: Mapping[str, str],
                 lessons: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """What the page shows for one student; ``skills``: ``{id: "Name: what it means"}`` in
    the documented order (``lessons/skills.json``)."""
    names = {s: text.split(":")[0] for s, text in skills.items()}
    rows = []
    for skill in [s for s in skills if s in maxima]:
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
            "meanings": [(names[s], text.split(": ", 1)[1]) for s, text in skills.items()]}


STYLE = """body { font-family: system-ui, sans-serif; max-width: 44em; margin: 2em auto;
       padding: 0 1em; line-height: 1.5; color: #222; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35em 0.6em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; height: 0.8em; background: #3b6ea5; vertical-align: middle; }
.bar.before { background: repeating-linear-gradient(45deg, #9ab, #9ab 3px, #cde 3px, #cde 6px); }
.note { color: #555; font-size: 0.95em; }
@media print { body { margin: 0; } }"""
FORMS_NOTE = ("Forms A and B of the skills check are built to be equally hard: the same kinds "
              "of questions and the same points for each skill, on different made-up texts. "
              "Half the class took A first, half took B first.")


def render_page(context: Mapping[str, Any]) -> str:
    """The page as one self-contained HTML document (every value escaped)."""
    e = html.escape
    out = ['<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">',
           f"<title>Your skills: {e(context['student'])}</title>", f"<style>\n{STYLE}\n</style>",
           "</head>\n<body>", f"<h1>Your skills: {e(context['student'])}</h1>",
           f'<p class="note">{e(context["context"])}</p>',
           "<h2>Did the lessons change your skills?</h2>", f"<p>{e(context['gain_sentence'])}</p>"]
    if context["rows"]:
        out += ["<table>", f"<thead><tr><th>Skill</th><th>Before (form {e(context['pre_form'])})"
                f"</th><th>After (form {e(context['post_form'])})</th><th>In words</th></tr>"
                "</thead>", "<tbody>"]
        for row in context["rows"]:
            out.append(
                f"<tr><td>{e(row['name'])}</td><td class=\"num\">{e(row['pre_text'])} <span "
                f'class="bar before" style="width: {float(row["pre_width"])}em" aria-hidden='
                f'"true"></span></td><td class="num">{e(row["post_text"])} <span class="bar" '
                f'style="width: {float(row["post_width"])}em" aria-hidden="true"></span></td>'
                f"<td>{e(row['words'])}</td></tr>")
        out += ["</tbody>", "</table>"]
    out.append(f'<p class="note">{FORMS_NOTE}</p>')
    if context["lessons"]:
        out += ["<h2>Your skills across the lessons</h2>", "<table>",
                "<thead><tr><th>Skill</th><th>Points</th><th>Share</th></tr></thead>", "<tbody>"]
        out += [f"<tr><td>{e(r['name'])}</td><td class=\"num\">{e(r['points'])}</td>"
                f"<td class=\"num\">{e(r['share'])}</td></tr>" for r in context["lessons"]]
        out += ["</tbody>", "</table>", '<p class="note">Written answers that your teacher has '
                "not marked yet are not counted.</p>"]
    meanings = " ".join(f"<b>{e(name)}</b>: {e(text)}" for name, text in context["meanings"])
    out += [f'<p class="note">What the skills mean: {meanings}</p>', "</body>", "</html>", ""]
    return "\n".join(out)
