"""Automatic checks of an article's figures against the World Factbook, with no curation.

Like a spell checker for numbers: for every extracted mention whose own sentence states a
country fact the Factbook holds, find the country, read the Factbook's figure, and say
whether the article's number agrees at the precision it is stated with.

Claims recognised (each needs a cue right next to the number, see ``_CUES``):

- ``population``: a count after "population (of/is/...)", "home to", "a country/nation of",
  or before "inhabitants"/"residents", "people living in", "<Country>'s ... people";
- ``area``: an area (sq km, sq mi, hectares) after "area", "covers", "territory", "size",
  or after "<Country>'s";
- ``land_boundary``: a length next to "border", "frontier" or "boundary", but not a distance
  ("50 km from the border", "within 10 km of"); the border is between the countries named
  in the sentence;
- ``coastline``: a length next to "coast", "coastline" or "shoreline";
- ``median_age`` and ``life_expectancy_at_birth``: years after those words;
- ``gdp``: US dollars next to "GDP", "gross domestic product" or "economy".

The country is the one named nearest the number in its sentence, else the last one named
before it in the same paragraph (the reason says so), else the claim is not checkable.
The number is consistent when the Factbook's value, converted with pint into the article's
unit, falls within the range the number covers at its stated precision ("38 million"
covers 37.5 to 38.5 million, "about" a whole step either side, "almost" one step below,
"over" one step above), or within the tolerance of its claim (``TOLERANCE``: the one place
each tolerance is named, with its reason). A number that misses its own field but equals
another figure of a country the article names -- converted, or read in the other unit
without conversion ("804 miles" for a border of 804 km) -- is inconsistent, and the reason
names that figure. A number more than ``FAR_OFF`` times off its field that matches nothing
else is probably about something else (a province, a stretch of border): not checkable.
Vague amounts ("millions") are never checked.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pint

from spillover import reference, schema
from spillover.units import convert

CONSISTENT, INCONSISTENT, NOT_CHECKABLE = "consistent", "inconsistent", "not checkable"

#: Relative tolerance per claim beyond the stated precision, and why.
TOLERANCE: dict[str, tuple[float, str]] = {
    "population": (
        0.05,
        "populations grow by up to about 3% a year and sources (censuses, the UN, the Factbook) "
        "differ, so an article may use another year's or another source's figure",
    ),
    "area": (0.01, "sources differ by up to about 1% on inland water and disputed land"),
    "land_boundary": (0.0, "a border's length does not change: another figure is another source or border"),
    "coastline": (0.0, "a coastline's length does not change: another figure is another source"),
    "median_age": (0.05, "the median age moves by a few tenths of a year each year"),
    "life_expectancy_at_birth": (0.05, "life expectancy moves by a few tenths of a year each year"),
    "gdp": (0.10, "GDP changes by several percent a year and with the exchange rate"),
}
#: A figure this many times above or below its field, and matching nothing else, is taken
#: to be about something smaller or larger than the country (a province, part of a border).
# Characters around a number in which its cue words are looked for ("population of", "border
# with"): wide enough for any sentence of news prose, bounded for a sentence of 60 KB.
CONTEXT_CHARS = 300
FAR_OFF = 3.0
#: A figure is said to equal another Factbook figure than its own only when it is stated to
#: within this fraction of itself (804, 54.7 million): a round number (1,000) equals many
#: figures by chance.
OTHER_MATCH_PRECISION = 0.01

# Factbook units as pint units ("" for head counts, which are never converted).
_PINT = {"km": "kilometer", "sq km": "kilometer ** 2", "people": "", "years": "year", "USD": "USD"}
_SHOW_UNIT = {
    "kilometer": "km",
    "mile": "mi",
    "meter": "m",
    "foot": "ft",
    "yard": "yd",
    "kilometer ** 2": "sq km",
    "mile ** 2": "sq mi",
    "meter ** 2": "sq m",
    "hectare": "ha",
    "year": "years",
}
# Fields of the same kind of quantity, among which one figure may be mistaken for another.
_GROUPS = {
    "length": ("land_boundary_km", "coastline_km"),
    "area": ("area",),
    "people": ("population",),
    "years": ("median_age", "life_expectancy_at_birth"),
    "money": ("gdp_official_exchange_rate",),
}
_FIELD_WORDS = {
    "population": "population",
    "area": "area",
    "coastline_km": "coastline",
    "median_age": "median age",
    "life_expectancy_at_birth": "life expectancy at birth",
    "gdp_official_exchange_rate": "GDP (official exchange rate)",
}


@dataclass(frozen=True)
class _ClaimKind:
    """What a claim is about: the mention kind it applies to, its Factbook field and group."""

    name: str
    mention_kind: str
    field: str
    qualifier: str | None  # the Factbook qualifier claimed (None: decided by the sentence)
    group: str


_KINDS = (
    _ClaimKind("population", "count", "population", "", "people"),
    _ClaimKind("area", "area", "area", "total", "area"),
    _ClaimKind("land_boundary", "length", "land_boundary_km", None, "length"),
    _ClaimKind("coastline", "length", "coastline_km", "", "length"),
    _ClaimKind("median_age", "duration", "median_age", "total", "years"),
    _ClaimKind("life_expectancy_at_birth", "duration", "life_expectancy_at_birth", "total", "years"),
    _ClaimKind("gdp", "money", "gdp_official_exchange_rate", "", "money"),
)


@dataclass(frozen=True)
class _Cue:
    """Words that make a number a claim: a regex searched in the sentence before the number
    (anchored at its end), one matched right after it, and/or "<Country>'s" just before it."""

    before: str = ""
    after: str = ""
    possessive: bool = False


_W = r"(?:\W+\w+)"  # one more word
_PEOPLE = r"^\s*(?:people|inhabitants|residents|citizens)\b"
_CUES: dict[str, tuple[_Cue, ...]] = {
    "population": (
        _Cue(before=rf"\bpopulations?\b{_W}{{0,5}}?\W*$"),
        _Cue(before=r"\bhome to\s*$"),
        _Cue(before=r"\b(?:country|nation) of\s*$"),
        _Cue(after=r"^\s*(?:inhabitants|residents)\b"),
        _Cue(after=r"^\s*(?:people|persons|citizens)\s+(?:live|living|reside|residing)\s+in\b"),
        _Cue(before=r"\b(?:has|have|had|counts?|numbers?)\s*$", after=_PEOPLE),
        _Cue(possessive=True, after=_PEOPLE),
    ),
    "area": (
        _Cue(
            before=rf"\b(?:area|covers?|covering|spans?|spanning|territory|size|measures?|measuring)\b"
            rf"{_W}{{0,4}}?\W*$"
        ),
        _Cue(after=r"^\s*(?:in (?:area|size)|of (?:land|territory))\b"),
        _Cue(possessive=True),
    ),
    "land_boundary": (
        _Cue(before=rf"\b(?:borders?|frontiers?|boundary|boundaries)\b{_W}{{0,8}}?\W*$"),
        _Cue(after=r"^(?:-long|\s+long)?\s*(?:\w+\s+){0,2}(?:borders?|frontiers?|boundary|boundaries)\b"),
    ),
    "coastline": (
        _Cue(before=rf"\b(?:coast|coastline|shoreline)s?\b{_W}{{0,6}}?\W*$"),
        _Cue(after=r"^(?:-long|\s+long)?\s*(?:\w+\s+){0,2}(?:coast|coastline|shoreline)s?\b"),
    ),
    "median_age": (_Cue(before=rf"\bmedian age\b{_W}{{0,5}}?\W*$"),),
    "life_expectancy_at_birth": (_Cue(before=rf"\blife expectancy\b{_W}{{0,6}}?\W*$"),),
    "gdp": (
        _Cue(before=rf"\b(?:GDP|gross domestic product|economy)\b{_W}{{0,5}}?\W*$"),
        _Cue(after=r"^\s*(?:\w+\s+){0,2}(?:GDP|gross domestic product|economy)\b"),
    ),
}
# A length followed by these is a distance ("50 km from the border", "10 km inside"), and
# one after "within" a radius: neither is the length of a border or a coast.
_DISTANCE_AFTER = re.compile(
    r"^\s*(?:\w+\s+)?(?:from|away|inside|into|beyond|off|deep|north|south|east|west|of the)\b", re.I
)
_DISTANCE_BEFORE = re.compile(r"\bwithin\s*$", re.I)
_SCALE_AFTER = re.compile(r"^\s*(trillion|billion|million)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+")


@dataclass(frozen=True)
class _Candidate:
    """One Factbook figure a number may be checked against."""

    label: str  # "Afghanistan–Tajikistan border", "Kenya population"
    gec: str
    country: str
    field: str
    qualifier: str
    value: float
    unit: str  # the Factbook's unit (km, sq km, people, years, USD)
    estimate_year: int | None
    source: str  # "<file>: <Factbook text>"


@dataclass(frozen=True)
class _Stated:
    """The article's number, its pint unit, and the range it covers at its precision."""

    value: float
    unit: str
    low: float
    high: float


@dataclass(frozen=True)
class _Claim:
    """What the sentence claims: the Factbook figures it should equal, and of what."""

    kind: _ClaimKind
    subject: str  # the country or border, in words
    claimed: tuple[_Candidate, ...]  # empty: the Factbook holds no such figure
    note: str  # how the country was found, when not simply named in the sentence


# --------------------------------------------------------------------------- public entry


def auto_checks(article_text: str, mentions: pd.DataFrame, factbook: pd.DataFrame) -> pd.DataFrame:
    """The auto_checks table: one row per mention whose sentence states a Factbook fact.

    `mentions` is the extractor's table (offsets into `article_text`, with sentence offsets);
    `factbook` is ``reference.factbook_table(snapshot, gecs)`` of one snapshot. It must hold
    the countries the article names (``reference.ALL``, or the codes of
    ``reference.countries_named``); a named country missing from it makes its claims not
    checkable, with that reason.
    """
    snapshots = sorted(set(factbook["snapshot"])) if len(factbook) else [reference.DEFAULT_SNAPSHOT]
    if len(snapshots) != 1:
        raise ValueError(f"auto_checks needs the Factbook of one snapshot, got {', '.join(snapshots)}")
    ctx = _Context(article_text, reference.find_countries(article_text, snapshots[0]), factbook, snapshots[0])
    rows = [row for mention in mentions.to_dict("records") if (row := _check(mention, ctx))]
    for i, row in enumerate(rows, start=1):
        row["check_id"] = f"ac{i:03d}"
    return _conform(rows)


def _conform(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The rows with exactly the data dictionary's columns and types."""
    frame = pd.DataFrame(rows, columns=schema.columns("auto_checks"))
    for column in schema.TABLES["auto_checks"][1]:
        if column.type == "integer":
            frame[column.name] = frame[column.name].astype("Int64")
        elif column.type == "number":
            frame[column.name] = frame[column.name].astype("float64")
        else:
            frame[column.name] = frame[column.name].fillna("").astype(str)
    return frame


class _Context:
    """The article, where it names which country, and the Factbook figures to check against."""

    def __init__(self, text: str, named: pd.DataFrame, factbook: pd.DataFrame, snapshot: str):
        self.text = text
        self.named = named
        self.factbook = factbook
        self.snapshot = snapshot
        self.gecs = list(dict.fromkeys(named["gec"]))  # in order of first mention
        self.country_of = dict(zip(named["gec"], named["country"], strict=True))
        self.held = set(factbook["gec"])
        self._partners: dict[str, str | None] = {}
        # The names in order of their start, for named_in to bisect (a long article names
        # countries thousands of times: filtering them all for every mention is quadratic).
        self.named = named.sort_values("start", kind="stable")
        self._starts = self.named["start"].tolist()
        self._candidates: dict[tuple, list[_Candidate]] = {}  # see _candidates

    def partner_gec(self, name: str) -> str | None:
        """The GEC code of a Factbook border partner's name ("US", "China (south)")."""
        if name not in self._partners:
            self._partners[name] = reference.resolve_name(name, self.snapshot)
        return self._partners[name]

    def named_in(self, start: int, end: int) -> pd.DataFrame:
        """The country names inside [start, end)."""
        rows = self.named.iloc[
            bisect.bisect_left(self._starts, start) : bisect.bisect_left(self._starts, end)
        ]
        return rows[rows["end"] <= end]

    def earlier(self, sentence_start: int) -> list[str]:
        """GEC codes of the countries named before a sentence in its paragraph: the nearest
        sentence first, and within a sentence in order (its subject usually first)."""
        # At most CONTEXT_CHARS back: a paragraph can be as long as the article.
        floor = max(0, sentence_start - 10 * CONTEXT_CHARS)
        paragraph = max(self.text.rfind("\n\n", floor, sentence_start) + 1, floor)
        found = self.named_in(paragraph, sentence_start)
        cuts = [paragraph] + [m.end() for m in _SENTENCE_END.finditer(self.text, paragraph, sentence_start)]
        which = [max(i for i, cut in enumerate(cuts) if cut <= s) for s in found["start"]]
        ordered = found.assign(sentence=which).sort_values(["sentence", "start"], ascending=[False, True])
        return list(dict.fromkeys(ordered["gec"]))


# --------------------------------------------------------------------------- one mention


def _check(mention: dict[str, Any], ctx: _Context) -> dict[str, Any] | None:
    """The auto_checks row of one mention, or None if its sentence claims no Factbook fact."""
    found = _claim_kind(mention, ctx)
    if found is None:
        return None
    kind, cue = found
    row = _base_row(mention, kind, cue, ctx.snapshot)
    claim = _claim(mention, kind, ctx)
    about = {"country": claim.subject} if claim else {}
    if math.isnan(_num(mention.get("value"))):
        return _row(row, NOT_CHECKABLE, "a vague amount, not a figure: there is nothing to check", **about)
    unchecked = _unit_problem(mention, kind, ctx)
    if unchecked:
        return _row(row, NOT_CHECKABLE, unchecked, **about)
    if claim is None:
        reason = "the sentence names no country, and none is named before it in its paragraph"
        return _row(row, NOT_CHECKABLE, reason)
    return _verdict(row, claim, _stated(mention), ctx)


def _num(value: Any) -> float:
    """A number from a table cell (NaN when empty)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _unit_of(mention: dict[str, Any]) -> str:
    unit = mention.get("unit")
    return unit if isinstance(unit, str) else ""


def _base_row(mention: dict[str, Any], kind: _ClaimKind, cue: str, snapshot: str) -> dict[str, Any]:
    """The columns that come from the mention and the claim's kind."""
    return {
        "mention_id": mention.get("mention_id", ""),
        "quote": mention["text"],
        "start": int(mention["start"]),
        "end": int(mention["end"]),
        "claim": kind.name,
        "cue": cue,
        "article_value": _num(mention.get("value")),
        "article_unit": _unit_of(mention),
        "snapshot": snapshot,
        "tolerance": TOLERANCE[kind.name][0],
    }


def _row(row: dict[str, Any], verdict: str, reason: str, **more: Any) -> dict[str, Any]:
    return {**row, **more, "verdict": verdict, "reason": reason}


def _unit_problem(mention: dict[str, Any], kind: _ClaimKind, ctx: _Context) -> str:
    """Why a number cannot be compared as extracted (a money figure), or ""."""
    if kind.group != "money":
        return ""
    scale = _SCALE_AFTER.match(ctx.text[int(mention["end"]) :])
    if scale:
        return f"the extracted figure {mention['text']!r} leaves out the word {scale.group(1)!r} after it"
    if _unit_of(mention) != "USD":
        return f"the Factbook gives GDP in US dollars; {_unit_of(mention)} is not converted"
    return ""


# --------------------------------------------------------------------------- claim detection


def _claim_kind(mention: dict[str, Any], ctx: _Context) -> tuple[_ClaimKind, str] | None:
    """The claim the number's sentence makes and its cue words, or None. Of several cues
    (a length next to both "border" and "coast"), the one nearest the number wins."""
    start, end = int(mention["start"]), int(mention["end"])
    # The words near the number, not its whole sentence: a cue is close to its figure, and a
    # sentence can be as long as the article (the cost per mention stays bounded).
    s_start = max(int(mention["sentence_start"]), start - CONTEXT_CHARS)
    s_end = min(int(mention["sentence_end"]), end + CONTEXT_CHARS)
    before, after = ctx.text[s_start:start], ctx.text[end:s_end]
    if mention["kind"] == "length" and (_DISTANCE_AFTER.match(after) or _DISTANCE_BEFORE.search(before)):
        return None
    best: tuple[int, _ClaimKind, str] | None = None
    for kind in _KINDS:
        if mention["kind"] != kind.mention_kind:
            continue
        if kind.group == "years" and _unit_of(mention) != "year":
            continue
        for cue in _CUES[kind.name]:
            hit = _cue_hit(cue, before, after, ctx, s_start)
            if hit is not None and (best is None or hit[0] < best[0]):
                best = (hit[0], kind, hit[1])
    return (best[1], best[2]) if best else None


def _cue_hit(cue: _Cue, before: str, after: str, ctx: _Context, s_start: int) -> tuple[int, str] | None:
    """(distance from the number, the cue's words) if every part of the cue is there (in
    any case: a sentence may open with "Population" or "Home to")."""
    words, distance = [], None
    if cue.possessive:
        owner = re.search(r"(\S+)['’]s\s*$", before)
        if owner is None or ctx.named_in(s_start + owner.start(1), s_start + owner.end(1)).empty:
            return None
        words.append(owner.group(0).strip())
        distance = len(before) - owner.start()
    if cue.before:
        match = re.search(cue.before, before, re.IGNORECASE)
        if match is None:
            return None
        words.append(match.group(0).strip(" ,;:"))
        distance = len(before) - match.start()
    if cue.after:
        match = re.search(cue.after, after, re.IGNORECASE)
        if match is None:
            return None
        words.append(match.group(0).strip(" ,;:"))
        distance = match.end() if distance is None else distance
    return (distance or 0), " … ".join(words)


# --------------------------------------------------------------------------- the country


def _claim(mention: dict[str, Any], kind: _ClaimKind, ctx: _Context) -> _Claim | None:
    """The country (or border) whose figure the sentence states, and its Factbook figures.
    A sentence that names no country ("Its coastline ...") is checked against the countries
    named before it in its paragraph, the nearest sentence's first."""
    s_start = int(mention["sentence_start"])
    found = ctx.named_in(s_start, int(mention["sentence_end"]))
    in_sentence = _nearest(found, int(mention["start"]), int(mention["end"]))
    earlier = [g for g in ctx.earlier(s_start) if g not in in_sentence]
    if kind.name == "land_boundary":
        return _border_claim(kind, in_sentence, earlier, ctx)
    if in_sentence:
        gec = in_sentence[0]
        return _Claim(
            kind, ctx.country_of[gec], tuple(_candidates(ctx, gec, (kind.field,), kind.qualifier)), ""
        )
    if not earlier:
        return None
    claimed = tuple(c for g in earlier for c in _candidates(ctx, g, (kind.field,), kind.qualifier))
    names = ", ".join(ctx.country_of[g] for g in earlier)
    note = f"the sentence names no country; checked against those named before it in its paragraph: {names}"
    return _Claim(kind, ctx.country_of[earlier[0]], claimed, note)


def _nearest(found: pd.DataFrame, start: int, end: int) -> list[str]:
    """GEC codes of the country names found, the nearest to [start, end) first, each once."""
    distance = [max(s - end, start - e, 0) for s, e in zip(found["start"], found["end"], strict=True)]
    ordered = found.assign(distance=distance).sort_values(["distance", "start"], kind="stable")
    return list(dict.fromkeys(ordered["gec"]))


def _pairs(in_sentence: list[str], earlier: list[str]) -> list[tuple[str, str]]:
    """Pairs of countries that may share the border a sentence states: both named in it,
    then one named in it and one before it, then (if it names none) two named before it."""
    pairs = [(a, b) for i, a in enumerate(in_sentence) for b in in_sentence[i + 1 :]]
    pairs += [(a, b) for a in in_sentence for b in earlier]
    if not in_sentence:
        pairs += [(a, b) for i, a in enumerate(earlier) for b in earlier[i + 1 :]]
    return pairs


def _border_claim(
    kind: _ClaimKind, in_sentence: list[str], earlier: list[str], ctx: _Context
) -> _Claim | None:
    """The border of the nearest two countries that share one (see _pairs). Of two countries
    named in the sentence without a Factbook border, nothing is claimed; with one country
    only, its total and its borders with every country the article names."""
    for a, b in _pairs(in_sentence, earlier):
        shared = _border_candidates(ctx, a, b)
        if shared:
            named = f"only {ctx.country_of[a]}" if a in in_sentence else "no country"
            taken = f"the other side taken as {ctx.country_of[b]}, named before it"
            note = "" if b in in_sentence else f"the sentence names {named}; {taken}"
            return _Claim(kind, f"{ctx.country_of[a]}–{ctx.country_of[b]}", tuple(shared), note)
    if len(in_sentence) > 1:
        pair = f"{ctx.country_of[in_sentence[0]]}–{ctx.country_of[in_sentence[1]]}"
        return _Claim(kind, pair, (), f"the Factbook lists no {pair} border")
    order = in_sentence + earlier
    if not order:
        return None
    a = order[0]
    claimed = _candidates(ctx, a, ("land_boundary_km",), "total")
    claimed += [c for b in ctx.gecs if b != a for c in _border_candidates(ctx, a, b)]
    note = (
        f"only {ctx.country_of[a]} is named: checked against its total and its borders with "
        "the countries the article names"
    )
    return _Claim(kind, ctx.country_of[a], tuple(claimed), note)


# --------------------------------------------------------------------------- candidates


def _label(row: Any) -> str:
    """A Factbook figure in words: "Afghanistan–Turkmenistan border", "Kenya area (land)"."""
    if row.field == "land_boundary_km" and row.qualifier == "total":
        return f"{row.country} land borders (total)"
    if row.field == "land_boundary_km":
        return f"{row.country}–{row.qualifier} border"
    extra = f" ({row.qualifier})" if row.qualifier else ""
    return f"{row.country} {_FIELD_WORDS.get(row.field, row.field)}{extra}"


def _candidates(ctx: _Context, gec: str, fields: tuple[str, ...], qualifier: str | None) -> list[_Candidate]:
    """The Factbook figures of one country and fields (of one qualifier, or all for None);
    of a figure given for several years, the latest estimate. Computed once per context (every
    mention of a long article asks for the same few countries' figures)."""
    key = (gec, fields, qualifier)
    if key not in ctx._candidates:
        ctx._candidates[key] = _find_candidates(ctx, gec, fields, qualifier)
    return list(ctx._candidates[key])


def _find_candidates(
    ctx: _Context, gec: str, fields: tuple[str, ...], qualifier: str | None
) -> list[_Candidate]:
    fb = ctx.factbook
    rows = fb[(fb["gec"] == gec) & fb["field"].isin(fields)]
    if qualifier is not None:
        rows = rows[rows["qualifier"] == qualifier]
    rows = rows.sort_values("estimate_year", na_position="first", kind="stable")
    rows = rows.drop_duplicates(["field", "qualifier"], keep="last").sort_index()
    return [
        _Candidate(
            _label(r),
            r.gec,
            r.country,
            r.field,
            r.qualifier,
            float(r.value),
            r.unit,
            None if pd.isna(r.estimate_year) else int(r.estimate_year),
            f"{r.source_path}: {r.source_text}",
        )
        for r in rows.itertuples()
    ]


def _border_candidates(ctx: _Context, a: str, b: str) -> list[_Candidate]:
    """The a–b border as each of the two profiles gives it (once when they agree); a border
    the Factbook splits into parts ("China (southeast) 4,133 km and China (south) 46 km")
    also as the sum of its parts, the figure an article would give."""
    found = []
    for one, other in ((a, b), (b, a)):
        parts = [
            c
            for c in _candidates(ctx, one, ("land_boundary_km",), None)
            if c.qualifier != "total" and ctx.partner_gec(c.qualifier) == other
        ]
        found += parts
        if len(parts) > 1:
            whole = f"{parts[0].country}–{ctx.country_of.get(other, other)} border (all parts)"
            source = "; ".join(c.source for c in parts)
            total = sum(c.value for c in parts)
            found.append(
                _Candidate(
                    whole, one, parts[0].country, "land_boundary_km", "all parts", total, "km", None, source
                )
            )
    values = [c.value for c in found]
    return [c for i, c in enumerate(found) if c.value not in values[:i]]


def _key(c: _Candidate, ctx: _Context) -> tuple[str, float, frozenset[str]]:
    """A figure's identity: a border given by both its countries is one figure."""
    partner = ctx.partner_gec(c.qualifier) if c.field == "land_boundary_km" else c.qualifier
    return c.field, c.value, frozenset((c.gec, partner or c.qualifier))


def _others(kind: _ClaimKind, ctx: _Context, claimed: tuple[_Candidate, ...]) -> list[_Candidate]:
    """Every figure of the same kind of quantity of every country the article names,
    except the claimed ones."""
    seen = {_key(c, ctx) for c in claimed}
    out = []
    for gec in ctx.gecs:
        for c in _candidates(ctx, gec, _GROUPS[kind.group], None):
            if _key(c, ctx) not in seen:
                seen.add(_key(c, ctx))
                out.append(c)
    return out


# --------------------------------------------------------------------------- comparing


def _step(text: str, value: float) -> float:
    """The place value of the last significant digit stated: "1,357" -> 1, "38 million" ->
    1e6, "38.9 million" -> 1e5. Trailing zeros count as significant down to two figures
    ("1,500" -> 100, "1,000" -> 100, "20" -> 1): read as one figure, "1,000 km" would agree
    with anything from 500 to 1,500."""
    digits = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    number = float(digits.group(0).replace(",", "")) if digits else value
    scale = value / number if number else 1.0
    if digits and "." in digits.group(0):
        return 10.0 ** -len(digits.group(0).split(".")[1]) * scale
    if number == 0 or number != int(number):
        return scale
    whole = str(int(number))
    zeros = len(whole) - len(whole.rstrip("0"))
    return 10.0 ** max(0, min(zeros, len(whole) - 2)) * scale


def _stated(mention: dict[str, Any]) -> _Stated:
    """The range the number covers: half a step either side; a whole step for "about";
    one step below for "almost"/"under", above for "over"/"more than"."""
    value = _num(mention["value"])
    step = _step(str(mention["text"]), value)
    low, high, unit = _num(mention.get("low")), _num(mention.get("high")), _unit_of(mention)
    if math.isnan(low) and math.isnan(high):
        return _Stated(value, unit, value - step, value + step)
    if math.isnan(low):
        return _Stated(value, unit, value - step, value)
    if math.isnan(high):
        return _Stated(value, unit, value, value + step)
    return _Stated(value, unit, value - step / 2, value + step / 2)


def _in_unit(value: float, c: _Candidate, unit: str) -> float:
    """A value in the candidate's unit, converted into the article's unit."""
    source = _PINT.get(c.unit, c.unit)
    return value if not unit or not source or source == unit else _convert(value, source, unit)


# pint takes ~0.3 ms a conversion, and every mention of a long article converts the same few
# Factbook figures again.
_convert = functools.lru_cache(maxsize=8192)(convert)


def _ref_range(c: _Candidate, unit: str, tolerance: float, converted: bool) -> tuple[float, float] | None:
    """The candidate's value as a range in the article's unit: its own precision (the
    Factbook's last decimal), widened by the tolerance; None if the units do not convert.
    Unconverted, the Factbook's number is read as if it were in the article's unit."""
    decimals = len(repr(c.value).split(".")[1].rstrip("0")) if "." in repr(c.value) else 0
    half = 0.5 * 10.0**-decimals + tolerance * abs(c.value)
    ends = (c.value - half, c.value + half)
    if not converted:
        return ends
    try:
        low, high = (_in_unit(v, c, unit) for v in ends)
    except (pint.errors.PintError, ValueError):
        return None
    return min(low, high), max(low, high)


def _agrees(stated: _Stated, c: _Candidate, tolerance: float = 0.0, *, converted: bool = True) -> bool:
    """Whether the stated range meets the candidate's range. Unconverted only applies
    when the units differ (a number in miles that is a kilometre figure)."""
    if not converted and _PINT.get(c.unit, c.unit) in ("", stated.unit):
        return False
    ends = _ref_range(c, stated.unit, tolerance, converted)
    return ends is not None and stated.low <= ends[1] and ends[0] <= stated.high


# --------------------------------------------------------------------------- verdict


def _fmt(value: float) -> str:
    """1357 -> "1,357"; 843.19 -> "843.2"; 1.3 -> "1.3"."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}".rstrip("0")


def _show(unit: str) -> str:
    return _SHOW_UNIT.get(unit, unit)


def _described(c: _Candidate, unit: str) -> str:
    """ "Afghanistan–Tajikistan border 1,357 km (843.2 mi)" """
    text = f"{c.label} {_fmt(c.value)} {c.unit}"
    if unit and _PINT.get(c.unit, c.unit) not in ("", unit):
        converted = _ref_or_nan(c, unit)
        if not math.isnan(converted):
            text += f" ({_fmt(converted)} {_show(unit)})"
    return text


def _reference_columns(c: _Candidate, unit: str) -> dict[str, Any]:
    """The columns naming the Factbook figure a row is checked against."""
    return {
        "country": c.country,
        "gec": c.gec,
        "field": c.field,
        "qualifier": c.qualifier,
        "reference_value": c.value,
        "reference_unit": c.unit,
        "reference_in_article_unit": _ref_or_nan(c, unit),
        "estimate_year": c.estimate_year,
        "reference_source": c.source,
    }


def _verdict(row: dict[str, Any], claim: _Claim, stated: _Stated, ctx: _Context) -> dict[str, Any]:
    """Compare the stated number with the claimed figures, then with every other figure."""
    unit = stated.unit
    tolerance, why = TOLERANCE[claim.kind.name]
    others = _others(claim.kind, ctx, claim.claimed)
    considered = [f"claimed: {_described(c, unit)}" for c in claim.claimed]
    considered += [_described(c, unit) for c in others]
    row = {
        **row,
        "stated_low": stated.low,
        "stated_high": stated.high,
        "candidates": "; ".join(considered),
    }
    covers = f"{row['quote']!r} covers {_fmt(stated.low)} to {_fmt(stated.high)} {_show(unit)}".rstrip()
    prefix = f"{claim.note}. " if claim.note else ""
    elsewhere = _matches_elsewhere(stated, others)
    if not claim.claimed:
        return _no_figure(row, claim, ctx, prefix, elsewhere)
    exact = [c for c in claim.claimed if _agrees(stated, c)]
    if exact:
        c = exact[0]
        reason = f"{prefix}{covers}; the Factbook's {_described(c, unit)} is within it"
        return _row(row, CONSISTENT, reason, matched=_described(c, unit), **_reference_columns(c, unit))
    near = [c for c in claim.claimed if tolerance and _agrees(stated, c, tolerance)]
    if near:
        c = near[0]
        reason = (
            f"{prefix}{covers}; the Factbook's {_described(c, unit)} is outside it but within "
            f"{tolerance:.0%} ({why})"
        )
        return _row(row, CONSISTENT, reason, matched=_described(c, unit), **_reference_columns(c, unit))
    return _mismatch(row, claim, stated, prefix + covers, elsewhere)


def _matches_elsewhere(stated: _Stated, others: list[_Candidate]) -> list[str]:
    """Other figures the number equals, converted or read in the other unit (only for a
    number precise enough, see OTHER_MATCH_PRECISION)."""
    if stated.high - stated.low > OTHER_MATCH_PRECISION * abs(stated.value):
        return []
    found = []
    for c in others:
        if _agrees(stated, c):
            found.append(_described(c, stated.unit))
        elif _agrees(stated, c, converted=False):
            found.append(
                f"{c.label} {_fmt(c.value)} {c.unit}, read as {_fmt(c.value)} "
                f"{_show(stated.unit)} without conversion"
            )
    return found


def _no_figure(
    row: dict[str, Any], claim: _Claim, ctx: _Context, prefix: str, elsewhere: list[str]
) -> dict[str, Any]:
    """Not checkable: the Factbook (or the table given) holds no such figure."""
    gec = next((g for g, n in ctx.country_of.items() if n == claim.subject), "")
    if gec and gec not in ctx.held:
        reason = f"{prefix}the Factbook table given has no rows for {claim.subject}"
    elif "lists no" in claim.note:
        reason = claim.note
    else:
        field = _FIELD_WORDS.get(claim.kind.field, claim.kind.field)
        reason = f"{prefix}the Factbook has no {field} of {claim.subject}"
    if elsewhere:
        reason += f"; the number equals {'; '.join(elsewhere)}"
    return _row(row, NOT_CHECKABLE, reason, matched="; ".join(elsewhere), country=claim.subject)


def _mismatch(
    row: dict[str, Any], claim: _Claim, stated: _Stated, covers: str, elsewhere: list[str]
) -> dict[str, Any]:
    """Inconsistent (or not checkable when far off and equal to nothing else)."""
    unit = stated.unit
    slips = [c for c in claim.claimed if _agrees(stated, c, converted=False)]
    nearest = min(claim.claimed, key=lambda c: _log_distance(stated.value, _ref_or_nan(c, unit)))
    columns = _reference_columns(nearest, unit)
    if slips:
        c = slips[0]
        reason = (
            f"{covers}; the Factbook's {_described(c, unit)} is not, but the number is its "
            f"{c.unit} figure: the unit looks wrong"
        )
        matched = f"{c.label} {_fmt(c.value)} {c.unit}, read as {_show(unit)} without conversion"
        return _row(row, INCONSISTENT, reason, matched=matched, **_reference_columns(c, unit))
    if elsewhere:
        reason = (
            f"{covers}; the Factbook's {_described(nearest, unit)} is not within it, but the "
            f"number equals another Factbook figure: {'; '.join(elsewhere)}"
        )
        return _row(row, INCONSISTENT, reason, matched="; ".join(elsewhere), **columns)
    reference_value = columns["reference_in_article_unit"]
    if math.isnan(reference_value):
        reason = f"{covers}; the Factbook's {nearest.unit} do not convert into {_show(unit)}"
        return _row(row, NOT_CHECKABLE, reason, **columns)
    if reference_value == 0:  # a landlocked country's coastline: any other figure is wrong
        reason = f"{covers}; the Factbook's {_described(nearest, unit)} is 0"
        return _row(row, INCONSISTENT, reason, **columns)
    ratio = stated.value / reference_value
    if ratio > FAR_OFF or ratio < 1 / FAR_OFF:
        reason = (
            f"{covers}, {_fmt(ratio) if ratio >= 1 else '1/' + _fmt(1 / ratio)} times the "
            f"Factbook's {_described(nearest, unit)}, and equal to no other figure of the "
            "countries named: probably about something else than the country as a whole"
        )
        return _row(row, NOT_CHECKABLE, reason, **columns)
    difference = stated.value - reference_value
    reason = (
        f"{covers}; the Factbook's {_described(nearest, unit)} is not within it "
        f"(the article's number is {_fmt(abs(difference))} {_show(unit)} or "
        f"{abs(difference) / reference_value:.1%} {'higher' if difference > 0 else 'lower'})"
    )
    return _row(row, INCONSISTENT, reason, **columns)


def _log_distance(value: float, reference_value: float) -> float:
    """How far apart two positive numbers are, as a ratio (inf when not comparable)."""
    if value > 0 and reference_value > 0:
        return abs(math.log(value / reference_value))
    return math.inf


def _ref_or_nan(c: _Candidate, unit: str) -> float:
    """A candidate's value in the article's unit, NaN if pint cannot convert it."""
    try:
        return _in_unit(c.value, c, unit)
    except (pint.errors.PintError, ValueError):
        return math.nan
