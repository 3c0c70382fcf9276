"""The chart of the article's numeric expressions by kind (spillover.charts.mentions)."""

from __future__ import annotations

import pytest
from test_charts_common import CREDIT, ESCAPED, INJECTION, mentions_table

from spillover import theme
from spillover.charts import mentions
from spillover.errors import InputError


def test_the_title_names_the_commonest_kind() -> None:
    chart = mentions.build(mentions_table(), credit=CREDIT)
    assert chart.title == "Counts are the commonest numbers in the article: 4 of its 9 numeric expressions"
    title = mentions.build(mentions_table({"count": 1, "year": 5}), credit=CREDIT).title
    assert title.startswith("Years are the commonest") and "5 of its 6" in title
    tie = mentions.build(mentions_table({"count": 2, "date": 2, "year": 1}), credit=CREDIT).title
    assert (
        tie == "Counts and dates tie as the commonest numbers in the article: 2 each of 5 numeric expressions"
    )


def test_the_bars_run_from_most_to_fewest_and_the_commonest_is_highlighted() -> None:
    chart = mentions.build(mentions_table({"year": 2, "count": 4, "length": 2, "percent": 1}), credit=CREDIT)
    assert chart.data["kind"].tolist() == ["count", "length", "year", "percent"]  # ties by name
    assert chart.data["number"].tolist() == [4, 2, 2, 1]
    (bars,) = chart.plotly.data
    assert list(bars.y) == ["Counts", "Lengths", "Years", "Percentages"] and list(bars.x) == [4, 2, 2, 1]
    assert list(bars.marker.color) == [theme.HIGHLIGHT, theme.BLUE, theme.BLUE, theme.BLUE]
    assert chart.plotly.layout.xaxis.range[0] == 0
    ax = chart.matplotlib.axes[0]
    assert ax.get_xlim()[0] == 0 and [t.get_text() for t in ax.get_yticklabels()][0] == "Counts"
    assert "counts 4; lengths 2; years 2; percentages 1" in chart.alt
    assert (
        chart.source == f"Source: 9 mentions extracted by spillover.extract from {CREDIT} (mentions table)."
    )


def test_one_mention_is_one_bar() -> None:
    chart = mentions.build(mentions_table({"money": 1}), credit=CREDIT)
    assert (
        chart.title
        == "Sums of money are the commonest numbers in the article: 1 of its 1 numeric expressions"
    )
    assert len(chart.data) == 1 and chart.data["commonest"].all()


def test_hover_examples_are_short_and_escaped() -> None:
    table = mentions_table({"count": 2})
    table.loc[0, "text"] = "1" * 5000
    table.loc[1, "text"] = INJECTION
    (bars,) = mentions.build(table, credit=CREDIT).plotly.data
    assert len(bars.hovertext[0]) < 300 and "\u2026" in bars.hovertext[0]
    assert ESCAPED in bars.hovertext[0] and "<img" not in bars.hovertext[0]


def test_a_table_without_kinds_is_refused() -> None:
    with pytest.raises(InputError, match="lacks column"):
        mentions.build(mentions_table().drop(columns="kind"), credit=CREDIT)
