"""The Factbook reader on both snapshots, its regexes, and its errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from spillover import paths
from spillover.errors import InputError
from spillover.reference import (
    ALL,
    COLUMNS,
    DEFAULT_GECS,
    GEC_TO_ISO3,
    SKIP_COLUMNS,
    drinking_water_balance,
    factbook_skips,
    factbook_table,
    load_profile,
    lookup,
    parse_border_partners,
    parse_coordinates,
    parse_number,
    parse_year,
    profile_gecs,
    snapshots,
)

SNAPSHOTS = ("2021-07-01", "2026-01-22")
AFGHAN_NEIGHBOURS = {"China", "Iran", "Pakistan", "Tajikistan", "Turkmenistan", "Uzbekistan"}


@pytest.fixture(scope="module", params=SNAPSHOTS)
def table(request: pytest.FixtureRequest) -> pd.DataFrame:
    return factbook_table(request.param)


def value(table: pd.DataFrame, country: str, field: str, qualifier: str = "") -> pd.Series:
    row = lookup(table, country, field, qualifier)
    assert row is not None, (country, field, qualifier)
    return row


def test_snapshots_lists_both_dated_folders():
    assert snapshots() == list(SNAPSHOTS)


def test_columns_and_types(table: pd.DataFrame):
    assert list(table.columns) == list(COLUMNS)
    assert table["value"].dtype == "float64"
    assert str(table["estimate_year"].dtype) == "Int64"
    for column in set(COLUMNS) - {"value", "estimate_year"}:
        assert table[column].map(type).eq(str).all(), column
    assert table["snapshot"].nunique() == 1
    assert not table["source_text"].str.contains(r"<[a-z/]|&[a-z]+;", regex=True).any()


def test_row_order_is_deterministic(table: pd.DataFrame):
    again = factbook_table(table["snapshot"].iloc[0])
    pd.testing.assert_frame_equal(table, again)
    assert list(table["gec"].drop_duplicates()) == sorted(GEC_TO_ISO3)


def test_source_path_points_at_the_file(table: pd.DataFrame):
    snap = table["snapshot"].iloc[0]
    row = value(table, "Tajikistan", "population")
    assert row["source_path"] == f"data/reference/factbook/{snap}/ti.json"
    assert (paths.ROOT / row["source_path"]).is_file()


def test_tajik_border_is_1357_km_from_both_sides(table: pd.DataFrame):
    assert value(table, "Afghanistan", "land_boundary_km", "Tajikistan")["value"] == 1357.0
    assert value(table, "Tajikistan", "land_boundary_km", "Afghanistan")["value"] == 1357.0
    assert value(table, "Afghanistan", "land_boundary_km", "Tajikistan")["unit"] == "km"


def test_afghanistan_has_six_borders_adding_up_to_the_total(table: pd.DataFrame):
    rows = table[(table["country"] == "Afghanistan") & (table["field"] == "land_boundary_km")]
    partners = rows[rows["qualifier"] != "total"]
    assert set(partners["qualifier"]) == AFGHAN_NEIGHBOURS
    assert len(partners) == 6
    total = rows[rows["qualifier"] == "total"]["value"].item()
    assert total == 5987.0
    assert partners["value"].sum() == total


def test_russia_split_borders_keep_their_parts(table: pd.DataFrame):
    rows = table[(table["country"] == "Russia") & (table["field"] == "land_boundary_km")]
    by_partner = dict(zip(rows["qualifier"], rows["value"], strict=True))
    assert by_partner["China (southeast)"] == 4133.0
    assert by_partner["China (south)"] == 46.0
    assert by_partner["Kazakhstan"] == 7644.0


@pytest.mark.parametrize(
    ("snapshot", "population", "year"),
    [("2021-07-01", 8_990_874.0, 2021), ("2026-01-22", 10_593_876.0, 2025)],
)
def test_population_is_a_number_with_its_year(snapshot: str, population: float, year: int):
    row = value(factbook_table(snapshot), "Tajikistan", "population")
    assert row["value"] == population
    assert row["estimate_year"] == year
    assert row["unit"] == "people"


@pytest.mark.parametrize(
    ("snapshot", "improved", "unimproved", "rural_unimproved", "year"),
    [("2021-07-01", 83.5, 16.5, 21.4, 2017), ("2026-01-22", 81.9, 18.1, 23.4, 2022)],
)
def test_drinking_water_values_and_years(
    snapshot: str, improved: float, unimproved: float, rural_unimproved: float, year: int
):
    table = factbook_table(snapshot)
    imp = value(table, "Tajikistan", "drinking_water_improved", "total")
    unimp = value(table, "Tajikistan", "drinking_water_unimproved", "total")
    rural = value(table, "Tajikistan", "drinking_water_unimproved", "rural")
    assert (imp["value"], unimp["value"], rural["value"]) == (improved, unimproved, rural_unimproved)
    assert imp["unit"] == "percent"
    assert imp["estimate_year"] == year
    if snapshot == "2021-07-01":
        # Only the group's last line carries "(2017 est.)"; the others inherit its year.
        assert parse_year(imp["source_text"]) is None
        assert parse_year(unimp["source_text"]) == 2017


def test_area_poverty_and_capitals(table: pd.DataFrame):
    assert value(table, "Tajikistan", "area", "total")["value"] == 144_100.0
    assert value(table, "Tajikistan", "area", "land")["value"] == 141_510.0
    assert value(table, "Tajikistan", "area", "water")["value"] == 2_590.0
    assert value(table, "Afghanistan", "below_poverty_line")["value"] == 54.5
    assert value(table, "Afghanistan", "below_poverty_line")["estimate_year"] == 2016
    lat = value(table, "Afghanistan", "capital_latitude", "Kabul")
    lon = value(table, "Afghanistan", "capital_longitude", "Kabul")
    assert lat["value"] == pytest.approx(34 + 31 / 60)
    assert lon["value"] == pytest.approx(69 + 11 / 60)
    assert lat["unit"] == "degrees"


def test_optional_fields_may_be_absent():
    table = factbook_table("2026-01-22")
    assert lookup(table, "Iran", "below_poverty_line") is None
    kazakh_water = table[(table["country"] == "Kazakhstan") & table["field"].str.contains("water")]
    assert set(kazakh_water["qualifier"]) == {"urban"}


def test_remittances_from_both_formats():
    old = value(factbook_table("2021-07-01"), "Tajikistan", "remittances_gdp", "economic overview")
    assert (old["value"], old["estimate_year"]) == (35.0, 2017)
    new = value(factbook_table("2026-01-22"), "Tajikistan", "remittances_gdp")
    assert (new["value"], new["estimate_year"]) == (47.9, 2024)  # the most recent year


def test_active_troops_skip_ranges_and_subgroups():
    old = factbook_table("2021-07-01")
    assert value(old, "Tajikistan", "active_military_personnel")["value"] == 9_500.0
    # Iran's text gives a range for the whole force; "90,000 active Basij" is a subgroup.
    assert lookup(old, "Iran", "active_military_personnel") is None
    # Kyrgyzstan 2026: "estimated 10-15,000 active Armed Forces" is a range.
    assert lookup(factbook_table("2026-01-22"), "Kyrgyzstan", "active_military_personnel") is None


def test_water_balance_flags_the_2021_afghan_slip():
    balance = drinking_water_balance(factbook_table("2021-07-01"))
    sums = balance.set_index(["country", "qualifier"])["sum"]
    assert sums[("Tajikistan", "total")] == pytest.approx(100.0)
    # The 2021 Afghan profile repeats the rural 38.6% as the unimproved total.
    assert sums[("Afghanistan", "total")] == pytest.approx(108.8)
    later = drinking_water_balance(factbook_table("2026-01-22")).set_index(["country", "qualifier"])
    assert later["sum"][("Afghanistan", "total")] == pytest.approx(100.0)


def test_gec_mapping_agrees_with_source_md():
    text = (paths.FACTBOOK / "SOURCE.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([a-z]{2}) \| [^|]+ \| ([A-Z]{3}) \|$", text, flags=re.MULTILINE)
    assert dict(rows) == GEC_TO_ISO3


# ----------------------------------------------------------------------------- regexes


@pytest.mark.parametrize(
    "text",
    [
        "China 91 km, Iran 921 km, Pakistan 2670 km, Tajikistan 1357 km",
        "China 91 km; Iran 921 km; Pakistan 2,670 km; Tajikistan 1,357 km",
    ],
)
def test_border_partners_in_both_formats(text: str):
    partners = parse_border_partners(text)
    assert [(name, km) for name, km, _ in partners] == [
        ("China", 91.0),
        ("Iran", 921.0),
        ("Pakistan", 2670.0),
        ("Tajikistan", 1357.0),
    ]


def test_border_partners_with_and_and_parentheses():
    partners = parse_border_partners("China (southeast) 4133 km and China (south) 46 km")
    assert [(n, k) for n, k, _ in partners] == [("China (southeast)", 4133.0), ("China (south)", 46.0)]


def test_border_partners_reject_leftover_text():
    with pytest.raises(ValueError, match="unparsed"):
        parse_border_partners("Tajikistan 1357 km, Turkmenistan about eight hundred")


def test_numbers_years_and_coordinates():
    assert parse_number("37,466,414 (July 2021 est.)") == 37_466_414.0
    assert parse_number("2.993 million (2019)") == pytest.approx(2_993_000.0)
    assert parse_year("37,466,414 (July 2021 est.)") == 2021
    assert parse_year("total: 16.5% of population (2017 est.)") == 2017
    assert parse_year("urban: 96.2% of population") is None
    assert parse_coordinates("12 30 S, 45 15 W") == (-12.5, -45.25)
    assert parse_coordinates("55 45 N, 37 36 E") == pytest.approx((55.75, 37.6))
    with pytest.raises(ValueError):
        parse_coordinates("55.75, 37.6")


# ----------------------------------------------------------------------------- errors


def test_unknown_snapshot_lists_the_available_ones():
    with pytest.raises(InputError, match=r"2020-01-01.*2021-07-01, 2026-01-22"):
        factbook_table("2020-01-01")


def test_unknown_country_code():
    # "xx" (the World) exists since the full Factbook arrived; "qq" is no GEC code.
    with pytest.raises(InputError, match=r"'qq'.*aa, ac, ae, af"):
        load_profile("qq", "2021-07-01")


def _tmp_factbook(tmp_path: Path) -> Path:
    root = tmp_path / "factbook"
    shutil.copytree(paths.FACTBOOK / "2021-07-01", root / "2021-07-01")
    return root


def _edit(path: Path, edit) -> None:
    profile = json.loads(path.read_text(encoding="utf-8"))
    edit(profile)
    path.write_text(json.dumps(profile), encoding="utf-8")


def test_tmp_copy_parses_like_the_original(tmp_path: Path):
    root = _tmp_factbook(tmp_path)
    copy = factbook_table("2021-07-01", factbook_dir=root)
    original = factbook_table("2021-07-01")
    pd.testing.assert_frame_equal(copy.drop(columns="source_path"), original.drop(columns="source_path"))


def test_malformed_border_raises_naming_file_and_field(tmp_path: Path):
    root = _tmp_factbook(tmp_path)

    def break_border(profile: dict) -> None:
        boundaries = profile["Geography"]["Land boundaries"]
        boundaries["border countries"]["text"] = "Afghanistan roughly 1357 kilometres, China 477 km"

    _edit(root / "2021-07-01" / "ti.json", break_border)
    with pytest.raises(InputError, match=r"ti\.json.*Land boundaries / border countries"):
        factbook_table("2021-07-01", factbook_dir=root)


def test_malformed_population_raises_naming_file_and_field(tmp_path: Path):
    root = _tmp_factbook(tmp_path)

    def break_population(profile: dict) -> None:
        profile["People and Society"]["Population"]["text"] = "about nine million (2021 est.)"

    _edit(root / "2021-07-01" / "af.json", break_population)
    with pytest.raises(InputError, match=r"af\.json.*People and Society / Population"):
        factbook_table("2021-07-01", factbook_dir=root)


def test_missing_required_field_raises(tmp_path: Path):
    root = _tmp_factbook(tmp_path)
    _edit(root / "2021-07-01" / "uz.json", lambda p: p["Geography"].pop("Area"))
    with pytest.raises(InputError, match=r"uz\.json.*Geography / Area.*missing"):
        factbook_table("2021-07-01", factbook_dir=root)


def test_invalid_json_raises(tmp_path: Path):
    root = _tmp_factbook(tmp_path)
    (root / "2021-07-01" / "kg.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"kg\.json.*not valid JSON"):
        load_profile("kg", "2021-07-01", factbook_dir=root)


# ----------------------------------------------------------------------------- all 261 profiles


def _raw(snapshot: str, gec: str) -> dict:
    """A profile as the JSON holds it, read without the code under test."""
    path = paths.FACTBOOK / snapshot / f"{gec}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _raw_number(text: str) -> float:
    """The first number of a Factbook text, read independently of the reader's regexes."""
    return float(re.search(r"\d[\d,]*(?:\.\d+)?", text).group(0).replace(",", ""))


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
def test_every_profile_parses(snapshot: str):
    gecs = sorted(p.stem for p in (paths.FACTBOOK / snapshot).glob("*.json"))
    assert len(gecs) == 261
    assert profile_gecs(snapshot) == gecs
    table = factbook_table(snapshot, ALL)
    assert table["gec"].nunique() == 261
    assert list(table["gec"].drop_duplicates()) == gecs
    names = table.drop_duplicates("gec")["country"]
    assert not names.duplicated().any() and names.str.len().gt(0).all()
    assert table["value"].notna().all()


def test_every_file_is_the_shared_copy_byte_for_byte():
    shared = paths.ROOT.parent / "shared" / "data" / "factbook"
    if not shared.is_dir():
        pytest.skip("no shared copy of the Factbook beside the project")
    for snapshot in SNAPSHOTS:
        ours = sorted((paths.FACTBOOK / snapshot).glob("*.json"))
        assert [p.name for p in ours] == sorted(p.name for p in (shared / snapshot).glob("*.json"))
        for path in ours:
            assert path.read_bytes() == (shared / snapshot / path.name).read_bytes(), path


def test_selecting_countries():
    both = factbook_table("2021-07-01", gecs=["ke", "fr", "ke"])
    assert list(both["gec"].drop_duplicates()) == ["fr", "ke"]
    assert set(factbook_table("2021-07-01", gecs="ke")["country"]) == {"Kenya"}
    assert factbook_table("2021-07-01", gecs=[]).empty
    assert set(factbook_table("2021-07-01")["gec"]) == set(DEFAULT_GECS)
    with pytest.raises(InputError, match=r"'qq'"):
        factbook_table("2021-07-01", gecs=["qq"])


def test_the_ten_countries_rows_are_the_same_in_the_full_table():
    for snapshot in SNAPSHOTS:
        ten = factbook_table(snapshot)
        full = factbook_table(snapshot, ALL)
        again = full[full["gec"].isin(DEFAULT_GECS)].reset_index(drop=True)
        pd.testing.assert_frame_equal(again, ten)


@pytest.mark.parametrize("snapshot", SNAPSHOTS)
def test_kenya_and_france_against_their_json(snapshot: str):
    table = factbook_table(snapshot, ["ke", "fr"])
    kenya, france = _raw(snapshot, "ke"), _raw(snapshot, "fr")
    coast = _raw_number(kenya["Geography"]["Coastline"]["text"])
    assert value(table, "Kenya", "coastline_km")["value"] == coast
    borders = kenya["Geography"]["Land boundaries"]["border countries"]["text"]
    tanzania = float(re.search(r"Tanzania ([\d,]+) km", borders).group(1).replace(",", ""))
    assert value(table, "Kenya", "land_boundary_km", "Tanzania")["value"] == tanzania
    ages = {k.strip(): v["text"] for k, v in france["People and Society"]["Median age"].items()}
    assert value(table, "France", "median_age", "total")["value"] == _raw_number(ages["total"])
    assert value(table, "France", "median_age", "total")["unit"] == "years"
    life = france["People and Society"]["Life expectancy at birth"]["total population"]["text"]
    assert value(table, "France", "life_expectancy_at_birth", "total")["value"] == _raw_number(life)
    gdp = value(table, "France", "gdp_official_exchange_rate")
    assert gdp["unit"] == "USD" and gdp["value"] > 1e12  # "$2,715,574,000,000" or "$3.162 trillion"
    # France's area text carries metropolitan France after a semicolon; the total comes first.
    area = {k.strip(): v for k, v in france["Geography"]["Area"].items()}["total"]["text"]
    assert value(table, "France", "area", "total")["value"] == _raw_number(area)


def test_absent_fields_give_no_rows():
    ocean = factbook_table("2021-07-01", ["zn"])
    assert set(ocean["field"]) == {"area", "coastline_km"}
    assert ocean["country"].iloc[0] == "Pacific Ocean"
    antarctica = factbook_table("2026-01-22", ["ay"])
    assert lookup(antarctica, "Antarctica", "population") is None


def test_skipped_fields_are_listed_with_their_reason():
    skips = factbook_skips("2021-07-01")
    assert list(skips.columns) == list(SKIP_COLUMNS)
    assert skips["reason"].str.len().gt(0).all()
    by_field = skips.set_index(["gec", "field", "label"])["reason"]
    assert "NA" in by_field[("od", "area", "Geography / Area / land")]
    assert "negligible" in by_field[("do", "area", "Geography / Area / water")]
    assert "upper bound" in by_field[("cr", "area", "Geography / Area / total")]
    assert "no permanent population" in by_field[("bv", "population", "People and Society / Population")]
    assert "qualified" in by_field[("ax", "population", "People and Society / Population")]
    # a value skipped is not in the table
    assert lookup(factbook_table("2021-07-01", ["od"]), "South Sudan", "area", "land") is None


def test_a_word_instead_of_a_figure_is_skipped_but_a_broken_figure_raises(tmp_path: Path):
    root = _tmp_factbook(tmp_path)

    def no_figure(profile: dict) -> None:
        profile["People and Society"]["Population"]["text"] = "NA"
        profile["Geography"]["Coastline"]["text"] = "about 500 km"

    _edit(root / "2021-07-01" / "af.json", lambda p: p["Geography"].pop("Coastline"))
    _edit(root / "2021-07-01" / "ti.json", lambda p: p["People and Society"].pop("Population"))
    ti = factbook_table("2021-07-01", ["ti"], factbook_dir=root)
    assert lookup(ti, "Tajikistan", "population") is None  # absent: no row, no error
    _edit(root / "2021-07-01" / "uz.json", no_figure)
    with pytest.raises(InputError, match=r"uz\.json.*Geography / Coastline.*about 500 km"):
        factbook_table("2021-07-01", ["uz"], factbook_dir=root)


def test_unnamed_profiles_take_their_names_from_their_introduction():
    data = yaml.safe_load((paths.REFERENCE / "gazetteer.yaml").read_text(encoding="utf-8"))
    for snapshot in SNAPSHOTS:
        table = factbook_table(snapshot, list(data["unnamed_profiles"]))
        for gec, entry in data["unnamed_profiles"].items():
            profile = _raw(snapshot, gec)
            names = profile.get("Government", {}).get("Country name") or {}
            assert "conventional short form" not in names and "conventional long form" not in names
            introduction = json.dumps(profile["Introduction"]).lower()
            assert entry["name"].lower() in introduction, (snapshot, gec)
            assert set(table[table["gec"] == gec]["country"]) == {entry["name"]}


def test_cached_parse_sees_a_changed_file(tmp_path: Path):
    root = _tmp_factbook(tmp_path)
    before = factbook_table("2021-07-01", ["ti"], factbook_dir=root)
    assert value(before, "Tajikistan", "population")["value"] == 8_990_874.0

    def change(profile: dict) -> None:
        profile["People and Society"]["Population"]["text"] = "9,000,001 (July 2021 est.)"

    _edit(root / "2021-07-01" / "ti.json", change)
    after = factbook_table("2021-07-01", ["ti"], factbook_dir=root)
    assert value(after, "Tajikistan", "population")["value"] == 9_000_001.0
