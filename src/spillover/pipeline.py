"""One call from inputs to every table: what the CLI, the renderer and the notebooks share.

The article's checks file (data/checks/<stem>.yaml, see spillover.findings) decides which
reference data an article gets: its region's Factbook profiles, the measured borders of its
``borders_of`` countries, and the findings. Without one, the Factbook table holds the profiles
of the countries the article names, nothing is measured and there are no findings.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from spillover import paths, reference
from spillover.findings import Checks, Region, article_checks, findings_table
from spillover.places import article_places
from spillover.quantities import quantities_table
from spillover.tables import Inputs, build_tables, conform, load
from spillover.units import convert

DEFAULT_SNAPSHOT = reference.DEFAULT_SNAPSHOT


def article_tables(
    article: Path | str = paths.DEFAULT_ARTICLE, params: dict[str, str] | None = None
) -> dict[str, pd.DataFrame]:
    """Every tidy table of an article under the given parameters (see spillover.params)."""
    from spillover.geo import border_lengths_measured

    params = params or {}
    snapshot = params.get("reference_snapshot") or DEFAULT_SNAPSHOT
    inputs = load(article, params.get("annotations") or None)
    checks = article_checks(inputs.article.path, annotated_ids(inputs))
    region = checks.region if checks else Region()
    factbook = reference_factbook(snapshot, checks, inputs.article.text)
    measured = border_lengths_measured(region.borders_of)
    tables = build_tables(inputs, reference_borders(factbook, measured, region.borders_of))
    found = findings_table(tables["figures"], factbook, measured, checks, inputs.article.published)
    tables["findings"] = conform(found.to_dict("records"), "findings")
    tables["factbook"] = conform(factbook.to_dict("records"), "factbook")
    tables["auto_checks"] = conform(automatic_checks(inputs, snapshot).to_dict("records"), "auto_checks")
    quantities = quantities_table(inputs.article.text, inputs.mentions)
    tables["quantities"] = conform(quantities.to_dict("records"), "quantities")
    tables["places"] = conform(article_places(inputs.article, snapshot).to_dict("records"), "places")
    return tables


def automatic_checks(inputs: Inputs, snapshot: str) -> pd.DataFrame:
    """Every figure that states a fact the Factbook holds about a country the article names,
    checked against it (no curation needed; see spillover.autocheck)."""
    from spillover.autocheck import auto_checks

    text = inputs.article.text
    named = sorted(set(reference.countries_named(text, snapshot)["gec"]))
    factbook = reference.factbook_table(snapshot, gecs=named) if named else _empty_factbook()
    return auto_checks(text, inputs.mentions, factbook)


def annotated_ids(inputs: Inputs) -> set[str]:
    """The ids of the article's annotated figures (none without annotations)."""
    return {f["id"] for f in inputs.annotations.figures} if inputs.annotations else set()


def reference_factbook(snapshot: str, checks: Checks | None, text: str) -> pd.DataFrame:
    """The Factbook rows an article gets: its region's profiles, or without a checks file
    those of the countries the article names."""
    if checks is not None:
        gecs = sorted(checks.region.countries)
    else:
        gecs = sorted(set(reference.countries_named(text, snapshot)["gec"]))
    return reference.factbook_table(snapshot, gecs=gecs) if gecs else _empty_factbook()


def _empty_factbook() -> pd.DataFrame:
    return pd.DataFrame(columns=list(reference.COLUMNS)).astype({"value": "float64"})


def reference_borders(
    factbook: pd.DataFrame, measured: pd.DataFrame, countries: tuple[str, ...] | list[str]
) -> pd.DataFrame:
    """border_lengths rows from the Factbook snapshot and from the Natural Earth outlines, for
    every border of `countries` (each border once)."""
    rows, seen = [], set()
    boundaries = factbook[
        (factbook["field"] == "land_boundary_km")
        & factbook["country"].isin(countries)
        & (factbook["qualifier"] != "total")
    ]
    for row in boundaries.itertuples():
        a, b = sorted((row.country, row.qualifier))
        if (a, b) in seen:
            continue
        seen.add((a, b))
        rows.append(
            _border_row(
                a,
                b,
                f"World Factbook {row.snapshot}",
                row.value,
                row.unit,
                f"{row.source_path}: land boundaries: {row.source_text}",
            )
        )
    for row in measured.itertuples():
        if {row.country_a, row.country_b} & set(countries):
            denominator = f"{row.scale_denominator // 1_000_000}m"
            rows.append(
                _border_row(
                    row.country_a,
                    row.country_b,
                    f"Natural Earth 1:{denominator}",
                    row.length_km,
                    "km",
                    f"{row.source}; {row.method}",
                )
            )
    return pd.DataFrame(rows)


def _border_row(a: str, b: str, source: str, length: float, unit: str, reference: str) -> dict:
    unit = {"km": "kilometer", "mi": "mile"}.get(unit, unit)
    return {
        "border": f"{a}–{b}",
        "country_a": a,
        "country_b": b,
        "source": source,
        "stated_length": length,
        "stated_unit": unit,
        "length_km": convert(length, unit, "km"),
        "length_mi": convert(length, unit, "mi"),
        "reference": reference,
    }
