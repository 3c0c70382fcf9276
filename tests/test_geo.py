"""Border measurement on the Natural Earth outlines, the region map, and the article's places.

The seed's region (countries, measured borders, places) comes from its checks file,
data/checks/000_bcf152c5a0c9a4f2.yaml; the functions' defaults read it."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from spillover import geo, paths
from spillover.errors import InputError
from spillover.findings import Region, article_region
from spillover.reference import factbook_table

SCALES = ("110m", "50m", "10m")
MEASURED_COLUMNS = [
    "border",
    "country_a",
    "country_b",
    "scale",
    "scale_denominator",
    "length_km",
    "source",
    "method",
]


@pytest.fixture(scope="module")
def measured() -> pd.DataFrame:
    return geo.border_lengths_measured()


@pytest.fixture(scope="module")
def region() -> Region:
    return article_region(paths.DEFAULT_ARTICLE)


@pytest.fixture(scope="module")
def factbook(region: Region) -> pd.DataFrame:
    return factbook_table("2021-07-01", gecs=sorted(region.countries))


def factbook_partners(factbook: pd.DataFrame, country: str) -> set[str]:
    rows = factbook[(factbook["country"] == country) & (factbook["field"] == "land_boundary_km")]
    return set(rows["qualifier"]) - {"total"}


# ----------------------------------------------------------------------------- reading


@pytest.mark.parametrize("scale", SCALES)
def test_read_countries_crs_and_names(scale: str, factbook: pd.DataFrame, region: Region):
    countries = geo.read_countries(scale)
    assert countries.crs.to_epsg() == 4326
    assert {"name", "geometry"} <= set(countries.columns)
    # The region's names (checks file) are Natural Earth's and the Factbook's short names.
    assert set(region.names) <= set(countries["name"])
    assert set(region.names) == set(factbook["country"])
    assert region.names == geo.REGION  # the former constant, now read from the checks file


def test_read_countries_returns_a_copy():
    first = geo.read_countries("110m")
    first.loc[:, "name"] = "changed"
    assert "Afghanistan" in set(geo.read_countries("110m")["name"])


def test_unknown_scale():
    with pytest.raises(InputError, match=r"'5m'.*110m, 50m, 10m"):
        geo.read_countries("5m")


def test_unknown_country_suggests_a_name():
    with pytest.raises(InputError, match="Tajikistan"):
        geo.shared_border("Afghanistan", "Tadjikistan", "50m")


# ----------------------------------------------------------------------------- measuring


def test_geodesic_length_of_one_degree_of_latitude():
    # One degree of latitude at the equator on WGS84 is 110.574 km.
    line = shapely.LineString([(0, 0), (0, 1)])
    assert geo.geodesic_length_km(line) == pytest.approx(110.574, abs=0.001)
    assert geo.geodesic_length_km(shapely.MultiLineString()) == 0.0


@pytest.mark.parametrize("scale", SCALES)
def test_shared_border_is_lines_only(scale: str):
    border = geo.shared_border("Afghanistan", "Tajikistan", scale)
    assert not border.is_empty
    assert border.geom_type in ("LineString", "MultiLineString")
    assert geo.shared_border("Afghanistan", "Kazakhstan", scale).is_empty


def test_af_tj_border_at_10m(measured: pd.DataFrame):
    """Afghanistan-Tajikistan at 1:10m: about 1,172 km.

    Expected value: the surveyed 1,357 km (Factbook) is an upper bound, because the
    generalised outline cuts corners along the Panj river; a length far below it (under
    1,100 km, i.e. more than 19% short) would mean missing border segments. Independently of
    pyproj's geodesic, the same line projected to UTM zone 42N (scale error < 0.1% here)
    must give the same length within 0.5%.
    """
    border = geo.shared_border("Afghanistan", "Tajikistan", "10m")
    length = geo.geodesic_length_km(border)
    assert 1100 < length < 1357
    assert length == pytest.approx(1172.1, abs=0.5)
    utm_km = gpd.GeoSeries([border], crs="EPSG:4326").to_crs("EPSG:32642").length.item() / 1000
    assert length == pytest.approx(utm_km, rel=0.005)
    row = measured[(measured["border"] == "Afghanistan–Tajikistan") & (measured["scale"] == "10m")]
    assert row["length_km"].item() == pytest.approx(length)


def test_measured_table_shape(measured: pd.DataFrame):
    assert list(measured.columns) == MEASURED_COLUMNS
    assert measured["length_km"].dtype == "float64"
    assert (measured["length_km"] > 0).all()
    # 6 Afghan + 4 Tajik borders, their shared one counted once, at 3 scales.
    assert len(measured) == 9 * 3
    assert set(article_region().borders_of) == {"Afghanistan", "Tajikistan"}
    assert not measured.duplicated(["border", "scale"]).any()
    assert dict(zip(measured["scale"], measured["scale_denominator"], strict=True)) == {
        "110m": 110_000_000,
        "50m": 50_000_000,
        "10m": 10_000_000,
    }
    for row in measured.itertuples():
        assert row.country_a < row.country_b
        assert row.border == f"{row.country_a}\u2013{row.country_b}"
        assert row.source == f"Natural Earth 4.1.0 via world-atlas 2.0.2, countries-{row.scale}.json"
    assert set(measured["method"]) == {geo.METHOD}


def test_lengths_grow_with_scale(measured: pd.DataFrame):
    for border, rows in measured.groupby("border"):
        lengths = rows.set_index("scale")["length_km"]
        assert lengths["110m"] < lengths["50m"] < lengths["10m"], border


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("country", ["Afghanistan", "Tajikistan"])
def test_every_factbook_neighbour_is_found(scale: str, country: str, factbook: pd.DataFrame):
    assert set(geo.neighbours(country, scale)) == factbook_partners(factbook, country)


def test_measured_lengths_stay_below_the_factbook(measured: pd.DataFrame, factbook: pd.DataFrame):
    """Generalised outlines under-measure every one of these borders at every scale."""
    for row in measured.itertuples():
        surveyed = factbook[
            (factbook["country"] == row.country_a)
            & (factbook["field"] == "land_boundary_km")
            & (factbook["qualifier"] == row.country_b)
        ]["value"].item()
        assert row.length_km < surveyed, (row.border, row.scale)


def test_borders_come_from_the_countries_asked_for():
    assert geo.border_lengths_measured(()).empty
    assert list(geo.border_lengths_measured(()).columns) == MEASURED_COLUMNS
    kyrgyz = geo.border_lengths_measured(["Kyrgyzstan"], scales=["110m"])
    assert set(kyrgyz["border"]) == {
        "China–Kyrgyzstan",
        "Kazakhstan–Kyrgyzstan",
        "Kyrgyzstan–Tajikistan",
        "Kyrgyzstan–Uzbekistan",
    }


def test_measurement_is_cached():
    assert geo.shared_border("Afghanistan", "Iran", "10m") is geo.shared_border(
        "Afghanistan", "Iran", "10m"
    )


# ----------------------------------------------------------------------------- tolerance


def test_exact_shared_edge_needs_no_tolerance():
    left, right = shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)
    assert geo._shared_lines(left, right, 0.0).length == pytest.approx(1.0)


def test_small_gap_is_bridged_by_the_tolerance():
    left, right = shapely.box(0, 0, 1, 1), shapely.box(1.0001, 0, 2, 1)
    assert left.boundary.intersection(right.boundary).is_empty
    bridged = geo._shared_lines(left, right, geo.SNAP_TOLERANCE_DEG)
    assert bridged.length == pytest.approx(1.0, abs=4 * geo.SNAP_TOLERANCE_DEG)
    far = shapely.box(1.01, 0, 2, 1)
    assert geo._shared_lines(left, far, geo.SNAP_TOLERANCE_DEG).is_empty


def test_corner_contact_is_not_a_border():
    left, diagonal = shapely.box(0, 0, 1, 1), shapely.box(1, 1, 2, 2)
    assert geo._shared_lines(left, diagonal, geo.SNAP_TOLERANCE_DEG).is_empty


# ----------------------------------------------------------------------------- map and places


def test_region_outlines(region: Region):
    outlines = geo.region_outlines()
    assert list(outlines["name"]) == list(region.names)
    assert list(geo.region_outlines(names=["Iran", "Pakistan"])["name"]) == ["Iran", "Pakistan"]
    assert outlines.crs.to_epsg() == 4326
    with pytest.raises(InputError, match="Atlantis"):
        geo.region_outlines(names=["Afghanistan", "Atlantis"])


def test_places_come_from_the_factbook(factbook: pd.DataFrame):
    places = geo.places()
    assert list(places.columns) == ["name", "latitude", "longitude", "kind", "source"]
    assert list(places["name"]) == ["Kabul", "Dushanbe", "Tashkent", "Moscow"]
    lat = factbook[factbook["field"] == "capital_latitude"].set_index("gec")["value"]
    lon = factbook[factbook["field"] == "capital_longitude"].set_index("gec")["value"]
    assert list(places["latitude"]) == [lat[g] for g in ("af", "ti", "uz", "rs")]
    assert list(places["longitude"]) == [lon[g] for g in ("af", "ti", "uz", "rs")]
    assert places["source"].str.contains("data/reference/factbook/2021-07-01/").all()


def test_places_are_the_regions_capitals():
    """The places come from data (a region's capitals), not from constants."""
    one = geo.places(region=Region({"kz": "Kazakhstan"}, capitals=("kz",)))
    assert list(one["name"]) == ["Nur-Sultan"]  # its name in the 2021 snapshot
    assert list(one["kind"]) == ["capital"]
    assert geo.places(region=Region()).empty


@pytest.mark.parametrize(
    ("place", "country"),
    [("Kabul", "Afghanistan"), ("Dushanbe", "Tajikistan"), ("Tashkent", "Uzbekistan"), ("Moscow", "Russia")],
)
def test_each_capital_lies_in_its_country(place: str, country: str):
    row = geo.places().set_index("name").loc[place]
    outlines = geo.read_countries("10m").set_index("name")
    point = shapely.Point(row["longitude"], row["latitude"])
    assert shapely.make_valid(outlines.loc[country, "geometry"]).contains(point)
