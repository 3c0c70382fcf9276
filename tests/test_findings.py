"""The findings engine: units, the checks file (format and one-line errors), each kind of check
on small synthetic tables, and the seed's findings against the committed findings.csv."""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import pandas as pd
import pint
import pytest
import yaml

from spillover import findings, paths
from spillover.errors import InputError
from spillover.findings import (
    CHECK,
    CONSISTENT,
    CONTEXT,
    FINDING_COLUMNS,
    INCONSISTENT,
    NOT_COMPARABLE,
    findings_table,
    load_checks,
    quantity,
    relative_difference,
)
from spillover.reference import COLUMNS

SEED_FINDINGS = paths.PROCESSED / "findings.csv"

# --------------------------------------------------------------------------- synthetic inputs
# Two invented countries, Borduria (gec "bo") and Syldavia ("sy"), with a third, Carpania
# ("cp"), whose border with Borduria follows the Syldavian entry in Borduria's list.

FIGURES = {
    "border_km": (500, "kilometer", "500 kilometers"),
    "border_mi": (311, "mile", "311 miles"),
    "soldiers": (2_000, "people", "2,000 soldiers"),
    "share_poor": (0.25, "fraction", "a quarter"),
    "territory_share": (40, "percent", "40 percent"),
    "vague": (math.nan, "people", "many thousands"),
}


def make_figures(**values: float | None) -> pd.DataFrame:
    """The synthetic figures; a keyword sets a figure's value (None drops it)."""
    rows = []
    for i, (figure_id, (value, unit, quote)) in enumerate(FIGURES.items()):
        if figure_id in values and values[figure_id] is None:
            continue
        rows.append(
            {
                "figure_id": figure_id,
                "value": values.get(figure_id, value),
                "unit": unit,
                "quote": quote,
                "start": 100 * i,
                "end": 100 * i + len(quote),
            }
        )
    return pd.DataFrame(rows)


def fb_row(gec: str, country: str, field: str, value: float, unit: str, qualifier="", year=None):
    return {
        "country": country,
        "gec": gec,
        "iso3": "",
        "field": field,
        "value": float(value),
        "unit": unit,
        "qualifier": qualifier,
        "estimate_year": year,
        "snapshot": "2020-01-01",
        "source_path": f"data/reference/factbook/2020-01-01/{gec}.json",
        "source_text": f"{qualifier} {value} {unit}".strip(),
    }


def make_factbook(border: float = 500, carpania: float = 311, poor=(24.0, 2019)) -> pd.DataFrame:
    rows = [
        fb_row("bo", "Borduria", "land_boundary_km", 1_200, "km", "total"),
        fb_row("bo", "Borduria", "land_boundary_km", border, "km", "Syldavia"),
        fb_row("bo", "Borduria", "land_boundary_km", carpania, "km", "Carpania"),
        fb_row("bo", "Borduria", "population", 4_000_000, "people", "", 2020),
        fb_row("bo", "Borduria", "area", 80_000, "sq km", "total"),
        fb_row("bo", "Borduria", "below_poverty_line", poor[0], "percent", "", poor[1]),
        fb_row("sy", "Syldavia", "land_boundary_km", border, "km", "Borduria"),
        fb_row("sy", "Syldavia", "population", 1_000_000, "people", "", 2020),
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype({"estimate_year": "Int64"})


def make_measured(lengths: dict[str, float] | None = None) -> pd.DataFrame:
    lengths = lengths or {"110m": 430.0, "10m": 480.0}
    return pd.DataFrame(
        [
            {
                "border": "Borduria–Syldavia",
                "country_a": "Borduria",
                "country_b": "Syldavia",
                "scale": scale,
                "scale_denominator": int(scale[:-1]) * 1_000_000,
                "length_km": km,
                "source": f"Natural Earth, countries-{scale}.json",
                "method": "shared boundary, geodesic length",
            }
            for scale, km in lengths.items()
        ]
    )


HEADER = """\
region:
  countries: {bo: Borduria, sy: Syldavia, cp: Carpania}
  borders_of: [Borduria]
tolerances:
  tight: {value: 0.01, reason: one quantity stated twice}
  loose: {value: 0.10, reason: a worded share is rough}
checks:
"""


def write_checks(tmp_path: Path, entries: str, header: str = HEADER) -> Path:
    path = tmp_path / "checks.yaml"
    path.write_text(header + textwrap.indent(textwrap.dedent(entries), "  "), encoding="utf-8")
    return path


def run(tmp_path: Path, entries: str, figures=None, factbook=None, measured=None, published=None):
    checks = load_checks(write_checks(tmp_path, entries), set(FIGURES))
    return findings_table(
        make_figures() if figures is None else figures,
        make_factbook() if factbook is None else factbook,
        make_measured() if measured is None else measured,
        checks,
        published,
    )


def one(table: pd.DataFrame, finding_id: str) -> pd.Series:
    rows = table[table["finding_id"] == finding_id]
    assert len(rows) == 1, f"{finding_id}: {list(table['finding_id'])}"
    return rows.iloc[0]


# --------------------------------------------------------------------------- units


def test_km_to_miles_with_pint():
    # 1 international mile is exactly 1.609344 km (independent of pint's table).
    assert quantity(1357, "km").to("mi").magnitude == pytest.approx(1357 / 1.609344)
    assert quantity(804, "mi").to("km").magnitude == pytest.approx(1293.9, abs=0.05)


def test_shares_and_head_counts():
    assert quantity(16.5, "percent").to("dimensionless").magnitude == pytest.approx(0.165)
    assert quantity(0.5, "fraction").to("percent").magnitude == pytest.approx(50)
    assert quantity(1, "sq km").to("m ** 2").magnitude == pytest.approx(1e6)
    with pytest.raises(pint.DimensionalityError):
        quantity(1500, "people").to("km")


def test_unknown_unit_is_an_input_error():
    with pytest.raises(InputError, match="furlongs-ish"):
        quantity(3, "furlongs-ish")


def test_relative_difference_converts_first():
    assert relative_difference(quantity(804, "mi"), quantity(1357, "km")) == pytest.approx(
        (1293.9126 - 1357) / 1357, rel=1e-4
    )


def test_formatting():
    assert findings.fmt_value(16.5, "percent") == "16.5%"
    assert findings.fmt_value(1 / 3, "fraction") == "33%"
    assert findings.fmt_value(1500, "people") == "1,500"
    assert findings.fmt_value(843.2007, "mi") == "843.2 mi"


# --------------------------------------------------------------------------- no checks


def test_no_checks_file_gives_an_empty_table_with_the_columns():
    table = findings_table(make_figures(), make_factbook(), make_measured(), None)
    assert table.empty and list(table.columns) == FINDING_COLUMNS


def test_the_columns_are_the_data_dictionarys():
    from spillover import schema

    assert schema.columns("findings") == FINDING_COLUMNS
    kinds = json.loads(paths.CHECKS_SCHEMA.read_text(encoding="utf-8"))["definitions"]["check"]
    assert tuple(kinds["properties"]["kind"]["enum"]) == findings.KINDS


# --------------------------------------------------------------------------- (1) agree

AGREE = """\
- id: km_vs_mi
  kind: agree
  figures: [border_km, border_mi]
  tolerance: tight
  group: miles
  claim: The border is {other}, or {value}
"""


def test_agree_consistent(tmp_path):
    row = one(run(tmp_path, AGREE), "km_vs_mi")  # 500 km is 310.7 mi
    assert (row["verdict"], row["finding_type"], row["check_kind"]) == (CONSISTENT, CHECK, "agree")
    assert row["figure_id"] == "border_mi" and row["quote"] == "311 miles"
    assert row["reference_value"] == pytest.approx(500 / 1.609344)
    assert row["reference_unit"] == "mi" and row["tolerance"] == 0.01
    assert row["claim"] == "The border is 500 km, or 311 mi"
    assert row["finding_group"] == "miles"
    assert "one quantity stated twice" in row["reason"]


def test_agree_inconsistent(tmp_path):
    row = one(run(tmp_path, AGREE, figures=make_figures(border_mi=290)), "km_vs_mi")
    assert row["verdict"] == INCONSISTENT
    assert "310.7 mi" in row["reason"] and "290 mi would be 466.7 km" in row["reason"]
    assert row["comparison"].startswith("-6.7%")


def test_agree_of_incomparable_units_names_the_check(tmp_path):
    entries = AGREE.replace("[border_km, border_mi]", "[border_km, soldiers]")
    with pytest.raises(InputError, match=r"checks\[0\] \('km_vs_mi'\).*cannot compare"):
        run(tmp_path, entries)


# --------------------------------------------------------------------------- (2) reference

REFERENCE = """\
- id: km_vs_factbook
  kind: reference
  figure: border_km
  reference: {country: Borduria, field: land_boundary_km, qualifier: Syldavia, label: the border}
  also:
    - {gec: sy, field: land_boundary_km, qualifier: Borduria, label: in the Syldavian profile}
  tolerance: tight
- id: poor_vs_factbook
  kind: reference
  figure: share_poor
  reference: {gec: bo, field: below_poverty_line}
  tolerance: loose
"""


def test_reference_consistent(tmp_path):
    table = run(tmp_path, REFERENCE)
    row = one(table, "km_vs_factbook")
    assert (row["verdict"], row["reference_value"], row["reference_unit"]) == (CONSISTENT, 500, "km")
    assert "also 500 km in the Syldavian profile" in row["reason"]
    assert row["reference_source"].startswith("World Factbook 2020-01-01, data/reference/factbook")
    assert one(table, "poor_vs_factbook")["verdict"] == CONSISTENT  # 25% against 24%


def test_reference_inconsistent(tmp_path):
    table = run(tmp_path, REFERENCE, factbook=make_factbook(border=560, poor=(15.0, 2019)))
    assert one(table, "km_vs_factbook")["verdict"] == INCONSISTENT
    assert "beyond the 1% tolerance" in one(table, "km_vs_factbook")["reason"]
    assert one(table, "poor_vs_factbook")["verdict"] == INCONSISTENT


def test_a_reference_estimated_after_the_article_cannot_test_it(tmp_path):
    import datetime as dt

    factbook = make_factbook(poor=(25.0, 2023))
    row = one(run(tmp_path, REFERENCE, factbook=factbook, published=dt.date(2021, 5, 1)), "poor_vs_factbook")
    assert (row["verdict"], row["finding_type"]) == (NOT_COMPARABLE, CHECK)
    assert "after the article" in row["reason"]


def test_a_missing_reference_is_not_comparable(tmp_path):
    factbook = make_factbook()
    factbook = factbook[factbook["qualifier"] != "Syldavia"]
    row = one(run(tmp_path, REFERENCE, factbook=factbook), "km_vs_factbook")
    assert row["verdict"] == NOT_COMPARABLE and math.isnan(row["reference_value"])


def test_a_figure_without_a_number_is_not_comparable(tmp_path):
    entries = """\
- id: vague_share
  kind: scale
  figure: vague
  compute: share
  reference: {country: Syldavia, field: population}
"""
    row = one(run(tmp_path, entries), "vague_share")
    assert row["verdict"] == NOT_COMPARABLE and "no single number" in row["reason"]


# --------------------------------------------------------------------------- (3) scale

SCALE = """\
- id: soldiers_share
  kind: scale
  figure: soldiers
  compute: share
  reference: {country: Syldavia, field: population}
- id: border_ratio
  kind: scale
  figure: border_km
  compute: ratio
  reference: {country: Borduria, field: land_boundary_km, qualifier: total, label: its whole land boundary}
- id: territory_area
  kind: scale
  figure: territory_share
  compute: portion
  reference: {country: Borduria, field: area, qualifier: total}
  note: A claim no source here can check.
"""


def test_scale_is_context_never_a_verdict(tmp_path):
    table = run(tmp_path, SCALE)
    assert set(table["verdict"]) == {NOT_COMPARABLE}
    assert set(table["finding_type"]) == {CONTEXT}
    assert table["tolerance"].isna().all()
    assert one(table, "soldiers_share")["comparison"] == "0.2% of Syldavia's population"
    assert one(table, "border_ratio")["comparison"] == "0.42 times its whole land boundary"
    area = one(table, "territory_area")
    assert area["comparison"] == "32,000 sq km"
    assert area["reason"].startswith("For scale, not a check") and area["reason"].endswith("check.")


def test_scale_of_a_figure_far_off_is_still_context(tmp_path):
    # A head count as large as the population is no "inconsistency": scale never judges.
    table = run(tmp_path, SCALE, figures=make_figures(soldiers=1_000_000))
    row = one(table, "soldiers_share")
    assert (row["verdict"], row["comparison"]) == (NOT_COMPARABLE, "100% of Syldavia's population")


# --------------------------------------------------------------------------- (4) lower bound

LOWER_BOUND = """\
- id: km_vs_map
  kind: lower_bound
  figure: border_km
  reference: {border: [Syldavia, Borduria]}
  tolerance: tight
"""


def test_lower_bound_consistent(tmp_path):
    table = run(tmp_path, LOWER_BOUND)
    assert list(table["finding_id"]) == ["km_vs_map_110m", "km_vs_map_10m"]
    assert set(table["verdict"]) == {CONSISTENT}
    assert set(table["finding_group"]) == {"km_vs_map"}
    row = one(table, "km_vs_map_10m")
    assert row["reference_value"] == 480.0 and "4.2% longer" in row["reason"]
    assert "under-measure" in row["reason"]


def test_lower_bound_inconsistent(tmp_path):
    table = run(tmp_path, LOWER_BOUND, figures=make_figures(border_km=450))
    assert one(table, "km_vs_map_10m")["verdict"] == INCONSISTENT
    assert "below even this lower bound" in one(table, "km_vs_map_10m")["reason"]
    assert one(table, "km_vs_map_110m")["verdict"] == CONSISTENT


def test_lower_bound_at_one_scale(tmp_path):
    entries = LOWER_BOUND.replace("[Syldavia, Borduria]}", "[Syldavia, Borduria], scale: 10m}")
    assert list(run(tmp_path, entries)["finding_id"]) == ["km_vs_map"]


# --------------------------------------------------------------------------- (5) other reference

OTHER = """\
- id: mi_is_other
  kind: other_reference
  figure: border_mi
  claimed: {country: Borduria, field: land_boundary_km, qualifier: Syldavia, label: the border}
  search: {field: land_boundary_km, countries: [Borduria, Syldavia], measured: true}
  tolerance: tight
"""


def test_other_reference_found(tmp_path):
    row = one(run(tmp_path, OTHER), "mi_is_other")  # 311 mi is Carpania's 311 km
    assert (row["verdict"], row["check_kind"]) == (INCONSISTENT, "other_reference")
    assert (row["reference_value"], row["reference_unit"]) == (311.0, "km")
    assert "Borduria–Carpania" in row["reason"]
    assert "right after Syldavia's in the same list" in row["reason"]
    assert "not the border" in row["reason"]


def test_other_reference_not_found_gives_no_row(tmp_path):
    assert run(tmp_path, OTHER, factbook=make_factbook(carpania=700)).empty


def test_other_reference_after_conversion(tmp_path):
    # 298 mi is 479.6 km: the Borduria–Carpania entry's 480 km after unit conversion.
    factbook = make_factbook(carpania=480)
    row = one(run(tmp_path, OTHER, figures=make_figures(border_mi=298), factbook=factbook), "mi_is_other")
    assert "is the same length as" in row["reason"] and "Borduria–Carpania" in row["reason"]


# --------------------------------------------------------------------------- malformed files


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (AGREE.replace("kind: agree", "kind: agreement"), r"unknown kind 'agreement'; use one of agree"),
        (
            AGREE.replace("border_mi]", "border_miles]"),
            r"figure 'border_miles' is not an annotated.*'border_mi'",
        ),
        (
            AGREE.replace("  tolerance: tight\n", ""),
            r"missing field 'tolerance'; add it \(kind 'agree' needs",
        ),
        (AGREE.replace("tolerance: tight", "tolerance: snug"), r"tolerance 'snug' is not defined"),
        (AGREE.replace("group: miles", "grup: miles"), r"unknown field 'grup'"),
        (REFERENCE.replace("country: Borduria", "country: Bordurie"), r"'Bordurie' is not in region"),
        (REFERENCE.replace("country: Borduria, ", ""), r"needs 'country' \(or 'gec'\) and 'field'"),
        (AGREE.replace("{other}", "{others}"), r"claim uses 'others'"),
        (AGREE + AGREE, r"checks\[1\] \('km_vs_mi'\): duplicate id"),
    ],
)
def test_a_malformed_checks_file_is_one_line(tmp_path, entries: str, expected: str):
    path = write_checks(tmp_path, entries)
    with pytest.raises(InputError, match=expected) as caught:
        load_checks(path, set(FIGURES))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"checks {path}: checks[")


def test_a_malformed_region_and_yaml(tmp_path):
    header = HEADER.replace("borders_of: [Borduria]", "borders_of: [Moravia]")
    with pytest.raises(InputError, match=r"region.borders_of: 'Moravia' is not in region.countries"):
        load_checks(write_checks(tmp_path, AGREE, header), set(FIGURES))
    with pytest.raises(InputError, match="checks .*line"):
        load_checks(write_checks(tmp_path, "- id: [unclosed\n"), set(FIGURES))


def test_a_check_without_annotations_says_so(tmp_path):
    with pytest.raises(InputError, match="the article has no annotations"):
        load_checks(write_checks(tmp_path, AGREE), set())


def test_the_article_checks_file_is_found_by_stem(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "CHECKS", tmp_path)
    assert findings.article_checks(tmp_path / "story.txt") is None
    write_checks(tmp_path, AGREE).rename(tmp_path / "story.yaml")
    checks = findings.article_checks(tmp_path / "story.txt", set(FIGURES))
    assert checks is not None and [c.id for c in checks.entries] == ["km_vs_mi"]
    assert checks.region.borders_of == ("Borduria",)


# --------------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed_findings() -> pd.DataFrame:
    from spillover.pipeline import article_tables

    return article_tables(params={"reference_snapshot": "2021-07-01"})["findings"]


def test_the_seed_checks_file_is_valid():
    annotated = {
        f["id"]
        for f in yaml.safe_load(paths.default_annotations(paths.DEFAULT_ARTICLE).read_text())["figures"]
    }
    checks = load_checks(paths.default_checks(paths.DEFAULT_ARTICLE), annotated)
    assert {c.kind for c in checks.entries} == set(findings.KINDS)
    assert all(t.reason for t in checks.tolerances.values())


def test_the_seed_keeps_todays_findings_and_verdicts(seed_findings: pd.DataFrame):
    """Figure by figure, the committed data/processed/findings.csv is today's expectation."""
    today = pd.read_csv(SEED_FINDINGS, keep_default_na=False)
    now = seed_findings.set_index("finding_id")
    assert set(today["finding_id"]) <= set(now.index)
    for expected in today.to_dict("records"):
        row = now.loc[expected["finding_id"]]
        where = expected["finding_id"]
        assert row["figure_id"] == expected["figure_id"], where
        assert row["verdict"] == expected["verdict"], where
        assert row["reference_value"] == pytest.approx(float(expected["reference_value"])), where
        assert row["reference_unit"] == expected["reference_unit"], where
        assert row["reference_source"] == expected["reference_source"], where


def test_the_seeds_miles_error_counts_once(seed_findings: pd.DataFrame):
    checks = seed_findings[seed_findings["finding_type"] == CHECK]
    errors = checks[checks["verdict"] == INCONSISTENT]
    assert len(errors) == 3 and errors["finding_group"].nunique() == 1
    assert set(errors["figure_id"]) == {"border_af_tj_mi"}
    context = seed_findings[seed_findings["finding_type"] == CONTEXT]
    assert set(context["verdict"]) == {NOT_COMPARABLE} and set(context["check_kind"]) == {"scale"}
    assert checks["tolerance"].notna().all() and context["tolerance"].isna().all()
