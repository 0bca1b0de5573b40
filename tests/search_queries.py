"""Natural lateral-reading queries, written from the article's wording, and the records each
should find: ``python tests/search_queries.py`` prints the hit rate of both search engines.

A query is what a student would type: several words of a sentence (not always in order, not
always whole), a place, a name. "Right" is the record a careful reader would want from it:
the article's own copy for its sentences, the original for its distinctive phrases, the
coverage of an event for the event's words.
"""

from __future__ import annotations

COPY, ORIGINAL, FT_EXCERPT = "r-mideasttime-copy", "r-cnbc-ft", "r-warincontext-ft"
SINJAR = ("r-aljazeera-sinjar", "r-chinadaily-afp-sinjar")
RECRUITS = ("r-reuters-2016-fighters", "r-tribune-reuters-2016")
TOP = 3  # a hit: one of the right records among the first three results

QUERIES: dict[str, tuple[str, ...]] = {
    "morale falling due to mounting casualties": (COPY,),
    "flagging morale factionalism and desertion": (COPY,),
    "morale was not falling, it already hit the ground": (COPY, ORIGINAL),
    "100 executions of fighters from foreign countries": (COPY, ORIGINAL, FT_EXCERPT),
    "fighters trying to flee Raqqa": (COPY,),
    "Raqqa": (COPY,),
    "de facto ISIS capital": (COPY, ORIGINAL, FT_EXCERPT),
    "local fighters doing the majority of the work": (COPY,),
    "foreign fighters becoming exhausted": (COPY,),
    "peshmerga broke the siege of Mount Sinjar": SINJAR,
    "Sinjar": SINJAR,
    "Kurdish official siege broken": SINJAR,
    "killed at least two senior leaders": (*SINJAR, "r-warincontext-wsj"),
    "top US military officer ISIS leaders killed": ("r-warincontext-wsj",),
    "stemmed the influx of foreign recruits": (*RECRUITS, COPY),
    "fewer foreign fighters joining": RECRUITS,
    "France first air strikes Iraq": ("r-ndtv-afp-france",),
    "airstrikes near Sinjar in August": ("r-centcom-august",),
    "Isis morale falls as momentum slows": (ORIGINAL, FT_EXCERPT),
    "Erika Solomon": (ORIGINAL,),
    "Financial Times report": (ORIGINAL, FT_EXCERPT),
}


def hit_rate(engine: str | None = None, top: int = TOP) -> tuple[float, list[str]]:
    """Share of the queries whose results hold a right record among the first ``top``, and
    the queries that miss."""
    from sourcewise.seeds.records import load_records, record_index

    index = record_index(load_records(), engine)
    misses = [q for q, right in QUERIES.items() if not set(index.search(q)[:top]) & set(right)]
    return 1 - len(misses) / len(QUERIES), misses


def main() -> None:
    from sourcewise.seeds.record_search import fts5_available

    print(f"FTS5 available in this Python's sqlite3: {fts5_available()}")
    for engine in ("fts5", "python"):
        if engine == "fts5" and not fts5_available():
            continue
        for top in (1, TOP):
            rate, misses = hit_rate(engine, top)
            print(f"{engine:6} hit@{top}: {rate:.0%} of {len(QUERIES)} queries"
                  + (f"; misses: {misses}" if misses else ""))


if __name__ == "__main__":
    main()
