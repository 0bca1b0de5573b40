"""``sourcewise lms push DIR``: each lesson's gradebook score to the LMS through LTI AGS.

One line item per lesson given out (released through the exchange, handed in by someone, or
past due), found by its ``resourceId`` (the lesson) and tag, created only the first time. A
student's score goes with its maximum, a comment that says where the feedback is, and the
progress: ``Completed``/``FullyGraded`` when graded, ``Submitted``/
``PendingManual`` (and no score yet, as in the import files) while a written answer waits.
What the platform already holds is read back first and an equal result is not posted again,
so a second push changes nothing. The gradebook is only read, whatever the platform does.

Time and lateness: ``timestamp`` is when the score was set in the tool (AGS 2.0 §3.4.6; a
platform drops a score older than the one it holds), so it is the push's time; the hand-in's
own time goes in AGS 2.0's ``submission.submittedAt`` and in Canvas's score extension
``https://canvas.instructure.com/lti/submission`` as ``submitted_at`` (Canvas's Score API),
from which Canvas marks the work late against its own due date. The comment says "late by …"
when ``due-dates.json`` does, and the late policy's penalty: the score posted is always the
gradebook's, which ``due_dates`` never lowers. A lesson not handed in is posted as nothing at
all (the LMS's own missing-work policy applies), or as 0 once past due with
``missing_as_zero``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sourcewise.grading.course.lms.ags_client import AgsClient, AgsError
from sourcewise.grading.course.lms.lesson_grades import (
    GRADED,
    MISSING,
    WAITING,
    LessonGrade,
    course_grades,
    number,
)
from sourcewise.grading.course.lms.lti_keys import LtiRegistration

TAG = "sourcewise"
CANVAS_SUBMISSION = "https://canvas.instructure.com/lti/submission"


@dataclass
class PushReport:
    """What each student's result is now on the platform, and what failed and why."""

    posted: list[tuple[str, str]] = field(default_factory=list)  # (student, lesson)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    waiting: list[tuple[str, str]] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    zeroed: list[tuple[str, str]] = field(default_factory=list)  # missing, posted 0 on request
    created: list[str] = field(default_factory=list)  # lessons whose line item was made now
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # student, lesson, why
    unreleased: list[str] = field(default_factory=list)  # lessons left out: not given out yet

    def lines(self) -> list[str]:
        out = [f"posted {len(self.posted)} result(s), {len(self.unchanged)} already up to "
               f"date; {len(self.created)} line item(s) created"]
        if self.unreleased:
            out.append("  not given out yet (no line item; --lesson to push one anyway): "
                       + ", ".join(self.unreleased))
        if self.waiting:
            out.append("  waiting for manual grading (posted as PendingManual, no score yet): "
                       + ", ".join(f"{s} ({lesson})" for s, lesson in self.waiting))
        if self.missing:
            out.append("  not submitted (nothing posted): "
                       + ", ".join(f"{s} ({lesson})" for s, lesson in self.missing))
        if self.zeroed:
            out.append("  not submitted by the due date (0 posted, --missing-as-zero): "
                       + ", ".join(f"{s} ({lesson})" for s, lesson in self.zeroed))
        for student, lesson, why in self.failed:
            out.append(f"  FAILED {student} ({lesson}): {why}")
        if self.failed:
            out.append("  the gradebook is unchanged; run the push again when the problem "
                       "is fixed (results already posted are not posted twice)")
        return out


def when_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def timing_text(grade: LessonGrade) -> str:
    """'Handed in 2031-04-09 10:00 UTC, late by 1 day 10 h (…penalty…).' or ''."""
    timing = grade.timing
    if grade.state == MISSING:
        return (f"Not handed in by the due date ({when_text(timing.due)}). "
                if timing.due is not None else "Not handed in. ")
    if timing.submitted is None:
        return ""
    text = f"Handed in {when_text(timing.submitted)}"
    if timing.state == "late":
        text += f", {timing.describe()}"
        if timing.penalty_percent:
            text += (f"; the course's late policy takes {number(timing.penalty_percent)} % "
                     "off for that, not taken off this score (the gradebook's graded score)")
    return text + ". "


def comment_for(reg: LtiRegistration, grade: LessonGrade) -> str:
    where = (reg.feedback_url.format(student=grade.student, lesson=grade.lesson)
             if reg.feedback_url else "JupyterHub → Assignments → Fetch Feedback")
    if grade.state == MISSING:
        return (f"{grade.lesson}: 0 of {number(grade.max_score)} points. "
                f"{timing_text(grade)}0 at the instructor's request.")
    if grade.state == WAITING:
        return (f"{grade.lesson}: a written answer waits for the instructor's grading. "
                f"{timing_text(grade)}Feedback: {where}")
    return (f"{grade.lesson}: {number(grade.score)} of {number(grade.max_score)} points. "
            f"{timing_text(grade)}Feedback: {where}")


def stamp(moment: datetime) -> str:
    """ISO 8601 with subsecond precision, as AGS and Canvas ask."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def score_for(reg: LtiRegistration, grade: LessonGrade) -> dict[str, Any]:
    """The AGS score message for one student's lesson (AGS 2.0 §3.4)."""
    score: dict[str, Any] = {
        "userId": grade.student, "timestamp": stamp(datetime.now(UTC)),
        "comment": comment_for(reg, grade)}
    if grade.submitted_at is not None:
        submitted = stamp(grade.submitted_at)
        score["submission"] = {"submittedAt": submitted}
        score[CANVAS_SUBMISSION] = {"submitted_at": submitted}
    if grade.state == GRADED:
        score.update(scoreGiven=round(grade.score, 2), scoreMaximum=grade.max_score,
                     activityProgress="Completed", gradingProgress="FullyGraded")
    elif grade.state == MISSING:  # only with missing_as_zero, once past due
        score.update(scoreGiven=0.0, scoreMaximum=grade.max_score,
                     activityProgress="Initialized", gradingProgress="FullyGraded")
    else:
        score.update(activityProgress="Submitted", gradingProgress="PendingManual")
    return score


def _same(result: dict[str, Any] | None, score: dict[str, Any]) -> bool:
    if result is None or result.get("comment") != score["comment"]:
        return False
    if "scoreGiven" not in score:
        return result.get("resultScore") is None
    given = result.get("resultScore")
    return (given is not None and abs(float(given) - score["scoreGiven"]) < 0.005
            and float(result.get("resultMaximum", -1)) == float(score["scoreMaximum"]))


def _line_item(client: AgsClient, items: list[dict[str, Any]], lesson: str, maximum: float,
               report: PushReport) -> dict[str, Any]:
    for item in items:
        if item.get("resourceId") == lesson and item.get("tag", TAG) == TAG:
            return item
    item = client.create_line_item(lesson, lesson, maximum, TAG)
    items.append(item)
    report.created.append(lesson)
    return item


def push_course(course: Path, client: AgsClient, *, lessons: list[str] | None = None,
                missing_as_zero: bool = False) -> PushReport:
    """Post every lesson's results of ``course`` through ``client`` (``missing_as_zero``:
    a lesson not handed in and past due is posted as 0; one not yet due never is)."""
    grades = course_grades(course)
    report = PushReport()
    # A lesson not given out yet gets no line item (it would be an empty LMS assignment),
    # unless the instructor names it.
    chosen = [lesson for lesson in grades.lessons
              if (lesson in lessons if lessons else lesson in grades.released)]
    if not lessons:
        report.unreleased = [lesson for lesson in grades.lessons if lesson not in chosen]
    try:
        items = client.line_items()
    except AgsError as err:
        for lesson in chosen:
            report.failed.extend((s, lesson, f"line items unreadable: {err}")
                                 for s in grades.students)
        return report
    for lesson in chosen:
        try:
            item = _line_item(client, items, lesson, grades.maxima[lesson], report)
            held = {str(r.get("userId")): r for r in client.results(item["id"])}
        except (AgsError, KeyError, TypeError) as err:
            report.failed.extend((s, lesson, f"line item unusable: {err}")
                                 for s in grades.students)
            continue
        for student in grades.students:
            grade = grades.grades[(student, lesson)]
            if grade.state == MISSING and not (missing_as_zero
                                                and grade.timing.state != "not yet due"):
                report.missing.append((student, lesson))
                continue
            if grade.state == WAITING:
                report.waiting.append((student, lesson))
            score = score_for(client.registration, grade)
            if _same(held.get(student), score):
                report.unchanged.append((student, lesson))
                continue
            try:
                client.post_score(item["id"], score)
            except AgsError as err:
                report.failed.append((student, lesson, str(err)))
                continue
            (report.zeroed if grade.state == MISSING else report.posted).append(
                (student, lesson))
    return report
