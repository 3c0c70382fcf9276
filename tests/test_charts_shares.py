"""The chart of the shares the article states (spillover.charts.shares)."""

from __future__ import annotations

import pytest
from test_charts_common import CREDIT, figures_table

from spillover import theme
from spillover.charts import shares
from spillover.errors import InputError


def build(table):  # noqa: ANN001, ANN201
    return shares.build(table, credit=CREDIT)


def test_the_title_runs_from_the_smallest_share_to_the_largest() -> None:
    assert build(figures_table()).title == (
        "The article's shares run from \u201ca third\u201d (GDP that comes from remittances) "
        "to \u201c85 percent\u201d (territory the Taliban claim)"
    )
    assert "\u201c95 percent\u201d" in build(figures_table(95.0)).title
    small = build(figures_table(10.0)).title
    assert small.startswith("The article's shares run from \u201c10 percent\u201d")


def test_one_share_is_named_with_its_qualifier() -> None:
    chart = build(figures_table().iloc[:1])
    assert chart.title == "The article's one share: almost 50% (population lacking clean water)"


def test_qualifiers_are_kept_and_hatched_on_a_full_scale() -> None:
    chart = build(figures_table())
    assert chart.data["said"].tolist() == ["almost 50%", "33%", "85%"]
    assert chart.data["label"].iloc[0].endswith("\n\u201cAlmost half\u201d")
    assert (
        "Hatched bars carry a qualifier" in chart.caption
        and "\u201cAlmost half\u201d is almost 50%" in chart.caption
    )
    economy, territory = chart.plotly.data
    assert economy.name == "economy and society" and territory.name == "territorial control"
    assert list(economy.marker.pattern.shape) == ["/", ""] and list(territory.marker.pattern.shape) == [""]
    assert economy.marker.color == theme.BLUE and territory.marker.color == theme.ORANGE
    assert list(chart.plotly.layout.xaxis.range) == [0, 100]
    ax = chart.matplotlib.axes[0]
    assert ax.get_xlim() == (0, 100)
    assert [bool(p.get_hatch()) for p in ax.patches] == [True, False, False]
    assert "Almost half" in ax.get_yticklabels()[0].get_text()


def test_without_a_qualifier_the_caption_says_nothing_of_hatching() -> None:
    chart = build(figures_table().iloc[1:])
    assert "Hatched" not in chart.caption


def test_the_source_line_credits_each_quote() -> None:
    source = build(figures_table()).source
    assert source == (
        f"Source: {CREDIT}. Quotes: \u201cAlmost half\u201d; \u201ca third\u201d; "
        "\u201c85 percent\u201d \u2013 the Taliban."
    )


def test_figures_without_a_share_are_a_clear_error() -> None:
    with pytest.raises(InputError, match="no share"):
        build(figures_table().iloc[3:])
    with pytest.raises(InputError, match="lacks column"):
        build(figures_table().drop(columns="qualifier"))
