"""Chart: every land border of one country, longest first, the one the article is about highlighted.

Its data (the country's land_boundary_km rows of the Factbook table, or rows of partner and
length_km), its words (a title ranking the highlighted border and giving its share of the
country's land borders, a caption, the source, the alt text) and its two figures: plotly for
the page, matplotlib for print.
"""

from __future__ import annotations

import re
import unicodedata

import matplotlib.pyplot as plt
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure

from spillover import theme
from spillover.charts import Chart, words
from spillover.errors import InputError
from spillover.units import convert

UNITS = ("km", "mi")
ORDINALS = ["", "", "second-", "third-", "fourth-", "fifth-", "sixth-", "seventh-", "eighth-", "ninth-"]


def chart_name(country: str, units: str) -> str:
    """ "Côte d'Ivoire", "km" -> "cote_d_ivoire_borders_km": a file name of letters, digits and "_"."""
    plain = unicodedata.normalize("NFKD", country.lower()).encode("ascii", "ignore").decode()
    return f"{re.sub(r'[^a-z0-9]+', '_', plain).strip('_') or 'country'}_borders_{units}"


def chart_data(
    borders: pd.DataFrame, country: str, units: str = "km", highlight: str = ""
) -> tuple[pd.DataFrame, float, str]:
    """(the country's borders, longest first, with their length in `units`, whether each is
    highlighted and its share of the total; the total in `units`; the source text).

    `borders`: Factbook rows (country, field, qualifier, value[, snapshot]) whose "total" row
    gives the total, or rows of partner and length_km (the total is then their sum)."""
    if units not in UNITS:
        raise InputError(f"unknown display unit {units!r}; choose one of {', '.join(UNITS)}")
    if {"partner", "length_km"} <= set(borders.columns):
        frame = borders[["partner", "length_km"]].copy()
        total_km = None
        source = str(borders["source"].iloc[0]) if "source" in borders.columns and len(borders) else ""
    else:
        missing = {"country", "qualifier", "value"} - set(borders.columns)
        if missing:
            raise InputError(f"{country}'s borders lack column(s) {', '.join(sorted(missing))}")
        rows = borders[borders["country"] == country]
        if "field" in rows.columns:
            rows = rows[rows["field"] == "land_boundary_km"]
        totals = rows[rows["qualifier"] == "total"]
        total_km = float(totals["value"].iloc[0]) if len(totals) else None
        rows = rows[rows["qualifier"] != "total"]
        frame = pd.DataFrame({"partner": rows["qualifier"].astype(str), "length_km": rows["value"]})
        snapshot = str(rows["snapshot"].iloc[0]) if "snapshot" in rows.columns and len(rows) else ""
        source = f"World Factbook {snapshot}".strip() + f", {country}: Geography, Land boundaries"
    if frame.empty:
        raise InputError(f"borders of {country}: no rows to chart")
    frame["length_km"] = frame["length_km"].astype(float)
    frame = frame.sort_values(["length_km", "partner"], ascending=[False, True], kind="stable")
    factor = 1.0 if units == "km" else convert(1.0, "km", units)
    frame["length"] = frame["length_km"] * factor
    total = (total_km if total_km is not None else frame["length_km"].sum()) * factor
    frame["highlighted"] = frame["partner"].str.startswith(highlight) if highlight else False
    frame["share"] = frame["length"] / total
    return frame.reset_index(drop=True), total, source or "World Factbook"


def title_of(frame: pd.DataFrame, country: str, total: float, units: str, highlight: str) -> str:
    """The highlighted border's rank and share of the country's land borders (or the longest)."""
    if frame["highlighted"].any():
        rank = int(frame["highlighted"].to_numpy().argmax()) + 1
        border = frame[frame["highlighted"]].iloc[0]
        ordinal = ORDINALS[rank] if rank < len(ORDINALS) else f"#{rank} "
        which = "longest" if rank == 1 else f"{ordinal}longest"
        return (
            f"{highlight} has {country}'s {which} border: {words.amount(border['length'])} {units}, "
            f"{words.percent(border['length'] / total)} of its {words.amount(total)} {units} of land borders"
        )
    top = frame.iloc[0]
    return f"{top['partner']} has {country}'s longest border: {words.amount(top['length'])} {units}"


def build(
    borders: pd.DataFrame,
    *,
    credit: str,
    units: str = "km",
    country: str | None = None,
    highlight: str | None = None,
) -> Chart:
    """The chart of a country's land borders (by default the first country of the rows), the
    border with `highlight` in the highlight colour."""
    if country is None:
        country = str(borders["country"].iloc[0]) if "country" in borders and len(borders) else ""
    highlight = highlight or ""
    frame, total, source = chart_data(borders, country, units, highlight)
    title = title_of(frame, country, total, units, highlight)
    marked = bool(frame["highlighted"].any())
    caption = f"{country}'s land borders with each neighbour, longest first, in {units}" + (
        f"; the border with {highlight}, the one the article is about, is highlighted." if marked else "."
    )
    listing = "; ".join(f"{r.partner} {words.amount(r.length)} {units}" for r in frame.itertuples())
    alt = f"Horizontal bar chart of {country}'s {len(frame)} land borders, longest first: {listing}." + (
        f" The border with {highlight} is highlighted." if marked else ""
    )
    return Chart(
        name=chart_name(country, units),
        data=frame,
        title=title,
        caption=caption,
        source=f"Source: {source}. Article: {credit}.",
        alt=alt,
        plotly=_plotly(frame, title, country, units),
        matplotlib=_matplotlib(frame, title, units, f"{source}. Article: {credit}."),
    )


def _colours(frame: pd.DataFrame) -> list[str]:
    return [theme.HIGHLIGHT if h else theme.MUTED for h in frame["highlighted"]]


def _plotly(frame: pd.DataFrame, title: str, country: str, units: str) -> go.Figure:
    labels = [theme.plotly_text(p) for p in frame["partner"]]
    hovers = [
        f"{country}\u2013{r.partner}: {words.amount(r.length)} {units} "
        f"({words.percent(r.share)} of the total)"
        for r in frame.itertuples()
    ]
    figure = go.Figure(
        go.Bar(
            x=list(frame["length"]),
            y=labels,
            orientation="h",
            width=0.64,
            marker={"color": _colours(frame)},
            text=[f"{words.amount(v)} {units}" for v in frame["length"]],
            textposition="outside",
            cliponaxis=False,
            textfont={"size": theme.px(theme.TICK_SIZE), "color": theme.INK},
            hovertext=[theme.plotly_text(h) for h in hovers],
            hoverinfo="text",
            showlegend=False,
            uid=f"{chart_name(country, units)}-0",
        )
    )
    wrapped = theme.wrap(title)
    top = 24 + 24 * (wrapped.count("\n") + 1)
    longest = max(len(p) for p in frame["partner"])
    left = max(60, min(420, int(longest * 6.8) + 40))
    figure.update_layout(
        template=theme.plotly_template(),
        title={"text": f"<b>{theme.plotly_text(wrapped)}</b>", **theme.TITLE_PLACE},
        height=int((0.36 * len(frame) + 0.8) * 96 + top + 62),
        margin={"l": left, "r": 30, "t": top, "b": 62},
        xaxis={
            "title": {"text": f"Border length ({units})"},
            "range": [0, frame["length"].max() * 1.18],
            "showgrid": True,
            "tickformat": ",",
        },
        yaxis={
            "title": {"text": "Neighbour"},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
            "autorange": "reversed",
            "ticks": "",
            "showline": False,
        },
    )
    return figure


def _matplotlib(frame: pd.DataFrame, title: str, units: str, source: str) -> Figure:
    wrapped, source_lines = theme.wrap(title), theme.wrap(f"Source: {source}", 118)
    title_in = 0.21 * (wrapped.count("\n") + 1) + 0.2
    source_in = 0.145 * (source_lines.count("\n") + 1) + 0.15
    height = title_in + 0.36 * len(frame) + 0.8 + source_in
    limit = frame["length"].max() * 1.18
    with theme.matplotlib_context():
        figure, ax = plt.subplots(figsize=(theme.FIGURE_WIDTH, height))
        ax.barh(range(len(frame)), frame["length"], height=0.64, color=_colours(frame))
        for i, value in enumerate(frame["length"]):
            ax.text(
                value + limit * 0.012,
                i,
                f"{words.amount(value)} {units}",
                va="center",
                fontsize=theme.TICK_SIZE,
            )
        ax.set_yticks(range(len(frame)), list(frame["partner"]))
        ax.set_ylim(len(frame) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(0, limit)
        ax.set_xlabel(f"Border length ({units})")
        ax.set_ylabel("Neighbour")
        ax.grid(True, axis="x")
        ax.xaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
        figure.suptitle(wrapped, x=0.01, ha="left", fontsize=theme.TITLE_SIZE, fontweight="bold")
        figure.text(0.01, 0.01, source_lines, fontsize=theme.CAPTION_SIZE, color=theme.MUTED, va="bottom")
        figure.tight_layout(rect=(0, source_in / height, 1, 1))
    plt.close(figure)
    return figure
