"""Read World Factbook profiles (JSON snapshots) into one tidy table of numbers, and a gazetteer.

The profiles live in ``data/reference/factbook/<snapshot>/<gec>.json`` (see SOURCE.md there):
all 261 of the Factbook (countries, territories, the World, the EU, the five oceans).
Their texts drift between snapshots: thousands separators appear ("1357 km" becomes
"1,357 km"), list separators change ("," becomes ";"), keys gain trailing spaces
("total "), the population moves under a "total" key, HTML tags and entities come and go,
and the estimate year moves from the end of a group ("... (2017 est.)" after the last
drinking-water line) onto every line. Each value here is parsed by a small regex from the
cleaned text.

What happens when a value cannot be read (the policy, in one place):

- A field that is **absent** gives no rows: the oceans have no population, Antarctica no
  capital, tiny territories no median age. Only ``Geography / Area`` (with its "total") is
  required, as every one of the 261 profiles has it; its absence raises
  :class:`~spillover.errors.InputError`.
- A field that is present but **says there is no figure** -- the Factbook's own words "NA",
  "NEGL"/"negligible", "none", "uninhabited", "no permanent/indigenous inhabitants", a note
  alone -- or that gives **a figure that is not a plain value** (an upper bound "3 sq km less
  than", a figure qualified by where it applies, a negative share, a coastline given per
  island) is skipped; :func:`factbook_skips` lists every such skip with its text and reason.
- Anything else that does not parse raises :class:`~spillover.errors.InputError` naming the
  file and the field, so a new format is noticed rather than silently lost.

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
- ``coastline_km`` (km; ""; 0 for a landlocked country)
- ``median_age`` and ``life_expectancy_at_birth`` (years; "total", "male", "female")
- ``gdp_official_exchange_rate`` (USD; ""): GDP at the official exchange rate

Parsing all 261 profiles of one snapshot takes 0.15 to 0.4 s (two busy cores); each file's
result is cached in-process (keyed on its path, size and modification time), so a second
``factbook_table(snapshot, ALL)`` takes about 15 ms.

The gazetteer (:func:`gazetteer`, :func:`find_countries`, :func:`countries_named`) is built
from the same profiles: each one's conventional short and long names, its abbreviation, and
its nationality noun and adjective. ``data/reference/gazetteer.yaml`` holds what the Factbook
cannot: names for the few profiles without a "Country name" field, and a short list of
names that are too ambiguous in English news to match freely.
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import yaml

from spillover import paths
from spillover.errors import InputError

DEFAULT_SNAPSHOT = "2021-07-01"

#: GEC code -> ISO 3166-1 alpha-3, as tabulated in data/reference/factbook/SOURCE.md.
#: The Factbook profiles carry no ISO codes; other profiles get an empty iso3.
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

#: What ``factbook_table(snapshot)`` selects when no ``gecs`` are given: the profiles that
#: have an ISO code above (the table's selection before the full Factbook arrived; the
#: data dictionary requires iso3). Pass ``gecs=ALL`` for every profile.
DEFAULT_GECS: tuple[str, ...] = tuple(sorted(GEC_TO_ISO3))
ALL = "all"

#: Curated data the Factbook cannot give: see that file's comments.
GAZETTEER_FILE = paths.REFERENCE / "gazetteer.yaml"

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
SKIP_COLUMNS: tuple[str, ...] = (
    "country",
    "gec",
    "field",
    "label",
    "snapshot",
    "source_path",
    "source_text",
    "reason",
)
GAZETTEER_COLUMNS: tuple[str, ...] = ("gec", "country", "name", "kind", "used", "note")
NAMED_COLUMNS: tuple[str, ...] = ("gec", "country", "name", "start", "end")

_SNAPSHOT_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_TAG = re.compile(r"<[^>]+>")
_YEAR = re.compile(r"\((?:[A-Za-z]+\.?\s+)?(\d{4})(?:\s+est\.?)?\)")
_KM = re.compile(rf"^({_NUMBER})\s*km\b")
_LEADING_NUMBER = re.compile(rf"^({_NUMBER})(?:\s+(million|billion))?\b")
_PERCENT = re.compile(rf"^({_NUMBER})%")
# A partner, its length, and an optional note on that length: "Angola 2,646 km (of which ...)".
_PARTNER = re.compile(rf"(?P<name>[^\d,;]+?)\s+(?P<number>{_NUMBER})\s*km\b(?:\s*\((?P<note>[^()]*)\))?")
_PARTNER_LEFTOVER = re.compile(r"^(?:[\s,;]|\band\b)*$")
_NOTE_TAIL = re.compile(r"[;,]?\s*\bnote\b\s*(?:\d+\s*)?[-:].*$", re.DOTALL)
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
_MULTIPLIERS = {None: 1.0, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_WATER_KINDS = ("improved", "unimproved")
_WATER_PLACES = ("urban", "rural", "total")
_AREA_PARTS = ("total", "land", "water")
_SEX_PARTS = (("total", "total"), ("total population", "total"), ("male", "male"), ("female", "female"))

# A figure at the start of a text: an optional leading "(2017 est.)" (2026 moves some years
# there), the Factbook's "approximately", a number and a scale word.
_FIGURE = re.compile(
    r"^(?:\((?:[A-Za-z]+\.?\s+)?\d{4}(?:\s+est\.?)?\)\s*)?(?:approximately\s+)?"
    rf"(?P<prefix>\$)?(?P<number>-?(?:{_NUMBER}))(?:\s+(?P<scale>million|billion|trillion))?"
)
# The Factbook's words for "no figure here", and why each is skipped.
_NO_FIGURE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^NA\b"), "the Factbook gives NA (not available)"),
    (re.compile(r"^(?:NEGL|negligible)\b", re.I), "the Factbook gives 'negligible', not a figure"),
    (re.compile(r"^none\b", re.I), "the Factbook gives 'none'"),
    (
        re.compile(r"^(?:uninhabited|no (?:indigenous|permanent) inhabitants)\b", re.I),
        "no permanent population, in the Factbook's words",
    ),
    (re.compile(r"^note\b", re.I), "only a note, no figure"),
)
_LEADING_ESTIMATE = re.compile(r"^\((?:[A-Za-z]+\.?\s+)?\d{4}(?:\s+est\.?)?\)\s*")
_PER_PART = re.compile(r"^[A-Z][^:]{0,80}:\s")  # "Saint Helena: 60 km Ascension Island: NA ..."


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


@dataclass(frozen=True)
class _Skip:
    """A field that is present but holds no usable figure, and why (see the module policy)."""

    field: str
    label: str
    source_text: str
    reason: str


_Outcome = _Value | _Skip


class _Parsed(NamedTuple):
    """Everything read from one profile file (cached per file)."""

    country: str
    rows: tuple[dict[str, Any], ...]
    skips: tuple[dict[str, Any], ...]
    names: tuple[tuple[str, str], ...]  # (name, kind) for the gazetteer
    dependent: bool  # the profile has a "Dependency status" (a territory, not a state)


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
    (2026), "China (southeast) 4133 km and China (south) 46 km", a note on one length
    ("Angola 2,646 km (of which 225 km ...)", kept in the segment) and a trailing
    "; note - ..." (dropped). Raises ValueError if anything but separators is left over once
    the partners are taken out.
    """
    text = _NOTE_TAIL.sub("", text)
    partners = []
    for match in _PARTNER.finditer(text):
        name = re.sub(r"^(?:[\s,;]|and\b)+", "", match.group("name")).strip()
        number = match.group("number")
        note = f" ({match.group('note')})" if match.group("note") else ""
        partners.append((name, float(number.replace(",", "")), f"{name} {number} km{note}"))
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


def no_figure_reason(text: str) -> str | None:
    """Why a Factbook text holds no figure ("NA", "uninhabited", ...), or None if it may."""
    bare = _LEADING_ESTIMATE.sub("", text.strip())
    for pattern, reason in _NO_FIGURE:
        if pattern.match(bare):
            return reason
    return None


def _figure(text: str, unit: str) -> tuple[float, str] | None:
    """(value, the text after it) for a text starting with a figure and then `unit` (a regex,
    "" for none), e.g. "1.284 million sq km (...)"; None if the text does not start so."""
    match = _FIGURE.match(text)
    if match is None:
        return None
    rest = text[match.end() :]
    if unit:
        unit_match = re.match(rf"\s*(?:{unit})(?!\w)", rest)
        if unit_match is None:
            return None
        rest = rest[unit_match.end() :]
    value = float(match.group("number").replace(",", "")) * _MULTIPLIERS[match.group("scale")]
    return value, rest.strip()


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
        raise InputError(f"unknown Factbook snapshot {snapshot!r}; available: {', '.join(available)}")
    return _factbook_dir(factbook_dir) / snapshot


def profile_gecs(snapshot: str = DEFAULT_SNAPSHOT, *, factbook_dir: Path | None = None) -> list[str]:
    """The GEC codes of every profile in `snapshot`, sorted."""
    folder = _snapshot_dir(snapshot, factbook_dir)
    return sorted(p.stem for p in folder.glob("*.json"))


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
    section_node = src.profile.get(section)
    node = section_node.get(field) if isinstance(section_node, dict) else None
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


def _read_figure(
    src: _Source, field: str, label: str, text: str, unit_regex: str, what: str
) -> tuple[float, str] | _Skip:
    """The figure at the start of `text` and the rest, or a _Skip for the Factbook's "no figure"
    words; InputError naming the file and field for anything else."""
    reason = no_figure_reason(text)
    if reason is not None:
        return _Skip(field, label, text, reason)
    figure = _figure(text, unit_regex)
    if figure is None:
        raise InputError(f"{src.rel_path}: cannot parse field '{label}': expected {what}, got {text!r}")
    return figure


def _group_year(texts: dict[str, str], keys: Iterable[str]) -> int | None:
    """The estimate year of a group of lines: the 2021 files put it on the last line only,
    the 2026 files on the first; lines without a year of their own inherit it."""
    years = [parse_year(clean_text(texts[k])) for k in keys if k in texts]
    return next((y for y in reversed(years) if y is not None), None)


# --------------------------------------------------------------------------- names


def _unnamed_profiles() -> dict[str, str]:
    """Names of the profiles without a Country name field (data/reference/gazetteer.yaml)."""
    return {str(k): str(v["name"]) for k, v in (_gazetteer_data().get("unnamed_profiles") or {}).items()}


def _country_name(src: _Source) -> str:
    """The conventional short name (e.g. "Tajikistan"); the long name when the short one is
    "none" (e.g. "United Arab Emirates"); for the World, the EU and the oceans, which have no
    Country name field, the name in data/reference/gazetteer.yaml."""
    node = _node(src, "Government", "Country name", required=False) or {}
    texts = _texts(node)
    for key in ("conventional short form", "conventional long form"):
        name = clean_text(texts.get(key, ""))
        if name and name.lower() != "none":
            return name
    fallback = _unnamed_profiles().get(src.gec)
    if fallback:
        return fallback
    raise InputError(
        f"{src.rel_path}: required field 'Government / Country name / conventional short form' "
        f"is missing, and {GAZETTEER_FILE.name} names no profile {src.gec!r}"
    )


def _variants(name: str) -> list[str]:
    """A name as written and its common variants: without a parenthetical ("Falkland Islands
    (Islas Malvinas)"), without a leading "The", without accents, "St." for "Saint"."""
    out = [name]
    bare = re.sub(r"\s*\([^()]*\)", "", name).strip()
    inner = re.findall(r"\(([^()]*)\)", name)
    out.append(bare)
    # A name in parentheses of two words or more: "Islas Malvinas", "Vatican City" (not
    # "Brazzaville" in "Congo (Brazzaville)", a city).
    out += [i for i in inner if re.fullmatch(r"[A-Z][\w'.-]+(?: [A-Z][\w'.-]+)+", i)]
    for n in list(out):
        if n.startswith("The "):
            out.append(n[4:])
        if n.startswith("Saint "):
            out += ["St. " + n[6:], "St " + n[6:]]
    for n in list(out):
        folded = unicodedata.normalize("NFKD", n).encode("ascii", "ignore").decode()
        if folded and folded != n:
            out.append(folded)
    return list(dict.fromkeys(n for n in out if n))


def _demonym_forms(text: str) -> list[str]:
    """Nouns or adjectives of a Nationality text: "Afghan(s)" -> Afghan, Afghans;
    "Frenchman(men), Frenchwoman(women)"; "Lao(s) or Laotian(s)"; notes are dropped."""
    text = re.sub(r"\(or ([^()]*)\)", r", \1", re.split(r";?\s*\bnote\b", text)[0])
    forms = []
    for part in re.split(r"[,;/]|\bor\b", text):
        part = part.strip()
        plural = re.match(r"^(.*?)\s?\((s|men|women)\)", part)
        if plural:
            base = plural.group(1).strip()
            forms.append(base)
            forms.append(base + "s" if plural.group(2) == "s" else re.sub(r"man$", "men", base))
            continue
        forms.append(re.sub(r"\s*\([^()]*\)", "", part).strip())
    return [f for f in forms if f and f not in ("NA", "none", "None")]


def _profile_names(src: _Source, country: str) -> tuple[tuple[str, str], ...]:
    """Every (name, kind) a text may use for this profile, from its own fields."""
    government = src.profile.get("Government")
    people = src.profile.get("People and Society")
    names_node = government.get("Country name") if isinstance(government, dict) else None
    texts = _texts(names_node) if isinstance(names_node, dict) else {}
    raw: list[tuple[str, str]] = [(country, "name")]
    short = clean_text(texts.get("conventional short form", ""))
    # A short form may list several names ("Gaza, Gaza Strip"; "Baker Island, Howland Island,
    # ..."); a long form may add a remark after ";" ("...; current country name disputed").
    raw += [(n.strip(), "short name") for n in re.split(r",\s*(?![^()]*\))", short)]
    raw += [(n.strip(), "long name") for n in clean_text(texts.get("conventional long form", "")).split(";")]
    abbreviations = re.sub(r"\(or ([^()]*)\)", r" or \1", clean_text(texts.get("abbreviation", "")))
    for abbreviation in re.split(r"\bor\b|/", re.sub(r"\([^()]*\)", "", abbreviations)):
        raw.append((abbreviation.strip(), "abbreviation"))
    nationality = people.get("Nationality") if isinstance(people, dict) else None
    nat_texts = _texts(nationality) if isinstance(nationality, dict) else {}
    for key in ("noun", "adjective"):
        raw += [(form, key) for form in _demonym_forms(clean_text(nat_texts.get(key, "")))]
    names: dict[str, str] = {}
    for name, kind in raw:
        if not name or name.lower() == "none" or not name[0].isupper():
            continue
        for variant in _variants(name):
            if variant[0].isupper():
                names.setdefault(variant, kind)
    return tuple(names.items())


def _is_dependent(src: _Source) -> bool:
    """A territory rather than a state: its Government section has a "Dependency status"."""
    government = src.profile.get("Government")
    return isinstance(government, dict) and "Dependency status" in government


# --------------------------------------------------------------------------- field parsers


def _land_boundaries(src: _Source) -> Iterator[_Outcome]:
    """Total land boundary and one row per border partner, in km."""
    label = "Geography / Land boundaries"
    node = _node(src, "Geography", "Land boundaries", required=False)
    if node is None:
        return  # the oceans
    texts = _texts(node)
    if "total" not in texts:
        yield from _boundary_without_total(src, label, clean_text(texts.get("", "")))
        return
    total_text = clean_text(texts["total"])
    total = _parse(src, f"{label} / total", total_text, _regex(_KM, "'<number> km'"))
    yield _Value("land_boundary_km", _number(total), "km", "total", None, total_text)
    # Partners are under "border countries", or "regional borders" (Hong Kong, Macau) and
    # "border sovereign base areas" (Cyprus).
    keys = [k for k in texts if k.startswith("border") or k == "regional borders"]
    if not keys and _number(total) == 0:
        return
    for key in keys or ["border countries"]:
        partners_text = clean_text(texts.get(key, ""))
        partners = _parse(src, f"{label} / {key}", partners_text, parse_border_partners)
        for name, km, segment in partners:
            yield _Value("land_boundary_km", km, "km", name, parse_year(partners_text), segment)


def _boundary_without_total(src: _Source, label: str, text: str) -> Iterator[_Outcome]:
    """A Land boundaries field with no "total" entry: "0" (Curacao), "0 note: ..." (Antarctica
    2021) is a total of 0 km; a narrative (the World) or a note alone is skipped."""
    zero = re.match(rf"^({_NUMBER})(?:\s*km)?(?![\d.,]|\s*\w)", text) or re.match(r"^(0)\s+note\b", text)
    if zero:
        yield _Value("land_boundary_km", _number(zero), "km", "total", None, text)
    else:
        yield _Skip("land_boundary_km", label, text, "no 'total' entry; the text is not a figure")


def _area(src: _Source) -> Iterator[_Outcome]:
    """Total, land and water area in sq km. The field is required (every profile has it);
    its parts may be absent (the oceans have no land, the US Pacific islands only land)."""
    texts = _texts(_node(src, "Geography", "Area", required=True) or {})
    if "total" not in texts and _PER_PART.match(clean_text(texts.get("", ""))):
        yield _Skip("area", "Geography / Area", clean_text(texts[""]), "given per island, no total")
    for part in _AREA_PARTS:
        label = f"Geography / Area / {part}"
        if part not in texts:
            continue
        text = clean_text(texts[part])
        figure = _read_figure(src, "area", label, text, r"sq km", "'<number> sq km'")
        if isinstance(figure, _Skip):
            yield figure
        elif figure[1].startswith("less than"):  # "3 sq km less than": a bound, not a value
            yield _Skip("area", label, text, "an upper bound ('less than'), not a value")
        else:
            yield _Value("area", figure[0], "sq km", part, parse_year(text), text)


def _population(src: _Source) -> Iterator[_Outcome]:
    """Total population: the field's own text (2021) or its "total" entry (2026).

    A figure followed directly by words ("approximately 18,195 on the Sovereign Base Areas
    ...") is qualified, not the profile's total, and is skipped."""
    label = "People and Society / Population"
    node = _node(src, "People and Society", "Population", required=False)
    if node is None:
        return  # the oceans
    texts = _texts(node)
    raw = texts.get("total", texts.get(""))
    if raw is None:
        raise InputError(f"{src.rel_path}: field '{label}' has no text")
    text = clean_text(raw)
    figure = _read_figure(src, "population", label, text, "", "'<number> [million]'")
    if isinstance(figure, _Skip):
        yield figure
        return
    # Words right after the figure qualify it, unless they only name the profile itself
    # ("66,052,076 United Kingdom (July 2021 est.)"); after its "(2021 est.)" they are a note.
    rest = figure[1].removeprefix(_country_name(src)).strip()
    if re.match(r"[A-Za-z]", rest) and not rest.startswith("note"):
        yield _Skip("population", label, text, f"the figure is qualified ('{rest[:60]}...'), not a total")
        return
    yield _Value("population", figure[0], "people", "", parse_year(text), text)


def _drinking_water(src: _Source) -> Iterator[_Outcome]:
    """Improved / unimproved drinking-water source shares (urban, rural, total).

    In 2021 only the last line carries "(2017 est.)"; the Factbook dates the whole group
    that way, so lines without a year of their own inherit the group's year.
    """
    node = _node(src, "People and Society", "Drinking water source", required=False)
    if node is None:
        return
    texts = _texts(node)
    group_year = _group_year(texts, [k for k in texts if ":" in k])
    for kind in _WATER_KINDS:
        for place in _WATER_PLACES:
            key = f"{kind}: {place}"
            if key in texts:
                yield _water_share(src, kind, place, clean_text(texts[key]), group_year)


def _water_share(src: _Source, kind: str, place: str, text: str, group_year: int | None) -> _Outcome:
    """One drinking-water line, e.g. "urban: 96.2% of population"."""
    field = f"drinking_water_{kind}"
    label = f"People and Society / Drinking water source / {kind}: {place}"
    share = re.sub(rf"^{place}:\s*", "", text)
    reason = no_figure_reason(share)
    if reason is not None:
        return _Skip(field, label, text, reason)
    if share.startswith("-"):
        return _Skip(field, label, text, "a negative share, a slip in the Factbook")
    match = _parse(src, label, text, _regex(_WATER, f"'{place}: <n>% of population'"))
    if match.group(1) != place:
        raise InputError(f"{src.rel_path}: field '{label}' is labelled {match.group(1)!r}")
    year = parse_year(text) or group_year
    return _Value(field, float(match.group(2).replace(",", "")), "percent", place, year, text)


def _poverty(src: _Source) -> Iterator[_Outcome]:
    """Share of the population below the national poverty line (optional field)."""
    node = _node(src, "Economy", "Population below poverty line", required=False)
    if node is None or not isinstance(node.get("text"), str):
        return
    text = clean_text(node["text"])
    label = "Economy / Population below poverty line"
    reason = no_figure_reason(text)
    if reason is not None:
        yield _Skip("below_poverty_line", label, text, reason)
        return
    match = _parse(src, label, _LEADING_ESTIMATE.sub("", text), _regex(_PERCENT, "'<n>%'"))
    yield _Value("below_poverty_line", _number(match), "percent", "", parse_year(text), text)


def _remittances(src: _Source) -> Iterator[_Outcome]:
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
        reason = no_figure_reason(text)
        if reason is not None:
            yield _Skip("remittances_gdp", label, text, reason)
            continue
        match = _parse(src, label, text, _regex(_GDP_SHARE, "'<n>% of GDP'"))
        yield _Value("remittances_gdp", _number(match), "percent", "", parse_year(text), text)


def _remittances_from_overview(src: _Source) -> Iterator[_Outcome]:
    """The first overview sentence naming remittances and "<n>% of GDP" (best effort)."""
    node = _node(src, "Economy", "Economic overview", required=False)
    if node is None or not isinstance(node.get("text"), str):
        return
    for sentence in re.split(r"(?<=[.!?])\s+", clean_text(node["text"])):
        share = _GDP_SHARE.search(sentence)
        if "remittance" in sentence.lower() and share:
            year_match = _IN_YEAR.search(sentence)
            year = int(year_match.group(1)) if year_match else None
            yield _Value("remittances_gdp", _number(share), "percent", "economic overview", year, sentence)
            return


def _military(src: _Source) -> Iterator[_Outcome]:
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


def _capital(src: _Source) -> Iterator[_Outcome]:
    """The capital's latitude and longitude (signed decimal degrees), qualified by its name.
    Absent for entities without a capital; skipped when no coordinates are given (Nauru)."""
    label = "Government / Capital"
    node = _node(src, "Government", "Capital", required=False)
    if node is None:
        return
    texts = _texts(node)
    name = clean_text(texts.get("name", ""))
    if "geographic coordinates" not in texts or not name:
        yield _Skip("capital_latitude", label, name, "no capital name with coordinates")
        return
    # The EU's text names the city first: "(Brussels) 50 50 N, 4 20 E".
    text = re.sub(r"^\([^()]*\)\s*", "", clean_text(texts["geographic coordinates"]))
    lat, lon = _parse(src, f"{label} / geographic coordinates", text, parse_coordinates)
    yield _Value("capital_latitude", lat, "degrees", name, None, text)
    yield _Value("capital_longitude", lon, "degrees", name, None, text)


def _coastline(src: _Source) -> Iterator[_Outcome]:
    """Coastline in km (0 for a landlocked country); skipped when given per island."""
    label = "Geography / Coastline"
    node = _node(src, "Geography", "Coastline", required=False)
    text = clean_text(_texts(node).get("", "")) if node else ""
    if not text:
        return
    if _PER_PART.match(text):
        yield _Skip("coastline_km", label, text, "given per island or part, with no total")
        return
    figure = _read_figure(src, "coastline_km", label, text, "km", "'<number> km'")
    if isinstance(figure, _Skip):
        yield figure
    else:
        yield _Value("coastline_km", figure[0], "km", "", parse_year(text), text)


def _years_by_sex(src: _Source, field: str, section: str, name: str) -> Iterator[_Outcome]:
    """A "total / male / female" group in years (median age, life expectancy at birth)."""
    node = _node(src, section, name, required=False)
    if node is None:
        return
    texts = _texts(node)
    group_year = _group_year(texts, [key for key, _ in _SEX_PARTS])
    for key, qualifier in _SEX_PARTS:
        if key not in texts:
            continue
        text = clean_text(texts[key])
        label = f"{section} / {name} / {key}"
        figure = _read_figure(src, field, label, text, r"(?:years)?", "'<number> years'")
        if isinstance(figure, _Skip):
            yield figure
        else:
            yield _Value(field, figure[0], "years", qualifier, parse_year(text) or group_year, text)


def _median_age(src: _Source) -> Iterator[_Outcome]:
    """Median age in years (total, male, female)."""
    yield from _years_by_sex(src, "median_age", "People and Society", "Median age")


def _life_expectancy(src: _Source) -> Iterator[_Outcome]:
    """Life expectancy at birth in years (total population, male, female)."""
    yield from _years_by_sex(
        src, "life_expectancy_at_birth", "People and Society", "Life expectancy at birth"
    )


def _gdp(src: _Source) -> Iterator[_Outcome]:
    """GDP at the official exchange rate in US dollars ("$2,715,574,000,000", "$3.162 trillion")."""
    label = "Economy / GDP (official exchange rate)"
    node = _node(src, "Economy", "GDP (official exchange rate)", required=False)
    text = clean_text(_texts(node).get("", "")) if node else ""
    if not text:
        return
    reason = no_figure_reason(text)
    match = _FIGURE.match(text)
    if reason is not None:
        yield _Skip("gdp_official_exchange_rate", label, text, reason)
    elif match is None or not match.group("prefix"):
        raise InputError(f"{src.rel_path}: cannot parse field '{label}': expected '$<number>', got {text!r}")
    else:
        value = float(match.group("number").replace(",", "")) * _MULTIPLIERS[match.group("scale")]
        yield _Value("gdp_official_exchange_rate", value, "USD", "", parse_year(text), text)


_FIELD_PARSERS: tuple[Callable[[_Source], Iterator[_Outcome]], ...] = (
    _land_boundaries,
    _area,
    _population,
    _drinking_water,
    _poverty,
    _remittances,
    _military,
    _capital,
    _coastline,
    _median_age,
    _life_expectancy,
    _gdp,
)


# --------------------------------------------------------------------------- the table


def _profile_path(gec: str, snapshot: str, factbook_dir: Path | None) -> Path:
    """The file of one profile (InputError listing the available ones if there is none)."""
    path = _snapshot_dir(snapshot, factbook_dir) / f"{gec}.json"
    if not path.is_file():
        load_profile(gec, snapshot, factbook_dir=factbook_dir)  # raises, listing the codes
    return path


def _parsed(gec: str, snapshot: str, factbook_dir: Path | None) -> _Parsed:
    """One profile, parsed (cached on the file's path, size and modification time, and on
    those of gazetteer.yaml, which names the profiles without a Country name)."""
    path = _profile_path(gec, snapshot, factbook_dir)
    stat = path.stat()
    return _parse_file(str(path), stat.st_size, stat.st_mtime_ns, gec, snapshot, _gazetteer_state())


@functools.lru_cache(maxsize=2048)
def _parse_file(
    path: str, size: int, mtime_ns: int, gec: str, snapshot: str, curated: tuple[int, int]
) -> _Parsed:
    """Parse one profile file into rows, skips and names (the other arguments key the cache)."""
    file = Path(path)
    profile = load_profile(gec, snapshot, factbook_dir=file.parent.parent)
    src = _Source(gec, snapshot, file, _relative(file), profile)
    country = _country_name(src)
    base = {"country": country, "gec": gec, "snapshot": snapshot, "source_path": src.rel_path}
    rows: list[dict[str, Any]] = []
    skips: list[dict[str, Any]] = []
    for parser in _FIELD_PARSERS:
        for outcome in parser(src):
            if isinstance(outcome, _Skip):
                skips.append({**base, **vars(outcome)})
            else:
                rows.append({**base, "iso3": GEC_TO_ISO3.get(gec, ""), **vars(outcome)})
    return _Parsed(country, tuple(rows), tuple(skips), _profile_names(src, country), _is_dependent(src))


def profile_rows(gec: str, snapshot: str, *, factbook_dir: Path | None = None) -> pd.DataFrame:
    """The tidy rows (columns as in COLUMNS) of one country's profile in one snapshot."""
    return _typed(pd.DataFrame(list(_parsed(gec, snapshot, factbook_dir).rows), columns=list(COLUMNS)))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Give the table its column types (float value, nullable Int64 year, str elsewhere)."""
    frame = frame.astype({"value": "float64", "estimate_year": "Int64"})
    for column in COLUMNS:
        if column not in ("value", "estimate_year"):
            frame[column] = frame[column].astype(str)
    return frame.reset_index(drop=True)


def _selected(snapshot: str, gecs: Iterable[str] | str | None, factbook_dir: Path | None) -> list[str]:
    """The GEC codes to read, sorted: DEFAULT_GECS for None, every profile for ALL."""
    if gecs is None:
        return sorted(DEFAULT_GECS)
    if gecs == ALL:
        chosen = profile_gecs(snapshot, factbook_dir=factbook_dir)
        if not chosen:
            folder = _snapshot_dir(snapshot, factbook_dir)
            raise InputError(f"{_relative(folder)}: no Factbook profiles (*.json) in this snapshot")
        return chosen
    return sorted({gecs} if isinstance(gecs, str) else {str(g) for g in gecs})


def factbook_table(
    snapshot: str = DEFAULT_SNAPSHOT,
    gecs: Iterable[str] | str | None = None,
    *,
    factbook_dir: Path | None = None,
) -> pd.DataFrame:
    """Every parsed value of the chosen profiles in `snapshot`, one row each (order: GEC,
    field). `gecs`: None for DEFAULT_GECS, ALL ("all") for all 261, or a list of codes."""
    _snapshot_dir(snapshot, factbook_dir)
    rows = [
        row
        for gec in _selected(snapshot, gecs, factbook_dir)
        for row in _parsed(gec, snapshot, factbook_dir).rows
    ]
    return _typed(pd.DataFrame(rows, columns=list(COLUMNS)))


def factbook_skips(
    snapshot: str = DEFAULT_SNAPSHOT,
    gecs: Iterable[str] | str | None = ALL,
    *,
    factbook_dir: Path | None = None,
) -> pd.DataFrame:
    """The fields that are present but were skipped, with their text and reason (columns:
    SKIP_COLUMNS). `gecs` as in factbook_table, but every profile by default."""
    _snapshot_dir(snapshot, factbook_dir)
    rows = [
        row
        for gec in _selected(snapshot, gecs, factbook_dir)
        for row in _parsed(gec, snapshot, factbook_dir).skips
    ]
    return pd.DataFrame(rows, columns=list(SKIP_COLUMNS)).astype(str)


def lookup(table: pd.DataFrame, country: str, field: str, qualifier: str = "") -> pd.Series | None:
    """The single row of `table` for (country, field, qualifier), or None if absent.

    If a field has several rows (e.g. remittances for several years), the most recent
    estimate is returned.
    """
    rows = table[
        (table["country"] == country) & (table["field"] == field) & (table["qualifier"] == qualifier)
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


# --------------------------------------------------------------------------- gazetteer


def _gazetteer_state() -> tuple[int, int]:
    """Size and modification time of data/reference/gazetteer.yaml (keys of the caches)."""
    try:
        stat = GAZETTEER_FILE.stat()
    except OSError as error:
        raise InputError(f"{GAZETTEER_FILE}: cannot read the gazetteer data ({error})") from error
    return stat.st_size, stat.st_mtime_ns


def _gazetteer_data() -> dict[str, Any]:
    """data/reference/gazetteer.yaml: names of unnamed profiles, and the ambiguous names
    (read again only when the file changes)."""
    return _read_gazetteer_data(*_gazetteer_state())


@functools.lru_cache(maxsize=1)
def _read_gazetteer_data(size: int, mtime_ns: int) -> dict[str, Any]:
    """The parsed gazetteer file (size and mtime key the cache)."""
    try:
        data = yaml.safe_load(GAZETTEER_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise InputError(f"{GAZETTEER_FILE}: cannot read the gazetteer data ({error})") from error
    if not isinstance(data, dict):
        raise InputError(f"{GAZETTEER_FILE}: expected a mapping at the top level")
    return data


def _stop_rules() -> dict[str, tuple[str, str]]:
    """name -> (rule, reason) from the gazetteer file's `ambiguous` list."""
    rules = {}
    for entry in _gazetteer_data().get("ambiguous") or []:
        rule = entry.get("rule")
        if rule not in ("never", "not_before_capitalised"):
            raise InputError(f"{GAZETTEER_FILE}: unknown rule {rule!r} for {entry.get('name')!r}")
        rules[str(entry["name"])] = (rule, str(entry.get("reason", "")))
    return rules


@dataclass(frozen=True)
class Gazetteer:
    """Names of the profiles of one snapshot and how to find them in a text."""

    table: pd.DataFrame  # GAZETTEER_COLUMNS: every name, whether it is used, and why not
    pattern: re.Pattern[str] | None  # every used name, longest first, whole words only
    gec_of: dict[str, str]  # used name -> GEC code
    country_of: dict[str, str]  # GEC code -> country (the factbook table's name)
    all_names: dict[str, frozenset[str]]  # every name -> the codes that use it (for lookups)
    rules: dict[str, str]  # used name -> "not_before_capitalised"


def gazetteer(snapshot: str = DEFAULT_SNAPSHOT, *, factbook_dir: Path | None = None) -> Gazetteer:
    """The gazetteer of `snapshot` (built once per snapshot and state of its files, cached)."""
    folder = _snapshot_dir(snapshot, factbook_dir)
    state = tuple((p.stem, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.json")))
    return _cached_gazetteer(snapshot, str(_factbook_dir(factbook_dir)), state, _gazetteer_state())


@functools.lru_cache(maxsize=8)
def _cached_gazetteer(
    snapshot: str, factbook_dir: str, state: tuple[tuple[str, int, int], ...], curated: tuple[int, int]
) -> Gazetteer:
    """The gazetteer of one state of a snapshot's files and of gazetteer.yaml (they key the
    cache)."""
    return _build_gazetteer([(gec, _parsed(gec, snapshot, Path(factbook_dir))) for gec, _, _ in state])


def _build_gazetteer(parsed: list[tuple[str, _Parsed]]) -> Gazetteer:
    """Resolve names shared by several profiles, apply the stop list, compile the pattern.

    A name shared by several profiles ("French": France and Saint Pierre and Miquelon) goes
    to the one state among them if exactly one is not a dependency; otherwise ("Korean",
    "Congolese", "Channel Islander") it is ambiguous and not used.
    """
    owners: dict[str, list[str]] = {}
    kinds: dict[tuple[str, str], str] = {}
    for gec, p in parsed:
        for name, kind in p.names:
            owners.setdefault(name, []).append(gec)
            kinds[(name, gec)] = kind
    dependent = {gec: p.dependent for gec, p in parsed}
    country_of = {gec: p.country for gec, p in parsed}
    stops = _stop_rules()
    rows, gec_of, rules = [], {}, {}
    for name, gecs in sorted(owners.items()):
        states = [g for g in gecs if not dependent[g]]
        owner = gecs[0] if len(gecs) == 1 else (states[0] if len(states) == 1 else None)
        rule, reason = stops.get(name, ("", ""))
        note = reason if rule == "never" else ""
        if owner is None:
            note = "ambiguous: names " + ", ".join(country_of[g] for g in gecs)
        elif rule == "not_before_capitalised":
            note = f"not matched before a capitalised word: {reason}"
        used = owner is not None and rule != "never"
        if used and owner is not None:
            gec_of[name] = owner
            if rule:
                rules[name] = rule
        for gec in gecs:
            own = note if owner in (None, gec) else f"used for {country_of[owner]}, the one state sharing it"
            rows.append((gec, country_of[gec], name, kinds[(name, gec)], used and gec == owner, own))
    table = pd.DataFrame(rows, columns=list(GAZETTEER_COLUMNS)).sort_values(["gec", "name"], kind="stable")
    names = sorted(gec_of, key=lambda n: (-len(n), n))
    pattern = (
        re.compile(r"(?<![\w])(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)") if names else None
    )
    all_names = {n: frozenset(g) for n, g in owners.items()}
    return Gazetteer(table.reset_index(drop=True), pattern, gec_of, country_of, all_names, rules)


# Function words that may stand capitalised before a country name in a headline or at the
# start of a clause ("Spills Over Into Tajikistan"); any other capitalised word before a name
# makes it part of another name ("New Mexico", "Latin American", "Northern Ireland").
_FUNCTION_WORDS = frozenset(
    re.findall(
        r"\w+",
        "A An And As At But By For From In Into Of On Or Over The To Toward Towards With Without "
        "Across Against Between Beyond Near Through Under Until Upon Within",
    )
)
_PREVIOUS_WORD = re.compile(r"(?<!\w)([A-Z][a-z]+)[ \t]$")
_NEXT_CAPITALISED = re.compile(r"^[ \t]+[A-Z][a-z]")
_SENTENCE_OPENERS = frozenset('.!?:;"“‘(—–\n')


def _part_of_longer_name(text: str, start: int) -> bool:
    """A capitalised word right before the match, not opening a sentence and not a function
    word, makes the match part of another proper name ("New Jersey", "Michael Jordan")."""
    window_start = max(0, start - 40)
    match = _PREVIOUS_WORD.search(text, window_start, start)
    if match is None or match.group(1) in _FUNCTION_WORDS:
        return False
    before = text[: match.start(1)].rstrip(" \t")
    return bool(before) and before[-1] not in _SENTENCE_OPENERS


def find_countries(
    text: str, snapshot: str = DEFAULT_SNAPSHOT, *, factbook_dir: Path | None = None
) -> pd.DataFrame:
    """Every mention of a Factbook profile's name in `text` (columns: NAMED_COLUMNS).

    Whole words, case-sensitive (a name must start with its capital letter), longest name
    first ("Papua New Guinea" before "Guinea"); a name right after a capitalised word is part
    of another name and is skipped (see _part_of_longer_name); the names in the stop list of
    data/reference/gazetteer.yaml are not matched, or not before a capitalised word.
    Limitations: names the Factbook does not give ("Britain", "Myanmar", "Tajik") are not
    found; ALL-CAPS headlines are not matched; an ambiguous name is never guessed.
    """
    return _find_countries(text, snapshot, factbook_dir).copy()


# The tables of one article ask for its countries several times (the Factbook rows, the
# automatic checks, the places): the last answers are kept, since a scan of a long article
# takes seconds.
@functools.lru_cache(maxsize=2)
def _find_countries(text: str, snapshot: str, factbook_dir: Path | None) -> pd.DataFrame:
    gaz = gazetteer(snapshot, factbook_dir=factbook_dir)
    rows = []
    if gaz.pattern is not None:
        for match in gaz.pattern.finditer(text):
            name = match.group(0)
            if _part_of_longer_name(text, match.start()):
                continue
            if gaz.rules.get(name) == "not_before_capitalised" and _NEXT_CAPITALISED.match(
                text[match.end() : match.end() + 3]
            ):
                continue
            gec = gaz.gec_of[name]
            rows.append((gec, gaz.country_of[gec], name, match.start(), match.end()))
    frame = pd.DataFrame(rows, columns=list(NAMED_COLUMNS))
    return frame.astype({"start": "int64", "end": "int64"})


def countries_named(
    text: str, snapshot: str = DEFAULT_SNAPSHOT, *, factbook_dir: Path | None = None
) -> pd.DataFrame:
    """The profiles `text` names, each once, with its first matching name and offsets, in
    order of first mention (columns: gec, country, name, start, end)."""
    found = find_countries(text, snapshot, factbook_dir=factbook_dir)
    return found.drop_duplicates("gec", keep="first").reset_index(drop=True)


def resolve_name(
    name: str, snapshot: str = DEFAULT_SNAPSHOT, *, factbook_dir: Path | None = None
) -> str | None:
    """The GEC code of a name as the Factbook writes it (e.g. a border partner "US",
    "Republic of the Congo", "China (southeast)"), or None if no single profile has it.
    The stop list does not apply: a partner named "Georgia" is the country."""
    gaz = gazetteer(snapshot, factbook_dir=factbook_dir)
    for candidate in (name, re.sub(r"\s*\([^()]*\)", "", name).strip()):
        owners = gaz.all_names.get(candidate)
        if owners and len(owners) == 1:
            return next(iter(owners))
        if candidate in gaz.gec_of:
            return gaz.gec_of[candidate]
    return None
