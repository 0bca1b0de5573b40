"""What each ``sourcewise`` subcommand does with its parsed arguments: one small function each.

They check the paths a person typed (a missing course folder is a sentence, never a new empty
folder or a traceback) and call the pipeline; heavy modules load only for the command run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sourcewise.grading.course.config_upgrade import upgrade_config
from sourcewise.grading.course.course_errors import CourseError
from sourcewise.grading.course.course_errors import require_course as _require_course
from sourcewise.seeds.article import SeedError

# Errors whose message is meant for the person at the terminal.
# An OSError reaching the CLI is a path the person gave that cannot be read or written.
USER_ERRORS: tuple[type[BaseException], ...] = (CourseError, SeedError, OSError)


def sentence(err: BaseException) -> str:
    """One line for an error: its message, or for a file error the path and the reason."""
    if isinstance(err, OSError) and err.filename is not None:
        return f"{err.filename}: {err.strerror or err}"
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def require_course(directory: Path) -> Path:
    """The course folder named on the command line, its config brought up to date."""
    folder = _require_course(directory)
    if upgrade_config(folder):
        print(f"note: {folder}/nbgrader_config.py named Sourcewise's nbgrader steps by their old "
              "module paths; they were updated (the old file is kept beside it, "
              "'.before-upgrade')", file=sys.stderr)
    return folder


def validate(args: argparse.Namespace) -> int:
    return validate_path(args.path)


def validate_path(path: Path) -> int:
    from sourcewise.seeds import validate_article_dir
    from sourcewise.seeds.article import article_dir
    from sourcewise.seeds.key_progress import key_progress

    folder = article_dir(path)
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


def lab(args: argparse.Namespace) -> int:
    from sourcewise.grading.editions.lab import open_lab

    return open_lab(args.dir, no_browser=args.no_browser, port=args.port,
                    prepare_only=args.prepare_only, article=args.article)


def article_new(args: argparse.Namespace) -> int:
    from sourcewise.grading.authoring.scaffold import new_article, normalise_text

    try:
        folder = new_article(args.dir, normalise_text(args.text.read_bytes()),
                             title=args.title, date=args.date, outlet=args.outlet,
                             url=args.url, article_id=args.id, splitter=args.splitter)
    except (SeedError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"article folder ready: {folder}\n  next: sourcewise article author {folder}")
    return validate_path(folder)


def article_author(args: argparse.Namespace) -> int:
    from sourcewise.grading.authoring.author_notebook import open_authoring

    return open_authoring(args.dir, no_browser=args.no_browser, prepare_only=args.prepare_only)


def course_init(args: argparse.Namespace) -> int:
    from sourcewise.grading.course.course_folder import init_course

    return init_course(args.dir, students=args.students, db_url=args.db, article=args.article,
                       due=args.due, extensions=args.extension, late_penalty=args.late_penalty)


def course_build(args: argparse.Namespace) -> int:
    from sourcewise.grading.course.course_folder import build_course

    return build_course(require_course(args.dir), due=args.due, extensions=args.extension,
                        late_penalty=args.late_penalty)


def autograde(args: argparse.Namespace) -> int:
    from sourcewise.grading.course.autograde.run import autograde_course

    course = require_course(args.dir)
    code = autograde_course(course, jobs=args.jobs, lessons=args.lesson, force=args.force,
                            execute=args.execute, students=args.student,
                            add_students=args.add_students)
    if args.lms_push:
        code = max(code, _push(course, args.lti, args.lesson))
    return code


def _push(course: Path, registration: Path | None, lessons: list[str] | None,
          missing_as_zero: bool = False) -> int:
    from sourcewise.grading.course.lms.ags_client import AgsClient
    from sourcewise.grading.course.lms.lti_keys import load_registration
    from sourcewise.grading.course.lms.push import push_course

    report = push_course(course, AgsClient(load_registration(registration, course=course)),
                         lessons=lessons, missing_as_zero=missing_as_zero)
    print("\n".join(report.lines()))
    return 1 if report.failed else 0


def lms_push(args: argparse.Namespace) -> int:
    return _push(require_course(args.dir), args.lti, args.lesson, args.missing_as_zero)


def lms_keygen(args: argparse.Namespace) -> int:
    import json

    from sourcewise.grading.course.lms.lti_keys import generate_key

    jwk = generate_key(args.key)
    print(f"wrote the private key {args.key} (mode 600) and its public key as "
          f"{args.key.with_suffix('.jwks.json')} and {args.key.with_suffix('.pub.pem')}; "
          "register this public JWK with the LMS (Moodle takes the .pub.pem):")
    print(json.dumps(jwk, indent=1))
    return 0


def feedback(args: argparse.Namespace) -> int:
    from sourcewise.grading.course.nbgrader_env import check_gradebook
    from sourcewise.grading.course.results.feedback import feedback_course

    course = require_course(args.dir)
    check_gradebook(course)  # nbgrader would make a new empty one and fail every page
    return feedback_course(course, args.lesson, students=args.student)


def release_feedback(args: argparse.Namespace) -> int:
    from sourcewise.grading.course.feedback_release import release_command

    return release_command(require_course(args.dir), args.lesson, args.student)


def export(args: argparse.Namespace) -> int:
    if args.lms is None:
        if args.roster is not None:
            raise CourseError("--roster goes with --lms canvas or --lms moodle")
        from sourcewise.grading.course.results.export import export_course

        return export_course(require_course(args.dir), out=args.out)
    from sourcewise.grading.course.lms.import_file import write_import_file

    if args.roster is None:
        raise CourseError(f"--lms {args.lms} needs --roster FILE: the roster or gradebook CSV "
                          "exported from the LMS, which says who each student is there")
    summary = write_import_file(require_course(args.dir), args.lms, args.roster, out=args.out,
                                match=args.match, missing_as_zero=args.missing_as_zero)
    print("\n".join(summary.lines()))
    return 0


def report(args: argparse.Namespace) -> int:
    from sourcewise.grading.course.results.report import report_course

    return report_course(require_course(args.dir), out=args.out)


def summary(args: argparse.Namespace) -> int:
    from sourcewise.grading.course.results.self_summary import write_self_summary

    if not Path(args.dir).is_dir():
        raise CourseError(f"{args.dir} is not a folder: give your working folder with --dir")
    print(f"wrote {write_self_summary(Path(args.dir))}")
    return 0


def score(args: argparse.Namespace) -> int:
    from sourcewise.grading.course.autograde.score_only import score_course

    return score_course(require_course(args.dir), out=args.out)


def accept(args: argparse.Namespace) -> int:
    from sourcewise.grading.course.bundle_intake import accept_command

    return accept_command(require_course(args.course), args.bundles, student=args.student,
                          replace=args.replace)


def lite_build(args: argparse.Namespace) -> int:
    from sourcewise.grading.editions.lite.site import main as build_lite

    return build_lite(args.out)


def demo(args: argparse.Namespace) -> int:
    from sourcewise.grading.demo.run import run_demo

    return run_demo(args.out, students=args.students, jobs=args.jobs)


def service_run(args: argparse.Namespace) -> int:
    from sourcewise.grading.course.service.runner import run_service

    return run_service(require_course(args.dir), once=args.once)


def service_status(args: argparse.Namespace) -> int:
    from sourcewise.grading.course.service.status import service_status as status_lines

    print("\n".join(status_lines(require_course(args.dir), log_lines=args.log)))
    return 0
