"""Errors a person can act on (issue 23, item 7): a typo'd course folder, a missing gradebook, an
unwritable path — one sentence, a non-zero exit, no traceback, nothing created; and every option
of every command says what it is for."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from course_builder import fixture_lesson

from sourcewise.grading.cli.main import build_parser, main
from sourcewise.grading.course.course_folder import init_course

# Every command that works on an existing course, with the course folder as {course}.
COURSE_COMMANDS = [
    ["course", "build", "{course}"], ["autograde", "{course}"], ["feedback", "{course}"],
    ["release-feedback", "{course}"], ["export", "{course}"], ["report", "{course}"],
    ["score", "{course}"], ["accept", "{bundle}", "--course", "{course}"],
]
GRADEBOOK_COMMANDS = [c for c in COURSE_COMMANDS if c[0] not in ("score", "accept",
                                                                 "release-feedback")]


def _run(args: list[str], capsys: pytest.CaptureFixture[str], **paths: Path) -> tuple[int, str]:
    code = main([a.format(**{k: str(v) for k, v in paths.items()}) for a in args])
    return code, capsys.readouterr().err


def _one_sentence(err: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err


@pytest.mark.parametrize("args", COURSE_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_typoed_course_folder_is_one_sentence_and_is_not_created(args, tmp_path, capsys):
    typo = tmp_path / "my-coures"
    bundle = tmp_path / "answers.json"
    bundle.write_text("{}", encoding="utf-8")
    code, err = _run(args, capsys, course=typo, bundle=bundle)
    assert code == 1
    _one_sentence(err)
    assert str(typo) in err and "course init" in err
    assert not typo.exists()


@pytest.fixture(scope="module")
def no_gradebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("no-gradebook")
    course = root / "course"
    assert init_course(course, ["ada"], lessons=[fixture_lesson(root / "lesson")]) == 0
    (course / "gradebook.db").unlink()
    return course


@pytest.mark.nbgrader
@pytest.mark.parametrize("args", GRADEBOOK_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_missing_gradebook_is_said_and_never_recreated(args, no_gradebook, capsys):
    code, err = _run(args, capsys, course=no_gradebook)
    assert code == 1
    _one_sentence(err)
    assert "gradebook" in err and "missing" in err
    assert not (no_gradebook / "gradebook.db").exists()


@pytest.mark.parametrize("target", ["/proc/sourcewise-course", "/proc/1/sourcewise/course"])
def test_course_init_on_an_unwritable_path(target, capsys):
    code, err = _run(["course", "init", target], capsys)
    assert code == 1
    _one_sentence(err)
    assert target in err
    assert not Path(target).exists()


def test_course_init_inside_a_file(tmp_path, capsys):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x", encoding="utf-8")
    code, err = _run(["course", "init", str(blocker / "course")], capsys)
    assert code == 1
    _one_sentence(err)
    assert blocker.read_text(encoding="utf-8") == "x"


@pytest.mark.nbgrader
@pytest.mark.parametrize("command", ["export", "report"])
def test_an_unwritable_output_is_one_sentence(command, tmp_path, capsys):
    root = tmp_path
    course = root / "course"
    assert init_course(course, ["ada"], lessons=[fixture_lesson(root / "lesson")]) == 0
    code, err = _run([command, "{course}", "--out", "/proc/sourcewise-out"], capsys,
                     course=course)
    assert code == 1
    _one_sentence(err)
    assert "/proc/sourcewise-out" in err


def _options(parser: argparse.ArgumentParser, path: list[str]):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _options(sub, [*path, name])
        elif not isinstance(action, argparse._HelpAction):
            yield " ".join(path), action


def test_every_option_has_help_text():
    missing = [f"{command} {action.dest}" for command, action in
               _options(build_parser(), ["sourcewise"]) if not (action.help or "").strip()]
    assert not missing, missing
    assert len(list(_options(build_parser(), ["sourcewise"]))) > 40
