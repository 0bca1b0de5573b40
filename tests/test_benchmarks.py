"""Does every benchmark script still run and print its figures? (Smoke runs with tiny
arguments: the figures themselves are read by people, not asserted; a script that rots fails
here.) The hub's and the browser edition's benchmarks are smoke-run in tests/hub and tests/lite,
where their servers and site exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent / "bench"
FIGURE = re.compile(r"\d+(\.\d+)?\s*(s|ms|min|%|×)\b")


def run_bench(script: str, *args: str, timeout: int = 900) -> str:
    done = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True,
                          text=True, timeout=timeout, cwd=BENCH.parent.parent)
    assert done.returncode == 0, f"{script} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_lesson_times_prints_an_estimate_per_lesson():
    out = run_bench("lesson_times.py", "--detail")
    lessons = [p.stem for p in (BENCH.parent.parent / "lessons").glob("[0-9][0-9]-*.ipynb")]
    for lesson in lessons:
        assert re.search(rf"^{re.escape(lesson)}\s+\d+\.\d min", out, re.MULTILINE), lesson


@pytest.mark.nbgrader
@pytest.mark.slow
def test_article_benchmark_runs():
    out = run_bench("bench_article.py")
    assert "scaffold + validate" in out and "release built" in out
    assert FIGURE.search(out)


def test_widget_benchmark_times_imports():
    out = run_bench("bench_widgets.py", "--imports", "1", "--no-browser")
    assert re.search(r"import sourcewise\.widgets\s+\d+\.\d", out), out


@pytest.mark.browser
@pytest.mark.slow
def test_widget_benchmark_times_clicks_in_the_browser():
    out = run_bench("bench_widgets.py", "--imports", "1", "--clicks", "20", "--no-lessons")
    assert "click" in out.lower() and FIGURE.search(out), out
