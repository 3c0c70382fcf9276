"""Chart: the largest quantities of one kind that an article states, one bar each.

Its data (the rows it draws, also in the quantities table), its words (a title that states
what the bars show, a caption, the source, the alt text) and its two figures: plotly for the
page, matplotlib for print. Only stated numbers get a bar: a vague amount ("many thousands")
has no length of its own, so it is named in the caption instead of drawn.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure

from spillover import theme
from spillover.charts import Chart

TOP = 12  # bars a reader can compare at a glance; the caption says how many more there are
LABEL_CHARS = 48

# How each kind of quantity is spoken of in titles, and the unit words on its axis.
NOUNS = {
    "people": "counts of people",
    "other counts": "other counts",
    "money": "sums of money",
    "shares": "shares",
    "lengths": "lengths",
    "areas": "areas",
    "durations": "durations",
    "masses": "masses",
    "volumes": "volumes",
    "speeds": "speeds",
    "temperatures": "temperatures",
    "power": "amounts of power",
    "energy": "amounts of energy",
    "ranks": "ranks",
    "multiples": "multiples",
}
UNIT_WORDS = {
    "": "number",
    "percent": "percent",
    "percentage_point": "percentage points",
    "kilometer": "km",
    "square_kilometer": "km²",
    "metric_ton": "tonnes",
    "liter": "litres",
    "kilometer_per_hour": "km/h",
    "degree_Celsius": "°C",
    "degree": "degrees (scale not stated)",
    "megawatt": "MW",
    "gigawatt_hour": "GWh",
    "USD": "US dollars",
    "EUR": "euros",
    "GBP": "pounds sterling",
}


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.2g}"


def _label(row: pd.Series) -> str:
    label = f"{row['quote']}: {row['counted']}" if row["counted"] else str(row["quote"])
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def chart_data(quantities: pd.DataFrame, measure: str, unit: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the rows drawn: stated numbers of one measure and unit, largest first, at most TOP;
    the rows of that measure not drawn because the article gives no number)."""
    rows = quantities[(quantities["measure"] == measure) & (quantities["unit"].fillna("") == unit)]
    stated = rows[rows["value"].notna()].sort_values("value", ascending=False, kind="stable")
    drawn = stated.head(TOP).assign(label=lambda frame: frame.apply(_label, axis=1))
    return drawn.reset_index(drop=True), rows[rows["value"].isna()]


def build(quantities: pd.DataFrame, measure: str, unit: str, credit: str) -> Chart:
    """The chart of one kind of quantity of an article."""
    drawn, vague = chart_data(quantities, measure, unit)
    stated = int(quantities[(quantities["measure"] == measure) & quantities["value"].notna()].shape[0])
    noun, unit_words = NOUNS.get(measure, measure), UNIT_WORDS.get(unit, unit.replace("_", " "))
    top = drawn.iloc[0]
    counted = f" ({top['counted']})" if top["counted"] else ""
    title = f"The largest of the {len(drawn)} {noun} the article states is “{top['quote']}”{counted}"
    notes = []
    if stated > len(drawn):
        notes.append(f"the {len(drawn)} largest of {stated} are drawn")
    if len(vague):
        quoted = ", ".join(f"“{q}”" for q in vague["quote"])
        notes.append(f"not drawn, since the article gives no number: {quoted}")
    caption = (
        f"Each bar is one figure of the article, labelled with its words and what it counts "
        f"(inferred from the words after it). {'; '.join(notes).capitalize() + '.' if notes else ''}"
    ).strip()
    alt = f"Bar chart of {len(drawn)} {noun} from the article: " + "; ".join(
        f"{row.label} = {_number(row.value)}" for row in drawn.itertuples()
    )
    name = f"quantities-{measure.replace(' ', '-')}" + (f"-{unit}" if unit else "")
    axis = f"{unit_words} as stated" if unit else f"{noun}, as stated"
    return Chart(
        name=name.replace("_", "-"),
        data=drawn,
        title=title,
        caption=caption,
        source=f"Source: {credit}",
        alt=alt,
        plotly=_plotly(drawn, title, axis),
        matplotlib=_matplotlib(drawn, title, axis, credit),
    )


def _plotly(drawn: pd.DataFrame, title: str, axis: str) -> go.Figure:
    figure = go.Figure(
        go.Bar(
            x=drawn["value"],
            y=drawn["label"],
            orientation="h",
            marker_color=theme.BLUE,
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    figure.update_layout(
        template=theme.plotly_template(),
        title={"text": title},
        height=120 + 28 * len(drawn),
        margin={"l": 10, "r": 20, "t": 70, "b": 50},
        xaxis={"title": {"text": axis}, "rangemode": "tozero"},
        yaxis={"autorange": "reversed"},
    )
    return figure


def _matplotlib(drawn: pd.DataFrame, title: str, axis: str, credit: str) -> Figure:
    with theme.matplotlib_context():
        figure, ax = plt.subplots(figsize=(theme.FIGURE_WIDTH, 1.6 + 0.32 * len(drawn)))
        ax.barh(drawn["label"], drawn["value"], color=theme.BLUE)
        ax.invert_yaxis()
        ax.set_xlabel(axis)
        ax.set_title(title, loc="left", wrap=True)
        ax.xaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
        figure.text(0.01, 0.01, f"Source: {credit}", fontsize=theme.CAPTION_SIZE, color=theme.MUTED)
        figure.tight_layout(rect=(0, 0.05, 1, 1))
    plt.close(figure)
    return figure
