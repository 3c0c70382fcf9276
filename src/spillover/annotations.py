"""The meaning of each figure: a curated YAML file, anchored to the article by quote.

Each entry carries a W3C Web Annotation TextQuoteSelector (``exact`` text with ``prefix``
and ``suffix``) plus the ``start``/``end`` offsets of a TextPositionSelector. Against the
article the file was written for (same sha256) the offsets must hold exactly; against a
re-flowed copy, the quote, prefix and suffix are matched with white space made flexible.

A file need not be finished to be used:

- ``spillover annotate`` (``template``) writes one entry per mention and pre-fills what the words
  around each number make likely (``infer``): every guess is marked ``# inferred: check``, and
  likely non-figures ("One commentator") go to ``excluded`` with a reason that says so.
- An entry whose required fields are still empty (``category: ''``) is *unfinished*: it is left
  out, its mention counts as not annotated, and ``warn_unfinished`` prints one warning line.
- A figure the extractor missed is added by its quote alone (no ``start``/``end``): it is anchored
  by searching the quote, and its number is read from the quote or typed in the entry.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import fastjsonschema
import pandas as pd
import yaml

from spillover.article import MAX_BYTES, Article, read_mapping
from spillover.errors import AnnotationError
from spillover.quantities import PEOPLE_NOUNS, counted_words, measure_of

CONTEXT_CHARS = 32  # prefix/suffix length written by the template
CATEGORIES = (
    "refugee_flows",
    "troop_deployments",
    "geography",
    "economy_society",
    "casualties",
    "territorial_control",
    "timeline",
    "rhetoric",
)

_SELECTOR = {
    "type": "object",
    "required": ["exact"],
    "properties": {
        "exact": {"type": "string", "minLength": 1},
        "prefix": {"type": "string"},
        "suffix": {"type": "string"},
    },
    "additionalProperties": False,
}
# An offset is a character index: an integer no larger than the largest article (the schema is
# draft-04, where 91.0 is not an integer; later drafts would let it through to the slicing).
_ANCHOR = {
    "quote": _SELECTOR,
    "start": {"type": "integer", "minimum": 0, "maximum": MAX_BYTES},
    "end": {"type": "integer", "minimum": 1, "maximum": MAX_BYTES},
}
_TEXT = {"type": "string", "minLength": 1}
_ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}


def _record(required: list[str], optional: list[str]) -> dict[str, Any]:
    """The fields of one thematic table's row, as text (the table's other columns come from the
    figure and its mention)."""
    return {
        "type": "object",
        "required": required,
        "additionalProperties": False,
        "properties": {**{k: _TEXT for k in required}, **{k: {"type": "string"} for k in optional}},
    }


RECORDS: dict[str, dict[str, Any]] = {
    "refugee_flows": _record(["group", "status"], ["origin", "destination", "outcome"]),
    "troop_deployments": _record(["force", "status"], ["country", "location"]),
    "border_lengths": _record(["border"], ["country_a", "country_b"]),
    "timeline": _record(["event"], ["actors"]),
}
SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "required": ["figures"],
    "additionalProperties": False,
    "properties": {
        "article": {"type": "string"},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "figures": {
            "type": "array",
            "items": {
                "type": "object",
                # start/end may be left out: a figure the extractor missed, anchored by its quote
                "required": ["id", "quote", "category", "measure", "subject"],
                "dependencies": {"start": ["end"], "end": ["start"]},
                "additionalProperties": False,
                "properties": {
                    "id": _ID,
                    **_ANCHOR,
                    "category": {"enum": list(CATEGORIES)},
                    "measure": _TEXT,  # what is counted or measured
                    "subject": _TEXT,  # of whom or what
                    "place": {"type": "string"},
                    "when": _ID,  # id of the figure that dates this one
                    "attributed_to": {"type": "string"},  # the source the article names, if any
                    # what a bare count counts ("people", "wars"); see _check_figures
                    "unit": {"type": "string", "pattern": "^[A-Za-z][A-Za-z ._-]*$"},
                    "same_as": _ID,  # the same quantity stated again (804 miles = 1,357 km)
                    # only for a figure added by its quote whose quote is not a plain number
                    "value": {"type": "number"},
                    "note": {"type": "string"},
                    "evidence": {
                        "type": "object",
                        "required": ["quote", "start", "end"],
                        "additionalProperties": False,
                        "properties": _ANCHOR,
                    },
                    "record": {  # fields of the thematic tables the figure feeds
                        "type": "object",
                        "additionalProperties": False,
                        "properties": RECORDS,
                    },
                },
            },
        },
        "excluded": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["quote", "start", "end", "reason"],
                "additionalProperties": False,
                "properties": {**_ANCHOR, "reason": _TEXT},
            },
        },
    },
}


# Required fields that `spillover annotate` may leave empty: an entry with one of them empty is
# unfinished (left out with a warning), while a field that is missing altogether is an error.
REQUIRED_TEXT = {"figures": ("category", "measure", "subject"), "excluded": ("reason",)}
_PLACEHOLDERS = {"category": CATEGORIES[0], "measure": "-", "subject": "-", "reason": "-"}
_LINKS = ("when", "same_as")


@dataclass(frozen=True)
class Unfinished:
    """An entry left out because a required field is still empty (as annotate writes it)."""

    section: str
    index: int
    entry: dict  # anchored: its start and end hold
    problem: str  # "category is empty", ...

    @property
    def label(self) -> str:
        named = f"{self.entry['id']!r}, " if self.entry.get("id") else ""
        return f"{self.section}[{self.index}] ({named}quote {self.entry['quote']['exact']!r})"


@dataclass(frozen=True)
class Annotations:
    path: Path
    figures: list[dict]
    excluded: list[dict]
    unfinished: list[Unfinished] = field(default_factory=list)


def _fail(path: Path, where: str, problem: str) -> AnnotationError:
    return AnnotationError(f"annotations {path}: {where}: {problem}")


def _where(entry: dict, index: int, section: str) -> str:
    quote = entry.get("quote")
    label = entry.get("id") or (quote.get("exact", "?") if isinstance(quote, dict) else quote or "?")
    return f"{section}[{entry.get('_index', index)}] ({label!r})"


def load_annotations(path: Path | str, article: Article) -> Annotations:
    """Parse, check the schema of, and anchor an annotation file against an article.

    Entries with a required field left empty are anchored (their offsets must hold) but kept
    apart, in ``unfinished``; see ``warn_unfinished``."""
    path = Path(path)
    data = read_mapping(path, "annotation file", AnnotationError, label="annotations")
    empty = _empty_fields(data)
    try:
        _validator()(_with_placeholders(data, empty))
    except fastjsonschema.JsonSchemaValueException as error:
        raise _fail(path, _schema_location(data, error), _schema_problem(error)) from None
    strict = data.get("sha256") in (None, article.sha256)
    done: dict[str, list[dict]] = {"figures": [], "excluded": []}
    unfinished = []
    for section in done:
        for index, entry in enumerate(data.get(section) or []):
            anchored = _anchor(path, entry, index, section, article.text, strict)
            if (section, index) in empty:
                fields = empty[(section, index)]
                verb = "is" if len(fields) == 1 else "are"
                unfinished.append(Unfinished(section, index, anchored, f"{', '.join(fields)} {verb} empty"))
            else:
                done[section].append(anchored)
    figures = _check_links(path, done["figures"], unfinished)
    unfinished.sort(key=lambda u: (u.section != "figures", u.index))
    return Annotations(path, figures, done["excluded"], unfinished)


def _is_empty(value: object) -> bool:
    """Empty as annotate leaves a field: '', null, blank, or the old template's TODO."""
    return value is None or (isinstance(value, str) and value.strip() in ("", "TODO"))


def _empty_fields(data: dict) -> dict[tuple[str, int], list[str]]:
    """(section, index) → the required fields an entry has but left empty."""
    found = {}
    for section, names in REQUIRED_TEXT.items():
        entries = data.get(section)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict):
                fields = [name for name in names if name in entry and _is_empty(entry[name])]
                if fields:
                    found[(section, index)] = fields
    return found


def _with_placeholders(data: dict, empty: dict[tuple[str, int], list[str]]) -> dict:
    """A copy of the data whose empty required fields hold valid values, so the schema checks
    everything else of an unfinished entry (types, offsets, unknown fields)."""
    copy = {**data, **{s: list(data[s]) for s in REQUIRED_TEXT if isinstance(data.get(s), list)}}
    for (section, index), fields in empty.items():
        copy[section][index] = {**data[section][index], **{f: _PLACEHOLDERS[f] for f in fields}}
    return copy


@cache
def _validator():  # noqa: ANN202
    """The compiled schema (fastjsonschema: compiled once, and light to import)."""
    return fastjsonschema.compile(SCHEMA)


def _schema_location(data: dict, error: fastjsonschema.JsonSchemaValueException) -> str:
    parts = [int(p) if p.isdigit() else p for p in (error.path or [])[1:]]
    if len(parts) >= 2 and parts[0] in ("figures", "excluded"):
        entry = data[parts[0]][parts[1]]
        where = _where(entry if isinstance(entry, dict) else {}, parts[1], parts[0])
        rest = ".".join(str(p) for p in parts[2:])
        return f"{where}{' ' + rest if rest else ''}"
    return ".".join(str(p) for p in parts) or "top level"


def _schema_problem(error: fastjsonschema.JsonSchemaValueException) -> str:
    """The validator's message without its 'data.figures[0]...' prefix."""
    message = error.message
    if error.name and message.startswith(error.name):
        message = message[len(error.name) :].strip()
    if error.rule == "type" and error.definition.get("type") == "integer":
        return f"{message} (a whole number, written as 91, not 91.0 or '91')"
    if error.rule == "dependencies":
        return f"{message}: give both start and end, or neither (a figure added by its quote)"
    return f'{message}; see "The annotation file" in README.md'


def locate(selector: dict, text: str) -> list[tuple[int, int]]:
    """Every place where a TextQuoteSelector matches, white space made flexible."""

    def flexible(part: str) -> str:
        return r"\s+".join(re.escape(word) for word in part.split())

    exact = selector["exact"]
    pattern = flexible(exact)
    if exact[:1].isspace():
        pattern = r"\s+" + pattern
    prefix, suffix = selector.get("prefix", "").strip(), selector.get("suffix", "").strip()
    found = []
    for m in re.finditer(pattern, text):
        tail = text[max(0, m.start() - 4 * CONTEXT_CHARS) : m.start()]
        head = text[m.end() : m.end() + 4 * CONTEXT_CHARS]
        if prefix and not re.search(flexible(prefix) + r"\s*$", tail):
            continue
        if suffix and not re.match(r"\s*" + flexible(suffix), head):
            continue
        found.append((m.start(), m.end()))
    return found


def _anchor(path: Path, entry: dict, index: int, section: str, text: str, strict: bool) -> dict:
    where = _where(entry, index, section)
    exact = entry["quote"]["exact"]
    added = "start" not in entry  # a figure the extractor missed, added by its quote
    if added:
        places = locate(entry["quote"], text)
        if len(places) != 1:
            context = " with its prefix and suffix" if {"prefix", "suffix"} & set(entry["quote"]) else ""
            problem = (
                "is not in this article; copy it exactly from the text"
                if not places
                else f"is found {len(places)} times in this article; add a prefix or suffix (the "
                "words just before or after it) so that it matches once"
            )
            raise _fail(path, where, f"quote {exact!r}{context} {problem}")
        start, end = places[0]
    elif strict:
        start, end = entry["start"], entry["end"]
        if text[start:end] != exact:
            places = locate(entry["quote"], text)
            hint = (
                f"the quote is at {places[0][0]}-{places[0][1]}; correct start/end"
                if places
                else "the quote is not in the article; fix or remove the entry"
            )
            raise _fail(path, where, f"text at {start}-{end} is {text[start:end]!r}, not {exact!r}: {hint}")
    else:
        places = locate(entry["quote"], text)
        if len(places) != 1:
            problem = "not found" if not places else f"found {len(places)} times"
            raise _fail(
                path,
                where,
                f"quote {exact!r} with its prefix and suffix is {problem} in this article; edit the selector",
            )
        start, end = places[0]
    if "evidence" in entry:
        evidence = _anchor(path, entry["evidence"], index, section, text, strict)
        entry = {**entry, "evidence": evidence}
    return {
        **entry,
        "start": start,
        "end": end,
        "quote": {**entry["quote"], "exact": text[start:end]},
        "_index": index,  # its place in the file, for messages
        **({"_by_quote": True} if added else {}),
    }


def _check_links(path: Path, figures: list[dict], unfinished: list[Unfinished]) -> list[dict]:
    """Ids are unique and links point at figures; a figure linked to an unfinished one waits
    too (it would take its date from it). Returns the figures that are not waiting."""
    waiting = [u.entry for u in unfinished if u.section == "figures"]
    ids = [f["id"] for f in [*figures, *waiting]]
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise _fail(path, "figures", f"id {duplicates[0]!r} is used more than once")
    known = set(ids)
    for figure in [*figures, *waiting]:
        for link in _LINKS:
            if link in figure and figure[link] not in known:
                raise _fail(
                    path,
                    _where(figure, figure["_index"], "figures"),
                    f"{link} points at unknown id {figure[link]!r}",
                )
    while True:
        waiting_ids = {u.entry["id"] for u in unfinished if u.section == "figures"}
        tied = {id(f): link for f in figures for link in _LINKS if f.get(link) in waiting_ids}
        if not tied:
            return figures
        for figure in figures:
            if id(figure) in tied:
                link = tied[id(figure)]
                problem = f"its {link} figure {figure[link]!r} is unfinished"
                unfinished.append(Unfinished("figures", figure["_index"], figure, problem))
        figures = [f for f in figures if id(f) not in tied]


def unfinished_warning(annotations: Annotations) -> str | None:
    """One line saying how many entries are unfinished and which is the first (None if none)."""
    if not annotations.unfinished:
        return None
    count = len(annotations.unfinished)
    first = annotations.unfinished[0]
    entries = "1 entry is" if count == 1 else f"{count} entries are"
    message = (
        f"annotations {annotations.path}: {entries} unfinished and left out (the first: "
        f"{first.label}: {first.problem}); their mentions are shown as not annotated until "
        "the entries are filled in"
    )
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


_warned: set[str] = set()


def warn_unfinished(annotations: Annotations) -> None:
    """Print the unfinished-entries warning on stderr, once per process (a render loads the
    annotations twice: to check its inputs, then to build the tables)."""
    message = unfinished_warning(annotations)
    if message and message not in _warned:
        _warned.add(message)
        print(f"spillover: warning: {message}", file=sys.stderr, flush=True)


def check_coverage(annotations: Annotations, mentions: pd.DataFrame) -> None:
    """Every mention the extractor finds is in the file (annotated, excluded with a reason, or an
    unfinished entry), and every figure is one of them, with a unit and records that fit its
    kind; a figure added by its quote needs no mention."""
    _check_figures(annotations, mentions)
    entries = [*annotations.figures, *annotations.excluded, *(u.entry for u in annotations.unfinished)]
    covered = {(e["start"], e["end"]) for e in entries}
    missing = [r for r in mentions.itertuples() if (r.start, r.end) not in covered]
    if missing:
        first = missing[0]
        more = f" ({len(missing) - 1} more)" if len(missing) > 1 else ""
        raise _fail(
            annotations.path,
            f"mention {first.text!r} at {first.start}-{first.end}",
            f"is neither annotated nor excluded{more}; add it to 'figures' or to 'excluded' with a "
            "reason (or run spillover annotate again and merge its entry for this mention)",
        )


def _check_figures(annotations: Annotations, mentions: pd.DataFrame) -> None:
    """Numbers and units come from the extractor's mention at a figure's offsets, never from the
    annotation: a figure must sit on a mention, may name a unit only for a bare count (what it
    counts), and feeds border_lengths only with a length (which is converted to km and mi).
    The one exception is a figure added by its quote where no mention is (see added_numbers)."""
    by_span = {(r.start, r.end): r for r in mentions.itertuples()}
    for figure in annotations.figures:
        where = _where(figure, figure["_index"], "figures")
        mention = by_span.get((figure["start"], figure["end"]))
        if mention is None and figure.get("_by_quote"):
            _check_added(annotations.path, where, figure)
            continue
        if mention is None:
            raise _fail(
                annotations.path,
                where,
                f"{figure['quote']['exact']!r} at {figure['start']}-{figure['end']} is not a numeric "
                "expression the extractor finds; point the figure at one (spillover annotate lists "
                "them), give its quote alone (no start and end) to add it by hand, or remove it",
            )
        if "value" in figure:
            raise _fail(
                annotations.path,
                where,
                f"value is typed only for a figure the extractor missed, and {mention.text!r} is its "
                f"mention {mention.mention_id}, whose numbers come from the text; remove the value line",
            )
        if "unit" in figure and mention.kind != "count":
            stated = f", whose unit ({mention.unit}) comes from the text" if mention.unit else ""
            raise _fail(
                annotations.path,
                where,
                f"unit {figure['unit']!r} is only for a bare count (what it counts), and "
                f"{mention.text!r} is a {mention.kind}{stated}; remove the unit line",
            )
        if "border_lengths" in (figure.get("record") or {}) and mention.kind != "length":
            raise _fail(
                annotations.path,
                where,
                f"record border_lengths needs a length, and {mention.text!r} is a {mention.kind}; "
                "move the record to a length figure",
            )


_PLAIN_NUMBER = re.compile(r"\s*([-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*")


def plain_number(quote: str) -> float | None:
    """The number a quote is, if it is nothing but a number ('1,500', '12.5'), else None."""
    match = _PLAIN_NUMBER.fullmatch(quote)
    return float(match.group(1).replace(",", "").replace("−", "-")) if match else None


def added_numbers(figure: dict) -> dict:
    """The numbers of a figure added by its quote where the extractor found none: the quote's
    own number when it is a plain number, else the value typed in the entry (or none); the unit
    as typed. Its kind follows from the unit (a length, an area, a duration...)."""
    parsed = plain_number(figure["quote"]["exact"])
    value = parsed if parsed is not None else float(figure.get("value", math.nan))
    unit = figure.get("unit", "")
    return {
        "kind": _kind_of(value, unit),
        "value": value,
        "low": value,
        "high": value,
        "unit": unit,
        "qualifier": "",
        "date": "",
        "date_precision": "",
        "mention_id": "",
    }


def _kind_of(value: float, unit: str) -> str:
    """The mention kind of a typed number: count unless its unit is a length, area, duration,
    share or currency ('' without a number)."""
    if math.isnan(value):
        return ""
    if unit in ("percent", "fraction"):
        return unit
    if unit in ("USD", "EUR", "GBP"):
        return "money"
    if not unit:
        return "count"
    from spillover.units import registry

    try:
        quantity = registry().Quantity(1, unit)
    except Exception:  # noqa: BLE001 - pint raises several kinds; any of them means "not a unit"
        return "count"  # a word for what is counted ("wars")
    for dimension, kind in (("[length]", "length"), ("[length] ** 2", "area"), ("[time]", "duration")):
        if quantity.check(dimension):
            return kind
    return "count"


def _check_added(path: Path, where: str, figure: dict) -> None:
    quote = figure["quote"]["exact"]
    parsed = plain_number(quote)
    typed = figure.get("value")
    if typed is not None and not math.isfinite(typed):
        raise _fail(path, where, f"value {typed!r} is not a finite number")
    if parsed is not None and typed is not None and typed != parsed:
        raise _fail(
            path,
            where,
            f"value {typed:g} differs from the quote {quote!r}, which is read as {parsed:g}; "
            "remove the value line",
        )
    if "border_lengths" in (figure.get("record") or {}) and added_numbers(figure)["kind"] != "length":
        raise _fail(
            path,
            where,
            "record border_lengths needs a length: give the figure a value and a unit of length "
            "(unit: kilometer)",
        )


def selector(text: str, start: int, end: int) -> dict:
    """A TextQuoteSelector for text[start:end], with context on both sides."""
    return {
        "exact": text[start:end],
        "prefix": text[max(0, start - CONTEXT_CHARS) : start],
        "suffix": text[end : end + CONTEXT_CHARS],
    }


# --- spillover annotate: a first guess for each mention ---------------------------------------
#
# The rules read only the words next to a number, in plain English, about no one article. They
# guess a category only when the words make it likely (a date is on the timeline; soldiers who
# fled are a refugee flow) and otherwise leave it empty for the user: the entry is unfinished.

INFERRED = "inferred: check"
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Clause breaks: punctuation (not the comma of 1,500 or the colon of 10:30), brackets, quotes, dashes.
_BREAK = re.compile(r"(?<!\d)[,:]|[,:](?!\d)|[;()\[\]“”\"—]|\s[-–]\s")
_SUBJECT_WORDS = 16
_REACH = 400  # characters around a mention that the guesses read, at most

_REFUGEE_NOUNS = {"refugees", "refugee", "asylum", "asylum-seekers", "evacuees", "migrants"}
_FLIGHT_VERBS = {"fled", "flee", "fleeing", "flees", "crossed", "escaped", "escaping"}
_CASUALTY_NOUNS = {"deaths", "dead", "casualties", "victims", "wounded", "injured", "fatalities"}
_CASUALTY_VERBS = {"killed", "died", "dead", "wounded", "injured", "drowned", "massacred", "slain"}
_TROOP_NOUNS = {
    "troops",
    "soldiers",
    "reservists",
    "servicemen",
    "fighters",
    "militants",
    "personnel",
    "military",
    "paratroopers",
    "marines",
    "sailors",
    "airmen",
    "guards",
    "forces",
}
_GEO_WORDS = {"border", "borders", "frontier", "coastline", "coast", "boundary", "shoreline"}
_AREA_WORDS = _GEO_WORDS | {"covers", "area", "territory", "surface"}
_ECONOMY_WORDS = {
    "gdp",
    "economy",
    "economic",
    "growth",
    "debt",
    "budget",
    "inflation",
    "unemployment",
    "poverty",
    "income",
    "incomes",
    "remittances",
    "exports",
    "imports",
    "trade",
    "wages",
    "prices",
    "tax",
    "taxes",
    "revenue",
    "revenues",
    "investment",
    "spending",
    "deficit",
}
_CONTROL_WORDS = {
    "control",
    "controls",
    "controlled",
    "controlling",
    "held",
    "holds",
    "hold",
    "captured",
    "seized",
    "occupied",
    "occupies",
    "took",
    "taken",
}
_LINK_WORDS = {"in", "of", "on", "a", "an", "the"}


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(text)]


@dataclass(frozen=True)
class _Place:
    """A mention in its sentence and its clause (offsets into the text)."""

    text: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int

    @property
    def lo(self) -> int:
        """Where the text the guesses read starts: the sentence, at most _REACH characters back
        (a "sentence" of 10,000 numbers costs each mention the same as a short one)."""
        return max(self.sentence_start, self.start - _REACH)

    @property
    def hi(self) -> int:
        return min(self.sentence_end, self.end + _REACH)

    @cached_property
    def clause(self) -> tuple[int, int]:
        left = self.lo
        for match in _BREAK.finditer(self.text, self.lo, self.start):
            left = match.end()
        found = _BREAK.search(self.text, self.end, self.hi)
        return left, found.start() if found else self.hi

    def before(self, count: int, clause: bool = True) -> list[str]:
        left = self.clause[0] if clause else self.lo
        return _words(self.text[left : self.start])[-count:] if count else []

    def after(self, count: int) -> list[str]:
        return _words(self.text[self.end : self.clause[1]])[:count]

    def counted(self, after_only: bool = False) -> str:
        """The words the number counts (spillover.quantities.counted_words), with the 's' of a
        '1970s' dropped; after_only: only the words that follow it."""
        floor = self.start if after_only else self.sentence_start
        words = counted_words(self.text, self.end, self.hi, self.start, floor).split()
        words = [w for w in words if len(w) > 1 or w.lower() in ("a", "I")]
        while words and words[-1].lower() in _LINK_WORDS:
            words.pop()
        return " ".join(words)


def infer(article: Article, mentions: pd.DataFrame) -> list[dict]:
    """For each mention, in order: {"mention": row, "excluded": reason} for a likely non-figure,
    or {"mention": row, "id": id, "figure": fields, "notes": {field: comment}} with what the words
    make likely (category only when they make it likely; an empty category marks it unfinished)."""
    guesses = []
    figure_ids: dict[str, str] = {}  # mention_id → id of its figure
    for row in mentions.itertuples(index=False):
        place = _Place(
            article.text, int(row.start), int(row.end), int(row.sentence_start), int(row.sentence_end)
        )
        reason = _non_figure(article, row, place)
        if reason:
            guesses.append(
                {"mention": row, "excluded": f"inferred: {reason} (move to figures if this is a figure)"}
            )
            continue
        guess = {"mention": row, "id": f"{row.kind}_{row.mention_id}", **_figure_guess(article, row, place)}
        restated = getattr(row, "same_as", "")  # "25 km (15 mi)": the extractor links the two
        if isinstance(restated, str) and restated in figure_ids:
            guess["figure"]["same_as"] = figure_ids[restated]
            guess["notes"]["same_as"] = "inferred: the text restates it in other units: check"
        figure_ids[row.mention_id] = guess["id"]
        guesses.append(guess)
    return guesses


def _in(span: object, offset: int) -> bool:
    return span is not None and span.start <= offset < span.end


def _non_figure(article: Article, row: Any, place: _Place) -> str | None:
    """Why a mention is likely no figure, or None: a number word used as a pronoun or article,
    a list marker, an ordinal used as a rank, digits inside a name or code."""
    text, start, end = article.text, place.start, place.end
    quote = row.text
    before, after = text[max(0, start - 40) : start], text[end : end + 40]
    token = re.search(r"[\w-]*\Z", before).group() + quote + re.match(r"[\w-]*", after).group()
    digits = quote[:1].isdigit()
    if digits and (re.search(r"[A-Za-z]\Z|\b[A-Z]+-\Z", before) or re.match(r"-0\d", after)):
        return f"digits inside a name or code ({token!r})"
    if re.fullmatch(r"0\d+", quote):
        return f"a code with a leading zero ({token!r})"
    if row.kind in ("count", "year") and re.search(_REFERENCE_LABELS, before):
        label = re.search(_REFERENCE_LABELS, before).group().strip()
        return f"a reference number ({label + ' ' + quote!r}), not a quantity"
    if row.kind == "count":
        newline = text.rfind("\n", max(0, start - _REACH), start)
        line = text[newline + 1 : start] if newline >= 0 or start <= _REACH else "…"
        if digits and re.fullmatch(r"\s*\(?", line) and re.match(r"[.)]\s", after):
            return f"a list marker ({(line.strip() + quote + after[0])!r})"
        if quote.isalpha():
            next_word = re.match(r"\s+([\w’'-]+)", after)
            following = next_word.group(1) if next_word else ""
            if re.match(r"-[a-z]", after):
                return f"part of a compound word ({token!r}), not a count"
            in_name = following[:1].isupper() and not _at_sentence_start(place)
            if quote[0].isupper() and in_name and not _in(article.title, start):
                return f"a number word inside a name ({quote + ' ' + following!r})"
            if row.value == 1:
                return _one(quote, before, after, following, place)
    if row.kind == "rank":
        return f"an ordinal used as a rank ({token!r}), not a quantity"
    if row.kind == "fraction":
        return _ordinal(quote, after)
    return None


_REFERENCE_LABELS = (
    r"\b(?:Article|Section|Chapter|Clause|Paragraph|Resolution|Amendment|Annex|Protocol|Route|"
    r"Highway|Flight|No\.|Number|Phase|Stage|Level|Category|Class|Type|Model|Version|Volume|"
    r"Part|Room|Gate|Platform|Item|Table|Figure|Page|Decree|Bill|Case)\s+\Z"
)
_ORDINAL_NOUNS = {
    "time",
    "term",
    "round",
    "place",
    "consecutive",
    "straight",
    "successive",
    "wave",
    "phase",
    "party",
    "country",
    "option",
    "generation",
    "largest",
    "biggest",
    "highest",
    "most",
}


def _at_sentence_start(place: _Place) -> bool:
    return place.lo == place.sentence_start and not _WORDS.search(place.text, place.lo, place.start)


def _one(quote: str, before: str, after: str, following: str, place: _Place) -> str | None:
    """'one' as a pronoun or an article rather than a count of one."""
    if re.match(r"\s+of\s+(?!every\b|each\b|\d)", after, re.I):
        return f"a pronoun ({quote + ' of'!r}), not a count"
    if following.lower() == "another" or re.search(
        r"\b(?:no|the|this|that|any|every|each|which|only)\s+\Z", before, re.I
    ):
        phrase = following if following.lower() == "another" else ""
        shown = f"{quote} {phrase}" if phrase else f"{before.split()[-1]} {quote}"
        return f"a pronoun ({shown!r}), not a count"
    if _at_sentence_start(place) and following[:1].islower() and following.lower() not in ("in", "out"):
        return f"a determiner ({quote + ' ' + following!r}): it names a single one, not a count"
    return None


def _ordinal(quote: str, after: str) -> str | None:
    """'third' with no numerator ('third-place', 'the third largest') or 'a third time': a rank."""
    words = quote.lower().split()
    if not words or words[-1] not in ("third", "fifth", "tenth", "quarter"):
        return None
    if re.match(r"\s+of\b", after):
        return None
    next_word = re.match(r"[\s-]+([a-z]+)", after)
    following = next_word.group(1) if next_word else ""
    if len(words) == 1 or (words[0] in ("a", "an") and len(words) == 2 and following in _ORDINAL_NOUNS):
        shown = quote + (after[0] if after[:1] == "-" else " ") + following if following else quote
        return f"an ordinal used as a rank ({shown.strip()!r}), not a fraction"
    return None


def _figure_guess(article: Article, row: Any, place: _Place) -> dict:
    """The fields annotate pre-fills for a likely figure, and a comment for each."""
    counted = place.counted()
    after_phrase = place.counted(after_only=True)
    fields: dict[str, Any] = {}
    notes: dict[str, str] = {}
    in_dateline = _in(article.dateline, place.start)
    category = _category(row, place, counted, after_phrase)
    fields["category"] = category or ""
    notes["category"] = INFERRED if category else "to fill (one of the categories above)"
    fields["measure"] = (
        "publication date of the article" if in_dateline else _measure(row, counted, after_phrase, place)
    )
    fields["subject"] = "this article" if in_dateline else _subject(place)
    notes["measure"] = notes["subject"] = INFERRED
    unit = _unit(row, counted, after_phrase)
    if unit:
        fields["unit"] = unit
        notes["unit"] = f"inferred from {counted!r}: check"
    if category == "timeline" and row.kind in ("date", "year"):
        event = "The article is published" if in_dateline else _sentence(place)
        fields["record"] = {"timeline": {"event": event}}
        notes["record"] = f"{INFERRED} (the event is the sentence: shorten it)"
    return {"figure": fields, "notes": notes}


def _category(row: Any, place: _Place, counted: str, after_phrase: str) -> str | None:
    """A category only when the words make it likely; None leaves it to the user."""
    kind = row.kind
    if kind in ("date", "year"):
        return "timeline"
    phrase = set(_words(after_phrase))
    near = set(place.after(6)) | set(place.before(2))
    if kind == "count" and measure_of(kind, counted) == "people":
        if phrase & _CASUALTY_NOUNS or near & _CASUALTY_VERBS:
            return "casualties"
        if (phrase | near) & _REFUGEE_NOUNS or near & _FLIGHT_VERBS:
            return "refugee_flows"
        if phrase & _TROOP_NOUNS:
            return "troop_deployments"
        return None
    if kind in ("length", "area"):
        words = set(place.before(10, clause=False)) | phrase
        return "geography" if words & (_GEO_WORDS if kind == "length" else _AREA_WORDS) else None
    if kind in ("percent", "fraction", "money"):
        after = set(place.after(8)) | phrase
        around = after | set(place.before(6, clause=False))
        if after & {"territory", "territories"} and around & _CONTROL_WORDS:
            return "territorial_control"
        if around & _ECONOMY_WORDS:
            return "economy_society"
    return None


def _measure(row: Any, counted: str, after_phrase: str, place: _Place) -> str:
    kind = row.kind
    of = after_phrase[3:] if after_phrase.lower().startswith("of ") else ""
    if kind == "count":
        if after_phrase and after_phrase.split()[0].lower() in ("in", "on"):
            return "a number"  # "One in five": a ratio, for the user to word
        if after_phrase:
            return f"number of {_head(of or after_phrase)}"
        return "a number"
    if kind in ("percent", "fraction"):
        if of:
            return f"share of {of}"
        return f"percentage {after_phrase}" if after_phrase else "a share"
    if kind == "duration":
        return f"duration of {of}" if of else "a duration"
    if kind == "money":
        return f"amount of money ({after_phrase})" if after_phrase else "amount of money"
    if kind in ("length", "area"):
        noun = next((w for w in reversed(place.before(10, clause=False)) if w in _GEO_WORDS), "")
        what = "length" if kind == "length" else "area"
        return f"{what} of the {noun}" if noun else what
    if kind not in ("date", "year"):  # time of day, temperature, mass, volume, speed, multiple ...
        return {"time": "time of day", "multiple": "a multiple"}.get(kind, kind)
    precision = row.date_precision or "year"
    if "/" in str(row.date):
        return "years of the period"
    return f"{precision} of the event" if precision != "decade" else "decade of the events"


def _head(phrase: str) -> str:
    """A counted phrase cut after its noun: 'more refugees may seek' → 'refugees', 'Afghan soldiers
    fled across' → 'Afghan soldiers', 'people in Afghanistan' stays (a place is kept)."""
    words = phrase.split()
    while len(words) > 1 and words[0].lower() in ("more", "other", "fewer", "additional", "further"):
        words = words[1:]
    for i, word in enumerate(words):
        if word.lower() in PEOPLE_NOUNS or re.fullmatch(r"[a-z]{2,}(?<![siu])s", word):
            rest = words[i + 1 : i + 3]
            place = len(rest) == 2 and rest[0] in ("in", "of", "from") and rest[1][:1].isupper()
            return " ".join(words[: i + 1] + (rest if place else []))
    return " ".join(words)


def _unit(row: Any, counted: str, after_phrase: str) -> str:
    """What a bare count counts: people when its words name people, else the plural noun that
    follows the number ('47 newly created counties' → counties), else nothing."""
    if row.kind != "count":
        return ""
    if measure_of("count", counted) == "people":
        return "people"
    for word in after_phrase.split()[:3]:
        if word in _LINK_WORDS:
            break
        if re.fullmatch(r"[a-z]{2,}(?<![siu])s", word) and word not in PEOPLE_NOUNS:
            return word
    return ""


def _subject(place: _Place) -> str:
    """The clause the number stands in (with a neighbouring one when it is too short: "In 1890,
    Germany and the UK divided up the region"), at most _SUBJECT_WORDS words around the number:
    the user's starting point for 'of whom or what'."""
    text = place.text
    left, right = place.clause
    if len(_words(text[left : place.start])) + len(_words(text[place.end : right])) < 3:
        found = _BREAK.search(text, min(right + 1, place.hi), place.hi)
        if right < place.hi and _words(text[right : found.start() if found else place.hi]):
            right = found.start() if found else place.hi
        else:  # the clause ends the sentence: take the one before it
            breaks = [m.end() for m in _BREAK.finditer(text, place.lo, max(left - 1, place.lo))]
            left = breaks[-1] if breaks else place.lo
    tokens = list(re.finditer(r"\S+", text[left:right]))
    inside = [
        i for i, t in enumerate(tokens) if left + t.end() > place.start and left + t.start() < place.end
    ]
    first, last = (inside[0], inside[-1]) if inside else (0, len(tokens) - 1)
    room = max(_SUBJECT_WORDS - (last - first + 1), 0)
    after = min(len(tokens) - 1 - last, max(room // 2, room - first))
    before = min(first, room - after)
    chosen = tokens[first - before : last + after + 1]
    if not chosen:
        return ""
    clause = " ".join(text[left + chosen[0].start() : left + chosen[-1].end()].split())
    clause = clause.strip(" ,;:-–—")
    lead = "… " if first - before > 0 else ""
    tail = " …" if last + after < len(tokens) - 1 else ""
    return f"{lead}{clause}{tail}"


def _sentence(place: _Place) -> str:
    from spillover.extract import excerpt

    return excerpt(place.text, place.sentence_start, place.sentence_end)


def _dump_entry(entry: dict, notes: dict[str, str]) -> list[str]:
    """One list item of YAML, with a comment on the line of each noted field."""
    lines = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=10**9).splitlines()
    out = []
    for line in lines:
        key = re.match(r"(?:- |  )([a-z_]+):", line)
        if key and key.group(1) in notes:
            line = f"{line}  # {notes[key.group(1)]}"
        out.append(line)
    return out


def template(article: Article, mentions: pd.DataFrame) -> str:
    """An annotation file for a new article: one entry per mention, pre-filled by ``infer``."""
    figures: list[str] = []
    excluded: list[str] = []
    for guess in infer(article, mentions):
        row = guess["mention"]
        anchor = {
            "quote": selector(article.text, int(row.start), int(row.end)),
            "start": int(row.start),
            "end": int(row.end),
        }
        if "excluded" in guess:
            excluded += _dump_entry({**anchor, "reason": guess["excluded"]}, {})
        else:
            entry = {"id": guess["id"], **anchor, **guess["figure"]}
            figures += _dump_entry(entry, guess["notes"])
    name = "".join(c if c.isprintable() else "?" for c in article.path.name)  # a comment is one line
    header = (
        f"# Annotations of {name}, written by `spillover annotate`: one entry per\n"
        "# numeric expression. Lines marked '# inferred: check' are first guesses from the words\n"
        "# around the number: check and correct each, then delete the mark. An entry whose\n"
        "# category (or measure, subject) is empty ('') is unfinished: the report leaves it out,\n"
        "# shows its number as a bare mention and prints one warning line, until you fill it in.\n"
        f"# category is one of {', '.join(CATEGORIES[:4])},\n"
        f"# {', '.join(CATEGORIES[4:])};\n"
        "# measure: what is counted or measured; subject: of whom or what. Optional: place,\n"
        "# attributed_to (the source the article names), unit (what a bare count counts, e.g.\n"
        "# people), when (id of the figure that dates it), same_as (id of the same quantity stated\n"
        "# again), note. A 'record' puts the figure into a thematic table of the report:\n"
        "#   record:\n"
        "#     refugee_flows: {group: civilians, origin: A, destination: B, status: reported, outcome: ...}\n"
        "#     troop_deployments: {force: ..., country: ..., location: ..., status: stationed}\n"
        "#     border_lengths: {border: A–B, country_a: A, country_b: B}\n"
        "#     timeline: {event: what happened, actors: who}\n"
        "# 'excluded' holds what looks like no figure ('One commentator'): an entry whose reason\n"
        "# starts 'inferred:' was guessed; move it to figures (with id, category, measure,\n"
        "# subject) if it is a figure. A figure the extractor missed: add an entry with its quote\n"
        "# alone (exact, and prefix or suffix if the words occur more than once; no start/end),\n"
        "# and a value and unit if the quote is not a plain number.\n"
    )
    top = yaml.safe_dump(
        {"article": article.path.name, "sha256": article.sha256},
        sort_keys=False,
        allow_unicode=True,
        width=10**9,
    )
    body = [
        "figures:" if figures else "figures: []",
        *figures,
        "excluded:" if excluded else "excluded: []",
        *excluded,
    ]
    return header + top + "\n".join(body) + "\n"
