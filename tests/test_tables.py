"""The tidy tables written by `spillover tables`: valid against their data package, anchored by
quote, with the article's figures, deterministic, and well-formed for an article without annotations."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import frictionless
import pandas as pd
import pytest

from spillover import schema
from spillover.article import Article, read_article
from spillover.extract import extract_mentions

KM_PER_MILE = 1.609344  # the international mile, by definition


def read_table(folder: Path, name: str) -> pd.DataFrame:
    """A written table as text, exactly as in the file (no NaN, no type guessing)."""
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def resources(folder: Path) -> list[dict]:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"]


def assert_valid_package(folder: Path) -> None:
    report = frictionless.validate(folder / "datapackage.json")
    if not report.valid:
        print(json.dumps(report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"]), indent=1))
    assert report.valid


def row(table: pd.DataFrame, **where: str) -> pd.Series:
    match = table
    for column, value in where.items():
        match = match[match[column] == value]
    assert len(match) == 1, (where, len(match))
    return match.iloc[0]


@pytest.fixture(scope="module")
def tables(seed_tables_dir: Path) -> dict[str, pd.DataFrame]:
    return {
        r["name"].replace("-", "_"): read_table(seed_tables_dir, r["path"][:-4])
        for r in resources(seed_tables_dir)
    }


@pytest.fixture(scope="module")
def runs(run_cli, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Output folders of two more `spillover tables` runs, run concurrently: the seed again, and
    an article without annotations (UNANNOTATED, below)."""
    again = tmp_path_factory.mktemp("again")
    folder = tmp_path_factory.mktemp("unannotated")
    article = folder / "border_talks.txt"  # there is no data/annotations/border_talks.yaml
    article.write_text(UNANNOTATED, encoding="utf-8")
    commands = {
        "again": ["tables", "--out", again],
        "unannotated": ["tables", "--article", article, "--out", folder / "out"],
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = {name: pool.submit(run_cli, *args) for name, args in commands.items()}
        for result in results.values():
            assert result.result().returncode == 0, result.result().stderr
    return {"again": again, "unannotated": folder / "out"}


# --- the package ----------------------------------------------------------------------------------


def test_tables_validate_against_their_data_package(seed_tables_dir: Path):
    assert_valid_package(seed_tables_dir)


def test_package_is_the_data_dictionary(seed_tables_dir: Path):
    written = json.loads((seed_tables_dir / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["path"].removesuffix(".csv") for r in written["resources"]]
    assert written == schema.datapackage(names)
    tables = {p.name for p in seed_tables_dir.iterdir() if p.is_file()}
    assert tables == {"datapackage.json", *(f"{n}.csv" for n in names)}
    core = {"mentions", "figures", "refugee_flows", "troop_deployments", "border_lengths", "timeline"}
    assert core <= set(names)
    for name in names:
        assert list(read_table(seed_tables_dir, name).columns) == schema.columns(name), name


def test_every_quote_sits_at_its_offsets(seed: Article, tables: dict[str, pd.DataFrame]):
    checked = {}
    for name, table in tables.items():
        quote = "text" if name == "mentions" else "quote"
        if not {quote, "start", "end"} <= set(table.columns):
            continue
        anchored = table[table[quote] != ""]
        for _, r in anchored.iterrows():
            assert seed.text[int(r["start"]) : int(r["end"])] == r[quote], (name, r.to_dict())
        checked[name] = len(anchored)
    assert checked["mentions"] == 32
    assert checked["figures"] == len(tables["figures"]) >= 28
    for name in ("refugee_flows", "troop_deployments", "border_lengths", "timeline"):
        assert checked[name] > 0, name


# --- the figures ----------------------------------------------------------------------------------


def test_refugee_flows(tables: dict[str, pd.DataFrame]):
    flows = tables["refugee_flows"]
    soldiers = row(flows, figure_id="afghan_soldiers_fled")
    assert (soldiers["group"], soldiers["quote"], float(soldiers["people"])) == ("soldiers", "1,500", 1500)
    assert (soldiers["origin"], soldiers["destination"], soldiers["status"]) == (
        "Afghanistan",
        "Tajikistan",
        "reported",
    )
    assert (soldiers["date"], soldiers["date_precision"]) == ("2021-07-05", "day")  # "Last Monday"
    civilians = row(flows, figure_id="civilians_fled")
    assert (civilians["group"], civilians["quote"], float(civilians["people"])) == (
        "civilians",
        "Another 1,000",
        1000,
    )
    assert civilians["qualifier"] == "another"
    projected = row(flows, group="refugees")
    assert (projected["status"], projected["quote"], projected["people"]) == (
        "projected",
        "many thousands",
        "",
    )
    assert float(projected["people_low"]) == 2000
    assert set(flows["status"]) == {"reported", "projected"}


def test_troop_deployments(tables: dict[str, pd.DataFrame]):
    troops = tables["troop_deployments"]
    expected = {
        "afghan_soldiers_fled": ("1,500", 1500, "fled", "Afghanistan"),
        "tajik_reservists": ("20,000", 20000, "mobilised", "Tajikistan"),
        "russian_base_troops": ("7,000", 7000, "stationed", "Russia"),
    }
    assert set(expected) <= set(troops["figure_id"])
    for figure_id, (quote, people, status, country) in expected.items():
        r = row(troops, figure_id=figure_id)
        assert (r["quote"], float(r["people"]), r["status"], r["country"]) == (quote, people, status, country)
    assert row(troops, figure_id="russian_base_troops")["location"] == "Tajikistan"


def test_border_lengths_from_the_article(tables: dict[str, pd.DataFrame]):
    borders = tables["border_lengths"]
    article = borders[borders["source"] == "article"]
    assert len(article) == 2
    km = row(article, figure_id="border_af_tj_km")
    assert (km["border"], km["quote"], km["stated_unit"]) == (
        "Afghanistan–Tajikistan",
        "1,357 kilometers",
        "kilometer",
    )
    assert float(km["stated_length"]) == float(km["length_km"]) == 1357
    assert float(km["length_mi"]) == pytest.approx(1357 / KM_PER_MILE)
    mi = row(article, figure_id="border_af_tj_mi")
    assert (mi["border"], mi["quote"], mi["stated_unit"]) == ("Afghanistan–Tajikistan", "804 miles", "mile")
    assert float(mi["stated_length"]) == float(mi["length_mi"]) == 804
    assert float(mi["length_km"]) == pytest.approx(804 * KM_PER_MILE)
    # Reference rows, when there are any, carry no quote.
    assert (borders[borders["source"] != "article"][["figure_id", "quote", "start", "end"]] == "").all().all()


@pytest.mark.parametrize(
    ("quote", "date", "precision", "first", "last"),
    [
        ("Last Monday", "2021-07-05", "day", "2021-07-05", "2021-07-05"),
        ("last Wednesday", "2021-07-07", "day", "2021-07-07", "2021-07-07"),
        ("July 8", "2021-07-08", "day", "2021-07-08", "2021-07-08"),
        ("In May", "2021-05", "month", "2021-05-01", "2021-05-31"),
        ("last week", "2021-W27", "week", "2021-07-05", "2021-07-11"),
        ("13 July 2021", "2021-07-13", "day", "2021-07-13", "2021-07-13"),
        ("the 1990s", "1990", "decade", "1990-01-01", "1999-12-31"),
        ("From 1994 to 2009", "1994/2009", "year", "1994-01-01", "2009-12-31"),
    ],
)
def test_timeline_dates(tables, quote, date, precision, first, last):
    event = row(tables["timeline"], quote=quote)
    assert (event["date"], event["date_precision"]) == (date, precision)
    assert (event["date_start"], event["date_end"]) == (first, last)
    assert event["event"] and event["figure_id"]


def test_timeline_is_in_date_order(tables):
    timeline = tables["timeline"]
    assert len(timeline) >= 13
    assert timeline["figure_id"].is_unique
    starts = list(zip(timeline["date_start"], timeline["start"].astype(int), strict=True))
    assert starts == sorted(starts)
    assert (
        "read as the most recent Monday it would be 2021-07-12"
        in row(timeline, quote="Last Monday")["date_note"]
    )


# --- determinism ----------------------------------------------------------------------------------


def test_two_runs_are_byte_for_byte_identical(seed_tables_dir: Path, runs: dict[str, Path]):
    first = {p.name: p.read_bytes() for p in sorted(seed_tables_dir.iterdir()) if p.is_file()}
    second = {p.name: p.read_bytes() for p in sorted(runs["again"].iterdir()) if p.is_file()}
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name
        assert b"\r\n" not in first[name], name


# --- an article without annotations ---------------------------------------------------------------

UNANNOTATED = """Border talks stall as refugees arrive

Jane Doe
8 July 2021

Last Monday, 300 refugees crossed the border, officials said. In May, some 2,000 troops were moved
to the 1,344 km frontier.

The talks began in 2019 and will resume next Friday.
"""


@pytest.fixture(scope="module")
def unannotated(runs: dict[str, Path]) -> tuple[Article, Path]:
    return read_article(runs["unannotated"].parent / "border_talks.txt"), runs["unannotated"]


def test_unannotated_article_gets_mentions_and_a_timeline(unannotated):
    article, out = unannotated
    mentions = read_table(out, "mentions")
    assert mentions["text"].tolist() == extract_mentions(article)["text"].tolist()
    assert mentions["text"].tolist() == [
        "8 July 2021",
        "Last Monday",
        "300",
        "In May",
        "some 2,000",
        "1,344 km",
        "2019",
        "next Friday",
    ]
    timeline = read_table(out, "timeline")
    assert list(timeline.columns) == schema.columns("timeline")
    assert timeline[["quote", "date", "date_precision"]].values.tolist() == [
        ["2019", "2019", "year"],
        ["In May", "2021-05", "month"],
        ["Last Monday", "2021-06-28", "day"],
        ["8 July 2021", "2021-07-08", "day"],
        ["next Friday", "2021-07-09", "day"],
    ]
    assert (
        row(timeline, quote="Last Monday")["event"]
        == "Last Monday, 300 refugees crossed the border, officials said."
    )
    for _, r in timeline.iterrows():
        assert article.text[int(r["start"]) : int(r["end"])] == r["quote"]


def test_unannotated_article_has_empty_figure_tables_with_columns(unannotated):
    _, out = unannotated
    for name in ("figures", "refugee_flows", "troop_deployments"):
        header = (out / f"{name}.csv").read_text(encoding="utf-8")
        assert header == ",".join(schema.columns(name)) + "\n", name
    borders = read_table(out, "border_lengths")
    assert list(borders.columns) == schema.columns("border_lengths")
    assert "article" not in set(borders["source"])


def test_unannotated_tables_validate_against_their_data_package(unannotated):
    _, out = unannotated
    assert_valid_package(out)
