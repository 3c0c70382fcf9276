"""Chart: how a border's measured length depends on the map's scale.

Its data (border lengths measured on Natural Earth outlines at three scales, one line per
border, the article's border highlighted; the lengths other sources state, as dashed reference
lines), its words (a title giving the growth from the coarsest to the finest map, a caption, the
source, the alt text) and its two figures: plotly for the page, matplotlib for print. The x axis
is the scale's denominator on a log axis, reversed so that finer maps lie to the right.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator

from spillover import theme
from spillover.charts import Chart, words
from spillover.charts.border_sources import family, label, main_border
from spillover.errors import InputError
from spillover.units import convert

UNITS = ("km", "mi")
OTHERS = "other borders of the two countries"


def scale_label(denominator: float) -> str:
    """110_000_000 -> "1:110m"."""
    return f"1:{denominator / 1e6:g}m"


def chart_data(
    measured: pd.DataFrame,
    units: str = "km",
    highlight: str | None = None,
    reference: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, str]:
    """(the measured rows with their length in `units`, by border and from the coarsest scale;
    the border to highlight: `highlight`, else the one the article states, else the first)."""
    missing = {"border", "scale_denominator", "length_km"} - set(measured.columns)
    if missing:
        raise InputError(f"measured border lengths lack column(s) {', '.join(sorted(missing))}")
    if units not in UNITS:
        raise InputError(f"unknown display unit {units!r}; choose one of {', '.join(UNITS)}")
    if measured.empty:
        raise InputError("measured border lengths: no rows to chart")
    factor = 1.0 if units == "km" else convert(1.0, "km", units)
    data = measured.assign(length=measured["length_km"].astype(float) * factor)
    data = data.sort_values(["border", "scale_denominator"], ascending=[True, False], kind="stable")
    borders = set(data["border"])
    if highlight not in borders:
        stated = main_border(reference) if reference is not None and len(reference) else ""
        highlight = stated if stated in borders else str(data["border"].iloc[0])
    return data.reset_index(drop=True), highlight


def references(reference: pd.DataFrame | None, highlight: str, units: str) -> dict[float, list[str]]:
    """The lengths of the highlighted border that sources other than maps state, in `units`:
    value -> the sources giving it."""
    if reference is None or reference.empty:
        return {}
    missing = {"border", "source", "length_km"} - set(reference.columns)
    if missing:
        raise InputError(f"reference border lengths lack column(s) {', '.join(sorted(missing))}")
    factor = 1.0 if units == "km" else convert(1.0, "km", units)
    rows = reference[
        (reference["border"] == highlight) & (reference["source"].astype(str).map(family) != "Natural Earth")
    ]
    quotes = rows["quote"] if "quote" in rows.columns else pd.Series([""] * len(rows), index=rows.index)
    by_value: dict[float, list[str]] = {}
    for source, quote, length in zip(rows["source"].astype(str), quotes, rows["length_km"], strict=True):
        name = label(source, quote if isinstance(quote, str) else "")
        by_value.setdefault(round(float(length) * factor, 1), []).append(name)
    return {value: list(dict.fromkeys(by_value[value])) for value in sorted(by_value, reverse=True)}


def build(
    measured: pd.DataFrame,
    *,
    credit: str,
    units: str = "km",
    highlight: str | None = None,
    reference: pd.DataFrame | None = None,
) -> Chart:
    """The chart of measured border length against map scale. `reference` (optional): rows with
    border, source, length_km (the border_lengths table); its rows of the highlighted border not
    measured on maps are drawn as dashed lines."""
    data, highlight = chart_data(measured, units, highlight, reference)
    others = [b for b in dict.fromkeys(data["border"]) if b != highlight]
    line = data[data["border"] == highlight]
    coarse, fine = line.iloc[0], line.iloc[-1]
    growth = fine["length"] / coarse["length"] - 1
    monotone = all(
        (g["length"].diff().dropna() >= -1e-9).all() for _, g in data.groupby("border", sort=False)
    )
    lead = (
        "The finer the map, the longer the border" if monotone else "Measured lengths change with map scale"
    )
    sign = "+" if growth >= 0 else "\u2212"
    title = (
        f"{lead}: {highlight} measures {words.amount(coarse['length'])} {units} at "
        f"{scale_label(coarse['scale_denominator'])} and {words.amount(fine['length'])} {units} at "
        f"{scale_label(fine['scale_denominator'])} ({sign}{words.percent(growth)})"
    )
    stated = references(reference, highlight, units)
    note = ""
    if stated:
        top = max(stated)
        note = (
            f" Dashed lines: the stated lengths; even the finest map falls "
            f"{words.percent(1 - fine['length'] / top)} short of the longest ({words.amount(top)} {units})."
        )
    caption = (
        "Border lengths measured on Natural Earth outlines at three map scales (log axis, more detail "
        f"to the right). {highlight} in colour; grey lines are the other borders of the two countries. "
        "A generalised outline cuts the corners of a winding border, so it measures short." + note
    )
    maps = sorted({str(s).split(",")[0] for s in measured.get("source", ["Natural Earth"])})
    maps_text = maps[0] if len(maps) == 1 else f"{', '.join(maps[:-1])} and {maps[-1]}"
    source = f"{maps_text}, measured as shared boundaries on the WGS84 ellipsoid. {credit}."
    listing = "; ".join(
        f"{scale_label(d)} {words.amount(v)} {units}"
        for d, v in zip(line["scale_denominator"], line["length"], strict=True)
    )
    alt = (
        f"Line chart of measured border length against map scale for {len(others) + 1} borders. "
        f"{highlight}: {listing}." + note
    )
    return Chart(
        name=f"border_scale_{units}",
        data=data,
        title=title,
        caption=caption,
        source=f"Source: {source}",
        alt=alt,
        plotly=_plotly(data, highlight, others, stated, title, units),
        matplotlib=_matplotlib(data, highlight, others, stated, title, units, source),
    )


def _axis_limits(data: pd.DataFrame, stated: dict[float, list[str]]) -> tuple[list[float], float]:
    denominators = sorted({float(d) for d in data["scale_denominator"]}, reverse=True)
    return denominators, max([data["length"].max(), *stated]) * 1.12


def _plotly(
    data: pd.DataFrame,
    highlight: str,
    others: list[str],
    stated: dict[float, list[str]],
    title: str,
    units: str,
) -> go.Figure:
    figure = go.Figure()
    for border in [*others, highlight]:
        rows = data[data["border"] == border]
        mine = border == highlight
        colour, width = (theme.HIGHLIGHT, 2.5) if mine else (theme.MUTED, 1.0)
        figure.add_trace(
            go.Scatter(
                x=list(rows["scale_denominator"].astype(float)),
                y=list(rows["length"]),
                mode="lines+markers",
                line={"color": colour, "width": width * 1.4},
                marker={"color": colour, "size": 4 + width * 2},
                name=theme.plotly_text(highlight if mine else OTHERS),
                legendgroup=theme.plotly_text(highlight if mine else OTHERS),
                showlegend=mine or border == others[0],
                legendrank=1 if mine else 2,  # the highlighted border first, as in print
                hovertext=[
                    theme.plotly_text(f"{border}\n{scale_label(d)}: {words.amount(v)} {units}")
                    for d, v in zip(rows["scale_denominator"], rows["length"], strict=True)
                ],
                hoverinfo="text",
            )
        )
    for i, (value, names) in enumerate(stated.items()):
        below = i % 2 == 1  # two close lines: every other label under its line
        figure.add_hline(y=value, line={"color": theme.INK, "width": 1, "dash": "dash"})
        figure.add_annotation(
            xref="x domain",
            x=0.01,
            xanchor="left",
            yref="y",
            y=value,
            yanchor="top" if below else "bottom",
            yshift=-2 if below else 2,
            showarrow=False,
            text=theme.plotly_text(f"{'; '.join(names)}: {words.amount(value)} {units}"),
            font={"color": theme.INK, "size": theme.px(theme.ANNOTATION_SIZE)},
        )
    denominators, top = _axis_limits(data, stated)
    wrapped = theme.wrap(title)
    lines = wrapped.count("\n") + 1
    margin_top = 24 + 24 * lines + 30
    height = int(3.6 * 96 + margin_top + 62)
    figure.update_layout(
        template=theme.plotly_template(),
        title={"text": f"<b>{theme.plotly_text(wrapped)}</b>", **theme.TITLE_PLACE},
        height=height,
        margin={"l": 60, "r": 30, "t": margin_top, "b": 62},
        legend={
            "orientation": "h",
            "x": 0.01,
            "xanchor": "left",
            "xref": "container",
            "y": 1 - (20 + 24 * lines) / height,
            "yref": "container",
            "yanchor": "top",
        },
        xaxis={
            "title": {"text": "Map scale, 1 : n (log axis; finer to the right)"},
            "type": "log",
            # reversed: the coarsest map (largest n) on the left
            "range": [math.log10(max(denominators) * 1.35), math.log10(min(denominators) / 1.35)],
            "tickmode": "array",
            "tickvals": denominators,
            "ticktext": [scale_label(d) for d in denominators],
        },
        yaxis={
            "title": {"text": f"Measured length ({units})"},
            "range": [0, top],
            "showgrid": True,
            "tickformat": ",",
        },
    )
    for i, trace in enumerate(figure.data):
        trace.uid = f"border_scale_{units}-{i}"
    return figure


def _matplotlib(
    data: pd.DataFrame,
    highlight: str,
    others: list[str],
    stated: dict[float, list[str]],
    title: str,
    units: str,
    source: str,
) -> Figure:
    wrapped, source_lines = theme.wrap(title), theme.wrap(f"Source: {source}", 118)
    title_in = 0.21 * (wrapped.count("\n") + 1) + 0.5
    source_in = 0.145 * (source_lines.count("\n") + 1) + 0.15
    height = title_in + 3.6 + source_in
    denominators, top = _axis_limits(data, stated)
    with theme.matplotlib_context():
        figure, ax = plt.subplots(figsize=(theme.FIGURE_WIDTH, height))
        for border in [*others, highlight]:
            rows = data[data["border"] == border]
            mine = border == highlight
            colour, width = (theme.HIGHLIGHT, 2.5) if mine else (theme.MUTED, 1.0)
            ax.plot(
                rows["scale_denominator"].astype(float),
                rows["length"],
                color=colour,
                linewidth=width,
                marker="o",
                markersize=3 + width,
                label=highlight if mine else (OTHERS if border == others[0] else "_nolegend_"),
            )
        for i, (value, names) in enumerate(stated.items()):
            below = i % 2 == 1
            ax.axhline(value, color=theme.INK, linewidth=1, linestyle="--")
            ax.annotate(
                f"{'; '.join(names)}: {words.amount(value)} {units}",
                (0.01, value),
                xycoords=ax.get_yaxis_transform(),
                xytext=(0, -2 if below else 2),
                textcoords="offset points",
                ha="left",
                va="top" if below else "bottom",
                fontsize=theme.ANNOTATION_SIZE,
                color=theme.INK,
            )
        ax.set_xscale("log")
        ax.set_xlim(max(denominators) * 1.35, min(denominators) / 1.35)  # finer to the right
        ax.xaxis.set_major_locator(FixedLocator(denominators))
        ax.set_xticks(denominators, [scale_label(d) for d in denominators])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_ylim(0, top)
        ax.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
        ax.grid(True, axis="y")
        ax.set_xlabel("Map scale, 1 : n (log axis; finer to the right)")
        ax.set_ylabel(f"Measured length ({units})")
        handles, labels = ax.get_legend_handles_labels()
        order = sorted(range(len(labels)), key=lambda i: labels[i] != highlight)
        ax.legend(
            [handles[i] for i in order],
            [labels[i] for i in order],
            loc="lower left",
            bbox_to_anchor=(-0.01, 1.0),
            ncols=2,
            frameon=False,
        )
        figure.suptitle(wrapped, x=0.01, ha="left", fontsize=theme.TITLE_SIZE, fontweight="bold")
        figure.text(0.01, 0.01, source_lines, fontsize=theme.CAPTION_SIZE, color=theme.MUTED, va="bottom")
        figure.tight_layout(rect=(0, source_in / height, 1, 1))
    plt.close(figure)
    return figure
