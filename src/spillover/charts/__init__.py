"""The report's charts, one module per chart.

Each module holds one chart whole, readable top to bottom: the rows it draws (from the published
tables), its words (a title that states what the data show, a caption, the source line, the alt
text) and its two figures, written in each library's own idiom: plotly for the page, matplotlib
for print. What every chart shares lives in one place: this record and `save_static` here, the
colours, fonts and sizes in `spillover.theme`.

Modules import `from spillover.charts import Chart, save_static` (absolute imports only: the
render's cache keys follow them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure

from spillover import theme
from spillover.errors import InputError


@dataclass(frozen=True)
class Chart:
    """One chart: the rows it draws, its words and its two figures."""

    name: str  # file name of the static twin: letters, digits, '-' and '_'
    data: pd.DataFrame
    title: str
    caption: str
    source: str  # "Source: ..."
    alt: str
    plotly: go.Figure
    matplotlib: Figure


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def save_static(figure: Figure, name: str, folder: Path | str, title: str = "", alt: str = "") -> list[Path]:
    """Write a matplotlib figure as folder/name.png and folder/name.svg, byte for byte the same on
    every run; the title and alt text go into the files' metadata (PNG text chunks, SVG Dublin
    Core)."""
    if not isinstance(figure, Figure):
        raise InputError(
            f"save_static writes matplotlib figures, got {type(figure).__name__}; "
            "pass the chart's matplotlib figure"
        )
    if not _NAME.match(name):
        raise InputError(f"figure name {name!r}: use letters, digits, '_' and '-' only")
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot create figure folder {folder}: {error.strerror}") from None
    words = {key: value for key, value in (("Title", title), ("Description", alt)) if value}
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    with theme.matplotlib_context():
        figure.savefig(png, format="png", dpi=theme.DPI, metadata={"Software": None, **words})
        figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None, **words})
    return [png, svg]


def save(chart: Chart, folder: Path | str) -> list[Path]:
    """A chart's static twin, with its title and alt text."""
    return save_static(chart.matplotlib, chart.name, folder, chart.title, chart.alt)
