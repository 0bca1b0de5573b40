"""Scaffolding an article from plain text, its sentence map, validation and the author model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from article_author import ARTICLE, author_key, scaffold

from sourcewise.grading.authoring.author_model import KeyDraft
from sourcewise.grading.authoring.scaffold import merge_with_next, split_at
from sourcewise.seeds import SeedError, load_article, validate_article_dir
from sourcewise.seeds.key_progress import IN_PROGRESS, NOT_STARTED, key_progress
from sourcewise.seeds.sentences import sentence_spans
from sourcewise.widgets.annotation_model import AnswerModelError

FIXTURES = ARTICLE.parent


@pytest.mark.parametrize("name", ["levee-breach", "bus-depot"])
def test_units_match_the_hand_made_sentence_list(name: str) -> None:
    """Do the units reproduce a person's sentence split (U.S., Gov., quotes, dashes, a comma)?"""
    text = (FIXTURES / name / "report.txt").read_text(encoding="utf-8")
    gold = json.loads((FIXTURES / name / "gold.json").read_text(encoding="utf-8"))
    assert [text[s:e] for s, e in sentence_spans(text)] == gold


def test_a_new_article_loads_and_its_key_is_not_started(tmp_path: Path) -> None:
    """Does the scaffold reproduce the text exactly and validate as 'key not started'?"""
    folder = scaffold(tmp_path / "levee")
    article = load_article(folder)
    assert article.text == (ARTICLE / "report.txt").read_text(encoding="utf-8")
    assert [u.id for u in article.units] == ["H", *(f"S{i}" for i in range(1, 9))]
    assert all(article.text[u.start:u.end] == u.text for u in article.units)
    assert validate_article_dir(folder) == []
    assert key_progress(folder).status == NOT_STARTED


def test_scaffold_never_overwrites(tmp_path: Path) -> None:
    folder = scaffold(tmp_path / "levee")
    with pytest.raises(SeedError, match="exists already"):
        scaffold(folder)


def test_units_merge_and_split_before_keying(tmp_path: Path) -> None:
    """Can the author merge two units and split them again, with ids renumbered?"""
    folder = scaffold(tmp_path / "levee")
    before = json.loads((folder / "units.json").read_text(encoding="utf-8"))["units"]
    merged = merge_with_next(folder, "S2")
    assert len(merged) == len(before) - 1
    assert merged[2]["text"].startswith("Gov.") and merged[2]["text"].endswith("reporters.")
    again = split_at(folder, "S2", before[3]["start"])
    assert again == before
    author_key(folder, complete=False)
    with pytest.raises(SeedError, match="before keying"):
        merge_with_next(folder, "S2")


def test_problems_name_file_item_and_field(tmp_path: Path) -> None:
    """Does an unfinished key report each problem with file, item id and field?"""
    folder = scaffold(tmp_path / "levee")
    author_key(folder, complete=False)
    problems = validate_article_dir(folder)
    rationale = [p for p in problems if p.item == "C01" and p.field.endswith("rationale")]
    assert rationale and rationale[0].file == "key.json"
    assert "[C01]" in str(rationale[0])
    progress = key_progress(folder, problems=len(problems))
    assert progress.status == IN_PROGRESS
    assert "C01" in progress.without_rationale
    assert "article_level/entman" in progress.empty_parts


def test_the_author_model_rejects_what_the_schema_would(tmp_path: Path) -> None:
    folder = scaffold(tmp_path / "levee")
    draft = KeyDraft.open(folder)
    unit = draft.article.unit("S1")
    with pytest.raises(AnswerModelError, match="inside one sentence"):
        draft.add_claim(unit.start, unit.end + 5)
    claim = draft.add_claim(unit.start, unit.start + 8)
    with pytest.raises(AnswerModelError, match="verification"):
        draft.set_claim(claim, verification="probably")
    saved = json.loads((folder / "key.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in saved["claims"]] == [claim]  # every accepted change is on disk


def test_author_mode_widgets_write_the_key(tmp_path: Path) -> None:
    """Do the lesson widgets, in author mode, write marks and links into key.json?"""
    from sourcewise.grading.authoring.author_widget import Authoring

    folder = scaffold(tmp_path / "levee")
    author = Authoring(folder)
    unit = author.article.unit("S4")
    author.claims().mark(unit.start, unit.start + 20, "direct · explicitly unconfirmed")
    author.draft.add_source("sheriff", "the sheriff's office", "named_institution")
    author.sources().choose("links", "C01", "source", "sheriff")
    saved = json.loads((folder / "key.json").read_text(encoding="utf-8"))
    assert saved["claims"][0]["attribution"] == "direct"
    assert saved["claims"][0]["verification"] == "explicitly_unconfirmed"
    assert saved["claims"][0]["source"] == "sheriff"
    assert [s["units"] for s in saved["sources"] if s["id"] == "sheriff"] == [["S4"]]
