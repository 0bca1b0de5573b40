"""Does the loader reproduce the verbatim seed, unit by unit?"""

from __future__ import annotations

from pathlib import Path

import pytest

from sourcewise.seeds import SeedError, list_articles, load_article

SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_e315d6a4b5b460f2.txt"


def test_article_text_is_byte_identical_to_the_shared_seed() -> None:
    article = load_article("isis-morale-2014")
    packaged = Path(__file__).resolve().parents[1] / "seeds" / "isis-morale-2014" / "article.txt"
    assert packaged.read_bytes() == article.text.encode("utf-8")
    if SHARED_SEED.exists():  # outside this workplace the shared copy is absent
        assert SHARED_SEED.read_bytes() == packaged.read_bytes()


def test_units_are_headline_and_fourteen_sentences_with_exact_offsets() -> None:
    article = load_article("isis-morale-2014")
    assert [u.id for u in article.units] == ["H"] + [f"S{i}" for i in range(1, 15)]
    for unit in article.units:
        assert article.text[unit.start:unit.end] == unit.text
    assert article.headline.text == ("ISIS Morale Falling Due to Mounting Casualties and "
                                     "Slowed Momentum")
    # Two paragraphs end in a comma in the original; the text keeps them exactly.
    assert article.unit("S2").text.endswith("Syria,")
    assert article.unit("S12").text.endswith("capital,")
    assert "’" in article.unit("S1").text


def test_units_cover_every_word_of_the_text() -> None:
    article = load_article("isis-morale-2014")
    covered = "".join(u.text for u in article.units)
    assert covered.replace(" ", "") == article.text.replace("\n", "").replace(" ", "")


def test_metadata_records_the_provenance() -> None:
    meta = load_article("isis-morale-2014").meta
    assert meta["provenance"]["original_outlet"] == "Financial Times"
    assert meta["provenance"]["original_author"] == "Erika Solomon"
    assert meta["as_found"]["byline"] is None


def test_unknown_article_names_the_known_ones() -> None:
    with pytest.raises(SeedError, match="isis-morale-2014"):
        load_article("no-such-article")
    assert "isis-morale-2014" in list_articles()


def test_unit_lookup() -> None:
    article = load_article()
    s7 = article.unit("S7")
    assert article.unit_at(s7.start + 3) == s7
    assert article.unit_at(s7.end) is None  # the newline between units
    with pytest.raises(KeyError):
        article.unit("S15")
