"""The one look of every chart: colours, fonts, a matplotlib rc context and a plotly template.

Colours are the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), which stays
distinguishable under the common forms of colour-vision deficiency, plus two greys: MUTED for
context (neighbours, other borders) and MUTED_LIGHT for background fills. HIGHLIGHT (vermillion)
marks the one thing a chart is about; it is never used for anything else in the same chart.

Matplotlib draws with DejaVu Sans, which ships with matplotlib, so a PNG or SVG comes out
the same on every machine. The HTML report asks the browser for DejaVu Sans and falls back to
Verdana, its close relative, then to any sans-serif font.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
import plotly.graph_objects as go
from cycler import cycler

# --------------------------------------------------------------------------- colours

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"

#: Okabe–Ito, in the order series take them (yellow last: it is faint on white).
PALETTE: tuple[str, ...] = (BLUE, ORANGE, BLUISH_GREEN, SKY_BLUE, REDDISH_PURPLE, VERMILLION, BLACK, YELLOW)

HIGHLIGHT = VERMILLION
MUTED = "#9A9A9A"
MUTED_LIGHT = "#E6E6E6"
INK = "#222222"
GRID = "#DDDDDD"
PAPER = "#FFFFFF"

#: Every colour a chart may use for data (tests check marks against this set).
DATA_COLOURS: frozenset[str] = frozenset({*PALETTE, HIGHLIGHT, MUTED, MUTED_LIGHT, INK})


def with_alpha(colour: str, alpha: float) -> str:
    """ "#0072B2", 0.4 -> "rgba(0,114,178,0.4)": a palette colour made translucent (for plotly)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha:g})"


def base_colour(colour: str) -> str:
    """The "#RRGGBB" of a colour given as "#rrggbb" or "rgba(r,g,b,a)" (inverse of with_alpha)."""
    colour = colour.strip()
    if colour.startswith("rgba(") or colour.startswith("rgb("):
        parts = colour[colour.index("(") + 1 : colour.rindex(")")].split(",")
        r, g, b = (int(float(p)) for p in parts[:3])
        return f"#{r:02X}{g:02X}{b:02X}"
    return colour.upper()


# --------------------------------------------------------------------------- fonts

FONT_FAMILY = "DejaVu Sans"
WEB_FONT_FAMILY = "DejaVu Sans, Verdana, Geneva, sans-serif"

#: Sizes in points (matplotlib); plotly gets the same sizes in CSS pixels (x 4/3).
TITLE_SIZE = 12.5
PANEL_TITLE_SIZE = 10.5
LABEL_SIZE = 10.0
TICK_SIZE = 9.0
ANNOTATION_SIZE = 8.5
CAPTION_SIZE = 8.5

#: Width of a static chart, inches (fits an A4 text column and a 16:9 slide).
FIGURE_WIDTH = 8.0
DPI = 150
#: Fixed salt for the ids matplotlib writes into SVG files, so that they do not change.
SVG_HASHSALT = "spillover"


def px(points: float) -> int:
    """A size in points as CSS pixels (plotly sizes are pixels)."""
    return round(points * 4 / 3)


# --------------------------------------------------------------------------- matplotlib

RC_PARAMS: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY],
    "font.size": LABEL_SIZE,
    "text.color": INK,
    "text.usetex": False,  # never run TeX on article text
    "text.parse_math": False,  # "$" in article text is a dollar sign, not mathtext
    "axes.titlesize": PANEL_TITLE_SIZE,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": LABEL_SIZE,
    "axes.labelcolor": INK,
    "axes.edgecolor": INK,
    "axes.linewidth": 0.8,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.axisbelow": True,
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "xtick.labelsize": TICK_SIZE,
    "ytick.labelsize": TICK_SIZE,
    "xtick.color": INK,
    "ytick.color": INK,
    "legend.fontsize": TICK_SIZE,
    "legend.frameon": False,
    "hatch.color": PAPER,
    "hatch.linewidth": 1.2,
    "figure.facecolor": PAPER,
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "savefig.facecolor": PAPER,
    "svg.hashsalt": SVG_HASHSALT,
    "svg.fonttype": "path",
    "path.simplify": True,
}


@contextmanager
def matplotlib_context() -> Iterator[None]:
    """Temporarily apply the project's matplotlib style (rcParams restored afterwards)."""
    with mpl.rc_context(RC_PARAMS):
        yield


# --------------------------------------------------------------------------- plotly


def _axis_style() -> dict[str, object]:
    return {
        "showline": True,
        "linecolor": INK,
        "linewidth": 1,
        "ticks": "outside",
        "tickcolor": INK,
        "tickfont": {"size": px(TICK_SIZE), "color": INK},
        "title": {"font": {"size": px(LABEL_SIZE), "color": INK}},
        "gridcolor": GRID,
        "zeroline": False,
        "automargin": True,
    }


def plotly_template() -> go.layout.Template:
    """A plotly template with the same palette, fonts and sizes as the matplotlib style."""
    return go.layout.Template(
        layout={
            "font": {"family": WEB_FONT_FAMILY, "size": px(LABEL_SIZE), "color": INK},
            "title": {"font": {"size": px(TITLE_SIZE), "color": INK}, "x": 0, "xanchor": "left"},
            "colorway": list(PALETTE),
            "paper_bgcolor": PAPER,
            "plot_bgcolor": PAPER,
            "xaxis": {**_axis_style(), "showgrid": False},
            "yaxis": {**_axis_style(), "showgrid": False},
            "legend": {"font": {"size": px(TICK_SIZE)}, "bgcolor": "rgba(0,0,0,0)"},
            "hoverlabel": {"font": {"family": WEB_FONT_FAMILY, "size": px(TICK_SIZE)}},
            "annotationdefaults": {"font": {"size": px(ANNOTATION_SIZE), "color": INK}},
        }
    )


# --------------------------------------------------------------------------- words in charts

#: Characters per line of a chart title: a static figure FIGURE_WIDTH wide at TITLE_SIZE, and the
#: page's plotly charts (which re-wrap a title to a narrower screen themselves).
TITLE_CHARS = 72


def wrap(text: str, width: int = TITLE_CHARS) -> str:
    """Text wrapped at `width` characters, its own line breaks kept (for both libraries)."""
    return "\n".join(textwrap.fill(part, width) if part else "" for part in str(text).split("\n"))


def plotly_text(text: object) -> str:
    """Article text made inert for plotly's HTML-like labels; line breaks become <br>.
    (Matplotlib needs no escaping: RC_PARAMS turn mathtext and TeX off, so "$" stays "$".)"""
    return html.escape(str(text), quote=True).replace("\n", "<br>")


# Where the page expects a plotly chart's title: top left of the whole figure (the page re-wraps
# it, 24 px a line), and how many characters a line of a static figure's caption holds.
TITLE_PLACE = {
    "x": 0.01,
    "xref": "container",
    "y": 1,
    "yref": "container",
    "yanchor": "top",
    "pad": {"t": 14},
}
CAPTION_CHARS = 118
