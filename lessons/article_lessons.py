"""Generic lessons for any keyed article: claims, sources, framing and a brief, as nbgrader sources.

``build_lessons(article, out)`` writes one source notebook per lesson whose key part is not
empty (``01-claims``, ``02-sources``, ``03-framing``, ``04-brief``), each beside an
``articles/<id>/`` copy of the article that students may see (text, sentence map, meta and
``public_key.json``, never ``key.json``). Graded cells carry ``{"sourcewise": {"task",
"question", "claims"?, "article"}}`` and hidden blocks written by ``lesson_keys.hidden_block``,
so autograde, feedback and the class report treat them like the seed's hand-written lessons.
Task instructions are counted from the key; a task whose key part is empty is left out with a
note. Nothing here knows the seed's ids, sentence count, labels or source names.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sourcewise.grading.task_keys import ATTRIBUTION_LABELS, FRAMING_LABELS, VERIFICATION_LABELS
from sourcewise.lessons.lesson_keys import hidden_block
from sourcewise.lessons.notebook_json import cell, notebook
from sourcewise.seeds import Key, load_article, load_key
from sourcewise.seeds.article import LOCAL_ARTICLES, Article
from sourcewise.seeds.key import PUBLIC_KEY_FILE, public_key_data

LESSON_IDS = ("01-claims", "02-sources", "03-framing", "04-brief")
PUBLIC_FILES = ("article.txt", "units.json", "meta.json")
MAX_LINK_ROWS = 12  # a link table longer than this does not fit the lesson's time


@dataclass
class Notebook:
    """Cells of one generated lesson, added in reading order."""

    lesson: str
    article: Article
    cells: list[dict[str, Any]] = field(default_factory=list)
    shown: dict[str, list[str]] = field(default_factory=dict)  # task → claims it asks about

    def _meta(self, name: str, *, grade: bool = False, solution: bool = False,
              points: float | None = None, locked: bool = True) -> dict[str, Any]:
        meta = {"grade": grade, "grade_id": f"{self.lesson[:2]}-{name}", "locked": locked,
                "schema_version": 3, "solution": solution, "task": False}
        if points is not None:
            meta["points"] = points
        return {"deletable": False, "editable": False, "nbgrader": meta}

    def markdown(self, text: str, name: str | None = None) -> None:
        self.cells.append(cell("markdown", text, self._next_id(),
                               self._meta(name) if name else {}))

    def code(self, source: str, name: str | None = None) -> None:
        self.cells.append(cell("code", source, self._next_id(),
                               self._meta(name) if name else {}))

    def graded(self, name: str, question: str, task_id: str, points: float, folder: Path,
               claims: list[str] | None = None) -> None:
        visible = (f"# Graded ({points:g} points): your score for this task, read from your "
                   f"saved answers.\nlesson.self_score({question!r}, {task_id!r}, {points:g}"
                   + (f", claims={claims!r})" if claims else ")"))
        block = hidden_block(self.lesson, question, task_id, points, str(folder), claims)
        spec: dict[str, Any] = {"task": task_id, "question": question,
                                "article": self.article.id}
        if claims:
            spec["claims"] = claims
            self.shown.setdefault(task_id, [])
            self.shown[task_id] += [c for c in claims if c not in self.shown[task_id]]
        self.cells.append(cell("code", f"{visible}\n{block}", self._next_id(),
                               {**self._meta(name, grade=True, points=points),
                                "sourcewise": spec}))

    def written(self, name: str, points: float, example: str) -> None:
        self.cells.append(cell(
            "markdown", "*Example answer at the proficient level (instructor's copy; students "
            "see an empty box):*\n\n" + example, self._next_id(),
            {"nbgrader": {"grade": True, "grade_id": f"{self.lesson[:2]}-{name}",
                          "locked": False, "points": points, "schema_version": 3,
                          "solution": True, "task": False}}))

    def _next_id(self) -> str:
        return f"c{len(self.cells):02d}"

    def json(self) -> dict[str, Any]:
        return notebook(self.cells)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _units_list(ids: list[str]) -> str:
    return ", ".join(dict.fromkeys(ids))


RUBRIC = """
| Level | Points | What the answer does |
|---|---|---|
| Proficient | {top} | {proficient} |
| Emergent | {mid} | {emergent} |
| Basic | 1 | {basic} |
| — | 0 | No answer. |
"""


def _rubric(points: int, proficient: str, emergent: str, basic: str) -> str:
    mid = f"2–{points - 1}" if points > 3 else "2"
    return RUBRIC.format(top=points, mid=mid, proficient=proficient, emergent=emergent,
                         basic=basic)


def _start(nb: Notebook, title: str, minutes: int, total: str, goals: list[str]) -> None:
    meta = nb.article.meta
    nb.markdown(f"# {title}\n\n**Article:** “{nb.article.headline.text}”"
                + (f" ({meta.get('as_found', {}).get('credit')})"
                   if meta.get("as_found", {}).get("credit") else "")
                + f"\n\n**Total: {total}** · **About {minutes} minutes**", "header")
    nb.code("# Run this cell first (Shift+Enter): it opens this lesson's answers file and loads "
            f"the article.\nfrom sourcewise.widgets import Lesson\nlesson = Lesson({nb.lesson!r},"
            f" {nb.article.id!r})", "setup")
    nb.markdown("## What you will be able to do after this lesson\n\n"
                + "\n".join(f"- {g}" for g in goals))
    note = meta.get("content_note")
    if note:
        nb.markdown(f"> **Content note.** {note} You can stop at any point: your answers are "
                    "saved as you go.")


def _left_out(nb: Notebook, what: str, why: str) -> None:
    nb.markdown(f"> **Left out: {what}.** {why} The key for this article has nothing to mark "
                "here, so this task is not part of the lesson.")


def claims_lesson(key: Key, article: Article, folder: Path) -> Notebook | None:
    claims = key.claims
    if not claims:
        return None
    nb = Notebook("01-claims", article)
    _start(nb, "Lesson 1 · Claims: what exactly does the article assert?", 40,
           "10 points (one pass over the claims 6, written answer 4)",
           ["split a sentence into the separate **factual claims** it makes;",
            "mark whether the article **attributes** each claim or states it in its "
            "**own voice**;",
            "mark how far each claim is confirmed: **verified**, **explicitly unconfirmed** "
            "or **unverified**."])
    nb.markdown(
        "## Why start with claims?\n\nA report is not true or false as a whole: its single "
        "statements are. Before asking *can I trust this?*, a careful reader asks *what exactly "
        "does it say, and who says it?* Fact-checkers start the same way: they isolate one "
        "statement that could be checked before they look for evidence.\n\n"
        "- **Attributed**: the article names or describes a source for the claim (*said*, "
        "*according to*). A vague source still counts.\n"
        "- **Own voice**: no source is given; the article itself vouches for the claim.\n"
        "- **Verified**: the article shows the claim confirmed by someone other than its "
        "source.\n- **Explicitly unconfirmed**: the article itself says the claim could not be "
        "confirmed or is disputed.\n- **Unverified**: neither; the claim is simply asserted.\n\n"
        "**Reported speech holds two claims**: that someone said something, and what they "
        "said. Mark the content of what was said.")
    attributions = sorted({ATTRIBUTION_LABELS[c["attribution"]] for c in claims})
    verifications = [VERIFICATION_LABELS[v] for v in VERIFICATION_LABELS
                     if any(c["verification"] == v for c in claims)]
    units = _units_list([c["unit"] for c in claims])
    nb.markdown(
        f"## Task · One pass over the claims (6 points)\n\nThe expert key lists "
        f"**{_plural(len(claims), 'claim')}** in {_plural(len(set(units.split(', '))), 'sentence')}"
        f" of this article. For each claim you find, mark its words and give it one label that "
        "answers both questions: *own voice* or *attributed*, then *unverified*, *explicitly "
        "unconfirmed* or *verified*. Choose the label first (buttons or number keys), then "
        "select the words and press Enter.\n\n"
        f"In this article the key uses *{'* and *'.join(attributions)}* for attribution and "
        f"*{'*, *'.join(verifications)}* for confirmation; the other labels are there so that "
        "you decide, not guess.\n\n**How the score works.** A claim you find earns full credit "
        "with both halves of the label right, half credit with one half right. A mark that "
        "matches no claim lowers the score a little, so mark claims, not every phrase.", "task")
    nb.code('claims = lesson.annotator(\n    "claims_check", task="claims.check",\n    '
            'prompt="Mark each claim, then say who stands behind it and what the article says '
            'about its confirmation.",\n)\nclaims', "widget")
    nb.graded("score-claims", "claims_check", "claims.check", 6, folder)
    busiest = max(dict.fromkeys(c["unit"] for c in claims),
                  key=lambda u: sum(c["unit"] == u for c in claims))
    example = "\n".join(f"{n}. “{c['span']['text']}”: {c['paraphrase']} "
                        f"({ATTRIBUTION_LABELS[c['attribution']]}, "
                        f"{VERIFICATION_LABELS[c['verification']]}). {c['rationale']}"
                        for n, c in enumerate(key.claims_in(busiest), start=1))
    nb.markdown(
        "## Written answer: take a sentence apart (4 points)\n\n**Task.** Choose one sentence "
        "of the article. Split it into the separate statements it makes and say for each "
        "whether it is a factual claim, an evaluation or a prediction, and why; say who stands "
        "behind each factual claim; and say what evidence from outside the article could check "
        "its most important claim.\n"
        + _rubric(4, "Splits the sentence at the right joints and classifies each statement "
                     "with a reason; attributes each claim correctly; names concrete evidence.",
                  "Separates some statements but merges two, misclassifies one, or the "
                  "evidence is vague.",
                  "Treats the sentence as a whole: calls it true, false or biased."),
        "rubric-claims")
    nb.written("claims-text", 4, f"On {busiest}: “{article.unit(busiest).text}”\n\n{example}")
    nb.markdown("## Summary\n\n- A sentence is not a claim: split it.\n- Ask of every claim "
                "*who stands behind it?* and *what does the article show of its "
                "confirmation?*\n- Checkable is not the same as checked.", "summary")
    return nb


def sources_lesson(key: Key, article: Article, folder: Path) -> Notebook | None:
    cited = [s for s in key.sources if s["type"] != "writer"]
    if not key.claims:
        return None
    nb = Notebook("02-sources", article)
    attributed = [c["id"] for c in key.claims if c["source"] not in ("writer",)
                  and any(s["id"] == c["source"] and s["type"] != "writer" for s in key.sources)]
    rows = attributed[:MAX_LINK_ROWS]
    rows += [c["id"] for c in key.claims if c["id"] not in rows][:max(0, MAX_LINK_ROWS - len(rows))
                                                                 ][:max(2, len(rows) // 2)]
    rows = [c["id"] for c in key.claims if c["id"] in rows]  # reading order
    points = "7 points (links 4, ratings 3)" if cited else "4 points (links 4)"
    _start(nb, "Lesson 2 · Sources: who speaks, and how would they know?", 40,
           f"{points}, written answer 3",
           ["link each claim to the **source** it rests on, or to the article's own voice;",
            "rate each source: how **close** to events it was, and whether it is **named**;",
            "say what **interest** a source may have in being believed."])
    nb.markdown(
        "## Why ask who speaks?\n\nA claim is only as good as the way its source could know "
        "it. Someone who took part saw more than an official far away, who knows more than "
        "someone repeating what others said. A named source can be asked again and held to "
        "account; an anonymous one cannot. And every source has interests: what would it "
        "gain if you believed it?")
    nb.markdown(
        f"## Task 1 · Link claims to sources (4 points)\n\nThe table lists "
        f"{_plural(len(rows), 'claim')} of the article. For each, choose the source it rests on: "
        f"one of the {_plural(len(cited), 'source')} the article names or describes, or the "
        "writer's own voice.", "task-links")
    claims_literal = json.dumps(rows)
    nb.code(f'sources = lesson.source_linker(\n    "source_links", {claims_literal},\n    '
            'task="sources.links",\n    prompt="For each claim, choose the source it rests on; '
            'then rate each source below.",\n)\nsources', "widget")
    nb.graded("score-links", "source_links", "sources.links", 4, folder, rows)
    if cited:
        nb.markdown(f"## Task 2 · Rate each source (3 points)\n\nIn the second table, rate each "
                    f"of the {_plural(len(cited), 'source')}: how close was it to the events, "
                    "and does the article name it?", "task-ratings")
        nb.graded("score-ratings", "source_links", "sources.ratings", 3, folder)
    else:
        _left_out(nb, "rating the sources", "Every claim in this article is in its own voice.")
    example = "\n".join(f"- **{s['named_as']}**: {s['interest']} {s['rationale']}"
                        for s in (cited or key.sources))
    nb.markdown("## Written answer: what does each source gain? (3 points)\n\n**Task.** Pick "
                "the source the article leans on most. Say how it could know what it claims, "
                "what it may gain if readers believe it, and what would make you trust the "
                "claim more.\n"
                + _rubric(3, "Names the source's position and access, a plausible interest, "
                             "and a concrete way to check the claim.",
                          "Two of the three, or general statements about bias.",
                          "Calls the source reliable or biased without reasons."),
                "rubric-sources")
    nb.written("sources-text", 3, example)
    nb.markdown("## Summary\n\n- Link every claim to a source, or to the article's own voice.\n"
                "- Closeness, naming and interest decide how far a source can carry a claim.",
                "summary")
    return nb


def framing_lesson(key: Key, article: Article, folder: Path) -> Notebook | None:
    nb = Notebook("03-framing", article)
    devices = key.framing
    level = key.article_level
    if not devices and not level.get("headline_vs_body"):
        return None
    _start(nb, "Lesson 3 · Framing: how does the wording steer the reader?", 40,
           ("devices 4, " if devices else "") + "headline rewrite 4",
           ["spot **framing devices**: naming choices, loaded words, metaphors, hedges, causal "
            "links, agentless passives;",
            "compare the **headline** with what the body supports, and rewrite it."])
    nb.markdown(
        "## Why framing?\n\nTwo reports of the same facts can leave opposite impressions. The "
        "difference lies in word choices: what things are called, which words carry judgement, "
        "what is said to cause what, and which hedges are kept or dropped.")
    if devices:
        types = [FRAMING_LABELS[t] for t in FRAMING_LABELS if any(f["type"] == t
                                                                 for f in devices)]
        required = [f for f in devices if f.get("required", True)]
        nb.markdown(f"## Task 1 · Mark the framing devices (4 points)\n\nThe expert key lists "
                    f"{_plural(len(required), 'device')} that a careful reader should find, of "
                    f"{_plural(len(types), 'type')} (among them *{'*, *'.join(types[:3])}*). "
                    "Choose a label, then mark the words that carry that device.", "task-devices")
        nb.code('devices = lesson.annotator(\n    "devices", task="framing.all",\n    prompt="'
                'Choose a label, then mark the words that carry that framing device.",\n)\n'
                'devices', "widget")
        nb.graded("score-devices", "devices", "framing.all", 4, folder)
    else:
        _left_out(nb, "marking framing devices", "")
    findings = level.get("headline_vs_body") or []
    nb.markdown(
        f"## Written answer: rewrite the headline (4 points)\n\nThe headline reads: "
        f"“{article.headline.text}”\n\n**Task.** Write a headline that the body of the article "
        "supports, and explain in two or three sentences what you changed and why.\n"
        + _rubric(4, "A headline the body supports (attribution kept, no cause or certainty the "
                     "body lacks) with reasons tied to sentences.",
                  "Better than the original but keeps one overstatement, or reasons are vague.",
                  "A new headline with no reasons, or the same framing in other words."),
        "rubric-headline")
    nb.written("headline-text", 4,
               "\n".join(f"- {f['statement']} {f['rationale']}" for f in findings)
               or "A headline that keeps the body's attribution and hedges.")
    nb.markdown("## Summary\n\n- Framing lives in small words: names, verbs, connectives.\n"
                "- A headline can claim more than its body supports.", "summary")
    return nb


def brief_lesson(key: Key, article: Article, folder: Path) -> Notebook | None:
    level = key.article_level
    nb = Notebook("04-brief", article)
    _start(nb, "Lesson 4 · Brief: a source-critical summary of the article", 35,
           "8 points", ["write a short **brief**: what the article claims, on what sources, "
                        "how it frames them, and what is missing."])
    parts = []
    for name in ("missing_voices", "internal_contradictions"):
        parts += [f"- {f['statement']} {f['rationale']}" for f in level.get(name) or []]
    entman = level.get("entman") or {}
    parts += [f"- {v['statement']}" for v in entman.values() if isinstance(v, dict)]
    provenance = level.get("provenance") or {}
    if provenance:
        parts.append(f"- Provenance: {provenance.get('outlet')}, {provenance.get('author')}, "
                     f"{provenance.get('date_approx')}. {provenance.get('rationale')}")
    nb.markdown(
        "## Task · Write the brief (8 points)\n\nIn about 200 words, for a reader who has not "
        "seen the article: what are its main claims, what does each rest on, how does the "
        "wording frame them, whose voices are missing, and what would you check first?\n"
        + _rubric(8, "Covers claims, sources, framing and gaps with sentence references, and "
                     "proposes concrete checks.",
                  "Covers most parts but stays general in one or two, or misses the gaps.",
                  "Summarises the story without judging its sources or framing."), "task")
    nb.written("brief-text", 8, "\n".join(parts) or "(The key gives no article-level findings.)")
    return nb


BUILDERS: tuple[Callable[[Key, Article, Path], Notebook | None], ...] = (
    claims_lesson, sources_lesson, framing_lesson, brief_lesson)


def public_files(article_folder: Path, key: Key, shown: dict[str, list[str]],
                 target: Path) -> None:
    """What a student may see of an article: text, sentence map, meta and the public key."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PUBLIC_FILES:
        if (article_folder / name).exists():
            shutil.copyfile(article_folder / name, target / name)
    claim_ids = [c for ids in shown.values() for c in ids]
    public = public_key_data(key, claim_ids, shown)
    (target / PUBLIC_KEY_FILE).write_text(json.dumps(public, ensure_ascii=False, indent=1),
                                          encoding="utf-8")


def build_lessons(article_folder: str | Path, out: str | Path) -> list[Path]:
    """Write ``out/<lesson>/<lesson>.ipynb`` (+ the article's public copy) for each lesson."""
    article_folder = Path(article_folder).resolve()
    key = load_key(article_folder, validate=False)
    article = load_article(article_folder)
    written = []
    for builder in BUILDERS:
        nb = builder(key, article, article_folder)
        if nb is None:
            continue
        folder = Path(out) / nb.lesson
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{nb.lesson}.ipynb"
        path.write_text(json.dumps(nb.json(), ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
        public_files(article_folder, key, nb.shown, folder / LOCAL_ARTICLES / article.id)
        written.append(path)
    return written
