"""Chart: one border's length across sources and map scales (the article, the World Factbook,
Natural Earth outlines at three scales).

Its data (the border_lengths rows of one border, one bar per source and value, in the display
unit), its words (a title grouping like with like: what each source states, apart from the
lengths measured on maps, which are lower bounds and not another opinion; a caption, the
sources, the alt text) and its two figures: plotly for the page, matplotlib for print.
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from spillover import theme
from spillover.charts import Chart, words
from spillover.errors import InputError
from spillover.units import convert

UNITS = ("km", "mi")
# Each kind of source has one colour (the article's is the highlight), and one place in the order.
FAMILY_COLOURS = {
    "article": theme.HIGHLIGHT,
    "World Factbook": theme.BLUE,
    "Natural Earth": theme.SKY_BLUE,
    "other": theme.MUTED,
}
FAMILY_ORDER = {"article": 0, "World Factbook": 1, "Natural Earth": 2, "other": 3}
SCALE_IN_TEXT = re.compile(r"(?:1:|countries-)(\d+m)\b")


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def family(source: str) -> str:
    """The kind of a source: article, World Factbook, Natural Earth or other."""
    lowered = source.lower()
    if lowered.startswith("article"):
        return "article"
    if "factbook" in lowered:
        return "World Factbook"
    return "Natural Earth" if "natural earth" in lowered else "other"


def scale(source: str) -> str:
    """ "Natural Earth 1:50m" -> "50m"; "" for a source without a map scale."""
    match = SCALE_IN_TEXT.search(source)
    return match.group(1) if match else ""


def label(source: str, quote: str) -> str:
    """A bar's label: the article's quote, the map scale or the source as it is."""
    kind = family(source)
    if kind == "article":
        return f"Article: {words.quoted(quote)}" if quote else "Article"
    if kind == "Natural Earth":
        return f"Natural Earth 1:{scale(source)}" if scale(source) else "Natural Earth"
    return source


def main_border(rows: pd.DataFrame) -> str:
    """The border an article's figures are about: the first the article states, else the first row's."""
    if rows.empty:
        return ""
    stated = rows[rows["source"].astype(str) == "article"]
    return str((stated if len(stated) else rows)["border"].iloc[0])


def chart_data(border_lengths: pd.DataFrame, units: str = "km", border: str | None = None) -> pd.DataFrame:
    """One border's rows (by default the one the article states), one per source and value, in
    `units`: article first, then the Factbook, then maps from the finest scale."""
    missing = {"border", "source", "length_km"} - set(border_lengths.columns)
    if missing:
        raise InputError(f"border lengths table lacks column(s) {', '.join(sorted(missing))}")
    if units not in UNITS:
        raise InputError(f"unknown display unit {units!r}; choose one of {', '.join(UNITS)}")
    border = border or main_border(border_lengths)
    rows = border_lengths[border_lengths["border"] == border]
    if rows.empty:
        raise InputError(f"border lengths: no rows of the border {border!r} to chart")
    sources = rows["source"].astype(str)
    quotes = [_text(q) for q in rows["quote"]] if "quote" in rows.columns else [""] * len(rows)
    stated = [_text(u) for u in rows["stated_unit"]] if "stated_unit" in rows.columns else [""] * len(rows)
    references = [_text(r) for r in rows["reference"]] if "reference" in rows.columns else [""] * len(rows)
    factor = 1.0 if units == "km" else convert(1.0, "km", units)
    data = pd.DataFrame(
        {
            "border": border,
            "source": sources.to_numpy(),
            "family": [family(s) for s in sources],
            "label": [label(s, q) for s, q in zip(sources, quotes, strict=True)],
            "quote": quotes,
            "length": rows["length_km"].astype(float).to_numpy() * factor,
            "units": units,
            "converted": [bool(u) and words.SYMBOLS.get(u, u) != units for u in stated],
            "reference": references,
        }
    )
    # article first, then the Factbook, then the maps from the finest (smallest denominator)
    data["order"] = [
        (FAMILY_ORDER[f], float(scale(s)[:-1]) if scale(s) else float("inf"))
        for f, s in zip(data["family"], data["source"], strict=True)
    ]
    data = data.sort_values("order", kind="stable").drop(columns="order")
    # the same source and value twice (a reference table concatenated twice) is one bar
    data = data[~data.assign(rounded=data["length"].round(3)).duplicated(["label", "rounded"])]
    data = data.reset_index(drop=True)
    data["label"] = words.unique(list(data["label"]))
    return data


def title_of(data: pd.DataFrame) -> str:
    """What each source states, grouped by value, then the span measured on maps."""
    border, units = data["border"].iloc[0], data["units"].iloc[0]
    if data["length"].max() - data["length"].min() < 0.5:
        return f"Every source gives the {border} border as {words.amount(data['length'].max())} {units}"
    stated: dict[int, list[str]] = {}
    for _, r in data[data["family"] != "Natural Earth"].sort_values("length", ascending=False).iterrows():
        name = (
            r["label"]
            if r["family"] != "article"
            else (f"the article's {words.quoted(r['quote'])}" if r["quote"] else "the article")
        )
        stated.setdefault(round(r["length"]), []).append(name)
    clauses = [f"{words.amount(length)} {units} in {words.listed(names)}" for length, names in stated.items()]
    on_maps = data[data["family"] == "Natural Earth"]["length"]
    if len(on_maps):
        low, high = words.amount(on_maps.min()), words.amount(on_maps.max())
        span = f"{low}\u2013{high} {units}" if low != high else f"{low} {units}"
        clauses.append(f"{span} on maps, which can only under-measure")
    return f"The {border} border is {words.listed(clauses)}"


def sources_of(data: pd.DataFrame) -> list[str]:
    """The reference sources of the rows, the Natural Earth scales folded into one entry."""
    out, bases, scales = [], [], []
    for r in data.itertuples():
        if r.family == "article":
            continue
        if r.family != "Natural Earth":
            out.append(r.source)
            continue
        text = r.reference or r.source
        base = re.sub(r",?\s*countries-\d+m\.json.*$", "", text.split(";")[0])
        bases.append(re.sub(r"\s*1:\d+m", "", base).strip())
        scales.append(scale(r.source))
    if bases:
        listed = ", ".join(f"1:{s}" for s in dict.fromkeys(scales) if s)
        out.append(
            f"{max(bases, key=len)} ({listed}), border measured as the shared boundary of the outlines"
        )
    return list(dict.fromkeys(out))


def build(
    border_lengths: pd.DataFrame, *, credit: str, units: str = "km", border: str | None = None
) -> Chart:
    """The chart of one border's length by source (by default the border the article states)."""
    data = chart_data(border_lengths, units, border)
    border = data["border"].iloc[0]
    title = title_of(data)
    caption = f"The length of the {border} border as each source gives it, in {units}."
    if (data["family"] == "Natural Earth").any():
        caption += (
            " Natural Earth lengths are measured on generalised outlines: straight segments cut "
            "the corners of a winding border, so the coarser the map, the shorter the border."
        )
    if data["converted"].any():
        caption += f" Hatched bars are converted to {units} (with pint) from the unit their source states."
    source = "; ".join([*sources_of(data), credit]) + "."
    listing = "; ".join(f"{r.label} {words.amount(r.length)} {units}" for r in data.itertuples())
    return Chart(
        name=f"border_sources_{units}",
        data=data,
        title=title,
        caption=caption,
        source=f"Source: {source}",
        alt=f"Horizontal bar chart of the length of the {border} border by source: {listing}.",
        plotly=_plotly(data, title, units),
        matplotlib=_matplotlib(data, title, units, source),
    )


def _hovers(data: pd.DataFrame, units: str) -> list[str]:
    return [f"{r.label}: {words.amount(r.length)} {units}\n{r.source}" for r in data.itertuples()]


def _plotly(data: pd.DataFrame, title: str, units: str) -> go.Figure:
    figure = go.Figure()
    labels = [theme.plotly_text(label) for label in data["label"]]
    hovers = _hovers(data, units)
    # one trace per kind of source, so that the legend names the colours
    for kind, colour in FAMILY_COLOURS.items():
        rows = [i for i, f in enumerate(data["family"]) if f == kind]
        if not rows:
            continue
        hatched = [bool(data["converted"].iloc[i]) for i in rows]
        figure.add_trace(
            go.Bar(
                x=[data["length"].iloc[i] for i in rows],
                y=[labels[i] for i in rows],
                orientation="h",
                width=0.64,
                name=theme.plotly_text(kind[:1].upper() + kind[1:]),
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
                text=[f"{words.amount(data['length'].iloc[i])} {units}" for i in rows],
                textposition="outside",
                cliponaxis=False,
                textfont={"size": theme.px(theme.TICK_SIZE), "color": theme.INK},
                hovertext=[theme.plotly_text(hovers[i]) for i in rows],
                hoverinfo="text",
            )
        )
    wrapped = theme.wrap(title)
    lines = wrapped.count("\n") + 1
    top = 24 + 24 * lines + 30
    longest = max(len(label) for label in data["label"])
    left = max(60, min(420, int(longest * 6.8) + 40))
    height = int((0.4 * len(data) + 0.8) * 96 + top + 62)
    figure.update_layout(
        template=theme.plotly_template(),
        title={"text": f"<b>{theme.plotly_text(wrapped)}</b>", **theme.TITLE_PLACE},
        height=height,
        margin={"l": left, "r": 30, "t": top, "b": 62},
        barmode="overlay",
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
            "title": {"text": f"Length of the border ({units})"},
            "range": [0, data["length"].max() * 1.2],
            "showgrid": True,
            "tickformat": ",",
        },
        yaxis={
            "title": {"text": "Source"},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
            "autorange": "reversed",
            "ticks": "",
            "showline": False,
        },
    )
    for i, trace in enumerate(figure.data):
        trace.uid = f"border_sources_{units}-{i}"
    return figure


def _matplotlib(data: pd.DataFrame, title: str, units: str, source: str) -> Figure:
    wrapped, source_lines = theme.wrap(title), theme.wrap(f"Source: {source}", 118)
    title_in = 0.21 * (wrapped.count("\n") + 1) + 0.5  # and the legend under it
    source_in = 0.145 * (source_lines.count("\n") + 1) + 0.15
    height = title_in + 0.4 * len(data) + 0.8 + source_in
    limit = data["length"].max() * 1.2
    with theme.matplotlib_context():
        figure, ax = plt.subplots(figsize=(theme.FIGURE_WIDTH, height))
        for i, r in enumerate(data.itertuples()):
            colour = FAMILY_COLOURS[r.family]
            if r.converted:
                ax.barh(
                    i,
                    r.length,
                    height=0.64,
                    facecolor=theme.PAPER,
                    edgecolor=colour,
                    hatch="////",
                    hatchcolor=colour,
                    linewidth=1.2,
                )
            else:
                ax.barh(i, r.length, height=0.64, color=colour)
            ax.text(
                r.length + limit * 0.012,
                i,
                f"{words.amount(r.length)} {units}",
                va="center",
                fontsize=theme.TICK_SIZE,
            )
        ax.set_yticks(range(len(data)), list(data["label"]))
        ax.set_ylim(len(data) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(0, limit)
        ax.set_xlabel(f"Length of the border ({units})")
        ax.set_ylabel("Source")
        ax.grid(True, axis="x")
        ax.xaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
        kinds = [k for k in FAMILY_COLOURS if k in set(data["family"])]
        ax.legend(
            [Patch(facecolor=FAMILY_COLOURS[k]) for k in kinds],
            [k[:1].upper() + k[1:] for k in kinds],
            loc="lower left",
            bbox_to_anchor=(-0.01, 1.0),
            ncols=len(kinds),
            frameon=False,
        )
        figure.suptitle(wrapped, x=0.01, ha="left", fontsize=theme.TITLE_SIZE, fontweight="bold")
        figure.text(0.01, 0.01, source_lines, fontsize=theme.CAPTION_SIZE, color=theme.MUTED, va="bottom")
        figure.tight_layout(rect=(0, source_in / height, 1, 1))
    plt.close(figure)
    return figure
