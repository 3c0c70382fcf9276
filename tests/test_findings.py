"""Unit checks and findings logic on small hand-built tables, then once on the real data."""

from __future__ import annotations

import pandas as pd
import pint
import pytest

from spillover import findings
from spillover.errors import InputError
from spillover.findings import (
    CONSISTENT,
    FINDING_COLUMNS,
    INCONSISTENT,
    NOT_COMPARABLE,
    findings_table,
    quantity,
    relative_difference,
)
from spillover.reference import COLUMNS

# --------------------------------------------------------------------------- builders

ARTICLE_FIGURES = {
    "border_af_tj_km": (1357, "km", "1,357 kilometers"),
    "border_af_tj_mi": (804, "mi", "804 miles"),
    "water_lacking_share": (0.5, "fraction", "Almost half"),
    "afghan_soldiers_fled": (1500, "people", "1,500 Afghan soldiers"),
    "civilians_fled": (1000, "people", "1,000 civilians"),
    "russian_base_troops": (7000, "people", "7,000 soldiers"),
    "tajik_reservists": (20000, "people", "20,000 military reservists"),
    "taliban_territory_share": (85, "percent", "85 percent"),
    "remittances_gdp_share": (1 / 3, "fraction", "a third"),
}


def make_figures(**changes: float | None) -> pd.DataFrame:
    """The article's figures; a keyword sets a figure's value (None drops the figure)."""
    rows = []
    for i, (figure_id, (value, unit, quote)) in enumerate(ARTICLE_FIGURES.items()):
        if figure_id in changes and changes[figure_id] is None:
            continue
        value = changes.get(figure_id, value)
        rows.append(
            {
                "figure_id": figure_id,
                "value": value,
                "unit": unit,
                "quote": quote,
                "start": 100 * i,
                "end": 100 * i + len(quote),
            }
        )
    return pd.DataFrame(rows)


def fb_row(country, field, value, unit, qualifier="", year=None, text="", gec="xx"):
    return {
        "country": country,
        "gec": gec,
        "iso3": "",
        "field": field,
        "value": float(value),
        "unit": unit,
        "qualifier": qualifier,
        "estimate_year": year,
        "snapshot": "2021-07-01",
        "source_path": f"data/reference/factbook/2021-07-01/{gec}.json",
        "source_text": text or f"{qualifier} {value} {unit}",
    }


def make_factbook(
    tj_border: float = 1357, tm_border: float = 804, remittances=(35.0, 2017)
) -> pd.DataFrame:
    """A small Factbook-shaped table; Turkmenistan's entry follows Tajikistan's, as in 2021."""
    rows = [
        fb_row("Afghanistan", "land_boundary_km", 5987, "km", "total", gec="af"),
        fb_row("Afghanistan", "land_boundary_km", tj_border, "km", "Tajikistan", gec="af"),
        fb_row("Afghanistan", "land_boundary_km", tm_border, "km", "Turkmenistan", gec="af"),
        fb_row("Afghanistan", "area", 652_230, "sq km", "total", gec="af"),
        fb_row("Afghanistan", "population", 37_466_414, "people", "", 2021, gec="af"),
        fb_row("Tajikistan", "land_boundary_km", tj_border, "km", "Afghanistan", gec="ti"),
        fb_row("Tajikistan", "land_boundary_km", 1312, "km", "Uzbekistan", gec="ti"),
        fb_row("Tajikistan", "population", 8_990_874, "people", "", 2021, gec="ti"),
        fb_row("Tajikistan", "drinking_water_unimproved", 3.8, "percent", "urban", 2017, gec="ti"),
        fb_row("Tajikistan", "drinking_water_unimproved", 21.4, "percent", "rural", 2017, gec="ti"),
        fb_row("Tajikistan", "drinking_water_unimproved", 16.5, "percent", "total", 2017, gec="ti"),
        fb_row("Tajikistan", "active_military_personnel", 9_500, "people", "", 2020, gec="ti"),
        fb_row("Tajikistan", "remittances_gdp", remittances[0], "percent", "", remittances[1], gec="ti"),
    ]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    return table.astype({"estimate_year": "Int64"})


def make_measured(lengths: dict[str, float] | None = None) -> pd.DataFrame:
    lengths = lengths or {"110m": 940.0, "10m": 1172.0}
    return pd.DataFrame(
        [
            {
                "border": "Afghanistan–Tajikistan",
                "country_a": "Afghanistan",
                "country_b": "Tajikistan",
                "scale": scale,
                "scale_denominator": int(scale[:-1]) * 1_000_000,
                "length_km": km,
                "source": f"Natural Earth 4.1.0 via world-atlas 2.0.2, countries-{scale}.json",
                "method": "shared boundary of the two outlines, geodesic length on WGS84",
            }
            for scale, km in lengths.items()
        ]
    )


def run(figures=None, factbook=None, measured=None) -> pd.DataFrame:
    return findings_table(
        make_figures() if figures is None else figures,
        make_factbook() if factbook is None else factbook,
        make_measured() if measured is None else measured,
    )


def finding(table: pd.DataFrame, finding_id: str) -> pd.Series:
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
    share = quantity(1500, "people") / quantity(8_990_874, "people")
    assert share.to("dimensionless").magnitude == pytest.approx(1.6684e-4, rel=1e-3)
    with pytest.raises(pint.DimensionalityError):
        quantity(1500, "people").to("km")


def test_unknown_unit_is_an_input_error():
    with pytest.raises(InputError, match="furlongs-ish"):
        quantity(3, "furlongs-ish")


def test_relative_difference_converts_first():
    assert relative_difference(quantity(804, "mi"), quantity(1357, "km")) == pytest.approx(
        (1293.9126 - 1357) / 1357, rel=1e-4
    )
    assert relative_difference(quantity(1357, "km"), quantity(1357, "km")) == 0.0


# --------------------------------------------------------------------------- table shape


def test_columns_and_verdicts():
    table = run()
    assert list(table.columns) == FINDING_COLUMNS
    assert set(table["verdict"]) <= {CONSISTENT, INCONSISTENT, NOT_COMPARABLE}
    assert table["finding_id"].is_unique
    assert (table["reason"].str.len() > 20).all()
    mi = finding(table, "border_km_vs_mi")
    assert (mi["quote"], mi["start"], mi["end"]) == ("804 miles", 100, 109)


def test_missing_figures_drop_their_findings():
    table = run(figures=make_figures(border_af_tj_mi=None, water_lacking_share=None))
    assert "border_km_vs_mi" not in set(table["finding_id"])
    assert "water_lacking_vs_factbook" not in set(table["finding_id"])
    assert "border_af_tj_km_vs_factbook" in set(table["finding_id"])


def test_bad_inputs():
    with pytest.raises(InputError, match="quote"):
        run(figures=make_figures().drop(columns="quote"))
    two_snapshots = pd.concat([make_factbook(), make_factbook().assign(snapshot="2026-01-22")])
    with pytest.raises(InputError, match="one snapshot"):
        run(factbook=two_snapshots)


# --------------------------------------------------------------------------- (a) km vs mi


def test_km_and_mi_disagree():
    row = finding(run(), "border_km_vs_mi")
    assert row["verdict"] == INCONSISTENT
    assert row["reference_value"] == pytest.approx(843.2, abs=0.05)
    assert row["reference_unit"] == "mi"
    assert "843.2 mi" in row["reason"]
    assert "1,293.9 km" in row["reason"]
    assert row["comparison"].startswith("-4.6%")


def test_km_and_mi_agree_when_the_miles_are_right():
    table = run(figures=make_figures(border_af_tj_mi=843))
    row = finding(table, "border_km_vs_mi")
    assert row["verdict"] == CONSISTENT
    assert "843.2 mi" in row["reason"]
    assert finding(table, "border_af_tj_mi_vs_factbook")["verdict"] == CONSISTENT
    assert "border_af_tj_mi_matches_other" not in set(table["finding_id"])


# --------------------------------------------------------------------------- (b) Factbook


def test_border_against_the_factbook():
    table = run()
    km = finding(table, "border_af_tj_km_vs_factbook")
    assert km["verdict"] == CONSISTENT
    assert km["reference_value"] == 1357.0
    assert "both the Afghanistan and the Tajikistan profile" in km["reason"]
    assert finding(table, "border_af_tj_mi_vs_factbook")["verdict"] == INCONSISTENT


def test_border_against_a_different_factbook_value():
    table = run(factbook=make_factbook(tj_border=1400))
    row = finding(table, "border_af_tj_km_vs_factbook")
    assert row["verdict"] == INCONSISTENT
    assert "1,400 km" in row["reason"]
    assert "-3.1%" in row["comparison"]


def test_no_factbook_border_is_not_comparable():
    factbook = make_factbook()
    factbook = factbook[factbook["qualifier"] != "Tajikistan"]
    row = finding(run(factbook=factbook), "border_af_tj_km_vs_factbook")
    assert row["verdict"] == NOT_COMPARABLE


# --------------------------------------------------------------------------- other matches


def test_804_miles_is_the_turkmen_border_in_km():
    row = finding(run(), "border_af_tj_mi_matches_other")
    assert row["verdict"] == INCONSISTENT
    assert (row["reference_value"], row["reference_unit"]) == (804.0, "km")
    assert "Afghanistan–Turkmenistan" in row["reason"]
    assert "right after Tajikistan's" in row["reason"]


def test_no_match_when_the_turkmen_border_differs():
    table = run(factbook=make_factbook(tm_border=744))
    assert "border_af_tj_mi_matches_other" not in set(table["finding_id"])


def test_a_length_match_after_conversion():
    # 1312 km (Tajikistan-Uzbekistan) is 815.2 mi: a miles figure of 815 matches it as a length.
    row = finding(run(figures=make_figures(border_af_tj_mi=815)), "border_af_tj_mi_matches_other")
    assert "is the same length as" in row["reason"]
    assert "Tajikistan–Uzbekistan" in row["reason"]


# --------------------------------------------------------------------------- (e) measured


def test_measured_lengths_are_lower_bounds():
    table = run()
    row = finding(table, "border_af_tj_km_vs_measured_10m")
    assert row["verdict"] == CONSISTENT
    assert row["reference_value"] == 1172.0
    assert "15.8% longer" in row["reason"]
    assert finding(table, "border_af_tj_km_vs_measured_110m")["verdict"] == CONSISTENT


def test_a_figure_below_the_map_length_is_inconsistent():
    table = run(figures=make_figures(border_af_tj_km=1000))
    row = finding(table, "border_af_tj_km_vs_measured_10m")
    assert row["verdict"] == INCONSISTENT
    assert "below even this lower bound" in row["reason"]
    assert finding(table, "border_af_tj_km_vs_measured_110m")["verdict"] == CONSISTENT


# --------------------------------------------------------------------------- (c) water


def test_water_is_not_comparable_but_shows_the_unimproved_share():
    row = finding(run(), "water_lacking_vs_factbook")
    assert row["verdict"] == NOT_COMPARABLE
    assert (row["reference_value"], row["reference_unit"]) == (16.5, "percent")
    assert "16.5%" in row["reason"] and "21.4%" in row["reason"] and "2017" in row["reason"]
    assert "running water" in row["reason"]
    assert row["comparison"].startswith("ratio 3.03")


# --------------------------------------------------------------------------- (d) head counts


def test_head_counts_as_population_shares():
    table = run()
    soldiers = finding(table, "afghan_soldiers_fled_share_of_tajikistan_population")
    assert soldiers["comparison"] == "0.017% of the population"
    assert soldiers["verdict"] == NOT_COMPARABLE
    assert "8,990,874" in soldiers["reason"]
    afghan = finding(table, "afghan_soldiers_fled_share_of_afghanistan_population")
    assert afghan["comparison"] == "0.004% of the population"
    reservists = finding(table, "tajik_reservists_share_of_tajikistan_population")
    assert reservists["comparison"] == "0.22% of the population"
    assert "russian_base_troops_share_of_afghanistan_population" not in set(table["finding_id"])


def test_troops_against_the_armed_forces():
    table = run()
    assert finding(table, "russian_base_troops_vs_tajik_armed_forces")["comparison"] == "ratio 0.74"
    assert finding(table, "tajik_reservists_vs_tajik_armed_forces")["comparison"] == "ratio 2.11"


def test_territory_as_area():
    row = finding(run(), "taliban_territory_as_area")
    assert row["comparison"] == "554,395.5 sq km"
    assert row["verdict"] == NOT_COMPARABLE


# --------------------------------------------------------------------------- remittances


@pytest.mark.parametrize(
    ("share", "year", "verdict"),
    [(35.0, 2017, CONSISTENT), (20.0, 2019, INCONSISTENT), (49.9, 2022, NOT_COMPARABLE)],
)
def test_remittances(share: float, year: int, verdict: str):
    row = finding(run(factbook=make_factbook(remittances=(share, year))), "remittances_vs_factbook")
    assert row["verdict"] == verdict
    assert str(year) in row["reason"]


def test_tolerances_are_module_constants():
    assert findings.AGREEMENT_TOLERANCE == 0.01
    assert findings.MATCH_TOLERANCE == 0.01
    assert 0 < findings.WORDED_TOLERANCE < 0.5


# --------------------------------------------------------------------------- real data


def test_on_the_real_reference_data():
    from spillover.geo import border_lengths_measured
    from spillover.reference import factbook_table

    table = findings_table(make_figures(), factbook_table("2021-07-01"), border_lengths_measured())
    verdicts = dict(zip(table["finding_id"], table["verdict"], strict=True))
    assert verdicts["border_km_vs_mi"] == INCONSISTENT
    assert verdicts["border_af_tj_km_vs_factbook"] == CONSISTENT
    assert verdicts["border_af_tj_mi_matches_other"] == INCONSISTENT
    assert verdicts["water_lacking_vs_factbook"] == NOT_COMPARABLE
    assert verdicts["remittances_vs_factbook"] == CONSISTENT
    for scale in ("110m", "50m", "10m"):
        assert verdicts[f"border_af_tj_km_vs_measured_{scale}"] == CONSISTENT
    match = finding(table, "border_af_tj_mi_matches_other")
    assert "data/reference/factbook/2021-07-01/af.json" in match["reference_source"]
    assert "Turkmenistan 804 km" in match["reference_source"]
