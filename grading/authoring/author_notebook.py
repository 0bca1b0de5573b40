"""``sourcewise article author DIR``: the authoring notebook of an article, opened in JupyterLab.

The notebook (``author.ipynb`` in the article folder, written once and never overwritten) uses
the lesson widgets in author mode (``sourcewise.grading.authoring.author_widget``): every
mark and every form save is written to ``key.json`` at once; its last cell runs the same checks as
``sourcewise validate``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from sourcewise.lessons.notebook_json import cell, notebook

NOTEBOOK = "author.ipynb"

CELLS: list[tuple[str, str]] = [
    ("markdown", "# Authoring the key of this article\n\nWork top to bottom; every change is "
     "saved to `key.json` at once. Read `seeds/AUTHORING.md` (in the Sourcewise repository) "
     "for what makes a key fair to students.\n\n1. Check the sentence map (merge or split units "
     "*before* keying).\n2. Mark the claims, then add the sources and link them.\n3. Mark the "
     "framing devices.\n4. Write the text of each item: paraphrase, rationale, accepted "
     "alternatives.\n5. Write the article-level findings.\n6. Validate."),
    ("code", "from pathlib import Path\n"
     "from sourcewise.grading.authoring.author_widget import Authoring\n"
     "from sourcewise.grading.authoring import scaffold\n\nFOLDER = Path.cwd()\n"
     "author = Authoring(FOLDER)\nfor unit in author.article.units:\n"
     "    print(f\"{unit.id:>4} {unit.start:>6}  {unit.text}\")"),
    ("markdown", "## 1 · Sentence map\n\nEach unit should be one sentence as a reader sees it. "
     "To merge a unit with the next, or split one at a character offset, run for example "
     "`scaffold.merge_with_next(FOLDER, \"S4\")` or `scaffold.split_at(FOLDER, \"S4\", 1234)`, "
     "then run the cell above again. (Only before any claim or device is marked.)"),
    ("code", "# scaffold.merge_with_next(FOLDER, \"S4\")\n"
     "# scaffold.split_at(FOLDER, \"S4\", 1234)"),
    ("markdown", "## 2 · Claims\n\nChoose a label (attribution · verification), select a "
     "claim's words, press Enter. Split claims the way a reader will: one checkable statement "
     "per mark."),
    ("code", "author.claims()"),
    ("markdown", "## 3 · Sources\n\nAdd each source the article names or describes (the "
     "writer's own voice is already there), then re-run the linker cell to link claims and rate "
     "sources."),
    ("code", "# author.draft.add_source(\"mayor\", \"Mayor Jo Bell\", \"named_person\",\n"
     "#                         interest=\"Gains from being seen to act.\")"),
    ("code", "author.sources()"),
    ("markdown", "## 4 · Framing devices"),
    ("code", "author.framing()"),
    ("markdown", "## 5 · The text of each item\n\nChoose an item; write its paraphrase and a "
     "rationale a student can learn from; list accepted alternatives (`attribution=vague; "
     "source=writer`) and tick *contested* where experts could disagree."),
    ("code", "author.form()"),
    ("markdown", "## 6 · Article-level findings\n\nEdit and run:"),
    ("code", "# author.draft.add_finding(\"headline_vs_body\", \"statement\", \"rationale …\", "
     "[\"H\", \"S3\"])\n# author.draft.add_finding(\"internal_contradictions\", …)\n"
     "# author.draft.add_finding(\"missing_voices\", …)\n"
     "# author.draft.set_frame(\"problem_definition\", \"statement\", \"rationale …\")  "
     "# and causal_interpretation, moral_evaluation, remedy\n"
     "# author.draft.set_provenance(\"outlet\", \"author\", \"date\", \"rationale …\")"),
    ("markdown", "## 7 · Validate"),
    ("code", "print(\"\\n\".join(author.status()))"),
]


def notebook_json() -> dict[str, Any]:
    return notebook(cell(kind, source, f"a{index:02d}") for index, (kind, source) in
                    enumerate(CELLS))


def write_notebook(folder: Path) -> Path:
    """``author.ipynb`` in the article folder (an existing one is kept)."""
    path = Path(folder) / NOTEBOOK
    if not path.exists():
        path.write_text(json.dumps(notebook_json(), indent=1) + "\n", encoding="utf-8")
    return path


def open_authoring(folder: Path, *, no_browser: bool = False, prepare_only: bool = False) -> int:
    from sourcewise.grading.editions.lab import lab_command
    from sourcewise.seeds import SeedError, load_article

    folder = Path(folder).resolve()
    try:
        load_article(folder)
    except SeedError as err:
        print(f"error: {err} (make the folder with: sourcewise article new)", file=sys.stderr)
        return 1
    path = write_notebook(folder)
    print(f"authoring notebook: {path}")
    if prepare_only:
        return 0
    command = lab_command(folder, no_browser=no_browser, first=NOTEBOOK)
    try:
        return subprocess.run(command, cwd=folder, check=False).returncode
    except KeyboardInterrupt:
        return 0
