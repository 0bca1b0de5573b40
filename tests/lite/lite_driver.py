"""Serve a built browser-edition site on 127.0.0.1 and drive a lesson in Debian's Chromium.

Shared by the lite test and the lite benchmark. Every request to an address other than the
local server is aborted and recorded: the site must hold everything it needs. Playwright runs
in a thread of its own (``in_thread``) because the browser tests of the same pytest session
keep a Playwright event loop in the main thread.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

CHROMIUM = Path(os.environ.get("SOURCEWISE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
LOCAL = ("127.0.0.1", "localhost")
# The notebook in front (JupyterLab may restore other notebooks of the workspace behind it).
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
WIDGET = f"{PANEL} .sw-widget:not([data-stale])"
# "idle" shows before the kernel exists ("No Kernel"): wait for Pyodide's own idle.
KERNEL_IDLE = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const name = panel && panel.querySelector('.jp-Toolbar-kernelName');
  const status = panel && panel.querySelector('.jp-Notebook-ExecutionIndicator');
  return name && name.textContent.includes('Pyodide') && status
    && status.getAttribute('data-status') === 'idle';
}"""
NO_BUSY_PROMPT = ("() => !Array.from(document.querySelectorAll('.jp-InputArea-prompt'))"
                  ".some(p => p.textContent.includes('*'))")
MARKS = """w => Array.from(w.querySelectorAll('.sw-mark')).map(m => [
  m.dataset.label,
  Array.from(m.querySelectorAll('.sw-token'))
    .map(t => t.dataset.start + '-' + t.dataset.end).join(' ')])"""

T = TypeVar("T")


def missing() -> str | None:
    """Why the lite site cannot be built and driven here, or None."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    for tool in ("npm", "node"):
        if shutil.which(tool) is None:
            return f"{tool} not found (the build takes Pyodide from npm and compiles with Node.js)"
    return None if CHROMIUM.exists() else f"Chromium not found at {CHROMIUM}"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
        ".mjs": "text/javascript", ".js": "text/javascript", ".json": "application/json"}

    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` as any static host would; yields its address."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def in_thread(function: Callable[[], T]) -> T:
    """Run ``function`` in a thread of its own and return its result (or raise its error)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function).result()


@contextlib.contextmanager
def offline_context(service_workers: str = "allow") -> Iterator[tuple[Any, list[str]]]:
    """A fresh browser profile that can reach 127.0.0.1 only; yields it and the blocked list.
    ``service_workers="block"`` is a browser that gives the site no storage."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def only_local(route: Any) -> None:
        if urlsplit(route.request.url).hostname in LOCAL:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(service_workers=service_workers,
                                          viewport={"width": 1400, "height": 1000})
            context.route("**/*", only_local)
            yield context, blocked
        finally:
            browser.close()


class LitePage:
    """One lesson of the site open in a tab; times what a student waits for."""

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.url = url
        self.times: dict[str, float] = {}

    def open(self, notebook: str, timeout: float = 180.0) -> LitePage:
        started = time.monotonic()
        self.page.goto(f"{self.url}/lab/index.html?path={notebook}")
        self.page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout * 1000)
        self.times["page open to lesson shown"] = time.monotonic() - started
        self.wait_for_kernel(timeout)
        self.times["page open to kernel ready"] = time.monotonic() - started
        self._opened = started
        return self

    def reload(self, timeout: float = 180.0) -> None:
        started = time.monotonic()
        self.page.reload()
        self.page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout * 1000)
        self.wait_for_kernel(timeout)
        self._opened = started

    def wait_for_kernel(self, timeout: float = 180.0) -> None:
        self.page.wait_for_function(KERNEL_IDLE, timeout=timeout * 1000, polling=100)

    def _menu(self, menu: str, command: str) -> None:
        self.page.click(f'.lm-MenuBar-item:has-text("{menu}")')
        self.page.click(f'.lm-Menu-item[data-command="{command}"]:not(.lm-mod-disabled)')

    def run_all(self, timeout: float = 180.0, ready: str = ".sw-token, .sw-unit") -> Any:
        """Run menu → Run All Cells; returns the lesson's first widget once it is drawn."""
        self.page.evaluate(
            "document.querySelectorAll('.sw-widget').forEach(e => e.dataset.stale = '1')")
        started = time.monotonic()
        self._menu("Run", "runmenu:run-all")
        widget = self.page.locator(WIDGET).first
        try:
            widget.wait_for(timeout=timeout * 1000)
        except Exception:
            outputs = " | ".join(self.page.locator(".jp-OutputArea").all_inner_texts())
            raise AssertionError(f"no widget; outputs: {outputs[:3000]!r}") from None
        widget.locator(ready).first.wait_for(timeout=timeout * 1000)
        now = time.monotonic()
        self.times["Run All to first widget"] = now - started
        self.times["page open to first widget interactive"] = now - self._opened
        self.page.wait_for_function(NO_BUSY_PROMPT, timeout=timeout * 1000)
        return widget

    def restart_and_run_all(self, timeout: float = 180.0) -> Any:
        self._menu("Kernel", "kernelmenu:restart")
        self.page.click(".jp-Dialog .jp-mod-accept")
        self.page.wait_for_selector(".jp-Dialog", state="detached")
        started = time.monotonic()
        # The old kernel's idle would pass at once: wait for a busy or starting state first.
        with contextlib.suppress(Exception):
            self.page.wait_for_function(
                "() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
                ".getAttribute('data-status') !== 'idle'", timeout=10_000, polling=50)
        self.wait_for_kernel(timeout)
        self._opened = started
        return self.run_all(timeout)

    def marks(self, widget: Any) -> list[list[str]]:
        """Each mark drawn in the widget: its label and the offsets of its words."""
        return sorted(widget.evaluate(MARKS))

    def saved_after(self, widget: Any, action: Callable[[], None],
                    timeout: float = 30.0) -> None:
        """Do ``action`` and wait until the widget says the answer was saved."""
        live = widget.locator(".sw-live")
        live.evaluate("e => { e.textContent = '' }")
        action()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = live.inner_text().strip()
            if text.startswith("Saved"):
                return
            if text.startswith("Not saved"):
                raise AssertionError(f"the widget could not save: {text}")
            time.sleep(0.05)
        raise AssertionError(f"no 'Saved.' within {timeout} s (live region: {live.inner_text()!r})")
