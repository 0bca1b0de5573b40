"""Course folders made before the instructor side moved into subpackages name our nbgrader
steps by their old module paths (``sourcewise.grading.pipeline.…``); nbgrader would fail to
import them. This rewrites those names once, keeping the old file beside it."""

from __future__ import annotations

import re
from pathlib import Path

from sourcewise.grading.atomic_write import write_bytes_atomic
from sourcewise.grading.course.course_errors import CONFIG_FILE

OLD_PACKAGE = "sourcewise.grading.pipeline"
# Old module (under OLD_PACKAGE) -> the module that holds the same classes now.
RENAMED = {
    "autograde_steps": "sourcewise.grading.course.autograde.steps",
    "feedback_html": "sourcewise.grading.course.results.feedback",
}
BACKUP_SUFFIX = ".before-upgrade"
_OLD_NAME = re.compile(re.escape(OLD_PACKAGE) + r"\.(\w+)")


def upgrade_config(course: Path) -> bool:
    """Rewrite old step names in the course's ``nbgrader_config.py``; True if it changed.

    The file as it was is kept as ``nbgrader_config.py.before-upgrade``. A name this version
    does not know is left alone (nbgrader will then say which class it cannot import).
    """
    path = Path(course) / CONFIG_FILE
    text = path.read_text(encoding="utf-8")
    new = _OLD_NAME.sub(lambda m: RENAMED.get(m.group(1), m.group(0)), text)
    if new == text:
        return False
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    if not backup.exists():
        write_bytes_atomic(backup, text.encode("utf-8"))
    write_bytes_atomic(path, new.encode("utf-8"), keep_mode=True)
    return True
