"""Does the answer store keep every saved answer, whatever happens to the file or the process?"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sourcewise.widgets.answer_store import (
    AnswerStore,
    AnswerStoreError,
    answers_path,
    load_answers,
)


@pytest.fixture(autouse=True)
def _writable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("SOURCEWISE_READ_ONLY", raising=False)


def test_set_then_get_survives_a_new_store(tmp_path: Path) -> None:
    path = answers_path("01-claims", tmp_path)
    AnswerStore(path).set("q1", {"marks": [1, 2]}, fingerprint="abc")
    again = AnswerStore(path)
    assert again.get("q1", fingerprint="abc") == {"marks": [1, 2]}
    assert json.loads(path.read_text())["schema_version"] == 1


def test_reading_never_creates_or_touches_the_file(tmp_path: Path) -> None:
    path = answers_path("01-claims", tmp_path)
    store = AnswerStore(path)
    assert store.get("q1") is None
    assert not path.parent.exists()
    AnswerStore(path).set("q1", 1)
    before = path.stat().st_mtime_ns
    time.sleep(0.01)
    AnswerStore(path).get("q1")
    assert path.stat().st_mtime_ns == before


@pytest.mark.parametrize("variable", ["NBGRADER_EXECUTION", "SOURCEWISE_READ_ONLY"])
def test_no_writes_under_grading_or_headless_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  variable: str) -> None:
    path = answers_path("01-claims", tmp_path)
    AnswerStore(path).set("q1", "student's answer")
    monkeypatch.setenv(variable, "1")
    assert AnswerStore(path).set("q1", "overwritten") is False
    assert AnswerStore(path).get("q1") == "student's answer"


@pytest.mark.parametrize(("content", "words"), [
    (b"", "empty"),
    (b'{"schema_version": 1, "answers": {"q1": {"val', "cut short"),
    (b"\xff\xfe\x00garbage", "UTF-8"),
    (b'{"schema_version": 99, "answers": {}}', "another version"),
    (b"[1, 2, 3]", "not a Sourcewise answers file"),
])
def test_damaged_file_is_reported_kept_aside_and_not_lost(tmp_path: Path, content: bytes,
                                                          words: str) -> None:
    path = answers_path("01-claims", tmp_path)
    path.parent.mkdir()
    path.write_bytes(content)
    store = AnswerStore(path)
    assert store.get("q1") is None
    assert any(words in notice for notice in store.notices)
    assert path.read_bytes() == content, "reading must not move or change the file"
    store.set("q1", "new answer")
    kept = [p for p in path.parent.iterdir() if "unreadable" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == content
    assert AnswerStore(path).get("q1") == "new answer"


def test_answer_for_another_text_is_not_restored_but_kept(tmp_path: Path) -> None:
    path = answers_path("01-claims", tmp_path)
    AnswerStore(path).set("q1", "old", fingerprint="text-v1")
    store = AnswerStore(path)
    assert store.get("q1", fingerprint="text-v2") is None
    assert "different version of the text" in store.notices[-1]
    store.set("q1", "new", fingerprint="text-v2")
    data = json.loads(path.read_text())
    assert data["answers"]["q1"]["value"] == "new"
    assert data["stale"]["q1"][0]["value"] == "old"


def test_unserialisable_value_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    from sourcewise.widgets.answer_store import AnswerStoreError

    with pytest.raises(AnswerStoreError, match="cannot be saved as JSON"):
        AnswerStore(tmp_path / "a.json").set("q1", object())


def test_load_answers_for_graded_cells_never_raises(tmp_path: Path) -> None:
    path = answers_path("02-sources", tmp_path)
    path.parent.mkdir()
    path.write_text("{broken")
    answers, notices = load_answers("02-sources", tmp_path)
    assert answers == {} and notices


def _writer(path: str, worker: int, count: int) -> None:
    store = AnswerStore(path)
    for i in range(count):
        store.set(f"w{worker}-q{i}", {"worker": worker, "i": i})


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "answers" / "x.json"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), w, 25)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    saved = AnswerStore(path).all()
    assert len(saved) == 100
    assert saved["w3-q24"] == {"worker": 3, "i": 24}


KILL_LOOP = """
import sys
from sourcewise.widgets.answer_store import AnswerStore
store = AnswerStore(sys.argv[1])
i = 0
big = "x" * 20000
store.set("q0", {"i": -1, "pad": big})
print("ready", flush=True)
while True:
    store.set(f"q{i % 50}", {"i": i, "pad": big})
    i += 1
"""


@pytest.mark.slow
def test_writer_killed_mid_write_never_leaves_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "answers" / "kill.json"
    script = tmp_path / "writer.py"
    script.write_text(KILL_LOOP)
    iterations = int(os.environ.get("SOURCEWISE_KILL_ITERATIONS", "200"))
    for n in range(iterations):
        proc = subprocess.Popen([sys.executable, str(script), str(path)],
                                stdout=subprocess.PIPE, text=True)
        # Wait until it writes (start-up time varies with the machine's load), then let it
        # write for a moment; vary the moment so kills land mid-write.
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep((n % 7) * 0.011)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            assert data["schema_version"] == 1
    assert path.exists(), "the writer never saved anything"
    leftovers = [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"]
    # Temp files from killed writers may remain; they are never the answer file itself.
    assert all(name.startswith(".kill.json.") for name in leftovers)


def test_the_browser_edition_says_when_answers_would_vanish_with_the_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In Pyodide, a folder outside the browser's storage (/drive) is memory only: every widget
    of the lesson says so at once, instead of saving answers that a reload would lose."""
    from sourcewise.widgets.answer_store import NOT_KEPT, browser_storage_problem

    assert browser_storage_problem(tmp_path / "answers" / "01-claims.json") is None  # not Pyodide
    monkeypatch.setattr(sys, "platform", "emscripten")
    # /drive mounted but not served (no service worker): every call fails.
    assert browser_storage_problem(Path("/drive/answers/01-claims.json")) == NOT_KEPT
    monkeypatch.setattr(os, "listdir", lambda path: [])  # /drive mounted and served
    assert browser_storage_problem(Path("/drive/answers/01-claims.json")) is None
    assert browser_storage_problem(Path("/drive/unit/answers/01-claims.json")) is None
    assert browser_storage_problem(Path("/drivel/answers/01-claims.json")) == NOT_KEPT
    store = AnswerStore(tmp_path / "answers" / "01-claims.json")  # memory only
    assert store.notices == [NOT_KEPT]


def test_a_folder_that_cannot_be_written_gives_a_reason_not_a_crash(tmp_path: Path) -> None:
    blocker = tmp_path / "answers"
    blocker.write_text("a file where the answers folder should be")
    store = AnswerStore(blocker / "01-claims.json")
    with pytest.raises(AnswerStoreError, match=r"01-claims\.json could not be written"):
        store.set("q1", {"marks": []})
    assert blocker.read_text() == "a file where the answers folder should be"


def test_a_written_file_has_the_permissions_of_any_new_file(tmp_path: Path):
    """Does the atomic writer give what open() would (0666 less the umask), not mkstemp's
    0600? A feedback page released through nbgrader's exchange must be readable by its
    student."""
    import os
    import stat

    from sourcewise.grading.atomic_write import write_bytes_atomic

    old = os.umask(0o022)
    try:
        write_bytes_atomic(tmp_path / "page.html", b"<p>hi</p>")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "page.html").stat().st_mode) == 0o644
