"""Chart: the events the article dates, in order, and the months where they cluster enlarged.

Its data (one row per dated event: the first and last day its date can mean, how precise that
date is), its words (a title that says where the events fall, a caption, the source, the alt
text) and its two figures: plotly for the page, matplotlib for print. Each has two panels: every
event on a scale of years, and the busiest three months enlarged below (when they hold some
events but not all). A single day is a dot; a span (a week, a month, a year, a decade) is a bar
as long as the time its date can mean; a span too short to see at a panel's scale is a square.

An article without annotations has a row per dated sentence, which may be hundreds: each panel
draws at most MAX_LABELS rows, evenly spaced in date order (the first, the last and the
publication kept), labels and hovers are cut to LABEL_CHARS and HOVER_CHARS, and the caption
says how many were left out. When the timeline table has a time of day (a `time` column), the
hovers and the alt text give it.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from plotly.subplots import make_subplots

from spillover import theme
from spillover.charts import Chart, words
from spillover.errors import InputError
from spillover.extract import excerpt

#: At most this many labelled rows in a panel: about a screen of labels is what a reader can
#: read, and hundreds of rows would make a page nobody can read and a chart slow to draw. The
#: rest are sampled evenly in date order, and the caption says how many were left out.
MAX_LABELS = 40
#: Longest row label (two wrapped lines), hover text and quote drawn from the article; longer
#: ones end in an ellipsis (the whole text is in the timeline table).
LABEL_CHARS = 100
HOVER_CHARS = 300
QUOTE_CHARS = 60
LABEL_LINE = 52  # characters per line of a row label
ZOOM_DAYS = 92  # about three months: the stretch of time the enlarged panel shows
COLUMNS = ["date_start", "date_end", "event", "date_precision", "quote"]

#: How precise a date is: its legend entry and colour (a decade also stands for a range of years).
PRECISION_CLASSES = {
    "day": ("a day", theme.BLUE),
    "week": ("a week or a month", theme.ORANGE),
    "month": ("a week or a month", theme.ORANGE),
    "year": ("a year", theme.BLUISH_GREEN),
    "decade": ("several years", theme.REDDISH_PURPLE),
}
PUBLICATION = ("publication", theme.HIGHLIGHT)


def _short(text: str, limit: int) -> str:
    return excerpt(text, 0, len(text), limit)


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _months(start: dt.date, end: dt.date) -> str:
    """May–July 2021, May 2021, or December 2020–February 2021."""
    if start.year == end.year:
        return f"{start:%B}\u2013{end:%B} {end.year}" if start.month != end.month else f"{start:%B %Y}"
    return f"{start:%B %Y}\u2013{end:%B %Y}"


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


def spread(count: int, limit: int, keep: int | None = None) -> list[int]:
    """At most `limit` of the indices 0..count-1, evenly spaced, the first and last included,
    and `keep` too when given (the same rows every time)."""
    if count <= limit:
        return list(range(count))
    chosen = {round(i * (count - 1) / (limit - 1)) for i in range(limit)}
    if keep is not None and keep not in chosen:
        inner = sorted(chosen - {0, count - 1}, key=lambda i: (abs(i - keep), i))
        chosen.remove(inner[0])
        chosen.add(keep)
    return sorted(chosen)


def chart_data(timeline: pd.DataFrame, published: dt.date | None = None) -> pd.DataFrame:
    """One row per dated event, in date order: start, end (inclusive), event (cut to
    LABEL_CHARS), quote (cut to QUOTE_CHARS), time (of day, "" if none), legend and colour (how
    precise the date is; the publication day stands apart), hover, publication."""
    missing = [c for c in COLUMNS if c not in timeline.columns]
    if missing:
        raise InputError(f"timeline table lacks column(s) {', '.join(missing)}")
    dated = timeline[timeline["date_start"].notna() & timeline["date_end"].notna()]
    if dated.empty:
        raise InputError("timeline: no rows to chart")
    rows = []
    for r in dated.to_dict("records"):
        start, end = _date(r["date_start"]), _date(r["date_end"])
        precision = words.text(r["date_precision"])
        if end.year > start.year and precision != "decade":
            precision = "decade"  # a range of years ("From 1994 to 2009")
        legend, colour = PRECISION_CLASSES.get(precision, PRECISION_CLASSES["day"])
        if published is not None and start == end == published:
            legend, colour = PUBLICATION
        time = words.text(r.get("time")).replace("/", "\u2013")  # "14:00/16:00" is 14:00–16:00
        note, event = words.text(r.get("date_note")), words.text(r["event"])
        quote = _short(words.text(r["quote"]), QUOTE_CHARS)
        when = f"{start:%d %b %Y}" if start == end else f"{start:%d %b %Y} \u2013 {end:%d %b %Y}"
        when += f", {time}" if time else ""
        rows.append(
            {
                "start": start,
                "end": end,
                "event": _short(event, LABEL_CHARS),
                "quote": quote,
                "time": time,
                "legend": legend,
                "colour": colour,
                "hover": f"{_short(event, HOVER_CHARS)}\n{words.quoted(quote)}: {when}"
                + (f"\n({note})" if note else ""),
                "publication": legend == PUBLICATION[0],
            }
        )
    return pd.DataFrame(rows).sort_values(["start", "end"], kind="stable", ignore_index=True)


def sample(rows: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most `limit` rows, evenly spaced in date order, the publication kept."""
    keep = next((i for i, p in enumerate(rows["publication"]) if p), None)
    drawn = rows.iloc[spread(len(rows), limit, keep)].reset_index(drop=True)
    seen: dict[str, int] = {}
    labels = []
    for event in drawn["event"]:  # plotly merges equal category labels: number repeats
        label = theme.wrap(event, LABEL_LINE)
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return drawn.assign(label=labels)


def build(
    timeline: pd.DataFrame,
    *,
    credit: str,
    zoom: tuple[str, str] | None = None,
    max_labels: int = MAX_LABELS,
    published: dt.date | str | None = None,
) -> Chart:
    """The chart of the timeline table; `zoom` (first and last day) chooses the enlarged months,
    by default the three holding the most events."""
    published = _date(published) if published else None
    rows = chart_data(timeline, published)
    max_labels = max(max_labels, 2)
    found = (_date(zoom[0]), _date(zoom[1])) if zoom else cluster_window(list(rows["start"]))
    z0, z1 = found if found else (dt.date.max, dt.date.min)
    window = rows[(rows["end"] >= z0) & (rows["start"] <= z1)]
    window_label = _months(z0, z1) if found else ""
    first, last = rows["start"].min(), rows["end"].max()
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
    shown, shown_window = sample(rows, max_labels), sample(window, max_labels) if k else window

    every = "every dated event" if len(shown) == n else f"{len(shown)} of {n} dated events"
    panels = [
        Panel(
            rows=shown,
            title=f"{first.year}\u2013{last.year}: {every}",
            axis="Year",
            limits=(dt.date(first.year - 1, 7, 1), dt.date(last.year + 1, 6, 30)),
        )
    ]
    if k:
        panels.append(
            Panel(
                rows=shown_window,
                title=f"{window_label} enlarged",
                axis=f"Date in {z1.year} (day)",
                limits=(z0, z1 + dt.timedelta(days=1)),
            )
        )

    publication = rows[rows["publication"]]
    caption = (
        "Each row is an event the article dates. Dots mark single days; bars cover the whole span "
        "a date can mean (a decade, a range of years, a year, a month or a week); squares mark "
        "spans too short to draw at the scale of the panel."
    )
    if not publication.empty:
        caption += (
            " Relative dates (\u201clast Monday\u201d) are resolved from the publication date, "
            f"{publication['start'].iloc[0]:%d %B %Y}."
        )
    if k:
        caption += f" Bottom: {window_label} enlarged."
    if len(shown) < n or len(shown_window) < k:
        caption += (
            f" Only {len(shown)} of the {n} dated events are drawn, evenly spaced in date order; "
            f"the other {n - len(shown)} are left out here and listed in the timeline table."
        )
        if len(shown_window) < k:
            caption += f" The enlarged panel draws {len(shown_window)} of its {k}."
    more = f" and {n - len(shown)} more" if len(shown) < n else ""
    quoted = [words.quoted(q) for q in shown["quote"]]
    dates = f"{', '.join(quoted)}{more}" if more else words.listed(quoted)
    source = f"Source: {credit}. Dates quoted from the article: {dates}."
    listing = "; ".join(f"{r.quote}{f' ({r.time})' if r.time else ''}: {r.event}" for r in shown.itertuples())
    alt = (
        f"Timeline of {n} dated events from {first.year} to {last.year}"
        + (f", with {window_label} enlarged below" if k else "")
        + (f"; {len(shown)} of them drawn" if len(shown) < n else "")
        + f". In date order: {listing}{more}."
    )
    return Chart(
        name="timeline",
        data=rows,
        title=title,
        caption=caption,
        source=source,
        alt=alt,
        plotly=_plotly(panels, title),
        matplotlib=_matplotlib(panels, title, f"{caption}\n{source}"),
    )


# --------------------------------------------------------------------------- the panels


class Panel:
    """One panel of the chart: its rows (at most MAX_LABELS), title, date axis and its range."""

    def __init__(self, rows: pd.DataFrame, title: str, axis: str, limits: tuple[dt.date, dt.date]) -> None:
        self.rows, self.title, self.axis, self.limits = rows, title, axis, limits
        self.height = 0.36 * len(rows) + 0.9  # inches in print, x 96 px on the page

    def mark(self, start: dt.date, end: dt.date) -> str:
        """ "dot" for a day, "square" for a span too short to see at this panel's scale, else "bar"."""
        if start == end:
            return "dot"
        shown = (self.limits[1] - self.limits[0]).days
        return "square" if (end - start).days + 1 < 0.006 * shown else "bar"

    def marks(self) -> pd.Series:
        return pd.Series([self.mark(s, e) for s, e in zip(self.rows["start"], self.rows["end"], strict=True)])


def _middle(start: dt.date, end: dt.date) -> dt.datetime:
    return dt.datetime.combine(start, dt.time()) + dt.timedelta(days=((end - start).days + 1) / 2)


#: Where the page expects a title: top left of the whole figure, 24 px a line (it re-wraps it).


def _plotly(panels: list[Panel], title: str) -> go.Figure:
    gap = 95 if len(panels) > 1 else 0
    body = sum(p.height for p in panels) * 96
    figure = make_subplots(
        rows=len(panels),
        cols=1,
        row_heights=[p.height for p in panels],
        vertical_spacing=gap / (body + gap) if gap else 0.0,
        subplot_titles=[theme.plotly_text(p.title) for p in panels],
    )
    for annotation in figure.layout.annotations:  # panel titles sit left, as in print
        annotation.update(x=0, xanchor="left", font={"size": theme.px(theme.PANEL_TITLE_SIZE)})
    in_legend: set[str] = set()
    for number, panel in enumerate(panels, start=1):
        rows = panel.rows.assign(
            mark=panel.marks(), y=[theme.plotly_text(label) for label in panel.rows["label"]]
        )
        # One trace per kind of date and mark: a dot or square is a marker, a span a bar from its start.
        for (legend, mark), group in rows.groupby(["legend", "mark"], sort=False):
            common = {
                "y": list(group["y"]),
                "name": legend,
                "legendgroup": legend,
                "showlegend": legend not in in_legend,
                "hovertext": [theme.plotly_text(h) for h in group["hover"]],
                "hoverinfo": "text",
                "uid": f"timeline-{number}-{legend}-{mark}",
            }
            in_legend.add(legend)
            colour = group["colour"].iloc[0]
            if mark == "bar":
                trace = go.Bar(
                    x=[
                        ((e - s).days + 1) * 86_400_000
                        for s, e in zip(group["start"], group["end"], strict=True)
                    ],
                    base=[s.isoformat() for s in group["start"]],
                    orientation="h",
                    width=0.5,
                    marker={"color": colour, "line": {"width": 0}},
                    **common,
                )
            else:
                trace = go.Scatter(
                    x=[_middle(s, e).isoformat() for s, e in zip(group["start"], group["end"], strict=True)],
                    mode="markers",
                    marker={"color": colour, "size": 10, "symbol": "circle" if mark == "dot" else "square"},
                    **common,
                )
            figure.add_trace(trace, row=number, col=1)
        figure.update_xaxes(
            type="date",
            title={"text": panel.axis},
            range=[panel.limits[0].isoformat(), panel.limits[1].isoformat()],
            showgrid=True,
            row=number,
            col=1,
        )
        figure.update_yaxes(
            type="category",
            categoryorder="array",
            categoryarray=list(rows["y"]),
            autorange="reversed",
            ticks="",
            showline=False,
            tickfont={"size": theme.px(theme.ANNOTATION_SIZE)},
            row=number,
            col=1,
        )
    wrapped = theme.wrap(title)
    lines = wrapped.count("\n") + 1
    top = 24 + 24 * lines + 30 + 22  # the title (re-wrapped by the page at 24 px a line), legend, panel title
    height = int(body + gap + top + 62)
    longest = max(len(line) for p in panels for label in p.rows["label"] for line in label.split("\n"))
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
    )
    return figure


def _matplotlib(panels: list[Panel], title: str, footer: str) -> Figure:
    wrapped, footer = theme.wrap(title), theme.wrap(footer, theme.CAPTION_CHARS)
    text_height = 0.22 * (wrapped.count("\n") + 1) + 0.15 * (footer.count("\n") + 1) + 0.7
    keys: dict[str, object] = {}  # legend entries, in order of appearance
    with theme.matplotlib_context():
        figure, axes = plt.subplots(
            len(panels),
            1,
            figsize=(theme.FIGURE_WIDTH, sum(p.height for p in panels) + text_height),
            height_ratios=[p.height for p in panels],
            layout="constrained",
            squeeze=False,
        )
        for ax, panel in zip(axes[:, 0], panels, strict=True):
            for i, (r, mark) in enumerate(zip(panel.rows.itertuples(), panel.marks(), strict=True)):
                if mark == "bar":
                    left = mdates.date2num(r.start)
                    ax.barh(
                        i,
                        mdates.date2num(r.end + dt.timedelta(days=1)) - left,
                        left=left,
                        height=0.5,
                        color=r.colour,
                    )
                    keys.setdefault(r.legend, Patch(color=r.colour))
                else:
                    symbol = "o" if mark == "dot" else "s"
                    ax.plot(mdates.date2num(_middle(r.start, r.end)), i, symbol, markersize=7, color=r.colour)
                    keys.setdefault(r.legend, Line2D([], [], marker=symbol, color=r.colour, linestyle="none"))
            ax.set_yticks(range(len(panel.rows)), list(panel.rows["label"]), fontsize=theme.ANNOTATION_SIZE)
            ax.set_ylim(len(panel.rows) - 0.5, -0.5)
            ax.tick_params(axis="y", length=0)
            ax.set_xlim(mdates.date2num(panel.limits[0]), mdates.date2num(panel.limits[1]))
            locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
            ax.set_xlabel(panel.axis)
            ax.set_title(panel.title, pad=8)
            ax.grid(True, axis="x")
        figure.suptitle(wrapped, x=0.01, ha="left", fontsize=theme.TITLE_SIZE, fontweight="bold")
        # The key under the first panel's title (the constrained layout makes room for both).
        axes[0, 0].set_title(panels[0].title, pad=24)
        axes[0, 0].legend(
            list(keys.values()), list(keys), loc="lower left", bbox_to_anchor=(0, 1), ncols=min(4, len(keys))
        )
        # The caption and source line under the chart: the constrained layout makes room for it.
        figure.supxlabel(footer, x=0.01, ha="left", multialignment="left", fontsize=theme.CAPTION_SIZE)
        for text in figure.findobj(Text):
            text.set_parse_math(False)  # "$" in the article's words is a dollar sign
    plt.close(figure)
    return figure
