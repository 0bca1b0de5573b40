"""Does a course folder made before the move keep working: are old step names rewritten once,
with the old file kept, and is a current config left untouched?"""

from __future__ import annotations

from pathlib import Path

from sourcewise.grading.cli.main import main
from sourcewise.grading.course.config_upgrade import upgrade_config

OLD = '''c = get_config()
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "sourcewise.grading.pipeline.autograde_steps.RestoreDeletedCells",
    "sourcewise.grading.pipeline.autograde_steps.SkipDisplayOnlyCells",
]
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "sourcewise.grading.pipeline.feedback_html.StripHiddenTests",
]
'''


def test_old_step_names_are_rewritten_and_the_old_file_kept(tmp_path: Path):
    config = tmp_path / "nbgrader_config.py"
    config.write_text(OLD, encoding="utf-8")
    assert upgrade_config(tmp_path) is True
    text = config.read_text(encoding="utf-8")
    assert "sourcewise.grading.pipeline" not in text
    assert '"sourcewise.grading.course.autograde.steps.RestoreDeletedCells"' in text
    assert '"sourcewise.grading.course.results.feedback.StripHiddenTests"' in text
    assert (tmp_path / "nbgrader_config.py.before-upgrade").read_text(encoding="utf-8") == OLD
    assert upgrade_config(tmp_path) is False  # once only


def test_the_rewritten_names_import():
    import importlib

    for dotted in ("sourcewise.grading.course.autograde.steps.RestoreDeletedCells",
                   "sourcewise.grading.course.autograde.steps.SkipDisplayOnlyCells",
                   "sourcewise.grading.course.results.feedback.StripHiddenTests"):
        module, _, name = dotted.rpartition(".")
        assert hasattr(importlib.import_module(module), name), dotted


def test_a_command_on_an_old_course_says_it_upgraded(tmp_path: Path, capsys):
    (tmp_path / "nbgrader_config.py").write_text(OLD, encoding="utf-8")
    main(["export", str(tmp_path), "--out", str(tmp_path / "out")])
    assert "were updated" in capsys.readouterr().err
    assert "sourcewise.grading.pipeline" not in (tmp_path / "nbgrader_config.py").read_text()
