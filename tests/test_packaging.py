"""Does the wheel install everything under the one `sourcewise` namespace, data included?"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_has_one_namespace_and_all_package_data(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True)
    wheel = next(tmp_path.glob("sourcewise-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.startswith("sourcewise-")}
    assert tops == {"sourcewise"}, tops
    for expected in [
        "sourcewise/seeds/isis-morale-2014/article.txt",
        "sourcewise/seeds/isis-morale-2014/key.json",
        "sourcewise/seeds/schema/key.schema.json",
        "sourcewise/widgets/static/common.js",
        "sourcewise/widgets/static/annotator.css",
        "sourcewise/lessons/06-capstone.ipynb",
        "sourcewise/grading/cli/main.py",
        "sourcewise/grading/schema/answers.schema.json",
    ]:
        assert expected in names, expected
    assert sum(n.startswith("sourcewise/seeds/isis-morale-2014/accounts/") for n in names) >= 5
    assert not any("__init__" in n for n in names if n.count("/") == 1), "sourcewise is a namespace"


def test_every_public_name_is_importable() -> None:
    import sourcewise.grading as grading
    import sourcewise.seeds as seeds
    import sourcewise.widgets as widgets

    for module in (seeds, widgets, grading):
        for name in module.__all__:
            assert getattr(module, name) is not None, f"{module.__name__}.{name}"
