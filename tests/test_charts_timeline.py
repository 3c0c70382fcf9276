"""The chart of the events the article dates (spillover.charts.timeline), and its limits for an
article with hundreds of dated sentences."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from test_charts_common import CREDIT, ESCAPED, INJECTION, dated_sentences, timeline_table

from spillover import theme
from spillover.charts import timeline
from spillover.errors import InputError


def build(table, **options):  # noqa: ANN001, ANN003, ANN201
    return timeline.build(table, credit=CREDIT, **options)


def panel_labels(chart) -> list[list[str]]:  # noqa: ANN001
    """The row labels of each panel of the page's figure, top to bottom."""
    layout = chart.plotly.to_plotly_json()["layout"]
    return [list(layout[key]["categoryarray"]) for key in ("yaxis", "yaxis2") if key in layout]


def test_the_title_says_where_the_events_cluster() -> None:
    chart = build(timeline_table())
    assert (
        chart.title
        == "3 of the article's 5 dated events fall in May\u2013July 2021; the rest reach back to 1990"
    )
    full, zoom = panel_labels(chart)
    assert len(full) == 5 and zoom == ["A newspaper report", "Further advances", "The article is published"]
    assert "All 5" in build(timeline_table(), zoom=("1990-01-01", "2021-12-31")).title
    assert build(timeline_table().iloc[:2]).title == "The article's 2 dated events run from 1990 to 1999"


def test_spans_are_bars_from_their_start_and_days_are_dots() -> None:
    chart = build(timeline_table(), published="2021-07-13")
    figure = chart.plotly
    assert figure.layout.xaxis.type == "date" and figure.layout.xaxis2.type == "date"
    bars = [t for t in figure.data if t.type == "bar"]
    assert bars and all(t.base for t in bars)
    dots = [t for t in figure.data if t.type == "scatter" and t.marker.symbol == "circle"]
    assert [t.name for t in dots] == ["publication", "publication"]
    assert all(t.marker.color == theme.HIGHLIGHT for t in dots)
    # a month on a scale of 32 years is too short to see: a square there, a bar when enlarged
    squares = [t for t in figure.data if t.type == "scatter" and t.marker.symbol == "square"]
    assert squares and all(t.xaxis == "x" for t in squares)
    assert (
        "Relative dates (\u201clast Monday\u201d) are resolved from the publication date, 13 July 2021."
        in (chart.caption)
    )
    assert sum(t.showlegend for t in figure.data) == 4  # one key per kind of date


def test_hundreds_of_dated_sentences_draw_at_most_max_labels() -> None:
    chart = build(dated_sentences(500))
    full, zoom = panel_labels(chart)
    assert len(full) == len(zoom) == timeline.MAX_LABELS == 40
    # Evenly spaced in date order: the first and the last are kept, in order.
    assert (
        full[0] == "On that day 0 more people crossed" and full[-1] == "On that day 499 more people crossed"
    )
    assert full == sorted(full, key=lambda label: int(label.split()[3]))
    window = timeline.cluster_window([d.date() for d in pd.to_datetime(dated_sentences(500)["date_start"])])
    assert window == (dt.date(2021, 5, 1), dt.date(2021, 8, 31))
    assert chart.title.startswith("93 of the article's 500 dated events fall in May\u2013August 2021")
    assert "Only 40 of the 500 dated events are drawn" in chart.caption
    assert "the other 460 are left out here and listed in the timeline table" in chart.caption
    assert "The enlarged panel draws 40 of its 93." in chart.caption
    assert chart.plotly.layout.annotations[0].text == "2020\u20132021: 40 of 500 dated events"
    assert chart.alt.count("quote ") == 40 and chart.alt.endswith("and 460 more.")
    assert chart.source.endswith("and 460 more.")
    assert (
        build(dated_sentences(500)).plotly.to_json() == chart.plotly.to_json()
    )  # the same sample every time
    # a few traces per panel (one per kind of date and mark), never one per row
    assert len(chart.plotly.data) <= 2 * timeline.MAX_LABELS and len(chart.plotly.data) <= 4
    assert len(chart.data) == 500  # the rows behind the chart are all there


def test_within_the_limit_everything_is_drawn_and_nothing_said_left_out() -> None:
    chart = build(dated_sentences(40))
    assert [len(labels) for labels in panel_labels(chart)] == [40]
    assert "left out" not in chart.caption and "more." not in chart.alt
    assert chart.plotly.layout.annotations[0].text.endswith("every dated event")


def test_the_sample_keeps_the_publication_date() -> None:
    table = dated_sentences(300)
    chart = build(table, max_labels=10, published=table.loc[150, "date_start"])
    full = panel_labels(chart)[0]
    assert len(full) == 10 and "On that day 150 more people crossed" in full
    assert "publication" in {t.name for t in chart.plotly.data}


def test_labels_and_hovers_of_long_sentences_are_cut_with_an_ellipsis() -> None:
    numbers = ", ".join(str(i) for i in range(10_000))
    chart = build(dated_sentences(3, sentence=f"In week {{i}}, the counts were {numbers}."))
    for label in panel_labels(chart)[0]:
        assert len(label.replace("<br>", " ")) <= timeline.LABEL_CHARS and label.endswith("\u2026")
    for trace in chart.plotly.data:
        assert all(len(hover) < timeline.HOVER_CHARS + 100 for hover in trace.hovertext)
    assert len(chart.alt) < 3 * (timeline.LABEL_CHARS + 50)
    assert len(chart.plotly.to_json()) < 50_000


def test_a_time_of_day_is_shown_when_the_table_has_one() -> None:
    table = timeline_table().assign(time=["", "", "", "09:00/17:00", "14:30"])
    chart = build(table)
    hovers = [h for trace in chart.plotly.data for h in trace.hovertext]
    assert any("13 Jul 2021, 14:30" in h for h in hovers)
    assert "13 July 2021 (14:30): The article is published" in chart.alt
    assert any("05 Jul 2021 \u2013 11 Jul 2021, 09:00\u201317:00" in h for h in hovers)
    assert not any("1991," in h for h in hovers)
    assert build(timeline_table().assign(time=pd.NA)).alt == build(timeline_table()).alt


def test_article_text_in_hovers_and_labels_is_escaped() -> None:
    chart = build(timeline_table(event=INJECTION))
    text = chart.plotly.to_json()
    assert "<img" not in text and ESCAPED in json.loads(text)["layout"]["yaxis"]["categoryarray"][1]


def test_one_event_is_one_panel() -> None:
    chart = build(timeline_table().iloc[1:2])
    assert chart.title == "The article's 1 dated events run from 1991 to 1991"
    assert len(chart.matplotlib.axes) == 1 and len(panel_labels(chart)) == 1


def test_rows_without_a_date_are_left_out_and_none_is_an_error() -> None:
    table = timeline_table()
    table.loc[0, ["date_start", "date_end"]] = pd.NA
    assert len(build(table).data) == 4
    with pytest.raises(InputError, match="no rows"):
        build(table.assign(date_start=pd.NA))
    with pytest.raises(InputError, match="lacks column"):
        build(timeline_table().drop(columns="quote"))
