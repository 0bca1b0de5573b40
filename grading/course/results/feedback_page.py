"""Feedback pages rendered in-process with one jinja2 template, and the stylesheet they share.

nbgrader's converter builds an nbconvert exporter, reads the gradebook cell by cell and inlines
about 130 kB of CSS into every page. Here the template is compiled once, the lesson's own cells
(the same for every student) are rendered once and reused, and every page of a lesson links one
``feedback.css`` written beside the lesson's pages. A page also carries a few lines of inline
CSS, so that a page copied alone (nbgrader's ``release_feedback`` copies only the ``.html``)
still wraps its text and never scrolls sideways.
"""

from __future__ import annotations

import html
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from sourcewise.grading.course.results.feedback_model import CellView, FeedbackPage

TEMPLATE = "feedback.html.j2"
STYLESHEET = "feedback.css"
SHARED_FOLDER = "_shared"  # feedback/_shared/<lesson>/feedback.css: no student folder has it


def asset_href(lesson: str) -> str:
    """The stylesheet's address as seen from ``feedback/<student>/<lesson>/<lesson>.html``."""
    return f"../../{SHARED_FOLDER}/{lesson}/{STYLESHEET}"


def _template_text(name: str) -> str:
    return resources.files("sourcewise.grading.course.results.templates").joinpath(
        name).read_text(encoding="utf-8")


@cache
def _template() -> Any:
    import jinja2

    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["points"] = points_text
    env.globals.update(markdown=markdown, code=code, outputs=outputs)
    return env.from_string(_template_text(TEMPLATE))


def points_text(value: float | None) -> str:
    """Points for people: at most two decimals, no trailing zeros (2.769… → 2.77, 4.0 → 4)."""
    if value is None:
        return "–"
    return f"{round(float(value), 2):g}"


@cache
def _markdown(escape: bool) -> Any:
    import mistune

    return mistune.create_markdown(escape=escape, plugins=["table", "strikethrough"])


@lru_cache(maxsize=4096)
def _markdown_html(text: str, trusted: bool) -> str:
    return _markdown(not trusted)(text)


def markdown(text: str, trusted: bool = False) -> Any:
    """Markdown as HTML; a student's text (``trusted=False``) has its raw HTML escaped."""
    from markupsafe import Markup

    return Markup(_markdown_html(text, trusted))


@lru_cache(maxsize=4096)
def _code_html(source: str) -> str:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return highlight(source, PythonLexer(), HtmlFormatter(nowrap=True))


def code(source: str) -> Any:
    from markupsafe import Markup

    return Markup(f"<pre class=\"code\"><code>{_code_html(source)}</code></pre>")


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def outputs(cell: CellView) -> Any:
    """A code cell's outputs; HTML and SVG only from the lesson's own (locked) cells."""
    from markupsafe import Markup

    parts = []
    for output in cell.outputs:
        kind = output.get("output_type")
        if kind == "stream":
            css = "out err" if output.get("name") == "stderr" else "out"
            parts.append(f"<pre class=\"{css}\">{html.escape(_text(output.get('text')))}</pre>")
            continue
        data = output.get("data", {})
        if cell.trusted and "text/html" in data:
            parts.append(f"<div class=\"out-html\">{_text(data['text/html'])}</div>")
        elif cell.trusted and "image/svg+xml" in data:
            parts.append(f"<div class=\"out-html\">{_text(data['image/svg+xml'])}</div>")
        elif any(m in data for m in ("image/png", "image/jpeg", "image/gif")):
            mime = next(m for m in ("image/png", "image/jpeg", "image/gif") if m in data)
            payload = _text(data[mime]).replace("\n", "")
            parts.append(f"<img class=\"out-img\" alt=\"output image\" "
                         f"src=\"data:{mime};base64,{html.escape(payload)}\">")
        elif "text/markdown" in data:
            parts.append(str(markdown(_text(data["text/markdown"]), cell.trusted)))
        elif "text/plain" in data:
            parts.append(f"<pre class=\"out\">{html.escape(_text(data['text/plain']))}</pre>")
    return Markup("".join(parts))


def render(page: FeedbackPage, stylesheet: str | None = None) -> str:
    """One page's HTML; ``stylesheet`` is the shared CSS's address (default: the lesson's)."""
    return _template().render(page=page, stylesheet=stylesheet or asset_href(page.lesson))


def stylesheet_text() -> str:
    from pygments.formatters import HtmlFormatter

    return _template_text(STYLESHEET) + "\n" + HtmlFormatter().get_style_defs("pre.code")


def write_shared(feedback_root: Path, lesson: str) -> Path:
    """Write the lesson's shared stylesheet once (atomically) and return its path."""
    from sourcewise.grading.atomic_write import write_bytes_atomic

    folder = Path(feedback_root) / SHARED_FOLDER / lesson
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / STYLESHEET
    write_bytes_atomic(path, stylesheet_text().encode("utf-8"))
    return path
