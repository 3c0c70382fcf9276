"""Chart: the article's statements of one border's length, side by side in kilometres and in miles.

Its data (the article's rows of the border_lengths table, each length converted with pint), its
words (a title that says whether the statements agree, a caption, the source, the alt text) and
its two figures: plotly for the page, matplotlib for print. Each statement is one bar in each
panel: solid where the article states the number in that unit, hatched where it is converted.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure
from plotly.subplots import make_subplots

from spillover import theme
from spillover.charts import Chart, words
from spillover.errors import InputError
from spillover.units import convert

UNITS = {"km": "kilometres", "mi": "miles"}
AGREE = 0.01  # two statements within 1% of each other state the same length


def chart_data(border_lengths: pd.DataFrame) -> pd.DataFrame:
    """The article's statements of the first border it states: quote, the number and unit as
    stated, and the length in km and in mi (converted with pint)."""
    missing = {"border", "source", "stated_length", "stated_unit", "quote"} - set(border_lengths.columns)
    if missing:
        raise InputError(f"border_lengths table lacks column(s) {', '.join(sorted(missing))}")
    rows = border_lengths[border_lengths["source"] == "article"]
    if rows.empty:
        raise InputError("border_lengths: the article states no border length to chart")
    border = str(rows["border"].iloc[0])
    rows = rows[rows["border"] == border]
    data = pd.DataFrame(
        {
            "border": border,
            "quote": [
                str(q) if isinstance(q, str) and q else f"{words.amount(v)} {u}"
                for q, v, u in zip(rows["quote"], rows["stated_length"], rows["stated_unit"], strict=True)
            ],
            "value": rows["stated_length"].astype(float).to_numpy(),
            "unit": [words.SYMBOLS.get(str(u), str(u)) for u in rows["stated_unit"]],
        }
    )
    data["km"] = [
        convert(v, u, "km") for v, u in zip(data["value"], rows["stated_unit"].astype(str), strict=True)
    ]
    data["mi"] = [
        convert(v, u, "mi") for v, u in zip(data["value"], rows["stated_unit"].astype(str), strict=True)
    ]
    data["label"] = words.unique([words.quoted(q) for q in data["quote"]])
    return data


def title_of(data: pd.DataFrame) -> str:
    """One statement: its length in both units; several: whether the longest and the shortest agree."""
    border = data["border"].iloc[0]
    if len(data) == 1:
        only = data.iloc[0]
        km, mi = words.amount(only["km"]), words.amount(only["mi"])
        return f"The article gives the {border} border as {km} km, or {mi} mi"
    longest, shortest = data.loc[data["km"].idxmax()], data.loc[data["km"].idxmin()]
    gap = (longest["km"] - shortest["km"]) / longest["km"]
    if gap <= AGREE:
        both = f"{words.quoted(longest['quote'])} and {words.quoted(shortest['quote'])}"
        return f"The article's {both} agree (within {words.percent(gap)})"
    unit = shortest["unit"]
    return (
        f"The article's two lengths disagree: {words.amount(longest['value'])} {longest['unit']} "
        f"is {words.amount(longest[unit])} {unit}, not {words.amount(shortest['value'])} {unit} "
        f"\u2013 a gap of {words.percent(gap)}"
    )


def build(border_lengths: pd.DataFrame, *, credit: str, units: str = "km") -> Chart:
    """The chart of the article's statements of a border's length (the `units` panel on top)."""
    if units not in UNITS:
        raise InputError(f"unknown display unit {units!r}; choose one of {', '.join(UNITS)}")
    data = chart_data(border_lengths)
    order = [units, *(u for u in UNITS if u != units)]
    title = title_of(data)
    km_per_mi = convert(1.0, "mi", "km")
    border = data["border"].iloc[0]
    caption = (
        f"Each statement of the {border} border's length in the article, drawn in {UNITS[order[0]]} "
        f"(top) and in {UNITS[order[1]]} (bottom). Solid bars are the numbers as the article states "
        f"them; hatched bars are converted with pint (1 mi = {km_per_mi:.7g} km)."
    )
    quotes = [words.quoted(q) for q in data["quote"]]
    quoted = quotes[0] if len(quotes) == 1 else f"{', '.join(quotes[:-1])} and {quotes[-1]}"
    listing = "; ".join(
        f"{words.quoted(r.quote)} is {words.amount(r.km)} km or {words.amount(r.mi)} mi"
        for r in data.itertuples()
    )
    return Chart(
        name="border_units",
        data=data,
        title=title,
        caption=caption,
        source=f"Source: Quotes: {quoted}. {credit}.",
        alt=f"Two horizontal bar charts, in {UNITS[order[0]]} and in {UNITS[order[1]]}. {listing}.",
        plotly=_plotly(data, title, order),
        matplotlib=_matplotlib(data, title, order, f"Quotes: {quoted}. {credit}."),
    )


def _texts(data: pd.DataFrame, unit: str) -> tuple[list[str], list[str]]:
    """Each bar's value label and hover text in `unit`."""
    texts = [
        f"{words.amount(r[unit])} {unit}" + (" (as stated)" if r["unit"] == unit else " (converted)")
        for _, r in data.iterrows()
    ]
    hovers = [
        f"{words.quoted(r['quote'])} = {words.amount(r[unit])} {unit}"
        + ("" if r["unit"] == unit else f" (converted from {r['unit']} with pint)")
        for _, r in data.iterrows()
    ]
    return texts, hovers


def _colours(data: pd.DataFrame) -> list[str]:
    return [theme.PALETTE[i % len(theme.PALETTE)] for i in range(len(data))]


def _panel_inches(data: pd.DataFrame) -> float:
    return 0.42 * len(data) + 0.75


def _plotly(data: pd.DataFrame, title: str, order: list[str]) -> go.Figure:
    panel_px = _panel_inches(data) * 96
    figure = make_subplots(
        rows=2,
        cols=1,
        subplot_titles=[f"In {UNITS[u]}" for u in order],
        vertical_spacing=95 / (2 * panel_px + 95),
    )
    colours = _colours(data)
    labels = [theme.plotly_text(label) for label in data["label"]]
    for row, unit in enumerate(order, start=1):
        texts, hovers = _texts(data, unit)
        converted = [u != unit for u in data["unit"]]
        figure.add_trace(
            go.Bar(
                x=list(data[unit]),
                y=labels,
                orientation="h",
                width=0.64,
                marker={
                    "color": colours,
                    "line": {"color": colours, "width": [1.5 if c else 0 for c in converted]},
                    "pattern": {
                        "shape": ["/" if c else "" for c in converted],
                        "fgcolor": colours,
                        "bgcolor": theme.PAPER,
                        "fillmode": "replace",
                        "solidity": 0.4,
                        "size": 8,
                    },
                },
                text=[theme.plotly_text(t) for t in texts],
                textposition="outside",
                cliponaxis=False,
                textfont={"size": theme.px(theme.TICK_SIZE), "color": theme.INK},
                hovertext=[theme.plotly_text(h) for h in hovers],
                hoverinfo="text",
                showlegend=False,
            ),
            row=row,
            col=1,
        )
        figure.update_xaxes(
            title={"text": f"Length ({unit})"},
            range=[0, data[unit].max() * 1.35],
            showgrid=True,
            tickformat=",",
            row=row,
            col=1,
        )
        figure.update_yaxes(
            title={"text": "Statement"},
            type="category",
            categoryorder="array",
            categoryarray=labels,
            autorange="reversed",
            ticks="",
            showline=False,
            row=row,
            col=1,
        )
    for annotation in figure.layout.annotations:  # panel titles sit left, as in print
        annotation.update(x=0, xanchor="left", font={"size": theme.px(theme.PANEL_TITLE_SIZE)})
    wrapped = theme.wrap(title)
    top = 24 + 24 * (wrapped.count("\n") + 1) + 22
    longest = max(len(label) for label in data["label"])
    left = max(60, min(420, int(longest * 6.8) + 40))
    figure.update_layout(
        template=theme.plotly_template(),
        title={"text": f"<b>{theme.plotly_text(wrapped)}</b>", **theme.TITLE_PLACE},
        height=int(2 * panel_px + 95 + top + 62),
        margin={"l": left, "r": 30, "t": top, "b": 62},
        showlegend=False,
    )
    for i, trace in enumerate(figure.data):
        trace.uid = f"border_units-{i}"
    return figure


def _matplotlib(data: pd.DataFrame, title: str, order: list[str], source: str) -> Figure:
    wrapped, source_lines = theme.wrap(title), theme.wrap(f"Source: {source}", 118)
    title_in = 0.21 * (wrapped.count("\n") + 1) + 0.2
    source_in = 0.145 * (source_lines.count("\n") + 1) + 0.15
    height = title_in + 2 * _panel_inches(data) + 0.3 + source_in
    colours = _colours(data)
    with theme.matplotlib_context():
        figure, axes = plt.subplots(2, 1, figsize=(theme.FIGURE_WIDTH, height))
        for ax, unit in zip(axes, order, strict=True):
            texts, _ = _texts(data, unit)
            limit = data[unit].max() * 1.35
            for i, (value, colour, stated) in enumerate(zip(data[unit], colours, data["unit"], strict=True)):
                if stated == unit:
                    ax.barh(i, value, height=0.64, color=colour)
                else:
                    ax.barh(
                        i,
                        value,
                        height=0.64,
                        facecolor=theme.PAPER,
                        edgecolor=colour,
                        hatch="////",
                        hatchcolor=colour,
                        linewidth=1.2,
                    )
                ax.text(value + limit * 0.012, i, texts[i], va="center", ha="left", fontsize=theme.TICK_SIZE)
            ax.set_yticks(range(len(data)), list(data["label"]))
            ax.set_ylim(len(data) - 0.5, -0.5)
            ax.tick_params(axis="y", length=0)
            ax.set_xlim(0, limit)
            ax.set_xlabel(f"Length ({unit})")
            ax.set_ylabel("Statement")
            ax.grid(True, axis="x")
            ax.xaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
            ax.set_title(f"In {UNITS[unit]}", loc="left")
        figure.suptitle(wrapped, x=0.01, ha="left", fontsize=theme.TITLE_SIZE, fontweight="bold")
        figure.text(0.01, 0.01, source_lines, fontsize=theme.CAPTION_SIZE, color=theme.MUTED, va="bottom")
        figure.tight_layout(rect=(0, source_in / height, 1, 1))
    plt.close(figure)
    return figure
