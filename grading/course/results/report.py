"""The class report: one self-contained HTML page, and the pandas DataFrames behind it.

Score distributions per lesson, item difficulty, the most-missed items with the key's
rationale, agreement (Krippendorff's alpha per task: students with the key, students with each
other) and a sortable student table. plotly.js is inlined once, so the page needs no network.

From Python::

    from sourcewise.grading.course.results.report import report_frames
    frames = report_frames("my-course")      # grades, items, key_items, difficulty, …
"""

from __future__ import annotations

import html
import math
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sourcewise.grading.course.results.agreement import alpha_from_frame, nominal_alpha_from_counts

TEMPLATE = "class-report.html.j2"  # in templates/ beside this module
TABLE_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.tabIndex = 0;
    th.setAttribute("role", "button");
    th.title = "Sort by this column";
    var sort = function () {
      var body = table.tBodies[0];
      var rows = Array.from(body.rows);
      var asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y));
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
  });
});
"""

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { margin-bottom: 0.2em; } .meta { color: #555; }
section { margin: 2.5em 0; } .note { color: #555; font-size: 0.92em; max-width: 60em; }
table { border-collapse: collapse; font-size: 0.9em; margin-top: 0.6em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; cursor: pointer; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after {
content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; gap: 1em; flex-wrap: wrap; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 1em; min-width: 9em; }
.card b { display: block; font-size: 1.5em; }
"""


# -- frames ------------------------------------------------------------------------------------
def difficulty(key_items: Any) -> Any:
    """Share of students who got each key item right (and mean credit), hardest first."""
    import pandas as pd

    if key_items.empty:
        return pd.DataFrame(columns=["lesson", "task", "grade_id", "item", "label", "students",
                                     "share_right", "mean_credit"])
    grouped = key_items.assign(right=key_items["status"].eq("right")).groupby(
        ["lesson", "task", "grade_id", "item"], sort=False)
    frame = grouped.agg(label=("label", "first"), students=("student", "nunique"),
                        share_right=("right", "mean"), mean_credit=("credit", "mean"),
                        preferred=("preferred", "first"), rationale=("rationale", "first"))
    return frame.reset_index().sort_values(["share_right", "mean_credit"]).reset_index(drop=True)


def most_missed(key_items: Any, n: int = 15) -> Any:
    """The ``n`` hardest key items, with the commonest wrong answer and the key's rationale."""
    table = difficulty(key_items).head(n).copy()
    if table.empty:
        return table
    wrong = key_items[key_items["status"].ne("right")]
    common = (wrong.groupby(["lesson", "grade_id", "item"])["value"]
              .agg(lambda values: values.fillna("(no answer)").mode().iloc[0]
                   if len(values) else "")
              .rename("common_answer").reset_index())
    return table.merge(common, on=["lesson", "grade_id", "item"], how="left")


def _key_alpha(rows: Any) -> float:
    """Pooled alpha of students with the key: each answered item is a unit of two values."""
    answered = rows.dropna(subset=["value"])
    if answered.empty:
        return math.nan
    same = answered["value"].eq(answered["preferred"])
    observed = 2.0 * float((~same).sum())
    totals = answered["value"].value_counts().add(answered["preferred"].value_counts(),
                                                  fill_value=0)
    n = float(totals.sum())
    expected = n * n - float((totals ** 2).sum())
    if expected == 0:
        return math.nan
    return 1.0 - (n - 1) * observed / expected


def agreement(key_items: Any) -> Any:
    """Krippendorff's alpha per lesson and task: students vs the key, students vs each other."""
    import pandas as pd

    rows = []
    if not key_items.empty:
        for (lesson, task), part in key_items.groupby(["lesson", "task"], sort=False):
            rows.append({
                "lesson": lesson, "task": task, "students": part["student"].nunique(),
                "items": part["item"].nunique(),
                "alpha_with_key": _key_alpha(part),
                "alpha_between_students": alpha_from_frame(part, ["grade_id", "item"], "value"),
                "percent_agreement_with_key": 100.0 * float(part["status"].eq("right").mean()),
            })
    return pd.DataFrame(rows, columns=["lesson", "task", "students", "items", "alpha_with_key",
                                       "alpha_between_students",
                                       "percent_agreement_with_key"])


def _released(grades: Any) -> Any:
    """Rows of released lessons (a frame without the column — a simulated class — is all)."""
    return grades[grades["released"].astype(bool)] if "released" in grades else grades


def student_table(grades: Any) -> Any:
    """Students × lessons (percent of the lesson's points; empty = not handed in), with the
    total over released lessons and open manual items."""
    import pandas as pd

    if grades.empty:
        return pd.DataFrame()
    wide = grades.pivot_table(index="student", columns="lesson", values="percent",
                              aggfunc="first", dropna=False)
    wide = wide.reindex(sorted(grades["student"].unique()))
    counted = _released(grades).fillna({"score": 0.0, "auto_score": 0.0})
    totals = counted.groupby("student").agg(
        score=("score", "sum"), max_score=("max_score", "sum"),
        auto_score=("auto_score", "sum"), auto_max=("auto_max", "sum"))
    totals = totals.reindex(wide.index)
    wide["total %"] = (100 * totals["score"] / totals["max_score"].where(
        totals["max_score"] > 0)).round(1)
    wide["auto %"] = (100 * totals["auto_score"] / totals["auto_max"].where(
        totals["auto_max"] > 0)).round(1)
    wide["manual items open"] = grades.groupby("student")["needs_manual"].sum()
    if "submission" in grades:
        late = grades["submission"].astype(str).str.startswith("late")
        wide["late"] = late.groupby(grades["student"]).sum()
        wide["missing"] = grades["submission"].eq("missing").groupby(grades["student"]).sum()
    wide.columns.name = None
    return wide.reset_index().sort_values("total %", ascending=False).reset_index(drop=True)


def lesson_table(grades: Any) -> Any:
    """Per lesson: released, due, how many handed in (on time, late), missing, open manual
    items, and the mean percent of those who handed in."""
    import pandas as pd

    columns = ["lesson", "released", "due", "students", "submitted", "late", "missing",
               "manual items open", "mean %"]
    if grades.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for lesson, part in grades.groupby("lesson", sort=False):
        handed = part[part["status"].ne("not submitted")]
        submission = part["submission"].astype(str) if "submission" in part else None
        dues = part["due"].dropna() if "due" in part else pd.Series(dtype=object)
        rows.append({
            "lesson": lesson,
            "released": "no" if "released" in part and not part["released"].any() else "yes",
            "due": dues.min() if not dues.empty else "",
            "students": int(part["student"].nunique()), "submitted": len(handed),
            "late": int(submission.str.startswith("late").sum()) if submission is not None
            else 0,
            "missing": int(submission.eq("missing").sum()) if submission is not None else 0,
            "manual items open": int(part["needs_manual"].sum()),
            "mean %": float(handed["percent"].mean()) if handed["percent"].notna().any()
            else math.nan})
    return pd.DataFrame(rows, columns=columns)


def report_frames(directory: Path) -> dict[str, Any]:
    """Every table of the report as a pandas DataFrame, keyed by name."""
    from sourcewise.grading.course.results.answer_items import key_item_frame
    from sourcewise.grading.course.results.assessment_report import assessment_frames
    from sourcewise.grading.course.results.export import course_frames

    grades, items = course_frames(Path(directory))
    key_items = key_item_frame(Path(directory))
    frames = frames_from(grades, items, key_items)
    frames.update(assessment_frames(Path(directory), grades, items))  # skills check, gains
    return frames


def frames_from(grades: Any, items: Any, key_items: Any) -> dict[str, Any]:
    """The derived tables from the three base frames (also for simulated classes)."""
    return {"grades": grades, "items": items, "key_items": key_items,
            "difficulty": difficulty(key_items), "most_missed": most_missed(key_items),
            "agreement": agreement(key_items), "students": student_table(grades),
            "lessons": lesson_table(grades)}


# -- html --------------------------------------------------------------------------------------
def _cell(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return '<td class="num" data-v="">–</td>'
        return f'<td class="num" data-v="{value}">{value:.2f}</td>'
    if isinstance(value, int):
        return f'<td class="num" data-v="{value}">{value}</td>'
    text = "" if value is None else str(value)
    return f'<td data-v="{html.escape(text)}">{html.escape(text)}</td>'


def html_table(frame: Any, columns: list[str] | None = None, *, sortable: bool = True) -> str:
    """A DataFrame as an HTML table (numbers right-aligned; sortable by header click)."""
    if frame is None or frame.empty:
        return '<p class="note">No data yet.</p>'
    columns = columns or list(frame.columns)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = []
    for record in frame[columns].itertuples(index=False):
        cells = []
        for value in record:
            if hasattr(value, "item"):
                value = value.item()  # numpy scalar -> Python
            cells.append(_cell(value))
        body.append("<tr>" + "".join(cells) + "</tr>")
    css = ' class="sortable"' if sortable else ""
    return f"<table{css}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figures(frames: dict[str, Any]) -> dict[str, str]:
    import plotly.express as px

    def div(fig: Any) -> str:
        fig.update_layout(margin={"l": 40, "r": 20, "t": 50, "b": 40}, template="plotly_white")
        return fig.to_html(full_html=False, include_plotlyjs=False,
                           config={"displaylogo": False, "responsive": True})

    out: dict[str, str] = {}
    grades = frames["grades"]
    submitted = grades[grades["status"].ne("not submitted")] if not grades.empty else grades
    scored = submitted.dropna(subset=["auto_percent"]) if not submitted.empty else submitted
    if not scored.empty:
        out["scores"] = div(px.box(scored, x="lesson", y="auto_percent", points="all",
                                   hover_data=["student", "auto_score", "auto_max", "percent"],
                                   title="Autograded score per lesson (% of its autograded "
                                         "points)",
                                   labels={"auto_percent": "autograded %"}))
    diff = frames["difficulty"]
    if not diff.empty:
        shown = diff.assign(name=diff["lesson"] + " · " + diff["task"] + " · "
                            + diff["item"].astype(str))
        shown = shown.sort_values(["lesson", "task", "share_right"])
        fig = px.bar(shown, x="name", y="share_right", color="task",
                     hover_data={"label": True, "students": True, "name": False},
                     title="Item difficulty: share of students who got each item right",
                     labels={"share_right": "share right", "name": "item"})
        fig.update_xaxes(showticklabels=len(shown) <= 60)
        fig.update_yaxes(range=[0, 1])
        out["difficulty"] = div(fig)
    agree = frames["agreement"]
    if not agree.empty:
        long = agree.melt(id_vars=["lesson", "task"], value_vars=["alpha_with_key",
                                                                   "alpha_between_students"],
                          var_name="comparison", value_name="alpha")
        long["comparison"] = long["comparison"].map(
            {"alpha_with_key": "students vs key", "alpha_between_students": "between students"})
        fig = px.bar(long, x="task", y="alpha", color="comparison", barmode="group",
                     hover_data=["lesson"], title="Agreement (Krippendorff's alpha, nominal)")
        fig.update_yaxes(range=[min(-0.2, float(long["alpha"].min(skipna=True) or 0)), 1])
        out["agreement"] = div(fig)
    return out


def render_report(frames: dict[str, Any], title: str = "Class report") -> str:
    """The whole report as one self-contained HTML string."""
    from plotly.offline import get_plotlyjs

    grades = frames["grades"]
    figures = _figures(frames)
    submitted = grades[grades["status"].ne("not submitted")] if not grades.empty else grades
    cards = [("students", grades["student"].nunique() if not grades.empty else 0),
             ("submissions", len(submitted)),
             ("mean autograded score", f"{submitted['auto_percent'].mean():.1f}%"
              if submitted["auto_percent"].notna().any() else "–"),
             ("manual items open", int(grades["needs_manual"].sum()) if not grades.empty else 0)]
    if "submission" in grades:
        cards += [("late", int(grades["submission"].astype(str).str.startswith("late").sum())),
                  ("missing", int(grades["submission"].eq("missing").sum()))]
    missed = frames["most_missed"]
    missed_cols = [c for c in ["lesson", "task", "item", "label", "share_right",
                               "common_answer", "preferred", "rationale"] if c in missed]
    agree_cols = ["lesson", "task", "students", "items", "alpha_with_key",
                  "alpha_between_students", "percent_agreement_with_key"]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections = [
        ("Scores", figures.get("scores", ""),
         "Free-text answers are graded by hand in formgrader; until then they count as open, "
         "so this chart shows the autograded part of each lesson."),
        ("Item difficulty", figures.get("difficulty", ""),
         "Share of students whose answer matched the key (an accepted alternative counts). "
         "Hover a bar for the item."),
        ("Most-missed items", html_table(missed, missed_cols),
         "The hardest items, the commonest answer given instead, and the key's rationale: "
         "material for the next class."),
        ("Agreement", figures.get("agreement", "") + html_table(frames["agreement"],
                                                                agree_cols),
         "Krippendorff's alpha (nominal): 1 = perfect agreement, 0 = no better than chance. "
         "'Students vs key' pools every student's answers against the key; 'between students' "
         "treats the class as coders of the same items. Unmarked spans count as a choice; "
         "unanswered choices are missing data. – means no variation to measure."),
        ("Lessons", html_table(frames["lessons"]),
         "Handed in, late (after the due date and any extension) and missing (not handed in "
         "after the due date) per lesson; mean % is over those who handed it in."),
        ("Students", html_table(frames["students"]),
         "Percent of each lesson's points; – means not handed in (not a zero). Total % counts "
         "released lessons only (given out, handed in by someone, or past due); a released "
         "lesson not handed in adds its points to the maximum. Click a column header to "
         "sort."),
    ]
    from sourcewise.grading.course.results.assessment_report import assessment_sections

    sections += assessment_sections(frames)
    # The page's skeleton is a template beside this module; jinja2 escapes every text, and
    # only the tables and charts built here (already escaped) are passed as safe HTML.
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(["j2"], default=True))
    return env.get_template(TEMPLATE).render(
        title=title, style=STYLE, plotlyjs=get_plotlyjs(), stamp=stamp, cards=cards,
        sections=[{"name": name, "content": content, "note": note}
                  for name, content, note in sections],
        table_script=TABLE_SCRIPT)


def report_course(directory: Path, out: Path | None = None) -> int:
    """Write the class report (default: ``<course>/reports/class-report.html``)."""
    course = Path(directory).resolve()
    frames = report_frames(course)
    if frames["grades"].empty:
        print(f"no grades yet in {course}: run autograde first", file=sys.stderr)
        return 1
    path = Path(out) if out is not None else course / "reports" / "class-report.html"
    page = render_report(frames, f"Class report: {course.name}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
    except OSError as err:
        from sourcewise.grading.course.course_errors import CourseError

        raise CourseError(f"cannot write the report to {path} ({err.strerror}); give a file "
                          "you can write to with --out") from None
    print(f"wrote {path}")
    from sourcewise.grading.course.results.assessment_report import write_summaries

    pages = write_summaries(course, frames)  # feedback/<student>/skills-summary.html
    if pages:
        print(f"wrote {len(pages)} student skills summaries in {course / 'feedback'}")
    return 0


__all__ = ["agreement", "difficulty", "frames_from", "lesson_table", "most_missed",
           "nominal_alpha_from_counts", "render_report", "report_course", "report_frames",
           "student_table"]
