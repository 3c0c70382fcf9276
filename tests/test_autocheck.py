"""Automatic checks (spillover.autocheck) and the Factbook gazetteer (spillover.reference).

The articles in tests/fixtures/ are synthetic, written for these tests (see the README
there). Expected Factbook values are read from the JSON profiles directly, never through
the code under test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from spillover import paths, schema
from spillover.article import Article, read_article
from spillover.autocheck import CONSISTENT, INCONSISTENT, NOT_CHECKABLE, TOLERANCE, auto_checks
from spillover.extract import extract_mentions
from spillover.reference import ALL, countries_named, factbook_table, find_countries, gazetteer, resolve_name

FIXTURES = Path(__file__).parent / "fixtures"
OLD, NEW = "2021-07-01", "2026-01-22"
MILE_KM = 1.609344  # the international mile, exactly


# ----------------------------------------------------------------------------- helpers


def raw(snapshot: str, gec: str) -> dict:
    return json.loads((paths.FACTBOOK / snapshot / f"{gec}.json").read_text(encoding="utf-8"))


def first_number(text: str) -> float:
    return float(re.search(r"\d[\d,]*(?:\.\d+)?", text).group(0).replace(",", ""))


def raw_population(snapshot: str, gec: str) -> float:
    node = raw(snapshot, gec)["People and Society"]["Population"]
    return first_number(node["total"]["text"] if "total" in node else node["text"])


def raw_border(snapshot: str, gec: str, partner: str) -> float:
    text = raw(snapshot, gec)["Geography"]["Land boundaries"]["border countries"]["text"]
    return float(re.search(rf"{partner} ([\d,]+) km", text).group(1).replace(",", ""))


def raw_area_total(snapshot: str, gec: str) -> float:
    area = {k.strip(): v for k, v in raw(snapshot, gec)["Geography"]["Area"].items()}
    return first_number(area["total"]["text"])


def checks_of(article: Article, snapshot: str = OLD) -> pd.DataFrame:
    return auto_checks(article.text, extract_mentions(article), factbook_table(snapshot, ALL))


def row(table: pd.DataFrame, quote: str) -> pd.Series:
    rows = table[table["quote"] == quote]
    assert len(rows) == 1, (quote, list(table["quote"]))
    return rows.iloc[0]


@pytest.fixture(scope="module")
def kenya() -> pd.DataFrame:
    return checks_of(read_article(FIXTURES / "autocheck_kenya.txt"))


@pytest.fixture(scope="module")
def france() -> pd.DataFrame:
    return checks_of(read_article(FIXTURES / "autocheck_france.txt"))


@pytest.fixture(scope="module")
def seed_checks(seed: Article) -> pd.DataFrame:
    return checks_of(seed)


@pytest.fixture
def check_text(tmp_article: Callable[..., Path]) -> Callable[..., pd.DataFrame]:
    """check_text(body) runs the checks on a scratch article with that body."""

    def run(body: str, snapshot: str = OLD, gecs: object = ALL) -> pd.DataFrame:
        article = read_article(tmp_article(f"A test article\n\nTest Writer\n1 March 2021\n\n{body}\n"))
        return auto_checks(article.text, extract_mentions(article), factbook_table(snapshot, gecs))

    return run


# ----------------------------------------------------------------------------- the table


@pytest.mark.parametrize("name", ["autocheck_kenya.txt", "autocheck_france.txt"])
def test_rows_follow_the_data_dictionary_and_quote_the_article(name: str):
    article = read_article(FIXTURES / name)
    table = checks_of(article)
    assert list(table.columns) == schema.columns("auto_checks")
    assert set(table["verdict"]) <= {CONSISTENT, INCONSISTENT, NOT_CHECKABLE}
    for r in table.itertuples():
        assert article.text[r.start : r.end] == r.quote
        assert r.reason
    assert list(table["check_id"]) == [f"ac{i:03d}" for i in range(1, len(table) + 1)]
    described = {c.name: c for c in schema.TABLES["auto_checks"][1]}
    assert all(c.type and c.description for c in described.values())


def test_only_sentences_that_state_a_country_fact_are_checked(kenya: pd.DataFrame):
    assert list(kenya["quote"]) == [
        "54.7 million",
        "224,081 square miles",
        "536 kilometres",
        "900 kilometres",
        "867 miles",
        "millions",
        "20 years",
    ]  # not "50 km from the border", "1,200 people attended", nor the census's "two years"


# ----------------------------------------------------------------------------- Kenya


def test_kenya_population_is_consistent_at_its_precision(kenya: pd.DataFrame):
    r = row(kenya, "54.7 million")
    population = raw_population(OLD, "ke")
    assert 54_650_000 <= population <= 54_750_000  # the fixture's premise
    assert (r["claim"], r["verdict"], r["country"]) == ("population", CONSISTENT, "Kenya")
    assert r["reference_value"] == population
    assert (r["stated_low"], r["stated_high"]) == (54_650_000, 54_750_000)
    assert "Kenya population" in r["matched"]


def test_kenya_area_in_square_miles_is_converted(kenya: pd.DataFrame):
    r = row(kenya, "224,081 square miles")
    area = raw_area_total(OLD, "ke")
    assert (r["claim"], r["verdict"], r["field"], r["qualifier"]) == ("area", CONSISTENT, "area", "total")
    assert r["reference_value"] == area
    assert r["reference_in_article_unit"] == pytest.approx(area / MILE_KM**2)
    assert r["article_unit"] == "mile ** 2"


def test_a_sentence_without_a_country_uses_the_one_named_before_it(kenya: pd.DataFrame):
    r = row(kenya, "536 kilometres")
    coast = first_number(raw(OLD, "ke")["Geography"]["Coastline"]["text"])
    assert coast == 536  # the fixture's premise
    assert (r["claim"], r["verdict"], r["country"]) == ("coastline", CONSISTENT, "Kenya")
    assert "names no country" in r["reason"]


def test_a_wrong_border_is_inconsistent(kenya: pd.DataFrame):
    r = row(kenya, "900 kilometres")
    border = raw_border(OLD, "ke", "Tanzania")
    assert (r["claim"], r["verdict"]) == ("land_boundary", INCONSISTENT)
    assert r["reference_value"] == border
    assert {r["gec"], r["qualifier"]} in ({"tz", "Kenya"}, {"ke", "Tanzania"})
    assert f"{(900 - border) / border:.1%} higher" in r["reason"]
    assert r["matched"] == ""
    assert "claimed: " in r["candidates"] and "Kenya–Uganda border" in r["candidates"]


def test_miles_that_are_the_kilometres_of_another_border(kenya: pd.DataFrame):
    r = row(kenya, "867 miles")
    ethiopia = raw_border(OLD, "ke", "Ethiopia")
    somalia = raw_border(OLD, "ke", "Somalia")
    assert ethiopia == 867  # the fixture's premise: the number is this border's km figure
    assert r["verdict"] == INCONSISTENT
    assert r["reference_value"] == somalia  # the border the sentence claims
    assert r["reference_in_article_unit"] == pytest.approx(somalia / MILE_KM)
    assert r["matched"] == f"Kenya–Ethiopia border {ethiopia:,.0f} km, read as 867 mi without conversion"
    assert "equals another Factbook figure" in r["reason"]


def test_vague_amounts_are_never_checked(kenya: pd.DataFrame):
    r = row(kenya, "millions")
    assert (r["claim"], r["verdict"]) == ("population", NOT_CHECKABLE)
    assert "vague" in r["reason"] and r["reference_source"] == ""


def test_median_age(kenya: pd.DataFrame):
    r = row(kenya, "20 years")
    ages = {k.strip(): v["text"] for k, v in raw(OLD, "ke")["People and Society"]["Median age"].items()}
    assert (r["claim"], r["verdict"], r["reference_value"]) == (
        "median_age",
        CONSISTENT,
        first_number(ages["total"]),
    )
    assert (r["stated_low"], r["stated_high"]) == (19.5, 20.5)  # "20" is two figures, not one


def test_a_later_snapshot_is_within_the_population_tolerance():
    table = checks_of(read_article(FIXTURES / "autocheck_kenya.txt"), NEW)
    r = row(table, "54.7 million")
    population = raw_population(NEW, "ke")
    assert not 54_650_000 <= population <= 54_750_000
    assert abs(population - 54_700_000) / population < TOLERANCE["population"][0]
    assert r["verdict"] == CONSISTENT and "within 5%" in r["reason"]
    assert (r["snapshot"], r["reference_value"]) == (NEW, population)


# ----------------------------------------------------------------------------- France


def test_france(france: pd.DataFrame):
    population = row(france, "68 million")
    assert (population["verdict"], population["reference_value"]) == (CONSISTENT, raw_population(OLD, "fr"))

    spain = row(france, "1,000 kilometres")
    assert spain["verdict"] == INCONSISTENT
    assert spain["reference_value"] == raw_border(OLD, "fr", "Spain")
    assert spain["matched"] == ""  # a round number is not matched to other figures by chance

    belgium = row(france, "345 miles")
    assert belgium["verdict"] == CONSISTENT
    assert belgium["reference_in_article_unit"] == pytest.approx(raw_border(OLD, "fr", "Belgium") / MILE_KM)

    stretch = row(france, "12-kilometre")
    assert stretch["verdict"] == NOT_CHECKABLE and "something else" in stretch["reason"]

    assert row(france, "41.7 years")["verdict"] == CONSISTENT
    alone = row(france, "about 60 million")
    assert alone["verdict"] == NOT_CHECKABLE and "names no country" in alone["reason"]


# ----------------------------------------------------------------------------- the seed


def test_the_seed_border_in_km_and_in_miles(seed_checks: pd.DataFrame):
    assert list(seed_checks["quote"]) == ["1,357 kilometers", "804 miles"]
    km = row(seed_checks, "1,357 kilometers")
    tajik = raw_border(OLD, "af", "Tajikistan")
    assert (km["verdict"], km["reference_value"]) == (CONSISTENT, tajik)
    miles = row(seed_checks, "804 miles")
    turkmen = raw_border(OLD, "af", "Turkmenistan")
    assert turkmen == 804
    assert miles["verdict"] == INCONSISTENT
    assert miles["reference_in_article_unit"] == pytest.approx(tajik / MILE_KM)
    assert miles["matched"] == "Afghanistan–Turkmenistan border 804 km, read as 804 mi without conversion"


# ----------------------------------------------------------------------------- small cases


def test_a_number_in_the_wrong_unit(check_text):
    table = check_text("Kenya's border with Uganda is 814 miles long.")
    r = row(table, "814 miles")
    assert raw_border(OLD, "ke", "Uganda") == 814
    assert r["verdict"] == INCONSISTENT and "unit looks wrong" in r["reason"]


def test_qualifiers_bound_one_side(check_text):
    population = raw_population(OLD, "ke")
    assert 54e6 < population < 55e6
    over = row(check_text("Kenya, home to over 54 million people, voted."), "over 54 million")
    assert (over["stated_low"], over["stated_high"], over["verdict"]) == (54e6, 55e6, CONSISTENT)
    almost = row(check_text("Kenya, home to almost 50 million people, voted."), "almost 50 million")
    assert almost["verdict"] == INCONSISTENT


def test_not_checkable_cases(check_text):
    no_border = row(check_text("The border between Kenya and France is 500 km long."), "500 km")
    assert no_border["verdict"] == NOT_CHECKABLE
    assert re.search("lists no (Kenya–France|France–Kenya) border", no_border["reason"])
    missing = row(check_text("Kenya, home to 54.7 million people, voted.", gecs=["fr"]), "54.7 million")
    assert missing["verdict"] == NOT_CHECKABLE and "no rows for Kenya" in missing["reason"]
    # The extractor reads the scale word, so the figure is checked in dollars (it was not before).
    gdp = row(check_text("France's GDP reached $2.7 trillion."), "$2.7 trillion")
    assert gdp["verdict"] == "consistent" and 2.6e12 < gdp["reference_value"] < 2.8e12
    nowhere = check_text("Home to 5 million people, the city grew.")
    assert row(nowhere, "5 million")["verdict"] == NOT_CHECKABLE


def test_distances_and_crowds_are_not_claims(check_text):
    table = check_text(
        "Troops camped 20 km from the border with Kenya. Some 3,000 people live within 10 km of "
        "the Kenyan border. In Kenya, 1,000 people marched."
    )
    assert table.empty


def test_one_snapshot_only():
    both = pd.concat([factbook_table(OLD, ["ke"]), factbook_table(NEW, ["ke"])])
    with pytest.raises(ValueError, match="one snapshot"):
        auto_checks("Kenya", pd.DataFrame(columns=["text", "start", "end", "kind"]), both)


# ----------------------------------------------------------------------------- gazetteer


def test_names_and_demonyms_come_from_the_profiles():
    text = "Afghan refugees reached Kenya, where Kenyans and the French watched Tajikistan."
    named = countries_named(text)
    assert list(named["gec"]) == ["af", "ke", "fr", "ti"]
    assert list(named["name"]) == ["Afghan", "Kenya", "French", "Tajikistan"]
    for r in named.itertuples():
        assert text[r.start : r.end] == r.name
    for gec in ("af", "ke", "fr"):
        adjective = raw(OLD, gec)["People and Society"]["Nationality"]["adjective"]["text"]
        assert adjective in set(named["name"]) | {"Kenyan"}


def test_every_plain_short_name_of_the_factbook_is_in_the_gazetteer():
    stops = yaml.safe_load((paths.REFERENCE / "gazetteer.yaml").read_text(encoding="utf-8"))
    never = {e["name"] for e in stops["ambiguous"] if e["rule"] == "never"}
    gaz = gazetteer(OLD)
    checked = 0
    for path in sorted((paths.FACTBOOK / OLD).glob("*.json")):
        names = json.loads(path.read_text(encoding="utf-8")).get("Government", {}).get("Country name") or {}
        short = (names.get("conventional short form") or {}).get("text", "")
        if re.fullmatch(r"[A-Z][\w' -]+", short) and short not in never:
            assert gaz.gec_of.get(short) == path.stem, short
            checked += 1
    assert checked > 200


def test_no_false_matches_for_capitalised_words():
    text = (
        "Chad Smith met fans of Michael Jordan in New Jersey and Jersey City, then went to "
        "Atlanta, Georgia; the World Bank and Latin American lenders, the Korean and the "
        "Dominican communities, and a china cup."
    )
    assert countries_named(text).empty, countries_named(text)
    assert list(countries_named("Troops left Chad, then Jordan.")["gec"]) == ["cd", "jo"]


def test_every_match_starts_with_a_capital_and_is_a_whole_word():
    text = "afghanistan, Afghanistanis, the Sudanese and South Sudan, Papua New Guinea."
    found = find_countries(text)
    assert list(found["name"]) == ["Sudanese", "South Sudan", "Papua New Guinea"]
    assert list(found["gec"]) == ["su", "od", "pp"]


def test_factbook_partner_names_resolve():
    assert resolve_name("US") == "us"
    assert resolve_name("China (southeast)") == "ch"
    assert resolve_name("Georgia") == "gg"  # the stop list is for free text only
    assert resolve_name("Republic of the Congo") == "cf"
    assert resolve_name("Atlantis") is None
