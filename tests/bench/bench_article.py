"""Bring-your-own-article benchmark: splitter quality, scaffold + validate, lesson build.

    .venv/bin/python tests/bench/bench_article.py

Prints (1) how sentencex and pysbd split the seed and the two test reports, with and without
paragraph breaks as a hint (gold: the seed's sentence map and tests/fixtures/articles/*/gold.json),
(2) the time to scaffold and validate a 2,000-word article (target < 1 s) and (3) the time to
build its lessons: generate the notebooks, then the nbgrader release and course edition
(target < 10 s).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

from article_author import REPORT, author_key  # noqa: E402

from sourcewise.seeds import load_article  # noqa: E402
from sourcewise.seeds.sentences import SPLITTERS, _segmenter, sentence_spans  # noqa: E402

FIXTURES = HERE / "fixtures" / "articles"


def gold_sets() -> dict[str, tuple[str, list[str]]]:
    seed = load_article("isis-morale-2014")
    found = {"seed (isis-morale-2014)": (seed.text, [u.text for u in seed.units])}
    for name in ("levee-breach", "bus-depot"):
        text = (FIXTURES / name / "report.txt").read_text(encoding="utf-8")
        found[name] = (text, json.loads((FIXTURES / name / "gold.json").read_text("utf-8")))
    return found


def score(predicted: list[str], gold: list[str]) -> tuple[int, float, float]:
    """Exact sentences matched, boundary precision and recall (on whitespace-free offsets)."""
    def ends(sentences: list[str]) -> set[int]:
        out, total = set(), 0
        for s in sentences:
            total += len("".join(s.split()))
            out.add(total)
        return out

    p, g = ends(predicted), ends(gold)
    return (len(set(predicted) & set(gold)), len(p & g) / max(len(p), 1),
            len(p & g) / max(len(g), 1))


def splitter_table() -> None:
    print("splitter    text                      mode        exact   boundary P / R")
    for name, (text, gold) in gold_sets().items():
        for splitter in SPLITTERS:
            para = [text[s:e] for s, e in sentence_spans(text, splitter)]
            flat = [s.strip() for s in _segmenter(splitter)(" ".join(text.split()))
                    if s.strip()]
            for mode, predicted in (("paragraphs", para), ("flat text", flat)):
                exact, precision, recall = score(predicted, gold)
                print(f"{splitter:<11} {name:<25} {mode:<11} {exact:>2}/{len(gold):<3}"
                      f"   {precision:.2f} / {recall:.2f}")


def long_text(words: int = 2000) -> str:
    """The test report followed by more paragraphs until it has ``words`` words."""
    text = REPORT.read_text(encoding="utf-8").rstrip("\n")
    extra = [u.text for u in load_article("isis-morale-2014").body]
    extra += (FIXTURES / "bus-depot" / "report.txt").read_text("utf-8").split("\n\n")[1:]
    index = 0
    while len(text.split()) < words:
        text += "\n\n" + extra[index % len(extra)].strip()
        index += 1
    return text + "\n"


def main() -> None:
    splitter_table()
    for splitter in SPLITTERS:
        text = long_text()
        _segmenter(splitter)("Warm up.")
        started = time.perf_counter()
        sentence_spans(text, splitter)
        print(f"{splitter}: split {len(text.split())} words in "
              f"{time.perf_counter() - started:.3f} s")
    from sourcewise.grading.authoring.scaffold import new_article
    from sourcewise.grading.course.course_folder import build_course, init_course
    from sourcewise.seeds import validate_article_dir
    from sourcewise.seeds.key_progress import key_progress

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        text = long_text()
        started = time.perf_counter()
        folder = new_article(root / "article", text)
        problems = validate_article_dir(folder)
        status = key_progress(folder).status
        took = time.perf_counter() - started
        units = len(load_article(folder).units)
        print(f"scaffold + validate: {len(text.split())} words, {units} units, {status}, "
              f"{len(problems)} problems: {took:.3f} s (target < 1 s)")
        author_key(folder)
        from sourcewise.lessons.article_lessons import build_lessons

        started = time.perf_counter()
        lessons = build_lessons(folder, root / "lessons")
        generated = time.perf_counter() - started
        print(f"{len(lessons)} lessons generated (notebooks, hidden keys, public copy): "
              f"{generated:.2f} s")
        started = time.perf_counter()
        assert init_course(root / "course", [], article=folder) == 0
        initialised = time.perf_counter() - started
        assert build_course(root / "course") == 0
        total = time.perf_counter() - started
        print(f"course init (incl. nbgrader import, gradebook) {initialised:.2f} s; + nbgrader "
              f"release and course edition: {total:.2f} s in all (target < 10 s)")


if __name__ == "__main__":
    main()
