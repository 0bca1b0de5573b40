"""Widget benchmark (a script, not a test): import cost and click-to-saved-file latency.

    python tests/bench/bench_widgets.py [--clicks 25] [--imports 5] [--no-browser]

Prints, from the same run:
- cold import time (fresh interpreter each time, median of ``--imports`` runs) of
  ``sourcewise.widgets``, of the first view class (which loads anywidget), and of ``ipywidgets``;
- in a real JupyterLab with Debian's Chromium: the time from a mouse click on a sentence of
  the annotator to the answer file on disk holding the change (median and p90 of ``--clicks``);
- Run All (Run menu) of each lesson's student version, from the click until the kernel is idle
  and every cell has run (the kernel already started, as a student's is), in seconds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))

from lab_driver import (
    NotebookPage,
    chromium,
    chromium_missing,
    saved_answers,
    start_lab,
    write_notebooks,
)

IMPORTS = {
    "import sourcewise.widgets": "import sourcewise.widgets",
    "from sourcewise.widgets import Annotator": "from sourcewise.widgets import Annotator",
    "import ipywidgets": "import ipywidgets",
    "import anywidget": "import anywidget",
}


def cold_import_ms(statement: str) -> float:
    """Wall time of one import statement in a fresh interpreter, in milliseconds."""
    code = ("import time; t = time.perf_counter(); " + statement +
            "; print((time.perf_counter() - t) * 1000)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


def importtime_ms(module: str) -> float:
    """The cumulative time ``python -X importtime`` reports for ``module`` (milliseconds)."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         capture_output=True, text=True, check=True)
    for line in reversed(out.stderr.splitlines()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1000
    raise RuntimeError(f"no importtime line for {module}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bench_imports(runs: int) -> None:
    print(f"Cold import, fresh interpreter each run (median of {runs}; ms):")
    for label, statement in IMPORTS.items():
        times = [cold_import_ms(statement) for _ in range(runs)]
        print(f"  {label:<42} {statistics.median(times):8.1f}   (min {min(times):.1f})")
    for module in ("sourcewise.widgets", "ipywidgets"):
        times = [importtime_ms(module) for _ in range(runs)]
        print(f"  -X importtime cumulative {module:<17} {statistics.median(times):8.1f}")


RUN_ALL_LIMIT = 5.0  # seconds, issue 13


def bench_lessons() -> None:
    """Run All of every lesson's student version in a real JupyterLab; seconds per lesson."""
    reason = chromium_missing()
    if reason:
        print(f"Run All of each lesson: skipped ({reason}).")
        return
    from sourcewise.lessons.student_versions import student_versions

    versions = student_versions()
    times: dict[str, float] = {}
    errors: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="sw-bench-lessons-") as tmp:
        root, home = Path(tmp) / "root", Path(tmp) / "home"
        root.mkdir()
        for lesson, built in versions.items():
            shutil.copyfile(built, root / f"{lesson}.ipynb")
        server = start_lab(root, home)
        try:
            with chromium() as browser:
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                for lesson in versions:
                    nb = NotebookPage(page, server, lesson).open()
                    start = time.perf_counter()
                    nb.run_all(ready="")
                    times[lesson] = time.perf_counter() - start
                    errors[lesson] = page.locator(
                        ".jp-OutputArea-output[data-mime-type="
                        "'application/vnd.jupyter.stderr']").count()
                    server.delete_sessions()
        finally:
            server.stop()
    print(f"Run All of each lesson in JupyterLab + Chromium (s; limit {RUN_ALL_LIMIT:.0f}):")
    for lesson, seconds in times.items():
        flag = "" if seconds < RUN_ALL_LIMIT else "   OVER THE LIMIT"
        note = f"   ({errors[lesson]} stderr outputs)" if errors[lesson] else ""
        print(f"  {lesson:<20} {seconds:6.2f}{flag}{note}")
    print(f"  slowest {max(times.values()):.2f}   total {sum(times.values()):.2f}")


def bench_clicks(clicks: int) -> None:
    reason = chromium_missing()
    if reason:
        print(f"Click-to-saved latency: skipped ({reason}).")
        return
    with tempfile.TemporaryDirectory(prefix="sw-bench-") as tmp:
        root, home = Path(tmp) / "root", Path(tmp) / "home"
        root.mkdir()
        write_notebooks(root)
        server = start_lab(root, home)
        try:
            with chromium() as browser:
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                nb = NotebookPage(page, server, "annotator-units").open()
                nb.run_all(ready="[data-unit-id='S14']")
                latencies = measure_clicks(nb, clicks)
        finally:
            server.stop()
    print(f"Click-to-saved-file latency in JupyterLab + Chromium ({clicks} clicks; ms):")
    print(f"  median {statistics.median(latencies):.1f}   p90 {percentile(latencies, 0.9):.1f}"
          f"   min {min(latencies):.1f}   max {max(latencies):.1f}")


def measure_clicks(nb: NotebookPage, clicks: int) -> list[float]:
    """Click sentences in turn (each toggles); time until the file shows the new set."""
    units = [f"S{i}" for i in range(1, 15)]
    marked: set[str] = set()
    path = nb.server.answers_file
    latencies = []
    for i in range(clicks):
        unit = units[i % len(units)]
        marked ^= {unit}
        target = nb.widget().locator(f"[data-unit-id='{unit}']")
        target.scroll_into_view_if_needed()
        box = None
        while box is None:  # None while the view is being redrawn
            box = target.bounding_box()
        start = time.perf_counter()
        nb.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        while True:
            value = saved_answers(path).get("q_units") or {"marks": []}
            if {m["unit"] for m in value["marks"]} == marked:
                break
            if time.perf_counter() - start > 15:
                raise RuntimeError(f"click {i} on {unit} was not saved within 15 s")
            time.sleep(0.001)
        latencies.append((time.perf_counter() - start) * 1000)
        nb.page.wait_for_timeout(50)  # let the view redraw before the next click
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=25)
    parser.add_argument("--imports", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-lessons", action="store_true", help="skip Run All of the lessons")
    args = parser.parse_args()
    bench_imports(args.imports)
    if not args.no_browser:
        bench_clicks(max(20, args.clicks))
        if not args.no_lessons:
            bench_lessons()


if __name__ == "__main__":
    main()
