"""One call from inputs to every table: what the CLI, the renderer and the notebooks share."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from spillover import paths
from spillover.tables import build_tables, conform, load, write_tables
from spillover.units import convert

# The article is about these two countries; their borders are the ones measured and compared.
BORDER_COUNTRIES = ("Afghanistan", "Tajikistan")
DEFAULT_SNAPSHOT = "2021-07-01"


def article_tables(
    article: Path | str = paths.DEFAULT_ARTICLE, params: dict[str, str] | None = None
) -> dict[str, pd.DataFrame]:
    """Every tidy table of an article under the given parameters (see spillover.params)."""
    from spillover.findings import findings_table
    from spillover.geo import border_lengths_measured
    from spillover.reference import factbook_table

    params = params or {}
    snapshot = params.get("reference_snapshot") or DEFAULT_SNAPSHOT
    inputs = load(article, params.get("annotations") or None)
    factbook = factbook_table(snapshot)
    measured = border_lengths_measured()
    tables = build_tables(inputs, reference_borders(factbook, measured))
    tables["findings"] = conform(
        findings_table(tables["figures"], factbook, measured).to_dict("records"), "findings"
    )
    tables["factbook"] = conform(factbook.to_dict("records"), "factbook")
    return tables


def reference_borders(factbook: pd.DataFrame, measured: pd.DataFrame) -> pd.DataFrame:
    """border_lengths rows from the Factbook snapshot and from the Natural Earth outlines, for
    every border of Afghanistan and Tajikistan (each border once)."""
    rows, seen = [], set()
    boundaries = factbook[
        (factbook["field"] == "land_boundary_km")
        & factbook["country"].isin(BORDER_COUNTRIES)
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
        if {row.country_a, row.country_b} & set(BORDER_COUNTRIES):
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


def write_processed(
    article: Path | str, params: dict[str, str], out_dir: Path | str = paths.PROCESSED
) -> Path:
    return write_tables(article_tables(article, params), out_dir)
