"""Where Sourcewise keeps what it can rebuild (student versions, the browser build's downloads)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_dir


def cache_folder(*parts: str) -> Path:
    """``<user cache>/sourcewise/<parts…>`` (``$XDG_CACHE_HOME`` is honoured on Linux)."""
    return Path(user_cache_dir("sourcewise", appauthor=False)).joinpath(*parts)
