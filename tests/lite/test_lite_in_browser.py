"""Does lesson 1 work in the browser edition with no network beyond the site, and are the
student's marks still there after a page reload and a kernel restart?

Builds the site as ``sourcewise lite build`` does, serves it on 127.0.0.1 as any static host
would, and drives Debian's Chromium with a fresh profile in which every request to another
address is aborted. The lesson runs (Pyodide kernel, setup, widget); one span is marked with
the mouse and one with the keyboard; "Check my answer" compares with the key (self-study);
after a reload and after a kernel restart, Run All draws the same marks from the answers file
the kernel wrote into the browser's storage. Then "Download all my answers" gives one file,
and a second, fresh browser profile (another device) loads it and shows the same marks. Any
blocked request fails the test.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from lite_driver import WIDGET, LitePage, in_thread, offline_context

from sourcewise.grading.answer_bundle import read_bundle
from sourcewise.grading.editions.lite.pyodide_runtime import PRELOAD, normalise
from sourcewise.grading.editions.lite.site import TRANSFER_NOTEBOOK
from sourcewise.lessons import lesson_paths
from sourcewise.lessons.assessment import assessment_paths
from sourcewise.seeds import load_article

pytestmark = [pytest.mark.lite, pytest.mark.slow]

# The built site and its server: tests/lite/conftest.py (one build for the suite).


def test_the_site_holds_every_file_its_lock_names_and_nothing_for_instructors(
        site: Path) -> None:
    """Before any browser: Pyodide's lock names only files the site holds, byte-identical
    (micropip refuses a wheel whose sha256 differs), each with bytecode; the kernel preloads
    Sourcewise from it; no page or extension for instructors is in the site."""
    config = json.loads((site / "jupyter-lite.json").read_text(encoding="utf-8"))
    data = config["jupyter-config-data"]
    kernel = data["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.mjs" and kernel[
        "disablePyPIFallback"]
    assert kernel["loadPyodideOptions"]["packages"] == PRELOAD
    assert {e["name"] for e in data["federated_extensions"]}.isdisjoint(
        {"@jupyter/nbgrader", "jupyterlab-plotly"})
    pyodide = site / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert {normalise(n) for n in PRELOAD} <= set(lock["packages"])
    for name, entry in lock["packages"].items():
        wheel = pyodide / entry["file_name"]
        assert hashlib.sha256(wheel.read_bytes()).hexdigest() == entry["sha256"], name
        assert {normalise(d) for d in entry["depends"]} <= set(lock["packages"]), name
        with zipfile.ZipFile(wheel) as archive:
            assert any(n.endswith(".cpython-314.pyc") for n in archive.namelist()), name
    with zipfile.ZipFile(pyodide / "python_stdlib.zip") as stdlib:
        names = set(stdlib.namelist())
    assert {"sitecustomize.py", "json/__init__.pyc", "asyncio/__init__.pyc"} <= names
    lessons = {p.name for p in (site / "files").glob("*.ipynb")}
    assert lessons == ({p.name for p in [*lesson_paths(), *assessment_paths()]}
                       | {TRANSFER_NOTEBOOK})  # the seven lessons and the skills check
    assert not list(site.rglob("*nbgrader*")), "an instructor tool in the site"


def test_marks_survive_a_reload_a_restart_and_a_move_to_another_device(
        served: str, tmp_path: Path) -> None:
    article = load_article()
    s2, s7 = article.unit("S2"), article.unit("S7")
    mouse_start = s2.start + s2.text.index("Fighters")
    downloaded = tmp_path / "answers.json"

    def first_device() -> tuple[list[list[str]], list[str]]:
        with offline_context() as (context, blocked):
            lesson = LitePage(context.new_page(), served).open("01-claims.ipynb")
            widget = lesson.run_all()
            print(f"lite: first visit {lesson.times}")
            assert not lesson.marks(widget), "a fresh browser starts with no marks"

            # Mouse: click a word, shift-click it, choose label 1.
            token = widget.locator(f".sw-token[data-start='{mouse_start}']")
            lesson.saved_after(widget, lambda: (token.click(), token.click(modifiers=["Shift"]),
                                                lesson.page.keyboard.press("1")))
            # Keyboard: into S7's word list, first word, extend by two words, Enter.
            unit = widget.locator(f".sw-unit[data-unit-id='{s7.id}']")

            def by_keyboard() -> None:
                unit.focus()
                for key in ("Home", "Shift+ArrowRight", "Shift+ArrowRight", "Enter"):
                    lesson.page.keyboard.press(key)

            lesson.saved_after(widget, by_keyboard)
            marks = lesson.marks(widget)
            assert len(marks) == 2, marks
            assert any(m[1].startswith(f"{mouse_start}-") for m in marks), marks
            assert any(m[1].startswith(f"{s7.start}-") and m[1].count(" ") == 2
                       for m in marks), marks

            widget.locator("button.sw-check").click()
            feedback = widget.locator(".sw-feedback")
            feedback.wait_for(timeout=30_000)
            text = feedback.inner_text()
            # Self-study: the key is in the site, so the check runs its self-study stages (two
            # marks are not yet an attempt: it asks for more, and gives nothing of the key);
            # course mode would only say what is unfinished.
            assert "make an attempt first" in text and "Course mode" not in text, text
            assert "Why:" not in text, text

            lesson.reload()
            widget = lesson.run_all()
            assert lesson.marks(widget) == marks, "marks lost after a page reload"

            widget = lesson.restart_and_run_all()
            assert lesson.marks(widget) == marks, "marks lost after a kernel restart"

            lesson.page.close()
            transfer = LitePage(context.new_page(), served).open(TRANSFER_NOTEBOOK)
            widget = transfer.run_all(ready="button.sw-download")
            widget.get_by_label("Your name or student ID (optional)").fill("alice")
            with transfer.page.expect_download() as info:
                widget.get_by_role("button", name="Download all my answers").click()
            info.value.save_as(downloaded)
            return marks, blocked

    def second_device() -> tuple[list[list[str]], str, list[str]]:
        with offline_context() as (context, blocked):
            transfer = LitePage(context.new_page(), served).open(TRANSFER_NOTEBOOK)
            widget = transfer.run_all(ready="button.sw-load")
            with transfer.page.expect_file_chooser() as chooser:
                widget.get_by_role("button", name="Load answers from a file").click()
            chooser.value.set_files(str(downloaded))
            status = widget.locator(".sw-transfer-status")
            transfer.page.wait_for_function(
                "s => /Loaded|not loaded/.test(s.textContent)", arg=status.element_handle(),
                timeout=60_000)
            report = status.inner_text()
            transfer.page.close()
            lesson = LitePage(context.new_page(), served).open("01-claims.ipynb")
            widget = lesson.run_all()
            return lesson.marks(widget), report, blocked

    marks, blocked = in_thread(first_device)
    assert not blocked, f"the site asked for outside addresses: {blocked}"
    bundle = read_bundle(downloaded)
    assert bundle.student == "alice" and "01-claims" in bundle.lessons
    moved, report, blocked = in_thread(second_device)
    assert not blocked, f"the site asked for outside addresses: {blocked}"
    assert "01-claims: 1 answer loaded" in report, report
    assert moved == marks, f"marks not restored on the other device ({report})"


def test_a_browser_that_gives_no_storage_is_told_before_any_work_is_lost(served: str) -> None:
    """Without the service worker (a plain-http host, a browser that blocks it) the kernel has
    no access to the browser's storage: the lesson says so at once, on every widget."""
    def scenario() -> tuple[str, list[str]]:
        with offline_context(service_workers="block") as (context, blocked):
            lesson = LitePage(context.new_page(), served).open("01-claims.ipynb")
            lesson.run_all()
            return " ".join(lesson.page.locator(WIDGET).all_text_contents()), blocked

    text, blocked = in_thread(scenario)
    assert not blocked, f"the site asked for outside addresses: {blocked}"
    assert "This page cannot keep your answers" in text and "my-answers.ipynb" in text, text


def test_the_lite_benchmark_runs_on_the_built_site(site: Path) -> None:
    """Smoke run of tests/bench/bench_lite.py with tiny arguments (its figures are for people)."""
    import subprocess
    import sys

    bench = Path(__file__).resolve().parents[1] / "bench" / "bench_lite.py"
    done = subprocess.run([sys.executable, str(bench), "--site", str(site), "--visits", "1",
                           "--checks", "1"], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "site size:" in done.stdout and "visit 1:" in done.stdout, done.stdout
