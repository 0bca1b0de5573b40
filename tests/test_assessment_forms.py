"""The skills check: two parallel forms, counterbalanced by student id, tagged by skill."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from sourcewise.grading.task_keys import task_key
from sourcewise.lessons import lesson_paths
from sourcewise.lessons.assessment import ITEMS, assessment_notebook, assessment_paths
from sourcewise.lessons.lesson_cells import graded_cells
from sourcewise.seeds import load_article, load_key, validate_article_dir
from sourcewise.seeds.article import article_dir
from sourcewise.seeds.forms import FORMS, form_for, form_order

SKILLS = {"claims", "sourcing", "corroboration", "framing", "calibration", "argument"}
SKILLS_FILE = lesson_paths()[0].parent / "skills.json"


def test_about_half_the_students_start_with_each_form() -> None:
    """Is the order about half and half over a class, and the same on every call?"""
    students = [f"student{n:03d}" for n in range(400)]
    counts = Counter(form_order(s) for s in students)
    assert set(counts) == {("A", "B"), ("B", "A")}
    assert 160 <= counts[("A", "B")] <= 240
    assert [form_order(s) for s in students] == [form_order(s) for s in students]


def test_order_is_fixed_by_the_id_across_processes() -> None:
    """Python salts hash() per process: the order must not depend on it (fixed values)."""
    # SHA-256 of the id, first byte even -> A first (computed once by hand with hashlib).
    assert form_order("carol") == ("A", "B")  # sha256(b"carol")[0] is even
    assert form_order("alice") == ("B", "A")  # sha256(b"alice")[0] is odd
    assert form_for("alice", "pre") == "B" and form_for("alice", "post") == "A"
    with pytest.raises(ValueError, match="no assessment"):
        form_for("alice", "middle")


@pytest.mark.parametrize("form", sorted(FORMS.values()))
def test_forms_validate_and_say_they_are_constructed(form: str) -> None:
    assert validate_article_dir(article_dir(form)) == []
    meta = load_article(form).meta
    assert meta["constructed"] is True and "constructed teaching text" in meta[
        "constructed_label"].lower()
    for path in sorted((article_dir(form) / "records").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        assert record["summary"].startswith("Constructed teaching record.")
        assert record["url"].startswith("https://example.org/")


# The design, written by hand: (task, key items, points, skill) of every graded item.
DESIGN = [("claims.check", 3, 4, "claims"), ("sources.links", 1, 1, "sourcing"),
          ("sources.ratings", 4, 3, "sourcing"), ("framing.all", 2, 3, "framing"),
          ("corroboration.search", 4, 3, "corroboration"),
          ("weighing.calibration", 1, 2, "calibration")]


@pytest.mark.parametrize("form", sorted(FORMS.values()))
def test_both_forms_have_the_same_item_types_counts_and_points(form: str) -> None:
    found = []
    for item in ITEMS:
        key = task_key(item.task, form, list(item.claims) if item.claims else None)
        scored = key.get("spans") or key.get("items") or key.get("outcomes")
        found.append((item.task, len(scored), item.points, item.skill))
    assert found == DESIGN
    labels = Counter(tuple(s["labels"]) for s in task_key("claims.check", form)["spans"])
    assert labels == Counter({("own voice · unverified",): 1, ("attributed · unverified",): 1,
                              ("attributed · explicitly unconfirmed",): 1})
    assert task_key("weighing.calibration", form)["outcomes"] == {"C02": "false"}
    # The record search asks about the closure claim; its independent record is a notice.
    search = task_key("corroboration.search", form)["items"]
    assert sorted(search) == ["C01|record", "original|author", "original|date",
                              "original|outlet"]
    assert search["C01|record"]["choice"].endswith("-notice")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z’']+", text.lower())


def test_no_item_of_either_form_appears_in_a_lesson() -> None:
    """No sentence, claim or framing span of a form in the seed article or any lesson."""
    lessons = "\n".join(p.read_text(encoding="utf-8") for p in lesson_paths())
    seed = load_article().text
    haystack = " ".join(_words(lessons + seed))
    for form in FORMS.values():
        key = load_key(form)
        pieces = [u.text for u in load_article(form).units]
        pieces += [c["span"]["text"] for c in key.claims if len(_words(c["span"]["text"])) > 3]
        for piece in pieces:
            assert " ".join(_words(piece)) not in haystack, piece
    a, b = (set(u.text for u in load_article(f).units) for f in FORMS.values())
    assert not a & b


def test_committed_notebooks_match_the_forms_keys() -> None:
    """Regenerating pre and post gives the committed files (hidden keys never drift)."""
    for path in assessment_paths():
        assert json.loads(path.read_text(encoding="utf-8")) == assessment_notebook(path.stem)


def test_every_graded_item_has_exactly_one_documented_skill() -> None:
    data = json.loads(SKILLS_FILE.read_text(encoding="utf-8"))
    assert set(data["skills"]) == SKILLS
    for path in [*lesson_paths(), *assessment_paths()]:
        ids = [c.grade_id for c in graded_cells(path, keys=False)]
        tagged = data["items"].get(path.stem, {})
        assert sorted(tagged) == sorted(ids), path.stem
        assert set(tagged.values()) <= SKILLS
    spec = {c.grade_id: c for c in graded_cells(assessment_paths()[0], keys=False)}
    assert {gid: data["items"]["pre"][gid] for gid in spec} == {
        "pre-claims": "claims", "pre-links": "sourcing", "pre-ratings": "sourcing",
        "pre-framing": "framing", "pre-records": "corroboration",
        "pre-confidence": "calibration"}


def _lesson_times():
    """tests/bench/lesson_times.py, the model behind every lesson's stated time."""
    import importlib.util

    path = Path(__file__).parent / "bench" / "lesson_times.py"
    spec = importlib.util.spec_from_file_location("lesson_times", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("lesson_times", module)  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("form", sorted(FORMS.values()))
@pytest.mark.parametrize("test", ["pre", "post"])
def test_each_form_takes_about_twelve_minutes_by_the_lesson_time_model(test: str, form: str):
    """The issue asks for about 12 minutes a form; the page states what the model gives."""
    times = _lesson_times()
    path = next(p for p in assessment_paths() if p.stem == test)
    estimate = times.estimate(path, None, form)
    assert 11.0 <= estimate.minutes <= 13.0, estimate.parts
    assert estimate.stated == (12, 13)
    low, high = estimate.stated
    assert low <= round(estimate.minutes) <= high
