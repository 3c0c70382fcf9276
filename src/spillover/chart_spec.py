"""Every chart of the report, described once and drawn by two renderers.

A *spec builder* (``mentions_spec``, ``refugee_flows_spec``, ...) turns a tidy table into a
:class:`ChartSpec`: the data as marks (bars, intervals, lines, flows, shapes, points), the
title (which states the finding, computed from the data), axis labels with units, a caption, a
source line and alt text. :func:`to_matplotlib` draws a spec as a static figure (PNG/SVG for
print and slides) and :func:`to_plotly` as an interactive figure (HTML report). The chart
functions (``mentions_chart(table, backend="plotly")`` ...) do both steps.

The words of a chart are exposed on the returned figure:

- matplotlib: ``fig.chart_spec`` is the spec (``fig.chart_spec.alt``, ``.caption``, ...);
- plotly: ``fig.layout.meta`` is a dict with name, title, caption, source and alt
  (HTML-escaped, ready for an ``alt``/``aria-label`` attribute);
- :func:`describe` returns the same plain-text dict for either.

Article text is untrusted: the plotly renderer HTML-escapes every string it puts into a figure
(titles, tick labels, legend names, hover texts); matplotlib runs with mathtext and TeX off.
Plotly figures use no geo or mapbox traces and no MathJax, so they never touch the network.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import html
import math
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import matplotlib.dates as mdates
import pandas as pd
import plotly.graph_objects as go
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
from plotly.subplots import make_subplots
from shapely.geometry.base import BaseGeometry

from spillover import charts, theme
from spillover.errors import InputError
from spillover.extract import excerpt
from spillover.units import convert

if TYPE_CHECKING:  # geopandas is slow to import and only the map needs it
    import geopandas as gpd

Backend = Literal["plotly", "matplotlib"]
BACKENDS: tuple[str, ...] = ("plotly", "matplotlib")
UNITS: tuple[str, ...] = ("km", "mi")

#: The credit line when the caller gives none (spillover.report passes the article's own:
#: author, title, publisher, date, from its files).
ARTICLE_CREDIT = "the article"

#: At most this many labelled rows in a chart with one row per dated sentence: about a screen
#: of labels is what a reader can read, and each row is a plotly trace, so hundreds of rows
#: would make a page nobody can read and a chart that takes minutes to draw. The rest are
#: sampled evenly in date order, and the caption says how many were left out.
MAX_LABELS = 40
#: Longest row label (two wrapped lines), hover text and example quote drawn from the article;
#: longer ones end in an ellipsis (the whole text is in the tables).
LABEL_CHARS = 100
HOVER_CHARS = 300
QUOTE_CHARS = 60

# --------------------------------------------------------------------------- the spec


@dataclass(frozen=True)
class Axis:
    """One axis of a panel. ``kind``: "linear", "log", "date" or "category"."""

    label: str = ""
    kind: str = "linear"
    limits: tuple[Any, Any] | None = None
    ticks: tuple[float, ...] = ()
    tick_labels: tuple[str, ...] = ()
    reversed: bool = False
    grid: bool = False
    visible: bool = True


@dataclass(frozen=True)
class Bars:
    """Horizontal bars, one per category, listed top to bottom."""

    categories: tuple[str, ...]
    values: tuple[float, ...]
    colours: tuple[str, ...]
    hatched: tuple[bool, ...] = ()  # an estimate, a projection or a converted value
    texts: tuple[str, ...] = ()  # value labels at the end of the bars
    hovers: tuple[str, ...] = ()
    legend: tuple[str, ...] = ()  # legend entry of each bar ("" for none)


@dataclass(frozen=True)
class Intervals:
    """Time spans on a date axis, one per category (top to bottom); a one-day span is a dot."""

    categories: tuple[str, ...]
    starts: tuple[dt.date, ...]
    ends: tuple[dt.date, ...]  # inclusive
    colours: tuple[str, ...]
    hovers: tuple[str, ...] = ()
    legend: tuple[str, ...] = ()


@dataclass(frozen=True)
class Line:
    """One series of points joined by a line, labelled at its last point."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    colour: str
    name: str = ""  # legend entry
    label: str = ""  # text at the last point
    width: float = 1.5
    dashed: bool = False
    hovers: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefLine:
    """A horizontal reference line across the panel, labelled at its left end."""

    value: float
    label: str
    colour: str = theme.INK
    dashed: bool = True
    label_below: bool = False  # put the label under the line (when two lines are close)


@dataclass(frozen=True)
class Flows:
    """A flow (Sankey) diagram: nodes in stages (columns, left to right) and links."""

    nodes: tuple[str, ...]
    stages: tuple[int, ...]
    node_colours: tuple[str, ...]
    sources: tuple[int, ...]
    targets: tuple[int, ...]
    values: tuple[float, ...]
    link_colours: tuple[str, ...]
    projected: tuple[bool, ...] = ()  # drawn hatched (matplotlib) / faint (plotly)
    link_hovers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shapes:
    """Geometries in lon/lat: polygons are filled, lines are stroked. Drawn in order."""

    geometries: tuple[BaseGeometry, ...]
    fills: tuple[str | None, ...]
    edges: tuple[str, ...]
    widths: tuple[float, ...]
    alphas: tuple[float, ...] = ()
    hovers: tuple[str, ...] = ()
    legend: tuple[str, ...] = ()


@dataclass(frozen=True)
class Points:
    """Marked points with a text label beside each."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    labels: tuple[str, ...]
    colour: str = theme.INK
    name: str = ""
    hovers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Labels:
    """Free text placed in data coordinates (country names on a map)."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    texts: tuple[str, ...]
    bold: tuple[bool, ...] = ()


Mark = Bars | Intervals | Line | RefLine | Flows | Shapes | Points | Labels


@dataclass(frozen=True)
class Panel:
    """One plotting area. Panels of a chart are stacked top to bottom."""

    marks: tuple[Mark, ...]
    x: Axis = field(default_factory=Axis)
    y: Axis = field(default_factory=Axis)
    title: str = ""
    height: float = 3.0  # inches in the static figure (x 96 px in plotly)
    aspect: float | None = None  # y units per x unit drawn equally long (maps)


@dataclass(frozen=True)
class ChartSpec:
    """Everything a chart says, independent of how it is drawn."""

    name: str  # file stem: letters, digits, "_" and "-"
    title: str  # states the finding
    caption: str
    source: str
    alt: str  # for screen readers
    panels: tuple[Panel, ...]

    @property
    def text(self) -> dict[str, str]:
        """name, title, caption, source and alt as plain text."""
        return {k: getattr(self, k) for k in ("name", "title", "caption", "source", "alt")}


# --------------------------------------------------------------------------- small helpers


def _fmt(x: float) -> str:
    """1357.0 -> "1,357"; 63.1 -> "63"; 1.26 -> "1.3": thousands separators, few decimals."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "?"
    if abs(x) >= 10 or abs(x - round(x)) < 0.05:
        return f"{x:,.0f}"
    return f"{x:,.1f}"


def _pct(share: float) -> str:
    """0.046 -> "4.6%"; 0.31 -> "31%"."""
    pct = abs(share) * 100
    return f"{pct:.1f}%" if pct < 10 else f"{pct:.0f}%"


def _q(text: object) -> str:
    """A quote from the article in typographic quotation marks."""
    return f"\u201c{text}\u201d"


def _join(items: Sequence[str], last: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _str(value: object) -> str:
    return "" if _missing(value) else str(value)


def _require(table: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise InputError(f"{what}: expected a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(
            f"{what} table lacks column(s) {', '.join(missing)}; it has {', '.join(map(str, table.columns))}"
        )


def _nonempty(table: pd.DataFrame, what: str) -> None:
    if table.empty:
        raise InputError(f"{what}: no rows to chart")


def _check_units(units: str) -> str:
    if units not in UNITS:
        raise InputError(f"unknown display unit {units!r}; choose one of {', '.join(UNITS)}")
    return units


def _km_to(units: str) -> float:
    """Kilometres to `units`, the factor from pint (spillover.tables.convert)."""
    return 1.0 if units == "km" else convert(1.0, "km", units)


_UNIT_SYMBOLS = {"kilometer": "km", "kilometre": "km", "km": "km", "mile": "mi", "mi": "mi"}


def _unit_symbol(unit: str) -> str:
    return _UNIT_SYMBOLS.get(unit, unit)


def _unique(labels: Sequence[str]) -> tuple[str, ...]:
    """Labels made unique by numbering repeats (plotly merges equal category labels)."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return tuple(out)


def _short(text: object, limit: int) -> str:
    """Text of the article cut at a word to at most `limit` characters, with an ellipsis."""
    text = str(text)
    return excerpt(text, 0, len(text), limit)


def _spread(count: int, limit: int, keep: int | None = None) -> list[int]:
    """At most `limit` of the indices 0..count-1, evenly spaced, the first and last included,
    and `keep` too when given (deterministic: the same rows every time)."""
    if count <= limit:
        return list(range(count))
    chosen = {round(i * (count - 1) / (limit - 1)) for i in range(limit)}
    if keep is not None and keep not in chosen:
        inner = sorted(chosen - {0, count - 1}, key=lambda i: (abs(i - keep), i))
        chosen.remove(inner[0])
        chosen.add(keep)
    return sorted(chosen)


def _wrap(text: str, width: int) -> str:
    """Text wrapped at `width` characters, existing line breaks kept."""
    return "\n".join(textwrap.fill(part, width) if part else "" for part in text.split("\n"))


def _palette_for(keys: Sequence[str], fixed: dict[str, str]) -> dict[str, str]:
    """A colour for each key: `fixed` ones first, the others from the palette in order."""
    spare = [c for c in theme.PALETTE if c not in fixed.values() and c != theme.HIGHLIGHT]
    out = {}
    for key in keys:
        if key not in out:
            out[key] = fixed.get(key) or spare[len([k for k in out if k not in fixed]) % len(spare)]
    return out


# --------------------------------------------------------------------------- 1. mentions

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
}


def mentions_spec(mentions: pd.DataFrame, *, credit: str = ARTICLE_CREDIT) -> ChartSpec:
    """How many numeric expressions of each kind the article holds (bars)."""
    _require(mentions, ["kind", "text"], "mentions")
    _nonempty(mentions, "mentions")
    counts = mentions.groupby("kind", sort=True)["text"].agg(list)
    order = sorted(counts.index, key=lambda k: (-len(counts[k]), k))
    total = int(sum(len(v) for v in counts))
    top_n = len(counts[order[0]])
    top = [k for k in order if len(counts[k]) == top_n]
    names = {k: KIND_NAMES.get(k, str(k)) for k in order}
    if len(top) == 1:
        title = (
            f"{_cap(names[top[0]])} are the commonest numbers in the article: "
            f"{top_n} of its {total} numeric expressions"
        )
    else:
        title = (
            f"{_cap(_join([names[k] for k in top]))} tie as the commonest numbers in the article: "
            f"{top_n} each of {total} numeric expressions"
        )
    hovers = []
    for k in order:
        examples = ", ".join(_q(_short(t, QUOTE_CHARS)) for t in counts[k][:3])
        hovers.append(f"{_cap(names[k])}: {len(counts[k])}\ne.g. {examples}")
    bars = Bars(
        categories=tuple(_cap(names[k]) for k in order),
        values=tuple(float(len(counts[k])) for k in order),
        colours=tuple(theme.HIGHLIGHT if k in top else theme.BLUE for k in order),
        texts=tuple(str(len(counts[k])) for k in order),
        hovers=tuple(hovers),
    )
    listing = "; ".join(f"{names[k]} {len(counts[k])}" for k in order)
    return ChartSpec(
        name="mentions_by_kind",
        title=title,
        caption=(
            "Each bar counts the numeric expressions of one kind that the extractor finds in the "
            "article: counts of people and things, calendar years, dates (including relative ones "
            "such as \u201clast Monday\u201d), durations, lengths, fractions and percentages. "
            "The commonest kind is highlighted."
        ),
        source=f"{total} mentions extracted by spillover.extract from {credit} (mentions table).",
        alt=(
            f"Horizontal bar chart of the {total} numeric expressions in the article by kind, "
            f"from most to fewest: {listing}."
        ),
        panels=(
            Panel(
                marks=(bars,),
                x=Axis("Numeric expressions in the article (count)", limits=(0, top_n * 1.12), grid=True),
                y=Axis("Kind of expression", kind="category"),
                height=0.38 * len(order) + 0.7,
            ),
        ),
    )


# --------------------------------------------------------------------------- 2. refugee flows

GROUP_COLOURS = {"soldiers": theme.ORANGE, "civilians": theme.BLUE, "refugees": theme.REDDISH_PURPLE}
_FLOW_COLUMNS = [
    "group",
    "people",
    "people_low",
    "qualifier",
    "destination",
    "status",
    "outcome",
    "quote",
    "attributed_to",
]


def _attributed(quotes: Iterable[tuple[str, str]]) -> str:
    """“1,500” – the BBC; “Another 1,000” – unnamed reports; ..."""
    parts = [f"{_q(q)} \u2013 {a}" if a else _q(q) for q, a in quotes]
    return "; ".join(parts)


def refugee_flows_spec(table: pd.DataFrame, *, credit: str = ARTICLE_CREDIT) -> ChartSpec:
    """Who crossed a border and what became of them (flow + bars)."""
    _require(table, _FLOW_COLUMNS, "refugee_flows")
    _nonempty(table, "refugee_flows")
    origins = [o for o in dict.fromkeys(_str(o) for o in table["origin"]) if o] if "origin" in table else []
    origin = _join(origins) if origins else "across the border"
    rows = []
    for r in table.itertuples(index=False):
        stated = not _missing(r.people)
        drawn = float(r.people) if stated else 0.0  # an amount in words only gets no bar
        projected = _str(r.status) == "projected" or not stated
        rows.append(
            {
                "group": _str(r.group) or "people",
                "people": drawn,
                "stated": stated,
                "projected": projected,
                "destination": _str(r.destination) or "not stated",
                "outcome": _str(r.outcome) or "not stated",
                "quote": _str(r.quote),
                "attributed_to": _str(r.attributed_to),
                "qualifier": _str(r.qualifier),
            }
        )
    colours = _palette_for([r["group"] for r in rows], GROUP_COLOURS)

    def amount(r: dict) -> str:
        return f"{_q(r['quote'])}, no number given" if not r["stated"] else _q(r["quote"])

    # Flow: group -> destination -> outcome.
    nodes: list[str] = []
    stages: list[int] = []
    node_colours: list[str] = []

    def node(label: str, stage: int, colour: str) -> int:
        key = (label, stage)
        for i, existing in enumerate(zip(nodes, stages, strict=True)):
            if existing == key:
                return i
        nodes.append(label)
        stages.append(stage)
        node_colours.append(colour)
        return len(nodes) - 1

    sources, targets, values, link_colours, projected, hovers = [], [], [], [], [], []
    for r in (r for r in rows if r["stated"]):  # no band for an amount the article does not give
        kind = " (a projection)" if r["projected"] else ""
        g = node(f"{_cap(r['group'])}: {amount(r)}{kind}", 0, colours[r["group"]])
        d = node(f"into {r['destination']}", 1, theme.MUTED)
        o = node(_cap(r["outcome"]), 2, theme.MUTED)
        for s, t in ((g, d), (d, o)):
            sources.append(s)
            targets.append(t)
            values.append(r["people"])
            link_colours.append(colours[r["group"]])
            projected.append(r["projected"])
            hovers.append(
                f"{_cap(r['group'])}: {_q(r['quote'])}{kind}\ninto {r['destination']}\n"
                f"what became of them: {r['outcome']}\nsource: {r['attributed_to'] or 'the article'}"
            )
    flows = Flows(
        nodes=tuple(nodes),
        stages=tuple(stages),
        node_colours=tuple(node_colours),
        sources=tuple(sources),
        targets=tuple(targets),
        values=tuple(values),
        link_colours=tuple(link_colours),
        projected=tuple(projected),
        link_hovers=tuple(hovers),
    )
    bars = Bars(
        categories=_unique([_cap(r["group"]) + (" (projection)" if r["projected"] else "") for r in rows]),
        values=tuple(r["people"] for r in rows),
        colours=tuple(colours[r["group"]] for r in rows),
        hatched=tuple(r["projected"] for r in rows),
        texts=tuple((f"{_fmt(r['people'])}" if r["stated"] else f"{r['quote']} (no number)") for r in rows),
        hovers=tuple(f"{_cap(r['group'])}: {_q(r['quote'])}\n{r['attributed_to']}" for r in rows),
    )

    reported = [r for r in rows if not r["projected"]]
    total = sum(r["people"] for r in reported)
    unknown = sum(r["people"] for r in reported if r["outcome"] in ("not stated", ""))
    known: dict[str, float] = {}
    for r in reported:
        if r["outcome"] not in ("not stated", ""):
            known[r["outcome"]] = known.get(r["outcome"], 0) + r["people"]
    if not reported:
        title = "The article reports no one crossing yet; it only projects refugees"
    else:
        clauses = [f"{_fmt(n)} were {outcome}" for outcome, n in known.items()]
        if unknown:
            clauses.append(f"the fate of {_fmt(unknown)} is not stated")
        destinations = sorted({r["destination"] for r in reported})
        title = f"Of {_fmt(total)} people who fled into {_join(destinations)}, {_join(clauses)}"
    proj = [r for r in rows if r["projected"]]
    proj_note = ""
    if [r for r in proj if r["stated"]]:
        proj_note += " Hatched: " + _join([f"{_q(r['quote'])} {r['group']}" for r in proj if r["stated"]])
        proj_note += " who may come, a projection."
    if [r for r in rows if not r["stated"]]:
        proj_note += (
            " Not drawn: "
            + _join([f"{_q(r['quote'])} {r['group']}" for r in rows if not r["stated"]])
            + ", since the article gives no number, only words."
        )
    story = []
    for r in rows:
        verb = "may cross" if r["projected"] else "crossed"
        fate = "what became of them is not stated" if r["outcome"] == "not stated" else r["outcome"]
        drawn = " (no number given, not drawn)" if not r["stated"] else ""
        story.append(f"{r['quote']} {r['group']}{drawn} {verb} into {r['destination']}: {fate}")
    return ChartSpec(
        name="refugee_flows",
        title=title,
        caption=(
            f"Top: who crossed from {origin} and what became of them, as the article tells it; "
            "band widths are numbers of people. Bottom: the same groups on one linear scale from zero."
            + proj_note
        ),
        source=f"Quotes: {_attributed((r['quote'], r['attributed_to']) for r in rows)}. {credit}.",
        alt="Flow diagram and bar chart. " + ". ".join(_cap(s) for s in story) + ".",
        panels=(
            *(
                [
                    Panel(
                        marks=(flows,),
                        title=f"From {origin}: who crossed, where to, what became of them",
                        height=2.6,
                    )
                ]
                if sources
                else []
            ),
            Panel(
                marks=(bars,),
                x=Axis("People (count)", limits=(0, max(r["people"] for r in rows) * 1.3 or 1.0), grid=True),
                y=Axis("Group", kind="category"),
                title="The groups compared",
                height=0.42 * len(rows) + 0.8,
            ),
        ),
    )


# --------------------------------------------------------------------------- 3. troops

STATUS_COLOURS = {"fled": theme.ORANGE, "stationed": theme.BLUE, "mobilised": theme.BLUISH_GREEN}


def troop_deployments_spec(table: pd.DataFrame, *, credit: str = ARTICLE_CREDIT) -> ChartSpec:
    """The armed forces the article counts on one linear scale from zero, coloured by status."""
    _require(table, ["force", "status", "people", "location", "quote", "attributed_to"], "troop_deployments")
    counted = table[table["people"].notna()].copy()
    _nonempty(counted, "troop_deployments (rows with a number of people)")
    counted["people"] = counted["people"].astype(float)
    counted = counted.sort_values("people", ascending=False, kind="stable")
    colours = _palette_for(list(counted["status"].astype(str)), STATUS_COLOURS)
    rows = list(counted.itertuples(index=False))
    big, small = rows[0], rows[-1]
    roles = list(dict.fromkeys(str(r.status) for r in rows))
    if len(rows) == 1:
        title = f"The article counts one force: {big.force} ({_fmt(big.people)}, {big.status})"
    elif len(roles) > 1:  # forces that fled, are stationed or were called up are not rivals in number
        listing = _join([f"{r.force} ({r.status}) {_fmt(r.people)}" for r in rows])
        title = f"The article counts {len(rows)} forces in {len(roles)} different roles: {listing}"
    else:
        ratio = big.people / small.people
        r = f"{ratio:.0f}" if ratio >= 10 else f"{ratio:.1f}"
        title = (
            f"{big.force} ({_fmt(big.people)}, {big.status}) outnumber "
            f"{small.force} ({_fmt(small.people)}, {small.status}) {r} to 1"
        )
    bars = Bars(
        categories=_unique([str(r.force) for r in rows]),
        values=tuple(float(r.people) for r in rows),
        colours=tuple(colours[str(r.status)] for r in rows),
        texts=tuple(_fmt(r.people) for r in rows),
        hovers=tuple(
            f"{r.force}: {_fmt(r.people)} ({_q(r.quote)})\n{r.status} in {r.location}"
            + (f"\nsource: {r.attributed_to}" if _str(r.attributed_to) else "")
            for r in rows
        ),
        legend=tuple(str(r.status) for r in rows),
    )
    listing = "; ".join(f"{r.force}, {r.status}, {_fmt(r.people)}" for r in rows)
    return ChartSpec(
        name="troop_deployments",
        title=title,
        caption=(
            "Every force the article counts, on one linear scale that starts at zero, coloured by "
            "status: fled (crossed the border), stationed (based there), mobilised (called up)."
        ),
        source=f"Quotes: {_attributed((str(r.quote), _str(r.attributed_to)) for r in rows)}. {credit}.",
        alt=f"Horizontal bar chart on a linear scale starting at zero: {listing}.",
        panels=(
            Panel(
                marks=(bars,),
                x=Axis("Soldiers or reservists (people)", limits=(0, big.people * 1.15), grid=True),
                y=Axis("Force", kind="category"),
                height=0.45 * len(rows) + 0.8,
            ),
        ),
    )


# --------------------------------------------------------------------------- 4. borders


def border_units_spec(border_lengths: pd.DataFrame, *, credit: str = ARTICLE_CREDIT) -> ChartSpec:
    """The article's statements of one border's length, side by side in km and in mi."""
    _require(border_lengths, ["border", "source", "stated_length", "stated_unit", "quote"], "border_lengths")
    rows = border_lengths[border_lengths["source"] == "article"]
    _nonempty(rows, "border_lengths (article rows)")
    border = str(rows["border"].iloc[0])
    rows = rows[rows["border"] == border]
    stated = []
    for r in rows.itertuples(index=False):
        stated.append(
            {
                "quote": _str(r.quote) or f"{_fmt(r.stated_length)} {r.stated_unit}",
                "value": float(r.stated_length),
                "unit": _unit_symbol(str(r.stated_unit)),
                "km": convert(float(r.stated_length), str(r.stated_unit), "km"),
                "mi": convert(float(r.stated_length), str(r.stated_unit), "mi"),
            }
        )
    colours = [theme.PALETTE[i % len(theme.PALETTE)] for i in range(len(stated))]
    if len(stated) == 1:
        s = stated[0]
        title = f"The article gives the {border} border as {_fmt(s['km'])} km, or {_fmt(s['mi'])} mi"
    else:
        a, b = max(stated, key=lambda s: s["km"]), min(stated, key=lambda s: s["km"])
        gap = (a["km"] - b["km"]) / a["km"]
        if gap <= 0.01:
            title = f"The article's {_q(a['quote'])} and {_q(b['quote'])} agree (within {_pct(gap)})"
        else:
            unit = b["unit"]
            title = (
                f"The article's two lengths disagree: {_fmt(a['value'])} {a['unit']} "
                f"is {_fmt(a[unit])} {unit}, not {_fmt(b['value'])} {unit} \u2013 a gap of {_pct(gap)}"
            )
    panels = []
    for unit, name in (("km", "kilometres"), ("mi", "miles")):
        panels.append(
            Panel(
                marks=(
                    Bars(
                        categories=_unique([_q(s["quote"]) for s in stated]),
                        values=tuple(s[unit] for s in stated),
                        colours=tuple(colours),
                        hatched=tuple(s["unit"] != unit for s in stated),
                        texts=tuple(
                            f"{_fmt(s[unit])} {unit}"
                            + (" (as stated)" if s["unit"] == unit else " (converted)")
                            for s in stated
                        ),
                        hovers=tuple(
                            f"{_q(s['quote'])} = {_fmt(s[unit])} {unit}"
                            + ("" if s["unit"] == unit else f" (converted from {s['unit']} with pint)")
                            for s in stated
                        ),
                    ),
                ),
                x=Axis(f"Length ({unit})", limits=(0, max(s[unit] for s in stated) * 1.35), grid=True),
                y=Axis("Statement", kind="category"),
                title=f"In {name}",
                height=0.42 * len(stated) + 0.75,
            )
        )
    km_per_mi = convert(1.0, "mi", "km")
    listing = "; ".join(f"{_q(s['quote'])} is {_fmt(s['km'])} km or {_fmt(s['mi'])} mi" for s in stated)
    return ChartSpec(
        name="border_units",
        title=title,
        caption=(
            f"Each statement of the {border} border's length in the article, drawn in kilometres (top) "
            "and in miles (bottom). Solid bars are the numbers as the article states them; hatched bars "
            f"are converted with pint (1 mi = {km_per_mi:.7g} km)."
        ),
        source=f"Quotes: {_join([_q(s['quote']) for s in stated])}. {credit}.",
        alt=f"Two horizontal bar charts, in kilometres and in miles. {listing}.",
        panels=tuple(panels),
    )


def _source_family(source: str) -> str:
    s = source.lower()
    if s.startswith("article"):
        return "article"
    if "factbook" in s:
        return "World Factbook"
    if "natural earth" in s:
        return "Natural Earth"
    return "other"


_SCALE_IN_TEXT = re.compile(r"(?:1:|countries-)(\d+m)\b")


def _scale_of(row: pd.Series) -> str:
    scale = _str(row.get("scale"))
    if scale:
        return scale
    match = _SCALE_IN_TEXT.search(str(row["source"]))
    return match.group(1) if match else ""


def _denominator(scale: str) -> float:
    return float(scale[:-1]) * 1e6 if scale.endswith("m") else float("inf")


def _source_label(row: pd.Series) -> str:
    family = _source_family(str(row["source"]))
    if family == "article":
        quote = _str(row.get("quote"))
        return f"Article: {_q(quote)}" if quote else "Article"
    if family == "Natural Earth":
        scale = _scale_of(row)
        return f"Natural Earth 1:{scale}" if scale else "Natural Earth"
    return str(row["source"])


def _source_line(rows: pd.DataFrame) -> list[str]:
    """The reference sources of border rows, Natural Earth scales folded into one entry."""
    out: list[str] = []
    bases: list[str] = []
    scales: list[str] = []
    for _, r in rows.iterrows():
        family = _source_family(str(r["source"]))
        if family == "article":
            continue
        if family != "Natural Earth":
            out.append(str(r["source"]))
            continue
        text = _str(r.get("reference")) or str(r["source"])
        base = re.sub(r",?\s*countries-\d+m\.json.*$", "", text.split(";")[0])
        bases.append(re.sub(r"\s*1:\d+m", "", base).strip())
        scales.append(_scale_of(r))
    if bases:
        base = max(bases, key=len)
        listed = ", ".join(f"1:{sc}" for sc in dict.fromkeys(scales) if sc)
        out.append(f"{base} ({listed}), border measured as the shared boundary of the outlines")
    return list(dict.fromkeys(out))


FAMILY_COLOURS = {
    "article": theme.HIGHLIGHT,
    "World Factbook": theme.BLUE,
    "Natural Earth": theme.SKY_BLUE,
    "other": theme.MUTED,
}


def border_sources_spec(
    rows: pd.DataFrame,
    units: str = "km",
    *,
    border: str | None = None,
    credit: str = ARTICLE_CREDIT,
) -> ChartSpec:
    """One border's length across sources and map scales (article, Factbook, Natural Earth);
    by default the border the article itself states, else the first of the rows."""
    _require(rows, ["border", "source", "length_km"], "border lengths")
    units = _check_units(units)
    border = border or _main_border(rows)
    rows = rows[rows["border"] == border].copy()
    _nonempty(rows, f"border lengths of {border}")
    rows["family"] = rows["source"].astype(str).map(_source_family)
    rows["label"] = [_source_label(r) for _, r in rows.iterrows()]
    rows["order"] = [
        ({"article": 0, "World Factbook": 1, "Natural Earth": 2}.get(f, 3), _denominator(_scale_of(r)))
        for (_, r), f in zip(rows.iterrows(), rows["family"], strict=True)
    ]
    rows = rows.sort_values("order", kind="stable")
    factor = _km_to(units)
    rows["length"] = rows["length_km"].astype(float) * factor
    # the same source and value twice (e.g. a reference table concatenated twice) is one bar
    rows = rows[~rows.assign(r=rows["length"].round(3)).duplicated(["label", "r"])]
    rows["converted"] = [
        "stated_unit" in rows.columns
        and bool(_str(r.get("stated_unit")))
        and _unit_symbol(str(r["stated_unit"])) != units
        for _, r in rows.iterrows()
    ]
    lo, hi = rows.loc[rows["length"].idxmin()], rows.loc[rows["length"].idxmax()]

    def in_sentence(r: pd.Series) -> str:
        if r["family"] != "article":
            return str(r["label"])
        return f"the article's {_q(r['quote'])}" if _str(r.get("quote")) else "the article"

    # Like with like: what each source states, grouped by value (each quote of the article named),
    # apart from lengths measured on maps, which are lower bounds and not another opinion.
    on_maps = rows[rows["family"] == "Natural Earth"]["length"]
    stated: dict[int, list[str]] = {}
    for _, r in rows[rows["family"] != "Natural Earth"].sort_values("length", ascending=False).iterrows():
        stated.setdefault(round(r["length"]), []).append(in_sentence(r))
    clauses = [f"{_fmt(length)} {units} in {_join(names)}" for length, names in stated.items()]
    if len(on_maps):
        low, high = _fmt(on_maps.min()), _fmt(on_maps.max())
        span = f"{low}\u2013{high} {units}" if low != high else f"{low} {units}"
        clauses.append(f"{span} on maps, which can only under-measure")
    if hi["length"] - lo["length"] < 0.5:
        title = f"Every source gives the {border} border as {_fmt(hi['length'])} {units}"
    else:
        title = f"The {border} border is {_join(clauses)}"
    bars = Bars(
        categories=_unique(list(rows["label"])),
        values=tuple(rows["length"]),
        colours=tuple(FAMILY_COLOURS[f] for f in rows["family"]),
        hatched=tuple(rows["converted"]),
        texts=tuple(f"{_fmt(v)} {units}" for v in rows["length"]),
        hovers=tuple(f"{r['label']}: {_fmt(r['length'])} {units}\n{r['source']}" for _, r in rows.iterrows()),
        legend=tuple(_cap(f) for f in rows["family"]),
    )
    sources = _source_line(rows)
    listing = "; ".join(f"{r['label']} {_fmt(r['length'])} {units}" for _, r in rows.iterrows())
    has_ne = (rows["family"] == "Natural Earth").any()
    return ChartSpec(
        name=f"border_sources_{units}",
        title=title,
        caption=(
            f"The length of the {border} border as each source gives it, in {units}."
            + (
                " Natural Earth lengths are measured on generalised outlines: straight segments cut "
                "the corners of a winding border, so the coarser the map, the shorter the border."
                if has_ne
                else ""
            )
            + (
                f" Hatched bars are converted to {units} (with pint) from the unit their source states."
                if rows["converted"].any()
                else ""
            )
        ),
        source="; ".join([*sources, credit]) + ".",
        alt=f"Horizontal bar chart of the length of the {border} border by source: {listing}.",
        panels=(
            Panel(
                marks=(bars,),
                x=Axis(f"Length of the border ({units})", limits=(0, hi["length"] * 1.2), grid=True),
                y=Axis("Source", kind="category"),
                height=0.4 * len(rows) + 0.8,
            ),
        ),
    )


_ORDINALS = ["", "", "second-", "third-", "fourth-", "fifth-", "sixth-", "seventh-", "eighth-", "ninth-"]


def _main_border(rows: pd.DataFrame) -> str:
    """The border an article's figures are about: the first the article states, else the first row's."""
    stated = rows[rows["source"].astype(str) == "article"] if len(rows) else rows
    return str((stated if len(stated) else rows)["border"].iloc[0]) if len(rows) else ""


def _partner_lengths(borders: pd.DataFrame, country: str) -> tuple[pd.DataFrame, float | None, str]:
    """(partner, length_km) rows, the stated total if any, and a source text."""
    if {"partner", "length_km"} <= set(borders.columns):
        frame = borders[["partner", "length_km"]].copy()
        total = None
        source = _str(borders["source"].iloc[0]) if "source" in borders.columns and len(borders) else ""
    else:
        _require(borders, ["country", "qualifier", "value"], f"{country}'s borders")
        rows = borders[borders["country"] == country]
        if "field" in rows.columns:
            rows = rows[rows["field"] == "land_boundary_km"]
        totals = rows[rows["qualifier"] == "total"]
        total = float(totals["value"].iloc[0]) if len(totals) else None
        rows = rows[rows["qualifier"] != "total"]
        frame = pd.DataFrame({"partner": rows["qualifier"].astype(str), "length_km": rows["value"]})
        snapshot = _str(rows["snapshot"].iloc[0]) if "snapshot" in rows.columns and len(rows) else ""
        source = f"World Factbook {snapshot}".strip() + f", {country}: Geography, Land boundaries"
    frame["length_km"] = frame["length_km"].astype(float)
    return frame.reset_index(drop=True), total, source or "World Factbook"


def country_borders_spec(
    borders: pd.DataFrame,
    units: str = "km",
    *,
    country: str | None = None,
    highlight: str | None = None,
    credit: str = ARTICLE_CREDIT,
) -> ChartSpec:
    """A country's land borders by length (Factbook rows, or partner + length_km), one
    highlighted; by default the first country of the rows."""
    units = _check_units(units)
    if country is None:
        country = str(borders["country"].iloc[0]) if "country" in borders and len(borders) else ""
    highlight = highlight or ""
    frame, total_km, source = _partner_lengths(borders, country)
    _nonempty(frame, f"borders of {country}")
    frame = frame.sort_values(["length_km", "partner"], ascending=[False, True], kind="stable")
    factor = _km_to(units)
    frame["length"] = frame["length_km"] * factor
    total = (total_km if total_km is not None else frame["length_km"].sum()) * factor
    mask = frame["partner"].str.startswith(highlight) if highlight else frame["partner"].eq(None)
    if mask.any():
        rank = int(mask.to_numpy().argmax()) + 1
        hl = frame[mask].iloc[0]
        which = (
            "longest" if rank == 1 else f"{_ORDINALS[rank] if rank < len(_ORDINALS) else f'#{rank} '}longest"
        )
        title = (
            f"{highlight} has {country}'s {which} border: {_fmt(hl['length'])} {units}, "
            f"{_pct(hl['length'] / total)} of its {_fmt(total)} {units} of land borders"
        )
    else:
        top = frame.iloc[0]
        title = f"{top['partner']} has {country}'s longest border: {_fmt(top['length'])} {units}"
    bars = Bars(
        categories=_unique(list(frame["partner"])),
        values=tuple(frame["length"]),
        colours=tuple(theme.HIGHLIGHT if m else theme.MUTED for m in mask),
        texts=tuple(f"{_fmt(v)} {units}" for v in frame["length"]),
        hovers=tuple(
            f"{country}\u2013{p}: {_fmt(v)} {units} ({_pct(v / total)} of the total)"
            for p, v in zip(frame["partner"], frame["length"], strict=True)
        ),
    )
    listing = "; ".join(
        f"{p} {_fmt(v)} {units}" for p, v in zip(frame["partner"], frame["length"], strict=True)
    )
    return ChartSpec(
        name=f"{country.lower()}_borders_{units}",
        title=title,
        caption=(
            f"{country}'s land borders with each neighbour, longest first, in {units}"
            + (
                f"; the border with {highlight}, the one the article is about, is highlighted."
                if mask.any()
                else "."
            )
        ),
        source=f"{source}. Article: {credit}.",
        alt=f"Horizontal bar chart of {country}'s {len(frame)} land borders, longest first: {listing}."
        + (f" The border with {highlight} is highlighted." if mask.any() else ""),
        panels=(
            Panel(
                marks=(bars,),
                x=Axis(f"Border length ({units})", limits=(0, frame["length"].max() * 1.18), grid=True),
                y=Axis("Neighbour", kind="category"),
                height=0.36 * len(frame) + 0.8,
            ),
        ),
    )


def _scale_label(denominator: float) -> str:
    return f"1:{denominator / 1e6:g}m"


def border_scale_spec(
    measured: pd.DataFrame,
    units: str = "km",
    *,
    highlight: str | None = None,
    reference: pd.DataFrame | None = None,
    credit: str = ARTICLE_CREDIT,
) -> ChartSpec:
    """How measured border lengths depend on the map scale (log x axis, finer to the right).

    `reference` (optional): rows with border, source, length_km (e.g. the border_lengths table);
    its non-Natural-Earth rows of the highlighted border are drawn as dashed reference lines.
    """
    _require(measured, ["border", "scale_denominator", "length_km"], "measured border lengths")
    units = _check_units(units)
    _nonempty(measured, "measured border lengths")
    factor = _km_to(units)
    data = measured.assign(length=measured["length_km"].astype(float) * factor)
    data = data.sort_values(["border", "scale_denominator"], ascending=[True, False], kind="stable")
    denominators = sorted({float(d) for d in data["scale_denominator"]}, reverse=True)
    if highlight not in set(data["border"]):  # by default the border the article states
        stated = _main_border(reference) if reference is not None and len(reference) else ""
        highlight = stated if stated in set(data["border"]) else str(data["border"].iloc[0])
    marks: list[Mark] = []
    others = [b for b in dict.fromkeys(data["border"]) if b != highlight]
    for b in [*others, highlight]:
        rows = data[data["border"] == b]
        is_hl = b == highlight
        marks.append(
            Line(
                x=tuple(rows["scale_denominator"].astype(float)),
                y=tuple(rows["length"]),
                colour=theme.HIGHLIGHT if is_hl else theme.MUTED,
                name=highlight if is_hl else "other borders of the two countries",
                width=2.5 if is_hl else 1.0,
                hovers=tuple(
                    f"{b}\n{_scale_label(d)}: {_fmt(v)} {units}"
                    for d, v in zip(rows["scale_denominator"], rows["length"], strict=True)
                ),
            )
        )
    hl = data[data["border"] == highlight]
    coarse, fine = hl.iloc[0], hl.iloc[-1]
    growth = fine["length"] / coarse["length"] - 1
    monotone = all(
        (g["length"].diff().dropna() >= -1e-9).all() for _, g in data.groupby("border", sort=False)
    )
    lead = (
        "The finer the map, the longer the border" if monotone else "Measured lengths change with map scale"
    )
    sign = "+" if growth >= 0 else "\u2212"
    title = (
        f"{lead}: {highlight} measures {_fmt(coarse['length'])} {units} at "
        f"{_scale_label(coarse['scale_denominator'])} and {_fmt(fine['length'])} {units} at "
        f"{_scale_label(fine['scale_denominator'])} ({sign}{_pct(growth)})"
    )
    ref_note = ""
    ymax = data["length"].max()
    if reference is not None and len(reference):
        _require(reference, ["border", "source", "length_km"], "reference border lengths")
        refs = reference[
            (reference["border"] == highlight)
            & (reference["source"].astype(str).map(_source_family) != "Natural Earth")
        ]
        by_value: dict[float, list[str]] = {}
        for _, r in refs.iterrows():
            by_value.setdefault(round(float(r["length_km"]) * factor, 1), []).append(_source_label(r))
        for i, value in enumerate(sorted(by_value, reverse=True)):
            text = f"{'; '.join(dict.fromkeys(by_value[value]))}: {_fmt(value)} {units}"
            marks.append(RefLine(value, text, theme.INK, label_below=i % 2 == 1))
            ymax = max(ymax, value)
        if by_value:
            top = max(by_value)
            ref_note = (
                f" Dashed lines: the stated lengths; even the finest map falls "
                f"{_pct(1 - fine['length'] / top)} short of the longest ({_fmt(top)} {units})."
            )
    listing = "; ".join(
        f"{_scale_label(d)} {_fmt(v)} {units}"
        for d, v in zip(hl["scale_denominator"], hl["length"], strict=True)
    )
    return ChartSpec(
        name=f"border_scale_{units}",
        title=title,
        caption=(
            "Border lengths measured on Natural Earth outlines at three map scales (log axis, more detail "
            f"to the right). {highlight} in colour; grey lines are the other borders of the two countries. "
            "A generalised outline cuts the corners of a winding border, so it measures short." + ref_note
        ),
        source=_join(sorted({str(s).split(",")[0] for s in measured.get("source", ["Natural Earth"])}))
        + f", measured as shared boundaries on the WGS84 ellipsoid. {credit}.",
        alt=(
            f"Line chart of measured border length against map scale for {len(others) + 1} borders. "
            f"{highlight}: {listing}." + ref_note
        ),
        panels=(
            Panel(
                marks=tuple(marks),
                x=Axis(
                    "Map scale, 1 : n (log axis; finer to the right)",
                    kind="log",
                    limits=(min(denominators) / 1.35, max(denominators) * 1.35),
                    ticks=tuple(denominators),
                    tick_labels=tuple(_scale_label(d) for d in denominators),
                    reversed=True,
                ),
                y=Axis(f"Measured length ({units})", limits=(0, ymax * 1.12), grid=True),
                height=3.6,
            ),
        ),
    )


# --------------------------------------------------------------------------- 5. timeline

PRECISION_CLASSES = {
    "day": ("a day", theme.BLUE),
    "week": ("a week or a month", theme.ORANGE),
    "month": ("a week or a month", theme.ORANGE),
    "year": ("a year", theme.BLUISH_GREEN),
    "decade": ("several years", theme.REDDISH_PURPLE),
}


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _month_span(start: dt.date, end: dt.date) -> str:
    if start.year == end.year:
        return f"{start:%B}\u2013{end:%B} {end.year}" if start.month != end.month else f"{start:%B %Y}"
    return f"{start:%B %Y}\u2013{end:%B %Y}"


ZOOM_DAYS = 92  # about three months: the stretch of time an enlarged panel shows


def cluster_window(starts: list[dt.date], days: int = ZOOM_DAYS) -> tuple[dt.date, dt.date] | None:
    """The whole months around the `days`-long stretch that holds the most dates (the latest of
    equals), or None when it holds fewer than three or all of them: nothing to enlarge."""
    dates = sorted(starts)
    best, best_first, best_end = 0, None, None
    for i, end in enumerate(dates):
        first = bisect.bisect_left(dates, end - dt.timedelta(days=days))
        if i + 1 - first >= best:
            best, best_first, best_end = i + 1 - first, dates[first], end
    if best_first is None or best_end is None or best < 3 or best == len(dates):
        return None
    last_day = calendar.monthrange(best_end.year, best_end.month)[1]
    return dt.date(best_first.year, best_first.month, 1), dt.date(best_end.year, best_end.month, last_day)


def timeline_spec(
    timeline: pd.DataFrame,
    *,
    zoom: tuple[str, str] | None = None,
    credit: str = ARTICLE_CREDIT,
    max_labels: int = MAX_LABELS,
    published: dt.date | str | None = None,
) -> ChartSpec:
    """The article's dated events, and the months where they cluster enlarged (`zoom`, or by
    default the three months holding the most events, when that is neither all nor fewer
    than three).

    Each panel draws at most `max_labels` rows, evenly spaced in date order (the first, the
    last and the publication kept); the title counts every event, the caption the ones left out."""
    _require(timeline, ["date_start", "date_end", "event", "date_precision", "quote"], "timeline")
    _nonempty(timeline, "timeline")
    published = _date(published) if published else None  # its events are marked "publication"
    max_labels = max(max_labels, 2)
    rows = []
    for r in timeline.to_dict("records"):
        start, end = _date(r["date_start"]), _date(r["date_end"])
        precision = str(r["date_precision"])
        if end.year > start.year and precision != "decade":
            precision = "decade"  # a range of years ("From 1994 to 2009")
        label, colour = PRECISION_CLASSES.get(precision, ("a day", theme.BLUE))
        if published is not None and start == end == published:
            label, colour = "publication", theme.HIGHLIGHT
        note = _str(r.get("date_note"))
        when = f"{start:%d %b %Y}" if start == end else f"{start:%d %b %Y} \u2013 {end:%d %b %Y}"
        event, quote = _str(r["event"]), _short(r["quote"], QUOTE_CHARS)
        rows.append(
            {
                "start": start,
                "end": end,
                "event": _short(event, LABEL_CHARS),
                "quote": quote,
                "legend": label,
                "colour": colour,
                "hover": f"{_short(event, HOVER_CHARS)}\n{_q(quote)}: {when}"
                + (f"\n({note})" if note else ""),
                "publication": label == "publication",
            }
        )
    rows.sort(key=lambda r: (r["start"], r["end"]))
    found = (_date(zoom[0]), _date(zoom[1])) if zoom else cluster_window([r["start"] for r in rows])
    z0, z1 = found if found else (dt.date.max, dt.date.min)
    window = [r for r in rows if r["end"] >= z0 and r["start"] <= z1]
    window_label = _month_span(z0, z1) if found else ""
    first = min(r["start"] for r in rows)
    last = max(r["end"] for r in rows)
    n, k = len(rows), len(window)
    if k == n:
        title = f"All {n} of the article's dated events fall in {window_label}"
    elif k == 0:
        title = f"The article's {n} dated events run from {first.year} to {last.year}"
    else:
        title = (
            f"{k} of the article's {n} dated events fall in {window_label}; "
            f"the rest reach back to {first.year}"
        )
    pub = next((r for r in rows if r["publication"]), None)

    def sample(chosen: list[dict]) -> list[dict]:
        keep = next((i for i, r in enumerate(chosen) if r["publication"]), None)
        return [chosen[i] for i in _spread(len(chosen), max_labels, keep)]

    shown, shown_window = sample(rows), sample(window)

    def intervals(chosen: list[dict]) -> Intervals:
        return Intervals(
            categories=_unique([_wrap(r["event"], 52) for r in chosen]),
            starts=tuple(r["start"] for r in chosen),
            ends=tuple(r["end"] for r in chosen),
            colours=tuple(r["colour"] for r in chosen),
            hovers=tuple(r["hover"] for r in chosen),
            legend=tuple(r["legend"] for r in chosen),
        )

    def height(count: int) -> float:
        return 0.36 * count + 0.9

    every = "every dated event" if len(shown) == n else f"{len(shown)} of {n} dated events"
    panels = [
        Panel(
            marks=(intervals(shown),),
            x=Axis(
                "Year",
                kind="date",
                limits=(dt.date(first.year - 1, 7, 1), dt.date(last.year + 1, 6, 30)),
                grid=True,
            ),
            y=Axis("", kind="category"),
            title=f"{first.year}\u2013{last.year}: {every}",
            height=height(len(shown)),
        )
    ]
    if window:
        panels.append(
            Panel(
                marks=(intervals(shown_window),),
                x=Axis(
                    f"Date in {z1.year} (day)", kind="date", limits=(z0, z1 + dt.timedelta(days=1)), grid=True
                ),
                y=Axis("", kind="category"),
                title=f"{window_label} enlarged",
                height=height(len(shown_window)),
            )
        )
    left_out = ""
    if len(shown) < n or len(shown_window) < k:
        left_out = (
            f" Only {len(shown)} of the {n} dated events are drawn, evenly spaced in date order; "
            f"the other {n - len(shown)} are left out here and listed in the timeline table."
        )
        if len(shown_window) < k:
            left_out += f" The enlarged panel draws {len(shown_window)} of its {k}."
    more = f" and {n - len(shown)} more" if len(shown) < n else ""
    listing = "; ".join(f"{r['quote']}: {r['event']}" for r in shown) + more
    quoted = [_q(r["quote"]) for r in shown]
    dates = f"{', '.join(quoted)}{more}" if more else _join(quoted)
    return ChartSpec(
        name="timeline",
        title=title,
        caption=(
            "Each row is an event the article dates. Dots mark single days; bars cover the whole span "
            "a date can mean (a decade, a range of years, a year, a month or a week); squares mark "
            "spans too short to draw at the scale of the panel."
            + (
                f" Relative dates (\u201clast Monday\u201d) are resolved from the publication date, "
                f"{pub['start']:%d %B %Y}."
                if pub
                else ""
            )
            + (f" Bottom: {window_label} enlarged." if window else "")
            + left_out
        ),
        source=f"Dates quoted from the article: {dates}. {credit}.",
        alt=(
            f"Timeline of {n} dated events from {first.year} to {last.year}"
            + (f", with {window_label} enlarged below" if window else "")
            + (f"; {len(shown)} of them drawn" if len(shown) < n else "")
            + f". In date order: {listing}."
        ),
        panels=tuple(panels),
    )


# --------------------------------------------------------------------------- 6. shares

CATEGORY_COLOURS = {"economy_society": theme.BLUE, "territorial_control": theme.ORANGE}
CATEGORY_NAMES = {"economy_society": "economy and society", "territorial_control": "territorial control"}


def shares_spec(figures: pd.DataFrame, *, credit: str = ARTICLE_CREDIT) -> ChartSpec:
    """The article's shares (fractions, percentages) as bars on 0-100 %, qualifiers kept."""
    _require(
        figures,
        ["category", "measure", "subject", "value", "high", "low", "unit", "qualifier", "quote"],
        "figures",
    )
    shares = figures[figures["unit"].isin(["fraction", "percent"])].copy()
    _nonempty(shares, "figures (shares: unit fraction or percent)")
    if "start" in shares.columns:
        shares = shares.sort_values("start", kind="stable")
    rows = []
    for _, r in shares.iterrows():
        value = next((float(r[c]) for c in ("value", "high", "low") if not _missing(r[c])), float("nan"))
        pct = value * 100 if r["unit"] == "fraction" else value
        qualifier = _str(r["qualifier"])
        measure = re.sub(r"^share of (the )?", "", str(r["measure"]))
        subject = str(r["subject"])
        about = "" if subject.lower() in measure.lower() else f" ({subject})"
        attributed = _str(r.get("attributed_to"))
        rows.append(
            {
                "pct": pct,
                "qualifier": qualifier,
                "quote": str(r["quote"]),
                "measure": measure,
                "label": _wrap(f"{_cap(measure)}{about}", 40) + f"\n{_q(r['quote'])}",
                "category": str(r["category"]),
                "attributed": attributed,
            }
        )
    colours = _palette_for([r["category"] for r in rows], CATEGORY_COLOURS)
    lo, hi = min(rows, key=lambda r: r["pct"]), max(rows, key=lambda r: r["pct"])

    def said(r: dict) -> str:
        return f"{r['qualifier'] + ' ' if r['qualifier'] else ''}{r['pct']:.0f}%"

    if len(rows) == 1:
        title = f"The article's one share: {said(lo)} ({lo['measure']})"
    else:
        title = (
            f"The article's shares run from {_q(lo['quote'])} ({lo['measure']}) "
            f"to {_q(hi['quote'])} ({hi['measure']})"
        )
    bars = Bars(
        categories=_unique([r["label"] for r in rows]),
        values=tuple(r["pct"] for r in rows),
        colours=tuple(colours[r["category"]] for r in rows),
        hatched=tuple(bool(r["qualifier"]) for r in rows),
        texts=tuple(said(r) for r in rows),
        hovers=tuple(
            f"{_q(r['quote'])} = {said(r)}\n{r['measure']}"
            + (f"\nsource: {r['attributed']}" if r["attributed"] else "")
            for r in rows
        ),
        legend=tuple(CATEGORY_NAMES.get(r["category"], r["category"].replace("_", " ")) for r in rows),
    )
    qualified = [r for r in rows if r["qualifier"]]
    listing = "; ".join(f"{r['measure']}: {_q(r['quote'])}, {said(r)}" for r in rows)
    return ChartSpec(
        name="shares",
        title=title,
        caption=(
            "Shares the article states, on the full scale from 0 to 100 %."
            + (
                " Hatched bars carry a qualifier, kept in the label ("
                + _join([f"{_q(r['quote'])} is {said(r)}" for r in qualified])
                + ")."
                if qualified
                else ""
            )
        ),
        source=f"Quotes: {_attributed((r['quote'], r['attributed']) for r in rows)}. {credit}.",
        alt=f"Horizontal bar chart of {len(rows)} shares on a scale from 0 to 100 percent: {listing}.",
        panels=(
            Panel(
                marks=(bars,),
                x=Axis("Share (%)", limits=(0, 100), ticks=(0, 25, 50, 75, 100), grid=True),
                y=Axis("", kind="category"),
                height=0.62 * len(rows) + 0.8,
            ),
        ),
    )


# --------------------------------------------------------------------------- 7. map

# The highlighted countries of a map, in order, take these fills.
COUNTRY_COLOURS = (theme.BLUE, theme.ORANGE, theme.BLUISH_GREEN, theme.REDDISH_PURPLE)


def _polygon_parts(geom: BaseGeometry) -> list[shapely.Polygon]:
    return [p for p in shapely.get_parts(geom) if isinstance(p, shapely.Polygon) and not p.is_empty] + [
        q for p in shapely.get_parts(geom) if isinstance(p, shapely.MultiPolygon) for q in p.geoms
    ]


def _as_geometry(border: object) -> BaseGeometry | None:
    if border is None:
        return None
    if isinstance(border, BaseGeometry):
        return border
    import geopandas as gpd

    if isinstance(border, gpd.GeoDataFrame | gpd.GeoSeries):
        return shapely.union_all(list(border.geometry if isinstance(border, gpd.GeoDataFrame) else border))
    raise InputError(
        f"border: expected a shapely (Multi)LineString or GeoSeries, got {type(border).__name__}"
    )


def _compass(dx: float, dy: float) -> str:
    angle = math.degrees(math.atan2(dy, dx)) % 360
    names = ["east", "north-east", "north", "north-west", "west", "south-west", "south", "south-east"]
    return names[int((angle + 22.5) // 45) % 8]


def _label_point(
    part: shapely.Polygon, size: tuple[float, float], obstacles: BaseGeometry
) -> tuple[float, float]:
    """Where to centre a name of `size` (width, height in degrees) inside `part`, clear of `obstacles`.

    Candidates are a grid of points inside the outline; each scores how much of the name's box
    lies inside the outline, minus (heavily) how much of it covers an obstacle (places, their
    labels, the highlighted border), minus a little of its distance from the outline's centroid.
    """
    fallback = part.representative_point()
    x0, y0, x1, y1 = part.bounds
    step = max(min(x1 - x0, y1 - y0) / 12, 0.1)
    xs = [x0 + i * step for i in range(int((x1 - x0) / step) + 1)]
    ys = [y0 + j * step for j in range(int((y1 - y0) / step) + 1)]
    grid = [(x, y) for x in xs for y in ys]
    inside = shapely.contains_xy(part, [g[0] for g in grid], [g[1] for g in grid]) if grid else []
    centre = part.centroid
    w, h = size
    best, best_score = (fallback.x, fallback.y), -math.inf
    for (x, y), ok in zip(grid, inside, strict=True):
        if not ok:
            continue
        box = shapely.box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        covered = box.intersection(obstacles).area / box.area if not obstacles.is_empty else 0.0
        score = (
            box.intersection(part).area / box.area
            - 5 * covered
            - 0.05 * math.hypot(x - centre.x, y - centre.y)
        )
        if score > best_score:
            best, best_score = (x, y), score
    return best


def region_map_spec(
    outlines: gpd.GeoDataFrame,
    border: object = None,
    places: pd.DataFrame | None = None,
    units: str = "km",
    *,
    highlight: tuple[str, ...] = (),
    margin_deg: float = 3.0,
    outline_source: str = "Natural Earth country outlines",
    credit: str = ARTICLE_CREDIT,
) -> ChartSpec:
    """The `highlight` countries and their neighbours, the shared border highlighted, places marked.

    `outlines`: GeoDataFrame with name and (Multi)Polygon geometry in lon/lat; `border`: the
    (Multi)LineString of the border to highlight (or a GeoSeries); `places`: name, latitude,
    longitude[, source]. The map shows the highlighted countries plus `margin_deg` degrees.
    """
    _require(outlines, ["name", "geometry"], "region outlines")
    units = _check_units(units)
    outlines = outlines[outlines.geometry.notna() & ~outlines.geometry.is_empty]
    _nonempty(outlines, "region outlines")
    focus = outlines[outlines["name"].isin(highlight)]
    if focus.empty:
        focus = outlines
    x0, y0, x1, y1 = focus.total_bounds
    x0, y0, x1, y1 = x0 - margin_deg, y0 - margin_deg, x1 + margin_deg, y1 + margin_deg

    # Polygons clipped to the map, drawn largest first so that enclaves lie on top.
    parts: list[tuple[float, str, shapely.Polygon]] = []
    largest: dict[str, shapely.Polygon] = {}
    for name, geom in zip(outlines["name"].astype(str), outlines.geometry, strict=True):
        for part in _polygon_parts(shapely.clip_by_rect(geom, x0, y0, x1, y1)):
            parts.append((part.area, name, part))
            if name not in largest or part.area > largest[name].area:
                largest[name] = part
    parts.sort(key=lambda p: -p[0])
    shown = sorted(largest)
    fills = _palette_for(
        [n for n in highlight if n in shown], dict(zip(highlight, COUNTRY_COLOURS, strict=False))
    )
    marks: list[Mark] = [
        Shapes(
            geometries=tuple(p for _, _, p in parts),
            fills=tuple(fills.get(n, theme.MUTED_LIGHT) for _, n, _ in parts),
            edges=tuple(theme.PAPER for _ in parts),
            widths=tuple(0.8 for _ in parts),
            alphas=tuple(0.45 if n in fills else 1.0 for _, n, _ in parts),
            hovers=tuple(n for _, n, _ in parts),
            legend=tuple(n if n in fills else "neighbours" for _, n, _ in parts),
        )
    ]

    # The border.
    line = _as_geometry(border)
    alt_border = ""
    if line is not None and not line.is_empty:
        from spillover.geo import geodesic_length_km

        if len(highlight) != 2:
            raise InputError("a map with a border needs its two countries: pass highlight=(A, B)")
        a, b = highlight

        length = geodesic_length_km(line) * _km_to(units)
        marks.append(
            Shapes(
                geometries=(line,),
                fills=(None,),
                edges=(theme.HIGHLIGHT,),
                widths=(3.0,),
                hovers=(f"{a}\u2013{b} border: {_fmt(length)} {units} on this map",),
                legend=(f"{a}\u2013{b} border",),
            )
        )
        title = f"{a} and {b} share a border of {_fmt(length)} {units} on this map"
        direction = ""
        if a in largest:
            ca, cl = largest[a].centroid, line.centroid
            direction = f" along {a}'s {_compass(cl.x - ca.x, cl.y - ca.y)}"
        alt_border = (
            f" The {_fmt(length)} {units} border between {a} and {b} is drawn as a thick vermillion line"
            f"{direction}."
        )
    else:
        line = None
        title = f"{_join([n for n in highlight if n in shown])} and their neighbours"

    # Places inside the map, and country names placed clear of them.
    outside: list[str] = []
    place_source = ""
    inside = pd.DataFrame(columns=["name", "latitude", "longitude"])
    if places is not None and len(places):
        _require(places, ["name", "latitude", "longitude"], "places")
        within = places["longitude"].between(x0, x1) & places["latitude"].between(y0, y1)
        inside, outside = places[within], [str(n) for n in places.loc[~within, "name"]]
        if "source" in places.columns:
            place_source = str(places["source"].iloc[0]).split(",")[0]
    # Sizes of text in degrees, from the static map's scale (the interactive one is about the same).
    height_in = 5.0
    deg_per_in_y = (y1 - y0) / (height_in - 0.6)
    deg_per_in_x = deg_per_in_y / math.cos(math.radians((y0 + y1) / 2))
    char_w, line_h = (
        0.6 * theme.ANNOTATION_SIZE / 72 * deg_per_in_x,
        1.4 * theme.ANNOTATION_SIZE / 72 * deg_per_in_y,
    )
    blocks: list[BaseGeometry] = []
    for name, lon, lat in zip(
        inside["name"].astype(str),
        inside["longitude"].astype(float),
        inside["latitude"].astype(float),
        strict=True,
    ):
        blocks.append(shapely.Point(lon, lat).buffer(0.25))
        blocks.append(shapely.box(lon, lat, lon + len(name) * char_w + 0.3, lat + line_h + 0.2))
    if line is not None:  # keep names off the highlighted border too
        blocks.append(line.buffer(0.15))
    obstacles = shapely.union_all(blocks) if blocks else shapely.GeometryCollection()
    label_xy = {
        n: _label_point(largest[n], (len(n) * char_w * (1.1 if n in fills else 1.0), line_h), obstacles)
        for n in shown
    }
    marks.append(
        Labels(
            x=tuple(label_xy[n][0] for n in shown),
            y=tuple(label_xy[n][1] for n in shown),
            texts=tuple(shown),
            bold=tuple(n in fills for n in shown),
        )
    )
    marked = ""
    if len(inside):
        names = [str(n) for n in inside["name"]]
        marks.append(
            Points(
                x=tuple(inside["longitude"].astype(float)),
                y=tuple(inside["latitude"].astype(float)),
                labels=tuple(names),
                name="places in the article",
                hovers=tuple(
                    f"{n}: {lat:.2f}\u00b0N, {lon:.2f}\u00b0E"
                    for n, lat, lon in zip(names, inside["latitude"], inside["longitude"], strict=True)
                ),
            )
        )
        marked = f" Places marked: {_join(names)}."

    neighbours = [n for n in shown if n not in fills]
    colour_names = {theme.BLUE: "blue", theme.ORANGE: "orange"}
    shading = "; ".join(f"{n} shaded {colour_names.get(c, 'in colour')}" for n, c in fills.items())
    mid_lat = (y0 + y1) / 2
    return ChartSpec(
        name=f"region_map_{units}",
        title=title,
        caption=(
            f"{_join(list(fills))} in colour, neighbours in grey"
            + (", the shared border in vermillion" if line is not None else "")
            + ". Longitude and latitude drawn to scale at the map's middle latitude."
            + (f" Not on the map: {_join(outside)}." if outside else "")
            + (
                " Border length measured along the drawn line on the WGS84 ellipsoid."
                if line is not None
                else ""
            )
        ),
        source=f"Outlines: {outline_source}"
        + (f"; places: {place_source}" if place_source else "")
        + f". {credit}.",
        alt=(
            f"Map of {_join(list(fills))} with neighbouring {_join(neighbours)}; {shading}, neighbours grey."
            + alt_border
            + marked
        ),
        panels=(
            Panel(
                marks=tuple(marks),
                x=Axis("Longitude (\u00b0 E)", limits=(x0, x1)),
                y=Axis("Latitude (\u00b0 N)", limits=(y0, y1)),
                height=height_in,
                aspect=1 / math.cos(math.radians(mid_lat)),
            ),
        ),
    )


# =========================================================================== renderers

_TITLE_WRAP = 72
_CAPTION_WRAP = 118


def _caption_block(spec: ChartSpec, width: int) -> str:
    return _wrap(spec.caption, width) + "\n" + _wrap(f"Source: {spec.source}", width)


# --------------------------------------------------------------------------- matplotlib


@dataclass
class _MplLegend:
    entries: dict[str, Any] = field(default_factory=dict)

    def add(self, label: str, handle: Any) -> None:
        if label and label not in self.entries:
            self.entries[label] = handle


def _mpl_bar_style(colour: str, hatched: bool) -> dict[str, Any]:
    if hatched:
        return {
            "facecolor": theme.PAPER,
            "edgecolor": colour,
            "hatch": "////",
            "hatchcolor": colour,
            "linewidth": 1.2,
        }
    return {"facecolor": colour, "edgecolor": colour, "linewidth": 0}


def _mpl_bars(ax, mark: Bars, panel: Panel, legend: _MplLegend) -> None:
    n = len(mark.categories)
    hatched = mark.hatched or (False,) * n
    limit = panel.x.limits[1] if panel.x.limits else max(mark.values)
    for i, (value, colour) in enumerate(zip(mark.values, mark.colours, strict=True)):
        style = _mpl_bar_style(colour, hatched[i])
        ax.barh(i, value, height=0.64, **style)
        if mark.legend and mark.legend[i]:
            legend.add(mark.legend[i], Patch(**_mpl_bar_style(colour, False)))  # the key shows colour only
        if mark.texts:
            ax.text(value + limit * 0.012, i, mark.texts[i], va="center", ha="left", fontsize=theme.TICK_SIZE)
    ax.set_yticks(range(n), list(mark.categories))
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)


def _interval_marker(start: dt.date, end: dt.date, panel: Panel) -> str:
    """ "" for a bar; "o" (a day) or "s" (a span too short to see at this zoom) for a marker."""
    if start == end:
        return "o"
    if panel.x.limits is not None:
        shown = (_date(panel.x.limits[1]) - _date(panel.x.limits[0])).days
        if (end - start).days + 1 < 0.006 * shown:
            return "s"
    return ""


def _mpl_intervals(ax, mark: Intervals, panel: Panel, legend: _MplLegend) -> None:
    n = len(mark.categories)
    for i in range(n):
        start, end, colour = mark.starts[i], mark.ends[i], mark.colours[i]
        marker = _interval_marker(start, end, panel)
        if marker:
            middle = mdates.date2num(start) + ((end - start).days + 1) / 2
            size = 7 if marker == "o" else 6.5
            handle = ax.plot(middle, i, marker=marker, markersize=size, color=colour, linestyle="none")[0]
            proxy = (
                Patch(facecolor=colour)
                if marker == "s"
                else Line2D([], [], marker="o", markersize=size, color=colour, linestyle="none")
            )
        else:
            left = mdates.date2num(start)
            width = mdates.date2num(end + dt.timedelta(days=1)) - left
            handle = ax.barh(i, width, left=left, height=0.5, color=colour)
            proxy = Patch(facecolor=colour)
        del handle
        if mark.legend and mark.legend[i]:
            legend.add(mark.legend[i], proxy)
    ax.set_yticks(range(n), list(mark.categories))
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0, labelsize=theme.ANNOTATION_SIZE)
    ax.xaxis_date()
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def _mpl_line(ax, mark: Line, panel: Panel, legend: _MplLegend) -> None:
    handle = ax.plot(
        mark.x,
        mark.y,
        color=mark.colour,
        linewidth=mark.width,
        marker="o",
        markersize=3 + mark.width,
        linestyle="--" if mark.dashed else "-",
    )[0]
    if mark.name:
        legend.add(mark.name, handle)
    if mark.label:
        ax.annotate(
            mark.label,
            (mark.x[-1], mark.y[-1]),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            color=mark.colour,
            fontsize=theme.ANNOTATION_SIZE,
            fontweight="bold",
        )


def _mpl_refline(ax, mark: RefLine, panel: Panel, legend: _MplLegend) -> None:
    ax.axhline(mark.value, color=mark.colour, linewidth=1, linestyle="--" if mark.dashed else "-")
    ax.annotate(
        mark.label,
        (0.01, mark.value),
        xycoords=ax.get_yaxis_transform(),
        xytext=(0, -2 if mark.label_below else 2),
        textcoords="offset points",
        ha="left",
        va="top" if mark.label_below else "bottom",
        fontsize=theme.ANNOTATION_SIZE,
        color=mark.colour,
    )


def _flow_layout(mark: Flows, gap: float = 0.06) -> tuple[list[float], list[float], list[float]]:
    """Node x (0-1, by stage), centre y (0 top - 1 bottom) and height, shared by both renderers."""
    n = len(mark.nodes)
    inflow, outflow = [0.0] * n, [0.0] * n
    for s, t, v in zip(mark.sources, mark.targets, mark.values, strict=True):
        outflow[s] += v
        inflow[t] += v
    size = [max(i, o) for i, o in zip(inflow, outflow, strict=True)]
    last = max(mark.stages) or 1
    stages: dict[int, list[int]] = {}
    for i, s in enumerate(mark.stages):
        stages.setdefault(s, []).append(i)
    scale = min((1 - gap * (len(ids) - 1)) / sum(size[i] for i in ids) for ids in stages.values())
    xs, ys, hs = [0.0] * n, [0.0] * n, [0.0] * n
    for stage, ids in stages.items():
        total = sum(size[i] * scale for i in ids) + gap * (len(ids) - 1)
        top = (1 - total) / 2
        for i in ids:
            hs[i] = size[i] * scale
            xs[i] = stage / last
            ys[i] = top + hs[i] / 2
            top += hs[i] + gap
    return xs, ys, hs


def _mpl_flows(ax, mark: Flows, panel: Panel, legend: _MplLegend) -> None:
    xs, ys, hs = _flow_layout(mark)
    left, right, node_w = 0.02, 0.70, 0.012
    stage_x = [left + x * (right - left) for x in xs]
    out_off = [ys[i] - hs[i] / 2 for i in range(len(xs))]
    in_off = list(out_off)
    last_stage = max(mark.stages)
    for k, (s, t, v) in enumerate(zip(mark.sources, mark.targets, mark.values, strict=True)):
        h = (
            hs[s]
            * v
            / max(sum(vv for ss, vv in zip(mark.sources, mark.values, strict=True) if ss == s), 1e-9)
        )
        h_t = (
            hs[t]
            * v
            / max(sum(vv for tt, vv in zip(mark.targets, mark.values, strict=True) if tt == t), 1e-9)
        )
        xa, xb = stage_x[s] + node_w, stage_x[t]
        ya0, ya1 = 1 - out_off[s], 1 - (out_off[s] + h)
        yb0, yb1 = 1 - in_off[t], 1 - (in_off[t] + h_t)
        out_off[s] += h
        in_off[t] += h_t
        xm = (xa + xb) / 2
        verts = [
            (xa, ya0),
            (xm, ya0),
            (xm, yb0),
            (xb, yb0),
            (xb, yb1),
            (xm, yb1),
            (xm, ya1),
            (xa, ya1),
            (xa, ya0),
        ]
        codes = [
            MplPath.MOVETO,
            *[MplPath.CURVE4] * 3,
            MplPath.LINETO,
            *[MplPath.CURVE4] * 3,
            MplPath.CLOSEPOLY,
        ]
        projected = mark.projected[k] if mark.projected else False
        colour = mark.link_colours[k]
        if projected:
            patch = PathPatch(
                MplPath(verts, codes),
                facecolor=theme.PAPER,
                edgecolor=colour,
                hatch="////",
                hatchcolor=colour,
                linewidth=1,
                linestyle="--",
                alpha=0.9,
            )
        else:
            patch = PathPatch(MplPath(verts, codes), facecolor=colour, edgecolor="none", alpha=0.45)
        ax.add_patch(patch)
    for i, label in enumerate(mark.nodes):
        ax.add_patch(
            Rectangle(
                (stage_x[i], 1 - ys[i] - hs[i] / 2),
                node_w,
                hs[i],
                facecolor=mark.node_colours[i],
                edgecolor="none",
            )
        )
        at_end = mark.stages[i] == last_stage
        ax.text(
            stage_x[i] + (node_w * 1.8),
            1 - ys[i],
            _wrap(label, 30 if at_end else 24),
            ha="left",
            va="center",
            fontsize=theme.ANNOTATION_SIZE,
            color=theme.INK,
            bbox={"facecolor": theme.PAPER, "alpha": 0.75, "edgecolor": "none", "pad": 1.0},
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_axis_off()


def _mpl_shapes(ax, mark: Shapes, panel: Panel, legend: _MplLegend) -> None:
    for i, geom in enumerate(mark.geometries):
        alpha = mark.alphas[i] if mark.alphas else 1.0
        import geopandas as gpd

        series = gpd.GeoSeries([geom], crs="EPSG:4326")
        fill = mark.fills[i]
        if fill is None:
            series.plot(ax=ax, color=mark.edges[i], linewidth=mark.widths[i], aspect=None, zorder=3)
            proxy: Any = Line2D([], [], color=mark.edges[i], linewidth=mark.widths[i])
        else:
            series.plot(
                ax=ax,
                facecolor=fill,
                edgecolor=mark.edges[i],
                linewidth=mark.widths[i],
                alpha=alpha,
                aspect=None,
                zorder=1,
            )
            proxy = Patch(facecolor=fill, alpha=alpha, edgecolor="none")
        if mark.legend and mark.legend[i]:
            legend.add(mark.legend[i], proxy)


def _mpl_points(ax, mark: Points, panel: Panel, legend: _MplLegend) -> None:
    handle = ax.scatter(
        mark.x, mark.y, s=22, color=mark.colour, edgecolor=theme.PAPER, linewidth=0.8, zorder=5
    )
    if mark.name:
        legend.add(mark.name, handle)
    for x, y, label in zip(mark.x, mark.y, mark.labels, strict=True):
        ax.annotate(
            label,
            (x, y),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=theme.ANNOTATION_SIZE,
            color=mark.colour,
            zorder=6,
            bbox={"facecolor": theme.PAPER, "alpha": 0.6, "edgecolor": "none", "pad": 0.5},
        )


def _mpl_labels(ax, mark: Labels, panel: Panel, legend: _MplLegend) -> None:
    for i, (x, y, text) in enumerate(zip(mark.x, mark.y, mark.texts, strict=True)):
        bold = mark.bold[i] if mark.bold else False
        ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=theme.ANNOTATION_SIZE + (0.5 if bold else 0),
            fontweight="bold" if bold else "normal",
            color=theme.INK,
            alpha=1 if bold else 0.7,
            zorder=4,
            path_effects=[withStroke(linewidth=2.5, foreground=theme.PAPER, alpha=0.8)],
        )


_MPL_DRAW: dict[type, Callable[..., None]] = {
    Bars: _mpl_bars,
    Intervals: _mpl_intervals,
    Line: _mpl_line,
    RefLine: _mpl_refline,
    Flows: _mpl_flows,
    Shapes: _mpl_shapes,
    Points: _mpl_points,
    Labels: _mpl_labels,
}


def _tick_number(x: float, _pos: object = None) -> str:
    """Tick labels with thousands separators (2,500), small numbers as they are (57.5)."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:g}"


def _mpl_axes(ax, panel: Panel) -> None:
    for axis, spec, is_x in ((ax.xaxis, panel.x, True), (ax.yaxis, panel.y, False)):
        set_label = ax.set_xlabel if is_x else ax.set_ylabel
        set_lim = ax.set_xlim if is_x else ax.set_ylim
        if spec.kind == "log":
            (ax.set_xscale if is_x else ax.set_yscale)("log")
        if spec.label:
            set_label(spec.label, fontsize=theme.LABEL_SIZE)
        if spec.limits is not None:
            lo, hi = spec.limits
            if spec.kind == "date":
                lo, hi = mdates.date2num(_date(lo)), mdates.date2num(_date(hi))
            set_lim((hi, lo) if spec.reversed else (lo, hi))
        elif spec.reversed:
            (ax.invert_xaxis if is_x else ax.invert_yaxis)()
        if spec.kind == "linear" and not spec.tick_labels:
            axis.set_major_formatter(FuncFormatter(_tick_number))
        axis.set_visible(spec.visible)
        if spec.ticks:
            axis.set_major_locator(FixedLocator(list(spec.ticks)))
            if spec.tick_labels:
                (ax.set_xticks if is_x else ax.set_yticks)(list(spec.ticks), list(spec.tick_labels))
            axis.set_minor_locator(NullLocator())
        if spec.grid:
            ax.grid(True, axis="x" if is_x else "y", color=theme.GRID, linewidth=0.8)
    if panel.aspect:
        ax.set_aspect(panel.aspect)
    if panel.title:
        ax.set_title(panel.title, loc="left", fontsize=theme.PANEL_TITLE_SIZE, fontweight="bold", pad=8)


def _legend_names(spec: ChartSpec) -> list[str]:
    """The legend entries a spec will have, in order (both renderers show the same legend)."""
    names: list[str] = []
    for panel in spec.panels:
        for mark in panel.marks:
            if isinstance(mark, Bars | Intervals | Shapes):
                names += [n for n in mark.legend if n]
            elif isinstance(mark, Line | Points) and mark.name:
                names.append(mark.name)
    return list(dict.fromkeys(names))


_GAP_IN = 0.3  # inches between stacked panels
_PAD_IN = 0.1  # inches between the figure's edge and the outermost text


def to_matplotlib(spec: ChartSpec) -> Figure:
    """The spec drawn as a static matplotlib Figure (no pyplot, no global state).

    The spec is kept as ``fig.chart_spec`` (alt text: ``fig.chart_spec.alt``). The layout is
    computed here from measured text extents, not by a layout engine, so that the same spec
    always gives the same positions to the last digit (and the same PNG and SVG bytes).
    """
    width = theme.FIGURE_WIDTH
    title = _wrap(spec.title, _TITLE_WRAP)
    caption = _caption_block(spec, _CAPTION_WRAP)
    legend_rows = math.ceil(len(_legend_names(spec)) / 4)
    title_h = 0.21 * (title.count("\n") + 1) + 0.16 + 0.25 * legend_rows
    caption_h = 0.145 * (caption.count("\n") + 1) + 0.16
    body_h = sum(p.height for p in spec.panels) + _GAP_IN * (len(spec.panels) - 1)
    height = title_h + body_h + caption_h
    with theme.matplotlib_context():
        fig = Figure(figsize=(width, height))
        FigureCanvasAgg(fig)
        axes = [fig.add_axes((0.1, 0.1, 0.8, 0.8)) for _ in spec.panels]
        legend = _MplLegend()
        for ax, panel in zip(axes, spec.panels, strict=True):
            for mark in panel.marks:
                _MPL_DRAW[type(mark)](ax, mark, panel, legend)
            _mpl_axes(ax, panel)
        fig.text(
            _PAD_IN / width,
            1 - 0.1 / height,
            title,
            ha="left",
            va="top",
            fontsize=theme.TITLE_SIZE,
            fontweight="bold",
            color=theme.INK,
            linespacing=1.25,
        )
        if legend.entries:
            fig.legend(
                list(legend.entries.values()),
                list(legend.entries),
                loc="lower left",
                bbox_to_anchor=(_PAD_IN / width - 0.005, 1 - title_h / height),
                ncols=min(4, len(legend.entries)),
                frameon=False,
                handlelength=1.6,
                columnspacing=1.4,
                borderaxespad=0.0,
                borderpad=0.2,
            )
        fig.text(
            _PAD_IN / width,
            (caption_h - 0.08) / height,
            caption,
            ha="left",
            va="top",
            fontsize=theme.CAPTION_SIZE,
            color=theme.INK,
            linespacing=1.35,
        )
        for text in fig.findobj(Text):
            text.set_parse_math(False)
            text.set_usetex(False)
        _place_axes(fig, axes, spec.panels, top=height - title_h, bottom=caption_h)
    fig.chart_spec = spec
    return fig


def _place_axes(fig: Figure, axes: list, panels: Sequence[Panel], top: float, bottom: float) -> None:
    """Stack the panels between `top` and `bottom` (inches from the figure's foot), leaving room
    for each one's tick labels, axis labels and title as measured on the drawn text."""
    width, height = fig.get_size_inches()
    renderer = fig.canvas.get_renderer()
    dpi = fig.dpi
    # Extents of the text around each axes, in inches: left, right, below, above.
    extents = []
    for ax in axes:
        box, tight = ax.get_window_extent(renderer), ax.get_tightbbox(renderer)
        extents.append(
            (
                max(box.x0 - tight.x0, 0) / dpi,
                max(tight.x1 - box.x1, 0) / dpi,
                max(box.y0 - tight.y0, 0) / dpi,
                max(tight.y1 - box.y1, 0) / dpi,
            )
        )
    left = max(e[0] for e in extents) + _PAD_IN + 0.05
    right = max(e[1] for e in extents) + _PAD_IN + 0.1
    slot_top = top
    for ax, panel, (_, _, below, above) in zip(axes, panels, extents, strict=True):
        slot_bottom = slot_top - panel.height
        y0 = slot_bottom + below + 0.05
        y1 = slot_top - above - 0.05
        rect = (left / width, y0 / height, (width - left - right) / width, max(y1 - y0, 0.2) / height)
        ax.set_position([round(v, 5) for v in rect])
        slot_top = slot_bottom - _GAP_IN


# --------------------------------------------------------------------------- plotly


def _esc(text: object) -> str:
    """Article text made inert for plotly's HTML-like labels; newlines become <br>."""
    return html.escape(str(text), quote=True).replace("\n", "<br>")


@dataclass
class _PlotlyCtx:
    fig: go.Figure
    row: int
    xref: str
    yref: str
    seen: set[str]

    def legend(self, name: str, eligible: bool = True) -> dict[str, Any]:
        """Legend settings of a trace: the first eligible trace of each name shows the entry."""
        if not name:
            return {"showlegend": False}
        show = eligible and name not in self.seen
        if show:
            self.seen.add(name)
        return {"name": _esc(name), "legendgroup": _esc(name), "showlegend": show}

    def add(self, trace: Any) -> None:
        self.fig.add_trace(trace, row=self.row, col=1)


def _plotly_bars(ctx: _PlotlyCtx, mark: Bars, panel: Panel) -> None:
    n = len(mark.categories)
    hatched = mark.hatched or (False,) * n
    names = mark.legend or ("",) * n
    # the legend key shows colour only: take a solid bar of each name where there is one
    key_bar = {}
    for i in reversed(range(n)):
        if names[i] and (not hatched[i] or names[i] not in key_bar):
            key_bar[names[i]] = i
    for i in range(n):
        colour = mark.colours[i]
        marker: dict[str, Any] = {
            "color": colour,
            "line": {"color": colour, "width": 1.5 if hatched[i] else 0},
        }
        if hatched[i]:
            marker["pattern"] = {
                "shape": "/",
                "fgcolor": colour,
                "bgcolor": theme.PAPER,
                "fillmode": "replace",
                "solidity": 0.4,
                "size": 8,
            }
        ctx.add(
            go.Bar(
                x=[mark.values[i]],
                y=[_esc(mark.categories[i])],
                orientation="h",
                marker=marker,
                width=0.64,
                text=[_esc(mark.texts[i])] if mark.texts else None,
                textposition="outside",
                cliponaxis=False,
                textfont={"size": theme.px(theme.TICK_SIZE), "color": theme.INK},
                hovertext=[
                    _esc(mark.hovers[i] if mark.hovers else f"{mark.categories[i]}: {mark.values[i]:,g}")
                ],
                hoverinfo="text",
                **ctx.legend(names[i], eligible=key_bar.get(names[i]) == i),
            )
        )


def _plotly_intervals(ctx: _PlotlyCtx, mark: Intervals, panel: Panel) -> None:
    for i in range(len(mark.categories)):
        start, end, colour = mark.starts[i], mark.ends[i], mark.colours[i]
        hover = [_esc(mark.hovers[i] if mark.hovers else mark.categories[i])]
        common = {
            "hovertext": hover,
            "hoverinfo": "text",
            **ctx.legend(mark.legend[i] if mark.legend else ""),
        }
        y = [_esc(mark.categories[i])]
        marker = _interval_marker(start, end, panel)
        if marker:
            middle = dt.datetime.combine(start, dt.time()) + dt.timedelta(days=((end - start).days + 1) / 2)
            symbol = "circle" if marker == "o" else "square"
            ctx.add(
                go.Scatter(
                    x=[middle.isoformat()],
                    y=y,
                    mode="markers",
                    marker={"color": colour, "size": 10, "symbol": symbol},
                    **common,
                )
            )
        else:
            days = (end - start).days + 1
            ctx.add(
                go.Bar(
                    x=[days * 86_400_000],
                    base=[start.isoformat()],
                    y=y,
                    orientation="h",
                    width=0.5,
                    marker={"color": colour, "line": {"width": 0}},
                    **common,
                )
            )


def _plotly_line(ctx: _PlotlyCtx, mark: Line, panel: Panel) -> None:
    texts = [""] * (len(mark.x) - 1) + [_esc(mark.label)] if mark.label else None
    ctx.add(
        go.Scatter(
            x=list(mark.x),
            y=list(mark.y),
            mode="lines+markers+text" if mark.label else "lines+markers",
            line={
                "color": mark.colour,
                "width": mark.width * 1.4,
                "dash": "dash" if mark.dashed else "solid",
            },
            marker={"color": mark.colour, "size": 4 + mark.width * 2},
            text=texts,
            textposition="middle right",
            textfont={"color": mark.colour, "size": theme.px(theme.ANNOTATION_SIZE)},
            cliponaxis=False,
            hovertext=[_esc(h) for h in mark.hovers] if mark.hovers else None,
            hoverinfo="text" if mark.hovers else "x+y",
            **ctx.legend(mark.name),
        )
    )


def _plotly_refline(ctx: _PlotlyCtx, mark: RefLine, panel: Panel) -> None:
    ctx.fig.add_shape(
        type="line",
        xref=f"{ctx.xref} domain",
        x0=0,
        x1=1,
        yref=ctx.yref,
        y0=mark.value,
        y1=mark.value,
        line={"color": mark.colour, "width": 1, "dash": "dash" if mark.dashed else "solid"},
    )
    ctx.fig.add_annotation(
        xref=f"{ctx.xref} domain",
        x=0.01,
        xanchor="left",
        yref=ctx.yref,
        y=mark.value,
        yanchor="top" if mark.label_below else "bottom",
        yshift=-2 if mark.label_below else 2,
        text=_esc(mark.label),
        showarrow=False,
        font={"color": mark.colour, "size": theme.px(theme.ANNOTATION_SIZE)},
    )


def _plotly_flows(ctx: _PlotlyCtx, mark: Flows, panel: Panel) -> None:
    xs, ys, _ = _flow_layout(mark)
    projected = mark.projected or (False,) * len(mark.values)
    ctx.add(
        go.Sankey(
            arrangement="snap",
            node={
                "label": [_esc(_wrap(n, 34)) for n in mark.nodes],
                "color": list(mark.node_colours),
                "x": [min(max(x, 0.001), 0.999) for x in xs],
                "y": [min(max(y, 0.001), 0.999) for y in ys],
                "pad": 18,
                "thickness": 14,
                "line": {"width": 0},
                "hovertemplate": "%{label}<extra></extra>",
            },
            link={
                "source": list(mark.sources),
                "target": list(mark.targets),
                "value": list(mark.values),
                # plotly cannot hatch a link: a projection is drawn fainter, and says so on hover
                "color": [
                    theme.with_alpha(c, 0.18 if p else 0.5)
                    for c, p in zip(mark.link_colours, projected, strict=True)
                ],
                "customdata": [_esc(h) for h in mark.link_hovers] if mark.link_hovers else None,
                "hovertemplate": "%{customdata}<extra></extra>" if mark.link_hovers else None,
            },
            textfont={"size": theme.px(theme.ANNOTATION_SIZE), "color": theme.INK},
        )
    )


def _ring_xy(coords: Iterable[tuple[float, ...]]) -> tuple[list[float | None], list[float | None]]:
    xs, ys = [], []
    for c in coords:
        xs.append(c[0])
        ys.append(c[1])
    return xs, ys


def _plotly_shapes(ctx: _PlotlyCtx, mark: Shapes, panel: Panel) -> None:
    for i, geom in enumerate(mark.geometries):
        fill = mark.fills[i]
        hover = _esc(mark.hovers[i]) if mark.hovers else None
        legend = ctx.legend(mark.legend[i] if mark.legend else "")
        if fill is None:
            xs: list[float | None] = []
            ys: list[float | None] = []
            for part in shapely.get_parts(geom):
                for line in getattr(part, "geoms", [part]):
                    px_, py_ = _ring_xy(line.coords)
                    xs += [*px_, None]
                    ys += [*py_, None]
            ctx.add(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"color": mark.edges[i], "width": mark.widths[i] * 1.3},
                    hovertext=hover,
                    hoverinfo="text",
                    **legend,
                )
            )
            continue
        alpha = mark.alphas[i] if mark.alphas else 1.0
        for polygon in _polygon_parts(geom):
            xs, ys = _ring_xy(polygon.exterior.coords)
            ctx.add(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    fill="toself",
                    fillcolor=theme.with_alpha(fill, alpha) if alpha < 1 else fill,
                    line={"color": mark.edges[i], "width": mark.widths[i]},
                    hoveron="fills",
                    hovertext=hover,
                    hoverinfo="text",
                    **legend,
                )
            )
            legend = {
                "showlegend": False,
                **({"legendgroup": legend["legendgroup"]} if "legendgroup" in legend else {}),
            }
            if polygon.interiors:
                # plotly cannot cut holes: paint them with the background (smaller parts come later).
                hx: list[float | None] = []
                hy: list[float | None] = []
                for ring in polygon.interiors:
                    rx, ry = _ring_xy(ring.coords)
                    hx += [*rx, None]
                    hy += [*ry, None]
                ctx.add(
                    go.Scatter(
                        x=hx,
                        y=hy,
                        mode="lines",
                        fill="toself",
                        fillcolor=theme.PAPER,
                        line={"color": mark.edges[i], "width": mark.widths[i]},
                        hoverinfo="skip",
                        showlegend=False,
                    )
                )


def _plotly_points(ctx: _PlotlyCtx, mark: Points, panel: Panel) -> None:
    ctx.add(
        go.Scatter(
            x=list(mark.x),
            y=list(mark.y),
            mode="markers+text",
            marker={"color": mark.colour, "size": 8, "line": {"color": theme.PAPER, "width": 1}},
            text=[_esc(t) for t in mark.labels],
            textposition="top right",
            textfont={"size": theme.px(theme.ANNOTATION_SIZE), "color": mark.colour},
            hovertext=[_esc(h) for h in mark.hovers] if mark.hovers else None,
            hoverinfo="text" if mark.hovers else "skip",
            **ctx.legend(mark.name),
        )
    )


def _plotly_labels(ctx: _PlotlyCtx, mark: Labels, panel: Panel) -> None:
    bold = mark.bold or (False,) * len(mark.texts)
    ctx.add(
        go.Scatter(
            x=list(mark.x),
            y=list(mark.y),
            mode="text",
            text=[f"<b>{_esc(t)}</b>" if b else _esc(t) for t, b in zip(mark.texts, bold, strict=True)],
            textfont={"size": theme.px(theme.ANNOTATION_SIZE), "color": theme.INK, "shadow": "auto"},
            hoverinfo="skip",
            showlegend=False,
        )
    )


_PLOTLY_DRAW: dict[type, Callable[..., None]] = {
    Bars: _plotly_bars,
    Intervals: _plotly_intervals,
    Line: _plotly_line,
    RefLine: _plotly_refline,
    Flows: _plotly_flows,
    Shapes: _plotly_shapes,
    Points: _plotly_points,
    Labels: _plotly_labels,
}


def _plotly_axis(spec: Axis, categories: Sequence[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": {"text": _esc(spec.label)},
        "showgrid": spec.grid,
        "visible": spec.visible,
    }
    if spec.kind == "log":
        out["type"] = "log"
    elif spec.kind == "date":
        out["type"] = "date"
    elif spec.kind == "category" or categories:
        out["type"] = "category"
    if categories:
        out.update(
            categoryorder="array",
            categoryarray=[_esc(c) for c in categories],
            autorange="reversed",
            ticks="",
            showline=False,
        )
    if spec.limits is not None:
        lo, hi = spec.limits
        if spec.kind == "log":
            lo, hi = math.log10(lo), math.log10(hi)
        elif spec.kind == "date":
            lo, hi = _date(lo).isoformat(), _date(hi).isoformat()
        out["range"] = [hi, lo] if spec.reversed else [lo, hi]
        out["autorange"] = False
    elif spec.reversed:
        out["autorange"] = "reversed"
    if spec.kind == "linear" and not categories:
        out["tickformat"] = ","
    if spec.ticks:
        out["tickmode"] = "array"
        out["tickvals"] = list(spec.ticks)
        out["ticktext"] = (
            [_esc(t) for t in spec.tick_labels] if spec.tick_labels else [str(t) for t in spec.ticks]
        )
    return out


def _categories(panel: Panel) -> list[str]:
    return [c for m in panel.marks if isinstance(m, Bars | Intervals) for c in m.categories]


def to_plotly(spec: ChartSpec, *, caption: bool = False) -> go.Figure:
    """The spec drawn as an interactive plotly Figure (no network: no geo traces, no MathJax).

    ``fig.layout.meta`` holds name, title, caption, source and alt (HTML-escaped). The caption
    and source line are drawn under the chart only with ``caption=True``: the HTML report sets
    them as a <figcaption> (real text that wraps with the page), so by default they are not
    drawn twice.
    """
    panels = spec.panels
    is_flow = [any(isinstance(m, Flows) for m in p.marks) for p in panels]
    body_px = sum(p.height for p in panels) * 96
    gap_px = 95 if len(panels) > 1 else 0
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        specs=[[{"type": "domain" if f else "xy"}] for f in is_flow],
        row_heights=[p.height for p in panels],
        vertical_spacing=gap_px / (body_px + gap_px * (len(panels) - 1)) if len(panels) > 1 else 0.0,
        subplot_titles=[_esc(p.title) for p in panels] if any(p.title for p in panels) else None,
    )
    # subplot titles sit left, like matplotlib's panel titles
    for annotation in fig.layout.annotations:
        annotation.update(x=0, xanchor="left", font={"size": theme.px(theme.PANEL_TITLE_SIZE)})
    seen: set[str] = set()
    longest_label = 0
    for row, (panel, flow) in enumerate(zip(panels, is_flow, strict=True), start=1):
        if flow:
            xref = yref = ""
        else:
            sub = fig.get_subplot(row, 1)
            xref = sub.xaxis.plotly_name.replace("axis", "")
            yref = sub.yaxis.plotly_name.replace("axis", "")
        ctx = _PlotlyCtx(fig, row, xref, yref, seen)
        for mark in panel.marks:
            _PLOTLY_DRAW[type(mark)](ctx, mark, panel)
        if flow:
            continue
        cats = _categories(panel)
        longest_label = max([longest_label, *(len(line) for c in cats for line in c.split("\n"))])
        fig.update_xaxes(_plotly_axis(panel.x, None), row=row, col=1)
        fig.update_yaxes(_plotly_axis(panel.y, cats), row=row, col=1)
        if panel.aspect:
            fig.update_yaxes(scaleanchor=xref, scaleratio=panel.aspect, constrain="domain", row=row, col=1)
            fig.update_xaxes(constrain="domain", row=row, col=1)
    for i, trace in enumerate(fig.data):
        trace.uid = f"{spec.name}-{i}"

    title = _wrap(spec.title, 70)
    n_title = title.count("\n") + 1
    has_legend = bool(seen)
    left = max(60, min(420, int(longest_label * 6.8) + 40))
    top = 24 + 24 * n_title + (30 if has_legend else 0) + (22 if panels[0].title else 0)
    bottom = 62
    if caption:
        text = _caption_block(spec, 125)
        bottom += 15 * (text.count("\n") + 1)
        fig.add_annotation(
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="top",
            xshift=-left + 10,
            yshift=-52,
            align="left",
            showarrow=False,
            text=_esc(text),
            font={"size": theme.px(theme.CAPTION_SIZE)},
        )
    fig.update_layout(
        template=theme.plotly_template(),
        title={
            "text": f"<b>{_esc(title)}</b>",
            "x": 0.01,
            "xref": "container",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 14},
        },
        height=int(body_px + gap_px * (len(panels) - 1) + top + bottom),
        margin={"l": left, "r": 30, "t": top, "b": bottom},
        showlegend=has_legend,
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "xref": "container",
        }
        if has_legend
        else None,
        barmode="overlay",
        meta={k: html.escape(v) for k, v in spec.text.items()},
    )
    if has_legend:
        fig.update_layout(legend={"y": 1 - (20 + 24 * n_title) / fig.layout.height, "x": 0.01})
    return fig


# --------------------------------------------------------------------------- entry points


def render(spec: ChartSpec, backend: Backend = "plotly", *, caption: bool = False) -> Figure | go.Figure:
    """Draw a spec with the chosen backend ("plotly" or "matplotlib").

    Matplotlib figures always carry their caption and source line; plotly ones only with
    ``caption=True`` (see :func:`to_plotly`).
    """
    if backend == "plotly":
        return to_plotly(spec, caption=caption)
    if backend == "matplotlib":
        return to_matplotlib(spec)
    raise InputError(f"unknown chart backend {backend!r}; choose one of {', '.join(BACKENDS)}")


def describe(fig: Figure | go.Figure) -> dict[str, str]:
    """name, title, caption, source and alt of a figure drawn by this module, as plain text."""
    spec = getattr(fig, "chart_spec", None)
    if spec is not None:
        return spec.text
    if isinstance(fig, go.Figure) and isinstance(fig.layout.meta, dict):
        return {k: html.unescape(str(v)) for k, v in fig.layout.meta.items()}
    raise InputError("this figure was not drawn by spillover.charts (no chart text attached)")


def mentions_chart(mentions: pd.DataFrame, backend: Backend = "plotly", **options: Any) -> Figure | go.Figure:
    return render(mentions_spec(mentions, **options), backend)


def refugee_flows_chart(
    table: pd.DataFrame, backend: Backend = "plotly", **options: Any
) -> Figure | go.Figure:
    return render(refugee_flows_spec(table, **options), backend)


def troop_deployments_chart(
    table: pd.DataFrame, backend: Backend = "plotly", **options: Any
) -> Figure | go.Figure:
    return render(troop_deployments_spec(table, **options), backend)


def border_units_chart(
    border_lengths: pd.DataFrame, backend: Backend = "plotly", **options: Any
) -> Figure | go.Figure:
    return render(border_units_spec(border_lengths, **options), backend)


def border_sources_chart(
    rows: pd.DataFrame, units: str = "km", backend: Backend = "plotly", **options: Any
) -> Figure | go.Figure:
    return render(border_sources_spec(rows, units, **options), backend)


def country_borders_chart(
    borders: pd.DataFrame, units: str = "km", backend: Backend = "plotly", **options: Any
) -> Figure | go.Figure:
    return render(country_borders_spec(borders, units, **options), backend)


def border_scale_chart(
    measured: pd.DataFrame, units: str = "km", backend: Backend = "plotly", **options: Any
) -> Figure | go.Figure:
    return render(border_scale_spec(measured, units, **options), backend)


def timeline_chart(timeline: pd.DataFrame, backend: Backend = "plotly", **options: Any) -> Figure | go.Figure:
    return render(timeline_spec(timeline, **options), backend)


def shares_chart(figures: pd.DataFrame, backend: Backend = "plotly", **options: Any) -> Figure | go.Figure:
    return render(shares_spec(figures, **options), backend)


def region_map_chart(
    outlines: gpd.GeoDataFrame,
    border: object = None,
    places: pd.DataFrame | None = None,
    units: str = "km",
    backend: Backend = "plotly",
    **options: Any,
) -> Figure | go.Figure:
    return render(region_map_spec(outlines, border, places, units, **options), backend)


# --------------------------------------------------------------------------- saving

def save_static(fig: Figure | ChartSpec, name: str, folder: Path | str) -> list[Path]:
    """Write a spec's chart (or a matplotlib figure drawn from one) as folder/name.png and .svg."""
    if isinstance(fig, ChartSpec):
        fig = to_matplotlib(fig)
    spec = getattr(fig, "chart_spec", None)
    words = (spec.title, spec.alt) if spec is not None else ("", "")
    return charts.save_static(fig, name, folder, *words)


__all__ = [
    "ARTICLE_CREDIT",
    "Axis",
    "Bars",
    "ChartSpec",
    "Flows",
    "Intervals",
    "Labels",
    "Line",
    "Panel",
    "Points",
    "RefLine",
    "Shapes",
    "country_borders_chart",
    "country_borders_spec",
    "border_scale_chart",
    "border_scale_spec",
    "border_sources_chart",
    "border_sources_spec",
    "border_units_chart",
    "border_units_spec",
    "describe",
    "mentions_chart",
    "mentions_spec",
    "refugee_flows_chart",
    "refugee_flows_spec",
    "region_map_chart",
    "region_map_spec",
    "render",
    "save_static",
    "shares_chart",
    "shares_spec",
    "timeline_chart",
    "timeline_spec",
    "to_matplotlib",
    "to_plotly",
    "troop_deployments_chart",
    "troop_deployments_spec",
]
