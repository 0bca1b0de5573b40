"""A small autograded course for the LMS tests (not a test module): five students, one lesson.

Expected values are worked out by hand from the fixture lesson: 4 + 3 + 2 points of widget
tasks and 2 points for a written answer (11 in all). Aalto answers everything right and gets
2 for the written answer (11), Brook answers nothing and gets 0 for it (a real 0), Chen's
written answer waits for a person, Dana never handed in, and Eve is in the gradebook but not
in the LMS (she handed in a perfect lesson, 11 points).
"""

from __future__ import annotations

from pathlib import Path

from course_builder import LESSON, make_course, submit

from sourcewise.grading.course.nbgrader_env import gradebook
from sourcewise.grading.demo.simulated_class import SimulatedStudent

STUDENTS = ["aalto", "brook", "chen", "dana", "eve"]


def lms_course(root: Path) -> Path:
    from sourcewise.grading.course.autograde.run import autograde_course

    course = make_course(root, STUDENTS)
    for sid, quality in (("aalto", 1.0), ("brook", 0.0), ("chen", 0.6), ("eve", 1.0)):
        submit(course, SimulatedStudent(sid, quality))
    autograde_course(course, progress=False)
    with gradebook(course) as gb:  # what formgrader does when a person grades the answer
        for sid, points in (("aalto", 2.0), ("brook", 0.0), ("eve", 2.0)):
            for grade in gb.find_submission_notebook(LESSON, LESSON, sid).grades:
                if grade.needs_manual_grade:
                    grade.manual_score = points
                    grade.needs_manual_grade = False
        gb.db.commit()
    return course
