"""Chart: who crossed a border, according to the article, and what became of them.

Its data (one row per group the article counts: how many, into where, what became of them),
its words (a title that adds up the crossings and their fates, a caption, the source, the alt
text) and its two figures: plotly for the page, matplotlib for print. Each figure has two
panels: a flow diagram (group -> destination -> fate, band widths in people) and the groups
as bars on one linear scale from zero. A projection ("many thousands may come") is drawn apart
from a crossing: hatched, or fainter where plotly cannot hatch. An amount in words only gets
no band and no bar length; the caption names it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path
from matplotlib.text import Text
from plotly.subplots import make_subplots

from spillover import theme
from spillover.charts import Chart, words
from spillover.errors import InputError

COLUMNS = ["group", "people", "destination", "status", "outcome", "quote", "attributed_to"]
GROUP_COLOURS = {"soldiers": theme.ORANGE, "civilians": theme.BLUE, "refugees": theme.REDDISH_PURPLE}
NOT_STATED = "not stated"


def _colours(groups: list[str]) -> dict[str, str]:
    """A colour for each group: soldiers, civilians and refugees their own, others from the palette."""
    spare = [c for c in theme.PALETTE if c not in GROUP_COLOURS.values() and c != theme.HIGHLIGHT]
    others = [g for g in dict.fromkeys(groups) if g not in GROUP_COLOURS]
    return {**GROUP_COLOURS, **{g: spare[i % len(spare)] for i, g in enumerate(others)}}


def chart_data(flows: pd.DataFrame) -> pd.DataFrame:
    """One row per group the article counts, in its order: the table's words with the blanks
    named, people (0 for an amount in words only), stated (the article gives a number),
    projected (the article says they may come, or gives no number) and label (the bar's)."""
    missing = [c for c in COLUMNS if c not in flows.columns]
    if missing:
        raise InputError(f"refugee_flows table lacks column(s) {', '.join(missing)}")
    if flows.empty:
        raise InputError("refugee_flows: no rows to chart")
    rows = pd.DataFrame(
        {
            "group": [words.text(g) or "people" for g in flows["group"]],
            "people": flows["people"].astype(float).fillna(0.0).to_numpy(),
            "stated": flows["people"].notna().to_numpy(),
            "projected": (flows["status"].fillna("") == "projected").to_numpy()
            | flows["people"].isna().to_numpy(),
            "destination": [words.text(d) or NOT_STATED for d in flows["destination"]],
            "outcome": [words.text(o) or NOT_STATED for o in flows["outcome"]],
            "quote": [words.text(q) for q in flows["quote"]],
            "attributed_to": [words.text(a) for a in flows["attributed_to"]],
        }
    )
    labels = [
        words.capital(g) + (" (projection)" if p else "")
        for g, p in zip(rows["group"], rows["projected"], strict=True)
    ]
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):  # plotly merges equal category labels: number repeats
        seen[label] = seen.get(label, 0) + 1
        labels[i] = label if seen[label] == 1 else f"{label} ({seen[label]})"
    rows["label"] = labels
    return rows


def _title(rows: pd.DataFrame) -> str:
    """What the reported crossings add up to: how many, into where, and what became of them."""
    reported = rows[~rows["projected"]]
    if reported.empty:
        return "The article reports no one crossing yet; it only projects refugees"
    fates = reported[reported["outcome"] != NOT_STATED].groupby("outcome", sort=False)["people"].sum()
    clauses = [f"{words.count(n)} were {outcome}" for outcome, n in fates.items()]
    unknown = reported.loc[reported["outcome"] == NOT_STATED, "people"].sum()
    if unknown:
        clauses.append(f"the fate of {words.count(unknown)} is not stated")
    destinations = sorted(set(reported["destination"]))
    fled = words.count(reported["people"].sum())
    return f"Of {fled} people who fled into {words.listed(destinations)}, {words.listed(clauses)}"


def build(flows: pd.DataFrame, *, credit: str) -> Chart:
    """The chart of the refugee_flows table."""
    rows = chart_data(flows)
    title = _title(rows)
    origins = [o for o in dict.fromkeys(words.text(o) for o in flows.get("origin", [])) if o]
    origin = words.listed(origins) or "across the border"
    notes = ""
    if (rows["projected"] & rows["stated"]).any():
        who = [
            f"{words.quoted(r.quote)} {r.group}"
            for r in rows[rows["projected"] & rows["stated"]].itertuples()
        ]
        notes += f" Hatched: {words.listed(who)} who may come, a projection."
    if (~rows["stated"]).any():
        who = [f"{words.quoted(r.quote)} {r.group}" for r in rows[~rows["stated"]].itertuples()]
        notes += f" Not drawn: {words.listed(who)}, since the article gives no number, only words."
    caption = (
        f"Top: who crossed from {origin} and what became of them, as the article tells it; band "
        "widths are numbers of people. Bottom: the same groups on one linear scale from zero." + notes
    )
    quotes = "; ".join(
        f"{words.quoted(r.quote)} \u2013 {r.attributed_to}" if r.attributed_to else words.quoted(r.quote)
        for r in rows.itertuples()
    )
    source = f"Source: {credit}. Quotes: {quotes}."
    story = []
    for r in rows.itertuples():
        verb = "may cross" if r.projected else "crossed"
        fate = "what became of them is not stated" if r.outcome == NOT_STATED else r.outcome
        undrawn = "" if r.stated else " (no number given, not drawn)"
        story.append(f"{words.capital(r.quote)} {r.group}{undrawn} {verb} into {r.destination}: {fate}")
    alt = "Flow diagram and bar chart. " + ". ".join(story) + "."
    colours = _colours(list(rows["group"]))
    panel = f"From {origin}: who crossed, where to, what became of them"
    return Chart(
        name="refugee_flows",
        data=rows,
        title=title,
        caption=caption,
        source=source,
        alt=alt,
        plotly=_plotly(rows, colours, title, panel),
        matplotlib=_matplotlib(rows, colours, title, panel, f"{caption}\n{source}"),
    )


# --------------------------------------------------------------------------- the flow diagram's parts

X_TITLE = "People (count)"
BARS_TITLE = "The groups compared"
#: Where the page expects a title: top left of the whole figure, 24 px a line (it re-wraps it).


def flow_links(rows: pd.DataFrame, colours: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the nodes: label, stage 0-2 (group, destination, fate), colour; the links: source,
    target, people, colour, projected, hover), for the groups with a number."""
    nodes: dict[tuple[str, int], str] = {}  # (label, stage) -> colour, in order of appearance
    links = []
    for r in rows[rows["stated"]].itertuples():
        kind = " (a projection)" if r.projected else ""
        group = (f"{words.capital(r.group)}: {words.quoted(r.quote)}{kind}", 0)
        path = [group, (f"into {r.destination}", 1), (words.capital(r.outcome), 2)]
        nodes.setdefault(group, colours[r.group])
        for node in path[1:]:
            nodes.setdefault(node, theme.MUTED)
        hover = (
            f"{words.capital(r.group)}: {words.quoted(r.quote)}{kind}\ninto {r.destination}\n"
            f"what became of them: {r.outcome}\nsource: {r.attributed_to or 'the article'}"
        )
        for a, b in zip(path, path[1:], strict=False):
            links.append((a, b, r.people, colours[r.group], r.projected, hover))
    index = {node: i for i, node in enumerate(nodes)}
    node_table = pd.DataFrame(
        [(label, stage, colour) for (label, stage), colour in nodes.items()],
        columns=["label", "stage", "colour"],
    )
    link_table = pd.DataFrame(
        [
            (index[a], index[b], people, colour, projected, hover)
            for a, b, people, colour, projected, hover in links
        ],
        columns=["source", "target", "people", "colour", "projected", "hover"],
    )
    return node_table, link_table


# --------------------------------------------------------------------------- plotly


def _plotly(rows: pd.DataFrame, colours: dict[str, str], title: str, panel: str) -> go.Figure:
    nodes, links = flow_links(rows, colours)
    has_flow = not links.empty
    heights = ([2.6] if has_flow else []) + [0.42 * len(rows) + 0.8]  # inches, as the static figure
    figure = make_subplots(
        rows=len(heights),
        cols=1,
        specs=([[{"type": "domain"}]] if has_flow else []) + [[{"type": "xy"}]],
        row_heights=heights,
        vertical_spacing=95 / (96 * sum(heights) + 95) if has_flow else 0.0,
        subplot_titles=([theme.plotly_text(panel)] if has_flow else []) + [BARS_TITLE],
    )
    for annotation in figure.layout.annotations:  # panel titles sit left, as in print
        annotation.update(x=0, xanchor="left", font={"size": theme.px(theme.PANEL_TITLE_SIZE)})
    if has_flow:
        figure.add_trace(
            go.Sankey(
                node={
                    "label": [theme.plotly_text(theme.wrap(label, 34)) for label in nodes["label"]],
                    "color": list(nodes["colour"]),
                    "pad": 18,
                    "thickness": 14,
                    "line": {"width": 0},
                    "hovertemplate": "%{label}<extra></extra>",
                },
                link={
                    "source": list(links["source"]),
                    "target": list(links["target"]),
                    "value": list(links["people"]),
                    # plotly cannot hatch a band: a projection is fainter, and says so on hover
                    "color": [
                        theme.with_alpha(c, 0.18 if p else 0.5)
                        for c, p in zip(links["colour"], links["projected"], strict=True)
                    ],
                    "customdata": [theme.plotly_text(h) for h in links["hover"]],
                    "hovertemplate": "%{customdata}<extra></extra>",
                },
                textfont={"size": theme.px(theme.ANNOTATION_SIZE), "color": theme.INK},
                uid="refugee_flows-flow",
            ),
            row=1,
            col=1,
        )
    labels = [theme.plotly_text(label) for label in rows["label"]]
    bar_colours = [colours[g] for g in rows["group"]]
    figure.add_trace(
        go.Bar(
            x=rows["people"],
            y=labels,
            orientation="h",
            width=0.64,
            marker={
                "color": bar_colours,
                "line": {"color": bar_colours, "width": [1.5 if p else 0 for p in rows["projected"]]},
                "pattern": {
                    "shape": ["/" if p else "" for p in rows["projected"]],
                    "fgcolor": bar_colours,
                    "bgcolor": theme.PAPER,
                    "fillmode": "replace",
                    "solidity": 0.4,
                    "size": 8,
                },
            },
            text=[
                words.count(r.people) if r.stated else theme.plotly_text(f"{r.quote} (no number)")
                for r in rows.itertuples()
            ],
            textposition="outside",
            cliponaxis=False,
            textfont={"size": theme.px(theme.TICK_SIZE), "color": theme.INK},
            hovertext=[
                theme.plotly_text(f"{words.capital(r.group)}: {words.quoted(r.quote)}\n{r.attributed_to}")
                for r in rows.itertuples()
            ],
            hoverinfo="text",
            uid="refugee_flows-bars",
        ),
        row=len(heights),
        col=1,
    )
    figure.update_xaxes(
        title={"text": X_TITLE},
        range=[0, rows["people"].max() * 1.3 or 1.0],
        tickformat=",",
        showgrid=True,
        row=len(heights),
        col=1,
    )
    figure.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=labels,
        autorange="reversed",
        ticks="",
        showline=False,
        row=len(heights),
        col=1,
    )
    wrapped = theme.wrap(title)
    top = 24 + 24 * (wrapped.count("\n") + 1) + 22  # the title, and the first panel's title
    figure.update_layout(
        template=theme.plotly_template(),
        title={"text": f"<b>{theme.plotly_text(wrapped)}</b>", **theme.TITLE_PLACE},
        height=int(96 * sum(heights) + (95 if has_flow else 0) + top + 62),
        margin={"l": 10, "r": 30, "t": top, "b": 62},
        showlegend=False,
    )
    return figure


# --------------------------------------------------------------------------- matplotlib


def _hatched(colour: str) -> dict[str, object]:
    return {
        "facecolor": theme.PAPER,
        "edgecolor": colour,
        "hatch": "////",
        "hatchcolor": colour,
        "linewidth": 1.2,
    }


def _flow_layout(nodes: pd.DataFrame, links: pd.DataFrame, gap: float = 0.06) -> pd.DataFrame:
    """Each node's x (0-1, by stage), top and height (0 top - 1 bottom): a column per stage, the
    nodes of a column stacked in order, centred, heights in proportion to the people through them."""
    through = pd.concat(
        [links.groupby("source")["people"].sum(), links.groupby("target")["people"].sum()], axis=1
    ).max(axis=1)
    placed = nodes.assign(size=through.reindex(nodes.index).fillna(0.0))
    columns = placed.groupby("stage")
    scale = min((1 - gap * (len(c) - 1)) / c["size"].sum() for _, c in columns)
    placed["height"] = placed["size"] * scale
    placed["x"] = placed["stage"] / max(placed["stage"].max(), 1)
    for _, column in columns:
        total = column["size"].sum() * scale + gap * (len(column) - 1)
        tops = (1 - total) / 2 + (placed.loc[column.index, "height"] + gap).cumsum().shift(fill_value=0.0)
        placed.loc[column.index, "top"] = tops
    return placed


def _draw_flows(ax, nodes: pd.DataFrame, links: pd.DataFrame) -> None:  # noqa: ANN001
    """Bands from node to node, each as wide as the people it carries, on an axes of 0-1 x 0-1."""
    placed = _flow_layout(nodes, links)
    left, right, node_width = 0.02, 0.70, 0.012
    x = left + placed["x"] * (right - left)
    out_at, in_at = placed["top"].copy(), placed["top"].copy()  # where the next band leaves, arrives
    out_total, in_total = links.groupby("source")["people"].sum(), links.groupby("target")["people"].sum()
    for link in links.itertuples():
        s, t = link.source, link.target
        h_s = placed.at[s, "height"] * link.people / out_total[s]
        h_t = placed.at[t, "height"] * link.people / in_total[t]
        xa, xb = x[s] + node_width, x[t]
        ya0, ya1, yb0, yb1 = 1 - out_at[s], 1 - out_at[s] - h_s, 1 - in_at[t], 1 - in_at[t] - h_t
        out_at[s] += h_s
        in_at[t] += h_t
        xm = (xa + xb) / 2  # a band is two cubic curves joined at its ends
        band = Path(
            [
                (xa, ya0),
                (xm, ya0),
                (xm, yb0),
                (xb, yb0),
                (xb, yb1),
                (xm, yb1),
                (xm, ya1),
                (xa, ya1),
                (xa, ya0),
            ],
            [Path.MOVETO, *[Path.CURVE4] * 3, Path.LINETO, *[Path.CURVE4] * 3, Path.CLOSEPOLY],
        )
        if link.projected:
            ax.add_patch(PathPatch(band, **_hatched(link.colour), linestyle="--", alpha=0.9))
        else:
            ax.add_patch(PathPatch(band, facecolor=link.colour, edgecolor="none", alpha=0.45))
    last = placed["stage"].max()
    for i, node in placed.iterrows():
        ax.add_patch(
            Rectangle(
                (x[i], 1 - node["top"] - node["height"]), node_width, node["height"], color=node["colour"]
            )
        )
        ax.text(
            x[i] + node_width * 1.8,
            1 - node["top"] - node["height"] / 2,
            theme.wrap(node["label"], 30 if node["stage"] == last else 24),
            ha="left",
            va="center",
            fontsize=theme.ANNOTATION_SIZE,
            bbox={"facecolor": theme.PAPER, "alpha": 0.75, "edgecolor": "none", "pad": 1.0},
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_axis_off()


def _matplotlib(rows: pd.DataFrame, colours: dict[str, str], title: str, panel: str, footer: str) -> Figure:
    nodes, links = flow_links(rows, colours)
    wrapped, footer = theme.wrap(title), theme.wrap(footer, theme.CAPTION_CHARS)
    heights = ([2.6] if not links.empty else []) + [0.42 * len(rows) + 0.8]
    text_height = 0.22 * (wrapped.count("\n") + 1) + 0.15 * (footer.count("\n") + 1) + 0.5
    with theme.matplotlib_context():
        figure, axes = plt.subplots(
            len(heights),
            1,
            figsize=(theme.FIGURE_WIDTH, sum(heights) + text_height),
            height_ratios=heights,
            layout="constrained",
            squeeze=False,
        )
        if not links.empty:
            _draw_flows(axes[0, 0], nodes, links)
            axes[0, 0].set_title(panel, pad=8)
        ax = axes[-1, 0]
        for i, r in enumerate(rows.itertuples()):
            colour = colours[r.group]
            style = _hatched(colour) if r.projected else {"color": colour}
            ax.barh(i, r.people, height=0.64, **style)
            ax.text(
                r.people + rows["people"].max() * 0.012,
                i,
                words.count(r.people) if r.stated else f"{r.quote} (no number)",
                va="center",
                fontsize=theme.TICK_SIZE,
            )
        ax.set_yticks(range(len(rows)), list(rows["label"]))
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(0, rows["people"].max() * 1.3 or 1.0)
        ax.set_xlabel(X_TITLE)
        ax.set_title(BARS_TITLE, pad=8)
        ax.tick_params(axis="y", length=0)
        ax.grid(True, axis="x")
        ax.xaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
        figure.suptitle(wrapped, x=0.01, ha="left", fontsize=theme.TITLE_SIZE, fontweight="bold")
        # The caption and source line under the chart: the constrained layout makes room for it.
        figure.supxlabel(footer, x=0.01, ha="left", multialignment="left", fontsize=theme.CAPTION_SIZE)
        for text in figure.findobj(Text):
            text.set_parse_math(False)  # "$" in the article's words is a dollar sign
    plt.close(figure)
    return figure
