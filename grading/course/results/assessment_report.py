"""The class report's skills-check sections: gains with bootstrap intervals, the paired effect
size, per-skill gains, the form check, and item discrimination next to difficulty."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from sourcewise.grading.course.results.assessment_export import (
    assessment_maxima,
    gain_table,
    student_gains,
)
from sourcewise.grading.course.results.gains import (
    ClassGains,
    FormCheck,
    StudentGain,
    class_gains,
    form_check,
    item_discrimination,
    mean,
)
from sourcewise.grading.course.results.skills import skills


def assessment_frames(course: Path, grades: Any, items: Any) -> dict[str, Any]:
    """What the sections need; empty when the course has no skills check."""
    maxima = assessment_maxima(Path(course))
    out: dict[str, Any] = {"discrimination": discrimination_rows(items)}
    if maxima is None or grades.empty:
        return out
    rows = student_gains(grades, items, maxima, Path(course))
    out.update(gains=rows, maxima=maxima, class_gains=class_gains(rows),
               form_check=form_check({r.student: r.pre_score for r in rows
                                      if r.pre_score is not None}))
    return out


def discrimination_rows(items: Any) -> list[dict[str, Any]]:
    """Per graded item: difficulty (mean share of its points) and point-biserial (item-rest)."""
    rows = []
    if items.empty:
        return rows
    graded = items[~items["needs_manual_grade"].astype(bool)]
    for lesson, part in graded.groupby("lesson", sort=True):
        scores: dict[str, dict[str, float]] = {}
        for r in part.to_dict("records"):
            scores.setdefault(r["student"], {})[r["item"]] = float(r["score"])
        r_values = item_discrimination(scores)
        for item, sub in part.groupby("item", sort=False):
            maximum = float(sub["max_score"].max() or 0)
            share = float(sub["score"].mean()) / maximum if maximum else None
            rows.append({"lesson": lesson, "item": item, "students": int(sub["student"].nunique()),
                         "difficulty": share, "discrimination": r_values.get(item)})
    return rows


def per_skill_gains(rows: list[StudentGain], maxima: dict[str, float]) -> list[dict[str, Any]]:
    """Mean pre and post share of each skill's points over students with both tests."""
    both = [r for r in rows if r.gain is not None]
    out = []
    for skill in [s for s in skills() if s in maxima]:
        if not both:
            break
        pre = mean([r.pre_skills.get(skill, 0.0) / maxima[skill] for r in both])
        post = mean([r.post_skills.get(skill, 0.0) / maxima[skill] for r in both])
        out.append({"skill": skill, "points": maxima[skill], "pre": pre, "post": post,
                    "gain": post - pre})
    return out


def _table(columns: list[str], rows: list[dict[str, Any]]) -> str:
    if not rows:
        return '<p class="note">No data yet.</p>'

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f'<td class="num" data-v="{value}">{value:.2f}</td>'
        text = "–" if value is None or value == "" else str(value)
        return f'<td data-v="{html.escape(text)}">{html.escape(text)}</td>'

    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(cell(r.get(c)) for c in columns) + "</tr>" for r in rows)
    return f'<table class="sortable"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _summary(stats: ClassGains, maximum: float) -> str:
    items = [("students with both tests", str(stats.paired)),
             ("missing a test", str(stats.missing)),
             ("mean gain (points of " + f"{maximum:g})", stats.mean_gain.text()),
             ("mean normalised gain", stats.mean_normalised_gain.text()),
             ("class normalised gain", stats.class_normalised_gain.text()),
             ("paired effect size d_z", stats.effect_size.text())]
    return "<ul>" + "".join(f"<li><b>{html.escape(k)}:</b> {html.escape(v)}</li>"
                            for k, v in items) + "</ul>"


def _form_check(check: FormCheck) -> str:
    a = "–" if check.mean_a is None else f"{check.mean_a:.2f}"
    b = "–" if check.mean_b is None else f"{check.mean_b:.2f}"
    text = (f"<p>Pre-test mean on form A: {a}; on form B: {b}; difference A − B: "
            f"{html.escape(check.difference.text())}.</p>")
    if check.warning:
        text += f'<p class="warning"><b>Warning:</b> {html.escape(check.warning)}</p>'
    return text


def assessment_sections(frames: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(title, html, note)`` sections for the class report (none without data)."""
    sections = []
    if "gains" in frames:
        maxima = frames["maxima"]
        columns, table = gain_table(frames["gains"], maxima)
        sections += [
            ("Skills check: did they learn?", _summary(frames["class_gains"], sum(maxima.values())),
             "Gain = post − pre in points; normalised gain = (post − pre) / (max − pre). "
             "Intervals in brackets are bootstrap 95 % intervals (2,000 resamples of the "
             "students). d_z is the mean gain over the standard deviation of the gains."),
            ("Skills check: per skill", _table(["skill", "points", "pre", "post", "gain"],
                                              per_skill_gains(frames["gains"], maxima)),
             "Mean share of each skill's points, before and after, for students with both "
             "tests."),
            ("Skills check: form check", _form_check(frames["form_check"]),
             "Forms A and B are built to be equally hard. Students are assigned A or B first "
             "by their id, so on the pre-test the two groups should score alike."),
            ("Skills check: each student", _table(columns, table),
             "A student without a pre- or post-test has an empty gain and the reason."),
        ]
    sections.append((
        "Item discrimination",
        _table(["lesson", "item", "students", "difficulty", "discrimination"],
               frames.get("discrimination", [])),
        "Difficulty: mean share of the item's points. Discrimination: point-biserial "
        "correlation of the item with the rest of its lesson (item-rest, Pearson's r with "
        "partial credit). Below 0.2 the item hardly separates stronger from weaker students; "
        "negative means stronger students do worse on it."))
    return sections


def write_summaries(course: Path, frames: dict[str, Any]) -> list[Path]:
    """Each student's one-page skills summary beside their feedback (none without the check)."""
    from sourcewise.grading.course.results.skills import skill_rows
    from sourcewise.grading.course.results.skills_summary import write_student_pages

    if "gains" not in frames:
        return []
    return write_student_pages(course, frames["gains"], frames["maxima"],
                               skill_rows(frames["items"]))
