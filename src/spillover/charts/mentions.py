"""Chart: how many numeric expressions of each kind the article holds, one bar per kind.

Its data (one row per kind: how many, three examples), its words (a title that names the
commonest kind, a caption, the source, the alt text) and its two figures: plotly for the page,
matplotlib for print. The commonest kind (or the kinds that tie for it) is highlighted.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from spillover import theme
from spillover.charts import Chart, words
from spillover.errors import InputError
from spillover.extract import excerpt

QUOTE_CHARS = 60  # longest example quoted in a hover; longer ones end in an ellipsis

# How each kind of expression is spoken of, in titles and on the axis.
KIND_NAMES = {
    "count": "counts",
    "year": "years",
    "date": "dates",
    "duration": "durations",
    "length": "lengths",
    "fraction": "fractions",
    "percent": "percentages",
    "money": "sums of money",
    "area": "areas",
    "time": "times of day",
    "temperature": "temperatures",
    "rank": "ranks",
    "multiple": "multiples",
    "mass": "masses",
    "volume": "volumes",
    "speed": "speeds",
    "power": "amounts of power",
    "energy": "amounts of energy",
}


def _example(text: str) -> str:
    return f"\u201c{excerpt(text, 0, len(text), QUOTE_CHARS)}\u201d"


def chart_data(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per kind of expression, the commonest first (ties by name): kind, name (plural,
    as a reader says it), number, examples (the first three, quoted) and commonest (True for the
    kind, or the kinds that tie, with the most)."""
    missing = [c for c in ("kind", "text") if c not in mentions.columns]
    if missing:
        raise InputError(f"mentions table lacks column(s) {', '.join(missing)}")
    if mentions.empty:
        raise InputError("mentions: no rows to chart")
    kinds = (
        mentions.assign(kind=mentions["kind"].fillna("other").astype(str), text=mentions["text"].astype(str))
        .groupby("kind", sort=True)["text"]
        .agg(number="size", examples=lambda texts: ", ".join(_example(t) for t in texts.head(3)))
        .reset_index()
        .sort_values(["number", "kind"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    kinds.insert(1, "name", kinds["kind"].map(lambda kind: KIND_NAMES.get(kind, kind.replace("_", " "))))
    kinds["commonest"] = kinds["number"] == kinds["number"].max()
    return kinds


def build(mentions: pd.DataFrame, *, credit: str) -> Chart:
    """The chart of the article's numeric expressions by kind (the mentions table)."""
    kinds = chart_data(mentions)
    total, top = int(kinds["number"].sum()), kinds[kinds["commonest"]]
    most = int(top["number"].iloc[0])
    if len(top) == 1:
        title = (
            f"{words.capital(top['name'].iloc[0])} are the commonest numbers in the article: "
            f"{most} of its {total} numeric expressions"
        )
    else:
        title = (
            f"{words.capital(words.listed(list(top['name'])))} tie as the commonest numbers in the article: "
            f"{most} each of {total} numeric expressions"
        )
    caption = (
        "Each bar counts the numeric expressions of one kind that the extractor finds in the "
        "article: counts of people and things, calendar years, dates (including relative ones "
        "such as \u201clast Monday\u201d), durations, lengths, fractions and percentages. "
        "The commonest kind is highlighted."
    )
    source = f"Source: {total} mentions extracted by spillover.extract from {credit} (mentions table)."
    listing = "; ".join(f"{row.name} {row.number}" for row in kinds.itertuples())
    alt = (
        f"Horizontal bar chart of the {total} numeric expressions in the article by kind, "
        f"from most to fewest: {listing}."
    )
    return Chart(
        name="mentions_by_kind",
        data=kinds,
        title=title,
        caption=caption,
        source=source,
        alt=alt,
        plotly=_plotly(kinds, title),
        matplotlib=_matplotlib(kinds, title, f"{caption}\n{source}"),
    )


#: Where the page expects a title: top left of the whole figure, 24 px a line (it re-wraps it).
X_TITLE = "Numeric expressions in the article (count)"
Y_TITLE = "Kind of expression"


def _colours(kinds: pd.DataFrame) -> list[str]:
    return [theme.HIGHLIGHT if commonest else theme.BLUE for commonest in kinds["commonest"]]


def _plotly(kinds: pd.DataFrame, title: str) -> go.Figure:
    labels = [theme.plotly_text(words.capital(name)) for name in kinds["name"]]
    hovers = [
        theme.plotly_text(f"{words.capital(row.name)}: {row.number}\ne.g. {row.examples}")
        for row in kinds.itertuples()
    ]
    figure = go.Figure(
        go.Bar(
            x=kinds["number"],
            y=labels,
            orientation="h",
            marker_color=_colours(kinds),
            text=kinds["number"],
            textposition="outside",
            cliponaxis=False,
            hovertext=hovers,
            hoverinfo="text",
            uid="mentions_by_kind",
        )
    )
    wrapped = theme.wrap(title)
    top = 24 + 24 * (wrapped.count("\n") + 1)  # the page re-wraps titles at 24 px a line
    figure.update_layout(
        template=theme.plotly_template(),
        title={"text": f"<b>{theme.plotly_text(wrapped)}</b>", **theme.TITLE_PLACE},
        height=top + 70 + 36 * len(kinds),
        margin={"l": 10, "r": 30, "t": top, "b": 62},
        xaxis={"title": {"text": X_TITLE}, "range": [0, kinds["number"].max() * 1.12], "showgrid": True},
        yaxis={
            "title": {"text": Y_TITLE},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
            "autorange": "reversed",
            "ticks": "",
        },
        showlegend=False,
    )
    return figure


def _matplotlib(kinds: pd.DataFrame, title: str, footer: str) -> Figure:
    wrapped, footer = theme.wrap(title), theme.wrap(footer, theme.CAPTION_CHARS)
    height = 0.38 * len(kinds) + 1.0 + 0.22 * (wrapped.count("\n") + 1) + 0.15 * (footer.count("\n") + 1)
    with theme.matplotlib_context():
        figure, ax = plt.subplots(figsize=(theme.FIGURE_WIDTH, height), layout="constrained")
        labels = [words.capital(name) for name in kinds["name"]]
        bars = ax.barh(labels, kinds["number"], color=_colours(kinds), height=0.64)
        ax.bar_label(bars, padding=3, fontsize=theme.TICK_SIZE)
        ax.invert_yaxis()
        ax.set_xlim(0, kinds["number"].max() * 1.12)
        ax.set_xlabel(X_TITLE)
        ax.set_ylabel(Y_TITLE)
        ax.tick_params(axis="y", length=0)
        ax.grid(True, axis="x")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole expressions only
        ax.xaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
        figure.suptitle(wrapped, x=0.01, ha="left", fontsize=theme.TITLE_SIZE, fontweight="bold")
        # The caption and source line under the chart: the constrained layout makes room for it.
        figure.supxlabel(footer, x=0.01, ha="left", multialignment="left", fontsize=theme.CAPTION_SIZE)
        for text in figure.findobj(Text):
            text.set_parse_math(False)  # "$" in the article's words is a dollar sign
    plt.close(figure)
    return figure
