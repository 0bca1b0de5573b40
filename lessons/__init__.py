"""The lesson notebooks (nbgrader source versions), shipped as package data."""

from pathlib import Path

LESSONS_DIR = Path(__file__).resolve().parent


def lesson_paths() -> list[Path]:
    """Source notebooks in teaching order (00-orientation … 06-capstone)."""
    return sorted(LESSONS_DIR.glob("[0-9][0-9]-*.ipynb"))


def lesson_ids() -> list[str]:
    return [p.stem for p in lesson_paths()]
