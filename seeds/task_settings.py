"""What an article's lessons need beyond its key: the sentences a focused task asks about, and
the words of a later lesson's finding that earlier feedback must not give away.

Kept in ``<article>/tasks.json`` (optional: an article without it has no focused task and no
hidden findings), so the scoring layer holds no knowledge of one particular article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .article import SeedError, article_dir, read_json

TASKS_FILE = "tasks.json"


@dataclass(frozen=True)
class TaskSettings:
    focus_units: tuple[str, ...] = ()
    later_findings: tuple[str, ...] = ()

    def hides(self, sentence: str) -> bool:
        """Does this sentence give away a later lesson's finding?"""
        return any(re.search(pattern, sentence, re.IGNORECASE) for pattern in self.later_findings)


@cache
def _load(folder: Path) -> TaskSettings:
    path = folder / TASKS_FILE
    if not path.exists():
        return TaskSettings()
    data = read_json(path)
    try:
        units = tuple(str(u) for u in data.get("focus_units", []))
        findings = tuple(str(p) for p in data.get("later_findings", []))
        for pattern in findings:
            re.compile(pattern)
    except (AttributeError, TypeError, re.error) as err:
        raise SeedError(f"{path}: focus_units and later_findings must be lists of strings "
                        f"(later_findings: regular expressions): {err}") from None
    return TaskSettings(units, findings)


def load_task_settings(article_id: str | Path) -> TaskSettings:
    """The task settings of an article (empty settings when it has no ``tasks.json``)."""
    return _load(article_dir(article_id).resolve())
