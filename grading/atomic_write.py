"""The one way Sourcewise replaces a file: a temp file beside it, fsync, rename, fsync the folder.

Readers see the old file or the new one, never a mix, and after a crash or a power cut the new
file is either complete on disk or not there at all. Student answers, keys, graded notebooks
and manifests all go through here.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any


def _new_file_mode() -> int:
    """The permissions ``open()`` would give a new file (0666 less the umask): ``mkstemp``
    makes its file 0600, which would hide a feedback page from the student it is for."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: read it by setting it (and put it straight back)
    os.umask(mask)
    return 0o666 & ~mask


def write_bytes_atomic(path: str | Path, payload: bytes, *, keep_mode: bool = False) -> None:
    """Replace ``path`` with ``payload`` (``keep_mode``: with the old file's permissions;
    otherwise those of any new file)."""
    path = Path(path)
    mode = (stat.S_IMODE(path.stat().st_mode) if keep_mode and path.exists()
            else _new_file_mode())
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        # Best effort: some file systems (the browser edition's /drive) have no permissions.
        with contextlib.suppress(OSError):
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # some file systems cannot fsync a folder
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_json_atomic(path: str | Path, data: Any, *, indent: int | None = 1,
                      sort_keys: bool = False, keep_mode: bool = False) -> None:
    """Replace ``path`` with ``data`` as UTF-8 JSON and a final newline (``indent=None``:
    compact, which json's C encoder writes several times faster)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=sort_keys)
    write_bytes_atomic(path, (text + "\n").encode("utf-8"), keep_mode=keep_mode)
