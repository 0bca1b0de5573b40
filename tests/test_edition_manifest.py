"""Does each student edition ship exactly the files its golden list names, and never the
instructor's subpackages? (Update a golden list on purpose: ``pytest --update-goldens``.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.grading.editions.course_wheel import package_files
from sourcewise.grading.editions.lite.site import sourcewise_files
from sourcewise.grading.editions.manifest import article_files, code_files
from sourcewise.lessons import lesson_paths
from sourcewise.seeds.article import SEEDS_DIR

GOLDENS = Path(__file__).resolve().parent / "goldens"
INSTRUCTOR = ("sourcewise/grading/course/", "sourcewise/grading/editions/",
              "sourcewise/grading/authoring/", "sourcewise/grading/demo/",
              "sourcewise/grading/cli/", "sourcewise/lessons/")


def _check_golden(name: str, files: list[str], update: bool) -> None:
    golden = GOLDENS / name
    text = "\n".join(sorted(files)) + "\n"
    if update:
        golden.write_text(text, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8").splitlines()
    extra = sorted(set(files) - set(expected))
    missing = sorted(set(expected) - set(files))
    assert not extra and not missing, f"{name}: ships {extra} beyond, lacks {missing}"


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def test_course_edition_ships_its_golden_list(update_goldens: bool):
    _check_golden("course-edition.txt", list(package_files(lesson_paths())), update_goldens)


def test_lite_edition_ships_its_golden_list(update_goldens: bool):
    _check_golden("lite-edition.txt", list(sourcewise_files()), update_goldens)


def test_no_edition_ships_instructor_code():
    for files in (package_files(lesson_paths()), sourcewise_files()):
        leaked = [name for name in files if name.startswith(INSTRUCTOR)]
        assert not leaked, leaked


def test_a_new_instructor_subpackage_stays_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The patterns are not recursive: a folder added under grading/ does not ship by itself."""
    from sourcewise.grading.editions import manifest

    root = tmp_path / "grading"
    (root / "newstage").mkdir(parents=True)
    (root / "scoring.py").write_text("")
    (root / "newstage" / "__init__.py").write_text("")
    monkeypatch.setattr(manifest, "package_dir", lambda name: root)
    monkeypatch.setattr(manifest, "STUDENT_CODE", {"grading": ("*.py",)})
    assert list(code_files()) == ["sourcewise/grading/scoring.py"]


def test_only_the_browser_edition_carries_the_key():
    seed = next(p for p in SEEDS_DIR.iterdir() if (p / "key.json").exists())
    assert "key.json" in article_files("lite", seed)
    assert "key.json" not in article_files("course", seed)
    with pytest.raises(ValueError, match="unknown edition"):
        article_files("phone", seed)
