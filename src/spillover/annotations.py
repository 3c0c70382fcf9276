"""The meaning of each figure: a curated YAML file, anchored to the article by quote.

Each entry carries a W3C Web Annotation TextQuoteSelector (``exact`` text with ``prefix``
and ``suffix``) plus the ``start``/``end`` offsets of a TextPositionSelector. Against the
article the file was written for (same sha256) the offsets must hold exactly; against a
re-flowed copy, the quote, prefix and suffix are matched with white space made flexible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
import pandas as pd
import yaml

from spillover.article import MAX_BYTES, Article, read_mapping
from spillover.errors import AnnotationError

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
                "required": ["id", "quote", "start", "end", "category", "measure", "subject"],
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


@dataclass(frozen=True)
class Annotations:
    path: Path
    figures: list[dict]
    excluded: list[dict]


def _fail(path: Path, where: str, problem: str) -> AnnotationError:
    return AnnotationError(f"annotations {path}: {where}: {problem}")


def _where(entry: dict, index: int, section: str) -> str:
    label = entry.get("id") or (entry.get("quote") or {}).get("exact", "?")
    return f"{section}[{index}] ({label!r})"


def load_annotations(path: Path | str, article: Article) -> Annotations:
    """Parse, check the schema of, and anchor an annotation file against an article."""
    path = Path(path)
    data = read_mapping(path, "annotation file", AnnotationError, label="annotations")
    try:
        _validator()(data)
    except fastjsonschema.JsonSchemaValueException as error:
        raise _fail(path, _schema_location(data, error), _schema_problem(error)) from None
    strict = data.get("sha256") in (None, article.sha256)
    figures = [_anchor(path, f, i, "figures", article.text, strict) for i, f in enumerate(data["figures"])]
    excluded = [
        _anchor(path, e, i, "excluded", article.text, strict)
        for i, e in enumerate(data.get("excluded") or [])
    ]
    _check_links(path, figures)
    return Annotations(path, figures, excluded)


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
    exact, start, end = entry["quote"]["exact"], entry["start"], entry["end"]
    if strict:
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
    }


def _check_links(path: Path, figures: list[dict]) -> None:
    ids = [f["id"] for f in figures]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise _fail(path, "figures", f"id {duplicates[0]!r} is used more than once")
    for index, figure in enumerate(figures):
        for link in ("when", "same_as"):
            if link in figure and figure[link] not in ids:
                raise _fail(
                    path,
                    _where(figure, index, "figures"),
                    f"{link} points at unknown id {figure[link]!r}",
                )


def check_coverage(annotations: Annotations, mentions: pd.DataFrame) -> None:
    """Every mention the extractor finds is annotated or excluded with a reason, and every
    figure is one of them, with a unit and records that fit its kind."""
    _check_figures(annotations, mentions)
    covered = {(e["start"], e["end"]) for e in [*annotations.figures, *annotations.excluded]}
    missing = [r for r in mentions.itertuples() if (r.start, r.end) not in covered]
    if missing:
        first = missing[0]
        more = f" ({len(missing) - 1} more)" if len(missing) > 1 else ""
        raise _fail(
            annotations.path,
            f"mention {first.text!r} at {first.start}-{first.end}",
            f"is neither annotated nor excluded{more}; add it to 'figures' or to "
            "'excluded' with a reason (spillover annotate writes a template)",
        )


def _check_figures(annotations: Annotations, mentions: pd.DataFrame) -> None:
    """Numbers and units come from the extractor's mention at a figure's offsets, never from the
    annotation: a figure must sit on a mention, may name a unit only for a bare count (what it
    counts), and feeds border_lengths only with a length (which is converted to km and mi)."""
    by_span = {(r.start, r.end): r for r in mentions.itertuples()}
    for index, figure in enumerate(annotations.figures):
        where = _where(figure, index, "figures")
        mention = by_span.get((figure["start"], figure["end"]))
        if mention is None:
            raise _fail(
                annotations.path,
                where,
                f"{figure['quote']['exact']!r} at {figure['start']}-{figure['end']} is not a numeric "
                "expression the extractor finds; point the figure at one (spillover annotate lists "
                "them) or remove it",
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


def selector(text: str, start: int, end: int) -> dict:
    """A TextQuoteSelector for text[start:end], with context on both sides."""
    return {
        "exact": text[start:end],
        "prefix": text[max(0, start - CONTEXT_CHARS) : start],
        "suffix": text[end : end + CONTEXT_CHARS],
    }


def template(article: Article, mentions: pd.DataFrame) -> str:
    """An annotation file for a new article: one entry per mention, meaning left to fill."""
    figures = []
    for row in mentions.itertuples():
        figures.append(
            {
                "id": f"{row.kind}_{row.mention_id}",
                "quote": selector(article.text, row.start, row.end),
                "start": int(row.start),
                "end": int(row.end),
                "category": "TODO",
                "measure": "TODO",
                "subject": "TODO",
            }
        )
    header = (
        f"# Annotations of {article.path.name}: give each figure its meaning (category is one\n"
        f"# of {', '.join(CATEGORIES)}), or move it to 'excluded' with a reason.\n"
        "# measure: what is counted or measured; subject: of whom or what. Optional: place,\n"
        "# attributed_to (the source the article names), unit (what a bare count counts, e.g.\n"
        "# people), when (id of the figure that dates it), same_as (id of the same quantity stated\n"
        "# again), note. A 'record' puts the figure into a thematic table of the report:\n"
        "#   record:\n"
        "#     refugee_flows: {group: civilians, origin: A, destination: B, status: reported, outcome: ...}\n"
        "#     troop_deployments: {force: ..., country: ..., location: ..., status: stationed}\n"
        "#     border_lengths: {border: A–B, country_a: A, country_b: B}\n"
        "#     timeline: {event: what happened, actors: who}\n"
    )
    body = {
        "article": article.path.name,
        "sha256": article.sha256,
        "figures": figures,
        "excluded": [],
    }
    return header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)
