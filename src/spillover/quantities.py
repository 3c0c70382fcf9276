"""What each figure of an article measures, inferred from the text around it, with no curation.

For every mention with a number, the words it counts ("1,500" → "Afghan soldiers fled") and
the kind of quantity it is (people, money, shares, lengths, areas, durations, other counts), so
an article nobody annotated still gets its figures grouped by what they measure and a chart per
kind of quantity. The rules are plain English, not about any one article: a count is of people
when the words it counts name people.
"""

from __future__ import annotations

import re

import pandas as pd

from spillover.units import convert

# Words that end the phrase a number counts: verbs of reporting and being, conjunctions.
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "being",
        "had",
        "has",
        "have",
        "said",
        "says",
        "say",
        "told",
        "according",
        "as",
        "than",
        "since",
        "when",
        "while",
        "if",
        "because",
        "so",
        "to",
        "from",
        "by",
        "with",
        "at",
        "for",
        "into",
        "onto",
        "over",
        "under",
        "after",
        "before",
        "during",
        "per",
        "each",
        "every",
        "this",
        "these",
        "those",
        "its",
        "their",
        "his",
        "her",
        "it",
        "they",
        "he",
        "she",
        "we",
        "you",
    ]
)
# Prepositions kept inside a phrase when a noun follows ("$88 billion in aid", "tens of thousands").
_LINKS = frozenset({"in", "of", "on"})
_ARTICLES = frozenset({"a", "an", "the"})  # kept after a link: "a third of the wells"
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_MAX_WORDS = 4
# What the words before a number do not reach across: another number, a bracket, a colon.
_BEFORE_BREAK = re.compile(r"[\d;:()\[\]\"“”—–]|\s-\s")
_OF = re.compile(r"\s+of\s+")
# Nouns that make a count a count of people (plural and collective forms of everyday English).
PEOPLE_NOUNS = frozenset(
    [
        "people",
        "persons",
        "residents",
        "inhabitants",
        "civilians",
        "refugees",
        "migrants",
        "immigrants",
        "emigrants",
        "soldiers",
        "troops",
        "fighters",
        "militants",
        "insurgents",
        "reservists",
        "personnel",
        "servicemen",
        "officers",
        "police",
        "workers",
        "employees",
        "staff",
        "children",
        "adults",
        "women",
        "men",
        "girls",
        "boys",
        "students",
        "pupils",
        "teachers",
        "patients",
        "doctors",
        "nurses",
        "deaths",
        "dead",
        "victims",
        "casualties",
        "wounded",
        "displaced",
        "injured",
        "survivors",
        "voters",
        "citizens",
        "members",
        "tourists",
        "visitors",
        "passengers",
        "evacuees",
        "asylum-seekers",
        "prisoners",
        "detainees",
        "hostages",
        "protesters",
        "demonstrators",
        "volunteers",
        "guards",
        "diplomats",
        "nationals",
        "individuals",
    ]
)
# The kinds of the extractor's mentions, grouped into what a reader compares. Dates, years and
# times of day measure nothing here: the timeline shows them.
_MEASURES = {
    "money": "money",
    "percent": "shares",
    "fraction": "shares",
    "length": "lengths",
    "area": "areas",
    "duration": "durations",
    "mass": "masses",
    "volume": "volumes",
    "speed": "speeds",
    "temperature": "temperatures",
    "power": "power",
    "energy": "energy",
    "rank": "ranks",
    "multiple": "multiples",
}
TIMELINE_KINDS = frozenset({"date", "year", "time"})
# The unit every value of a measure is shown in, so that a chart compares like with like (a
# pint name without spaces or slashes, as it names the chart's file). A value pint cannot
# convert (a temperature of unknown scale, "30 degrees") keeps its unit and gets a chart apart.
MEASURE_UNITS = {
    "shares": "percent",
    "lengths": "kilometer",
    "areas": "square_kilometer",
    "masses": "metric_ton",
    "volumes": "liter",
    "speeds": "kilometer_per_hour",
    "temperatures": "degree_Celsius",
    "power": "megawatt",
    "energy": "gigawatt_hour",
}

COLUMNS = ["mention_id", "quote", "start", "end", "measure", "counted", "value", "low", "high", "unit"]


def counted_words(text: str, end: int, sentence_end: int, start: int = 0, sentence_start: int = 0) -> str:
    """The words a number counts: the phrase after it ("people evacuated"), or, when nothing
    follows, the words before it ("a population of"). Neither reaches across another number
    written in digits: the phrase after stops at one ("8 in the late 1970s" is not "in the
    late s"), and so do the words before. quantities_table also keeps them off the words of the
    mentions around (see there)."""
    after = _phrase_after(text, end, sentence_end)
    if after:
        return " ".join(m.group() for m in after)
    floor = max(sentence_start, start - 60)
    before = list(_WORD.finditer(text, floor, start))
    kept, cursor = [], start
    for match in before[:-4:-1]:
        if _BEFORE_BREAK.search(text, match.end(), cursor):
            break
        if match.group().lower() not in _STOP:
            kept.append(match.group())
        cursor = match.start()
    return " ".join(reversed(kept))


def _phrase_after(text: str, end: int, sentence_end: int) -> list[re.Match]:
    """The words right after a number that it counts (see counted_words)."""
    after: list[re.Match] = []
    cursor = end
    for match in _WORD.finditer(text, end, max(end, sentence_end)):
        gap = text[cursor : match.start()]
        if re.search(r"[.,;:!?()\[\]\"“”—–]", gap) or (
            re.search(r"\d", gap) and [m.group().lower() for m in after] != ["of"]
        ):
            break  # another number, unless it is the whole of which this is a part ("9 of 11 ships")
        lower = match.group().lower()
        after_link = bool(after) and after[-1].group().lower() in _LINKS and lower in _ARTICLES
        if (lower in _STOP and not after_link) or (lower in _LINKS and len(after) >= _MAX_WORDS - 1):
            break
        after.append(match)
        cursor = match.end()
        if len(after) >= _MAX_WORDS:
            break
    while after and after[-1].group().lower() in _LINKS:
        after.pop()
    return after


def _bounds(
    text: str, spans: list[tuple[int, int]], index: int, sentence_start: int, sentence_end: int
) -> tuple[int, int, int]:
    """Where the words a mention counts may lie, as (sentence_end, start, sentence_start) for
    counted_words: within its sentence, before the next mention, and after the previous one and
    the words that one counts ("more than 1,100 deaths and displaced hundreds of thousands":
    "deaths" are the 1,100's, so the hundreds of thousands count "displaced")."""
    start, end = spans[index]
    following = index + 1
    if following < len(spans) and _OF.fullmatch(text, end, spans[following][0]):
        following += 1  # "9 of 11 ships": the ships are counted after the whole
    if following < len(spans) and spans[following][0] < sentence_end:
        sentence_end = max(end, spans[following][0])
    if index and spans[index - 1][1] > sentence_start:
        previous_end = spans[index - 1][1]
        phrase = _phrase_after(text, previous_end, start)
        sentence_start = min(start, phrase[-1].end() if phrase else previous_end)
    return sentence_end, start, sentence_start


def measure_of(kind: str, counted: str) -> str | None:
    """What a mention measures, or None for dates, years and times of day (the timeline shows
    those). Every other kind the extractor emits has a measure (tests/test_quantities.py)."""
    if kind in _MEASURES:
        return _MEASURES[kind]
    if kind == "count":
        words = {w.lower().strip("’'") for w in counted.split()}
        return "people" if words & PEOPLE_NOUNS else "other counts"
    return None


def _in_unit(numbers: list[float], unit: str, target: str | None) -> tuple[list[float], str]:
    """The numbers in the measure's unit when pint can convert them (a fraction is a share of
    one: 0.25 is 25 percent); otherwise as stated, and a chart keeps them apart by unit."""
    if not target or not unit or unit == target:
        return numbers, unit
    if unit == "fraction" and target == "percent":
        return [n * 100 for n in numbers], target
    try:
        return [convert(n, unit, target) if pd.notna(n) else n for n in numbers], target
    except (ValueError, KeyError, AttributeError, pint_errors()):
        return numbers, unit


def pint_errors() -> type[Exception]:
    from pint.errors import PintError

    return PintError


def quantities_table(text: str, mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per mention that states a quantity: what it measures, the words it counts and its
    numbers in the measure's unit (MEASURE_UNITS: shares in percent, lengths in km, areas in km²,
    masses in tonnes, volumes in litres, speeds in km/h, temperatures in °C, power in MW,
    energy in GWh)."""
    rows = []
    spans = list(zip(mentions["start"].astype(int), mentions["end"].astype(int), strict=True))
    for index, m in enumerate(mentions.itertuples(index=False)):
        bounds = _bounds(text, spans, index, int(m.sentence_start), int(m.sentence_end))
        counted = counted_words(text, int(m.end), *bounds)
        measure = measure_of(m.kind, counted)
        if measure is None:
            continue
        unit = m.unit if isinstance(m.unit, str) else ""
        numbers = [m.value, m.low, m.high]
        numbers, unit = _in_unit(numbers, unit, MEASURE_UNITS.get(measure))
        rows.append(
            {
                "mention_id": m.mention_id,
                "quote": m.text,
                "start": m.start,
                "end": m.end,
                "measure": measure,
                "counted": counted,
                "value": numbers[0],
                "low": numbers[1],
                "high": numbers[2],
                "unit": unit,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)
