"""Are the browser edition's lessons and wheel right before any browser sees them?"""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path

import pytest

from sourcewise.grading.editions.lite.pyodide_runtime import wheel_requires
from sourcewise.grading.editions.lite.site import (
    CHART_NOTE,
    TRANSFER_NOTEBOOK,
    check_output_folder,
    lite_lesson,
    sourcewise_files,
)
from sourcewise.lessons import lesson_paths

LESSONS = {path.stem: path for path in lesson_paths()}


def _code(notebook: dict) -> list[str]:
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


def test_every_lesson_says_where_answers_live_and_installs_nothing() -> None:
    """Sourcewise is loaded with the kernel: no install cell; a note says answers stay in
    this browser and names the notebook that downloads them."""
    for path in LESSONS.values():
        notebook = lite_lesson(path)
        note = "".join(notebook["cells"][1]["source"])
        assert "browser's storage" in note and TRANSFER_NOTEBOOK in note, path.name
        assert not [s for s in _code(notebook) if "%pip" in s or "micropip" in s], path.name


def test_chart_cells_print_a_note_without_pandas(capsys, monkeypatch) -> None:
    """Lessons 3 to 6 draw charts; without pandas each such cell only prints a note."""
    guarded = {stem: [s for s in _code(lite_lesson(path)) if CHART_NOTE in s]
               for stem, path in LESSONS.items()}
    assert all(guarded[s] for s in ("03-corroboration", "04-framing", "05-weighing",
                                    "06-capstone"))
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    for cells in guarded.values():
        for source in cells:
            exec(compile(source, "<lite cell>", "exec"), {"get_ipython": None})
    assert capsys.readouterr().out.count("Skipped in the browser edition") == sum(
        map(len, guarded.values()))


def test_no_lesson_imports_pandas_or_plotly_outside_a_guard() -> None:
    for stem, path in LESSONS.items():
        for source in _code(lite_lesson(path)):
            if CHART_NOTE not in source:
                assert "import pandas" not in source and "import plotly" not in source, stem
                assert ".heatmap(" not in source and ".reliability_figure(" not in source, stem


def test_the_self_study_wheel_has_the_key_and_no_pipeline() -> None:
    files = sourcewise_files()
    assert "sourcewise/seeds/isis-morale-2014/key.json" in files
    assert "sourcewise/seeds/edition.json" not in files  # no file: the full edition
    assert not [name for name in files if "/pipeline/" in name or name.endswith(".ipynb")]


def test_wheel_requires_skips_extras_and_platform_markers(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x-1.dist-info/METADATA", "Metadata-Version: 2.1\nName: x\n"
                         "Requires-Dist: anywidget>=0.9\nRequires-Dist: typing_extensions\n"
                         "Requires-Dist: pytest; extra == 'test'\n"
                         "Requires-Dist: pywin32; sys_platform == 'win32'\n")
    wheel = tmp_path / "x-1-py3-none-any.whl"
    wheel.write_bytes(buffer.getvalue())
    assert wheel_requires(wheel, "3.12") == ["anywidget", "typing-extensions"]


def test_wheel_requires_evaluates_python_version_markers(tmp_path: Path) -> None:
    """A requirement only for old Pythons is left out; one for the browser's Python is kept."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("y-1.dist-info/METADATA", "Metadata-Version: 2.1\nName: y\n"
                         "Requires-Dist: importlib-metadata; python_version < '3.8'\n"
                         "Requires-Dist: exceptiongroup; python_version >= '3.11'\n")
    wheel = tmp_path / "y-1-py3-none-any.whl"
    wheel.write_bytes(buffer.getvalue())
    assert wheel_requires(wheel, "3.12") == ["exceptiongroup"]


def test_the_build_never_replaces_a_folder_that_is_not_an_earlier_site(tmp_path: Path) -> None:
    """``--out .`` or ``--out ~`` must not delete someone's files: only a new folder, an empty
    one or an earlier site may be (re)written."""
    check_output_folder(tmp_path / "new")
    (tmp_path / "empty").mkdir()
    check_output_folder(tmp_path / "empty")
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "jupyter-lite.json").write_text("{}")
    check_output_folder(earlier)
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "thesis.docx").write_text("years of work")
    for bad in (tmp_path / "home", tmp_path / "home" / "thesis.docx"):
        with pytest.raises(RuntimeError, match="not"):
            check_output_folder(bad)
    assert (tmp_path / "home" / "thesis.docx").read_text() == "years of work"
