"""``sourcewise lite build``: the self-study edition as a static JupyterLite site (Pyodide).

The site needs no install and no network at run time: the Pyodide runtime (npm package
``pyodide`` at the version the kernel pins), the pure-Python wheels the kernel loads at start
(from PyPI at the versions of Pyodide's lock), the kernel's own wheels and the course wheels
(Sourcewise's full self-study edition, anywidget, ipywidgets, …) are all named in the site's
Pyodide lock, byte-compiled with that same Pyodide under Node.js, and loaded while the kernel
starts; the kernel's PyPI fallback is off. ``jupyter lite build`` runs in a build environment
of its own. Downloads, compiled wheels and the build environment are cached under
``~/.cache/sourcewise/lite``. Pyodide's compiled wheels (numpy, pandas, rpds-py for
jsonschema) are not reachable here, so chart cells are skipped with a note.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from sourcewise.grading.editions.lite.pyodide_runtime import (
    PRELOAD,
    build_env,
    cache_root,
    normalise,
    pure_wheels,
    read_lock,
    write_pyodide,
)
from sourcewise.grading.editions.manifest import article_files, article_folders, code_files
from sourcewise.grading.editions.my_answers_page import TRANSFER_NOTEBOOK, transfer_notebook
from sourcewise.grading.editions.wheel import wheel_bytes, wheel_name

PYODIDE_KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"


LITE_VERSION = "0.1.0+lite"


# The course wheels' front ends are bundled from the build environment, so the kernel side
# must be the same versions: pinned to what is installed here.
COURSE_DISTS = ["anywidget", "ipywidgets", "comm", "psygnal", "jupyterlab_widgets",
                "fastjsonschema", "filelock"]


SOURCEWISE_REQUIRES = ["anywidget", "ipywidgets", "fastjsonschema", "filelock"]




BROWSER_NOTE = ("> **Browser edition.** This lesson runs entirely in your browser; nothing you "
                "type leaves this computer. Your answers are kept in this browser's storage for "
                "this site: they survive a reload or a restart, but clearing the browser's site "
                "data deletes them. To keep a copy, continue on another device or hand your work "
                "in to a course, open **{transfer}** and download all your answers as one file.")


PYODIDE_KERNEL = {"display_name": "Python (Pyodide)", "language": "python", "name": "python"}


# Cells that draw charts need pandas or plotly, which Pyodide cannot load offline here.
CHART_CELL = re.compile(r"^\s*(import|from) (pandas|plotly)\b|\.charts\b"
                        r"|\.(reliability_figure|heatmap|matrix_frame)\(", re.MULTILINE)


CHART_NOTE = ("Skipped in the browser edition: this cell draws a chart with pandas/plotly, "
              "which the browser edition does not include. Install Sourcewise locally "
              "(README) to see it.")


def sourcewise_files() -> dict[str, bytes]:
    """Files of the full self-study edition for the browser: articles with keys, scoring,
    widgets; no instructor tools, no source lessons, no pandas/plotly requirement."""
    files = {name: path.read_bytes() for name, path in code_files().items()}
    for inside, folder in article_folders().items():  # seed articles and skills-check forms
        for name, path in article_files("lite", folder).items():
            files[f"sourcewise/seeds/{inside}/{name}"] = path.read_bytes()
    return files


def write_course_wheels(pypi: Path, lock_names: set[str], cache: Path) -> dict[str, Path]:
    """Sourcewise's lite wheel and the course wheels Pyodide's lock does not name."""
    pypi.mkdir(parents=True, exist_ok=True)
    ours = pypi / wheel_name(LITE_VERSION)
    ours.write_bytes(wheel_bytes(sourcewise_files(), version=LITE_VERSION,
                                 summary="Sourcewise, self-study edition for JupyterLite",
                                 requires=SOURCEWISE_REQUIRES))
    pins = {d: installed_version(d) for d in COURSE_DISTS if normalise(d) not in lock_names}
    wheels = pure_wheels(pins, cache)
    for path in wheels.values():
        shutil.copyfile(path, pypi / path.name)
    return {"sourcewise": ours, **wheels}


def lite_lesson(source: Path) -> dict[str, Any]:
    """A student version for the browser: a note on where answers live, chart cells guarded."""
    notebook = json.loads(Path(source).read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        text = "".join(cell.get("source", ""))
        if cell["cell_type"] == "code" and CHART_CELL.search(text):
            cell["source"] = ('import importlib.util\n\nif importlib.util.find_spec("pandas") '
                              f'is None:\n    print({CHART_NOTE!r})\nelse:\n'
                              f"    get_ipython().run_cell({text!r})\n")
    notebook["cells"].insert(1, {"cell_type": "markdown", "id": "lite-note",
                                 "metadata": {"editable": False, "deletable": False},
                                 "source": BROWSER_NOTE.format(transfer=TRANSFER_NOTEBOOK)})
    notebook["metadata"]["kernelspec"] = PYODIDE_KERNEL
    return notebook


def write_lessons(files: Path, lessons: Sequence[Path] | None, cache: Path | None) -> int:
    from sourcewise.lessons.student_versions import student_versions

    (files / "answers").mkdir(parents=True, exist_ok=True)
    if lessons is None:  # the seven lessons and the skills check (pre, post)
        from sourcewise.lessons import lesson_paths
        from sourcewise.lessons.assessment import assessment_paths

        lessons = [*lesson_paths(), *assessment_paths()]
    versions = student_versions(lessons, cache)
    for stem, built in versions.items():
        (files / f"{stem}.ipynb").write_text(json.dumps(lite_lesson(built), indent=1),
                                             encoding="utf-8")
    (files / TRANSFER_NOTEBOOK).write_text(
        json.dumps(transfer_notebook(PYODIDE_KERNEL, browser=True), indent=1), encoding="utf-8")
    return len(versions)


def write_config(lite_dir: Path) -> None:
    config = {"jupyter-lite-schema-version": 0, "jupyter-config-data": {
        "appName": "Sourcewise (browser edition)",
        "litePluginSettings": {PYODIDE_KERNEL_PLUGIN: {
            "disablePyPIFallback": True, "loadPyodideOptions": {"packages": PRELOAD}}}}}
    (lite_dir / "jupyter-lite.json").write_text(json.dumps(config, indent=1), encoding="utf-8")


def check_output_folder(out: Path) -> None:
    """Refuse to replace a folder that holds something other than an earlier site."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise RuntimeError(f"{out} is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / "jupyter-lite.json").is_file():
        raise RuntimeError(f"{out} is not empty and is not a site built by 'sourcewise lite "
                           "build'; it would be replaced: choose a new or empty folder")


def build_site(out: Path, *, lessons: Sequence[Path] | None = None,
               cache: Path | None = None, quiet: bool = True) -> Path:
    """Write the static site into ``out`` (replaced) and return it."""
    out = Path(out).resolve()
    check_output_folder(out)
    cache = Path(cache) if cache is not None else cache_root()
    env = build_env(cache, quiet=quiet)
    with tempfile.TemporaryDirectory(prefix="sourcewise-lite-") as scratch:
        lite_dir = Path(scratch)
        lock_names = {normalise(n) for n in read_lock(env.pyodide_version(), cache)["packages"]}
        # The order matters: the lock keeps what the course wheels reach, so wheels come first.
        course = write_course_wheels(lite_dir / "pypi", lock_names, cache)
        write_pyodide(lite_dir / "static", course, env, cache)
        write_lessons(lite_dir / "files", lessons, None)
        write_config(lite_dir)
        if out.exists():
            shutil.rmtree(out)
        command = [str(env.python), "-m", "jupyter", "lite", "build", "--lite-dir",
                   str(lite_dir), "--contents", str(lite_dir / "files"), "--output-dir",
                   str(out), "--no-sourcemaps", "--no-unused-shared-packages"]
        subprocess.run(command, cwd=lite_dir, check=True,
                       capture_output=quiet, env={**os.environ, "JUPYTERLITE_NO_LIBARCHIVE": "1"})
    return out


def site_size(site: Path) -> int:
    return sum(p.stat().st_size for p in Path(site).rglob("*") if p.is_file())


def main(out: Path, *, lessons: Iterable[Path] | None = None) -> int:
    try:
        site = build_site(out, lessons=list(lessons) if lessons is not None else None,
                          quiet=False)
    except (subprocess.CalledProcessError, RuntimeError, OSError) as err:
        print(f"error: could not build the browser edition: {err}", file=sys.stderr)
        return 1
    print(f"browser edition: {site} ({site_size(site) / 1e6:.0f} MB)\n"
          f"  try it: python3 -m http.server --directory {site} --bind 127.0.0.1 8000\n"
          "  then open http://127.0.0.1:8000/lab/ (publish the folder on any https:// host)")
    return 0
