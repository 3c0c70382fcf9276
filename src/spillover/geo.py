"""Border lengths measured on the Natural Earth country outlines, and the article's places.

Which countries' borders are measured, which outlines the map shows and which places it marks
come from the article's checks file (its ``region``, see :mod:`spillover.findings`); the
functions' defaults are those of the default article. The places any article names, with or
without a checks file, are found by :mod:`spillover.places` (its ``places`` table).

The outlines are Natural Earth 4.1.0 packaged as TopoJSON by world-atlas 2.0.2 at three
scales (see data/reference/natural-earth/SOURCE.md). A border is the line part of the
intersection of two countries' boundaries; its length is geodesic on the WGS84 ellipsoid.
A generalised outline cuts the corners of a winding border, so the measured length grows
with the scale (1:110m < 1:50m < 1:10m) and stays below a surveyed length.

Table columns:

- ``border_lengths_measured``: border, country_a, country_b, scale, scale_denominator,
  length_km, source, method.
- ``places``: name, latitude, longitude, kind, source.
- ``region_outlines``: name, id (the ISO 3166-1 numeric code world-atlas carries),
  geometry.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from spillover import paths, reference
from spillover.errors import InputError
from spillover.findings import Region, article_region

SCALES: dict[str, int] = {"110m": 110_000_000, "50m": 50_000_000, "10m": 10_000_000}
CRS = "EPSG:4326"
SOURCE = "Natural Earth 4.1.0 via world-atlas 2.0.2"
METHOD = "shared boundary of the two outlines, geodesic length on WGS84"

PLACES_COLUMNS = ["name", "latitude", "longitude", "kind", "source"]

#: Fallback snapping distance in degrees (about 100 m north-south) used only when two
#: outlines that touch share no boundary line (see _shared_lines).
SNAP_TOLERANCE_DEG = 1e-3
#: A snapped border shorter than this many tolerances is a meeting point, not a border.
MIN_SNAPPED_LENGTH_FACTOR = 10.0

_GEOD = Geod(ellps="WGS84")


# --------------------------------------------------------------------------- reading


def _scale_path(scale: str) -> Path:
    """The TopoJSON file of `scale`, or InputError naming the known scales."""
    if scale not in SCALES:
        raise InputError(f"unknown Natural Earth scale {scale!r}; available: {', '.join(SCALES)}")
    path = paths.NATURAL_EARTH / f"countries-{scale}.json"
    if not path.is_file():
        raise InputError(f"{path}: Natural Earth file not found")
    return path


@cache
def _countries_cached(scale: str) -> gpd.GeoDataFrame:
    """The outlines of `scale`, read once per process (the 10m file is 3.5 MB of TopoJSON)."""
    frame = gpd.read_file(_scale_path(scale), layer="countries")
    # world-atlas stores plain longitude/latitude without declaring a CRS.
    frame = frame.set_crs(CRS, allow_override=True) if frame.crs is None else frame.to_crs(CRS)
    return frame[["id", "name", "geometry"]].reset_index(drop=True)


def read_countries(scale: str) -> gpd.GeoDataFrame:
    """All country outlines at `scale` ("110m", "50m" or "10m"): id, name, geometry (EPSG:4326).

    The result is a copy; the file itself is read once per process.
    """
    return _countries_cached(scale).copy()


def _outline(name: str, scale: str) -> BaseGeometry:
    """The outline of the country called `name`, or InputError suggesting close names."""
    frame = _countries_cached(scale)
    rows = frame[frame["name"] == name]
    if rows.empty:
        close = difflib.get_close_matches(name, frame["name"].tolist(), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise InputError(f"no country named {name!r} in Natural Earth {scale}{hint}")
    return rows.geometry.iloc[0]


# --------------------------------------------------------------------------- measuring


def _flatten(geom: BaseGeometry) -> list[BaseGeometry]:
    """The non-empty single-part geometries inside `geom`, collections unpacked."""
    singles: list[BaseGeometry] = []
    for part in shapely.get_parts(geom):
        if part.geom_type.startswith("Multi") or part.geom_type == "GeometryCollection":
            singles.extend(_flatten(part))
        elif not part.is_empty:
            singles.append(part)
    return singles


def _line_parts(geom: BaseGeometry) -> BaseGeometry:
    """The line parts of `geom` merged into a (Multi)LineString; points are dropped."""
    lines = [line for line in _flatten(geom) if line.geom_type == "LineString"]
    if not lines:
        return shapely.MultiLineString()
    return shapely.line_merge(shapely.MultiLineString(lines))


def _shared_lines(a: BaseGeometry, b: BaseGeometry, tolerance: float) -> BaseGeometry:
    """The boundary lines that outlines `a` and `b` share.

    world-atlas is a TopoJSON topology: neighbours are built from the same arcs, so their
    boundaries coincide exactly and the plain intersection finds the shared line at every
    scale. Outlines generalised independently (another source, or a future re-packaging)
    can miss each other by a hair, leaving only crossing points; then the part of `a`'s
    boundary within `tolerance` degrees of `b`'s boundary is taken instead.
    """
    lines = _line_parts(a.boundary.intersection(b.boundary))
    if not lines.is_empty or a.distance(b) > tolerance:
        return lines
    snapped = _line_parts(a.boundary.intersection(b.boundary.buffer(tolerance)))
    # Countries that only meet at a point (a tripoint) would otherwise get a stub of a few
    # tolerances' length around that point; a real border is much longer than that.
    if snapped.length < MIN_SNAPPED_LENGTH_FACTOR * tolerance:
        return shapely.MultiLineString()
    return snapped


@cache
def shared_border(a: str, b: str, scale: str) -> BaseGeometry:
    """The border of countries `a` and `b` at `scale` (line parts only; empty if none)."""
    return _shared_lines(_outline(a, scale), _outline(b, scale), SNAP_TOLERANCE_DEG)


def geodesic_length_km(geom: BaseGeometry) -> float:
    """The geodesic length of a (multi)line on the WGS84 ellipsoid, in km (0 if empty)."""
    if geom.is_empty:
        return 0.0
    return _GEOD.geometry_length(geom) / 1000.0


def neighbours(name: str, scale: str) -> list[str]:
    """The countries sharing a boundary line with `name` at `scale`, sorted by name.

    Candidates come from the bounding-box index (some 10m outlines are not valid polygons,
    so no polygon predicate is used); a candidate counts if the shared line is non-empty.
    """
    frame = _countries_cached(scale)
    outline = _outline(name, scale)
    candidates = frame.iloc[frame.sindex.query(outline)]["name"]
    return sorted(
        other
        for other in candidates
        if other != name and not shared_border(*sorted((name, other)), scale).is_empty
    )


def border_name(a: str, b: str) -> str:
    """ "Afghanistan–Tajikistan": the two names sorted alphabetically, joined by an en dash."""
    first, second = sorted((a, b))
    return f"{first}\u2013{second}"


def _border_row(a: str, b: str, scale: str) -> dict[str, object]:
    """One row of the measured table for the border of `a` and `b` at `scale`."""
    first, second = sorted((a, b))
    return {
        "border": border_name(first, second),
        "country_a": first,
        "country_b": second,
        "scale": scale,
        "scale_denominator": SCALES[scale],
        "length_km": geodesic_length_km(shared_border(first, second, scale)),
        "source": f"{SOURCE}, {_scale_path(scale).name}",
        "method": METHOD,
    }


def border_lengths_measured(
    countries: Sequence[str] | None = None,
    scales: Sequence[str] = ("110m", "50m", "10m"),
) -> pd.DataFrame:
    """Every border of each of `countries` (default: the default article's ``borders_of``),
    measured at each of `scales`; no countries, no rows.

    Neighbours are found from the outlines at each scale. One row per (border, scale),
    ordered by border name, then by the order of `scales`.
    """
    if countries is None:
        countries = article_region().borders_of
    pairs: dict[tuple[str, str], None] = {}
    for scale in scales:
        for country in countries:
            for other in neighbours(country, scale):
                pairs[tuple(sorted((country, other)))] = None
    rows = [
        _border_row(a, b, scale)
        for a, b in sorted(pairs)
        for scale in scales
        if not shared_border(a, b, scale).is_empty
    ]
    frame = pd.DataFrame(rows, columns=_MEASURED_COLUMNS)
    return frame.astype({"scale_denominator": "int64", "length_km": "float64"})


_MEASURED_COLUMNS = [
    "border",
    "country_a",
    "country_b",
    "scale",
    "scale_denominator",
    "length_km",
    "source",
    "method",
]


# --------------------------------------------------------------------------- maps


def region_outlines(scale: str = "50m", names: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """The outlines of `names` (default: the default article's region), sorted by name."""
    wanted = list(article_region().names if names is None else names)
    for name in wanted:
        _outline(name, scale)  # InputError for a name Natural Earth does not have
    frame = _countries_cached(scale)
    chosen = frame[frame["name"].isin(wanted)].sort_values("name", kind="stable")
    return chosen.reset_index(drop=True).copy()


def _place_name(capital: str) -> str:
    """ "Tashkent (Toshkent)" -> "Tashkent": the Factbook's name without its alternative."""
    return re.sub(r"\s*\(.*?\)\s*", " ", capital).strip()


def places(snapshot: str = reference.DEFAULT_SNAPSHOT, region: Region | None = None) -> pd.DataFrame:
    """The places the region marks (default: the default article's), located from the Factbook.

    Columns: name, latitude, longitude, kind, source. Coordinates come from each profile's
    "Capital" field, never typed in here.
    """
    region = article_region() if region is None else region
    rows = []
    for gec in region.capitals:
        table = reference.profile_rows(gec, snapshot)
        lat = table[table["field"] == "capital_latitude"].iloc[0]
        lon = table[table["field"] == "capital_longitude"].iloc[0]
        rows.append(
            {
                "name": _place_name(lat["qualifier"]),
                "latitude": float(lat["value"]),
                "longitude": float(lon["value"]),
                "kind": "capital",
                "source": (
                    f"World Factbook {snapshot}, {lat['source_path']}, "
                    f"Capital: geographic coordinates {lat['source_text']!r}"
                ),
            }
        )
    return pd.DataFrame(rows, columns=PLACES_COLUMNS)


def __getattr__(name: str) -> tuple[str, ...]:
    """``geo.REGION``: the default article's region countries, read from its checks file (kept
    for callers of the former constant; prefer ``findings.article_region(article).names``)."""
    if name == "REGION":
        return article_region().names
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
