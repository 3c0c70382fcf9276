"""The chart of the armed forces the article counts (spillover.charts.troop_deployments)."""

from __future__ import annotations

import pytest
from test_charts_common import CREDIT, troop_table

from spillover import theme
from spillover.charts import troop_deployments
from spillover.errors import InputError


def build(table):  # noqa: ANN001, ANN201
    return troop_deployments.build(table, credit=CREDIT)


def test_forces_in_different_roles_are_listed_not_set_against_each_other() -> None:
    title = build(troop_table()).title
    assert title == (
        "The article counts 3 forces in 3 different roles: Tajik reservists (mobilised) 20,000, "
        "Russian base (stationed) 7,000 and Afghan soldiers (fled) 1,500"
    )
    assert "to 1" not in title and "outnumber" not in title


def test_forces_in_one_role_are_compared() -> None:
    same_role = troop_table().assign(status="stationed")
    assert build(same_role).title == (
        "Tajik reservists (20,000, stationed) outnumber Afghan soldiers (1,500, stationed) 13 to 1"
    )
    close = troop_table(reservists=2000).assign(status="stationed")
    assert build(close).title.endswith("4.7 to 1")  # 7,000 to 1,500


def test_one_force_is_named() -> None:
    chart = build(troop_table().iloc[:1])
    assert chart.title == "The article counts one force: Afghan soldiers (1,500, fled)"
    assert len(chart.data) == 1


def test_one_linear_scale_from_zero_coloured_by_status() -> None:
    chart = build(troop_table())
    assert chart.data["force"].tolist() == ["Tajik reservists", "Russian base", "Afghan soldiers"]
    assert {t.name: t.marker.color for t in chart.plotly.data} == {
        "mobilised": theme.BLUISH_GREEN,
        "stationed": theme.BLUE,
        "fled": theme.ORANGE,
    }
    layout = chart.plotly.layout
    assert layout.xaxis.range[0] == 0 and layout.xaxis.type is None  # linear
    assert list(layout.yaxis.categoryarray) == ["Tajik reservists", "Russian base", "Afghan soldiers"]
    ax = chart.matplotlib.axes[0]
    assert ax.get_xlim()[0] == 0 and ax.get_xscale() == "linear"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["mobilised", "stationed", "fled"]


def test_rows_without_a_number_are_left_out_and_repeats_told_apart() -> None:
    table = troop_table(force="Russian base")
    table.loc[0, "people"] = float("nan")
    chart = build(table)
    assert chart.data["label"].tolist() == ["Russian base", "Russian base (2)"]
    assert "Afghan soldiers" not in chart.alt


def test_the_source_line_credits_each_quote() -> None:
    table = troop_table()
    table.loc[1, "attributed_to"] = "the Tajik government"
    source = build(table).source
    assert source.startswith(f"Source: {CREDIT}. Quotes: ")
    assert "\u201c20,000\u201d \u2013 the Tajik government" in source


def test_a_table_without_its_columns_is_refused() -> None:
    with pytest.raises(InputError, match="lacks column"):
        build(troop_table().drop(columns="status"))
