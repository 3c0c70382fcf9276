"""What every chart module of the article's tables must do (spillover.charts.mentions,
refugee_flows, troop_deployments, timeline, shares), on small hand-built tables: the words
(a title stating a finding, caption, "Source: ..." line, alt text), the same title in both
figures, labelled axes with units, palette colours, article text escaped for plotly and literal
for matplotlib, no network, byte-identical static files, and a clear error for an empty table.

The hand-built tables live here; the test_charts_<chart>.py files check each chart's findings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator

import pandas as pd
import plotly.graph_objects as go
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.text import Text

from spillover import theme
from spillover.charts import Chart, save
from spillover.charts import mentions as mentions_chart
from spillover.charts import refugee_flows as flows_chart
from spillover.charts import shares as shares_chart
from spillover.charts import timeline as timeline_chart
from spillover.charts import troop_deployments as troops_chart
from spillover.errors import InputError

INJECTION = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
MATH = "$x^2$"
CREDIT = "A. Writer, \u201cA headline\u201d, The Paper, 13 July 2021"

# --------------------------------------------------------------------------- hand-built tables


def mentions_table(counts: dict[str, int] | None = None, text: str = "") -> pd.DataFrame:
    counts = counts or {"count": 4, "year": 2, "length": 2, "percent": 1}
    rows = [{"text": text or f"{kind} {i}", "kind": kind} for kind, n in counts.items() for i in range(n)]
    return pd.DataFrame(rows)


def refugee_table(
    soldiers: float = 1500, civilians: float = 1000, outcome: str = "not stated", group: str = "civilians"
) -> pd.DataFrame:
    base = {"origin": "Afghanistan", "date": "", "date_precision": "", "start": 0, "end": 1}
    rows = [
        (
            "a",
            "soldiers",
            soldiers,
            "",
            "Tajikistan",
            "reported",
            "flown back to Kabul",
            "the BBC",
            f"{soldiers:,.0f}",
        ),
        (
            "b",
            group,
            civilians,
            "another",
            "Tajikistan",
            "reported",
            outcome,
            "",
            f"Another {civilians:,.0f}",
        ),
        (
            "c",
            "refugees",
            float("nan"),
            "many",
            "Tajikistan and other neighbouring countries",
            "projected",
            "may seek refuge",
            "commentators",
            "many thousands",
        ),
    ]
    columns = [
        "figure_id",
        "group",
        "people",
        "qualifier",
        "destination",
        "status",
        "outcome",
        "attributed_to",
        "quote",
    ]
    table = pd.DataFrame([{**base, **dict(zip(columns, row, strict=True))} for row in rows])
    table["people_low"] = table["people"].fillna(2000.0)
    table["people_high"] = table["people"]
    return table


def troop_table(reservists: float = 20000, force: str = "Tajik reservists") -> pd.DataFrame:
    rows = [
        ("Afghan soldiers", "Afghanistan", "fled", 1500.0),
        (force, "Tajikistan", "mobilised", reservists),
        ("Russian base", "Russia", "stationed", 7000.0),
    ]
    return pd.DataFrame(
        [
            {
                "figure_id": f"t{i}",
                "force": name,
                "country": country,
                "location": "Tajikistan",
                "status": status,
                "people": people,
                "people_low": people,
                "people_high": people,
                "qualifier": "",
                "attributed_to": "",
                "quote": f"{people:,.0f}",
            }
            for i, (name, country, status, people) in enumerate(rows)
        ]
    )


def figures_table(
    territory: float = 85.0, measure: str = "share of territory the Taliban claim"
) -> pd.DataFrame:
    water = ("share of the population lacking clean water", "Tajikistan", 0.5, float("nan"), 0.5)
    remittances = ("share of GDP that comes from remittances", "Tajikistan's GDP", 1 / 3, 1 / 3, 1 / 3)
    rows = [
        ("economy_society", *water, "fraction", "almost", "Almost half", ""),
        ("economy_society", *remittances, "fraction", "", "a third", ""),
        (
            "territorial_control",
            measure,
            "Taliban",
            territory,
            territory,
            territory,
            "percent",
            "",
            f"{territory:g} percent",
            "the Taliban",
        ),
        ("refugee_flows", "people who fled", "soldiers", 1500.0, 1500.0, 1500.0, "people", "", "1,500", ""),
    ]
    columns = [
        "category",
        "measure",
        "subject",
        "value",
        "low",
        "high",
        "unit",
        "qualifier",
        "quote",
        "attributed_to",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["start"] = range(len(frame))
    return frame


def timeline_table(event: str = "The Soviet Union is dissolved") -> pd.DataFrame:
    rows = [
        ("1990", "decade", "1990-01-01", "1999-12-31", "US support in the 1990s", "the 1990s", ""),
        ("1991", "year", "1991-01-01", "1991-12-31", event, "1991", ""),
        ("2021-05", "month", "2021-05-01", "2021-05-31", "A newspaper report", "In May", ""),
        ("2021-W27", "week", "2021-07-05", "2021-07-11", "Further advances", "last week", "week of 5 July"),
        ("2021-07-13", "day", "2021-07-13", "2021-07-13", "The article is published", "13 July 2021", ""),
    ]
    frame = pd.DataFrame(
        rows, columns=["date", "date_precision", "date_start", "date_end", "event", "quote", "date_note"]
    )
    frame["figure_id"] = ["a", "b", "c", "d", "publication_date"]
    return frame


def dated_sentences(count: int, sentence: str = "On that day {i} more people crossed") -> pd.DataFrame:
    """A timeline as an article without annotations gives one: a row per dated sentence, one
    day apart from 20 March 2020 (so the busiest three months are any three: the latest is enlarged)."""
    days = pd.date_range("2020-03-20", periods=count, freq="D").strftime("%Y-%m-%d")
    return pd.DataFrame(
        {
            "figure_id": "",
            "date": days,
            "date_precision": "day",
            "date_start": days,
            "date_end": days,
            "event": [sentence.format(i=i) for i in range(count)],
            "quote": [f"quote {i}" for i in range(count)],
            "date_note": "",
        }
    )


# --------------------------------------------------------------------------- the charts checked here

#: name -> (the chart of default tables, the chart with INJECTION and MATH in its article text,
#: a unit its value axis names, its table emptied)
CHARTS: dict[str, tuple[Callable[[], Chart], Callable[[], Chart], str, Callable[[], Chart]]] = {
    "mentions": (
        lambda: mentions_chart.build(mentions_table(), credit=CREDIT),
        lambda: mentions_chart.build(mentions_table({f"{INJECTION} {MATH}": 2}), credit=CREDIT),
        "(count)",
        lambda: mentions_chart.build(mentions_table().iloc[0:0], credit=CREDIT),
    ),
    "refugee_flows": (
        lambda: flows_chart.build(refugee_table(), credit=CREDIT),
        lambda: flows_chart.build(refugee_table(outcome=f"{INJECTION} {MATH}"), credit=CREDIT),
        "(count)",
        lambda: flows_chart.build(refugee_table().iloc[0:0], credit=CREDIT),
    ),
    "troop_deployments": (
        lambda: troops_chart.build(troop_table(), credit=CREDIT),
        lambda: troops_chart.build(troop_table(force=f"{INJECTION} {MATH}"), credit=CREDIT),
        "(people)",
        lambda: troops_chart.build(troop_table().assign(people=float("nan")), credit=CREDIT),
    ),
    "shares": (
        lambda: shares_chart.build(figures_table(), credit=CREDIT),
        lambda: shares_chart.build(figures_table(measure=f"share of {INJECTION} {MATH}"), credit=CREDIT),
        "(%)",
        lambda: shares_chart.build(figures_table().iloc[3:], credit=CREDIT),
    ),
    "timeline": (
        lambda: timeline_chart.build(timeline_table(), credit=CREDIT, published="2021-07-13"),
        lambda: timeline_chart.build(timeline_table(event=f"{INJECTION} {MATH}"), credit=CREDIT),
        "Year",
        lambda: timeline_chart.build(timeline_table().iloc[0:0], credit=CREDIT),
    ),
}


@pytest.fixture(params=sorted(CHARTS))
def name(request: pytest.FixtureRequest) -> str:
    return request.param


# --------------------------------------------------------------------------- helpers


def json_strings(value: object) -> Iterator[str]:
    """Every string inside decoded JSON."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


def plain(text: str) -> str:
    """A title as words only: no markup, entities decoded, no line breaks or spaces."""
    import html

    return re.sub(r"\s+", "", html.unescape(re.sub(r"<br>|</?b>", " ", text)))


def axis_titles(chart: Chart) -> tuple[list[str], list[str]]:
    layout = chart.plotly.to_plotly_json()["layout"]
    interactive = [
        str(value.get("title", {}).get("text", ""))
        for key, value in layout.items()
        if key.startswith(("xaxis", "yaxis")) and isinstance(value, dict)
    ]
    static = [label for ax in chart.matplotlib.axes for label in (ax.get_xlabel(), ax.get_ylabel())]
    return interactive, static


def mpl_mark_colours(figure: Figure) -> set[str]:
    """Colours of bars, bands, nodes and markers (the data colour of a hatched bar is its edge)."""
    colours = set()
    for ax in figure.axes:
        for patch in ax.patches:
            if not isinstance(patch, Rectangle | PathPatch):
                continue
            face = to_hex(patch.get_facecolor(), keep_alpha=False).upper()
            edge = to_hex(patch.get_edgecolor(), keep_alpha=False).upper()
            colours.add(edge if face == theme.PAPER else face)
        for line in ax.get_lines():
            colours.add(to_hex(line.get_color()).upper())
        for collection in ax.collections:
            colours |= {to_hex(c, keep_alpha=False).upper() for c in collection.get_facecolor()}
    return colours


def plotly_mark_colours(figure: go.Figure) -> set[str]:
    colours = set()
    for trace in figure.data:
        if trace.type == "sankey":
            colours |= {theme.base_colour(c) for c in trace.node.color}
            colours |= {theme.base_colour(c) for c in trace.link.color}
            continue
        colour = trace.marker.color
        colours |= {theme.base_colour(c) for c in ([colour] if isinstance(colour, str) else colour)}
    return colours


# --------------------------------------------------------------------------- every chart


def test_every_word_is_there(name: str) -> None:
    chart = CHARTS[name][0]()
    assert chart.title.strip() and chart.caption.strip() and len(chart.alt) > 40
    assert chart.source.startswith("Source: ") and CREDIT in chart.source
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", chart.name)
    assert isinstance(chart.data, pd.DataFrame) and not chart.data.empty


def test_both_figures_carry_the_same_title(name: str) -> None:
    chart = CHARTS[name][0]()
    assert isinstance(chart.plotly, go.Figure) and isinstance(chart.matplotlib, Figure)
    interactive, static = chart.plotly.layout.title.text, chart.matplotlib.get_suptitle()
    assert plain(interactive) == plain(static) == plain(chart.title)
    assert "\n" in static or len(chart.title) <= theme.TITLE_CHARS  # long titles are wrapped
    assert max(len(line) for line in static.split("\n")) <= theme.TITLE_CHARS
    assert all(len(plain(line)) <= theme.TITLE_CHARS for line in interactive.split("<br>"))


def test_the_static_figure_carries_the_caption_and_source(name: str) -> None:
    chart = CHARTS[name][0]()
    texts = " ".join(t.get_text() for t in chart.matplotlib.findobj(Text))
    assert plain(chart.source) in plain(texts) and plain(chart.caption) in plain(texts)


def test_the_value_axis_names_its_unit(name: str) -> None:
    chart, unit = CHARTS[name][0](), CHARTS[name][2]
    interactive, static = axis_titles(chart)
    assert any(unit in t for t in interactive), interactive
    assert any(unit in t for t in static), static


def test_colours_come_from_the_palette(name: str) -> None:
    chart = CHARTS[name][0]()
    static, interactive = mpl_mark_colours(chart.matplotlib), plotly_mark_colours(chart.plotly)
    assert static and interactive
    assert static <= theme.DATA_COLOURS, static - theme.DATA_COLOURS
    assert interactive <= theme.DATA_COLOURS, interactive - theme.DATA_COLOURS


def test_the_page_figure_needs_no_network(name: str) -> None:
    figure = CHARTS[name][0]().plotly
    assert {trace.type for trace in figure.data} <= {"bar", "scatter", "sankey"}
    text = figure.to_json()
    assert "http" not in text and "mathjax" not in text.lower()


def test_article_text_is_escaped_in_plotly_and_literal_in_matplotlib(name: str) -> None:
    chart = CHARTS[name][1]()
    strings = list(json_strings(json.loads(chart.plotly.to_json())))
    assert any(ESCAPED in s for s in strings)
    assert not any("<img" in s for s in strings)
    texts = chart.matplotlib.findobj(Text)
    assert any(MATH in t.get_text() for t in texts) or any(
        MATH in label.get_text() for ax in chart.matplotlib.axes for label in ax.get_yticklabels()
    )
    assert not any(t.get_parse_math() or t.get_usetex() for t in texts)
    assert INJECTION in chart.alt or INJECTION in chart.caption or INJECTION in chart.source


def test_static_files_are_the_same_every_time(name: str, tmp_path) -> None:  # noqa: ANN001
    first = save(CHARTS[name][0](), tmp_path / "a")
    second = save(CHARTS[name][0](), tmp_path / "b")
    assert [p.suffix for p in first] == [".png", ".svg"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert CHARTS[name][0]().plotly.to_json() == CHARTS[name][0]().plotly.to_json()


def test_an_empty_table_is_a_clear_error(name: str) -> None:
    with pytest.raises(InputError, match="no rows"):
        CHARTS[name][3]()


# --------------------------------------------------------------------------- saving and the theme


def test_saved_files_carry_no_date_or_software_and_name_the_title(tmp_path) -> None:  # noqa: ANN001
    chart = flows_chart.build(refugee_table(), credit="A. Writer")
    png, svg = save(chart, tmp_path)
    metadata = svg.read_text(encoding="utf-8").split("<metadata>")[-1].split("</metadata>")[0]
    assert "<dc:date>" not in metadata and "Matplotlib" not in metadata
    assert plain(chart.title.split()[0]) in metadata  # the title is in the SVG's metadata
    assert b"Software" not in png.read_bytes()[:4096]


def test_save_refuses_a_plotly_figure_and_a_name_that_leaves_the_folder(tmp_path) -> None:  # noqa: ANN001
    from spillover.charts import save_static

    chart = mentions_chart.build(mentions_table(), credit="A. Writer")
    with pytest.raises(InputError, match="matplotlib"):
        save_static(chart.plotly, "mentions", tmp_path)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="figure name"):
        save_static(chart.matplotlib, "../escape", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_theme_palette_and_contexts() -> None:
    assert len(set(theme.PALETTE)) == 8 and theme.HIGHLIGHT in theme.PALETTE
    assert theme.MUTED not in theme.PALETTE
    assert theme.base_colour(theme.with_alpha(theme.BLUE, 0.3)) == theme.BLUE
    assert list(theme.plotly_template().layout.colorway) == list(theme.PALETTE)
    import matplotlib as mpl

    before = mpl.rcParams["svg.hashsalt"]
    with theme.matplotlib_context():
        assert mpl.rcParams["svg.hashsalt"] == theme.SVG_HASHSALT
        assert mpl.rcParams["text.usetex"] is False
    assert mpl.rcParams["svg.hashsalt"] == before
