"""Notebooks Sourcewise writes itself (generated lessons, the authoring and my-answers pages):
built with ``nbformat.v4`` and validated, with one kernelspec for a local Python kernel."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

# The kernel the seed's lessons name too (their metadata was saved by JupyterLab 4).
LOCAL_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python",
                    "name": "python3"}


def cell(kind: str, source: str, cell_id: str, metadata: Mapping[str, Any] | None = None
         ) -> dict[str, Any]:
    """A markdown or code cell (code without outputs) with a fixed id, so files are stable."""
    make = {"markdown": new_markdown_cell, "code": new_code_cell}.get(kind)
    if make is None:
        raise ValueError(f"cell kind {kind!r}: use 'markdown' or 'code'")
    return make(source, id=cell_id, metadata=dict(metadata or {}))


def notebook(cells: Iterable[dict[str, Any]], *,
             kernelspec: Mapping[str, str] = LOCAL_KERNELSPEC) -> dict[str, Any]:
    """An nbformat 4.5 notebook of the cells, validated (a schema error raises here)."""
    nb = new_notebook(cells=list(cells), metadata={"kernelspec": dict(kernelspec),
                                                   "language_info": {"name": "python"}})
    nbformat.validate(nb)
    return nb
