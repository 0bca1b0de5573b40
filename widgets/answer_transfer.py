"""All my answers in one file: download them, load them on another device, hand them in.

The browser edition keeps a student's files in that browser only. ``AnswerTransfer`` collects
every answer of the lessons in the notebook's folder into one JSON file that the browser
downloads (no network needed), and loads such a file back: it is checked in full first (a bad
file changes nothing), then merged so that no answer is lost (``answer_restore``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from sourcewise.grading.answer_bundle import (
    MAX_BYTES,
    BundleError,
    bundle_bytes,
    bundle_filename,
    collect_bundle,
    read_bundle,
)

from .answer_restore import RestoreReport, check_article, count, restore_bundle
from .answer_store import writes_allowed
from .persistent_view import static_css, static_esm


class AnswerTransfer(anywidget.AnyWidget):
    """Download every answer of this folder as one file, or load such a file."""

    _esm = static_esm("answer_transfer.js")
    _css = static_css("answer_transfer.css")
    student = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    report = traitlets.List(traitlets.Unicode()).tag(sync=True)
    error = traitlets.Bool(False).tag(sync=True)
    max_bytes = traitlets.Int(MAX_BYTES).tag(sync=True)
    read_only = traitlets.Bool(False).tag(sync=True)
    # Counts status updates: the view redraws on it even when a status repeats word for word.
    serial = traitlets.Int(0).tag(sync=True)

    def __init__(self, folder: str | Path | None = None, *, article: str | None = None,
                 student: str = "") -> None:
        super().__init__(student=student, read_only=not writes_allowed())
        self.folder = Path(folder) if folder is not None else Path.cwd()
        self.article = article
        self.on_msg(self._on_message)

    def _show(self, status: str, report: list[str] | None = None, *, error: bool = False) -> None:
        with self.hold_sync():
            self.error = error
            self.report = list(report or [])
            self.status = status
            self.serial += 1

    def download(self) -> bytes:
        """The bundle's bytes, also sent to the browser to save (the student's download)."""
        try:
            collected = collect_bundle(self.folder, student=self.student or None,
                                       article=self.article)
        except BundleError as err:
            self._show(f"No file was made: {err}", error=True)
            return b""
        raw = bundle_bytes(collected.bundle)
        lessons = collected.bundle.lessons
        # As text, not a binary buffer: the browser edition's kernel passes JSON messages only.
        self.send({"event": "download", "filename": bundle_filename(),
                   "text": raw.decode("utf-8")})
        if lessons:
            names = ", ".join(lessons)
            status = (f"Your answers to {count(len(lessons), 'lesson')} are in the downloaded "
                      f"file ({names}). Keep it safe: load it on another device, or hand it in.")
        else:
            status = ("You have no saved answers yet, so the downloaded file is empty. Answer "
                      "in the lessons first.")
        self._show(status, collected.notes)
        return raw

    def load(self, raw: bytes, name: str = "") -> RestoreReport | None:
        """Check a downloaded file in full, then merge it into this folder (None: refused)."""
        shown = f"“{name}”" if name else "The file"
        try:
            bundle = read_bundle(bytes(raw))
            check_article(bundle, self.folder)
        except BundleError as err:
            self._show(f"{shown} was not loaded, and nothing was changed. {err}", error=True)
            return None
        made = bundle.created[:10]
        label = (f"your answers file {name}" if name else "your answers file") + (
            f" (made {made})" if made else "")
        try:
            report = restore_bundle(bundle, self.folder, label=label)
        except BundleError as err:
            self._show(f"{shown} was not loaded, and nothing was changed. {err}", error=True)
            return None
        if bundle.student and not self.student:
            self.student = bundle.student
        if report.read_only:
            self._show(report.sentences()[0], error=True)
        else:
            added = [count(n, noun) for n, noun in ((report.answers_loaded, "answer"),
                     (report.written_placed, "written answer")) if n]
            self._show(f"Loaded {shown if name else 'the file'}: "
                       + (" and ".join(added) + " added." if added else "nothing was missing "
                          "here."), report.sentences())
        return report

    def _on_message(self, _widget: Any, content: Any, buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        try:
            if content.get("event") == "download":
                if isinstance(content.get("student"), str):
                    self.student = content["student"][:200]
                self.download()
            elif content.get("event") == "load":
                name = Path(str(content.get("name") or "")[:200].replace("\\", "/")).name
                text = content.get("text")
                if buffers:
                    raw = bytes(buffers[0])
                elif isinstance(text, str):
                    raw = text.encode("utf-8", errors="surrogatepass")
                else:
                    self._show(f"“{name}” could not be read by the browser; nothing was changed.",
                               error=True)
                    return
                self.load(raw, name)
        except Exception as err:  # the button must answer, not fail silently in a log
            self._show(f"That did not work ({type(err).__name__}: {err}); nothing was changed.",
                       error=True)
