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
    follows, the words before it ("a population of")."""
    after, cursor = [], end
    for match in _WORD.finditer(text, end, max(end, sentence_end)):
        if re.search(r"[.,;:!?()\[\]\"“”—–]", text[cursor : match.start()]):
            break
        word = match.group()
        lower = word.lower()
        after_link = bool(after) and after[-1].lower() in _LINKS and lower in _ARTICLES
        if (lower in _STOP and not after_link) or (lower in _LINKS and len(after) >= _MAX_WORDS - 1):
            break
        after.append(word)
        cursor = match.end()
        if len(after) >= _MAX_WORDS:
            break
    while after and after[-1].lower() in _LINKS:
        after.pop()
    if after:
        return " ".join(after)
    before = [m.group() for m in _WORD.finditer(text, max(sentence_start, start - 60), start)]
    kept = [w for w in before[-3:] if w.lower() not in _STOP]
    return " ".join(kept)


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
    for m in mentions.itertuples(index=False):
        counted = counted_words(text, int(m.end), int(m.sentence_end), int(m.start), int(m.sentence_start))
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
