"""All my answers in one file: does a download load on another device with nothing lost, and is
a bad file refused with a reason a student understands, before anything is written?

Devices are folders holding student copies of real lessons (answer cells still "YOUR ANSWER
HERE"); the widget is built outside a kernel, and ``load``/``download`` stand for the buttons.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from sourcewise.grading.answer_bundle import (
    MAX_BYTES,
    PLACEHOLDER,
    BundleError,
    bundle_bytes,
    collect_bundle,
    read_bundle,
    written_answers,
)
from sourcewise.lessons import LESSONS_DIR
from sourcewise.widgets import AnswerTransfer
from sourcewise.widgets.answer_restore import restore_bundle
from sourcewise.widgets.answer_store import AnswerStore, answers_path, load_answers

LESSONS = ("01-claims", "02-sources")
OLD, MIDDLE, NEW = "2031-03-01T09:00:00+00:00", "2031-04-01T09:00:00+00:00", \
    "2031-05-01T09:00:00+00:00"


@pytest.fixture(autouse=True)
def _writable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NBGRADER_EXECUTION", "SOURCEWISE_READ_ONLY", "SOURCEWISE_MODE"):
        monkeypatch.delenv(name, raising=False)


def device(folder: Path) -> Path:
    """A student's folder: the lessons as released (answer cells hold the placeholder)."""
    folder.mkdir(parents=True, exist_ok=True)
    for lesson in LESSONS:
        nb = json.loads((LESSONS_DIR / f"{lesson}.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("solution"):
                cell["source"] = PLACEHOLDER
        (folder / f"{lesson}.ipynb").write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return folder


def save(folder: Path, lesson: str, answers: dict[str, tuple[Any, str]]) -> None:
    """Answers as the widgets save them, with chosen save times: {question: (value, saved)}."""
    path = answers_path(lesson, folder)
    path.parent.mkdir(exist_ok=True)
    payload = {"schema_version": 1, "answers": {
        q: {"value": value, "fingerprint": "f1", "saved": saved}
        for q, (value, saved) in answers.items()}}
    path.write_text(json.dumps(payload), encoding="utf-8")


def write(folder: Path, lesson: str, text: str) -> str:
    """Write a written answer into the lesson's first answer cell; returns its grade id."""
    path = folder / f"{lesson}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        grading = cell["metadata"].get("nbgrader", {})
        if grading.get("solution"):
            cell["source"] = text
            path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
            return str(grading["grade_id"])
    raise AssertionError(f"{lesson} has no answer cell")


def written(folder: Path, lesson: str) -> dict[str, str]:
    return written_answers(json.loads((folder / f"{lesson}.ipynb").read_text(encoding="utf-8")))


def stored(folder: Path, lesson: str) -> dict[str, Any]:
    return json.loads(answers_path(lesson, folder).read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def download(folder: Path, student: str = "") -> tuple[bytes, list[dict[str, Any]]]:
    """Press "Download all my answers": the bytes and what was sent to the browser."""
    widget = AnswerTransfer(folder, student=student)
    sent: list[dict[str, Any]] = []
    widget.send = lambda content, buffers=None: sent.append({**content, "buffers": buffers})
    widget._on_message(widget, {"event": "download", "student": student}, [])
    return sent[-1]["text"].encode("utf-8"), sent


def valid_notebook(path: Path) -> None:
    nbformat.validate(nbformat.read(path, as_version=4))


# --- round trip -----------------------------------------------------------------------------

def test_download_then_load_on_a_fresh_device_restores_every_answer(tmp_path: Path) -> None:
    home = device(tmp_path / "home")
    save(home, "01-claims", {"q_claims": ({"mode": "units", "marks": [1]}, MIDDLE),
                             "q_other": ("yes", MIDDLE)})
    save(home, "02-sources", {"q_links": ({"links": {"C07": {"source": "activist"}}}, OLD)})
    grade_id = write(home, "01-claims", "S14 packs two claims: momentum and recruits.")
    raw, sent = download(home, student="alice")

    assert [m["event"] for m in sent] == ["download"]
    assert sent[0]["buffers"] is None  # text only: the browser edition's kernel sends JSON
    assert re.fullmatch(r"sourcewise-answers-\d{4}-\d\d-\d\d\.json", sent[0]["filename"])
    file = tmp_path / sent[0]["filename"]
    file.write_bytes(raw)

    library = device(tmp_path / "library")
    widget = AnswerTransfer(library)
    # What the browser sends when the student picks the file.
    widget._on_message(widget, {"event": "load", "name": f"C:\\fakepath\\{file.name}",
                                "text": file.read_text(encoding="utf-8")}, [])
    assert not widget.error, widget.status
    assert widget.status == f"Loaded “{file.name}”: 3 answers and 1 written answer added."
    assert load_answers("01-claims", library)[0] == load_answers("01-claims", home)[0]
    assert load_answers("02-sources", library)[0] == load_answers("02-sources", home)[0]
    assert AnswerStore(answers_path("01-claims", library)).get("q_claims", fingerprint="f1") \
        == {"mode": "units", "marks": [1]}
    assert written(library, "01-claims") == {grade_id: "S14 packs two claims: momentum and "
                                                       "recruits."}
    valid_notebook(library / "01-claims.ipynb")
    text = " ".join(widget.report)
    assert "01-claims: 2 answers loaded" in text and "1 written answer put into 01-claims" in text
    assert "02-sources: 1 answer loaded" in text
    assert widget.student == "alice"  # the name saved in the file fills the empty field


def test_the_download_holds_what_the_student_did_and_nothing_unanswered(tmp_path: Path) -> None:
    home = device(tmp_path / "home")
    save(home, "01-claims", {"q1": ("a", OLD)})
    bundle = read_bundle(download(home, student="  Alice Example ")[0])
    assert bundle.student == "Alice Example" and bundle.article == "isis-morale-2014"
    assert list(bundle.lessons) == ["01-claims"]  # 02-sources: nothing answered, left out
    assert bundle.lessons["01-claims"].written == {}  # the placeholder is not an answer


def test_a_download_with_no_answers_says_so(tmp_path: Path) -> None:
    home = device(tmp_path / "home")
    assert read_bundle(download(home)[0]).lessons == {}
    widget = AnswerTransfer(home)
    widget.send = lambda *a, **k: None
    widget.download()
    assert "no saved answers yet" in widget.status


# --- merging with what a device already has ---------------------------------------------------

def test_older_and_newer_answers_on_the_device_are_both_kept(tmp_path: Path) -> None:
    home = device(tmp_path / "home")
    save(home, "01-claims", {"q_newer_here": ("home", MIDDLE), "q_newer_there": ("home", MIDDLE),
                             "q_only_there": ("home", MIDDLE)})
    bundle = read_bundle(download(home)[0])
    laptop = device(tmp_path / "laptop")
    save(laptop, "01-claims", {"q_newer_here": ("laptop", NEW),
                               "q_newer_there": ("laptop", OLD), "q_only_here": ("laptop", OLD)})

    report = restore_bundle(bundle, laptop)
    saved = stored(laptop, "01-claims")
    values = {q: e["value"] for q, e in saved["answers"].items()}
    assert values == {"q_newer_here": "laptop", "q_newer_there": "home",
                      "q_only_there": "home", "q_only_here": "laptop"}
    aside = {q: [e["value"] for e in entries] for q, entries in saved["stale"].items()}
    assert aside == {"q_newer_here": ["home"], "q_newer_there": ["laptop"]}
    assert report.text().startswith(
        "01-claims: 2 answers loaded; 1 answer already on this device was kept because it was "
        "saved at the same time or later (the loaded one is kept aside in "
        "answers/01-claims.json).")

    before = snapshot(laptop)
    again = restore_bundle(bundle, laptop)
    assert snapshot(laptop) == before, "loading the same file twice must change nothing"
    assert again.sentences()[0] == "01-claims: nothing new; every answer in the file is " \
                                   "already here."


def test_a_written_answer_on_both_devices_keeps_both_texts(tmp_path: Path) -> None:
    home = device(tmp_path / "home")
    grade_id = write(home, "01-claims", "My answer from home.")
    write(home, "02-sources", "Same text on both.")
    bundle = read_bundle(download(home)[0])
    laptop = device(tmp_path / "laptop")
    write(laptop, "01-claims", "My answer from the laptop.")
    write(laptop, "02-sources", "Same text on both.\n")

    report = restore_bundle(bundle, laptop, label="your answers file a.json")
    text = written(laptop, "01-claims")[grade_id]
    assert text.startswith("My answer from the laptop.")
    assert text.index("**Loaded from your answers file a.json.**") < text.index(
        "My answer from home.")
    assert written(laptop, "02-sources") == {next(iter(written(home, "02-sources"))):
                                             "Same text on both.\n"}
    valid_notebook(laptop / "01-claims.ipynb")
    assert "added below the one already in 01-claims.ipynb" in report.text()

    before = snapshot(laptop)
    restore_bundle(bundle, laptop, label="your answers file a.json")
    assert snapshot(laptop) == before


def test_a_damaged_answers_file_on_the_device_is_kept_aside_not_lost(tmp_path: Path) -> None:
    home = device(tmp_path / "home")
    save(home, "01-claims", {"q1": ("home", OLD)})
    bundle = read_bundle(download(home)[0])
    laptop = device(tmp_path / "laptop")
    damaged = answers_path("01-claims", laptop)
    damaged.parent.mkdir()
    damaged.write_bytes(b'{"schema_version": 1, "answers": {"q1": ')
    report = restore_bundle(bundle, laptop)
    kept = [p for p in damaged.parent.iterdir() if "unreadable" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == b'{"schema_version": 1, "answers": {"q1": '
    assert load_answers("01-claims", laptop)[0] == {"q1": "home"}
    assert "kept as" in report.text()


def test_written_answers_without_their_notebook_are_reported_not_dropped(tmp_path: Path) -> None:
    home = device(tmp_path / "home")
    write(home, "01-claims", "An answer.")
    bundle = read_bundle(download(home)[0])
    empty = tmp_path / "empty"
    empty.mkdir()
    report = restore_bundle(bundle, empty)
    assert "01-claims.ipynb is not in this folder" in report.text()
    assert "still holds it" in report.text()


@pytest.mark.parametrize("variable", ["NBGRADER_EXECUTION", "SOURCEWISE_READ_ONLY"])
def test_loading_writes_nothing_in_a_grading_or_read_only_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    home = device(tmp_path / "home")
    save(home, "01-claims", {"q1": ("home", OLD)})
    write(home, "01-claims", "An answer.")
    raw = download(home)[0]
    laptop = device(tmp_path / "laptop")
    before = snapshot(laptop)
    monkeypatch.setenv(variable, "autograde")
    widget = AnswerTransfer(laptop)
    assert widget.read_only
    report = widget.load(raw, "answers.json")
    assert report is not None and report.read_only
    assert snapshot(laptop) == before
    assert "read-only" in widget.status and widget.error


# --- hostile and broken files -------------------------------------------------------------------

def good() -> dict[str, Any]:
    return {"format": "sourcewise-answers", "version": 1, "created": NEW, "student": "alice",
            "article": "isis-morale-2014",
            "lessons": {"01-claims": {
                "answers": {"schema_version": 1,
                            "answers": {"q1": {"value": 1, "fingerprint": None, "saved": NEW}}},
                "written": {"l01-claims_text": "text"}}}}


def changed(**parts: Any) -> bytes:
    """The good bundle with some top-level parts replaced."""
    return json.dumps({**good(), **parts}).encode()


def with_lesson(stem: str, entry: Any) -> bytes:
    data = good()
    data["lessons"] = {stem: entry}
    return json.dumps(data).encode()


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


HOSTILE = {
    "not JSON": (b"this is not json", "is not valid JSON"),
    "cut short": (json.dumps(good()).encode()[:-40], "may have been cut short"),
    "empty": (b"", "is empty"),
    "not UTF-8": (b"\xff\xfe\x00{}", "is not UTF-8 text"),
    "too big": (b'{"x": "' + b"a" * MAX_BYTES + b'"}', "too large to be an answers download"),
    "too deep": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "deep answer": (with_lesson("01-claims", {"answers": {"schema_version": 1, "answers": {
        "q1": {"value": nested(14)}}}}), "nested too deeply"),
    "a list": (b"[1, 2]", "not a Sourcewise answers download"),
    "wrong format": (changed(format="zip"), 'does not say "format": "sourcewise-answers"'),
    "one lesson's file": (b'{"schema_version": 1, "answers": {}}', "one lesson's answers file"),
    "newer version": (changed(version=2), "another version of Sourcewise (download format '2'"),
    "version true": (changed(version=True), "another version of Sourcewise"),
    "no lessons": (changed(lessons=["01-claims"]), "no list of lessons by name"),
    "parent stem": (with_lesson("../escape", {}), "names a lesson '../escape', which is not a "
                                                  "lesson name"),
    "dot dot stem": (with_lesson("..", {}), "not a lesson name"),
    "slash stem": (with_lesson("a/b", {}), "not a lesson name"),
    "absolute stem": (with_lesson("/etc/passwd", {}), "not a lesson name"),
    "hidden stem": (with_lesson(".bashrc", {}), "not a lesson name"),
    "unsafe grade id": (with_lesson("01-claims", {"written": {"../x": "t"}}),
                        "names a written answer '../x', which is not an answer cell's name"),
    "written not text": (with_lesson("01-claims", {"written": {"l01-claims_text": 5}}),
                         "written answer l01-claims_text of lesson 01-claims is not text"),
    "written a list": (with_lesson("01-claims", {"written": ["text"]}),
                       "written answers for lesson 01-claims are not a list"),
    "lesson a string": (with_lesson("01-claims", "answers"), "entry for lesson 01-claims is "
                                                             "not a group of answers"),
    "unknown part": (with_lesson("01-claims", {"code": "import os"}), "parts Sourcewise does not "
                                                                     "know ('code')"),
    "answers a list": (with_lesson("01-claims", {"answers": []}), "answers for lesson 01-claims "
                                                                  "are not an answers file"),
    "answer not an object": (with_lesson("01-claims", {"answers": {
        "schema_version": 1, "answers": {"q1": 5}}}), "copy of answers/01-claims.json is not a "
                                                      "Sourcewise answers file (answers.q1 must "
                                                      "be object)"),
    "answers from the future": (with_lesson("01-claims", {"answers": {
        "schema_version": 9, "answers": {}}}), "copy of answers/01-claims.json was written by "
                                               "another version"),
    "student a number": (changed(student=12345), "name or student ID is not text"),
    "no article": (changed(article="../seeds"), "does not say which article"),
    "huge written answer": (with_lesson("01-claims", {"written": {"l01": "x" * 200_001}}),
                            "does not have the shape of a Sourcewise answers download "
                            "(lessons.01-claims.written.l01 must be shorter than or equal to "
                            "200000 characters)"),
    "too many lessons": (changed(lessons={f"l{i}": {} for i in range(101)}),
                         "does not have the shape"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_bad_file_is_refused_with_a_specific_reason(case: str) -> None:
    raw, words = HOSTILE[case]
    with pytest.raises(BundleError) as caught:
        read_bundle(raw)
    message = str(caught.value)
    assert words in message, message
    assert message.startswith("This file") and message.endswith(".") and "\n" not in message
    assert len(message) < 400


@pytest.mark.parametrize("case", ["not JSON", "parent stem", "unsafe grade id", "too deep",
                                  "answer not an object", "too big"])
def test_loading_a_bad_file_changes_nothing_and_says_why(tmp_path: Path, case: str) -> None:
    laptop = device(tmp_path / "laptop")
    save(laptop, "01-claims", {"q1": ("mine", OLD)})
    before = snapshot(tmp_path)
    widget = AnswerTransfer(laptop)
    assert widget.load(HOSTILE[case][0], "evil.json") is None
    assert widget.error
    assert widget.status.startswith("“evil.json” was not loaded, and nothing was changed.")
    assert HOSTILE[case][1] in widget.status
    assert snapshot(tmp_path) == before


def test_a_file_about_another_article_is_refused(tmp_path: Path) -> None:
    laptop = device(tmp_path / "laptop")
    before = snapshot(laptop)
    widget = AnswerTransfer(laptop)
    assert widget.load(changed(article="levee-2031"), "other.json") is None
    assert "about the article “levee-2031”, but the lessons here are about " \
           "“isis-morale-2014”" in widget.status
    assert snapshot(laptop) == before


def test_a_link_is_not_read_as_a_bundle(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_bytes(json.dumps(good()).encode())
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert read_bundle(target).lessons["01-claims"].written == {"l01-claims_text": "text"}
    with pytest.raises(BundleError, match="not a regular file"):
        read_bundle(link)
    with pytest.raises(BundleError, match="There is no file"):
        read_bundle(tmp_path / "missing.json")


def test_collecting_leaves_out_a_damaged_answers_file_with_a_note(tmp_path: Path) -> None:
    home = device(tmp_path / "home")
    save(home, "02-sources", {"q1": ("fine", OLD)})
    answers_path("01-claims", home).write_bytes(b"{broken")
    collected = collect_bundle(home)
    assert list(collected.bundle.lessons) == ["02-sources"]
    assert collected.notes == ["Your answers file answers/01-claims.json is not valid JSON (line "
                               "1, column 2: Expecting property name enclosed in double quotes); "
                               "it may have been cut short or edited by hand, so its answers are "
                               "not in the download."]
    assert read_bundle(bundle_bytes(collected.bundle)).lessons["02-sources"].answers is not None


def test_an_empty_written_answer_in_the_file_changes_nothing(tmp_path: Path) -> None:
    laptop = device(tmp_path / "laptop")
    grade_id = write(laptop, "01-claims", "Mine.")
    data = {**good(), "lessons": {"01-claims": {"written": {grade_id: PLACEHOLDER}}}}
    before = snapshot(laptop)
    report = restore_bundle(read_bundle(json.dumps(data).encode()), laptop)
    assert snapshot(laptop) == before
    assert report.sentences()[0] == "01-claims: nothing new; every answer in the file is " \
                                    "already here."
