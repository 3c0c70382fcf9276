"""The corpus's tidy tables and their data dictionary (written as datapackage.json).

Tables (CSV, UTF-8, one row per ...):

- ``articles``: article of the corpus, with its counts, its error, its report;
- ``figures``: numeric expression found in an article (the ``mentions`` table of each
  article, with its ``article_id``) -- the corpus's figures as one tidy table;
- ``checks``: automatic check of a figure against the World Factbook (each article's
  ``auto_checks``);
- ``same_quantity``: statement of one quantity (a country's population, a border's length, an
  area ...) by one of several articles that state it, aligned on the Factbook figure the
  check compared it with, with disagreements between articles flagged;
- ``pairs`` and ``changes``: two versions of one text, and each figure that changed, appeared
  or disappeared between them.

Columns and their types come from ``spillover.schema`` where they are the per-article
tables' (mentions, auto_checks); the others are described here, in the same style.
"""

from __future__ import annotations

import csv
import difflib
import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from spillover import schema
from spillover.autocheck import CONSISTENT, INCONSISTENT, NOT_CHECKABLE
from spillover.corpus_worker import ARTICLE_JSON
from spillover.extract import excerpt
from spillover.schema import Column
from spillover.tables import to_csv_text

if TYPE_CHECKING:
    from spillover.corpus import CorpusRun, Outcome

_ARTICLE_ID = Column("article_id", "string", "", "the article's id in the corpus (its file's stem)", True)


def _side(prefix: str, which: str) -> list[Column]:
    return [
        Column(f"{prefix}_mention_id", "string", "", f"the figure in the {which} version (see figures)"),
        Column(f"{prefix}_quote", "string", "", f"its exact text in the {which} version"),
        Column(f"{prefix}_start", "integer", "characters", f"offset of the quote in the {which} version"),
        Column(f"{prefix}_end", "integer", "characters", f"end offset of the quote in the {which} version"),
        Column(f"{prefix}_value", "number", f"see {prefix}_unit", "the number stated"),
        Column(f"{prefix}_unit", "string", "", "its unit (pint name; empty for counts)"),
        Column(f"{prefix}_sentence", "string", "", f"the sentence it sits in, in the {which} version"),
    ]


TABLES: dict[str, tuple[str, list[Column]]] = {
    "articles": (
        "Every article of the corpus: what was found and checked, or why it could not be read",
        [
            _ARTICLE_ID,
            Column("path", "string", "", "the article's file, as the corpus names it", True),
            Column("title", "string", "", "the article's first line, when it reads as a title"),
            Column("published", "string", "", "publication date (ISO 8601) from its dateline or metadata"),
            Column(
                "status",
                "string",
                "",
                "ok; error (bad input: the error column says what and how to fix it); internal (a bug)",
                True,
            ),
            Column("error", "string", "", "the one-line message `spillover tables --article PATH` gives"),
            Column("characters", "integer", "characters", "length of the article's text"),
            Column("figures", "integer", "", "numeric expressions found (rows in figures)"),
            Column("auto_checks", "integer", "", "figures checked automatically against the Factbook"),
            Column("consistent", "integer", "", "automatic checks found consistent"),
            Column("inconsistent", "integer", "", "automatic checks found inconsistent"),
            Column("not_checkable", "integer", "", "automatic checks that could not be decided"),
            Column(
                "findings", "integer", "", "curated findings (articles with a checks file in data/checks)"
            ),
            Column("report", "string", "", "the article's own report, relative to the corpus report"),
            Column("report_error", "string", "", "why its report could not be made"),
        ],
    ),
    "figures": (
        "Every numeric expression found in every article (each article's mentions table)",
        [_ARTICLE_ID, *schema.TABLES["mentions"][1]],
    ),
    "checks": (
        "Every automatic check of every article against the World Factbook (each article's auto_checks)",
        [_ARTICLE_ID, *schema.TABLES["auto_checks"][1]],
    ),
    "same_quantity": (
        "One quantity as several articles state it, side by side: each row one statement, aligned on "
        "the Factbook figure its check compared it with (country, field, qualifier)",
        [
            Column("quantity_id", "string", "", "q001, q002, ... one per quantity", True),
            Column("quantity", "string", "", "the quantity in words (Kenya population, A–B border)", True),
            Column("field", "string", "", "Factbook field (see checks.field)", True),
            Column("country", "string", "", "country, or the two countries of a border", True),
            Column("qualifier", "string", "", "Factbook qualifier (total, land ...; empty for a border)"),
            _ARTICLE_ID,
            Column("check_id", "string", "", "the automatic check in the article (see checks)", True),
            Column("quote", "string", "", "the exact text of the figure in the article", True),
            Column("start", "integer", "characters", "offset of the quote in the article", True),
            Column("end", "integer", "characters", "end offset of the quote (exclusive)", True),
            Column("article_value", "number", "see article_unit", "the number as the article states it"),
            Column("article_unit", "string", "", "its unit (empty for counts)"),
            Column("low", "number", "see unit", "lowest value the figure covers at its stated precision"),
            Column("high", "number", "see unit", "highest value the figure covers at its stated precision"),
            Column(
                "unit", "string", "", "unit of low and high: the Factbook's (km, sq km, people ...)", True
            ),
            Column("factbook_value", "number", "see unit", "the Factbook's figure the check used"),
            Column("check_verdict", "string", "", "the automatic check's verdict against the Factbook", True),
            Column(
                "agreement",
                "string",
                "",
                "agrees (its range meets every other article's) or disagrees (it misses at least one)",
                True,
            ),
            Column("disagrees_with", "string", "", "ids of the articles whose ranges it misses, ;-separated"),
        ],
    ),
    "pairs": (
        "Two versions of one text: paired by file names that differ only by a version or date "
        "suffix, or by a pairs file",
        [
            Column("pair_id", "string", "", "p001, p002, ...", True),
            Column("old_article", "string", "", "article_id of the earlier version", True),
            Column("new_article", "string", "", "article_id of the later version", True),
            Column("paired_by", "string", "", "file names, or the pairs file and line", True),
            Column("status", "string", "", "compared, or why not (a version that could not be read)", True),
            Column("unchanged", "integer", "", "figures found in both versions, unchanged"),
            Column("changed", "integer", "", "figures whose text changed between the versions"),
            Column("added", "integer", "", "figures only in the new version"),
            Column("removed", "integer", "", "figures only in the old version"),
        ],
    ),
    "changes": (
        "Every figure that changed, appeared or disappeared between two versions of a text (figures "
        "aligned in order of appearance, by their kind and text)",
        [
            Column("pair_id", "string", "", "the pair (see pairs)", True),
            Column("old_article", "string", "", "article_id of the earlier version", True),
            Column("new_article", "string", "", "article_id of the later version", True),
            Column("change", "string", "", "changed, added or removed", True),
            Column("kind", "string", "", "the figure's kind (see figures.kind)", True),
            *_side("old", "old"),
            *_side("new", "new"),
        ],
    ),
}


def columns(table: str) -> list[str]:
    return [c.name for c in TABLES[table][1]]


def conform(rows: list[dict] | pd.DataFrame, table: str) -> pd.DataFrame:
    """Exactly the data dictionary's columns and types (as spillover.tables.conform)."""
    frame = (
        pd.DataFrame(rows, columns=columns(table)) if isinstance(rows, list) else rows[columns(table)].copy()
    )
    for column in TABLES[table][1]:
        if column.type == "integer":
            frame[column.name] = pd.to_numeric(frame[column.name]).astype("Int64")
        elif column.type == "number":
            frame[column.name] = pd.to_numeric(frame[column.name]).astype("float64")
        else:
            frame[column.name] = frame[column.name].fillna("").astype("str")
    return frame


def datapackage() -> dict:
    """The Frictionless Data Package descriptor of the corpus tables (spillover.schema's style)."""
    resources = []
    for name, (description, cols) in TABLES.items():
        resources.append(
            {
                "name": name.replace("_", "-"),
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "encoding": "utf-8",
                "description": description,
                "schema": {
                    "fields": [
                        {
                            "name": c.name,
                            "type": c.type,
                            "description": c.description,
                            **({"unit": c.unit} if c.unit else {}),
                            **({"constraints": {"required": True}} if c.required else {}),
                        }
                        for c in cols
                    ]
                },
            }
        )
    return {"name": "spillover-corpus", "profile": "tabular-data-package", "resources": resources}


# --- writing -----------------------------------------------------------------------------------


_DTYPES = {"integer": "Int64", "number": "float64"}


def read_table(entry: Path, name: str) -> pd.DataFrame:
    """One of an entry's tables (mentions, auto_checks), typed by the data dictionary."""
    fields = schema.TABLES[name][1]
    numeric = {c.name: _DTYPES[c.type] for c in fields if c.type in _DTYPES}
    return pd.read_csv(
        entry / f"{name}.csv",
        dtype={c.name: numeric.get(c.name, "str") for c in fields},
        keep_default_na=False,  # "NA" in a quote is text, not a missing value
        na_values={column: [""] for column in numeric},
        encoding="utf-8",
    )


def _summary(outcome: Outcome) -> dict:
    assert outcome.entry is not None
    return json.loads((outcome.entry / ARTICLE_JSON).read_text(encoding="utf-8"))


def write_tables(run: CorpusRun, folder: Path) -> dict[str, pd.DataFrame]:
    """Write every corpus table and datapackage.json into `folder`. figures.csv, whose size
    grows with the corpus, is copied an article at a time from the entries' mentions.csv with
    the article's id put in front of each row (never all in memory); the other tables are
    returned for the page."""
    checks, summaries = [], {}
    with (folder / "figures.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns("figures"))
        for outcome in run.outcomes:
            if outcome.status != "ok" or outcome.entry is None:
                continue
            article_id = outcome.item.article_id
            summaries[article_id] = summary = _summary(outcome)
            with (outcome.entry / "mentions.csv").open(encoding="utf-8", newline="") as mentions:
                rows = csv.reader(mentions)
                if next(rows, None) != schema.columns("mentions"):
                    raise ValueError(f"cache entry {outcome.entry.name}: mentions.csv has other columns")
                writer.writerows([article_id, *row] for row in rows)
            if summary["rows"].get("auto_checks"):
                found = read_table(outcome.entry, "auto_checks")
                checks.append(conform(found.assign(article_id=article_id), "checks"))
    frames = {
        "articles": articles_table(run, summaries),
        "checks": conform(pd.concat(checks, ignore_index=True), "checks")
        if checks
        else conform([], "checks"),
    }
    frames["same_quantity"] = same_quantity_table(frames["checks"])
    frames["pairs"], frames["changes"] = changes_tables(run)
    for name, frame in frames.items():
        (folder / f"{name}.csv").write_text(to_csv_text(frame), encoding="utf-8")
    (folder / "datapackage.json").write_text(
        json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return frames


def articles_table(run: CorpusRun, summaries: dict[str, dict]) -> pd.DataFrame:
    """One row per article; `summaries` holds each analysed article's article.json."""
    rows = []
    for outcome in run.outcomes:
        row = {
            "article_id": outcome.item.article_id,
            "path": outcome.item.display,
            "status": outcome.status,
            "error": outcome.error,
            "report": outcome.report,
            "report_error": outcome.report_error,
        }
        summary = summaries.get(outcome.item.article_id)
        if summary is not None:
            counts, verdicts = summary["rows"], summary["verdicts"]
            row |= {
                "title": summary["title"],
                "published": summary["published"],
                "characters": summary["characters"],
                "figures": counts.get("mentions", 0),
                "auto_checks": counts.get("auto_checks", 0),
                "consistent": verdicts.get(CONSISTENT, 0),
                "inconsistent": verdicts.get(INCONSISTENT, 0),
                "not_checkable": verdicts.get(NOT_CHECKABLE, 0),
                "findings": counts.get("findings", 0),
            }
        rows.append(row)
    return conform(rows, "articles")


# --- one quantity, several articles ---------------------------------------------------------------

# The Factbook's units as pint units ("" for head counts, never converted).
_PINT = {"km": "kilometer", "sq km": "kilometer ** 2", "people": "", "years": "year", "USD": "USD"}
_WORDS = {
    "population": "population",
    "area": "area",
    "coastline_km": "coastline",
    "median_age": "median age",
    "life_expectancy_at_birth": "life expectancy at birth",
    "gdp_official_exchange_rate": "GDP (official exchange rate)",
}
_PARTNER_PART = re.compile(r"\s*\([^()]*\)$")  # "China (southeast)" -> "China"


def _quantity(row: pd.Series) -> tuple[str, str, str, str]:
    """(field, country, qualifier, words) naming what a check's figure is: a border is the
    same quantity whichever of its two countries' profiles gave it."""
    field, country, qualifier = row["field"], row["country"], row["qualifier"]
    if field == "land_boundary_km" and qualifier not in ("", "total", "all parts"):
        pair = "–".join(sorted([country, _PARTNER_PART.sub("", qualifier)]))
        return field, pair, "", f"{pair} border"
    if field == "land_boundary_km":
        return field, country, qualifier, f"{country} land borders ({qualifier})"
    extra = f" ({qualifier})" if qualifier else ""
    return field, country, qualifier, f"{country} {_WORDS.get(field, field)}{extra}"


def _in_unit(value: float, unit: str, to: str) -> float:
    from spillover.units import convert

    if math.isnan(value) or not unit or not to or unit == to:
        return value
    return convert(value, unit, to)


def same_quantity_table(checks: pd.DataFrame) -> pd.DataFrame:
    """The statements of every quantity that two or more articles state, with each one's range
    in the Factbook's unit; a statement whose range misses another article's disagrees."""
    decided = checks[checks["verdict"].isin([CONSISTENT, INCONSISTENT]) & (checks["field"] != "")]
    statements: dict[tuple[str, str, str], list[dict]] = {}
    for _, row in decided.iterrows():
        field, country, qualifier, words = _quantity(row)
        unit = row["reference_unit"]
        try:
            low, high = (
                _in_unit(row[c], row["article_unit"], _PINT.get(unit, unit))
                for c in ("stated_low", "stated_high")
            )
        except Exception:  # a unit pint cannot convert: this statement cannot be compared
            continue
        statements.setdefault((field, country, qualifier), []).append(
            {
                "quantity": words,
                "field": field,
                "country": country,
                "qualifier": qualifier,
                "article_id": row["article_id"],
                "check_id": row["check_id"],
                "quote": row["quote"],
                "start": row["start"],
                "end": row["end"],
                "article_value": row["article_value"],
                "article_unit": row["article_unit"],
                "low": low,
                "high": high,
                "unit": unit,
                "factbook_value": row["reference_value"],
                "check_verdict": row["verdict"],
            }
        )
    rows = []
    shared = [k for k, v in statements.items() if len({s["article_id"] for s in v}) > 1]
    for number, key in enumerate(sorted(shared, key=lambda k: statements[k][0]["quantity"]), start=1):
        group = statements[key]
        for s in group:
            missed = sorted(
                {
                    o["article_id"]
                    for o in group
                    if o["article_id"] != s["article_id"]
                    and not (s["low"] <= o["high"] and o["low"] <= s["high"])
                }
            )
            rows.append(
                {
                    **s,
                    "quantity_id": f"q{number:03d}",
                    "agreement": "disagrees" if missed else "agrees",
                    "disagrees_with": ";".join(missed),
                }
            )
    return conform(rows, "same_quantity")


# --- two versions of one text ----------------------------------------------------------------------


def changes_tables(run: CorpusRun) -> tuple[pd.DataFrame, pd.DataFrame]:
    by_id = {o.item.article_id: o for o in run.outcomes}
    pair_rows, change_rows = [], []
    for pair in run.pairs:
        old, new = by_id[pair.old], by_id[pair.new]
        row = {
            "pair_id": pair.pair_id,
            "old_article": pair.old,
            "new_article": pair.new,
            "paired_by": pair.paired_by,
        }
        broken = [o.item.article_id for o in (old, new) if o.status != "ok" or o.entry is None]
        if broken:
            pair_rows.append({**row, "status": f"not compared: {', '.join(broken)} could not be read"})
            continue
        changes, unchanged = _diff(old, new)
        counts = {kind: sum(c["change"] == kind for c in changes) for kind in ("changed", "added", "removed")}
        pair_rows.append({**row, "status": "compared", "unchanged": unchanged, **counts})
        change_rows += [{**row, **change} for change in changes]
    return conform(pair_rows, "pairs"), conform(change_rows, "changes")


def _side_values(prefix: str, mention: dict, text: str) -> dict:
    return {
        f"{prefix}_mention_id": mention["mention_id"],
        f"{prefix}_quote": mention["text"],
        f"{prefix}_start": mention["start"],
        f"{prefix}_end": mention["end"],
        f"{prefix}_value": mention["value"],
        f"{prefix}_unit": mention["unit"],
        f"{prefix}_sentence": excerpt(text, int(mention["sentence_start"]), int(mention["sentence_end"])),
    }


def _mention_records(entry: Path) -> list[dict]:
    """An entry's mentions as dicts, numbers typed (csv: a pair costs milliseconds, not pandas')."""
    kinds = {c.name: c.type for c in schema.TABLES["mentions"][1]}
    records = []
    with (entry / "mentions.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for name, text in row.items():
                if kinds.get(name) == "integer":
                    row[name] = int(text) if text else None
                elif kinds.get(name) == "number":
                    row[name] = float(text) if text else math.nan
            records.append(row)
    return records


def _diff(old: Outcome, new: Outcome) -> tuple[list[dict], int]:
    """The figures that differ between two versions: the two lists of figures (kind and text,
    in order) are aligned by difflib; in a replaced stretch, figures of the same kind side by
    side are one figure changed, the rest removed or added."""
    from spillover.article import read_text

    sides = []
    for outcome in (old, new):
        assert outcome.entry is not None
        sides.append((_mention_records(outcome.entry), read_text(outcome.item.path)[0]))
    (a, a_text), (b, b_text) = sides
    tokens_a = [(m["kind"], m["text"]) for m in a]
    tokens_b = [(m["kind"], m["text"]) for m in b]
    changes, unchanged = [], 0
    matcher = difflib.SequenceMatcher(None, tokens_a, tokens_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            unchanged += i2 - i1
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for first, second in zip(olds, news, strict=False):
            if first["kind"] == second["kind"]:
                sides = {**_side_values("old", first, a_text), **_side_values("new", second, b_text)}
                changes.append({"change": "changed", "kind": first["kind"], **sides})
            else:
                changes.append(
                    {"change": "removed", "kind": first["kind"], **_side_values("old", first, a_text)}
                )
                changes.append(
                    {"change": "added", "kind": second["kind"], **_side_values("new", second, b_text)}
                )
        paired = min(len(olds), len(news))
        changes += [
            {"change": "removed", "kind": m["kind"], **_side_values("old", m, a_text)} for m in olds[paired:]
        ]
        changes += [
            {"change": "added", "kind": m["kind"], **_side_values("new", m, b_text)} for m in news[paired:]
        ]
    return changes, unchanged
