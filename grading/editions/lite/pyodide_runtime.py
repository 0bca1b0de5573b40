"""The browser edition's runtime: Pyodide, its lock, the wheels it loads and their bytecode.

Downloaded once (npm's ``pyodide`` package, PyPI's pure wheels at the versions of Pyodide's
lock) and cached; the build environment for ``jupyter lite build`` is created once beside it.
"""

from __future__ import annotations

import email.parser
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

from sourcewise.lessons.cache_folder import cache_folder

# Loaded by Pyodide itself while the kernel starts (in parallel, from the site's lock), so the
# kernel installs nothing and every lesson can import Sourcewise in its first cell.
PRELOAD = ["micropip", "piplite", "ipykernel", "comm", "pyodide-kernel", "jedi", "ipython",
           "sourcewise"]
# Added to Pyodide's standard library. The kernel works in /drive, the browser's storage, where
# every directory listing is a round trip through the service worker; Python's import system
# would list it for every module imported (about 150 round trips, 5-10 s at kernel start).
SITECUSTOMIZE = Path(__file__).with_name("sitecustomize.py")
# Runs pyodide_compile.py in the site's own Pyodide under Node.js: node compile.mjs PYODIDE WORK
COMPILE_MJS = Path(__file__).with_name("compile.mjs")


def cache_root() -> Path:
    """Downloads and compiled wheels for the lite build (the user's cache folder)."""
    return cache_folder("lite")


def normalise(name: str) -> str:
    """A distribution name as PEP 503 compares it."""
    return str(canonicalize_name(name))


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
    for path in folder.glob("*-none-any.whl"):
        found, found_version, _, _ = parse_wheel_filename(path.name)
        if found == canonicalize_name(name) and found_version == Version(version):
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


def wheel_requires(path: Path, python_version: str) -> list[str]:
    """The requirement names of a wheel that apply in the browser (no extras; markers
    evaluated for Pyodide: Emscripten, its Python version)."""
    with zipfile.ZipFile(path) as archive:
        meta_name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(archive.read(meta_name).decode("utf-8"))
    environment = {"python_version": python_version, "python_full_version": f"{python_version}.0",
                   "sys_platform": "emscripten", "platform_system": "Emscripten",
                   "os_name": "posix", "platform_machine": "wasm32", "extra": ""}
    names = []
    for line in meta.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            names.append(normalise(requirement.name))
    return names


def kernel_extension_wheels(folder: Path) -> dict[str, Path]:
    """The wheels the Pyodide kernel extension serves itself (piplite, the ipykernel and
    widgetsnbextension stubs, pyodide-kernel): the newest version of each."""
    newest: dict[str, tuple[Version, Path]] = {}
    for path in folder.glob("*-py3-none-any.whl"):
        name, version, _, _ = parse_wheel_filename(path.name)
        if name not in newest or version > newest[name][0]:
            newest[name] = (version, path)
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


def lock_python(lock: dict[str, Any]) -> str:
    """The Python version of a Pyodide lock (``3.12`` from its ``info.python``)."""
    return ".".join(str(lock.get("info", {}).get("python", "3.12")).split(".")[:2])


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
            todo += wheel_requires(extra[name], lock_python(lock))
        elif name in packages:
            todo += packages[name].get("depends", [])
        else:
            raise RuntimeError(f"the browser edition needs {name}, which neither Pyodide's "
                               "lock nor the course wheels provide")
    return seen


def lock_entry(path: Path, known: set[str], python_version: str) -> dict[str, Any]:
    """A ``pyodide-lock.json`` entry for a pure-Python wheel served beside Pyodide (its sha256
    is set once the wheel is byte-compiled)."""
    name, version, _, _ = parse_wheel_filename(path.name)
    return {"name": str(name), "version": str(version), "file_name": path.name,
            "install_dir": "site", "package_type": "package", "imports": wheel_imports(path),
            "depends": sorted({r for r in wheel_requires(path, python_version) if r in known}),
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
            kept[name] = lock_entry(target / path.name, needed, lock_python(lock))
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
        archive.writestr(entry, SITECUSTOMIZE.read_bytes())


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
            shutil.copyfile(COMPILE_MJS, work / "compile.mjs")
            subprocess.run([node, str(work / "compile.mjs"), str(pyodide_dir), str(work)],
                           check=True, capture_output=True)
            for path in missing:
                os.replace(work / "out" / path.name, todo[path])
    for path, cached in todo.items():
        shutil.copyfile(cached, path)
