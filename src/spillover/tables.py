"""From article, mentions and annotations to the tidy tables in data/processed/.

Three steps, as every pipeline step here: load (read the article, extract, annotate),
process (one small function per table), save (all tables written to a temporary folder, then
moved into place, so a failure never leaves a half-written set).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from spillover import paths, schema
from spillover.annotations import (
    Annotations,
    added_numbers,
    check_coverage,
    load_annotations,
    warn_unfinished,
)
from spillover.article import Article, read_article
from spillover.extract import excerpt, extract_mentions
from spillover.units import convert


@dataclass(frozen=True)
class Inputs:
    """Everything read from disk for one article."""

    article: Article
    mentions: pd.DataFrame
    annotations: Annotations | None


def load(
    article_path: Path | str = paths.DEFAULT_ARTICLE, annotations_path: Path | str | None = None
) -> Inputs:
    """Read the article, find its mentions and, if there is an annotation file, check it.

    With ``annotations_path`` None the curated file data/annotations/<stem>.yaml is used when
    it exists; an article without one gets mentions and a timeline only. Unfinished entries
    (a required field left empty) are left out with one warning line on stderr.
    """
    article = read_article(article_path)
    mentions = extract_mentions(article)
    if annotations_path is None:
        candidate = paths.default_annotations(article.path)
        annotations_path = candidate if candidate.is_file() else None
    annotations = None
    if annotations_path is not None:
        annotations = load_annotations(annotations_path, article)
        check_coverage(annotations, mentions)
        warn_unfinished(annotations)
    return Inputs(article, mentions, annotations)


# --- process ------------------------------------------------------------------------------------


def conform(rows: list[dict], table: str) -> pd.DataFrame:
    """A DataFrame with exactly the data dictionary's columns, in its order."""
    frame = pd.DataFrame(rows, columns=schema.columns(table))
    for column in schema.TABLES[table][1]:
        if column.type == "integer":
            frame[column.name] = frame[column.name].astype("Int64")
        elif column.type == "number":
            frame[column.name] = frame[column.name].astype("float64")
        else:
            frame[column.name] = frame[column.name].fillna("").astype("str")
    return frame


def figures_table(inputs: Inputs) -> pd.DataFrame:
    """One row per annotated figure: the annotation's meaning, the mention's numbers."""
    if inputs.annotations is None:
        return conform([], "figures")
    by_span = {(r.start, r.end): r for r in inputs.mentions.itertuples()}
    rows = {}
    for figure in inputs.annotations.figures:
        mention = by_span.get((figure["start"], figure["end"]))
        numbers = {}
        if mention is not None:
            numbers = {
                k: getattr(mention, k)
                for k in (
                    "kind",
                    "value",
                    "low",
                    "high",
                    "unit",
                    "qualifier",
                    "date",
                    "date_precision",
                    "mention_id",
                )
            }
            numbers["sentence"] = excerpt(inputs.article.text, mention.sentence_start, mention.sentence_end)
        elif figure.get("_by_quote"):  # added by its quote: a figure the extractor missed
            numbers = added_numbers(figure)
            where = inputs.article.sentence_at(figure["start"])
            numbers["sentence"] = excerpt(inputs.article.text, where.start, where.end) if where else ""
        if figure.get("unit"):
            numbers["unit"] = figure["unit"]
        numbers["added_by_hand"] = "true" if mention is None else "false"
        rows[figure["id"]] = {
            **numbers,
            "figure_id": figure["id"],
            **{
                k: figure.get(k, "")
                for k in (
                    "category",
                    "measure",
                    "subject",
                    "place",
                    "attributed_to",
                    "when",
                    "same_as",
                    "note",
                )
            },
            "quote": figure["quote"]["exact"],
            "start": figure["start"],
            "end": figure["end"],
        }
    # A figure tied to a date ('when') takes that date.
    for row in rows.values():
        if row["when"] and not row.get("date"):
            row["date"] = rows[row["when"]].get("date", "")
            row["date_precision"] = rows[row["when"]].get("date_precision", "")
    return conform(list(rows.values()), "figures")


def _records(inputs: Inputs, figures: pd.DataFrame, table: str) -> list[dict]:
    """Rows of a thematic table: each figure whose annotation has a record for it."""
    if inputs.annotations is None:
        return []
    by_id = figures.set_index("figure_id")
    rows = []
    for figure in inputs.annotations.figures:
        record = (figure.get("record") or {}).get(table)
        if record is None:
            continue
        row = by_id.loc[figure["id"]]
        rows.append(
            {
                **record,
                "figure_id": figure["id"],
                "people": row["value"],
                "people_low": row["low"],
                "people_high": row["high"],
                "qualifier": row["qualifier"],
                "date": row["date"],
                "date_precision": row["date_precision"],
                "attributed_to": row["attributed_to"],
                "quote": row["quote"],
                "start": row["start"],
                "end": row["end"],
            }
        )
    return rows


def refugee_flows_table(inputs: Inputs, figures: pd.DataFrame) -> pd.DataFrame:
    return conform(_records(inputs, figures, "refugee_flows"), "refugee_flows")


def troop_deployments_table(inputs: Inputs, figures: pd.DataFrame) -> pd.DataFrame:
    return conform(_records(inputs, figures, "troop_deployments"), "troop_deployments")


def border_lengths_table(
    inputs: Inputs, figures: pd.DataFrame, reference: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The article's border lengths, followed by reference rows when they are given."""
    rows = []
    for record in _records(inputs, figures, "border_lengths"):
        figure = figures.set_index("figure_id").loc[record["figure_id"]]
        rows.append(
            {
                **{
                    k: record[k]
                    for k in (
                        "border",
                        "country_a",
                        "country_b",
                        "figure_id",
                        "quote",
                        "start",
                        "end",
                    )
                },
                "source": "article",
                "stated_length": figure["value"],
                "stated_unit": figure["unit"],
                "length_km": convert(figure["value"], figure["unit"], "km"),
                "length_mi": convert(figure["value"], figure["unit"], "mi"),
            }
        )
    table = conform(rows, "border_lengths")
    if reference is not None and len(reference):
        table = pd.concat(
            [table, conform(reference.to_dict("records"), "border_lengths")], ignore_index=True
        )
    return table


def date_range(date: str, precision: str) -> tuple[dt.date, dt.date] | None:
    """First and last day an ISO 8601 date of a given precision can mean (None if unresolved)."""
    if not date or date.startswith("--"):
        return None
    if "/" in date:
        first, last = (date_range(part, precision) for part in date.split("/"))
        return (first[0], last[1]) if first and last else None
    if precision == "day":
        day = dt.date.fromisoformat(date)
        return day, day
    if precision == "week":
        year, week = date.split("-W")
        monday = dt.date.fromisocalendar(int(year), int(week), 1)
        return monday, monday + dt.timedelta(days=6)
    if precision == "month":
        year, month = (int(p) for p in date.split("-"))
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    year = int(date[:4])
    span = 10 if precision == "decade" else 1
    return dt.date(year, 1, 1), dt.date(year + span - 1, 12, 31)


# A time of day and a date this close, with only these words between them, are one moment:
# "2:30 a.m. on Monday", "Monday at 10 p.m.", "16 March, 06:00".
_MOMENT_GAP = re.compile(
    r"\s*(?:,\s*)?(?:(?:on|at|of|in\s+the|this|that|,)\s+)?(?:(?:on|at)\s+)?", re.IGNORECASE
)


def _times_of_day(inputs: Inputs) -> tuple[dict[int, str], dict[int, dict]]:
    """Where the article's times of day go on the timeline.

    Returns (the time each dated mention carries, by the start of the date mention: "2:30 a.m.
    on Monday" puts 02:30 on Monday's row; rows of their own for the other times, by the start
    of the time mention: the day of a date in the same sentence, else of the last day the text
    stated before it, else the publication date, each noted in date_note). Only a time's
    neighbours in the mentions are looked at, so the work grows linearly with the article."""
    mentions = list(inputs.mentions.itertuples())
    text = inputs.article.text

    def is_day(m: object) -> bool:
        return m.kind == "date" and m.date_precision == "day" and bool(m.date) and "/" not in m.date

    following: list[object | None] = [None] * len(mentions)  # the next day named, for each mention
    upcoming = None
    for index in range(len(mentions) - 1, -1, -1):
        following[index] = upcoming
        if is_day(mentions[index]):
            upcoming = mentions[index]
    on_date: dict[int, str] = {}
    own: dict[int, dict] = {}
    last_day = None
    for index, m in enumerate(mentions):
        if is_day(m):
            last_day = m
        if m.kind != "time" or not m.time:
            continue
        start, end = int(m.start), int(m.end)
        before = mentions[index - 1] if index > 0 else None
        after = mentions[index + 1] if index + 1 < len(mentions) else None
        partner = None
        if (
            before is not None
            and is_day(before)
            and int(before.start) not in on_date
            and _MOMENT_GAP.fullmatch(text, int(before.end), start)
        ):
            partner = before  # "Monday at 10 p.m."
        elif (
            after is not None
            and is_day(after)
            and int(after.start) not in on_date
            and _MOMENT_GAP.fullmatch(text, end, int(after.start))
        ):
            partner = after  # "2:30 a.m. on Monday"
        if partner is not None:
            on_date[int(partner.start)] = m.time
            own[start] = {
                "joined_to": int(partner.start),
                "start": min(start, int(partner.start)),
                "end": max(end, int(partner.end)),
                "date": partner.date,
                "date_precision": "day",
                "date_note": partner.date_note,
                "time": m.time,
            }
            own[int(partner.start)] = {"span": (min(start, int(partner.start)), max(end, int(partner.end)))}
            continue
        sentence = int(m.sentence_start)
        later = following[index]
        if last_day is not None and int(last_day.sentence_start) == sentence:
            date, note = last_day.date, f"day of the date in the same sentence ({last_day.text})"
        elif later is not None and int(later.sentence_start) == sentence:
            date, note = later.date, f"day of the date in the same sentence ({later.text})"
        elif last_day is not None:
            date, note = last_day.date, f"day taken from the last day stated before it ({last_day.text})"
        elif inputs.article.published is not None:
            date, note = inputs.article.published.isoformat(), "no day stated: taken as the publication date"
        else:
            continue
        own[start] = {"date": date, "date_precision": "day", "date_note": note, "time": m.time}
    return on_date, own


def timeline_table(inputs: Inputs, figures: pd.DataFrame) -> pd.DataFrame:
    """Dated events: annotated ones, or, without annotations, every dated mention. A time of
    day ("2:30 a.m.") sits on the row of the date it belongs to (see _times_of_day); a range
    ("14–16 March", "1992/93") is one row from date_start to date_end; a year the text did not
    state is explained in date_note."""
    notes = inputs.mentions.set_index("start")["date_note"].to_dict()
    on_date, own_times = _times_of_day(inputs)
    text = inputs.article.text
    rows = []
    if inputs.annotations is not None:
        by_id = figures.set_index("figure_id")
        for figure in inputs.annotations.figures:
            record = (figure.get("record") or {}).get("timeline")
            if record is not None:
                row = by_id.loc[figure["id"]]
                moment = own_times.get(int(row["start"]), {})
                rows.append(
                    {
                        **record,
                        "figure_id": figure["id"],
                        "date": row["date"] or moment.get("date", ""),
                        "date_precision": row["date_precision"] or moment.get("date_precision", ""),
                        "time": on_date.get(int(row["start"]), moment.get("time", "")),
                        "date_note": notes.get(row["start"], "") or moment.get("date_note", ""),
                        "quote": row["quote"],
                        "start": row["start"],
                        "end": row["end"],
                    }
                )
    else:
        for mention in inputs.mentions.itertuples():
            start, end = int(mention.start), int(mention.end)
            moment = own_times.get(start, {})
            if "joined_to" in moment or (mention.kind == "time" and not moment):
                continue  # on its date's row, or nowhere to place it
            if mention.kind not in ("date", "year", "time"):
                continue
            if "span" in moment:  # the date and its time of day, quoted together
                start, end = moment["span"]
                moment = {}
            rows.append(
                {
                    "figure_id": "",
                    "date": moment.get("date", mention.date),
                    "date_precision": moment.get("date_precision", mention.date_precision),
                    "time": on_date.get(int(mention.start), moment.get("time", "")),
                    "event": excerpt(text, mention.sentence_start, mention.sentence_end),
                    "actors": "",
                    "date_note": moment.get("date_note", mention.date_note),
                    "quote": text[start:end],
                    "start": start,
                    "end": end,
                }
            )
    dated = []
    for row in rows:
        span = date_range(row["date"], row["date_precision"])
        if span is not None:
            dated.append({**row, "date_start": span[0].isoformat(), "date_end": span[1].isoformat()})
    table = conform(dated, "timeline")
    return table.sort_values(["date_start", "start"], kind="stable").reset_index(drop=True)


def omitted_text_table(inputs: Inputs) -> pd.DataFrame:
    """What the article's paragraphs leave out (its footer), one row per stretch, so a reader
    can see that nothing was dropped silently."""
    rows = [
        {
            "start": part.start,
            "end": part.end,
            "characters": part.end - part.start,
            "first_words": " ".join(part.text.split()[:8]),
            "reason": part.reason,
        }
        for part in inputs.article.omitted
    ]
    return conform(rows, "omitted_text")


def build_tables(inputs: Inputs, reference_borders: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    figures = figures_table(inputs)
    return {
        "mentions": conform(inputs.mentions.to_dict("records"), "mentions"),
        "figures": figures,
        "refugee_flows": refugee_flows_table(inputs, figures),
        "troop_deployments": troop_deployments_table(inputs, figures),
        "border_lengths": border_lengths_table(inputs, figures, reference_borders),
        "timeline": timeline_table(inputs, figures),
        "omitted_text": omitted_text_table(inputs),
    }


# --- save -------------------------------------------------------------------------------------


def to_csv_text(table: pd.DataFrame) -> str:
    """The one CSV dialect of the project (UTF-8, LF line ends, shortest float repr)."""
    return table.to_csv(index=False, lineterminator="\n")


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path | str) -> Path:
    """Write every table and datapackage.json into a folder (a staging or cache folder: the
    caller makes the set visible at once, see spillover.publish)."""
    out_dir = Path(out_dir)
    for name, table in tables.items():
        (out_dir / f"{name}.csv").write_text(to_csv_text(table), encoding="utf-8")
    descriptor = schema.datapackage(list(tables))
    (out_dir / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return out_dir


_DTYPES = {"integer": "Int64", "number": "float64"}


def read_tables(folder: Path | str) -> dict[str, pd.DataFrame]:
    """The tables written by write_tables, with the data dictionary's types, in the order they
    were written: write_tables then read_tables gives back equal frames."""
    folder = Path(folder)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    tables = {}
    for resource in descriptor["resources"]:
        fields = resource["schema"]["fields"]
        numeric = {f["name"]: _DTYPES[f["type"]] for f in fields if f["type"] in _DTYPES}
        frame = pd.read_csv(
            folder / resource["path"],
            dtype={f["name"]: numeric.get(f["name"], "str") for f in fields},
            keep_default_na=False,  # "NA" or "null" in a quote is text, not a missing value
            na_values={name: [""] for name in numeric},
            encoding="utf-8",
        )
        tables[resource["path"].removesuffix(".csv")] = frame
    return tables
