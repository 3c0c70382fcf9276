"""Read World Factbook country profiles (JSON snapshots) into one tidy table of numbers.

The profiles live in ``data/reference/factbook/<snapshot>/<gec>.json`` (see SOURCE.md there).
Their texts drift between snapshots: thousands separators appear ("1357 km" becomes
"1,357 km"), list separators change ("," becomes ";"), keys gain trailing spaces
("total "), the population moves under a "total" key, HTML tags and entities come and go,
and the estimate year moves from the end of a group ("... (2017 est.)" after the last
drinking-water line) onto every line. Each value here is parsed by a small regex from the
cleaned text; a required field that is missing or does not parse raises
:class:`~spillover.errors.InputError` naming the file and the field.

``factbook_table`` columns: country, gec, iso3, field, value, unit, qualifier,
estimate_year, snapshot, source_path, source_text.

Fields (unit; qualifier):

- ``land_boundary_km`` (km; "total", or the partner as the Factbook names it, e.g.
  "Tajikistan", "China (southeast)")
- ``area`` (sq km; "total", "land", "water")
- ``population`` (people; "")
- ``drinking_water_improved`` / ``drinking_water_unimproved`` (percent of population;
  "urban", "rural", "total")
- ``below_poverty_line`` (percent of population; "") -- optional, absent in some profiles
- ``remittances_gdp`` (percent of GDP; "" from the Remittances field, or
  "economic overview" when read from a sentence of the 2021 narrative) -- optional
- ``active_military_personnel`` (people; "") -- optional, read from the narrative
  "personnel strengths" text when it states "<number> active ..."
- ``capital_latitude`` / ``capital_longitude`` (degrees, signed: north and east positive;
  qualifier = the capital's name as the Factbook gives it, e.g. "Tashkent (Toshkent)")
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from spillover import paths
from spillover.errors import InputError

DEFAULT_SNAPSHOT = "2021-07-01"

#: GEC code -> ISO 3166-1 alpha-3, as tabulated in data/reference/factbook/SOURCE.md.
GEC_TO_ISO3: dict[str, str] = {
    "af": "AFG",
    "ti": "TJK",
    "uz": "UZB",
    "tx": "TKM",
    "kg": "KGZ",
    "kz": "KAZ",
    "rs": "RUS",
    "ch": "CHN",
    "ir": "IRN",
    "pk": "PAK",
}

COLUMNS: tuple[str, ...] = (
    "country",
    "gec",
    "iso3",
    "field",
    "value",
    "unit",
    "qualifier",
    "estimate_year",
    "snapshot",
    "source_path",
    "source_text",
)

_SNAPSHOT_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_TAG = re.compile(r"<[^>]+>")
_YEAR = re.compile(r"\((?:[A-Za-z]+\.?\s+)?(\d{4})(?:\s+est\.?)?\)")
_KM = re.compile(rf"^({_NUMBER})\s*km$")
_SQ_KM = re.compile(rf"^({_NUMBER})\s*sq km$")
_LEADING_NUMBER = re.compile(rf"^({_NUMBER})(?:\s+(million|billion))?\b")
_PERCENT = re.compile(rf"^({_NUMBER})%")
_PARTNER = re.compile(rf"(?P<name>[^\d,;]+?)\s+(?P<number>{_NUMBER})\s*km\b")
_PARTNER_LEFTOVER = re.compile(r"^(?:[\s,;]|\band\b)*$")
_WATER = re.compile(rf"^(urban|rural|total):\s*({_NUMBER})%\s*of population")
_COORDINATES = re.compile(
    r"^(\d{1,2})\s+(\d{1,2})(?:\s+(\d{1,2}))?\s*([NS])\s*,\s*"
    r"(\d{1,3})\s+(\d{1,2})(?:\s+(\d{1,2}))?\s*([EW])$"
)
_GDP_SHARE = re.compile(rf"({_NUMBER})%\s+of\s+GDP")
_IN_YEAR = re.compile(r"\bin (\d{4})\b")
# "<n> active troops / duty / personnel / Armed Forces"; a range ("10-15,000") or a
# subgroup ("90,000 active Basij") is not a strength of the armed forces and is skipped.
_ACTIVE = re.compile(
    rf"(?<![\d,\-])({_NUMBER})\s+active\s+(?:troops|duty|personnel|armed forces)\b",
    re.IGNORECASE,
)
_MULTIPLIERS = {None: 1.0, "million": 1e6, "billion": 1e9}
_WATER_KINDS = ("improved", "unimproved")
_WATER_PLACES = ("urban", "rural", "total")
_AREA_PARTS = ("total", "land", "water")


@dataclass(frozen=True)
class _Source:
    """Where the rows being built come from: one profile file of one snapshot."""

    gec: str
    snapshot: str
    path: Path
    rel_path: str
    profile: dict[str, Any]


@dataclass(frozen=True)
class _Value:
    """One parsed value before the country columns are attached."""

    field: str
    value: float
    unit: str
    qualifier: str
    estimate_year: int | None
    source_text: str


# --------------------------------------------------------------------------- text helpers


def clean_text(raw: str) -> str:
    """Unescape HTML entities, drop tags, and collapse whitespace (incl. no-break spaces)."""
    text = _TAG.sub(" ", html.unescape(raw))
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def parse_number(text: str) -> float:
    """Parse "1,357", "1357", "95.9" or "2.993 million" (at the start of `text`) as a float."""
    match = _LEADING_NUMBER.match(text.strip())
    if match is None:
        raise ValueError(f"no number at the start of {text!r}")
    return float(match.group(1).replace(",", "")) * _MULTIPLIERS[match.group(2)]


def parse_year(text: str) -> int | None:
    """The estimate year of a text such as "(2017 est.)" or "(July 2021 est.)", if any."""
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def parse_border_partners(text: str) -> list[tuple[str, float, str]]:
    """Split a "border countries" text into (partner, km, segment) in text order.

    Accepts both "China 91 km, Iran 921 km" (2021) and "China 91 km; Pakistan 2,670 km"
    (2026), and "China (southeast) 4133 km and China (south) 46 km". Raises ValueError if
    anything but separators is left over once the partners are taken out.
    """
    partners = []
    for match in _PARTNER.finditer(text):
        name = re.sub(r"^(?:[\s,;]|and\b)+", "", match.group("name")).strip()
        number = match.group("number")
        partners.append((name, float(number.replace(",", "")), f"{name} {number} km"))
    leftover = _PARTNER.sub("", text)
    if not partners or not _PARTNER_LEFTOVER.match(leftover):
        raise ValueError(f"unparsed text {leftover.strip()!r} in {text!r}")
    return partners


def parse_coordinates(text: str) -> tuple[float, float]:
    """Parse "34 31 N, 69 11 E" (degrees minutes [seconds]) into signed decimal degrees."""
    match = _COORDINATES.match(text.strip())
    if match is None:
        raise ValueError(f"not 'DD MM N, DDD MM E': {text!r}")
    g = match.groups()
    lat = _dms(g[0], g[1], g[2]) * (1 if g[3] == "N" else -1)
    lon = _dms(g[4], g[5], g[6]) * (1 if g[7] == "E" else -1)
    return lat, lon


def _dms(degrees: str, minutes: str, seconds: str | None) -> float:
    """Degrees, minutes and optional seconds as decimal degrees."""
    return int(degrees) + int(minutes) / 60 + (int(seconds) if seconds else 0) / 3600


# --------------------------------------------------------------------------- files


def _factbook_dir(factbook_dir: Path | None) -> Path:
    """The Factbook folder: `factbook_dir` if given (tests), else paths.FACTBOOK."""
    return Path(factbook_dir) if factbook_dir is not None else paths.FACTBOOK


def snapshots(*, factbook_dir: Path | None = None) -> list[str]:
    """The dated snapshot folders available (ISO dates, oldest first)."""
    root = _factbook_dir(factbook_dir)
    if not root.is_dir():
        raise InputError(f"{root}: Factbook folder not found")
    return sorted(p.name for p in root.iterdir() if p.is_dir() and _SNAPSHOT_NAME.match(p.name))


def _snapshot_dir(snapshot: str, factbook_dir: Path | None) -> Path:
    """The folder of one snapshot, or InputError listing the available ones."""
    available = snapshots(factbook_dir=factbook_dir)
    if snapshot not in available:
        raise InputError(
            f"unknown Factbook snapshot {snapshot!r}; available: {', '.join(available)}"
        )
    return _factbook_dir(factbook_dir) / snapshot


def _relative(path: Path) -> str:
    """`path` relative to the project root (posix), or to the Factbook folder's parent."""
    for base in (paths.ROOT, path.parent.parent.parent):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def load_profile(gec: str, snapshot: str, *, factbook_dir: Path | None = None) -> dict[str, Any]:
    """The profile of country `gec` (e.g. "ti") in `snapshot`, as the JSON holds it."""
    path = _snapshot_dir(snapshot, factbook_dir) / f"{gec}.json"
    if not path.is_file():
        available = sorted(p.stem for p in path.parent.glob("*.json"))
        raise InputError(
            f"{_relative(path)}: no Factbook profile {gec!r} in snapshot {snapshot}; "
            f"available: {', '.join(available)}"
        )
    try:
        profile = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{_relative(path)}: not valid JSON ({error})") from error
    if not isinstance(profile, dict):
        raise InputError(f"{_relative(path)}: expected a JSON object at the top level")
    return profile


# --------------------------------------------------------------------------- profile access


def _node(src: _Source, section: str, field: str, *, required: bool) -> dict[str, Any] | None:
    """The JSON object of one field (e.g. Geography / Area), or None if optional and absent."""
    node = src.profile.get(section, {}).get(field)
    if isinstance(node, dict):
        return node
    if required:
        raise InputError(f"{src.rel_path}: required field '{section} / {field}' is missing")
    return None


def _texts(node: dict[str, Any]) -> dict[str, str]:
    """The raw texts of a field by stripped sub-key ("" for the field's own text)."""
    texts = {"": node["text"]} if isinstance(node.get("text"), str) else {}
    for key, value in node.items():
        if isinstance(value, dict) and isinstance(value.get("text"), str):
            texts[key.strip()] = value["text"]
    return texts


def _parse(src: _Source, label: str, text: str, parser: Callable[[str], Any]) -> Any:
    """Apply `parser` to `text`; turn its ValueError into an InputError naming file and field."""
    try:
        return parser(text)
    except ValueError as error:
        raise InputError(f"{src.rel_path}: cannot parse field '{label}': {error}") from error


def _regex(pattern: re.Pattern[str], what: str) -> Callable[[str], re.Match[str]]:
    """A parser that returns the match of `pattern` or raises ValueError naming `what`."""

    def parse(text: str) -> re.Match[str]:
        match = pattern.search(text)
        if match is None:
            raise ValueError(f"expected {what}, got {text!r}")
        return match

    return parse


def _number(match: re.Match[str]) -> float:
    """The first group of a match as a number (thousands separators removed)."""
    return float(match.group(1).replace(",", ""))


# --------------------------------------------------------------------------- field parsers


def _country_name(src: _Source) -> str:
    """The conventional short name (e.g. "Tajikistan")."""
    node = _node(src, "Government", "Country name", required=True)
    texts = _texts(node or {})
    if not texts.get("conventional short form"):
        raise InputError(f"{src.rel_path}: required field 'Country name / short form' is missing")
    return clean_text(texts["conventional short form"])


def _land_boundaries(src: _Source) -> Iterator[_Value]:
    """Total land boundary and one row per border partner, in km."""
    label = "Geography / Land boundaries"
    texts = _texts(_node(src, "Geography", "Land boundaries", required=True) or {})
    if "total" not in texts:
        raise InputError(f"{src.rel_path}: required field '{label} / total' is missing")
    total_text = clean_text(texts["total"])
    total = _parse(src, f"{label} / total", total_text, _regex(_KM, "'<number> km'"))
    yield _Value("land_boundary_km", _number(total), "km", "total", None, total_text)
    if "border countries" not in texts and _number(total) == 0:
        return
    partners_text = clean_text(texts.get("border countries", ""))
    partners = _parse(src, f"{label} / border countries", partners_text, parse_border_partners)
    for name, km, segment in partners:
        yield _Value("land_boundary_km", km, "km", name, parse_year(partners_text), segment)


def _area(src: _Source) -> Iterator[_Value]:
    """Total, land and water area in sq km."""
    texts = _texts(_node(src, "Geography", "Area", required=True) or {})
    for part in _AREA_PARTS:
        label = f"Geography / Area / {part}"
        if part not in texts:
            raise InputError(f"{src.rel_path}: required field '{label}' is missing")
        text = clean_text(texts[part])
        match = _parse(src, label, text, _regex(_SQ_KM, "'<number> sq km'"))
        yield _Value("area", _number(match), "sq km", part, parse_year(text), text)


def _population(src: _Source) -> Iterator[_Value]:
    """Total population: the field's own text (2021) or its "total" entry (2026)."""
    label = "People and Society / Population"
    texts = _texts(_node(src, "People and Society", "Population", required=True) or {})
    raw = texts.get("total", texts.get(""))
    if raw is None:
        raise InputError(f"{src.rel_path}: required field '{label}' has no text")
    text = clean_text(raw)
    value = _parse(src, label, text, parse_number)
    yield _Value("population", value, "people", "", parse_year(text), text)


def _drinking_water(src: _Source) -> Iterator[_Value]:
    """Improved / unimproved drinking-water source shares (urban, rural, total).

    In 2021 only the last line carries "(2017 est.)"; the Factbook dates the whole group
    that way, so lines without a year of their own inherit the group's year.
    """
    node = _node(src, "People and Society", "Drinking water source", required=False)
    if node is None:
        return
    texts = _texts(node)
    years = [parse_year(clean_text(t)) for k, t in texts.items() if ":" in k]
    group_year = next((y for y in reversed(years) if y is not None), None)
    for kind in _WATER_KINDS:
        for place in _WATER_PLACES:
            key = f"{kind}: {place}"
            if key not in texts:
                continue
            text = clean_text(texts[key])
            label = f"People and Society / Drinking water source / {key}"
            match = _parse(src, label, text, _regex(_WATER, f"'{place}: <n>% of population'"))
            if match.group(1) != place:
                raise InputError(f"{src.rel_path}: field '{label}' is labelled {match.group(1)!r}")
            year = parse_year(text) or group_year
            field = f"drinking_water_{kind}"
            yield _Value(
                field, float(match.group(2).replace(",", "")), "percent", place, year, text
            )


def _poverty(src: _Source) -> Iterator[_Value]:
    """Share of the population below the national poverty line (optional field)."""
    node = _node(src, "Economy", "Population below poverty line", required=False)
    if node is None or not isinstance(node.get("text"), str):
        return
    text = clean_text(node["text"])
    label = "Economy / Population below poverty line"
    match = _parse(src, label, text, _regex(_PERCENT, "'<n>%'"))
    yield _Value("below_poverty_line", _number(match), "percent", "", parse_year(text), text)


def _remittances(src: _Source) -> Iterator[_Value]:
    """Remittances as % of GDP: the Remittances field, else a narrative sentence (2021)."""
    node = _node(src, "Economy", "Remittances", required=False)
    if node is None:
        yield from _remittances_from_overview(src)
        return
    for key, raw in _texts(node).items():
        if not key.startswith("Remittances"):
            continue
        text = clean_text(raw)
        label = f"Economy / Remittances / {key}"
        match = _parse(src, label, text, _regex(_GDP_SHARE, "'<n>% of GDP'"))
        yield _Value("remittances_gdp", _number(match), "percent", "", parse_year(text), text)


def _remittances_from_overview(src: _Source) -> Iterator[_Value]:
    """The first overview sentence naming remittances and "<n>% of GDP" (best effort)."""
    node = _node(src, "Economy", "Economic overview", required=False)
    if node is None or not isinstance(node.get("text"), str):
        return
    for sentence in re.split(r"(?<=[.!?])\s+", clean_text(node["text"])):
        share = _GDP_SHARE.search(sentence)
        if "remittance" in sentence.lower() and share:
            year_match = _IN_YEAR.search(sentence)
            year = int(year_match.group(1)) if year_match else None
            yield _Value(
                "remittances_gdp", _number(share), "percent", "economic overview", year, sentence
            )
            return


def _military(src: _Source) -> Iterator[_Value]:
    """Active armed forces when the narrative says "<n> active troops" etc. (best effort)."""
    node = _node(
        src,
        "Military and Security",
        "Military and security service personnel strengths",
        required=False,
    )
    if node is None or not isinstance(node.get("text"), str):
        return
    text = clean_text(node["text"])
    match = _ACTIVE.search(text)
    if match:
        year = parse_year(text) or _trailing_year(text)
        yield _Value("active_military_personnel", _number(match), "people", "", year, text)


def _trailing_year(text: str) -> int | None:
    """A year in parentheses such as "(2020)" or "(Jan 2021)" anywhere in the text."""
    match = re.search(r"\((?:[A-Za-z]+\.?\s+)?(\d{4})\)", text)
    return int(match.group(1)) if match else None


def _capital(src: _Source) -> Iterator[_Value]:
    """The capital's latitude and longitude (signed decimal degrees), qualified by its name."""
    label = "Government / Capital"
    texts = _texts(_node(src, "Government", "Capital", required=True) or {})
    if "geographic coordinates" not in texts or "name" not in texts:
        raise InputError(f"{src.rel_path}: required field '{label} / coordinates' is missing")
    name = clean_text(texts["name"])
    text = clean_text(texts["geographic coordinates"])
    lat, lon = _parse(src, f"{label} / geographic coordinates", text, parse_coordinates)
    yield _Value("capital_latitude", lat, "degrees", name, None, text)
    yield _Value("capital_longitude", lon, "degrees", name, None, text)


_FIELD_PARSERS: tuple[Callable[[_Source], Iterator[_Value]], ...] = (
    _land_boundaries,
    _area,
    _population,
    _drinking_water,
    _poverty,
    _remittances,
    _military,
    _capital,
)


# --------------------------------------------------------------------------- the table


def profile_rows(gec: str, snapshot: str, *, factbook_dir: Path | None = None) -> pd.DataFrame:
    """The tidy rows (columns as in COLUMNS) of one country's profile in one snapshot."""
    profile = load_profile(gec, snapshot, factbook_dir=factbook_dir)
    path = _factbook_dir(factbook_dir) / snapshot / f"{gec}.json"
    src = _Source(gec, snapshot, path, _relative(path), profile)
    country = _country_name(src)
    rows = [
        {
            "country": country,
            "gec": gec,
            "iso3": GEC_TO_ISO3.get(gec, ""),
            "field": v.field,
            "value": v.value,
            "unit": v.unit,
            "qualifier": v.qualifier,
            "estimate_year": v.estimate_year,
            "snapshot": snapshot,
            "source_path": src.rel_path,
            "source_text": v.source_text,
        }
        for parser in _FIELD_PARSERS
        for v in parser(src)
    ]
    return _typed(pd.DataFrame(rows, columns=list(COLUMNS)))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Give the table its column types (float value, nullable Int64 year, str elsewhere)."""
    frame = frame.astype({"value": "float64", "estimate_year": "Int64"})
    for column in COLUMNS:
        if column not in ("value", "estimate_year"):
            frame[column] = frame[column].astype(str)
    return frame.reset_index(drop=True)


def factbook_table(
    snapshot: str = DEFAULT_SNAPSHOT, *, factbook_dir: Path | None = None
) -> pd.DataFrame:
    """Every parsed value of every profile in `snapshot`, one row each (order: GEC, field)."""
    folder = _snapshot_dir(snapshot, factbook_dir)
    gecs = sorted(p.stem for p in folder.glob("*.json"))
    if not gecs:
        raise InputError(f"{_relative(folder)}: no Factbook profiles (*.json) in this snapshot")
    frames = [profile_rows(gec, snapshot, factbook_dir=factbook_dir) for gec in gecs]
    return _typed(pd.concat(frames, ignore_index=True))


def lookup(table: pd.DataFrame, country: str, field: str, qualifier: str = "") -> pd.Series | None:
    """The single row of `table` for (country, field, qualifier), or None if absent.

    If a field has several rows (e.g. remittances for several years), the most recent
    estimate is returned.
    """
    rows = table[
        (table["country"] == country)
        & (table["field"] == field)
        & (table["qualifier"] == qualifier)
    ]
    if rows.empty:
        return None
    return rows.sort_values("estimate_year", na_position="first", kind="stable").iloc[-1]


def drinking_water_balance(table: pd.DataFrame) -> pd.DataFrame:
    """Improved + unimproved shares per country and place; they should add up to about 100.

    Columns: country, qualifier, improved, unimproved, sum. A sum far from 100 flags a
    Factbook slip (e.g. Afghanistan's 2021 "unimproved: total" repeats the rural figure).
    """
    water = table[table["field"].str.startswith("drinking_water_")]
    wide = water.pivot_table(
        index=["country", "qualifier"], columns="field", values="value", aggfunc="first"
    ).reset_index()
    wide = wide.rename(
        columns={"drinking_water_improved": "improved", "drinking_water_unimproved": "unimproved"}
    )
    wide.columns.name = None
    wide["sum"] = wide["improved"] + wide["unimproved"]
    return wide[["country", "qualifier", "improved", "unimproved", "sum"]]
