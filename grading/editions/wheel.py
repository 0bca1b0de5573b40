"""One writer of PEP 427 wheels (pure Python, any platform), for the course and browser editions.

Byte-identical output for identical input: entries sorted, fixed timestamps and permissions.
(The script that byte-compiles wheels inside Pyodide rewrites RECORD on its own: it must stay
standard-library only.)
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Iterable

DIST_NAME = "sourcewise"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def wheel_bytes(files: dict[str, bytes], *, version: str, summary: str,
                requires: Iterable[str]) -> bytes:
    """A PEP 427 wheel of the given files (pure Python, any platform)."""
    dist = f"{DIST_NAME}-{version}.dist-info"
    metadata = "\n".join(["Metadata-Version: 2.1", f"Name: {DIST_NAME}", f"Version: {version}",
                          f"Summary: {summary}", "Requires-Python: >=3.11",
                          *(f"Requires-Dist: {r}" for r in requires), ""])
    wheel = "\n".join(["Wheel-Version: 1.0", "Generator: sourcewise", "Root-Is-Purelib: true",
                       "Tag: py3-none-any", ""])
    entries = dict(sorted(files.items()))
    entries[f"{dist}/METADATA"] = metadata.encode()
    entries[f"{dist}/WHEEL"] = wheel.encode()
    record = [_record_line(name, data) for name, data in entries.items()]
    record.append(f"{dist}/RECORD,,")
    entries[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def wheel_name(version: str) -> str:
    return f"{DIST_NAME}-{version}-py3-none-any.whl"
