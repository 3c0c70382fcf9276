"""Charts: one spec, two renderers, on small hand-built tables.

Every chart function must return a matplotlib Figure and a plotly Figure, with a title that
states the finding computed from the data, axis labels with units, alt text, palette colours,
escaped article text in plotly, and static files that come out byte for byte the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
import pytest
import shapely
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.text import Text

from spillover import chart_spec as charts
from spillover import theme
from spillover.errors import InputError

INJECTION = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
BACKENDS = ("matplotlib", "plotly")

# --------------------------------------------------------------------------- hand-built tables


def mentions_table(counts: dict[str, int] | None = None) -> pd.DataFrame:
    counts = counts or {"count": 4, "year": 2, "length": 2, "percent": 1}
    rows = [{"text": f"{kind} {i}", "kind": kind} for kind, n in counts.items() for i in range(n)]
    return pd.DataFrame(rows)


def refugee_table(
    soldiers: float = 1500, civilians: float = 1000, outcome: str = "not stated"
) -> pd.DataFrame:
    base = {"origin": "Afghanistan", "date": "", "date_precision": "", "start": 0, "end": 1}
    return pd.DataFrame(
        [
            {
                **base,
                "figure_id": "a",
                "group": "soldiers",
                "people": soldiers,
                "people_low": soldiers,
                "people_high": soldiers,
                "qualifier": "",
                "destination": "Tajikistan",
                "status": "reported",
                "outcome": "flown back to Kabul",
                "attributed_to": "the BBC",
                "quote": f"{soldiers:,.0f}",
            },
            {
                **base,
                "figure_id": "b",
                "group": "civilians",
                "people": civilians,
                "people_low": civilians,
                "people_high": civilians,
                "qualifier": "another",
                "destination": "Tajikistan",
                "status": "reported",
                "outcome": outcome,
                "attributed_to": "",
                "quote": f"Another {civilians:,.0f}",
            },
            {
                **base,
                "figure_id": "c",
                "group": "refugees",
                "people": float("nan"),
                "people_low": 2000.0,
                "people_high": 999999.0,
                "qualifier": "many",
                "destination": "Tajikistan and other neighbouring countries",
                "status": "projected",
                "outcome": "may seek refuge",
                "attributed_to": "commentators",
                "quote": "many thousands",
            },
        ]
    )


def troop_table(reservists: float = 20000, force: str = "Tajik reservists") -> pd.DataFrame:
    rows = [
        ("Afghan soldiers", "Afghanistan", "fled", 1500.0),
        (force, "Tajikistan", "mobilised", reservists),
        ("Russian base", "Russia", "stationed", 7000.0),
    ]
    return pd.DataFrame(
        [
            {
                "figure_id": f"t{i}",
                "force": name,
                "country": country,
                "location": "Tajikistan",
                "status": status,
                "people": people,
                "people_low": people,
                "people_high": people,
                "qualifier": "",
                "attributed_to": "",
                "quote": f"{people:,.0f}",
            }
            for i, (name, country, status, people) in enumerate(rows)
        ]
    )


def border_table(mi: float = 804.0, extra: list[dict] | None = None) -> pd.DataFrame:
    border = "Afghanistan\u2013Tajikistan"
    rows = [
        {
            "border": border,
            "source": "article",
            "stated_length": 1357.0,
            "stated_unit": "kilometer",
            "length_km": 1357.0,
            "quote": "1,357 kilometers",
        },
        {
            "border": border,
            "source": "article",
            "stated_length": mi,
            "stated_unit": "mile",
            "length_km": mi * 1.609344,
            "quote": f"{mi:g} miles",
        },
    ]
    return pd.DataFrame(rows + (extra or []))


def reference_rows(ne_10m: float = 1172.0) -> list[dict]:
    border = "Afghanistan\u2013Tajikistan"
    return [
        {"border": border, "source": "World Factbook 2021-07-01", "length_km": 1357.0},
        {"border": border, "source": "Natural Earth 1:110m", "length_km": 940.0},
        {"border": border, "source": "Natural Earth 1:50m", "length_km": 1037.0},
        {"border": border, "source": "Natural Earth 1:10m", "length_km": ne_10m},
        {"border": "Afghanistan\u2013Iran", "source": "Natural Earth 1:10m", "length_km": 867.0},
    ]


def factbook_borders(tajik: float = 1357.0) -> pd.DataFrame:
    partners = {"China": 91, "Iran": 921, "Pakistan": 2670, "Tajikistan": tajik, "Turkmenistan": 804}
    rows = [
        {"country": "Afghanistan", "field": "land_boundary_km", "qualifier": p, "value": float(v)}
        for p, v in partners.items()
    ]
    rows.append({"country": "Iran", "field": "land_boundary_km", "qualifier": "Iraq", "value": 1599.0})
    return pd.DataFrame(rows)


def measured_table(fine: float = 1172.0) -> pd.DataFrame:
    rows = []
    for border, lengths in {
        "Afghanistan\u2013Tajikistan": (940.0, 1037.0, fine),
        "Afghanistan\u2013Iran": (788.0, 845.0, 867.0),
    }.items():
        for (scale, denominator), length in zip(
            (("110m", 110_000_000), ("50m", 50_000_000), ("10m", 10_000_000)), lengths, strict=True
        ):
            a, b = border.split("\u2013")
            rows.append(
                {
                    "border": border,
                    "country_a": a,
                    "country_b": b,
                    "scale": scale,
                    "scale_denominator": denominator,
                    "length_km": length,
                    "source": f"Natural Earth test, countries-{scale}.json",
                    "method": "test",
                }
            )
    return pd.DataFrame(rows)


def timeline_table(event: str = "The Soviet Union is dissolved") -> pd.DataFrame:
    rows = [
        ("1990", "decade", "1990-01-01", "1999-12-31", "US support in the 1990s", "the 1990s", ""),
        ("1991", "year", "1991-01-01", "1991-12-31", event, "1991", ""),
        ("2021-05", "month", "2021-05-01", "2021-05-31", "A newspaper report", "In May", ""),
        ("2021-W27", "week", "2021-07-05", "2021-07-11", "Further advances", "last week", "week of 5 July"),
        ("2021-07-13", "day", "2021-07-13", "2021-07-13", "The article is published", "13 July 2021", ""),
    ]
    frame = pd.DataFrame(
        rows, columns=["date", "date_precision", "date_start", "date_end", "event", "quote", "date_note"]
    )
    frame["figure_id"] = ["a", "b", "c", "d", "publication_date"]
    return frame


def figures_table(territory: float = 85.0) -> pd.DataFrame:
    rows = [
        (
            "economy_society",
            "share of the population lacking clean water",
            "Tajikistan",
            0.5,
            float("nan"),
            0.5,
            "fraction",
            "almost",
            "Almost half",
            "",
        ),
        (
            "economy_society",
            "share of GDP that comes from remittances",
            "Tajikistan's GDP",
            1 / 3,
            1 / 3,
            1 / 3,
            "fraction",
            "",
            "a third",
            "",
        ),
        (
            "territorial_control",
            "share of territory the Taliban claim",
            "Taliban",
            territory,
            territory,
            territory,
            "percent",
            "",
            f"{territory:g} percent",
            "the Taliban",
        ),
        ("refugee_flows", "people who fled", "soldiers", 1500.0, 1500.0, 1500.0, "people", "", "1,500", ""),
    ]
    columns = [
        "category",
        "measure",
        "subject",
        "value",
        "low",
        "high",
        "unit",
        "qualifier",
        "quote",
        "attributed_to",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["start"] = range(len(frame))
    return frame


REGION = ("Afghanistan", "Tajikistan")  # the two countries of the test outlines' border


def outlines_table() -> gpd.GeoDataFrame:
    afghanistan = shapely.Polygon(
        [(61, 30), (71, 30), (71, 37), (61, 37)], holes=[[(63, 32), (64, 32), (64, 33), (63, 33)]]
    )
    tajikistan = shapely.MultiPolygon(
        [
            shapely.Polygon([(67, 37), (75, 37), (75, 40), (67, 40)]),
            shapely.Polygon([(69, 40.5), (70, 40.5), (70, 41), (69, 41)]),
        ]
    )
    uzbekistan = shapely.Polygon([(56, 37), (67, 37), (67, 45), (56, 45)])
    return gpd.GeoDataFrame(
        {
            "name": ["Afghanistan", "Tajikistan", "Uzbekistan"],
            "geometry": [afghanistan, tajikistan, uzbekistan],
        },
        crs="EPSG:4326",
    )


def border_line(east: float = 71.0) -> shapely.LineString:
    return shapely.LineString([(67, 37), (69, 37), (east, 37)])


def places_table(name: str = "Kabul") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": [name, "Dushanbe", "Moscow"],
            "latitude": [34.5, 38.6, 55.75],
            "longitude": [69.2, 68.8, 37.6],
            "kind": ["capital"] * 3,
            "source": ["World Factbook 2021-07-01, af.json"] * 3,
        }
    )


# --------------------------------------------------------------------------- the chart catalogue

#: name -> (builder of the spec from default tables, unit that must appear in an axis label)
CHARTS: dict[str, tuple[Callable[[], charts.ChartSpec], str]] = {
    "mentions": (lambda: charts.mentions_spec(mentions_table()), "(count)"),
    "refugee_flows": (lambda: charts.refugee_flows_spec(refugee_table()), "(count)"),
    "troops": (lambda: charts.troop_deployments_spec(troop_table()), "(people)"),
    "border_units": (lambda: charts.border_units_spec(border_table()), "(km)"),
    "border_sources": (
        lambda: charts.border_sources_spec(border_table(extra=reference_rows())),
        "(km)",
    ),
    "country_borders": (lambda: charts.country_borders_spec(factbook_borders()), "(km)"),
    "border_scale": (lambda: charts.border_scale_spec(measured_table(), reference=border_table()), "(km)"),
    "timeline": (lambda: charts.timeline_spec(timeline_table()), "Year"),
    "shares": (lambda: charts.shares_spec(figures_table()), "(%)"),
    "map": (
        lambda: charts.region_map_spec(outlines_table(), border_line(), places_table(), highlight=REGION),
        "(\u00b0 E)",
    ),
}

CHART_FUNCTIONS: dict[str, Callable[[str], object]] = {
    "mentions": lambda b: charts.mentions_chart(mentions_table(), backend=b),
    "refugee_flows": lambda b: charts.refugee_flows_chart(refugee_table(), backend=b),
    "troops": lambda b: charts.troop_deployments_chart(troop_table(), backend=b),
    "border_units": lambda b: charts.border_units_chart(border_table(), backend=b),
    "border_sources": lambda b: charts.border_sources_chart(
        border_table(extra=reference_rows()), "mi", backend=b
    ),
    "country_borders": lambda b: charts.country_borders_chart(factbook_borders(), "mi", backend=b),
    "border_scale": lambda b: charts.border_scale_chart(measured_table(), "mi", backend=b),
    "timeline": lambda b: charts.timeline_chart(timeline_table(), backend=b),
    "shares": lambda b: charts.shares_chart(figures_table(), backend=b),
    "map": lambda b: charts.region_map_chart(
        outlines_table(), border_line(), places_table(), backend=b, highlight=REGION
    ),
}


@pytest.fixture(params=sorted(CHARTS))
def spec(request: pytest.FixtureRequest) -> charts.ChartSpec:
    return CHARTS[request.param][0]()


def _json_strings(value: object) -> Iterator[str]:
    """Every string inside decoded JSON."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _axis_labels(fig: Figure | go.Figure) -> list[str]:
    if isinstance(fig, Figure):
        return [label for ax in fig.axes for label in (ax.get_xlabel(), ax.get_ylabel())]
    layout = fig.to_plotly_json()["layout"]
    return [
        str(value.get("title", {}).get("text", ""))
        for key, value in layout.items()
        if key.startswith(("xaxis", "yaxis")) and isinstance(value, dict)
    ]


def _mpl_mark_colours(fig: Figure) -> set[str]:
    """Colours of bars, bands and nodes (the data colour of a hatched bar is its edge)."""
    colours = set()
    for ax in fig.axes:
        for patch in ax.patches:
            if not isinstance(patch, Rectangle | PathPatch):
                continue
            face = to_hex(patch.get_facecolor(), keep_alpha=False).upper()
            edge = to_hex(patch.get_edgecolor(), keep_alpha=False).upper()
            colours.add(edge if face == theme.PAPER else face)
        for line in ax.get_lines():
            colours.add(to_hex(line.get_color()).upper())
        for collection in ax.collections:  # geopandas polygons and lines, scatter points
            faces = [to_hex(c, keep_alpha=False).upper() for c in collection.get_facecolor()]
            edges = [to_hex(c, keep_alpha=False).upper() for c in collection.get_edgecolor()]
            colours |= {c for c in faces if c != theme.PAPER} or set(edges)
    return colours


def _plotly_mark_colours(fig: go.Figure) -> set[str]:
    colours = set()
    for trace in fig.data:
        if trace.type == "sankey":
            colours |= {theme.base_colour(c) for c in trace.node.color}
            colours |= {theme.base_colour(c) for c in trace.link.color}
            continue
        marker = getattr(trace, "marker", None)
        if marker is not None and isinstance(marker.color, str):
            colours.add(theme.base_colour(marker.color))
        if trace.type == "scatter" and trace.fill == "toself" and trace.fillcolor != theme.PAPER:
            colours.add(theme.base_colour(trace.fillcolor))
    return colours


# --------------------------------------------------------------------------- every chart


def test_spec_has_every_text(spec: charts.ChartSpec) -> None:
    for key, text in spec.text.items():
        assert text.strip(), f"{spec.name}: empty {key}"
    assert "Source" not in spec.source[:7] and len(spec.alt) > 40


@pytest.mark.parametrize("name", sorted(CHART_FUNCTIONS))
@pytest.mark.parametrize("backend", BACKENDS)
def test_chart_functions_return_the_backend_figure(name: str, backend: str) -> None:
    fig = CHART_FUNCTIONS[name](backend)
    assert isinstance(fig, Figure if backend == "matplotlib" else go.Figure)
    words = charts.describe(fig)
    assert words["alt"] and words["title"] and words["caption"] and words["source"]


@pytest.mark.parametrize("name", sorted(CHARTS))
@pytest.mark.parametrize("backend", BACKENDS)
def test_axis_labels_carry_units(name: str, backend: str) -> None:
    build, unit = CHARTS[name]
    fig = charts.render(build(), backend)
    assert any(unit in label for label in _axis_labels(fig)), _axis_labels(fig)


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_colours_come_from_the_palette(name: str) -> None:
    spec = CHARTS[name][0]()
    static = _mpl_mark_colours(charts.to_matplotlib(spec))
    interactive = _plotly_mark_colours(charts.to_plotly(spec))
    assert static and interactive
    assert static <= theme.DATA_COLOURS, static - theme.DATA_COLOURS
    assert interactive <= theme.DATA_COLOURS, interactive - theme.DATA_COLOURS


def test_both_renderers_draw_the_same_words(spec: charts.ChartSpec) -> None:
    static, interactive = charts.to_matplotlib(spec), charts.to_plotly(spec)
    assert charts.describe(static) == charts.describe(interactive) == spec.text
    assert static.chart_spec is spec
    assert interactive.layout.meta["alt"]


def test_plotly_figures_need_no_network(spec: charts.ChartSpec) -> None:
    fig = charts.to_plotly(spec)
    assert {trace.type for trace in fig.data} <= {"bar", "scatter", "sankey"}
    text = fig.to_json()
    assert "http" not in text and "mathjax" not in text.lower()
    assert all(trace.uid for trace in fig.data)


def test_plotly_caption_is_optional() -> None:
    spec = charts.troop_deployments_spec(troop_table())
    without, with_caption = charts.to_plotly(spec), charts.to_plotly(spec, caption=True)
    assert not any("Source:" in (a.text or "") for a in without.layout.annotations)
    assert any("Source:" in (a.text or "") for a in with_caption.layout.annotations)


def test_matplotlib_treats_dollars_as_text() -> None:
    fig = charts.to_matplotlib(charts.troop_deployments_spec(troop_table(force="$x^2$ reservists")))
    texts = fig.findobj(Text)
    assert any("$x^2$ reservists" in t.get_text() for t in texts)
    assert not any(t.get_parse_math() or t.get_usetex() for t in texts)


def test_unknown_backend_and_units_are_refused() -> None:
    with pytest.raises(InputError, match="backend"):
        charts.render(charts.mentions_spec(mentions_table()), "svg")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="display unit"):
        charts.border_sources_spec(border_table(), "furlong")
    with pytest.raises(InputError, match="lacks column"):
        charts.troop_deployments_spec(pd.DataFrame({"force": ["x"]}))


# --------------------------------------------------------------------------- titles state findings


def test_mentions_title_names_the_commonest_kind() -> None:
    assert charts.mentions_spec(mentions_table()).title.startswith("Counts are the commonest")
    assert "4 of its 9" in charts.mentions_spec(mentions_table()).title
    title = charts.mentions_spec(mentions_table({"count": 1, "year": 5})).title
    assert title.startswith("Years are the commonest") and "5 of its 6" in title
    assert "tie" in charts.mentions_spec(mentions_table({"count": 2, "date": 2})).title


def test_refugee_title_counts_the_crossings() -> None:
    title = charts.refugee_flows_spec(refugee_table()).title
    assert "Of 2,500 people" in title and "1,500 were flown back to Kabul" in title
    assert "the fate of 1,000 is not stated" in title
    changed = charts.refugee_flows_spec(refugee_table(soldiers=300, civilians=700)).title
    assert "Of 1,000 people" in changed and "the fate of 700" in changed
    known = charts.refugee_flows_spec(refugee_table(outcome="sent home")).title
    assert "not stated" not in known and "sent home" in known


def test_refugee_amount_in_words_gets_no_bar() -> None:
    spec = charts.refugee_flows_spec(refugee_table())
    flows, bars = spec.panels[0].marks[0], spec.panels[1].marks[0]
    assert bars.values[2] == 0 and "(no number)" in bars.texts[2]  # "many thousands": no length
    assert not any("many thousands" in n for n in flows.nodes) and not any(flows.projected)
    assert "Not drawn" in spec.caption and "\u201cmany thousands\u201d" in spec.caption


def test_refugee_projection_is_drawn_apart() -> None:
    table = refugee_table()
    table.loc[2, ["people", "quote"]] = [5000.0, "5,000"]  # a projection the article puts a number on
    spec = charts.refugee_flows_spec(table)
    flows = spec.panels[0].marks[0]
    bars = spec.panels[1].marks[0]
    assert isinstance(flows, charts.Flows) and isinstance(bars, charts.Bars)
    assert bars.hatched == (False, False, True)
    assert bars.values[2] == 5000
    assert any(flows.projected) and not all(flows.projected)
    static = charts.to_matplotlib(spec)
    assert any(p.get_hatch() for p in static.axes[0].patches)  # hatched band
    assert any(p.get_hatch() for p in static.axes[1].patches)  # hatched bar
    interactive = charts.to_plotly(spec)
    assert any(t.type == "sankey" for t in interactive.data)
    assert any(t.type == "bar" and t.marker.pattern.shape == "/" for t in interactive.data)


def test_troop_title_and_axis() -> None:
    title = charts.troop_deployments_spec(troop_table()).title
    # forces in different roles (fled, stationed, mobilised) are listed, never set against each other
    assert "Tajik reservists (mobilised) 20,000" in title and "3 different roles" in title
    assert "to 1" not in title and "outnumber" not in title
    same_role = troop_table().assign(status="stationed")
    assert "13 to 1" in charts.troop_deployments_spec(same_role).title
    spec = charts.troop_deployments_spec(troop_table())
    static = charts.to_matplotlib(spec)
    assert static.axes[0].get_xlim()[0] == 0
    interactive = charts.to_plotly(spec)
    assert interactive.layout.xaxis.range[0] == 0 and interactive.layout.xaxis.type is None
    # one linear scale, coloured by status
    bars = spec.panels[0].marks[0]
    assert dict(zip(bars.legend, bars.colours, strict=True)) == {
        "mobilised": theme.BLUISH_GREEN,
        "stationed": theme.BLUE,
        "fled": theme.ORANGE,
    }


def test_border_units_title_compares_the_two_statements() -> None:
    title = charts.border_units_spec(border_table()).title
    assert "1,357 km is 843 mi, not 804 mi" in title and "4.6%" in title
    assert "agree" in charts.border_units_spec(border_table(mi=843.2)).title
    spec = charts.border_units_spec(border_table())
    km, mi = spec.panels
    assert "(km)" in km.x.label and "(mi)" in mi.x.label
    assert km.marks[0].values[0] == pytest.approx(1357) and mi.marks[0].values[1] == pytest.approx(804)
    assert km.marks[0].hatched == (False, True) and mi.marks[0].hatched == (True, False)


def test_border_sources_title_and_units() -> None:
    rows = border_table(extra=reference_rows())
    title = charts.border_sources_spec(rows).title
    # stated lengths apart from map measurements, which are lower bounds, not a disagreement
    assert "disagree" not in title and "940\u20131,172 km on maps, which can only under-measure" in title
    assert "1,357 km in the article's \u201c1,357 kilometers\u201d and World Factbook" in title
    assert "1,294 km in the article's \u201c804 miles\u201d" in title
    assert (
        "and 840 km on maps"
        in charts.border_sources_spec(
            border_table(
                extra=reference_rows()[:1]
                + [
                    {
                        "border": "Afghanistan\u2013Tajikistan",
                        "source": "Natural Earth 1:110m",
                        "length_km": 840.0,
                    }
                ]
            )
        ).title
    )
    changed = charts.border_sources_spec(border_table(extra=reference_rows()[:1])).title
    assert "1,294 km in the article's \u201c804 miles\u201d" in changed and "maps" not in changed
    miles = charts.border_sources_spec(rows, "mi")
    assert "(mi)" in miles.panels[0].x.label
    # in miles the article's 804 is 804 mi, and the 843 mi is the Factbook's and the km figure's
    assert "804 mi in the article's \u201c804 miles\u201d" in miles.title
    assert "843 mi in the article's \u201c1,357 kilometers\u201d and World Factbook" in miles.title
    assert max(miles.panels[0].marks[0].values) == pytest.approx(843.2, abs=0.1)
    # the same source twice is one bar
    twice = charts.border_sources_spec(pd.concat([rows, rows], ignore_index=True))
    assert len(twice.panels[0].marks[0].values) == len(
        charts.border_sources_spec(rows).panels[0].marks[0].values
    )


def test_afghanistan_borders_title_ranks_the_highlight() -> None:
    spec = charts.country_borders_spec(factbook_borders(), highlight="Tajikistan")
    assert spec.title.startswith("Tajikistan has Afghanistan's second-longest border: 1,357 km")
    assert "of its 5,843 km" in spec.title
    assert (
        "longest border: 3,000 km"
        in charts.country_borders_spec(factbook_borders(3000), highlight="Tajikistan").title
    )
    bars = spec.panels[0].marks[0]
    assert bars.colours[bars.categories.index("Tajikistan")] == theme.HIGHLIGHT
    assert {c for i, c in enumerate(bars.colours) if bars.categories[i] != "Tajikistan"} == {theme.MUTED}
    simple = pd.DataFrame({"partner": ["Tajikistan", "Iran"], "length_km": [1357.0, 921.0]})
    assert "longest border: 843 mi" in charts.country_borders_spec(simple, "mi").title


def test_border_scale_chart_uses_a_log_axis() -> None:
    spec = charts.border_scale_spec(measured_table(), reference=border_table())
    assert "940 km at 1:110m and 1,172 km at 1:10m (+25%)" in spec.title
    assert spec.title.startswith("The finer the map, the longer the border")
    assert (
        "1,300 km at 1:10m (+38%)"
        in charts.border_scale_spec(measured_table(1300.0), highlight="Afghanistan\u2013Tajikistan").title
    )
    static = charts.to_matplotlib(spec)
    assert static.axes[0].get_xscale() == "log"
    assert static.axes[0].get_xlim()[0] > static.axes[0].get_xlim()[1]  # finer to the right
    interactive = charts.to_plotly(spec)
    assert interactive.layout.xaxis.type == "log"
    assert any(isinstance(m, charts.RefLine) for m in spec.panels[0].marks)


def test_timeline_title_and_zoom() -> None:
    spec = charts.timeline_spec(timeline_table())
    assert (
        spec.title
        == "3 of the article's 5 dated events fall in May\u2013July 2021; the rest reach back to 1990"
    )
    assert len(spec.panels) == 2
    full, zoom = (p.marks[0] for p in spec.panels)
    assert len(full.categories) == 5 and len(zoom.categories) == 3
    assert "All 5" in charts.timeline_spec(timeline_table(), zoom=("1990-01-01", "2021-12-31")).title
    interactive = charts.to_plotly(spec)
    assert interactive.layout.xaxis.type == "date"
    bars = [t for t in interactive.data if t.type == "bar"]
    assert bars and all(t.base for t in bars)  # intervals drawn from their start


def dated_sentences(count: int, sentence: str = "On that day {i} more people crossed") -> pd.DataFrame:
    """A timeline as an article without annotations gives one: a row per dated sentence, one
    day apart from 20 March 2020 (so the busiest three months are any three: the latest is enlarged)."""
    days = pd.date_range("2020-03-20", periods=count, freq="D").strftime("%Y-%m-%d")
    return pd.DataFrame(
        {
            "figure_id": "",
            "date": days,
            "date_precision": "day",
            "date_start": days,
            "date_end": days,
            "event": [sentence.format(i=i) for i in range(count)],
            "quote": [f"quote {i}" for i in range(count)],
            "date_note": "",
        }
    )


def _labels(spec: charts.ChartSpec) -> list[tuple[str, ...]]:
    return [p.marks[0].categories for p in spec.panels]


def test_timeline_of_hundreds_of_dated_sentences_draws_at_most_max_labels() -> None:
    spec = charts.timeline_spec(dated_sentences(500))
    full, zoom = _labels(spec)
    assert len(full) == len(zoom) == charts.MAX_LABELS == 40
    # Evenly spaced in date order: the first and the last are kept, in order.
    assert full[0] == "On that day 0 more people crossed"
    assert full[-1] == "On that day 499 more people crossed"
    assert list(full) == sorted(full, key=lambda label: int(label.split()[3]))
    # The title counts every event; the caption says what was left out and where it is.
    window = charts.cluster_window([d.date() for d in pd.to_datetime(dated_sentences(500)["date_start"])])
    assert window == (pd.Timestamp("2021-05-01").date(), pd.Timestamp("2021-08-31").date())
    assert spec.title.startswith("93 of the article's 500 dated events fall in May\u2013August 2021")
    assert "Only 40 of the 500 dated events are drawn" in spec.caption
    assert "the other 460 are left out here and listed in the timeline table" in spec.caption
    assert "The enlarged panel draws 40 of its 93." in spec.caption
    assert spec.panels[0].title == "2020\u20132021: 40 of 500 dated events"
    assert spec.alt.count("quote ") == 40 and spec.alt.endswith("and 460 more.")
    assert "and 460 more." in spec.source
    assert charts.timeline_spec(dated_sentences(500)) == spec  # the same sample every time
    interactive = charts.to_plotly(spec)
    assert len(interactive.data) == 80  # one trace per drawn row, in two panels


def test_timeline_within_the_limit_is_drawn_whole_and_says_nothing_left_out() -> None:
    spec = charts.timeline_spec(dated_sentences(40))
    assert [len(labels) for labels in _labels(spec)] == [40]
    assert "left out" not in spec.caption and "more." not in spec.alt
    assert spec.panels[0].title.endswith("every dated event")


def test_timeline_sample_keeps_the_publication_date() -> None:
    table = dated_sentences(300)
    spec = charts.timeline_spec(table, max_labels=10, published=table.loc[150, "date_start"])
    (full,) = spec.panels[0].marks
    assert len(full.categories) == 10 and "publication" in full.legend
    assert "On that day 150 more people crossed" in full.categories


def test_timeline_labels_and_hovers_of_long_sentences_are_cut_with_an_ellipsis() -> None:
    numbers = ", ".join(str(i) for i in range(10_000))
    spec = charts.timeline_spec(dated_sentences(3, sentence=f"In week {{i}}, the counts were {numbers}."))
    (mark,) = spec.panels[0].marks
    for label, hover in zip(mark.categories, mark.hovers, strict=True):
        assert len(label.replace("\n", " ")) <= charts.LABEL_CHARS and label.endswith("\u2026")
        assert len(hover) < charts.HOVER_CHARS + 100
    assert len(spec.alt) < 3 * (charts.LABEL_CHARS + 50)
    assert len(charts.to_plotly(spec).to_json()) < 50_000


def test_mentions_chart_examples_are_short() -> None:
    table = mentions_table({"count": 2})
    table.loc[0, "text"] = "1" * 5000
    (bars,) = charts.mentions_spec(table).panels[0].marks
    assert len(bars.hovers[0]) < 200 and "\u2026" in bars.hovers[0]


def test_shares_keep_their_qualifier_on_a_full_scale() -> None:
    spec = charts.shares_spec(figures_table())
    assert "\u201ca third\u201d" in spec.title and "\u201c85 percent\u201d" in spec.title
    assert "\u201c95 percent\u201d" in charts.shares_spec(figures_table(95.0)).title
    bars = spec.panels[0].marks[0]
    assert bars.texts[0] == "almost 50%" and bars.hatched == (True, False, False)
    assert "Almost half" in bars.categories[0]
    assert spec.panels[0].x.limits == (0, 100)
    assert charts.to_matplotlib(spec).axes[0].get_xlim() == (0, 100)


# --------------------------------------------------------------------------- the map


def test_map_draws_polygons_without_geo_traces() -> None:
    spec = charts.region_map_spec(outlines_table(), border_line(), places_table(), highlight=REGION)
    fig = charts.to_plotly(spec)
    assert {trace.type for trace in fig.data} == {"scatter"}
    layout = fig.to_plotly_json()["layout"]
    assert not any(key.startswith(("geo", "mapbox", "map")) for key in layout)
    assert layout["yaxis"]["scaleanchor"] == "x"
    filled = [t for t in fig.data if t.fill == "toself"]
    # Afghanistan (with a hole painted over), Tajikistan's two parts, Uzbekistan
    assert {t.hovertext for t in filled if t.fillcolor != theme.PAPER} == {
        "Afghanistan",
        "Tajikistan",
        "Uzbekistan",
    }
    assert sum(t.hovertext == "Tajikistan" for t in filled) == 2
    assert any(t.fillcolor == theme.PAPER for t in filled)
    border = [t for t in fig.data if t.line.color == theme.HIGHLIGHT]
    assert border and border[0].mode == "lines"


def test_map_title_places_and_static_version() -> None:
    spec = charts.region_map_spec(outlines_table(), border_line(), places_table(), highlight=REGION)
    assert "share a border of 356 km" in spec.title  # 4 degrees of longitude at 37 degrees north
    longer = charts.region_map_spec(
        outlines_table(), border_line(east=73.0), places_table(), highlight=REGION
    )
    assert "534 km" in longer.title
    assert (
        "221 mi"
        in charts.region_map_spec(
            outlines_table(), border_line(), places_table(), "mi", highlight=REGION
        ).title
    )
    assert "Not on the map: Moscow" in spec.caption and "Kabul" in spec.alt
    static = charts.to_matplotlib(spec)
    assert static.axes[0].get_aspect() == pytest.approx(spec.panels[0].aspect)
    assert any(t.get_text() == "Kabul" for t in static.axes[0].texts)
    multi = shapely.MultiLineString([[(67, 37), (69, 37)], [(69, 37), (71, 37)]])
    assert "356 km" in charts.region_map_spec(outlines_table(), multi, highlight=REGION).title
    assert "neighbours" in charts.region_map_spec(outlines_table()).title


# --------------------------------------------------------------------------- untrusted text


def test_article_text_is_escaped_in_plotly() -> None:
    figures = [
        charts.troop_deployments_chart(troop_table(force=INJECTION)),
        charts.refugee_flows_chart(refugee_table(outcome=INJECTION)),
        charts.timeline_chart(timeline_table(event=INJECTION)),
        charts.region_map_chart(
            outlines_table(), border_line(), places_table(name=INJECTION), highlight=REGION
        ),
        charts.render(charts.refugee_flows_spec(refugee_table(outcome=INJECTION)), caption=True),
    ]
    for fig in figures:
        strings = list(_json_strings(json.loads(fig.to_json())))
        assert any(ESCAPED in s for s in strings)
        assert not any("<img" in s for s in strings)
    assert INJECTION in charts.describe(figures[0])["title"]  # plain text for the notebook


# --------------------------------------------------------------------------- saving


def test_save_static_is_deterministic(tmp_path) -> None:
    spec = charts.refugee_flows_spec(refugee_table())
    first = charts.save_static(charts.to_matplotlib(spec), "refugee_flows", tmp_path / "a")
    second = charts.save_static(charts.to_matplotlib(spec), "refugee_flows", tmp_path / "b")
    again = charts.save_static(charts.to_matplotlib(spec), "refugee_flows", tmp_path / "a")
    assert [p.suffix for p in first] == [".png", ".svg"]
    for a, b, c in zip(first, second, again, strict=True):
        assert a.read_bytes() == b.read_bytes() == c.read_bytes()
    svg = first[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib" not in svg.split("<metadata>")[-1].split("</metadata>")[0]
    assert b"Software" not in first[0].read_bytes()[:4096]
    assert "Of 2,500 people" in svg  # the title is in the SVG's metadata


def test_save_static_takes_a_spec_and_refuses_plotly(tmp_path) -> None:
    paths = charts.save_static(charts.mentions_spec(mentions_table()), "mentions", tmp_path)
    assert all(p.is_file() and p.stat().st_size > 1000 for p in paths)
    with pytest.raises(InputError, match="matplotlib"):
        charts.save_static(charts.mentions_chart(mentions_table()), "mentions", tmp_path)
    with pytest.raises(InputError, match="figure name"):
        charts.save_static(charts.mentions_spec(mentions_table()), "../escape", tmp_path)


def test_theme_palette_and_contexts() -> None:
    assert len(set(theme.PALETTE)) == 8 and theme.HIGHLIGHT in theme.PALETTE
    assert theme.MUTED not in theme.PALETTE
    assert theme.base_colour(theme.with_alpha(theme.BLUE, 0.3)) == theme.BLUE
    template = theme.plotly_template()
    assert list(template.layout.colorway) == list(theme.PALETTE)
    import matplotlib as mpl

    before = mpl.rcParams["svg.hashsalt"]
    with theme.matplotlib_context():
        assert mpl.rcParams["svg.hashsalt"] == theme.SVG_HASHSALT
        assert mpl.rcParams["text.usetex"] is False
    assert mpl.rcParams["svg.hashsalt"] == before
