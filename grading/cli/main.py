"""The ``sourcewise`` command line: parses arguments and calls the command's function.

Each subcommand names its function with ``set_defaults(func=…)``; the functions live in
``commands`` and call the pipeline. A problem a person can act on (a missing course folder, a
file that cannot be read) is one sentence on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sourcewise.grading.cli import commands
from sourcewise.grading.cli.commands import USER_ERRORS

COURSE_HELP = "the course folder (default: the current folder)"
EPILOG = "Run 'sourcewise COMMAND --help' for a command's options and an example."


def _command(sub: argparse._SubParsersAction, name: str, help_: str, example: str
             ) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help_, description=f"{help_}\n\nExample:\n  {example}",
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def _help_of(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    """A command group run without its step prints its help and fails."""
    def show(_: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2
    return show


def _due_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--due", action="append", default=[], metavar="LESSON=WHEN",
                   help="a lesson's due date, e.g. 01-claims=2031-04-08T23:59 (local time "
                        "unless an offset is given; repeatable); kept in due-dates.json")
    p.add_argument("--extension", action="append", default=[], metavar="STUDENT:LESSON=LENGTH",
                   help="more time for one student, e.g. alice:01-claims=2d (or 36h, 90m; "
                        "repeatable)")
    p.add_argument("--late-penalty", default=None, metavar="PERCENT[/MAX]",
                   help="optional: percent off per started day late, capped at MAX, e.g. "
                        "10/50 (shown in export and report; the gradebook is not changed)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sourcewise", epilog=EPILOG,
        description="Source-critical reading lessons for JupyterLab, graded with nbgrader.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _command(sub, "lab", "Copy the student lessons into a working folder and open JupyterLab.",
                 "sourcewise lab --dir ./sourcewise-work")
    p.set_defaults(func=commands.lab)
    p.add_argument("--dir", type=Path, default=Path("sourcewise-work"),
                   help="working folder for notebooks and answers (default: ./sourcewise-work)")
    p.add_argument("--no-browser", action="store_true", help="start the server only")
    p.add_argument("--port", type=int, default=None, help="port for JupyterLab")
    p.add_argument("--prepare-only", action="store_true",
                   help="prepare the working folder and exit without starting JupyterLab")

    p.add_argument("--article", type=Path, default=None,
                   help="a keyed article folder: lessons generated for it instead of the seed's")

    article = _command(sub, "article", "Bring your own article: scaffold it, then author its key.",
                       "sourcewise article new ./my-article --text report.txt")
    article.set_defaults(func=_help_of(article))
    asub = article.add_subparsers(dest="article_command", metavar="STEP")
    p = _command(asub, "new", "Make an article folder from a plain-text report (first paragraph: "
                 "the headline): text, sentence map, meta.json and an empty key.",
                 "sourcewise article new ./levee --text report.txt --date 2031-04-08")
    p.set_defaults(func=commands.article_new)
    p.add_argument("dir", type=Path, help="the article folder to make")
    p.add_argument("--text", type=Path, required=True, help="the report as UTF-8 plain text")
    p.add_argument("--title", default=None, help="the article's headline as published")
    p.add_argument("--date", default=None, help="publication date, e.g. 2031-04-08")
    p.add_argument("--outlet", default=None, help="who published it")
    p.add_argument("--url", default=None, help="where it was published")
    p.add_argument("--id", default=None, help="article id (default: from the title)")
    p.add_argument("--splitter", default="sentencex", choices=("sentencex", "pysbd"),
                   help="how the text is split into sentences (default: sentencex)")
    p = _command(asub, "author", "Open the authoring notebook of an article in JupyterLab.",
                 "sourcewise article author ./levee")
    p.set_defaults(func=commands.article_author)
    p.add_argument("dir", type=Path, help="the article folder (made by 'sourcewise article new')")
    p.add_argument("--no-browser", action="store_true", help="start the server only")
    p.add_argument("--prepare-only", action="store_true",
                   help="write the authoring notebook and exit without starting JupyterLab")

    p = _command(sub, "validate", "Check an article folder (text, sentence map, key, accounts).",
                 "sourcewise validate seeds/isis-morale-2014")
    p.set_defaults(func=commands.validate)
    p.add_argument("path", type=Path, help="an article folder, or a packaged article id")

    course = _command(sub, "course", "Set up and build an nbgrader course from the lessons.",
                      "sourcewise course init ./my-course && sourcewise course build ./my-course")
    course.set_defaults(func=_help_of(course))
    csub = course.add_subparsers(dest="course_command", metavar="STEP")
    p = _command(csub, "init", "Create a course folder: lessons, nbgrader config, gradebook.",
                 "sourcewise course init ./my-course --students alice bob")
    p.set_defaults(func=commands.course_init)
    p.add_argument("dir", type=Path, help="the course folder to make (or complete)")
    p.add_argument("--students", nargs="*", default=[],
                   help="student ids to register (run init again to add students later)")
    p.add_argument("--db", default=None, help="SQLAlchemy URL of the gradebook (default SQLite)")
    p.add_argument("--article", type=Path, default=None,
                   help="a keyed article folder: lessons generated for it instead of the seed's")
    _due_options(p)
    p = _command(csub, "build", "Generate the student release of every lesson (nbgrader).",
                 "sourcewise course build ./my-course --due 01-claims=2031-04-08T23:59")
    p.set_defaults(func=commands.course_build)
    p.add_argument("dir", type=Path, nargs="?", default=Path("."), help=COURSE_HELP)
    _due_options(p)

    p = _command(sub, "autograde",
                 "Grade every submission from its answers file (no student code runs) and "
                 "record the grades in the nbgrader gradebook.",
                 "sourcewise autograde ./my-course --jobs 2")
    p.set_defaults(func=commands.autograde)
    p.add_argument("dir", type=Path, nargs="?", default=Path("."), help=COURSE_HELP)
    p.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--execute", action="store_true",
                   help="run each notebook in a kernel through nbgrader (for code tasks); "
                        "widget tasks are still scored from the answers file")
    p.add_argument("--lesson", action="append", help="only this lesson (repeatable)")
    p.add_argument("--student", action="append", metavar="ID",
                   help="only this student (repeatable); with --force, regrades just them")
    p.add_argument("--force", action="store_true",
                   help="regrade submissions already graded (hand-set grades of written "
                        "answers that did not change are kept)")
    p.add_argument("--add-students", action="store_true",
                   help="grade, and add to the gradebook, students who are not on the roster "
                        "(without it they are listed and left ungraded)")
    p.add_argument("--lms-push", action="store_true",
                   help="then post the scores to the LMS through LTI (as 'sourcewise lms push')")
    p.add_argument("--lti", type=Path, default=None,
                   help="the LTI registration file (default ~/.config/sourcewise/lti.json)")

    p = _command(sub, "feedback", "Write feedback HTML per student, with the key's rationales.",
                 "sourcewise feedback ./my-course --student alice")
    p.set_defaults(func=commands.feedback)
    p.add_argument("dir", type=Path, nargs="?", default=Path("."), help=COURSE_HELP)
    p.add_argument("--lesson", action="append", help="only this lesson (repeatable)")
    p.add_argument("--student", action="append", metavar="ID",
                   help="only this student (repeatable)")

    p = _command(sub, "release-feedback", "Return the feedback pages to students: through the "
                 "exchange for work submitted there, into returned/<student>/ for work handed "
                 "in any other way (works where 'nbgrader release_feedback' stops).",
                 "sourcewise release-feedback ./my-course --student alice")
    p.set_defaults(func=commands.release_feedback)
    p.add_argument("dir", type=Path, nargs="?", default=Path("."), help=COURSE_HELP)
    p.add_argument("--lesson", action="append", help="only this lesson (repeatable)")
    p.add_argument("--student", action="append", metavar="ID",
                   help="only this student (repeatable)")

    p = _command(sub, "export", "Write grades.csv (student × lesson) and items.csv (× item), "
                 "or with --lms the LMS's own gradebook import file.",
                 "sourcewise export ./my-course --lms canvas --roster canvas-gradebook.csv")
    p.set_defaults(func=commands.export)
    p.add_argument("dir", type=Path, nargs="?", default=Path("."), help=COURSE_HELP)
    p.add_argument("--out", type=Path, default=None, help="folder for the CSV files")
    p.add_argument("--lms", choices=("canvas", "moodle"), default=None,
                   help="write the gradebook import file of this LMS (needs --roster)")
    p.add_argument("--roster", type=Path, default=None,
                   help="the roster/gradebook CSV exported from the LMS")
    p.add_argument("--match", choices=("login", "sis", "email"), default="login",
                   help="the roster field that equals the nbgrader student id (default login)")
    p.add_argument("--missing-as-zero", action="store_true",
                   help="write 0 for a lesson never handed in (default: the LMS's no grade)")

    p = _command(sub, "report", "Write the class report: one self-contained HTML file.",
                 "sourcewise report ./my-course --out report.html")
    p.set_defaults(func=commands.report)
    p.add_argument("dir", type=Path, nargs="?", default=Path("."), help=COURSE_HELP)
    p.add_argument("--out", type=Path, default=None,
                   help="the HTML file to write (default: <course>/reports/class-report.html)")

    p = _command(sub, "summary", "Self-study: write your skills summary (skills check before "
                 "and after the lessons) into your working folder.",
                 "sourcewise summary --dir ./sourcewise-work")
    p.set_defaults(func=commands.summary)
    p.add_argument("--dir", type=Path, default=Path("sourcewise-work"),
                   help="your working folder (default: ./sourcewise-work)")

    p = _command(sub, "score", "Score widget answers without kernels (instant class overview).",
                 "sourcewise score ./my-course --out scores.csv")
    p.set_defaults(func=commands.score)
    p.add_argument("dir", type=Path, nargs="?", default=Path("."), help=COURSE_HELP)
    p.add_argument("--out", type=Path, default=None,
                   help="the CSV file to write (default: <course>/kernel-free-scores.csv)")

    p = _command(sub, "accept", "Hand in students' answers downloads (one file each, e.g. from "
                 "the browser edition) as submissions, then run autograde.",
                 "sourcewise accept sourcewise-answers-2031-04-08.json --course ./my-course "
                 "--student alice")
    p.set_defaults(func=commands.accept)
    p.add_argument("bundles", type=Path, nargs="+", metavar="BUNDLE",
                   help="answers files students downloaded")
    p.add_argument("--course", type=Path, required=True, help="the course folder")
    p.add_argument("--student", default=None,
                   help="student id (default: the name or ID saved in the file); one file only")
    p.add_argument("--replace", action="store_true",
                   help="replace an existing submission (the old one is moved to "
                        "submitted-replaced/, never deleted)")

    lms = _command(sub, "lms", "Grades to the LMS through LTI 1.3 (Assignment and Grade "
                   "Services).", "sourcewise lms push ./my-course")
    lms.set_defaults(func=_help_of(lms))
    msub = lms.add_subparsers(dest="lms_command", metavar="STEP")
    p = _command(msub, "push", "Post each lesson's scores to the LMS's line items (one per "
                 "lesson, made once); a second push changes nothing.",
                 "sourcewise lms push ./my-course --lti ~/.config/sourcewise/lti.json")
    p.set_defaults(func=commands.lms_push)
    p.add_argument("dir", type=Path, nargs="?", default=Path("."), help=COURSE_HELP)
    p.add_argument("--lti", type=Path, default=None,
                   help="the LTI registration file (default ~/.config/sourcewise/lti.json)")
    p.add_argument("--lesson", action="append", help="only this lesson (repeatable)")
    p.add_argument("--missing-as-zero", action="store_true",
                   help="post 0 for a lesson not handed in once it is past due (default: "
                        "post nothing, so the LMS's own missing-work policy applies)")
    p = _command(msub, "keygen", "Make the tool's signing key (mode 600) and print the public "
                 "key to register in the LMS.",
                 "sourcewise lms keygen ~/.config/sourcewise/lti-key.pem")
    p.set_defaults(func=commands.lms_keygen)
    p.add_argument("key", type=Path, help="where to write the private key (never replaced)")
    service = _command(sub, "service", "Grade on submit (JupyterHub): a service that grades each "
                       "submission as it arrives and releases its feedback.",
                       "sourcewise service status ./my-course")
    service.set_defaults(func=_help_of(service))
    ssub = service.add_subparsers(dest="service_command", metavar="STEP")
    p = _command(ssub, "run", "Watch nbgrader's exchange and grade each new submission of the "
                 "lessons in DIR/grade-on-submit.toml (run by the hub as a managed service).",
                 "sourcewise service run ~/my-course")
    p.set_defaults(func=commands.service_run)
    p.add_argument("dir", type=Path, nargs="?", default=Path("."), help=COURSE_HELP)
    p.add_argument("--once", action="store_true",
                   help="grade what is waiting, then exit (instead of watching)")
    p = _command(ssub, "status", "Show the service's queue, what it refused, and its log.",
                 "sourcewise service status ~/my-course")
    p.set_defaults(func=commands.service_status)
    p.add_argument("dir", type=Path, nargs="?", default=Path("."), help=COURSE_HELP)
    p.add_argument("--log", type=int, default=15, help="log lines to show (default 15)")

    lite = _command(sub, "lite", "The self-study edition in the browser (JupyterLite, no install).",
                    "sourcewise lite build --out ./sourcewise-lite")
    lite.set_defaults(func=_help_of(lite))
    lsub = lite.add_subparsers(dest="lite_command", metavar="STEP")
    p = _command(lsub, "build", "Write the static JupyterLite site: the lessons, the widgets and "
                 "self-checks, Pyodide and every wheel it needs (no request leaves the site).",
                 "sourcewise lite build --out ./sourcewise-lite && "
                 "python -m http.server -d ./sourcewise-lite --bind 127.0.0.1 8000")
    p.set_defaults(func=commands.lite_build)
    p.add_argument("--out", type=Path, required=True, help="folder for the site (replaced)")

    p = _command(sub, "demo", "Run the whole instructor flow on simulated students.",
                 "sourcewise demo --out ./demo --students 30")
    p.set_defaults(func=commands.demo)
    p.add_argument("--out", type=Path, required=True, help="folder for the demo course")
    p.add_argument("--students", type=int, default=12,
                   help="how many simulated students (default 12)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    try:
        return int(func(args))
    except USER_ERRORS as err:
        print(f"error: {commands.sentence(err)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
