"""A real JupyterLab on 127.0.0.1 and Debian's Chromium, driven the way a student works.

Used by the browser tests (through ``conftest.py``) and by ``tests/bench/bench_widgets.py``.
The choices, each checked on this machine: Run All goes through the Run menu (the
command palette was flaky on first load), sessions are deleted between notebooks (kernels
outlive closed pages), and the server's settings, runtime and config live in a temp folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("SOURCEWISE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
LESSON = "browser-test"
# Variables that would make the kernel read-only or switch feedback to course mode.
KERNEL_ENV_CLEARED = ("NBGRADER_EXECUTION", "SOURCEWISE_READ_ONLY", "SOURCEWISE_MODE")
# The announcements plugin asks "Would you like to get notified about official Jupyter news?"
# in a toast that covers the notebook; news_url=None alone does not stop that question.
DISABLED_PLUGINS = {"@jupyterlab/apputils-extension:announcements": True}

# One notebook per widget: the widget is the cell's last expression.
WIDGET_CELLS = {
    "annotator-units": 'lesson.annotator("q_units", task="claims.attribution", mode="units")',
    "annotator-spans": 'lesson.annotator("q_spans", task="framing.devices", mode="spans", '
                       'label_help={"loaded word": "Carries a judgement beyond its plain '
                       'meaning."})',
    "source-linker": 'lesson.source_linker("q_links", ["C07", "C20", "C33"], '
                     'task="sources.links")',
    "comparison": 'lesson.comparison("q_matrix", ["C15", "C20"], task="corroboration.matrix", '
                  'account_ids=["coalition-briefing", "wire-sceptic"])',
    "confidence": 'lesson.confidence("q_confidence", ["C15", "C20", "C33"], '
                  'task="weighing.calibration")',
    # Lesson 1's graded task (self-checks that teach, and a click at the bottom edge).
    "claims-focused": 'lesson.annotator("claims_check", task="claims.focused")',
    # Lesson 3's lateral reading search.
    "search": 'lesson.search("q_search", ["C23", "C33", "C39"], task="corroboration.search")',
    # All answers in one file (the browser edition's my-answers notebook).
    "answer-transfer": "from sourcewise.widgets import AnswerTransfer\nAnswerTransfer()",
    # Lesson 3's layout: the seed beside every competing account.
    "comparison-all": 'lesson.comparison("q_all", ["C01", "C03", "C15", "C18", "C20", "C21", '
                      '"C22", "C23", "C33", "C37"], task="corroboration.matrix")',
}
THEMES = ("JupyterLab Light", "JupyterLab Dark", "JupyterLab Dark High Contrast")


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed"
    return None


def write_notebooks(folder: Path) -> dict[str, Path]:
    """The test notebooks, one per widget, committed-style (no outputs, kernelspec python3)."""
    import nbformat

    paths = {}
    for name, widget in WIDGET_CELLS.items():
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell(
            f'from sourcewise.widgets import Lesson\nlesson = Lesson("{LESSON}")\n{widget}')]
        paths[name] = folder / f"{name}.ipynb"
        nbformat.write(nb, paths[name])
    return paths


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LabServer:
    """A ``jupyter lab`` process serving ``root`` with a token, its state kept in ``home``."""

    root: Path
    home: Path
    port: int
    token: str
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def answers_file(self) -> Path:
        return self.root / "answers" / f"{LESSON}.json"

    def api(self, method: str, path: str) -> Any:
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def delete_sessions(self) -> None:
        """Shut down every kernel the pages started: kernels outlive closed pages."""
        for session in self.api("GET", "/api/sessions"):
            with contextlib.suppress(OSError):
                self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels"):
            with contextlib.suppress(OSError):
                self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def log_tail(self, chars: int = 3000) -> str:
        log = self.home / "server.log"
        return log.read_text(errors="replace")[-chars:] if log.exists() else ""

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.delete_sessions()
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_lab(root: Path, home: Path, *, timeout: float = 60.0,
              student_lab: bool = False) -> LabServer:
    """Start JupyterLab on a free port of 127.0.0.1 and wait until its API answers.

    ``student_lab``: start it the way ``sourcewise lab`` does (its command line and its config
    folder, which hides nbgrader's instructor tools), with this driver's token and folders.
    """
    for sub in ("config/labconfig", "runtime", "data", "settings", "workspaces"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    (home / "config/labconfig/page_config.json").write_text(
        json.dumps({"disabledExtensions": DISABLED_PLUGINS}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in KERNEL_ENV_CLEARED}
    env.update(JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               PYTHONUNBUFFERED="1")
    token = secrets.token_hex(16)
    port = _free_port()
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
           f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           # window.jupyterapp, so a test can switch the theme as the Settings menu does.
           "--LabApp.expose_app_in_browser=True"]
    if student_lab:
        from sourcewise.grading.editions.lab import lab_command, lab_environment

        cmd = [*lab_command(root, no_browser=True, port=port), "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", "--LabApp.news_url=None",
               "--LabApp.expose_app_in_browser=True"]
        env = lab_environment(root, env)
    elif hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = (home / "server.log").open("wb")
    process = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    server = LabServer(root=root, home=home, port=port, token=token, process=process)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {process.returncode}:\n"
                               f"{server.log_tail()}")
        try:
            server.api("GET", "/api/status")
            return server
        except OSError:
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s:\n"
                                   f"{server.log_tail()}") from None
            time.sleep(0.2)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright (never ``playwright install``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_until(predicate: Callable[[], Any], timeout: float = 15.0, what: str = "") -> Any:
    """Poll ``predicate`` until it returns something truthy; fail with ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def saved_answers(path: Path) -> dict[str, Any]:
    """Question id -> saved value; {} when there is no file (or it is mid-replace)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return {qid: entry["value"] for qid, entry in data.get("answers", {}).items()}


class NotebookPage:
    """One notebook open in JupyterLab, with the actions a student takes."""

    IDLE = '.jp-Notebook-ExecutionIndicator[data-status="idle"]'

    def __init__(self, page: Any, server: LabServer, name: str) -> None:
        self.page = page
        self.server = server
        self.name = name

    def open(self, timeout: float = 60.0) -> NotebookPage:
        # ?reset: a fresh workspace, so notebooks of earlier tests are not reopened.
        self.page.goto(f"{self.server.url}/lab/tree/{self.name}.ipynb?reset&token="
                       f"{self.server.token}")
        self.page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout * 1000)
        self.wait_for_kernel(timeout)
        return self

    def kernel(self) -> dict[str, Any] | None:
        """The server's view of this notebook's kernel (state and open connections)."""
        for session in self.server.api("GET", "/api/sessions"):
            if session.get("path") == f"{self.name}.ipynb" and session.get("kernel"):
                return dict(session["kernel"])
        return None

    def wait_for_kernel(self, timeout: float = 60.0) -> None:
        """Idle and connected to the page: Run All before that is silently dropped."""
        wait_until(lambda: (k := self.kernel()) and k["execution_state"] == "idle"
                   and k.get("connections", 0) >= 1, timeout, "the kernel to be idle")
        self.page.wait_for_selector(self.IDLE, timeout=timeout * 1000)

    def _menu(self, menu: str, command: str) -> None:
        self.page.click(f'.lm-MenuBar-item:has-text("{menu}")')
        self.page.click(f'.lm-Menu-item[data-command="{command}"]:not(.lm-mod-disabled)')

    def _mark_widgets_stale(self) -> None:
        self.page.evaluate(
            "document.querySelectorAll('.sw-widget').forEach(e => e.dataset.stale = '1')")

    def _outputs(self) -> str:
        return " | ".join(self.page.locator(".jp-OutputArea").all_inner_texts())[:2000]

    def _wait_for_run(self, ready: str, timeout: float) -> None:
        try:
            self.page.wait_for_selector(f".sw-widget:not([data-stale]) {ready}",
                                        timeout=timeout * 1000)
        except Exception as err:
            raise AssertionError(f"the widget did not appear ({err}); cell output: "
                                 f"{self._outputs()!r}") from None
        self.page.wait_for_function(
            "() => !Array.from(document.querySelectorAll('.jp-InputArea-prompt'))"
            ".some(p => p.textContent.includes('*'))", timeout=timeout * 1000)
        self.wait_for_kernel(timeout)

    def _started(self, seconds: float) -> bool:
        """Did the last Run All start? (A prompt shows [*], or a fresh widget or output.)"""
        try:
            self.page.wait_for_function(
                "() => Array.from(document.querySelectorAll('.jp-InputArea-prompt'))"
                ".some(p => /\\*|\\d/.test(p.textContent))"
                " || document.querySelector('.jp-OutputArea-output:not(:has([data-stale]))')",
                timeout=seconds * 1000)
            return True
        except Exception:
            return False

    def run_all(self, ready: str = "", timeout: float = 60.0) -> None:
        """Run menu → Run All Cells; wait until the kernel is idle and the widget is drawn."""
        self._mark_widgets_stale()
        self._menu("Run", "runmenu:run-all")
        if not self._started(10):  # dropped while the front end was still connecting
            self.wait_for_kernel(timeout)
            self._menu("Run", "runmenu:run-all")
        self._wait_for_run(ready, timeout)

    def restart_and_run_all(self, ready: str = "", timeout: float = 60.0) -> None:
        """Kernel menu → Restart Kernel… (confirmed), then Run All from the Run menu."""
        self._mark_widgets_stale()
        self.page.evaluate("document.querySelectorAll('.jp-InputArea-prompt')"
                           ".forEach(p => p.textContent = '')")
        old = self.kernel()
        assert old is not None

        def restarted() -> bool:
            return bool((k := self.kernel()) and k["last_activity"] != old["last_activity"])

        # The server logs the restart and sets last_activity. A menu click that JupyterLab
        # dropped (seen once in CI on a loaded machine) leaves it unchanged: ask once more.
        for attempt in range(2):
            self._menu("Kernel", "kernelmenu:restart")
            self.page.click(".jp-Dialog .jp-mod-accept")
            self.page.wait_for_selector(".jp-Dialog", state="detached")
            try:
                wait_until(restarted, timeout / 2, "the kernel to restart")
                break
            except AssertionError:
                if attempt:
                    raise
        self.wait_for_kernel(timeout)
        self.run_all(ready, timeout)

    def set_theme(self, theme: str) -> None:
        """Switch JupyterLab's theme (Settings → Theme) and wait until it is applied."""
        self.page.evaluate("t => window.jupyterapp.commands.execute('apputils:change-theme', "
                           "{theme: t})", theme)
        light = theme == "JupyterLab Light"
        self.page.wait_for_function(
            f"() => document.body.dataset.jpThemeName === {json.dumps(theme)} && "
            f"document.body.dataset.jpThemeLight === {json.dumps(str(light).lower())}",
            timeout=20000)
        self.page.wait_for_timeout(300)  # the theme's stylesheet replaces the old one

    def focused(self, attribute: str) -> str | None:
        """An attribute of the element that has the keyboard focus."""
        return self.page.evaluate("a => document.activeElement?.getAttribute(a) ?? null",
                                  attribute)

    def widget(self) -> Any:
        return self.page.locator(".sw-widget:not([data-stale])").first

    def code_cell_count(self) -> int:
        return int(self.page.locator(".jp-Notebook .jp-Cell.jp-CodeCell").count())

    def close(self) -> None:
        self.page.close()


def clean_answers(server: LabServer) -> None:
    shutil.rmtree(server.answers_file.parent, ignore_errors=True)
