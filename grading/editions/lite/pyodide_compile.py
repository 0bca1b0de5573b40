"""Byte-compile wheels and the standard library for the browser edition, inside Pyodide.

Run by ``lite_site.precompile`` under Node.js with the site's own Pyodide, so the bytecode
matches the browser's Python exactly (a host Python of another version cannot write it). The
work folder is mounted at ``/work``: wheels in ``in/``, Pyodide's ``python_stdlib.zip`` in
``stdlib/`` when it is to be compiled; results go to ``out/`` under the same names.

Pyodide's npm package ships sources only, so without this every module the kernel imports is
compiled in the student's browser on every visit (about half of the kernel's start). The
``.pyc`` files are unchecked-hash pycs (PEP 552): valid whatever the files' dates after
unpacking. Sources stay beside them for tracebacks.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import sys
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc  # type: ignore[attr-defined]

WORK = "/work"
STAMP = (2026, 1, 1, 0, 0, 0)
# Left out of the site: jedi's type stubs for third-party libraries and Django, which the
# offline site cannot install anyway (1,100 of jedi's 2,000 files, half its unpacking time at
# kernel start). jedi lists the stubs folder unguarded, so an empty marker keeps it.
LEFT_OUT = {"jedi/third_party/typeshed/third_party/": "jedi/third_party/typeshed/third_party/3/",
            "jedi/third_party/django-stubs/": None}


def _pyc(source: bytes, name: str) -> bytes | None:
    try:
        code = compile(source, name, "exec", dont_inherit=True)
    except SyntaxError:  # templates and old examples inside some wheels
        return None
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source), False))


def _entry(name: str, date_time: tuple[int, ...] = STAMP) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date_time)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def compile_wheel(source: str, target: str) -> int:
    """Add ``__pycache__/*.pyc`` for every module of the wheel (and list them in RECORD)."""
    with zipfile.ZipFile(source) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()
                   if not info.filename.startswith(tuple(LEFT_OUT))]
        markers = [folder for prefix, folder in LEFT_OUT.items() if folder
                   and any(n.startswith(prefix) for n in archive.namelist())]
    record = next(i.filename for i, _ in entries if i.filename.endswith(".dist-info/RECORD"))
    added = []
    for info, data in entries:
        head = info.filename.split("/")[0]
        if info.filename.endswith(".py") and not head.endswith((".dist-info", ".data")):
            pyc = _pyc(data, info.filename)
            if pyc is not None:
                added.append((importlib.util.cache_from_source(info.filename), pyc))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        lines: list[str] = []
        for info, data in entries:
            if info.filename == record:
                lines = [line for line in data.decode().splitlines()
                         if line.strip() and not line.startswith(tuple(LEFT_OUT))]
            else:
                archive.writestr(info, data)
        for folder in markers:
            archive.writestr(_entry(folder), b"")  # a folder entry: extracted as an empty folder
        for name, data in added:
            archive.writestr(_entry(name), data)
        lines += [_record_line(name, data) for name, data in added]
        archive.writestr(_entry(record), "\n".join(lines) + "\n")
    return len(added)


def compile_stdlib(source: str, target: str) -> int:
    """Add ``module.pyc`` beside every ``module.py`` (where zipimport looks for bytecode)."""
    with zipfile.ZipFile(source) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    names = {info.filename for info, _ in entries}
    count = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
            name = info.filename
            if name.endswith(".py") and name[:-3] + ".pyc" not in names:
                pyc = _pyc(data, name)
                if pyc is not None:
                    archive.writestr(_entry(name[:-3] + ".pyc", info.date_time), pyc)
                    count += 1
    return count


def main() -> None:
    os.makedirs(f"{WORK}/out", exist_ok=True)
    for name in sorted(os.listdir(f"{WORK}/in")):
        count = compile_wheel(f"{WORK}/in/{name}", f"{WORK}/out/{name}")
        print(f"compiled {count} modules of {name}")
    stdlib = f"{WORK}/stdlib/python_stdlib.zip"
    if os.path.exists(stdlib):
        count = compile_stdlib(stdlib, f"{WORK}/out/python_stdlib.zip")
        print(f"compiled {count} modules of the standard library")
    print(f"bytecode for {sys.implementation.cache_tag}")


if __name__ == "__main__":
    main()
