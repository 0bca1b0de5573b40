"""Which edition of Sourcewise is installed: ``full`` (self-study, key included) or ``course``.

The course edition is the package an instructor builds for students (``sourcewise course
build``): it carries no key, and it says so in ``edition.json`` beside this module. The edition
is fixed when the package is installed; nothing inside a notebook can change it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

EDITION_FILE = Path(__file__).resolve().parent / "edition.json"
COURSE = "course"
FULL = "full"
KEY_WITHHELD = ("This is the course edition of Sourcewise: the answer key stays with your "
                "instructor, who grades your saved answers.")


@cache
def edition() -> str:
    """``course`` when the installed package is a course edition, otherwise ``full``."""
    try:
        data = json.loads(EDITION_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return FULL
    return COURSE if isinstance(data, dict) and data.get("edition") == COURSE else FULL
