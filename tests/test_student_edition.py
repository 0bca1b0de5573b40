"""The course edition students install holds no key, runs every lesson, and cannot be switched
back to self-study from inside a notebook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from sourcewise.grading.course.course_folder import build_course, init_course
from sourcewise.lessons import lesson_paths
from sourcewise.seeds import load_accounts, load_key

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

SITE = sysconfig.get_paths()["purelib"]


def secrets() -> list[str]:
    """Every text of the key that answers or explains a task: rationales, later outcomes,
    accepted alternatives as they are written in the key, the accounts' alignment notes."""
    key = load_key()
    found = []
    for group in (key.claims, key.sources, key.framing):
        for item in group:
            found.append(item["rationale"])
            later = item.get("later_reporting") or {}
            if later.get("summary"):
                found.append(later["summary"])
    for account in load_accounts():
        for entry in account.data.get("alignment", {}).values():
            if entry.get("note"):
                found.append(entry["note"])
        notes = account.data.get("teaching_notes")
        found += [notes] if isinstance(notes, str) else list(notes or [])
    # A long text is unmistakable; a short one (a few words) could be ordinary prose.
    return sorted({s for s in found if isinstance(s, str) and len(s) >= 60})


KEY_FIELDS = ['"rationale"', "'rationale'", '"also_acceptable"', "'also_acceptable'",
              '"later_reporting"', "'later_reporting'", '"alignment"', "'alignment'",
              '"bears_on"', '"provenance"']


def label_patterns() -> list[str]:
    """The key's item labels as a key or a task key would spell them in JSON or Python."""
    patterns = ["### BEGIN HIDDEN TESTS", "KEY = {"]
    for claim in load_key().claims:
        for field in ("verification", "attribution", "checkable"):
            patterns.append(f'"{field}": "{claim[field]}"')
    return patterns


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("edition") / "course"
    assert init_course(folder, ["s1"], lessons=lesson_paths()) == 0
    assert build_course(folder) == 0
    return folder


@pytest.fixture(scope="module")
def installed(course: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The student package installed exactly as the README says (pip install <wheel>), into a
    folder of its own (its dependencies come from this environment)."""
    wheels = list((course / "student-package").glob("*.whl"))
    assert len(wheels) == 1
    target = tmp_path_factory.mktemp("student-site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheels[0])], check=True)
    return target


def student_python(site: Path, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run code with the student package first on the path and no editable install (-S skips
    the .pth files that would map ``sourcewise`` back to this repository)."""
    prelude = f"import sys; sys.path[:0] = [{str(site)!r}, {SITE!r}]\n"
    return subprocess.run([sys.executable, "-S", "-c", prelude + textwrap.dedent(code)],
                          cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": ""})


def test_no_file_of_the_student_environment_holds_key_text(installed: Path, course: Path):
    """Are rationales, outcomes and item labels absent from every installed and released file?"""
    files = [p for p in installed.rglob("*") if p.is_file()]
    files += [p for p in (course / "release").rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert "key.json" not in names
    assert not any(p.suffix == ".ipynb" for p in installed.rglob("*"))
    assert not (installed / "sourcewise" / "grading" / "pipeline").exists()
    texts = {p: p.read_bytes().decode("utf-8", errors="replace") for p in files}
    found = [(str(p.relative_to(p.anchor)), s[:50]) for p, text in texts.items()
             for s in secrets() if s in text]
    assert not found, found[:5]
    labels = [(p.name, pattern) for p, text in texts.items() for pattern in label_patterns()
              if pattern in text]
    assert not labels, labels[:5]
    # Field names of the key are vocabulary in code and schemas; in data they carry answers.
    data = [p for p in texts if p.suffix in (".json", ".ipynb") and "schema" not in p.name]
    fields = [(p.name, f) for p in data for f in KEY_FIELDS if f in texts[p]]
    assert not fields, fields[:5]


def test_no_importable_function_yields_the_key(installed: Path, tmp_path: Path):
    result = student_python(installed, """
        import os, json
        os.environ["SOURCEWISE_MODE"] = ""          # a student trying to switch modes
        import sourcewise.seeds as seeds
        assert seeds.edition() == "course"
        from sourcewise.widgets import mode
        assert mode() == "course"
        from sourcewise.seeds import SeedError, load_key
        try:
            load_key()
        except SeedError as err:
            print("load_key:", err)
        else:
            raise SystemExit("load_key returned a key")
        from sourcewise.grading.task_keys import TASKS, task_key
        for task_id in TASKS:
            try:
                task_key(task_id)
            except SeedError:
                pass
            else:
                raise SystemExit(f"task_key({task_id}) returned a key")
        from sourcewise.widgets import Lesson
        lesson = Lesson("02-sources")
        text = json.dumps(lesson.key.data)
        assert "rationale" not in text and "verification" not in text, text[:200]
        print("sources:", [s["named_as"] for s in lesson.key.sources][:2])
    """, tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "course edition" in result.stdout


def test_course_mode_check_says_what_is_open_not_what_is_right(installed: Path, tmp_path: Path):
    result = student_python(installed, """
        from sourcewise.widgets import Lesson
        lesson = Lesson("02-sources")
        linker = lesson.source_linker("links", ["C01", "C03", "C07"], task="sources.links")
        first = lesson.key.sources[0]["id"]
        linker.model.choose("links", "C01", "source", first)
        linker.push()
        print(linker.check())
        score = lesson.self_score("links", "sources.links", 3)
        print("returned:", score)
    """, tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "still open" in out and "C03" in out and "C07" in out
    assert "right" not in out.replace("what is right or wrong", "")
    assert "wrong" not in out.replace("what is right or wrong", "")
    assert "returned: None" in out
    saved = json.loads((tmp_path / "answers" / "02-sources.json").read_text())
    assert saved["answers"]["links"]["value"]["links"]["C01"]["source"]


def test_every_released_lesson_runs_in_the_course_edition(installed: Path, course: Path,
                                                         tmp_path: Path):
    """Run All of each release notebook in a kernel that has only the course edition."""
    import nbformat
    from nbclient import NotebookClient

    kernels = tmp_path / "jupyter" / "kernels" / "sw-course"
    kernels.mkdir(parents=True)
    launcher = (f"import sys; sys.path[:0] = [{str(installed)!r}, {SITE!r}]; "
                "from ipykernel import kernelapp; kernelapp.launch_new_instance()")
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-S", "-c", launcher, "-f", "{connection_file}"],
        "display_name": "course edition", "language": "python"}))
    os.environ["JUPYTER_PATH"] = str(tmp_path / "jupyter")
    try:
        for lesson in sorted((course / "release").iterdir()):
            work = tmp_path / "work" / lesson.name
            work.mkdir(parents=True)
            nb = nbformat.read(lesson / f"{lesson.name}.ipynb", as_version=4)
            client = NotebookClient(nb, kernel_name="sw-course", timeout=120,
                                    resources={"metadata": {"path": str(work)}},
                                    allow_errors=True)
            client.execute()
            errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                      if o.output_type == "error"]
            assert not errors, (lesson.name, errors[0].get("ename"), errors[0].get("evalue"))
            text = json.dumps([c.get("outputs", []) for c in nb.cells])
            assert "Why:" not in text
    finally:
        os.environ.pop("JUPYTER_PATH", None)
