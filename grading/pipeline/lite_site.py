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

import email.parser
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from .student_package import wheel_bytes, wheel_name
from .transfer_notebook import TRANSFER_NOTEBOOK, transfer_notebook

PYODIDE_KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
LITE_VERSION = "0.1.0+lite"
# The course wheels' front ends are bundled from the build environment, so the kernel side
# must be the same versions: pinned to what is installed here.
COURSE_DISTS = ["anywidget", "ipywidgets", "comm", "psygnal", "jupyterlab_widgets",
                "fastjsonschema", "filelock"]
SOURCEWISE_REQUIRES = ["anywidget", "ipywidgets", "fastjsonschema", "filelock"]
# Loaded by Pyodide itself while the kernel starts (in parallel, from the site's lock), so the
# kernel installs nothing and every lesson can import Sourcewise in its first cell.
PRELOAD = ["micropip", "piplite", "ipykernel", "comm", "pyodide-kernel", "jedi", "ipython",
           "sourcewise"]
# Added to Pyodide's standard library. The kernel works in /drive, the browser's storage, where
# every directory listing is a round trip through the service worker; Python's import system
# would list it for every module imported (about 150 round trips, 5-10 s at kernel start).
SITECUSTOMIZE = '''"""Sourcewise browser edition: imports never search the browser-backed /drive."""
import sys


class _SkipDrive:
    def __init__(self, path):
        if path != "/drive" and not path.startswith("/drive/"):
            raise ImportError("not in /drive")

    def find_spec(self, fullname, target=None):
        return None

    def invalidate_caches(self):
        pass


sys.path_hooks.insert(0, _SkipDrive)
sys.path_importer_cache.clear()
'''
# Runs pyodide_compile.py in the site's own Pyodide under Node.js: node compile.mjs PYODIDE WORK
COMPILE_MJS = """import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
const [pyodideDir, work] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(`${pyodideDir}/pyodide.mjs`).href);
const pyodide = await loadPyodide({ indexURL: `${pyodideDir}/` });
pyodide.FS.mkdirTree("/work");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: work }, "/work");
pyodide.runPython(await readFile(`${work}/compile.py`, "utf8"));
"""
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


def cache_root() -> Path:
    """Downloads for the lite build (``$XDG_CACHE_HOME/sourcewise/lite``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sourcewise" / "lite"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# The site is built in an environment of its own (created once, cached): JupyterLite's packages
# install a front-end extension that breaks an ordinary JupyterLab in the same environment, and
# `jupyter lite build` bundles every front-end extension of the environment it runs in (here:
# only the Pyodide kernel, the widget manager and anywidget; no instructor tools, no plotly).
LITE_REQUIREMENTS = ["jupyterlite-core==0.8.6", "jupyterlite-pyodide-kernel==0.8.6",
                     "jupyter_server>=2.4,<3"]
# Front ends the site bundles; the kernel side (the course wheels) must be the same versions.
FRONT_END_DISTS = ["anywidget", "jupyterlab_widgets"]


@dataclass(frozen=True)
class BuildEnv:
    """The environment that runs ``jupyter lite build``."""

    prefix: Path

    @property
    def python(self) -> Path:
        return self.prefix / "bin" / "python"

    def pyodide_version(self) -> str:
        """The Pyodide version its JupyterLite kernel pins."""
        code = ("from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION; "
                "print(PYODIDE_VERSION)")
        return subprocess.run([str(self.python), "-c", code], check=True, capture_output=True,
                              text=True).stdout.strip()

    def kernel_wheel_folder(self) -> Path:
        return (self.prefix / "share" / "jupyter" / "labextensions" / "@jupyterlite"
                / "pyodide-kernel-extension" / "static" / "pypi")


def build_env(cache: Path, *, quiet: bool = True) -> BuildEnv:
    """The cached build environment for the pinned requirements (created when missing)."""
    pins = [*LITE_REQUIREMENTS, *(f"{d}=={installed_version(d)}" for d in FRONT_END_DISTS)]
    key = hashlib.sha256("\n".join(pins).encode()).hexdigest()[:12]
    env = BuildEnv(cache / f"build-env-{key}")
    ready = env.prefix / "ready.txt"
    if not ready.exists():
        shutil.rmtree(env.prefix, ignore_errors=True)
        env.prefix.parent.mkdir(parents=True, exist_ok=True)
        if not quiet:
            print(f"creating the build environment in {env.prefix} (once)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(env.prefix)], check=True)
        subprocess.run([str(env.python), "-m", "pip", "install", "-q",
                        "--disable-pip-version-check", *pins], check=True,
                       capture_output=quiet)
        ready.write_text("\n".join(pins) + "\n", encoding="utf-8")
    return env


# --- downloads (cached) -------------------------------------------------------------------

def pyodide_tarball(version: str, cache: Path) -> Path:
    """The npm package ``pyodide@version`` (runtime, stdlib and lock; no wheels)."""
    target = cache / f"pyodide-{version}.tgz"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as scratch:
            subprocess.run(["npm", "pack", f"pyodide@{version}", "--silent"], cwd=scratch,
                           check=True, capture_output=True)
            os.replace(Path(scratch) / target.name, target)
    return target


def read_lock(version: str, cache: Path) -> dict[str, Any]:
    """Pyodide's own ``pyodide-lock.json`` (from the npm package)."""
    with tarfile.open(pyodide_tarball(version, cache)) as archive:
        member = archive.extractfile("package/pyodide-lock.json")
        if member is None:
            raise RuntimeError("the pyodide npm package has no pyodide-lock.json")
        return dict(json.loads(member.read()))


def _cached_wheel(folder: Path, name: str, version: str) -> Path | None:
    prefix = f"{re.sub(r'[-.]+', '_', name).lower()}-{version}-"
    for path in folder.glob("*.whl"):
        if path.name.lower().startswith(prefix) and path.name.endswith("-none-any.whl"):
            return path
    return None


def pure_wheels(pins: dict[str, str], cache: Path) -> dict[str, Path]:
    """Pure-Python wheels from PyPI at exactly the pinned versions (one pip call for all)."""
    folder = cache / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    missing = [f"{n}=={v}" for n, v in sorted(pins.items()) if not _cached_wheel(folder, n, v)]
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                        "--only-binary=:all:", "--platform", "any", "--implementation", "py",
                        "--python-version", "3.14", "--abi", "none", "-d", str(folder),
                        *missing], check=True)
    found = {}
    for name, version in pins.items():
        path = _cached_wheel(folder, name, version)
        if path is None:
            raise RuntimeError(f"no pure-Python wheel of {name}=={version} on PyPI")
        found[normalise(name)] = path
    return found


def wheel_requires(path: Path) -> list[str]:
    """The unconditional requirement names of a wheel (extras and markers skipped)."""
    with zipfile.ZipFile(path) as archive:
        meta_name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(archive.read(meta_name).decode("utf-8"))
    names = []
    for requirement in meta.get_all("Requires-Dist") or []:
        if ";" in requirement and "python_version" not in requirement:
            continue  # an extra or a platform marker: not needed in the browser
        names.append(normalise(re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0]))
    return names


# --- the parts of the site ----------------------------------------------------------------

def sourcewise_files() -> dict[str, bytes]:
    """Files of the full self-study edition for the browser: articles with keys, scoring,
    widgets; no pipeline, no source lessons, no pandas/plotly requirement."""
    import sourcewise.grading
    import sourcewise.seeds
    import sourcewise.widgets

    files: dict[str, bytes] = {}
    for module in (sourcewise.seeds, sourcewise.grading, sourcewise.widgets):
        root = Path(next(iter(module.__path__))).resolve()
        name = module.__name__.rsplit(".", 1)[-1]
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if (not path.is_file() or "__pycache__" in relative.parts
                    or relative.parts[0] == "pipeline" or path.suffix in {".pyc", ".md"}):
                continue
            files[f"sourcewise/{name}/{relative.as_posix()}"] = path.read_bytes()
    files.pop("sourcewise/seeds/edition.json", None)  # no file: the full edition
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


def kernel_extension_wheels(folder: Path) -> dict[str, Path]:
    """The wheels the Pyodide kernel extension serves itself (piplite, the ipykernel and
    widgetsnbextension stubs, pyodide-kernel): the newest version of each."""
    newest: dict[str, tuple[tuple[int, ...], Path]] = {}
    for path in folder.glob("*-py3-none-any.whl"):
        name, version = path.name.split("-")[:2]
        key = tuple(int(part) for part in re.findall(r"\d+", version))
        if normalise(name) not in newest or key > newest[normalise(name)][0]:
            newest[normalise(name)] = (key, path)
    if not newest:
        raise RuntimeError(f"no kernel wheels in {folder}: is jupyterlite-pyodide-kernel "
                           "installed in the build environment?")
    return {name: path for name, (_, path) in newest.items()}


def wheel_imports(path: Path) -> list[str]:
    """The top-level import names a wheel provides."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        top = next((n for n in names if n.endswith(".dist-info/top_level.txt")), None)
        if top:
            return sorted(filter(None, archive.read(top).decode().split()))
    found = set()
    for name in names:
        head, folder, _ = name.partition("/")
        if folder and not head.endswith((".dist-info", ".data")):
            found.add(head)
        elif not folder and name.endswith(".py"):
            found.add(name.removesuffix(".py"))
    return sorted(found)


def needed_lock_packages(lock: dict[str, Any], extra: dict[str, Path]) -> set[str]:
    """Every package of the lock or of ``extra`` that the preloaded packages reach."""
    packages = {normalise(n): p for n, p in lock["packages"].items()}
    todo = [*PRELOAD]
    seen: set[str] = set()
    while todo:
        name = normalise(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        if name in extra:
            todo += wheel_requires(extra[name])
        elif name in packages:
            todo += packages[name].get("depends", [])
        else:
            raise RuntimeError(f"the browser edition needs {name}, which neither Pyodide's "
                               "lock nor the course wheels provide")
    return seen


def lock_entry(path: Path, known: set[str]) -> dict[str, Any]:
    """A ``pyodide-lock.json`` entry for a pure-Python wheel served beside Pyodide (its sha256
    is set once the wheel is byte-compiled)."""
    name, version = path.name.split("-")[:2]
    return {"name": normalise(name), "version": version, "file_name": path.name,
            "install_dir": "site", "package_type": "package", "imports": wheel_imports(path),
            "depends": sorted({r for r in wheel_requires(path) if r in known}),
            "unvendored_tests": False, "shared_library": False}


def write_pyodide(static: Path, course: dict[str, Path], env: BuildEnv, cache: Path) -> int:
    """Pyodide in ``static/pyodide/`` with a lock that names only wheels served beside it:
    Pyodide's own pure-Python packages (from PyPI), the kernel's and the course's wheels, so
    that the kernel loads everything at start, in parallel, with no install step."""
    target = static / "pyodide"
    with tempfile.TemporaryDirectory() as scratch:
        with tarfile.open(pyodide_tarball(env.pyodide_version(), cache)) as archive:
            archive.extractall(scratch, filter="data")
        shutil.copytree(Path(scratch) / "package", target, dirs_exist_ok=True)
    lock_path = target / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    extra = {**kernel_extension_wheels(env.kernel_wheel_folder()), **course}
    needed = needed_lock_packages(lock, extra)
    kept = {normalise(n): p for n, p in lock["packages"].items()
            if normalise(n) in needed and normalise(n) not in extra}
    wheels = pure_wheels({p["name"]: p["version"] for p in kept.values()}, cache)
    for entry in kept.values():
        path = wheels[normalise(entry["name"])]
        shutil.copyfile(path, target / path.name)
        entry["file_name"] = path.name
    for name, path in extra.items():
        if name in needed:
            shutil.copyfile(path, target / path.name)
            kept[name] = lock_entry(target / path.name, needed)
    add_sitecustomize(target / "python_stdlib.zip")
    precompile(target, [target / entry["file_name"] for entry in kept.values()], cache)
    for entry in kept.values():
        # PyPI's file of the same version is not byte-identical to Pyodide's build, and
        # the bytecode was added: the lock gets the sha256 of the file served.
        entry["sha256"] = _sha256(target / entry["file_name"])
    lock["packages"] = dict(sorted(kept.items()))
    lock_path.write_text(json.dumps(lock, indent=1), encoding="utf-8")
    return len(kept)


def add_sitecustomize(stdlib: Path) -> None:
    """Put ``sitecustomize.py`` into Pyodide's standard library (replacing an earlier one)."""
    with zipfile.ZipFile(stdlib) as archive:
        if "sitecustomize.py" in archive.namelist():
            return
    entry = zipfile.ZipInfo("sitecustomize.py", date_time=(2026, 1, 1, 0, 0, 0))
    entry.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(stdlib, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(entry, SITECUSTOMIZE)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def precompile(pyodide_dir: Path, wheels: Sequence[Path], cache: Path) -> None:
    """Byte-compile the wheels and the standard library in place, with the site's own Pyodide
    run by Node.js (``pyodide_compile.py``); results are cached by the input's sha256. Without
    Node.js the site still works, only its kernel starts more slowly."""
    stdlib = pyodide_dir / "python_stdlib.zip"
    done = cache / "compiled"
    done.mkdir(parents=True, exist_ok=True)
    script = Path(__file__).with_name("pyodide_compile.py")
    version = _sha256(script)[:8]  # a changed compile step compiles again
    todo = {path: done / f"{_sha256(path)[:20]}-{version}-{path.name}"
            for path in [*wheels, stdlib]}
    missing = [path for path, cached in todo.items() if not cached.exists()]
    if missing:
        node = shutil.which("node")
        if node is None:
            print("note: Node.js not found: the browser edition's Python modules are not "
                  "byte-compiled (its kernel starts a few seconds later)", file=sys.stderr)
            return
        with tempfile.TemporaryDirectory() as scratch:
            work = Path(scratch)
            for folder in ("in", "stdlib", "out"):
                (work / folder).mkdir()
            for path in missing:
                shutil.copyfile(path, work / ("stdlib" if path == stdlib else "in") / path.name)
            shutil.copyfile(script, work / "compile.py")
            (work / "compile.mjs").write_text(COMPILE_MJS, encoding="utf-8")
            subprocess.run([node, str(work / "compile.mjs"), str(pyodide_dir), str(work)],
                           check=True, capture_output=True)
            for path in missing:
                os.replace(work / "out" / path.name, todo[path])
    for path, cached in todo.items():
        shutil.copyfile(cached, path)


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
    from .student_lab import student_versions

    (files / "answers").mkdir(parents=True, exist_ok=True)
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
