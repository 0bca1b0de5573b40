"""The closing lines of ``sourcewise autograde``: every hand-in with a problem, and every folder
that was not graded, each with what to do. Nothing that went wrong stays only in the log."""

from __future__ import annotations

from collections.abc import Sequence

from sourcewise.grading.course.submission_result import Problem

MAX_LINES = 200  # a class of thousands with one broken lesson must not flood the terminal


def _line(problem: Problem) -> str:
    who = "/".join(part for part in (problem.student, problem.lesson) if part) or "submitted/"
    todo = f" → {problem.todo}" if problem.todo else ""
    return f"  {who}: {problem.what}{todo}"


def summary_lines(problems: Sequence[Problem], not_graded: Sequence[Problem],
                  log: str) -> list[str]:
    """Plain lines for the terminal (empty when there is nothing to say)."""
    lines: list[str] = []
    for title, entries in ((f"{len({(p.student, p.lesson) for p in problems})} graded "
                            "submission(s) with a problem (the student's feedback says the "
                            "same):", problems),
                           (f"{len(not_graded)} folder(s) or file(s) not graded:", not_graded)):
        if not entries:
            continue
        lines.append(title)
        lines += [_line(p) for p in entries[:MAX_LINES]]
        if len(entries) > MAX_LINES:
            lines.append(f"  … and {len(entries) - MAX_LINES} more in {log}")
    return lines
