"""The ``sourcewise`` command line: parses arguments and calls importable functions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

EPILOG = "Run 'sourcewise COMMAND --help' for a command's options and an example."


def _command(sub: argparse._SubParsersAction, name: str, help_: str, example: str
             ) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help_, description=f"{help_}\n\nExample:\n  {example}",
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sourcewise", epilog=EPILOG,
        description="Source-critical reading lessons for JupyterLab, graded with nbgrader.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _command(sub, "lab", "Copy the student lessons into a working folder and open JupyterLab.",
                 "sourcewise lab --dir ./sourcewise-work")
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
    asub = article.add_subparsers(dest="article_command", metavar="STEP")
    p = _command(asub, "new", "Make an article folder from a plain-text report (first paragraph: "
                 "the headline): text, sentence map, meta.json and an empty key.",
                 "sourcewise article new ./levee --text report.txt --date 2031-04-08")
    p.add_argument("dir", type=Path)
    p.add_argument("--text", type=Path, required=True, help="the report as UTF-8 plain text")
    p.add_argument("--title", default=None)
    p.add_argument("--date", default=None)
    p.add_argument("--outlet", default=None)
    p.add_argument("--url", default=None)
    p.add_argument("--id", default=None, help="article id (default: from the title)")
    p.add_argument("--splitter", default="sentencex", choices=("sentencex", "pysbd"))
    p = _command(asub, "author", "Open the authoring notebook of an article in JupyterLab.",
                 "sourcewise article author ./levee")
    p.add_argument("dir", type=Path)
    p.add_argument("--no-browser", action="store_true", help="start the server only")
    p.add_argument("--prepare-only", action="store_true",
                   help="write the authoring notebook and exit without starting JupyterLab")

    p = _command(sub, "validate", "Check an article folder (text, sentence map, key, accounts).",
                 "sourcewise validate seeds/isis-morale-2014")
    p.add_argument("path", type=Path, help="an article folder, or a packaged article id")

    course = _command(sub, "course", "Set up and build an nbgrader course from the lessons.",
                      "sourcewise course init ./my-course && sourcewise course build ./my-course")
    csub = course.add_subparsers(dest="course_command", metavar="STEP")
    p = _command(csub, "init", "Create a course folder: lessons, nbgrader config, gradebook.",
                 "sourcewise course init ./my-course --students alice bob")
    p.add_argument("dir", type=Path)
    p.add_argument("--students", nargs="*", default=[], help="student ids to register")
    p.add_argument("--db", default=None, help="SQLAlchemy URL of the gradebook (default SQLite)")
    p.add_argument("--article", type=Path, default=None,
                   help="a keyed article folder: lessons generated for it instead of the seed's")
    p = _command(csub, "build", "Generate the student release of every lesson (nbgrader).",
                 "sourcewise course build ./my-course")
    p.add_argument("dir", type=Path, nargs="?", default=Path("."))

    p = _command(sub, "autograde",
                 "Grade every submission from its answers file (no student code runs) and "
                 "record the grades in the nbgrader gradebook.",
                 "sourcewise autograde ./my-course --jobs 2")
    p.add_argument("dir", type=Path, nargs="?", default=Path("."))
    p.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--execute", action="store_true",
                   help="run each notebook in a kernel through nbgrader (for code tasks); "
                        "widget tasks are still scored from the answers file")
    p.add_argument("--lesson", action="append", help="only this lesson (repeatable)")
    p.add_argument("--force", action="store_true", help="regrade submissions already graded")

    p = _command(sub, "feedback", "Write feedback HTML per student, with the key's rationales.",
                 "sourcewise feedback ./my-course")
    p.add_argument("dir", type=Path, nargs="?", default=Path("."))

    p = _command(sub, "export", "Write grades.csv (student × lesson) and items.csv (× item).",
                 "sourcewise export ./my-course --out ./exports")
    p.add_argument("dir", type=Path, nargs="?", default=Path("."))
    p.add_argument("--out", type=Path, default=None, help="folder for the CSV files")

    p = _command(sub, "report", "Write the class report: one self-contained HTML file.",
                 "sourcewise report ./my-course --out report.html")
    p.add_argument("dir", type=Path, nargs="?", default=Path("."))
    p.add_argument("--out", type=Path, default=None)

    p = _command(sub, "score", "Score widget answers without kernels (instant class overview).",
                 "sourcewise score ./my-course --out scores.csv")
    p.add_argument("dir", type=Path, nargs="?", default=Path("."))
    p.add_argument("--out", type=Path, default=None)

    p = _command(sub, "accept", "Hand in students' answers downloads (one file each, e.g. from "
                 "the browser edition) as submissions, then run autograde.",
                 "sourcewise accept sourcewise-answers-2031-04-08.json --course ./my-course "
                 "--student alice")
    p.add_argument("bundles", type=Path, nargs="+", metavar="BUNDLE",
                   help="answers files students downloaded")
    p.add_argument("--course", type=Path, required=True, help="the course folder")
    p.add_argument("--student", default=None,
                   help="student id (default: the name or ID saved in the file); one file only")
    p.add_argument("--replace", action="store_true",
                   help="replace an existing submission (the old one is moved to "
                        "submitted-replaced/, never deleted)")

    lite = _command(sub, "lite", "The self-study edition in the browser (JupyterLite, no install).",
                    "sourcewise lite build --out ./sourcewise-lite")
    lsub = lite.add_subparsers(dest="lite_command", metavar="STEP")
    p = _command(lsub, "build", "Write the static JupyterLite site: the lessons, the widgets and "
                 "self-checks, Pyodide and every wheel it needs (no request leaves the site).",
                 "sourcewise lite build --out ./sourcewise-lite && "
                 "python -m http.server -d ./sourcewise-lite --bind 127.0.0.1 8000")
    p.add_argument("--out", type=Path, required=True, help="folder for the site (replaced)")

    p = _command(sub, "demo", "Run the whole instructor flow on simulated students.",
                 "sourcewise demo --out ./demo --students 30")
    p.add_argument("--out", type=Path, required=True, help="folder for the demo course")
    p.add_argument("--students", type=int, default=12)
    p.add_argument("--jobs", type=int, default=1)
    return parser


def _validate(path: Path) -> int:
    from sourcewise.seeds import validate_article_dir
    from sourcewise.seeds.article import SeedError, article_dir

    try:
        folder = article_dir(path)
    except SeedError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    from sourcewise.seeds.key_progress import key_progress

    problems = validate_article_dir(folder)
    for problem in problems:
        print(problem)
    for line in key_progress(folder, problems=len(problems)).lines():
        print(line)
    if problems:
        print(f"{len(problems)} problem(s) in {folder}", file=sys.stderr)
        return 1
    print(f"{folder}: no problems found")
    return 0


def _article(args: argparse.Namespace) -> int:
    from sourcewise.seeds import SeedError

    if args.article_command == "new":
        from sourcewise.seeds.scaffold import new_article, normalise_text

        try:
            folder = new_article(args.dir, normalise_text(args.text.read_bytes()),
                                 title=args.title, date=args.date, outlet=args.outlet,
                                 url=args.url, article_id=args.id, splitter=args.splitter)
        except (SeedError, OSError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        print(f"article folder ready: {folder}\n  next: sourcewise article author {folder}")
        return _validate(folder)
    if args.article_command == "author":
        from .article_authoring import open_authoring

        return open_authoring(args.dir, no_browser=args.no_browser,
                              prepare_only=args.prepare_only)
    build_parser().parse_args(["article", "--help"])
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "validate":
        return _validate(args.path)
    if args.command == "lab":
        from .student_lab import open_lab

        return open_lab(args.dir, no_browser=args.no_browser, port=args.port,
                        prepare_only=args.prepare_only, article=args.article)
    if args.command == "article":
        return _article(args)
    if args.command == "course":
        from . import course

        if args.course_command == "init":
            return course.init_course(args.dir, students=args.students, db_url=args.db,
                                      article=args.article)
        if args.course_command == "build":
            return course.build_course(args.dir)
        parser.parse_args(["course", "--help"])
    if args.command == "autograde":
        from .autograde import autograde_course

        return autograde_course(args.dir, jobs=args.jobs, lessons=args.lesson, force=args.force,
                                execute=args.execute)
    if args.command == "feedback":
        from .feedback_html import feedback_course

        return feedback_course(args.dir)
    if args.command == "export":
        from .export import export_course

        return export_course(args.dir, out=args.out)
    if args.command == "report":
        from .class_report import report_course

        return report_course(args.dir, out=args.out)
    if args.command == "score":
        from .kernel_free import score_course

        return score_course(args.dir, out=args.out)
    if args.command == "accept":
        from .bundle_intake import accept_command

        return accept_command(args.course, args.bundles, student=args.student,
                              replace=args.replace)
    if args.command == "lite":
        if args.lite_command == "build":
            from .lite_site import main as build_lite

            return build_lite(args.out)
        parser.parse_args(["lite", "--help"])
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(args.out, students=args.students, jobs=args.jobs)
    return 2


if __name__ == "__main__":
    sys.exit(main())
