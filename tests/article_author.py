"""Authors the key of the test article ``levee-breach`` through the model the widgets edit.

Not a test module. The article (tests/fixtures/articles/levee-breach/report.txt) is a report
written for these tests; its people, places and quotations are invented. ``author_key`` marks
claims and devices as the author-mode annotator does (``KeyDraft.apply``), links and rates
sources as the author-mode source linker does, and fills the text fields as the form does.
"""

from __future__ import annotations

from pathlib import Path

from sourcewise.grading.authoring.author_model import KeyDraft
from sourcewise.grading.authoring.scaffold import new_article

ARTICLE = Path(__file__).resolve().parent / "fixtures" / "articles" / "levee-breach"
REPORT = ARTICLE / "report.txt"

# (words, author-mode label, source, paraphrase, kind, checkable, rationale, extra fields)
CLAIMS = [
    ("Hundreds of residents of Marlow County were ordered to leave their homes on Tuesday",
     "unattributed · unverified", "writer", "Hundreds of residents were ordered out on Tuesday.",
     "event", "yes", "The report states the evacuation order in its own voice and gives no "
     "source; an order like this is on public record and easy to check.", {}),
    ("the Tessa River broke through a levee north of the town of Eastbrook",
     "unattributed · unverified", "writer", "The river broke through a levee north of Eastbrook.",
     "event", "yes", "Stated as background without a source. A levee breach is visible and "
     "would be documented by the county and local media.", {}),
    ("the state would ask the U.S. Army Corps of Engineers for help",
     "direct · unverified", "governor", "The state will ask federal engineers for help.",
     "reported_speech", "partly", "This is what the governor said, attributed by name with "
     "'said'. The report shows no request, so only her announcement is established.", {}),
    ("at least 340 households had been evacuated by nightfall",
     "direct · explicitly unconfirmed", "sheriff", "At least 340 households were evacuated.",
     "quantity", "partly", "The figure comes from the sheriff's office, and the sentence itself "
     "says it could not be independently confirmed: explicitly unconfirmed.",
     {"also_acceptable": {"attribution": ["vague"]}}),
    ("the levee had been leaking for weeks",
     "vague · unverified", "volunteer", "The levee had leaked for weeks before it broke.",
     "state", "partly", "Only an unnamed volunteer says so. The claim matters because it "
     "suggests the breach was foreseeable, yet nobody independent confirms it.", {}),
    ("complaints to the county had gone unanswered",
     "vague · unverified", "volunteer", "Complaints about the levee were ignored by the county.",
     "state", "partly", "Still the anonymous volunteer's account (the 'and that' continues what "
     "she said). County records of complaints could check it; the report did not.",
     {"contested": True, "also_acceptable": {"attribution": ["unattributed"],
                                              "source": ["writer"]}}),
    ("Rain is expected to ease by Thursday",
     "direct · unverified", "weather", "The rain should ease by Thursday.",
     "state", "yes", "A forecast attributed to the National Weather Service by name; forecasts "
     "are published, so the attribution itself is easy to check.", {}),
]
DEVICES = [
    ("reckless neglect", "loaded word", "'Reckless neglect' passes a judgement of blame that no "
     "source in the report makes; the report states it in its own voice."),
    ("A local volunteer who asked not to be named", "vague attribution", "The only source for "
     "the leak and the complaints is unnamed, so a reader cannot weigh how she would know."),
    ("could not be independently confirmed", "hedge still present", "The report keeps the "
     "hedge on the evacuation figure, which tells the reader how far to trust the number."),
    ("Forces", "loaded word", "The headline makes the floodwater the actor; whoever was "
     "responsible for the levee disappears from the sentence that most readers see.",),
]
SOURCES = [
    ("governor", "Gov. Dana Whitfield", "named person", "official, at a distance",
     "A governor gains from being seen to act quickly in an emergency."),
    ("sheriff", "the county sheriff’s office", "named institution", "local observer",
     "The sheriff's office runs the evacuation and gains from a large, orderly figure."),
    ("volunteer", "a local volunteer who asked not to be named", "anonymous", "local observer",
     "A volunteer may want the county held to account for the levee."),
    ("weather", "the National Weather Service", "named institution", "official, at a distance",
     "A forecasting agency has little stake beyond being accurate."),
]


def scaffold(folder: Path) -> Path:
    """The article folder, as ``sourcewise article new`` makes it."""
    return new_article(folder, REPORT.read_text(encoding="utf-8"), date="2031-04-08",
                       outlet="Marlow Ledger (invented for the tests)")


def _span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def author_key(folder: Path, *, complete: bool = True) -> KeyDraft:
    """Write the full key into ``folder`` through the author-mode model."""
    draft = KeyDraft.open(folder)
    text = draft.article.text
    draft.apply("claims", {"mode": "spans", "marks": [
        {"start": s, "end": e, "label": label}
        for s, e, label in (( *_span(text, c[0]), c[1]) for c in CLAIMS)]})
    draft.apply("framing", {"mode": "spans", "marks": [
        {"start": s, "end": e, "label": label}
        for s, e, label in ((*_span(text, d[0]), d[1]) for d in DEVICES)]})
    for source_id, named_as, _, _, interest in SOURCES:
        draft.add_source(source_id, named_as, interest=interest)
    by_words = {c["span"]["text"]: c["id"] for c in draft.data["claims"]}
    draft.apply("sources", {
        "links": {by_words[c[0]]: {"source": c[2]} for c in CLAIMS},
        "ratings": {s[0]: {"closeness": s[3], "type": s[2]} for s in SOURCES}})
    if not complete:
        return draft
    for words, _, _, paraphrase, kind, checkable, rationale, extra in CLAIMS:
        draft.set_claim(by_words[words], paraphrase=paraphrase, kind=kind, checkable=checkable,
                        rationale=rationale, **extra)
    devices = {d["span"]["text"]: d["id"] for d in draft.data["framing"]}
    for words, _, rationale in DEVICES:
        draft.set_device(devices[words], rationale=rationale)
    for source in draft.data["sources"]:
        draft.set_source(source["id"], rationale=(
            f"{source['named_as']}: the report gives this source's position but no sign of how "
            "it checked what it says, so its closeness decides how far it can carry a claim."))
    draft.add_finding("headline_vs_body", "The headline's 'Forces' hides the levee's owner.",
                      "The body blames neglect of the levee; the headline makes the water the "
                      "only actor, so a reader of the headline alone misses the question of "
                      "responsibility.", ["H", "S7"])
    draft.add_finding("internal_contradictions", "No contradiction between sentences.",
                      "The figures and times agree across the report; the tension is between "
                      "its judgement in S7 and the single anonymous source it rests on.")
    draft.add_finding("missing_voices", "The county that runs the levee is not heard.",
                      "Officials 'did not respond', so the complaints and the leak are one "
                      "side's account; an engineer or inspection record would settle it.",
                      ["S6"])
    for function, statement in (("problem_definition", "A preventable flood."),
                                ("causal_interpretation", "County neglect of the levee."),
                                ("moral_evaluation", "The county is to blame."),
                                ("remedy", "Hold the county to account; federal help.")):
        draft.set_frame(function, statement, "Read from S5 to S7: the report builds a story of "
                        "neglect on one anonymous source and then states it as its own view.")
    draft.set_provenance("Marlow Ledger (invented)", "unsigned", "April 2031",
                         "The copy carries an outlet name but no byline, so the writer's own "
                         "voice cannot be tied to a person.")
    return draft
