"""The chart of who crossed a border and what became of them (spillover.charts.refugee_flows)."""

from __future__ import annotations

import pytest
from test_charts_common import CREDIT, refugee_table

from spillover import theme
from spillover.charts import refugee_flows
from spillover.errors import InputError


def build(table):  # noqa: ANN001, ANN201
    return refugee_flows.build(table, credit=CREDIT)


def test_the_title_adds_up_the_crossings_and_their_fates() -> None:
    title = build(refugee_table()).title
    assert title == (
        "Of 2,500 people who fled into Tajikistan, 1,500 were flown back to Kabul "
        "and the fate of 1,000 is not stated"
    )
    changed = build(refugee_table(soldiers=300, civilians=700)).title
    assert "Of 1,000 people" in changed and "the fate of 700" in changed
    known = build(refugee_table(outcome="sent home")).title
    assert "not stated" not in known and "1,000 were sent home" in known
    same = build(refugee_table(outcome="flown back to Kabul")).title
    assert same == "Of 2,500 people who fled into Tajikistan, 2,500 were flown back to Kabul"


def test_only_projections_are_said_to_be_projections() -> None:
    table = refugee_table().assign(status="projected")
    assert build(table).title == "The article reports no one crossing yet; it only projects refugees"


def test_an_amount_in_words_gets_no_band_and_no_bar_length() -> None:
    chart = build(refugee_table())
    sankey, bars = chart.plotly.data
    assert bars.x[2] == 0 and "(no number)" in bars.text[2]  # "many thousands": no length
    assert not any("many thousands" in label for label in sankey.node.label)
    assert "Not drawn" in chart.caption and "\u201cmany thousands\u201d" in chart.caption
    assert "(no number given, not drawn)" in chart.alt


def test_a_projection_with_a_number_is_drawn_apart() -> None:
    table = refugee_table()
    table.loc[2, ["people", "quote"]] = [5000.0, "5,000"]
    chart = build(table)
    assert chart.data["projected"].tolist() == [False, False, True]
    assert "Of 2,500 people" in chart.title  # a projection is not a crossing
    assert "Hatched: \u201c5,000\u201d refugees who may come, a projection." in chart.caption
    sankey, bars = chart.plotly.data
    assert sankey.type == "sankey" and bars.x[2] == 5000
    assert list(bars.marker.pattern.shape) == ["", "", "/"]
    faint = [c for c, p in zip(sankey.link.color, (0, 0, 0, 0, 1, 1), strict=True) if p]
    assert all(c.endswith(",0.18)") for c in faint)
    flow_ax, bar_ax = chart.matplotlib.axes
    assert any(p.get_hatch() for p in flow_ax.patches)  # hatched band
    assert [bool(p.get_hatch()) for p in bar_ax.patches] == [False, False, True]  # hatched bar
    assert bar_ax.get_xlim()[0] == 0


def test_groups_keep_their_colours_and_repeated_groups_are_told_apart() -> None:
    chart = build(refugee_table(group="soldiers"))
    assert chart.data["label"].tolist() == ["Soldiers", "Soldiers (2)", "Refugees (projection)"]
    bars = chart.plotly.data[-1]
    assert list(bars.marker.color) == [theme.ORANGE, theme.ORANGE, theme.REDDISH_PURPLE]
    other = build(refugee_table(group="journalists"))
    assert other.plotly.data[-1].marker.color[1] in theme.PALETTE


def test_one_crossing_is_one_band_and_one_bar() -> None:
    chart = build(refugee_table().iloc[:1])
    assert chart.title == "Of 1,500 people who fled into Tajikistan, 1,500 were flown back to Kabul"
    sankey, bars = chart.plotly.data
    assert len(sankey.link.value) == 2 and len(bars.y) == 1


def test_no_number_at_all_is_bars_only() -> None:
    chart = build(refugee_table().iloc[2:])
    assert [t.type for t in chart.plotly.data] == ["bar"] and len(chart.matplotlib.axes) == 1
    assert chart.title.startswith("The article reports no one crossing yet")


def test_the_source_line_credits_the_article_and_each_quote() -> None:
    source = build(refugee_table()).source
    assert source.startswith(f"Source: {CREDIT}.")
    assert (
        "\u201c1,500\u201d \u2013 the BBC" in source
        and "\u201cmany thousands\u201d \u2013 commentators" in source
    )


def test_a_table_without_its_columns_is_refused() -> None:
    with pytest.raises(InputError, match="lacks column"):
        build(refugee_table().drop(columns="outcome"))
