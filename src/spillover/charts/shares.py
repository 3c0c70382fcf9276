"""Chart: the shares the article states (fractions, percentages), on the full scale of 0-100 %.

Its data (one row per share, in the article's order, in percent), its words (a title that names
the smallest and the largest share, a caption, the source, the alt text) and its two figures:
plotly for the page, matplotlib for print. A share with a qualifier ("almost half") keeps it in
its label and is hatched: the number is the article's bound, not its value.
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text

from spillover import theme
from spillover.charts import Chart, words
from spillover.errors import InputError

LABEL_CHARS = 40  # characters per line of a bar's label (what is shared), before its quote
COLUMNS = ["category", "measure", "subject", "value", "high", "low", "unit", "qualifier", "quote"]
CATEGORY_COLOURS = {"economy_society": theme.BLUE, "territorial_control": theme.ORANGE}
CATEGORY_NAMES = {"economy_society": "economy and society", "territorial_control": "territorial control"}


def chart_data(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures in percent or as a fraction, in the article's order: percent (the value, or
    the bound the article gives), qualifier, quote, measure (without "share of"), category,
    attributed_to, said ("almost 50%"), label (what is shared, and the quote) and colour."""
    missing = [c for c in COLUMNS if c not in figures.columns]
    if missing:
        raise InputError(f"figures table lacks column(s) {', '.join(missing)}")
    shares = figures[figures["unit"].isin(["fraction", "percent"])]
    if shares.empty:
        raise InputError("figures: no rows to chart (no share: unit fraction or percent)")
    if "start" in shares.columns:
        shares = shares.sort_values("start", kind="stable")
    value = shares["value"].fillna(shares["high"]).fillna(shares["low"]).astype(float)
    rows = pd.DataFrame(
        {
            "percent": (value.where(shares["unit"] == "percent", value * 100)).to_numpy(),
            "qualifier": [words.text(q) for q in shares["qualifier"]],
            "quote": [words.text(q) for q in shares["quote"]],
            "measure": [re.sub(r"^share of (the )?", "", words.text(m)) for m in shares["measure"]],
            "subject": [words.text(s) for s in shares["subject"]],
            "category": [words.text(c) or "other" for c in shares["category"]],
            "attributed_to": [
                words.text(a) for a in shares.get("attributed_to", pd.Series("", index=shares.index))
            ],
        }
    )
    rows["said"] = [
        f"{q + ' ' if q else ''}{p:.0f}%" for q, p in zip(rows["qualifier"], rows["percent"], strict=True)
    ]
    labels, seen = [], {}
    for r in rows.itertuples():
        about = "" if r.subject.lower() in r.measure.lower() else f" ({r.subject})"
        label = theme.wrap(f"{words.capital(r.measure)}{about}", LABEL_CHARS) + f"\n{words.quoted(r.quote)}"
        seen[label] = seen.get(label, 0) + 1  # plotly merges equal category labels: number repeats
        labels.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    rows["label"] = labels
    spare = [c for c in theme.PALETTE if c not in CATEGORY_COLOURS.values() and c != theme.HIGHLIGHT]
    others = [c for c in dict.fromkeys(rows["category"]) if c not in CATEGORY_COLOURS]
    colours = {**CATEGORY_COLOURS, **{c: spare[i % len(spare)] for i, c in enumerate(others)}}
    rows["colour"] = rows["category"].map(colours)
    rows["legend"] = [CATEGORY_NAMES.get(c, c.replace("_", " ")) for c in rows["category"]]
    return rows


def build(figures: pd.DataFrame, *, credit: str) -> Chart:
    """The chart of the shares in the figures table."""
    rows = chart_data(figures)
    low, high = rows.loc[rows["percent"].idxmin()], rows.loc[rows["percent"].idxmax()]
    if len(rows) == 1:
        title = f"The article's one share: {low.said} ({low.measure})"
    else:
        title = (
            f"The article's shares run from {words.quoted(low.quote)} ({low.measure}) "
            f"to {words.quoted(high.quote)} ({high.measure})"
        )
    qualified = rows[rows["qualifier"] != ""]
    caption = "Shares the article states, on the full scale from 0 to 100 %."
    if not qualified.empty:
        kept = words.listed([f"{words.quoted(r.quote)} is {r.said}" for r in qualified.itertuples()])
        caption += f" Hatched bars carry a qualifier, kept in the label ({kept})."
    quotes = "; ".join(
        f"{words.quoted(r.quote)} \u2013 {r.attributed_to}" if r.attributed_to else words.quoted(r.quote)
        for r in rows.itertuples()
    )
    source = f"Source: {credit}. Quotes: {quotes}."
    listing = "; ".join(f"{r.measure}: {words.quoted(r.quote)}, {r.said}" for r in rows.itertuples())
    alt = f"Horizontal bar chart of {len(rows)} shares on a scale from 0 to 100 percent: {listing}."
    return Chart(
        name="shares",
        data=rows,
        title=title,
        caption=caption,
        source=source,
        alt=alt,
        plotly=_plotly(rows, title),
        matplotlib=_matplotlib(rows, title, f"{caption}\n{source}"),
    )


X_TITLE = "Share (%)"
TICKS = [0, 25, 50, 75, 100]
#: Where the page expects a title: top left of the whole figure, 24 px a line (it re-wraps it).


def _plotly(rows: pd.DataFrame, title: str) -> go.Figure:
    figure = go.Figure()
    for legend, group in rows.groupby("legend", sort=False):  # one trace per category: the legend
        colour, hatched = group["colour"].iloc[0], list(group["qualifier"] != "")
        figure.add_trace(
            go.Bar(
                x=group["percent"],
                y=[theme.plotly_text(label) for label in group["label"]],
                name=theme.plotly_text(legend),
                orientation="h",
                width=0.64,
                marker={
                    "color": colour,
                    "line": {"color": colour, "width": [1.5 if h else 0 for h in hatched]},
                    "pattern": {
                        "shape": ["/" if h else "" for h in hatched],
                        "fgcolor": colour,
                        "bgcolor": theme.PAPER,
                        "fillmode": "replace",
                        "solidity": 0.4,
                        "size": 8,
                    },
                },
                text=[theme.plotly_text(said) for said in group["said"]],
                textposition="outside",
                cliponaxis=False,
                textfont={"size": theme.px(theme.TICK_SIZE), "color": theme.INK},
                hovertext=[
                    theme.plotly_text(
                        f"{words.quoted(r.quote)} = {r.said}\n{r.measure}"
                        + (f"\nsource: {r.attributed_to}" if r.attributed_to else "")
                    )
                    for r in group.itertuples()
                ],
                hoverinfo="text",
                uid=f"shares-{legend}",
            )
        )
    wrapped = theme.wrap(title)
    lines = wrapped.count("\n") + 1
    top = 24 + 24 * lines + 30  # the title (the page re-wraps it at 24 px a line) and the legend
    longest = max(len(line) for label in rows["label"] for line in label.split("\n"))
    height = top + 62 + int(96 * (0.62 * len(rows) + 0.8))
    figure.update_layout(
        template=theme.plotly_template(),
        title={"text": f"<b>{theme.plotly_text(wrapped)}</b>", **theme.TITLE_PLACE},
        height=height,
        margin={"l": max(60, min(420, int(longest * 6.8) + 40)), "r": 30, "t": top, "b": 62},
        barmode="overlay",
        legend={
            "orientation": "h",
            "x": 0.01,
            "xref": "container",
            "y": 1 - (20 + 24 * lines) / height,
            "yref": "container",
            "yanchor": "top",
        },
        xaxis={"title": {"text": X_TITLE}, "range": [0, 100], "tickvals": TICKS, "showgrid": True},
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [theme.plotly_text(label) for label in rows["label"]],
            "autorange": "reversed",
            "ticks": "",
            "showline": False,
        },
    )
    return figure


def _matplotlib(rows: pd.DataFrame, title: str, footer: str) -> Figure:
    wrapped, footer = theme.wrap(title), theme.wrap(footer, theme.CAPTION_CHARS)
    height = 0.62 * len(rows) + 1.2 + 0.22 * (wrapped.count("\n") + 1) + 0.15 * (footer.count("\n") + 1)
    with theme.matplotlib_context():
        figure, ax = plt.subplots(figsize=(theme.FIGURE_WIDTH, height), layout="constrained")
        for i, r in enumerate(rows.itertuples()):
            if r.qualifier:  # the article's bound, not its value: hatched
                style = {
                    "facecolor": theme.PAPER,
                    "edgecolor": r.colour,
                    "hatch": "////",
                    "hatchcolor": r.colour,
                }
                ax.barh(i, r.percent, height=0.64, linewidth=1.2, **style)
            else:
                ax.barh(i, r.percent, height=0.64, color=r.colour)
            ax.text(r.percent + 1.2, i, r.said, va="center", fontsize=theme.TICK_SIZE)
        ax.set_yticks(range(len(rows)), list(rows["label"]))
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(0, 100)
        ax.set_xticks(TICKS)
        ax.set_xlabel(X_TITLE)
        ax.tick_params(axis="y", length=0)
        ax.grid(True, axis="x")
        keys = rows.drop_duplicates("legend")  # the legend shows colour only
        ax.legend(
            [Patch(color=colour) for colour in keys["colour"]],
            list(keys["legend"]),
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=min(4, len(keys)),
        )
        figure.suptitle(wrapped, x=0.01, ha="left", fontsize=theme.TITLE_SIZE, fontweight="bold")
        # The caption and source line under the chart: the constrained layout makes room for it.
        figure.supxlabel(footer, x=0.01, ha="left", multialignment="left", fontsize=theme.CAPTION_SIZE)
        for text in figure.findobj(Text):
            text.set_parse_math(False)  # "$" in the article's words is a dollar sign
    plt.close(figure)
    return figure
