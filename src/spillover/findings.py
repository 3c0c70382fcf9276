"""Check the article's figures against its own other figures, the Factbook and the map.

``findings_table(figures, factbook, measured)`` takes

- ``figures``: one row per annotated figure of the article, with at least the columns
  figure_id, value, unit, quote, start, end;
- ``factbook``: one snapshot of :func:`spillover.reference.factbook_table`;
- ``measured``: :func:`spillover.geo.border_lengths_measured`;

and returns one row per finding with the columns in :data:`FINDING_COLUMNS`: finding_id,
claim, figure_id, article_value, article_unit, quote, start, end, reference_value,
reference_unit, reference_source, comparison, verdict, reason.

A finding whose article figure is not in ``figures`` is left out. Every unit conversion
goes through the module's pint registry :data:`ureg`; tolerances are the named constants
below.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd
import pint

from spillover.errors import InputError
from spillover.units import ureg  # noqa: E402

# Head counts get a dimension of their own so that people never convert to km or percent.

#: Units used by the annotations and the Factbook table, spelled for pint.
UNIT_ALIASES: dict[str, str] = {
    "sq km": "km ** 2",
    "fraction": "dimensionless",
    "people": "person",
    "degrees": "degree",
}

#: Two statements of the same measured quantity agree if they differ by at most 1 %
#: (1,357 km rounds to a whole mile with an error far below this).
AGREEMENT_TOLERANCE = 0.01
#: A figure "matches" some other reference figure if it is within 1 % of it.
MATCH_TOLERANCE = 0.01
#: Worded shares ("a third", "almost half") are rough: 10 % relative leeway.
WORDED_TOLERANCE = 0.10
#: A border measured on a generalised outline is (up to this slack) a lower bound of the
#: true length: straight segments between points on a winding line are shorter than it.
LOWER_BOUND_SLACK = 0.01
#: The article's publication year (13 July 2021); later estimates cannot test it.
ARTICLE_YEAR = 2021

AFGHANISTAN = "Afghanistan"
TAJIKISTAN = "Tajikistan"
SUBJECT_COUNTRIES = (AFGHANISTAN, TAJIKISTAN)

CONSISTENT = "consistent"
INCONSISTENT = "inconsistent"
NOT_COMPARABLE = "not comparable"

REQUIRED_FIGURE_COLUMNS = ("figure_id", "value", "unit", "quote", "start", "end")
FINDING_COLUMNS = [
    "finding_id",
    "claim",
    "figure_id",
    "article_value",
    "article_unit",
    "quote",
    "start",
    "end",
    "reference_value",
    "reference_unit",
    "reference_source",
    "comparison",
    "verdict",
    "reason",
]

#: Plain-words description of what each head-count figure counts.
HEADCOUNT_CLAIMS: dict[str, str] = {
    "afghan_soldiers_fled": "Afghan soldiers fled into Tajikistan",
    "civilians_fled": "Afghan civilians fled into Tajikistan",
    "russian_base_troops": "Russian soldiers at the base in Tajikistan",
    "tajik_reservists": "Tajik reservists mobilised",
}


# --------------------------------------------------------------------------- units


def quantity(value: float, unit: str) -> pint.Quantity:
    """`value` in `unit` ("km", "mi", "people", "percent", "fraction", "sq km"...) as pint."""
    try:
        return ureg.Quantity(float(value), UNIT_ALIASES.get(unit, unit))
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

    @property
    def q(self) -> pint.Quantity:
        """The figure as a pint quantity."""
        return quantity(self.value, self.unit)


@dataclass(frozen=True)
class _Inputs:
    """The three tables, validated, with the figures indexed by id."""

    figures: dict[str, _Figure]
    factbook: pd.DataFrame
    measured: pd.DataFrame
    snapshot: str


def _short_unit(unit: str) -> str:
    """A length unit as its symbol ("kilometer" -> "km"), as a reader writes it in a sentence."""
    try:
        parsed = ureg.Unit(unit)
    except (pint.UndefinedUnitError, ValueError, TypeError):
        return unit
    return f"{parsed:~}" if parsed.dimensionality == ureg.km.dimensionality else unit


def _figures(table: pd.DataFrame) -> dict[str, _Figure]:
    """The figures by id (first row of each id), or InputError for missing columns."""
    missing = [c for c in REQUIRED_FIGURE_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(f"figures table lacks column(s): {', '.join(missing)}")
    figures: dict[str, _Figure] = {}
    for row in table.itertuples(index=False):
        if row.figure_id not in figures:
            figures[str(row.figure_id)] = _Figure(
                str(row.figure_id),
                float(row.value),
                _short_unit(str(row.unit)),
                str(row.quote),
                int(row.start),
                int(row.end),
            )
    return figures


def _snapshot(factbook: pd.DataFrame) -> str:
    """The one snapshot a Factbook table comes from, or InputError."""
    snaps = sorted(set(factbook["snapshot"])) if "snapshot" in factbook else []
    if len(snaps) != 1:
        raise InputError(
            f"the Factbook table must hold exactly one snapshot, found: {', '.join(snaps) or 'none'}"
        )
    return snaps[0]


def _factbook_row(ins: _Inputs, country: str, field: str, qualifier: str) -> pd.Series | None:
    """The first Factbook row for (country, field, qualifier), or None."""
    fb = ins.factbook
    rows = fb[(fb["country"] == country) & (fb["field"] == field) & (fb["qualifier"] == qualifier)]
    return rows.iloc[0] if not rows.empty else None


def _fb_source(ins: _Inputs, row: pd.Series) -> str:
    """A citation of one Factbook row: snapshot, file and the text parsed."""
    return f"World Factbook {ins.snapshot}, {row['source_path']}: {row['source_text']!r}"


def _in_year(row: pd.Series) -> str:
    """ " in 2017" when the row has an estimate year, else ""."""
    return "" if pd.isna(row["estimate_year"]) else f" in {int(row['estimate_year'])}"


# --------------------------------------------------------------------------- rows


def _row(
    finding_id: str,
    claim: str,
    fig: _Figure,
    *,
    reference: tuple[float, str, str] | None,
    comparison: str,
    verdict: str,
    reason: str,
) -> dict[str, object]:
    """One finding row; `reference` is (value, unit, source) or None."""
    ref_value, ref_unit, ref_source = reference or (math.nan, "", "")
    return {
        "finding_id": finding_id,
        "claim": claim,
        "figure_id": fig.figure_id,
        "article_value": fig.value,
        "article_unit": fig.unit,
        "quote": fig.quote,
        "start": fig.start,
        "end": fig.end,
        "reference_value": float(ref_value),
        "reference_unit": ref_unit,
        "reference_source": ref_source,
        "comparison": comparison,
        "verdict": verdict,
        "reason": reason,
    }


def _agreement(rel: float, tolerance: float) -> str:
    """CONSISTENT if |rel| is within tolerance, else INCONSISTENT."""
    return CONSISTENT if abs(rel) <= tolerance else INCONSISTENT


# --------------------------------------------------------------------------- (a) km vs mi


def _km_vs_mi(ins: _Inputs) -> Iterator[dict[str, object]]:
    """The article's 1,357 km against its own 804 mi."""
    km, mi = ins.figures.get("border_af_tj_km"), ins.figures.get("border_af_tj_mi")
    if km is None or mi is None:
        return
    km_as_mi = km.q.to(mi.q.units)
    mi_as_km = mi.q.to(km.q.units)
    rel = relative_difference(mi.q, km_as_mi)
    verdict = _agreement(rel, AGREEMENT_TOLERANCE)
    if verdict == CONSISTENT:
        reason = (
            f"{fmt(km.value)} {km.unit} is {fmt(km_as_mi.magnitude)} {mi.unit}, within "
            f"{AGREEMENT_TOLERANCE:.0%} of the article's {fmt(mi.value)} {mi.unit}."
        )
    else:
        reason = (
            f"{fmt(km.value)} {km.unit} is {fmt(km_as_mi.magnitude)} {mi.unit}, so the article's "
            f"{fmt(mi.value)} {mi.unit} is off by {fmt_signed_percent(rel)}; "
            f"{fmt(mi.value)} {mi.unit} would be {fmt(mi_as_km.magnitude)} {km.unit}."
        )
    yield _row(
        "border_km_vs_mi",
        f"The border is {fmt(km.value)} {km.unit}, or {fmt(mi.value)} {mi.unit}",
        mi,
        reference=(km_as_mi.magnitude, mi.unit, f"the article's own figure {km.quote!r}"),
        comparison=f"{fmt_signed_percent(rel)} relative difference",
        verdict=verdict,
        reason=reason,
    )


# --------------------------------------------------------------------------- (b) Factbook


def _border_vs_factbook(ins: _Inputs) -> Iterator[dict[str, object]]:
    """Each border figure against the Factbook's Afghanistan-Tajikistan land boundary."""
    row = _factbook_row(ins, AFGHANISTAN, "land_boundary_km", TAJIKISTAN)
    other = _factbook_row(ins, TAJIKISTAN, "land_boundary_km", AFGHANISTAN)
    for figure_id in ("border_af_tj_km", "border_af_tj_mi"):
        fig = ins.figures.get(figure_id)
        if fig is None:
            continue
        claim = f"The Afghanistan–Tajikistan border is {fmt(fig.value)} {fig.unit} long"
        if row is None:
            yield _row(
                f"{figure_id}_vs_factbook",
                claim,
                fig,
                reference=None,
                comparison="",
                verdict=NOT_COMPARABLE,
                reason=f"The Factbook {ins.snapshot} table has no Afghanistan–Tajikistan "
                "land boundary.",
            )
            continue
        ref = quantity(row["value"], row["unit"])
        rel = relative_difference(fig.q, ref)
        both = (
            " in both the Afghanistan and the Tajikistan profile"
            if other is not None and other["value"] == row["value"]
            else ""
        )
        as_ref = fig.q.to(ref.units).magnitude
        shown = "" if fig.unit == row["unit"] else f" ({fmt(as_ref)} {row['unit']})"
        verdict = _agreement(rel, AGREEMENT_TOLERANCE)
        yield _row(
            f"{figure_id}_vs_factbook",
            claim,
            fig,
            reference=(row["value"], row["unit"], _fb_source(ins, row)),
            comparison=f"{fmt_signed_percent(rel)} relative difference",
            verdict=verdict,
            reason=(
                f"The Factbook ({ins.snapshot}) gives {fmt(row['value'])} {row['unit']}{both}; "
                f"the article's {fmt(fig.value)} {fig.unit}{shown} differs by "
                f"{fmt_signed_percent(rel)}, {'within' if verdict == CONSISTENT else 'beyond'} "
                f"the {AGREEMENT_TOLERANCE:.0%} tolerance."
            ),
        )


# --------------------------------------------------------------------------- other matches


@dataclass(frozen=True)
class _Candidate:
    """A border length from the Factbook or the map that a figure might really be."""

    border: tuple[str, str]
    value: float
    unit: str
    label: str
    source: str
    position: int  # row index in its table (Factbook rows only; -1 for measured rows)
    source_path: str


def _partner_name(qualifier: str) -> str:
    """ "China (southeast)" -> "China"."""
    return re.sub(r"\s*\(.*?\)", "", qualifier).strip()


def _border_candidates(ins: _Inputs) -> list[_Candidate]:
    """Land boundaries of Afghanistan or Tajikistan, from the Factbook and the map."""
    out = []
    fb = ins.factbook
    for pos, row in zip(range(len(fb)), fb.itertuples(index=False), strict=True):
        partner = _partner_name(row.qualifier)
        if row.field != "land_boundary_km" or row.qualifier == "total":
            continue
        if row.country not in SUBJECT_COUNTRIES and partner not in SUBJECT_COUNTRIES:
            continue
        border = tuple(sorted((row.country, partner)))
        out.append(
            _Candidate(
                border,
                row.value,
                row.unit,
                f"the Factbook's {'–'.join(border)} land boundary ({row.country} profile)",
                f"World Factbook {ins.snapshot}, {row.source_path}: {row.source_text!r}",
                pos,
                row.source_path,
            )
        )
    for row in ins.measured.itertuples(index=False):
        border = (row.country_a, row.country_b)
        out.append(
            _Candidate(
                border,
                row.length_km,
                "km",
                f"the {row.border} border measured at 1:{row.scale}",
                row.source,
                -1,
                "",
            )
        )
    return out


def _matches(
    fig: _Figure, candidates: list[_Candidate], exclude: tuple[str, str]
) -> list[tuple[_Candidate, str]]:
    """(candidate, kind) pairs the figure matches within MATCH_TOLERANCE, `exclude` aside.

    kind is "is the same length as" (after unit conversion) or "is the same number as"
    (the bare number equals a figure given in another unit).
    """
    found = []
    for cand in candidates:
        if cand.border == exclude:
            continue
        ref = quantity(cand.value, cand.unit)
        if abs(relative_difference(fig.q, ref)) <= MATCH_TOLERANCE:
            found.append((cand, "is the same length as"))
        elif (
            fig.unit != cand.unit
            and cand.value
            and (abs(fig.value - cand.value) / cand.value <= MATCH_TOLERANCE)
        ):
            found.append((cand, "is the same number as"))
    return found


def _follows_referent(ins: _Inputs, cand: _Candidate, referent: tuple[str, str]) -> bool:
    """Whether the candidate is the Factbook entry right after the referent's own entry."""
    if cand.position < 1:
        return False
    prev = ins.factbook.iloc[cand.position - 1]
    prev_border = tuple(sorted((prev["country"], _partner_name(prev["qualifier"]))))
    return prev["source_path"] == cand.source_path and prev_border == referent


def _other_matches(ins: _Inputs) -> Iterator[dict[str, object]]:
    """Border figures that equal some other border of Afghanistan or Tajikistan."""
    referent = (AFGHANISTAN, TAJIKISTAN)
    candidates = _border_candidates(ins)
    for figure_id in ("border_af_tj_km", "border_af_tj_mi"):
        fig = ins.figures.get(figure_id)
        found = _matches(fig, candidates, referent) if fig else []
        if not found:
            continue
        cand, kind = found[0]
        also = sorted({c.label for c, _ in found[1:]} - {cand.label})
        after = (
            " (the entry right after Tajikistan's in the same list)"
            if _follows_referent(ins, cand, referent)
            else ""
        )
        reason = (
            f"The article's {fmt(fig.value)} {fig.unit} {kind} {cand.label}, "
            f"{fmt(cand.value)} {cand.unit}{after}, not the Afghanistan–Tajikistan border; "
            "the figure was possibly taken from the wrong entry."
        )
        if also:
            reason = reason[:-1] + f"; it also matches {', '.join(also)}."
        yield _row(
            f"{figure_id}_matches_other",
            f"{fmt(fig.value)} {fig.unit} is the length of the Afghanistan–Tajikistan border",
            fig,
            reference=(cand.value, cand.unit, cand.source),
            comparison=(
                f"{fmt(fig.value)} {fig.unit} {kind} {fmt(cand.value)} {cand.unit} "
                f"(within {MATCH_TOLERANCE:.0%})"
            ),
            verdict=INCONSISTENT,
            reason=reason,
        )


# --------------------------------------------------------------------------- (e) measured


def _border_vs_measured(ins: _Inputs) -> Iterator[dict[str, object]]:
    """The article's km figure against the map-measured Afghanistan-Tajikistan border."""
    fig = ins.figures.get("border_af_tj_km")
    if fig is None:
        return
    m = ins.measured
    rows = m[(m["country_a"] == AFGHANISTAN) & (m["country_b"] == TAJIKISTAN)]
    for row in rows.itertuples(index=False):
        ref = quantity(row.length_km, "km")
        rel = relative_difference(fig.q, ref)
        above = fig.q.to("km").magnitude >= row.length_km * (1 - LOWER_BOUND_SLACK)
        relation = f"{fmt(abs(rel) * 100)}% {'longer' if rel >= 0 else 'shorter'} than"
        reason = (
            f"Natural Earth's 1:{row.scale} outlines give {fmt(row.length_km)} km; the "
            f"article's {fmt(fig.value)} {fig.unit} is {relation} that, and a generalised "
            "outline cuts the corners of a winding border, so it can only under-measure: "
            + (
                "the article's length is above this lower bound."
                if above
                else "the article's length is below even this lower bound."
            )
        )
        yield _row(
            f"border_af_tj_km_vs_measured_{row.scale}",
            f"The Afghanistan–Tajikistan border is {fmt(fig.value)} {fig.unit} long",
            fig,
            reference=(row.length_km, "km", f"{row.source}; {row.method}"),
            comparison=f"{fmt_signed_percent(rel)} relative difference",
            verdict=CONSISTENT if above else INCONSISTENT,
            reason=reason,
        )


# --------------------------------------------------------------------------- (c) water


def _water(ins: _Inputs) -> Iterator[dict[str, object]]:
    """ "Almost half lacks clean running water" against the drinking-water source shares."""
    fig = ins.figures.get("water_lacking_share")
    if fig is None:
        return
    claim = "Almost half of Tajikistan's population lacks clean running water"
    total = _factbook_row(ins, TAJIKISTAN, "drinking_water_unimproved", "total")
    if total is None:
        yield _row(
            "water_lacking_vs_factbook",
            claim,
            fig,
            reference=None,
            comparison="",
            verdict=NOT_COMPARABLE,
            reason=f"The Factbook {ins.snapshot} table has no drinking-water figures for "
            "Tajikistan.",
        )
        return
    rural = _factbook_row(ins, TAJIKISTAN, "drinking_water_unimproved", "rural")
    ref = quantity(total["value"], total["unit"])
    ratio = (fig.q / ref).to("dimensionless").magnitude
    rural_txt = f" ({fmt(rural['value'])}% in the countryside)" if rural is not None else ""
    yield _row(
        "water_lacking_vs_factbook",
        claim,
        fig,
        reference=(total["value"], total["unit"], _fb_source(ins, total)),
        comparison=f"ratio {ratio:.2f} (article / Factbook unimproved share)",
        verdict=NOT_COMPARABLE,
        reason=(
            f"The Factbook counts {fmt(total['value'])}% of Tajikistan's people{rural_txt} "
            f"without an improved drinking-water source{_in_year(total)}, against the article's "
            f"{fmt_percent(fig.q.to('dimensionless').magnitude)} ({fig.quote!r}); an improved "
            "source includes public taps, wells and springs, not only clean running water, "
            "so the two do not measure the same thing."
        ),
    )


# --------------------------------------------------------------------------- (d) head counts


def _population_shares(ins: _Inputs) -> Iterator[dict[str, object]]:
    """Troop and refugee head counts as shares of Tajikistan's and Afghanistan's population."""
    plan = {fid: (TAJIKISTAN,) for fid in HEADCOUNT_CLAIMS}
    plan["afghan_soldiers_fled"] = plan["civilians_fled"] = (TAJIKISTAN, AFGHANISTAN)
    for figure_id, countries in plan.items():
        fig = ins.figures.get(figure_id)
        if fig is None:
            continue
        for country in countries:
            pop = _factbook_row(ins, country, "population", "")
            if pop is not None:
                yield _share_row(ins, fig, country, pop)


def _share_row(ins: _Inputs, fig: _Figure, country: str, pop: pd.Series) -> dict[str, object]:
    """One head count as a share of one country's population (context, no verdict)."""
    share = (fig.q / quantity(pop["value"], pop["unit"])).to("dimensionless").magnitude
    return _row(
        f"{fig.figure_id}_share_of_{country.lower()}_population",
        f"{fmt(fig.value)} {HEADCOUNT_CLAIMS[fig.figure_id]}",
        fig,
        reference=(pop["value"], pop["unit"], _fb_source(ins, pop)),
        comparison=f"{fmt_percent(share)} of the population",
        verdict=NOT_COMPARABLE,
        reason=(
            f"These sources hold no count to check {fmt(fig.value)} against; for scale, it is "
            f"{fmt_percent(share)} of {country}'s population ({fmt(pop['value'])}{_in_year(pop)})."
        ),
    )


def _troops_vs_armed_forces(ins: _Inputs) -> Iterator[dict[str, object]]:
    """Russian base troops and Tajik reservists against Tajikistan's active armed forces."""
    forces = _factbook_row(ins, TAJIKISTAN, "active_military_personnel", "")
    if forces is None:
        return
    for figure_id in ("russian_base_troops", "tajik_reservists"):
        fig = ins.figures.get(figure_id)
        if fig is None:
            continue
        ratio = (fig.q / quantity(forces["value"], forces["unit"])).to("dimensionless")
        yield _row(
            f"{figure_id}_vs_tajik_armed_forces",
            f"{fmt(fig.value)} {HEADCOUNT_CLAIMS[figure_id]}",
            fig,
            reference=(forces["value"], forces["unit"], _fb_source(ins, forces)),
            comparison=f"ratio {ratio.magnitude:.2f}",
            verdict=NOT_COMPARABLE,
            reason=(
                f"The Factbook has no count to check {fmt(fig.value)} against; it is "
                f"{ratio.magnitude:.2f} times the {fmt(forces['value'])} active troops of "
                f"Tajikistan's own armed forces{_in_year(forces)}."
            ),
        )


# --------------------------------------------------------------------------- other figures


def _territory(ins: _Inputs) -> Iterator[dict[str, object]]:
    """The Taliban's claimed 85 % of Afghanistan, as an area."""
    fig = ins.figures.get("taliban_territory_share")
    area = _factbook_row(ins, AFGHANISTAN, "area", "total")
    if fig is None or area is None:
        return
    share = fig.q.to("dimensionless").magnitude
    claimed = share * quantity(area["value"], area["unit"])
    yield _row(
        "taliban_territory_as_area",
        f"The Taliban claim {fmt_percent(share)} of Afghanistan's territory",
        fig,
        reference=(area["value"], area["unit"], _fb_source(ins, area)),
        comparison=f"{fmt(claimed.to('km ** 2').magnitude)} sq km",
        verdict=NOT_COMPARABLE,
        reason=(
            f"A claim by the Taliban that no source here can check; {fmt_percent(share)} of "
            f"Afghanistan's {fmt(area['value'])} sq km would be "
            f"{fmt(claimed.to('km ** 2').magnitude)} sq km."
        ),
    )


def _closest_to_article(rows: pd.DataFrame) -> pd.Series:
    """The row whose estimate year is closest to the article's year (earlier on a tie)."""
    years = rows["estimate_year"].astype("Float64").fillna(-1e9)
    key = (years - ARTICLE_YEAR).abs() + (years > ARTICLE_YEAR) * 0.5
    return rows.loc[key.astype(float).idxmin()]


def _remittances(ins: _Inputs) -> Iterator[dict[str, object]]:
    """ "A third of GDP comes from remittances" against the Factbook's remittance share."""
    fig = ins.figures.get("remittances_gdp_share")
    if fig is None:
        return
    claim = "A third of Tajikistan's GDP comes from remittances"
    fb = ins.factbook
    rows = fb[(fb["country"] == TAJIKISTAN) & (fb["field"] == "remittances_gdp")]
    if rows.empty:
        yield _row(
            "remittances_vs_factbook",
            claim,
            fig,
            reference=None,
            comparison="",
            verdict=NOT_COMPARABLE,
            reason=f"The Factbook {ins.snapshot} table has no remittance share for Tajikistan.",
        )
        return
    row = _closest_to_article(rows)
    rel = relative_difference(fig.q, quantity(row["value"], row["unit"]))
    late = not pd.isna(row["estimate_year"]) and int(row["estimate_year"]) > ARTICLE_YEAR
    verdict = NOT_COMPARABLE if late else _agreement(rel, WORDED_TOLERANCE)
    judged = (
        "but an estimate made after the article cannot test it"
        if late
        else f"{'within' if verdict == CONSISTENT else 'beyond'} the {WORDED_TOLERANCE:.0%} "
        "leeway for a worded share"
    )
    yield _row(
        "remittances_vs_factbook",
        claim,
        fig,
        reference=(row["value"], row["unit"], _fb_source(ins, row)),
        comparison=f"{fmt_signed_percent(rel)} relative difference",
        verdict=verdict,
        reason=(
            f"The Factbook gives remittances of {fmt(row['value'])}% of GDP{_in_year(row)}; the "
            f"article's {fmt_percent(fig.q.to('dimensionless').magnitude)} ({fig.quote!r}) "
            f"differs by {fmt_signed_percent(rel)}, {judged}."
        ),
    )


_BUILDERS: tuple[Callable[[_Inputs], Iterator[dict[str, object]]], ...] = (
    _km_vs_mi,
    _border_vs_factbook,
    _other_matches,
    _border_vs_measured,
    _water,
    _population_shares,
    _troops_vs_armed_forces,
    _territory,
    _remittances,
)


def findings_table(
    figures: pd.DataFrame, factbook: pd.DataFrame, measured: pd.DataFrame
) -> pd.DataFrame:
    """Every check of the article's figures, one row per finding (columns: FINDING_COLUMNS)."""
    ins = _Inputs(_figures(figures), factbook.reset_index(drop=True), measured, _snapshot(factbook))
    rows = [row for build in _BUILDERS for row in build(ins)]
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    return frame.astype(
        {"article_value": "float64", "reference_value": "float64", "start": "int64", "end": "int64"}
    )
