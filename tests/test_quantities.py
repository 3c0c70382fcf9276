"""What a figure measures and the words it counts, inferred with no curation; its chart."""

from __future__ import annotations

import pandas as pd
import pytest

from spillover.article import read_article
from spillover.charts import quantities as quantity_chart
from spillover.extract import extract_mentions
from spillover.quantities import counted_words, measure_of, quantities_table

SPEECH = """Evacuation update

By J. Doe
16 August 2021

We evacuated 70,700 people from the airport. Congress approved $88 billion in aid. Some 12
percent of the flights left at night, and 3 aircraft were damaged. The runway is 3,200 meters
long, and 25,000 soldiers guarded it. Tens of thousands of residents waited outside.
"""


@pytest.fixture
def speech(tmp_path):
    path = tmp_path / "speech.txt"
    path.write_text(SPEECH, encoding="utf-8")
    article = read_article(path)
    return article, quantities_table(article.text, extract_mentions(article))


def row(table: pd.DataFrame, quote: str) -> pd.Series:
    found = table[table["quote"].str.contains(quote, regex=False)]
    assert len(found) == 1, (quote, table["quote"].tolist())
    return found.iloc[0]


def test_the_words_a_number_counts(speech):
    _, table = speech
    assert row(table, "70,700")["counted"] == "people"
    assert row(table, "25,000")["counted"] == "soldiers guarded"
    assert row(table, "3,200")["counted"] == "long"


def test_counts_of_people_are_told_from_other_counts(speech):
    _, table = speech
    assert row(table, "70,700")["measure"] == "people"
    assert row(table, "25,000")["measure"] == "people"
    assert measure_of("count", "aircraft were damaged") == "other counts"
    assert measure_of("count", "civilians fled") == "people"
    assert measure_of("date", "") is None


def test_lengths_and_shares_are_in_one_unit_each(speech):
    _, table = speech
    runway = row(table, "3,200")
    assert runway["measure"] == "lengths" and runway["unit"] == "kilometer"
    assert runway["value"] == pytest.approx(3.2)
    share = row(table, "12")
    assert share["measure"] == "shares" and share["unit"] == "percent" and share["value"] == 12


def test_a_fraction_is_a_share_in_percent():
    text = "About a third of the wells run dry."
    mentions = pd.DataFrame(
        [
            {
                "mention_id": "m001",
                "text": "a third",
                "start": 6,
                "end": 13,
                "kind": "fraction",
                "value": 1 / 3,
                "low": 1 / 3,
                "high": 1 / 3,
                "unit": "fraction",
                "sentence_start": 0,
                "sentence_end": len(text),
            }
        ]
    )
    table = quantities_table(text, mentions)
    assert table.loc[0, "value"] == pytest.approx(100 / 3) and table.loc[0, "unit"] == "percent"
    assert table.loc[0, "counted"].startswith("of the wells")


def test_the_phrase_stops_at_punctuation_and_verbs():
    text = "Officials said 400 workers, mostly women, were hired."
    assert counted_words(text, text.index("400") + 3, len(text)) == "workers"
    text = "The fund spent $3 billion on roads and schools."
    assert counted_words(text, text.index("billion") + 7, len(text)) == "on roads"


def test_the_chart_draws_stated_numbers_only_and_names_the_vague_ones():
    quantities = pd.DataFrame(
        {
            "mention_id": ["m1", "m2", "m3", "m4"],
            "quote": ["1,500", "Another 1,000", "many thousands", "20,000"],
            "start": [0, 10, 20, 30],
            "end": [5, 23, 34, 36],
            "measure": ["people"] * 4,
            "counted": ["soldiers fled", "civilians fled", "refugees", "reservists"],
            "value": [1500.0, 1000.0, float("nan"), 20000.0],
            "low": [1500.0, 1000.0, 2000.0, 20000.0],
            "high": [1500.0, 1000.0, float("nan"), 20000.0],
            "unit": ["", "", "", ""],
        }
    )
    chart = quantity_chart.build(quantities, "people", "", credit="A. Writer, “A headline”")
    assert chart.data["quote"].tolist() == ["20,000", "1,500", "Another 1,000"]
    assert "“20,000” (reservists)" in chart.title
    assert "“many thousands”" in chart.caption and "no number" in chart.caption
    bars = chart.plotly.data[0]
    assert list(bars.x) == [20000.0, 1500.0, 1000.0]
    assert chart.source.startswith("Source: A. Writer") and "reservists = 20,000" in chart.alt


NEW_KINDS = """Storm and harbour

By K. L. Moreno
4 June 2024

Winds reached 90 knots and the temperature fell to -12°C, then to 14°F. The port moved 3,000 tonnes
of grain and 2 million barrels of oil. A 1,200-megawatt plant produced 5 TWh. It was the
second-worst storm, three times as strong as the last. Water stood at 30 degrees.
"""


@pytest.fixture
def new_kinds(tmp_path):
    path = tmp_path / "storm.txt"
    path.write_text(NEW_KINDS, encoding="utf-8")
    article = read_article(path)
    return extract_mentions(article), quantities_table(article.text, extract_mentions(article))


def test_every_kind_the_extractor_emits_has_a_measure_or_is_on_the_timeline():
    from spillover.extract import KINDS
    from spillover.quantities import TIMELINE_KINDS

    for kind in KINDS:
        assert (measure_of(kind, "people") is None) == (kind in TIMELINE_KINDS), kind
    for measure in {measure_of(kind, "") for kind in KINDS} - {None}:
        assert measure in quantity_chart.NOUNS, measure


@pytest.mark.parametrize(
    ("quote", "measure", "unit", "value"),
    [
        ("90 knots", "speeds", "kilometer_per_hour", 166.68),
        ("-12°C", "temperatures", "degree_Celsius", -12),
        ("14°F", "temperatures", "degree_Celsius", -10),
        ("3,000 tonnes", "masses", "metric_ton", 3000),
        ("2 million barrels", "volumes", "liter", 2e6 * 158.987),
        ("1,200-megawatt", "power", "megawatt", 1200),
        ("5 TWh", "energy", "gigawatt_hour", 5000),
        ("second-worst", "ranks", "", 2),
        ("three times", "multiples", "", 3),
        ("30 degrees", "temperatures", "degree", 30),  # scale not stated: kept as written
    ],
)
def test_new_kinds_get_a_measure_in_one_unit(new_kinds, quote, measure, unit, value):
    _, table = new_kinds
    found = row(table, quote)
    assert (found["measure"], found["unit"]) == (measure, unit)
    assert found["value"] == pytest.approx(value, rel=1e-3)


def test_units_of_the_new_measures_have_words_and_safe_chart_names(new_kinds):
    _, table = new_kinds
    for (measure, unit), _rows in table.groupby(["measure", "unit"]):
        chart = quantity_chart.build(table, measure, unit, credit="K. L. Moreno")
        assert " " not in chart.name and "/" not in chart.name, chart.name
        if unit:
            assert unit in quantity_chart.UNIT_WORDS, unit


def counted_in(tmp_path, text: str) -> dict[str, str]:
    path = tmp_path / "counted.txt"
    path.write_text(text, encoding="utf-8")
    article = read_article(path)
    table = quantities_table(article.text, extract_mentions(article))
    return dict(zip(table["quote"], table["counted"], strict=True))


def test_the_words_before_a_number_are_not_those_another_number_counts(tmp_path):
    counted = counted_in(tmp_path, "The floods killed 40 farmers and displaced tens of thousands.\n")
    assert counted["40"] == "farmers"
    assert counted["tens of thousands"] == "displaced"
    assert measure_of("count", "displaced") == "people"


def test_the_words_after_a_number_stop_at_the_next_figure(tmp_path):
    counted = counted_in(
        tmp_path, "The rate fell from about 6 in the early 1980s to 4 children a decade later.\n"
    )
    assert counted["about 6"] == "rate fell"  # the words before it, not "in the early s"
    assert counted["4"] == "children"  # not "children a decade later"


def test_a_part_of_a_whole_counts_the_words_after_the_whole(tmp_path):
    counted = counted_in(tmp_path, "Pirates boarded 7 of 12 tankers seized last year.\n")
    assert counted["7"] == "of tankers seized"
