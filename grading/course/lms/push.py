"""``sourcewise lms push DIR``: each lesson's gradebook score to the LMS through LTI AGS.

One line item per lesson, found by its ``resourceId`` (the lesson) and tag, created only the
first time. A student's score goes with its maximum, a comment that says where the feedback
is, and the progress: ``Completed``/``FullyGraded`` when graded, ``Submitted``/
``PendingManual`` (and no score yet, as in the import files) while a written answer waits.
What the platform already holds is read back first and an equal result is not posted again,
so a second push changes nothing. The gradebook is only read, whatever the platform does.
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


@dataclass
class PushReport:
    """What each student's result is now on the platform, and what failed and why."""

    posted: list[tuple[str, str]] = field(default_factory=list)  # (student, lesson)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    waiting: list[tuple[str, str]] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # lessons whose line item was made now
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # student, lesson, why

    def lines(self) -> list[str]:
        out = [f"posted {len(self.posted)} result(s), {len(self.unchanged)} already up to "
               f"date; {len(self.created)} line item(s) created"]
        if self.waiting:
            out.append("  waiting for manual grading (posted as PendingManual, no score yet): "
                       + ", ".join(f"{s} ({lesson})" for s, lesson in self.waiting))
        if self.missing:
            out.append("  not submitted (nothing posted): "
                       + ", ".join(f"{s} ({lesson})" for s, lesson in self.missing))
        for student, lesson, why in self.failed:
            out.append(f"  FAILED {student} ({lesson}): {why}")
        if self.failed:
            out.append("  the gradebook is unchanged; run the push again when the problem "
                       "is fixed (results already posted are not posted twice)")
        return out


def comment_for(reg: LtiRegistration, grade: LessonGrade) -> str:
    where = (reg.feedback_url.format(student=grade.student, lesson=grade.lesson)
             if reg.feedback_url else "JupyterHub → Assignments → Fetch Feedback")
    if grade.state == WAITING:
        return (f"{grade.lesson}: a written answer waits for the instructor's grading. "
                f"Feedback: {where}")
    return (f"{grade.lesson}: {number(grade.score)} of {number(grade.max_score)} points. "
            f"Feedback: {where}")


def score_for(reg: LtiRegistration, grade: LessonGrade) -> dict[str, Any]:
    """The AGS score message for one student's lesson (AGS 2.0 §3.4)."""
    score: dict[str, Any] = {
        "userId": grade.student,
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "comment": comment_for(reg, grade)}
    if grade.state == GRADED:
        score.update(scoreGiven=round(grade.score, 2), scoreMaximum=grade.max_score,
                     activityProgress="Completed", gradingProgress="FullyGraded")
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


def push_course(course: Path, client: AgsClient, *, lessons: list[str] | None = None
                ) -> PushReport:
    """Post every lesson's results of ``course`` through ``client``."""
    grades = course_grades(course)
    report = PushReport()
    chosen = [lesson for lesson in grades.lessons if not lessons or lesson in lessons]
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
            if grade.state == MISSING:
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
            report.posted.append((student, lesson))
    return report
