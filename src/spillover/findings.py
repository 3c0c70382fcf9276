"""Findings: the article's figures checked as the article's checks file says.

The checks file, ``data/checks/<article stem>.yaml`` (structure: ``data/checks/schema.json``),
names the article's reference region, its tolerances (each with its reason) and its checks.
Each check is one of a few generic kinds:

- ``agree``: two figures of the article state one quantity; the second is compared with the
  first converted to its unit.
- ``reference``: a figure against a reference value -- a Factbook field of a country, or a
  border measured on Natural Earth -- within a named tolerance.
- ``scale``: a figure as a share or multiple of a reference value, or a share of it as an
  amount: context "for scale", never a verdict.
- ``lower_bound``: a figure against a reference that can only be a lower bound of the true
  value (a border measured on a simplified outline is shorter than the border).
- ``other_reference``: a figure that equals some other reference value than the one it claims
  to be (a length in miles that is another border's length in km).

``findings_table(figures, factbook, measured, checks, published)`` takes the figures table,
one snapshot of :func:`spillover.reference.factbook_table`, :func:`spillover.geo.border_lengths_measured`
and the loaded checks, and returns one row per finding with the columns :data:`FINDING_COLUMNS`
(described in :mod:`spillover.schema`). No checks file: an empty table. Every unit conversion
goes through the project's pint registry.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
import string
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastjsonschema
import pandas as pd

from spillover import paths, schema
from spillover.article import read_mapping
from spillover.errors import InputError
from spillover.units import registry

if TYPE_CHECKING:
    import pint

#: Units used by the annotations and the Factbook table, spelled for pint.
UNIT_ALIASES: dict[str, str] = {
    "sq km": "km ** 2",
    "fraction": "dimensionless",
    "people": "person",
    "degrees": "degree",
}

CONSISTENT = "consistent"
INCONSISTENT = "inconsistent"
NOT_COMPARABLE = "not comparable"
#: A check tests a figure; context only puts it in proportion (its verdict is NOT_COMPARABLE).
CHECK = "check"
CONTEXT = "context"

FINDING_COLUMNS: list[str] = schema.columns("findings")
REQUIRED_FIGURE_COLUMNS = ("figure_id", "value", "unit", "quote", "start", "end")
SCALES = ("110m", "50m", "10m")
#: Why a border measured on a simplified outline can only be a lower bound.
MEASURED_LOWER_BOUND = (
    "a generalised outline cuts the corners of a winding border, so it can only under-measure"
)
#: Placeholders a claim template may use.
CLAIM_FIELDS = frozenset({"value", "quote", "other"})


# --------------------------------------------------------------------------- units


def quantity(value: float, unit: str) -> pint.Quantity:
    """`value` in `unit` ("km", "mi", "people", "percent", "fraction", "sq km"...) as pint."""
    import pint

    try:
        return registry().Quantity(float(value), UNIT_ALIASES.get(unit, unit))
    except (pint.errors.PintError, AttributeError, TypeError, ValueError) as error:
        raise InputError(f"unknown unit {unit!r} for value {value!r}") from error


def relative_difference(article: pint.Quantity, reference: pint.Quantity) -> float:
    """(article - reference) / reference, after converting article to reference's unit."""
    ref = reference.magnitude
    if ref == 0:
        return math.inf if article.magnitude else 0.0
    return (article.to(reference.units).magnitude - ref) / ref


def fmt(x: float) -> str:
    """1357.0 -> "1,357"; 843.2007 -> "843.2": thousands separators, at most one decimal."""
    return f"{x:,.0f}" if abs(x - round(x)) < 0.05 else f"{x:,.1f}"


def fmt_percent(share: float) -> str:
    """A dimensionless share as a percent with two significant digits (0.00017 -> "0.017%")."""
    pct = share * 100
    return f"{pct:.2g}%" if abs(pct) < 10 else f"{pct:.0f}%"


def fmt_signed_percent(rel: float) -> str:
    """A relative difference as "+6.9%" / "-4.6%"."""
    return f"{rel * 100:+.1f}%"


def fmt_value(value: float, unit: str) -> str:
    """A number as a reader writes it: "1,357 km", "16.5%", "33%" (a fraction), "1,500" (people)."""
    if unit == "percent":
        return f"{fmt(value)}%"
    if unit == "fraction":
        return fmt_percent(value)
    if unit in ("people", "person", ""):
        return fmt(value)
    return f"{fmt(value)} {unit}"


def _short_unit(unit: str) -> str:
    """A length unit as its symbol ("kilometer" -> "km"), as a reader writes it in a sentence."""
    import pint

    try:
        parsed = registry().Unit(unit)
    except (pint.UndefinedUnitError, ValueError, TypeError):
        return unit
    return f"{parsed:~}" if parsed.dimensionality == registry().km.dimensionality else unit


# --------------------------------------------------------------------------- the checks file


@dataclass(frozen=True)
class Tolerance:
    """A named relative tolerance and why it is that wide."""

    name: str
    value: float
    reason: str

    def text(self) -> str:
        """ "1% tolerance (reason)", as a reason sentence quotes it."""
        return f"{self.value * 100:g}% tolerance ({self.reason})"


@dataclass(frozen=True)
class Reference:
    """A reference value described independently of the snapshot: a Factbook field of a
    country (by GEC code), or a border measured on Natural Earth."""

    gec: str = ""
    country: str = ""  # the country's name in the region list
    field: str = ""
    qualifier: str | None = None  # None: any qualifier
    border: tuple[str, str] | None = None
    scale: str = ""  # "" with a border: every scale
    label: str = ""

    def describe(self) -> str:
        """How a reason names it when the file gives no label."""
        if self.label:
            return self.label
        if self.border:
            return f"the {'–'.join(sorted(self.border))} border"
        words = self.field.removesuffix("_km").replace("_", " ")
        return f"{self.country}'s {words}" + (f" ({self.qualifier})" if self.qualifier else "")


@dataclass(frozen=True)
class Search:
    """Where an `other_reference` check looks for the value a figure really is."""

    field: str
    gecs: tuple[str, ...]
    measured: bool


@dataclass(frozen=True)
class Check:
    """One entry of the checks file."""

    id: str
    kind: str
    where: str  # "checks <file>: checks[3] ('id')": where an error message says it is
    figures: tuple[str, ...]  # one figure; for `agree` the reference figure, then the checked one
    reference: Reference | None = None  # for `other_reference`: the value the figure claims to be
    also: tuple[Reference, ...] = ()
    search: Search | None = None
    tolerance: Tolerance | None = None
    compute: str = ""
    group: str = ""
    claim: str = ""
    note: str = ""


@dataclass(frozen=True)
class Region:
    """The countries of an article's reference data (empty without a checks file)."""

    countries: dict[str, str] = field(default_factory=dict)  # GEC code -> name
    borders_of: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()  # GEC codes whose capitals the map marks

    @property
    def names(self) -> tuple[str, ...]:
        """The countries' names, sorted."""
        return tuple(sorted(self.countries.values()))

    def gec(self, country: str) -> str | None:
        """The GEC code of a country given by name or code, or None if not in the region."""
        if country in self.countries:
            return country
        return next((g for g, name in self.countries.items() if name == country), None)


@dataclass(frozen=True)
class Checks:
    """A loaded, validated checks file."""

    path: Path
    region: Region
    tolerances: dict[str, Tolerance]
    entries: tuple[Check, ...]


def _fail(path: Path, where: str, problem: str) -> InputError:
    return InputError(f"checks {path}: {where}: {problem}")


@cache
def _schema() -> dict[str, Any]:
    return json.loads(paths.CHECKS_SCHEMA.read_text(encoding="utf-8"))


@cache
def _validator() -> Callable[[Any], Any]:
    """The compiled schema (fastjsonschema: compiled once, light to import)."""
    return fastjsonschema.compile(_schema())


def _kind_needs(kind: object) -> list[str]:
    """The fields a kind requires, as the schema's if/then clauses say ([] if unknown)."""
    for clause in _schema()["definitions"]["check"]["allOf"]:
        if clause["if"]["properties"]["kind"]["const"] == kind:
            return list(clause["then"]["required"])
    return []


def _entry_where(data: dict, index: int) -> str:
    entries = data.get("checks") or []
    entry = entries[index] if index < len(entries) and isinstance(entries[index], dict) else {}
    return f"checks[{index}] ({entry.get('id', '?')!r})"


def _schema_where(data: dict, parts: list[str]) -> str:
    """ "checks[2] ('id') reference" from the validator's path ['data', 'checks', '2', ...]."""
    parts = parts[1:]
    if len(parts) >= 2 and parts[0] == "checks" and parts[1].isdigit():
        rest = ".".join(parts[2:])
        return _entry_where(data, int(parts[1])) + (f" {rest}" if rest else "")
    return ".".join(parts) or "top level"


def _schema_problem(error: fastjsonschema.JsonSchemaValueException) -> str:
    """The validator's complaint as a problem and its fix."""
    value = error.value if isinstance(error.value, dict) else {}
    if error.rule == "required":
        missing = [name for name in error.rule_definition if name not in value]
        kind = value.get("kind")
        needs = f" (kind {kind!r} needs {', '.join(_kind_needs(kind))})" if _kind_needs(kind) else ""
        return f"missing field {', '.join(map(repr, missing))}; add it{needs}"
    if error.rule == "additionalProperties":
        known = sorted((error.definition or {}).get("properties", {}))
        unknown = sorted(set(value) - set(known))
        return f"unknown field {', '.join(map(repr, unknown))}; use one of {', '.join(known)}"
    if error.rule == "enum" and (error.path or [])[-1] == "kind":
        return f"unknown kind {error.value!r}; use one of {', '.join(KINDS)}"
    message = error.message
    if error.name and message.startswith(error.name):
        message = message[len(error.name) :].strip()
    return f"{message}; see {paths.CHECKS_SCHEMA.relative_to(paths.ROOT).as_posix()}"


def _validate(path: Path, data: dict) -> None:
    try:
        _validator()(data)
    except fastjsonschema.JsonSchemaValueException as error:
        where = _schema_where(data, list(error.path or ["data"]))
        raise _fail(path, where, _schema_problem(error)) from None


def _region(path: Path, spec: dict) -> Region:
    """The region section, every name in it a country of `countries`."""
    region = Region(dict(spec.get("countries") or {}))
    for name in spec.get("borders_of") or []:
        if region.gec(name) is None:
            raise _fail(path, "region.borders_of", _not_in_region(region, name))
    capitals = []
    for place in spec.get("places") or []:
        gec = region.gec(place["capital_of"])
        if gec is None:
            raise _fail(path, "region.places", _not_in_region(region, place["capital_of"]))
        capitals.append(gec)
    borders = tuple(region.countries[region.gec(n) or ""] for n in spec.get("borders_of") or [])
    return Region(region.countries, borders, tuple(capitals))


def _not_in_region(region: Region, name: str) -> str:
    close = difflib.get_close_matches(name, [*region.countries.values(), *region.countries], n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{name!r} is not in region.countries{hint}; add it there as '<gec>: <name>'"


def load_checks(path: Path | str, figure_ids: Collection[str] | None = None) -> Checks:
    """Parse and validate a checks file; `figure_ids` (the annotated ones) are checked if given.

    Any problem is one InputError line naming the file, the entry and the fix.
    """
    path = Path(path)
    data = read_mapping(path, "checks file", label="checks")
    _validate(path, data)
    region = _region(path, data.get("region") or {})
    tolerances = {
        name: Tolerance(name, float(spec["value"]), spec["reason"])
        for name, spec in (data.get("tolerances") or {}).items()
    }
    entries = tuple(_entry(path, data, i, region, tolerances, figure_ids) for i in range(len(data["checks"])))
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise InputError(f"{entry.where}: duplicate id {entry.id!r}; give each check its own id")
        seen.add(entry.id)
    return Checks(path, region, tolerances, entries)


def _entry(
    path: Path,
    data: dict,
    index: int,
    region: Region,
    tolerances: dict[str, Tolerance],
    figure_ids: Collection[str] | None,
) -> Check:
    """One validated check; `where` names it in every error."""
    raw = data["checks"][index]
    where = _entry_where(data, index)
    figures = tuple(raw.get("figures") or [raw.get("figure")])
    _check_figures(path, where, figures, figure_ids)
    _check_claim(path, where, raw.get("claim", ""))
    return Check(
        id=raw["id"],
        kind=raw["kind"],
        where=f"checks {path}: {where}",
        figures=figures,
        reference=_reference(path, where, raw.get("reference") or raw.get("claimed"), region),
        also=tuple(_reference(path, where, spec, region) for spec in raw.get("also") or []),
        search=_search(path, where, raw.get("search"), region),
        tolerance=_tolerance(path, where, raw.get("tolerance"), tolerances),
        compute=raw.get("compute", ""),
        group=raw.get("group", ""),
        claim=raw.get("claim", ""),
        note=raw.get("note", ""),
    )


def _check_figures(
    path: Path, where: str, figures: tuple[str, ...], figure_ids: Collection[str] | None
) -> None:
    if figure_ids is None:
        return
    for figure_id in figures:
        if figure_id not in figure_ids:
            close = difflib.get_close_matches(figure_id, list(figure_ids), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            none = "" if figure_ids else " (the article has no annotations)"
            raise _fail(
                path,
                where,
                f"figure {figure_id!r} is not an annotated figure of the article{none}{hint}; "
                "use an id from the article's annotation file",
            )


def _check_claim(path: Path, where: str, claim: str) -> None:
    used = {name for _, name, _, _ in string.Formatter().parse(claim) if name is not None}
    if used - CLAIM_FIELDS:
        raise _fail(
            path,
            where,
            f"claim uses {', '.join(sorted(map(repr, used - CLAIM_FIELDS)))}; "
            f"a claim may use {', '.join('{' + f + '}' for f in sorted(CLAIM_FIELDS))}",
        )


def _tolerance(
    path: Path, where: str, name: str | None, tolerances: dict[str, Tolerance]
) -> Tolerance | None:
    if name is None:
        return None
    if name not in tolerances:
        defined = ", ".join(tolerances) or "none"
        raise _fail(
            path,
            where,
            f"tolerance {name!r} is not defined (defined: {defined}); "
            "add it under tolerances with a value and a reason",
        )
    return tolerances[name]


def _reference(path: Path, where: str, spec: dict | None, region: Region) -> Reference | None:
    """A Factbook reference (country or gec, field) or a measured border (border)."""
    if spec is None:
        return None
    if "border" in spec:
        names = []
        for name in spec["border"]:
            if region.gec(name) is None:
                raise _fail(path, f"{where} border", _not_in_region(region, name))
            names.append(region.countries[region.gec(name) or ""])
        if not set(names) & set(region.borders_of):
            raise _fail(
                path,
                f"{where} border",
                f"{'–'.join(names)} is not measured; add one of them to region.borders_of",
            )
        return Reference(
            border=(names[0], names[1]), scale=spec.get("scale", ""), label=spec.get("label", "")
        )
    country = spec.get("gec") or spec.get("country")
    if not country or "field" not in spec:
        raise _fail(
            path,
            where,
            "a reference needs 'country' (or 'gec') and 'field', or 'border'; add them",
        )
    gec = region.gec(country)
    if gec is None:
        raise _fail(path, where, _not_in_region(region, country))
    return Reference(
        gec=gec,
        country=region.countries[gec],
        field=spec["field"],
        qualifier=spec.get("qualifier"),
        label=spec.get("label", ""),
    )


def _search(path: Path, where: str, spec: dict | None, region: Region) -> Search | None:
    if spec is None:
        return None
    gecs = []
    for name in spec["countries"]:
        gec = region.gec(name)
        if gec is None:
            raise _fail(path, f"{where} search", _not_in_region(region, name))
        gecs.append(gec)
    return Search(spec["field"], tuple(gecs), bool(spec.get("measured", False)))


def article_checks(article: Path | str, figure_ids: Collection[str] | None = None) -> Checks | None:
    """The article's checks file (data/checks/<stem>.yaml), or None when it has none."""
    path = paths.default_checks(Path(article))
    return load_checks(path, figure_ids) if path.is_file() else None


def article_region(article: Path | str = paths.DEFAULT_ARTICLE) -> Region:
    """The region an article's checks file names (empty without a checks file)."""
    checks = article_checks(article)
    return checks.region if checks else Region()


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class _Figure:
    """One annotated figure of the article."""

    figure_id: str
    value: float
    unit: str
    quote: str
    start: int
    end: int
    measure: str = ""
    subject: str = ""

    @property
    def q(self) -> pint.Quantity:
        """The figure as a pint quantity."""
        return quantity(self.value, self.unit)

    @property
    def text(self) -> str:
        """The figure as a reader writes it ("1,357 km"); its words when it has no number."""
        return self.quote if math.isnan(self.value) else fmt_value(self.value, self.unit)

    @property
    def quoted(self) -> str:
        """ "33% ('a third')": the figure with the article's words when they differ."""
        return self.text if self.quote == self.text else f"{self.text} ({self.quote!r})"


@dataclass(frozen=True)
class _Value:
    """One reference value, resolved in this snapshot."""

    value: float
    unit: str
    source: str  # the citation
    gives: str  # "The Factbook (2021-07-01) gives", "Natural Earth's 1:10m outlines give"
    label: str
    year: int | None = None
    scale: str = ""

    @property
    def q(self) -> pint.Quantity:
        return quantity(self.value, self.unit)

    @property
    def text(self) -> str:
        """ "1,357 km in 2017"-style: the value with its estimate year."""
        return fmt_value(self.value, self.unit) + (f" in {self.year}" if self.year else "")


@dataclass(frozen=True)
class _Inputs:
    """The tables, validated, with the figures indexed by id."""

    figures: dict[str, _Figure]
    factbook: pd.DataFrame
    measured: pd.DataFrame
    snapshot: str
    year: int | None  # the article's year: later estimates cannot test it
    region: Region


def _text(row: Any, column: str) -> str:
    value = getattr(row, column, "")
    return "" if pd.isna(value) else str(value)


def _figures(table: pd.DataFrame) -> dict[str, _Figure]:
    """The figures by id (first row of each id), or InputError for missing columns."""
    missing = [c for c in REQUIRED_FIGURE_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(f"figures table lacks column(s): {', '.join(missing)}")
    figures: dict[str, _Figure] = {}
    for row in table.itertuples(index=False):
        if str(row.figure_id) not in figures:
            figures[str(row.figure_id)] = _Figure(
                str(row.figure_id),
                float(row.value),
                _short_unit(str(row.unit)),
                str(row.quote),
                int(row.start),
                int(row.end),
                _text(row, "measure"),
                _text(row, "subject"),
            )
    return figures


def _snapshot(factbook: pd.DataFrame) -> str:
    """The one snapshot a Factbook table comes from ("" if empty), or InputError."""
    snaps = sorted(set(factbook["snapshot"])) if "snapshot" in factbook else []
    if len(snaps) > 1:
        raise InputError(f"the Factbook table must hold exactly one snapshot, found: {', '.join(snaps)}")
    return snaps[0] if snaps else ""


# --------------------------------------------------------------------------- references


def _partner(qualifier: str) -> str:
    """ "China (southeast)" -> "China": a border partner without the part of the border."""
    return re.sub(r"\s*\(.*?\)", "", qualifier).strip()


def _year(value: object) -> int | None:
    return None if pd.isna(value) else int(value)


def _closest(rows: pd.DataFrame, year: int | None) -> pd.Series:
    """The row whose estimate is nearest the article's year (the earlier on a tie); without a
    year, the latest estimate."""
    years = rows["estimate_year"].astype("Float64").fillna(-1e9)
    if year is None:
        return rows.loc[years.astype(float).idxmax()]
    key = (years - year).abs() + (years > year) * 0.5
    return rows.loc[key.astype(float).idxmin()]


def _factbook_rows(ins: _Inputs, ref: Reference) -> pd.DataFrame:
    fb = ins.factbook
    rows = fb[(fb["gec"] == ref.gec) & (fb["field"] == ref.field)]
    return rows if ref.qualifier is None else rows[rows["qualifier"] == ref.qualifier]


def _fb_value(ins: _Inputs, row: pd.Series, label: str) -> _Value:
    return _Value(
        float(row["value"]),
        str(row["unit"]),
        f"World Factbook {ins.snapshot}, {row['source_path']}: {row['source_text']!r}",
        f"The Factbook ({ins.snapshot}) gives",
        label,
        _year(row["estimate_year"]),
    )


def _measured_value(row: Any, label: str) -> _Value:
    return _Value(
        float(row.length_km),
        "km",
        f"{row.source}; {row.method}",
        f"Natural Earth's 1:{row.scale} outlines give",
        label,
        scale=str(row.scale),
    )


def _resolve(ins: _Inputs, ref: Reference) -> list[_Value]:
    """The reference's values in this snapshot: one Factbook value (nearest the article's
    year), or a measured border at its scale or at every scale; [] if there is none."""
    if ref.border:
        a, b = sorted(ref.border)
        m = ins.measured
        rows = m[(m["country_a"] == a) & (m["country_b"] == b)]
        if ref.scale:
            rows = rows[rows["scale"] == ref.scale]
        return [_measured_value(row, ref.describe()) for row in rows.itertuples(index=False)]
    rows = _factbook_rows(ins, ref)
    return [] if rows.empty else [_fb_value(ins, _closest(rows, ins.year), ref.describe())]


def _also(ins: _Inputs, check: Check) -> str:
    """ " (also 21.4% in the countryside)": further reference values the reason mentions."""
    parts = [f"{values[0].text} {ref.describe()}" for ref in check.also if (values := _resolve(ins, ref))]
    return f" (also {'; '.join(parts)})" if parts else ""


def _suffix(ref: Reference, value: _Value) -> str:
    """A measured border without a scale gives one finding per scale: "_10m"."""
    return f"_{value.scale}" if ref.border and not ref.scale else ""


# --------------------------------------------------------------------------- rows


def _claim(check: Check, fig: _Figure, other: _Figure | None = None) -> str:
    """The claim template filled in, or the figure's own annotation."""
    if check.claim:
        return check.claim.format(value=fig.text, quote=fig.quote, other=other.text if other else "")
    if fig.measure:
        return f"{fig.measure} ({fig.subject}): {fig.text}" if fig.subject else f"{fig.measure}: {fig.text}"
    return f"{fig.quote} ({fig.text})"


def _row(
    check: Check,
    fig: _Figure,
    *,
    value: _Value | None,
    comparison: str,
    verdict: str,
    reason: str,
    suffix: str = "",
    claim: str = "",
) -> dict[str, object]:
    """One finding row; `value` is the reference value (None when there is none)."""
    return {
        "finding_id": check.id + suffix,
        "finding_group": check.group or check.id,
        "finding_type": CONTEXT if check.kind == "scale" else CHECK,
        "check_kind": check.kind,
        "claim": claim or _claim(check, fig),
        "figure_id": fig.figure_id,
        "article_value": fig.value,
        "article_unit": fig.unit,
        "quote": fig.quote,
        "start": fig.start,
        "end": fig.end,
        "reference_value": value.value if value else math.nan,
        "reference_unit": value.unit if value else "",
        "reference_source": value.source if value else "",
        "comparison": comparison,
        "tolerance": check.tolerance.value if check.tolerance and check.kind != "scale" else math.nan,
        "verdict": verdict,
        # A lower bound's note says why it is one, inside its sentence; other notes follow it.
        "reason": reason + (f" {check.note}" if check.note and check.kind != "lower_bound" else ""),
    }


def _missing(ins: _Inputs, check: Check, fig: _Figure) -> dict[str, object]:
    """A check whose reference this snapshot lacks: not comparable."""
    ref = check.reference or Reference()
    lacks = "No Natural Earth scale measures" if ref.border else f"The Factbook {ins.snapshot} table lacks"
    return _row(
        check,
        fig,
        value=None,
        comparison="",
        verdict=NOT_COMPARABLE,
        reason=f"{lacks} {ref.describe()}.",
    )


def _within(rel: float, tolerance: Tolerance) -> str:
    return CONSISTENT if abs(rel) <= tolerance.value else INCONSISTENT


def _to(check: Check, q: pint.Quantity, units: pint.Unit) -> pint.Quantity:
    """`q` in `units`, or an InputError naming the check."""
    import pint

    try:
        return q.to(units)
    except pint.DimensionalityError:
        raise InputError(
            f"{check.where}: cannot compare {q.units} with {units}; check the figures and reference"
        ) from None


def _ratio(check: Check, fig: _Figure, value: _Value) -> float:
    """figure / reference as a plain number, or an InputError naming the check."""
    return _to(check, fig.q / value.q, registry().dimensionless).magnitude


def _judged(rel: float, tolerance: Tolerance) -> str:
    return f"{'within' if abs(rel) <= tolerance.value else 'beyond'} the {tolerance.text()}"


def _quoted_as(check: Check, fig: _Figure, value: _Value) -> str:
    """ "804 mi ('804 miles', 1,293.9 km)": the figure, its words and, for a quantity in
    another unit than the reference's, the figure in that unit."""
    parts = [] if fig.quote == fig.text else [repr(fig.quote)]
    converted = fmt_value(_to(check, fig.q, value.q.units).magnitude, value.unit)
    if converted != fig.text and not fig.q.dimensionless:
        parts.append(converted)
    return fig.text + (f" ({', '.join(parts)})" if parts else "")


# --------------------------------------------------------------------------- agree


def _agree(ins: _Inputs, check: Check) -> Iterator[dict[str, object]]:
    """The second figure against the first, converted to the second's unit."""
    first, second = (ins.figures.get(i) for i in check.figures)
    if first is None or second is None or check.tolerance is None:
        return
    as_second = _to(check, first.q, second.q.units)
    second_as_first = _to(check, second.q, first.q.units)
    rel = relative_difference(second.q, as_second)
    verdict = _within(rel, check.tolerance)
    converted = f"{first.text} is {fmt_value(as_second.magnitude, second.unit)}"
    if verdict == CONSISTENT:
        reason = (
            f"{converted}; the article's {second.text} differs by {fmt_signed_percent(rel)}, "
            f"{_judged(rel, check.tolerance)}."
        )
    else:
        reason = (
            f"{converted}, so the article's {second.text} is off by {fmt_signed_percent(rel)}, "
            f"{_judged(rel, check.tolerance)}; {second.text} would be "
            f"{fmt_value(second_as_first.magnitude, first.unit)}."
        )
    value = _Value(as_second.magnitude, second.unit, f"the article's own figure {first.quote!r}", "", "")
    yield _row(
        check,
        second,
        value=value,
        comparison=f"{fmt_signed_percent(rel)} relative difference",
        verdict=verdict,
        reason=reason,
        claim=_claim(check, second, first),
    )


# --------------------------------------------------------------------------- reference


def _reference_check(ins: _Inputs, check: Check) -> Iterator[dict[str, object]]:
    """A figure against a reference value within the check's tolerance."""
    fig = ins.figures.get(check.figures[0])
    if fig is None or check.reference is None or check.tolerance is None:
        return
    values = _resolve(ins, check.reference)
    if not values:
        yield _missing(ins, check, fig)
    for value in values:
        yield _reference_row(ins, check, fig, value)


def _reference_row(ins: _Inputs, check: Check, fig: _Figure, value: _Value) -> dict[str, object]:
    assert check.reference is not None and check.tolerance is not None
    rel = relative_difference(_to(check, fig.q, value.q.units), value.q)
    later = value.year is not None and ins.year is not None and value.year > ins.year
    verdict = NOT_COMPARABLE if later else _within(rel, check.tolerance)
    judged = (
        "but an estimate made after the article cannot test it" if later else _judged(rel, check.tolerance)
    )
    return _row(
        check,
        fig,
        value=value,
        suffix=_suffix(check.reference, value),
        comparison=f"{fmt_signed_percent(rel)} relative difference",
        verdict=verdict,
        reason=(
            f"{value.gives} {value.label} as {value.text}{_also(ins, check)}; the article's "
            f"{_quoted_as(check, fig, value)} differs by "
            f"{fmt_signed_percent(rel)}, {judged}."
        ),
    )


# --------------------------------------------------------------------------- scale


def _scale(ins: _Inputs, check: Check) -> Iterator[dict[str, object]]:
    """A figure put in proportion to a reference value: context, never a verdict."""
    fig = ins.figures.get(check.figures[0])
    if fig is None or check.reference is None:
        return
    values = _resolve(ins, check.reference)
    if not values:
        yield _missing(ins, check, fig)
    for value in values:
        comparison, sentence = _proportion(check, fig, value)
        yield _row(
            check,
            fig,
            value=value,
            suffix=_suffix(check.reference, value),
            comparison=comparison,
            verdict=NOT_COMPARABLE,
            reason=f"For scale, not a check: {sentence}{_also(ins, check)}.",
        )


def _proportion(check: Check, fig: _Figure, value: _Value) -> tuple[str, str]:
    """(comparison, sentence) for the check's `compute`: share, ratio or portion."""
    quoted = f"the article's {fig.quoted}"
    if check.compute == "portion":
        share = _to(check, fig.q, registry().dimensionless).magnitude
        amount = fmt_value((share * value.q).to(value.q.units).magnitude, value.unit)
        return amount, f"{quoted} of {value.label} ({value.text}) would be {amount}"
    ratio = _ratio(check, fig, value)
    if check.compute == "share":
        comparison = f"{fmt_percent(ratio)} of {value.label}"
    else:
        comparison = f"{ratio:.2f} times {value.label}"
    return comparison, f"{quoted} is {comparison} ({value.text})"


# --------------------------------------------------------------------------- lower bound


def _lower_bound(ins: _Inputs, check: Check) -> Iterator[dict[str, object]]:
    """A figure against values that can only be lower bounds of the true value."""
    fig = ins.figures.get(check.figures[0])
    if fig is None or check.reference is None or check.tolerance is None:
        return
    values = _resolve(ins, check.reference)
    if not values:
        yield _missing(ins, check, fig)
    for value in values:
        yield _lower_bound_row(check, fig, value)


def _lower_bound_row(check: Check, fig: _Figure, value: _Value) -> dict[str, object]:
    assert check.reference is not None and check.tolerance is not None
    rel = relative_difference(_to(check, fig.q, value.q.units), value.q)
    above = rel >= -check.tolerance.value
    is_length = value.q.dimensionality == registry().km.dimensionality
    more, less = ("longer", "shorter") if is_length else ("larger", "smaller")
    why = check.note or (MEASURED_LOWER_BOUND if check.reference.border else "")
    return _row(
        check,
        fig,
        value=value,
        suffix=_suffix(check.reference, value),
        comparison=f"{fmt_signed_percent(rel)} relative difference",
        verdict=CONSISTENT if above else INCONSISTENT,
        reason=(
            f"{value.gives} {value.text}, a lower bound of the true value"
            + (f" ({why})" if why else "")
            + f"; the article's {fig.text} is {fmt(abs(rel) * 100)}% {more if rel >= 0 else less} "
            + "than that: "
            + ("above this lower bound." if above else "below even this lower bound")
            + ("" if above else f", beyond the {check.tolerance.text()}.")
        ),
    )


# --------------------------------------------------------------------------- other reference


@dataclass(frozen=True)
class _Candidate:
    """A reference value a figure might really be."""

    pair: tuple[str, str]  # the two countries it concerns, sorted
    value: _Value
    position: int  # row index in the Factbook table; -1 for measured rows
    source_path: str


def _pair(country: str, qualifier: str) -> tuple[str, str]:
    return tuple(sorted((country, _partner(qualifier))))  # type: ignore[return-value]


def _fb_candidates(ins: _Inputs, search: Search) -> Iterator[_Candidate]:
    """Factbook rows of the searched field that concern a searched country (either side)."""
    names = {ins.region.countries[g] for g in search.gecs}
    fb = ins.factbook
    for pos, row in zip(range(len(fb)), fb.itertuples(index=False), strict=True):
        # A "total" sums the other entries: it is not a value the figure could be copied from.
        if row.field != search.field or row.qualifier == "total":
            continue
        if row.gec not in search.gecs and _partner(row.qualifier) not in names:
            continue
        pair = _pair(row.country, row.qualifier)
        words = search.field.removesuffix("_km").replace("_", " ")
        label = f"the Factbook's {'–'.join(pair)} {words} ({row.country} profile)"
        yield _Candidate(pair, _fb_value(ins, pd.Series(row._asdict()), label), pos, row.source_path)


def _measured_candidates(ins: _Inputs, search: Search) -> Iterator[_Candidate]:
    names = {ins.region.countries[g] for g in search.gecs}
    for row in ins.measured.itertuples(index=False):
        if {row.country_a, row.country_b} & names:
            label = f"the {row.border} border measured at 1:{row.scale}"
            yield _Candidate((row.country_a, row.country_b), _measured_value(row, label), -1, "")


def _matches(fig: _Figure, candidates: list[_Candidate], tolerance: float) -> list[tuple[_Candidate, str]]:
    """(candidate, how) pairs the figure matches within `tolerance`: "is the same length as"
    (after unit conversion) or "is the same number as" (the bare number, in another unit)."""
    found = []
    for cand in candidates:
        ref = cand.value.q
        compatible = fig.q.dimensionality == ref.dimensionality
        if compatible and abs(relative_difference(fig.q, ref)) <= tolerance:
            found.append((cand, "is the same length as" if _is_length(ref) else "equals"))
        elif (
            fig.unit != cand.value.unit
            and cand.value.value
            and abs(fig.value - cand.value.value) / cand.value.value <= tolerance
        ):
            found.append((cand, "is the same number as"))
    return found


def _is_length(q: pint.Quantity) -> bool:
    return q.dimensionality == registry().km.dimensionality


def _follows(ins: _Inputs, cand: _Candidate, claimed: tuple[str, str]) -> bool:
    """Whether the candidate is the Factbook entry right after the claimed one's."""
    if cand.position < 1:
        return False
    prev = ins.factbook.iloc[cand.position - 1]
    return prev["source_path"] == cand.source_path and _pair(prev["country"], prev["qualifier"]) == claimed


def _other_reference(ins: _Inputs, check: Check) -> Iterator[dict[str, object]]:
    """A figure that equals another reference value than the one it claims to be (no row when
    it matches none: the absence of a coincidence shows nothing)."""
    fig = ins.figures.get(check.figures[0])
    ref, search, tolerance = check.reference, check.search, check.tolerance
    if fig is None or ref is None or search is None or tolerance is None:
        return
    claimed = tuple(sorted(ref.border)) if ref.border else _pair(ref.country, ref.qualifier or "")
    candidates = [
        c
        for c in [
            *_fb_candidates(ins, search),
            *(_measured_candidates(ins, search) if search.measured else []),
        ]
        if c.pair != claimed
    ]
    found = _matches(fig, candidates, tolerance.value)
    if found:
        yield _other_row(ins, check, fig, claimed, found)


def _other_row(
    ins: _Inputs,
    check: Check,
    fig: _Figure,
    claimed: tuple[str, str],
    found: list[tuple[_Candidate, str]],
) -> dict[str, object]:
    assert check.reference is not None and check.tolerance is not None
    cand, how = found[0]
    also = sorted({c.value.label for c, _ in found[1:]} - {cand.value.label})
    after = ""
    if check.reference.qualifier and _follows(ins, cand, claimed):
        after = f" (the entry right after {_partner(check.reference.qualifier)}'s in the same list)"
    reason = (
        f"The article's {fig.text} {how} {cand.value.label}, {fmt_value(cand.value.value, cand.value.unit)}"
        f"{after}, not {check.reference.describe()}; the figure was possibly taken from the wrong entry"
        + (f"; it also matches {', '.join(also)}." if also else ".")
    )
    return _row(
        check,
        fig,
        value=cand.value,
        comparison=(
            f"{fig.text} {how} {fmt_value(cand.value.value, cand.value.unit)} "
            f"(within the {check.tolerance.value * 100:g}% tolerance)"
        ),
        verdict=INCONSISTENT,
        reason=reason,
    )


# --------------------------------------------------------------------------- the table

_HANDLERS: dict[str, Callable[[_Inputs, Check], Iterator[dict[str, object]]]] = {
    "agree": _agree,
    "reference": _reference_check,
    "scale": _scale,
    "lower_bound": _lower_bound,
    "other_reference": _other_reference,
}


#: The kinds of check, as the checks file names them (the schema's enum says the same).
KINDS: tuple[str, ...] = tuple(_HANDLERS)


def _no_number(check: Check, fig: _Figure) -> dict[str, object]:
    """A check of a figure without a single number ("many thousands"): nothing to compare."""
    return _row(
        check,
        fig,
        value=None,
        comparison="",
        verdict=NOT_COMPARABLE,
        reason=f"The article gives no single number ({fig.quote!r}), so there is nothing to compare.",
    )


def _run(ins: _Inputs, check: Check) -> list[dict[str, object]]:
    """The rows of one check; none if its figure is not in the figures table."""
    figures = [ins.figures.get(i) for i in check.figures]
    if any(f is None for f in figures):
        return []
    blank = next((f for f in figures if f is not None and math.isnan(f.value)), None)
    if blank is not None:
        return [_no_number(check, blank)]
    return list(_HANDLERS[check.kind](ins, check))


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    return frame.astype(
        {
            "article_value": "float64",
            "reference_value": "float64",
            "tolerance": "float64",
            "start": "int64",
            "end": "int64",
        }
    )


def findings_table(
    figures: pd.DataFrame,
    factbook: pd.DataFrame,
    measured: pd.DataFrame,
    checks: Checks | None = None,
    published: dt.date | None = None,
) -> pd.DataFrame:
    """Every finding the checks file asks for, in its order (columns: FINDING_COLUMNS).

    Without a checks file, an empty table. `published` is the article's date: a reference
    estimated after the article's year cannot test it.
    """
    if checks is None or not checks.entries:
        return _frame([])
    ins = _Inputs(
        _figures(figures),
        factbook.reset_index(drop=True),
        measured.reset_index(drop=True),
        _snapshot(factbook),
        published.year if published else None,
        checks.region,
    )
    return _frame([row for check in checks.entries for row in _run(ins, check)])
