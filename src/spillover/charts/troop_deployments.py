"""Chart: the armed forces the article counts, on one linear scale from zero, coloured by status.

Its data (one row per force with a number of people, largest first), its words (a title that
lists the forces, or sets them against each other only when they play the same role, a caption,
the source, the alt text) and its two figures: plotly for the page, matplotlib for print.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure
from matplotlib.text import Text

from spillover import theme
from spillover.charts import Chart, words
from spillover.errors import InputError

COLUMNS = ["force", "status", "people", "location", "quote", "attributed_to"]
#: Fled (crossed the border), stationed (based there), mobilised (called up); others from the palette.
STATUS_COLOURS = {"fled": theme.ORANGE, "stationed": theme.BLUE, "mobilised": theme.BLUISH_GREEN}


def chart_data(troops: pd.DataFrame) -> pd.DataFrame:
    """The forces with a number of people, largest first: force, status, people, location,
    quote, attributed_to (blanks as ""), label (the force, numbered if it repeats) and colour."""
    missing = [c for c in COLUMNS if c not in troops.columns]
    if missing:
        raise InputError(f"troop_deployments table lacks column(s) {', '.join(missing)}")
    counted = troops[troops["people"].notna()]
    if counted.empty:
        raise InputError("troop_deployments: no rows to chart (no force with a number of people)")
    rows = pd.DataFrame(
        {
            "force": [words.text(f) or "a force" for f in counted["force"]],
            "status": [words.text(s) or "not stated" for s in counted["status"]],
            "people": counted["people"].astype(float).to_numpy(),
            "location": [words.text(place) for place in counted["location"]],
            "quote": [words.text(q) for q in counted["quote"]],
            "attributed_to": [words.text(a) for a in counted["attributed_to"]],
        }
    ).sort_values("people", ascending=False, kind="stable", ignore_index=True)
    seen: dict[str, int] = {}
    labels = []
    for force in rows["force"]:  # plotly merges equal category labels: number repeats
        seen[force] = seen.get(force, 0) + 1
        labels.append(force if seen[force] == 1 else f"{force} ({seen[force]})")
    rows["label"] = labels
    spare = [c for c in theme.PALETTE if c not in STATUS_COLOURS.values() and c != theme.HIGHLIGHT]
    others = [s for s in dict.fromkeys(rows["status"]) if s not in STATUS_COLOURS]
    colours = {**STATUS_COLOURS, **{s: spare[i % len(spare)] for i, s in enumerate(others)}}
    rows["colour"] = rows["status"].map(colours)
    return rows


def _title(rows: pd.DataFrame) -> str:
    big, small = rows.iloc[0], rows.iloc[-1]
    roles = list(dict.fromkeys(rows["status"]))
    if len(rows) == 1:
        return f"The article counts one force: {big.force} ({words.count(big.people)}, {big.status})"
    if len(roles) > 1:  # forces that fled, are stationed or were called up are not rivals in number
        listing = words.listed([f"{r.force} ({r.status}) {words.count(r.people)}" for r in rows.itertuples()])
        return f"The article counts {len(rows)} forces in {len(roles)} different roles: {listing}"
    ratio = big.people / small.people
    times = f"{ratio:.0f}" if ratio >= 10 else f"{ratio:.1f}"
    return (
        f"{big.force} ({words.count(big.people)}, {big.status}) outnumber "
        f"{small.force} ({words.count(small.people)}, {small.status}) {times} to 1"
    )


def build(troops: pd.DataFrame, *, credit: str) -> Chart:
    """The chart of the troop_deployments table."""
    rows = chart_data(troops)
    title = _title(rows)
    caption = (
        "Every force the article counts, on one linear scale that starts at zero, coloured by "
        "status: fled (crossed the border), stationed (based there), mobilised (called up)."
    )
    quotes = "; ".join(
        f"{words.quoted(r.quote)} \u2013 {r.attributed_to}" if r.attributed_to else words.quoted(r.quote)
        for r in rows.itertuples()
    )
    source = f"Source: {credit}. Quotes: {quotes}."
    listing = "; ".join(f"{r.force}, {r.status}, {words.count(r.people)}" for r in rows.itertuples())
    alt = f"Horizontal bar chart on a linear scale starting at zero: {listing}."
    return Chart(
        name="troop_deployments",
        data=rows,
        title=title,
        caption=caption,
        source=source,
        alt=alt,
        plotly=_plotly(rows, title),
        matplotlib=_matplotlib(rows, title, f"{caption}\n{source}"),
    )


X_TITLE = "Soldiers or reservists (people)"
Y_TITLE = "Force"
#: Where the page expects a title: top left of the whole figure, 24 px a line (it re-wraps it).


def _plotly(rows: pd.DataFrame, title: str) -> go.Figure:
    figure = go.Figure()
    for status, group in rows.groupby("status", sort=False):  # one trace per status: the legend
        figure.add_trace(
            go.Bar(
                x=group["people"],
                y=[theme.plotly_text(label) for label in group["label"]],
                name=theme.plotly_text(status),
                orientation="h",
                width=0.64,
                marker_color=group["colour"].iloc[0],
                text=[words.count(p) for p in group["people"]],
                textposition="outside",
                cliponaxis=False,
                textfont={"size": theme.px(theme.TICK_SIZE), "color": theme.INK},
                hovertext=[
                    theme.plotly_text(
                        f"{r.force}: {words.count(r.people)} ({words.quoted(r.quote)})\n"
                        f"{r.status} in {r.location}"
                        + (f"\nsource: {r.attributed_to}" if r.attributed_to else "")
                    )
                    for r in group.itertuples()
                ],
                hoverinfo="text",
                uid=f"troop_deployments-{status}",
            )
        )
    wrapped = theme.wrap(title)
    lines = wrapped.count("\n") + 1
    top = 24 + 24 * lines + 30  # the title (the page re-wraps it at 24 px a line) and the legend
    height = top + 62 + int(96 * (0.45 * len(rows) + 0.8))
    figure.update_layout(
        template=theme.plotly_template(),
        title={"text": f"<b>{theme.plotly_text(wrapped)}</b>", **theme.TITLE_PLACE},
        height=height,
        margin={"l": 10, "r": 30, "t": top, "b": 62},
        barmode="overlay",
        legend={
            "orientation": "h",
            "x": 0.01,
            "xref": "container",
            "y": 1 - (20 + 24 * lines) / height,
            "yref": "container",
            "yanchor": "top",
        },
        xaxis={
            "title": {"text": X_TITLE},
            "range": [0, rows["people"].max() * 1.15],
            "tickformat": ",",
            "showgrid": True,
        },
        yaxis={
            "title": {"text": Y_TITLE},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [theme.plotly_text(label) for label in rows["label"]],
            "autorange": "reversed",
            "ticks": "",
        },
    )
    return figure


def _matplotlib(rows: pd.DataFrame, title: str, footer: str) -> Figure:
    wrapped, footer = theme.wrap(title), theme.wrap(footer, theme.CAPTION_CHARS)
    height = 0.45 * len(rows) + 1.2 + 0.22 * (wrapped.count("\n") + 1) + 0.15 * (footer.count("\n") + 1)
    with theme.matplotlib_context():
        figure, ax = plt.subplots(figsize=(theme.FIGURE_WIDTH, height), layout="constrained")
        for status, group in rows.groupby("status", sort=False):  # one colour and legend entry per status
            bars = ax.barh(
                group.index, group["people"], height=0.64, color=group["colour"].iloc[0], label=status
            )
            ax.bar_label(bars, [words.count(p) for p in group["people"]], padding=3, fontsize=theme.TICK_SIZE)
        ax.set_yticks(rows.index, list(rows["label"]))
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(0, rows["people"].max() * 1.15)
        ax.set_xlabel(X_TITLE)
        ax.set_ylabel(Y_TITLE)
        ax.tick_params(axis="y", length=0)
        ax.grid(True, axis="x")
        ax.xaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
        ax.legend(loc="best")
        figure.suptitle(wrapped, x=0.01, ha="left", fontsize=theme.TITLE_SIZE, fontweight="bold")
        # The caption and source line under the chart: the constrained layout makes room for it.
        figure.supxlabel(footer, x=0.01, ha="left", multialignment="left", fontsize=theme.CAPTION_SIZE)
        for text in figure.findobj(Text):
            text.set_parse_math(False)  # "$" in the article's words is a dollar sign
    plt.close(figure)
    return figure
