"""Find every numeric expression in an article: counts, percentages, fractions and proportions,
ranks and multiples, lengths, areas, masses, volumes, speeds, temperatures, power, energy,
durations, money, vague amounts, years (of an era too: "2300 B.C."), decades, centuries, ranges
of them, dates, date ranges and times of day (relative and partial dates resolved against the
publication date or the dates the text states).

How it reads a text: one regular expression finds the words where a figure can start (a digit,
a currency sign, a number word, a month or weekday, a word such as "decade" or "yesterday");
at each, a small parser reads the figure forward (its scale, unit, range, date parts) and
looks a few words back for what qualifies it ("nearly", "between", "the early", "the
following"). Everything else in the text is skipped, so the cost is linear in the text and
small per figure. Context the parsers need is kept as they go: the year of the last date the
text stated (for "5 July" or "the following December"), and whether a sentence speaks of the
future (for "on 28 November" after the publication date).

Libraries were measured on the evaluation set of tests/extraction/ (570 hand-counted figures
in 19 texts at the time; benchmarks/extraction_eval.py --compare): quantulum3 runs at about
70 s per MB and found 65% of the figures with 67% of what it reported right; dateparser's
search_dates found 50% of the dates and times with 13% right. Neither does a part better than
these rules, so neither is used here; tests/test_extract.py keeps quantulum3 as a cross-check
of the seed.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from spillover.article import Article, Span
from spillover.errors import InputError
from spillover.units import registry

if TYPE_CHECKING:
    import pint

KINDS = (
    "count",
    "percent",
    "fraction",
    "length",
    "area",
    "duration",
    "money",
    "year",
    "date",
    "time",
    "temperature",
    "rank",
    "multiple",
    "mass",
    "volume",
    "speed",
    "power",
    "energy",
)
PRECISIONS = ("day", "week", "month", "year", "decade")
NAN = math.nan


def units() -> pint.UnitRegistry:
    """The shared unit registry (spillover.units.registry)."""
    return registry()


@dataclass(frozen=True)
class Mention:
    text: str
    start: int
    end: int
    kind: str
    value: float
    low: float
    high: float
    unit: str
    qualifier: str
    date: str  # ISO 8601 (a day, week, month, year, a decade's first year, or an interval a/b)
    date_precision: str
    date_note: str
    rule: str
    time: str = ""  # time of day, ISO 8601 (14:30, or an interval 06:00/14:00)
    note: str = ""  # how the expression was read: bounds of a vague amount, a convention, a flag
    same_as: str = ""  # mention_id of the figure this one restates (a conversion in brackets)


# --- vocabulary -----------------------------------------------------------------------------

_SMALL = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "dozen": 12,
}
# Scale letters glued to a number: "$3bn", "£450m", "1.5m people".
_SCALE_LETTERS = {"bn": 1e9, "b": 1e9, "mn": 1e6, "mln": 1e6, "m": 1e6, "tn": 1e12, "trn": 1e12, "k": 1e3}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "hundredth": 100,
}
# Denominators of fractions; "second" is none ("a second" is a rank or a moment).
_FRACTIONS = {"half": 2, "halves": 2, "quarter": 4, "quarters": 4}
for _word, _n in _ORDINALS.items():
    if 3 <= _n <= 10 or _n == 100:
        _FRACTIONS[_word] = _FRACTIONS[_word + "s"] = _n
_MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
_MONTH_ABBREVIATIONS = {name[:3]: i for name, i in _MONTHS.items() if name != "may"} | {"sept": 9}
_WEEKDAYS = {
    d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
}
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}

# Words before a figure that change what it claims; the bound each implies.
_AT_MOST = {
    "almost",
    "nearly",
    "under",
    "just under",
    "less than",
    "fewer than",
    "up to",
    "no more than",
    "not more than",
    "at most",
    "as many as",
    "as much as",
    "below",
}
_AT_LEAST = {
    "over",
    "more than",
    "at least",
    "just over",
    "well over",
    "upwards of",
    "no fewer than",
    "no less than",
    "not less than",
    "above",
    "in excess of",
}
_ABOUT = {
    "about",
    "around",
    "some",
    "roughly",
    "approximately",
    "an estimated",
    "an approximate",
    "estimated",
    "about some",
    "close to",
    "nearly some",
}
_QUALIFIERS = sorted(_AT_MOST | _AT_LEAST | _ABOUT | {"another", "only", "just"}, key=len, reverse=True)
_QUAL = r"(?:{})".format("|".join(re.escape(q).replace(r"\ ", r"\s+") for q in _QUALIFIERS))

# Units: (spellings, kind, pint unit name). Word spellings match in any case; abbreviations
# (the second list) only as written.
_UNIT_TABLE: list[tuple[str, str, list[str], list[str]]] = [
    ("length", "kilometer", ["kilometres", "kilometers", "kilometre", "kilometer"], ["km", "kms"]),
    ("length", "meter", ["metres", "meters", "metre", "meter"], ["m"]),
    ("length", "centimeter", ["centimetres", "centimeters", "centimetre", "centimeter"], ["cm"]),
    ("length", "millimeter", ["millimetres", "millimeters", "millimetre", "millimeter"], ["mm"]),
    ("length", "nautical_mile", ["nautical miles", "nautical mile"], ["nm", "NM", "nmi"]),
    ("length", "mile", ["miles", "mile"], ["mi"]),
    ("length", "foot", ["feet", "foot"], ["ft"]),
    ("length", "inch", ["inches", "inch"], []),
    ("length", "yard", ["yards", "yard"], ["yd", "yds"]),
    (
        "area",
        "kilometer ** 2",
        ["square kilometres", "square kilometers", "square kilometre", "square kilometer"],
        ["sq km", "sq. km", "sq.km", "km²", "km2", "sqkm"],
    ),
    ("area", "mile ** 2", ["square miles", "square mile"], ["sq mi", "sq. mi", "mi²"]),
    (
        "area",
        "meter ** 2",
        ["square metres", "square meters", "square metre", "square meter"],
        ["sq m", "m²"],
    ),
    ("area", "foot ** 2", ["square feet", "square foot"], ["sq ft"]),
    ("area", "hectare", ["hectares", "hectare"], ["ha"]),
    ("area", "acre", ["acres", "acre"], []),
    (
        "mass",
        "metric_ton",
        ["metric tons", "metric tonnes", "metric ton", "tonnes", "tonne", "tons", "ton"],
        ["mt", "MT"],
    ),
    ("mass", "kilogram", ["kilograms", "kilogrammes", "kilogram", "kilos", "kilo"], ["kg", "kgs"]),
    ("mass", "gram", ["grams", "grammes", "gram"], []),
    ("mass", "pound", [], ["lb", "lbs"]),
    ("mass", "ounce", ["ounces", "ounce"], ["oz"]),
    ("volume", "liter", ["litres", "liters", "litre", "liter"], []),
    # A barrel in the news is one of oil (159 litres; pint's "barrel" is a US liquid barrel of 119).
    ("volume", "oil_barrel", ["barrels", "barrel"], ["bbl"]),
    ("volume", "meter ** 3", ["cubic metres", "cubic meters", "cubic metre", "cubic meter"], ["cu m", "m³"]),
    ("volume", "gallon", ["gallons", "gallon"], []),
    (
        "speed",
        "kilometer / hour",
        ["kilometres per hour", "kilometers per hour", "kilometres an hour", "kilometers an hour"],
        ["km/h", "kph", "km/hr", "kmh"],
    ),
    ("speed", "mile / hour", ["miles per hour", "miles an hour"], ["mph"]),
    ("speed", "knot", ["knots"], ["kn", "kt"]),
    ("speed", "meter / second", ["metres per second", "meters per second"], ["m/s"]),
    # Power and energy (electricity, engines): "a 1,200-megawatt plant", "3 GW", "15 TWh".
    ("power", "kilowatt", ["kilowatts", "kilowatt"], ["kW"]),
    ("power", "megawatt", ["megawatts", "megawatt"], ["MW"]),
    ("power", "gigawatt", ["gigawatts", "gigawatt"], ["GW"]),
    (
        "energy",
        "kilowatt_hour",
        ["kilowatt-hours", "kilowatt hours", "kilowatt-hour", "kilowatt hour"],
        ["kWh"],
    ),
    (
        "energy",
        "megawatt_hour",
        ["megawatt-hours", "megawatt hours", "megawatt-hour", "megawatt hour"],
        ["MWh"],
    ),
    (
        "energy",
        "gigawatt_hour",
        ["gigawatt-hours", "gigawatt hours", "gigawatt-hour", "gigawatt hour"],
        ["GWh"],
    ),
    (
        "energy",
        "terawatt_hour",
        ["terawatt-hours", "terawatt hours", "terawatt-hour", "terawatt hour"],
        ["TWh"],
    ),
    # "second" only after a number ("a 30-second clip"): the unit is read there alone.
    ("duration", "second", ["seconds", "second"], ["secs"]),
    ("duration", "minute", ["minutes", "minute"], ["mins", "min"]),
    ("duration", "hour", ["hours", "hour"], ["hrs", "hr"]),
    ("duration", "day", ["days", "day"], []),
    ("duration", "week", ["weeks", "week"], []),
    ("duration", "fortnight", ["fortnights", "fortnight"], []),
    ("duration", "month", ["months", "month"], []),
    ("duration", "year", ["years", "year"], ["yrs"]),
    ("duration", "decade", ["decades", "decade"], []),
    ("duration", "century", ["centuries", "century"], []),
    ("duration", "millennium", ["millennia", "millennium"], []),
    ("percent", "percentage_point", ["percentage points", "percentage point"], ["pp", "ppt"]),
    ("percent", "percent", ["percent", "per cent", "pct"], ["%"]),
]
_UNITS: dict[str, tuple[str, str]] = {}
for _kind, _unit, _words, _abbreviations in _UNIT_TABLE:
    for _spelling in _words:
        _UNITS[_spelling] = (_kind, _unit)
    for _spelling in _abbreviations:
        _UNITS[_spelling] = (_kind, _unit)


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


_UNIT_WORDS_RE = _alternation([w for _, _, words, _ in _UNIT_TABLE for w in words])
_UNIT_ABBREVIATIONS_RE = _alternation([a for _, _, _, abbreviations in _UNIT_TABLE for a in abbreviations])
# Temperatures: a degree sign, or degrees with a scale; bare "degrees" is checked in context.
_TEMPERATURE_RE = (
    r"(?P<tdeg>°|º|˚)\s?(?P<tscale>[CF])\b|(?P<tdeg2>°|º|˚)(?![CF])"
    r"|(?i:degrees?)(?:\s+(?P<tname>(?i:celsius|centigrade|fahrenheit)|[CF]\b))?"
)

# Currencies: signs and codes before the number, words after it.
_SIGNS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB", "₦": "NGN"}
_SIGNS.update({"A$": "AUD", "C$": "CAD", "HK$": "HKD", "NZ$": "NZD", "S$": "SGD", "R$": "BRL"})
_CODES = ("USD", "EUR", "GBP", "JPY", "CNY", "CHF", "RUB", "INR", "CAD", "AUD", "SEK", "NOK", "DKK", "CZK")
_AFTER_CODES = {**{code: code for code in _CODES}, "RMB": "CNY"}  # "1.0 trillion RMB", "$22 billion USD"
_CURRENCY_WORDS = {
    "dollars": "USD",
    "dollar": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds sterling": "GBP",
    "pounds": "GBP",
    "pound": "GBP",
    "sterling": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rubles": "RUB",
    "roubles": "RUB",
    "ruble": "RUB",
    "rouble": "RUB",
    "somoni": "TJS",
    "rupees": "rupee",
    "rupee": "rupee",
    "naira": "NGN",
    "shillings": "shilling",
    "francs": "franc",
    "franc": "franc",
    "crowns": "crown",
    "koruna": "CZK",
    "korun": "CZK",
    "kronor": "SEK",
    "kroner": "krone",
    "krona": "krona",
    "krone": "krone",
    "pesos": "peso",
    "rand": "ZAR",
    "dinars": "dinar",
    "dirhams": "dirham",
    "riyals": "riyal",
    "lira": "lira",
    "liras": "lira",
    "lire": "lira",
    "zloty": "PLN",
    "zlotys": "PLN",
    "złoty": "PLN",
    "forints": "HUF",
    "forint": "HUF",
    "lei": "RON",
    "won": "KRW",
    "baht": "THB",
    "ringgit": "MYR",
    "rupiah": "IDR",
    "taka": "BDT",
    "cedis": "GHS",
    "birr": "ETB",
    "hryvnias": "UAH",
    "hryvnia": "UAH",
    "tenge": "KZT",
    "lari": "GEL",
    "manats": "manat",
    "dong": "VND",
    "kwacha": "kwacha",
}
# An adjective of country between the number and the currency word names the currency.
_CURRENCY_ADJECTIVES = {
    ("us", "dollars"): "USD",
    ("canadian", "dollars"): "CAD",
    ("australian", "dollars"): "AUD",
    ("hong kong", "dollars"): "HKD",
    ("new zealand", "dollars"): "NZD",
    ("singapore", "dollars"): "SGD",
    ("egyptian", "pounds"): "EGP",
    ("syrian", "pounds"): "SYP",
    ("lebanese", "pounds"): "LBP",
    ("sudanese", "pounds"): "SDG",
    ("czech", "crowns"): "CZK",
    ("swedish", "crowns"): "SEK",
    ("danish", "crowns"): "DKK",
    ("norwegian", "crowns"): "NOK",
    ("swedish", "kronor"): "SEK",
    ("danish", "kroner"): "DKK",
    ("norwegian", "kroner"): "NOK",
    ("swiss", "francs"): "CHF",
    ("cfa", "francs"): "XOF",
    ("indian", "rupees"): "INR",
    ("pakistani", "rupees"): "PKR",
    ("russian", "rubles"): "RUB",
    ("tajik", "somoni"): "TJS",
    ("mexican", "pesos"): "MXN",
    ("argentine", "pesos"): "ARS",
    ("philippine", "pesos"): "PHP",
    ("colombian", "pesos"): "COP",
    ("chilean", "pesos"): "CLP",
    ("turkish", "lira"): "TRY",
    ("kenyan", "shillings"): "KES",
    ("ugandan", "shillings"): "UGX",
    ("tanzanian", "shillings"): "TZS",
    ("japanese", "yen"): "JPY",
    ("chinese", "yuan"): "CNY",
}
_CURRENCY_RE = r"(?:(?P<cadj>(?i:{adj}))\s+)?(?P<cword>(?i:{words}))".format(
    adj="|".join(
        sorted({re.escape(a).replace(r"\ ", r"\s+") for a, _ in _CURRENCY_ADJECTIVES}, key=len, reverse=True)
    ),
    words=_alternation(list(_CURRENCY_WORDS)),
)

# Nouns after a bare four-digit number that make it a count, not a year ("2000 people").
_COUNT_NOUNS = _word_set(
    "people persons men women children soldiers troops refugees migrants workers residents "
    "families households cases deaths votes voters members ships vessels incidents attacks "
    "units homes houses jobs students pupils patients visitors tourists tickets copies cars "
    "vehicles tanks aircraft planes rockets missiles weapons guns rifles dollars euros pounds"
)
# Words before a number that make it part of a name ("Article 5", "note 1:"), not a figure.
_NAME_WORDS = _word_set(
    "article articles resolution resolutions chapter section sections clause paragraph route "
    "highway flight apollo soyuz windows room gate platform terminal amendment protocol annex "
    "appendix table figure fig no number vol volume issue part act bill decree directive "
    "regulation item pier berth ward district block building lot note notes phase stage level "
    "grade category channel line sura verse psalm page pages tier"
)
# Compound words after an ordinal that make neither a rank nor a fraction ("third-degree",
# "second-hand"); a rank's compound is a superlative ("second-largest", "third-worst").
_NOT_RANK = _word_set("degree hand class rate party person generation guessing floor grade string tier")
_SUPERLATIVES = _word_set("worst best most least ranked ranking placed place last")


def _words_value(words: str) -> float:
    """'two hundred and fifty' -> 250; 'a hundred' -> 100."""
    total, current = 0, 0
    for word in re.split(r"[\s-]+", words.lower()):
        if word in ("and", "a", "an"):
            continue
        if word in _SMALL:
            current += _SMALL[word]
        elif word in ("thousand", "million", "billion", "trillion"):
            total += max(current, 1) * _SCALES[word]
            current = 0
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
    return float(total + current)


_TERM = r"(?:{})".format("|".join(sorted([*_SMALL, *_SCALES], key=len, reverse=True)))
_SCALE_WORD = r"(?:{})".format("|".join(_SCALES))
# "and" joins terms only after a scale ("two hundred and fifty"; "five and six" are two numbers)
_AFTER_SCALE = (
    "(?:" + "|".join(f"(?<={scale})" for scale in ("hundred", "thousand", "million", "billion")) + ")"
)
_NUMBER_WORDS = rf"(?:an?\s+{_SCALE_WORD}|{_TERM})(?:[\s-]+{_TERM}|{_AFTER_SCALE}\s+and\s+{_TERM})*"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_MONTH = r"(?:{})".format(
    "|".join(
        sorted(
            [m.capitalize() for m in _MONTHS]
            + [a.capitalize() + r"\." for a in _MONTH_ABBREVIATIONS]
            + [a.capitalize() + r"(?=\s+\d)" for a in _MONTH_ABBREVIATIONS],
            key=len,
            reverse=True,
        )
    )
)
_YEAR = r"(?:1[0-9]\d\d|20\d\d)"
_WEEKDAY = r"(?:{})".format("|".join(d.capitalize() for d in _WEEKDAYS))
_ORD_SUFFIX = r"(?:st|nd|rd|th)"


# --- patterns read forward from a figure's first word -----------------------------------------

_NUMBER = re.compile(
    rf"(?P<neg>[-−](?=\.?\d))?(?P<sign>US\$|[ACS]\$|HK\$|NZ\$|R\$|[$€£¥₹₽₦])?\s?(?P<num>{_DIGITS})"
)
_AFTER_NUMBER = re.compile(
    r"(?P<ord>" + _ORD_SUFFIX + r")\b"
    r"|(?P<decade>['’]?s)\b"
    r"|(?P<letters>bn|mn|mln|trn|tn|m|b|k)\b"
    r"|\s*(?P<scale>(?i:thousand|million|billion|trillion))\b"
)
# A unit, a temperature or a currency word after a number; a few adjectives may come between
# ("nine consecutive days").
_UNIT = re.compile(
    r"(?P<sep>\s*|-|\s*-\s*)(?:(?i:consecutive|straight|successive|full|whole|more|further|additional|extra)\s+"
    rf"(?=(?i:{_UNIT_WORDS_RE})\b))?"
    rf"(?:(?P<uword>(?i:{_UNIT_WORDS_RE}))\b|(?P<uabbr>{_UNIT_ABBREVIATIONS_RE})(?![\w/²³])"
    rf"|(?P<temp>{_TEMPERATURE_RE})|{_CURRENCY_RE}\b|(?P<ccode>{'|'.join(_AFTER_CODES)})\b)"
)
_TIME = re.compile(
    r"(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?\s?(?P<ampm>(?i:[ap]\.\s?m\.|[ap]m\b))"
    r"|(?P<h24>[01]?\d|2[0-3]):(?P<mi24>[0-5]\d)(?!\d)(?:\s?(?P<zone>GMT|UTC|[A-Z]{2,4}T)\b)?"
)
_TIME_JOIN = re.compile(r"\s*(?:to|until|till|-|–)\s*")
_WORDS_RANGE_JOIN = re.compile(
    r"(?:\s+(?P<join>to|or|and)\s+|-(?P<hjoin>or)-)(?=(?i:" + "|".join(_SMALL) + r")\b)"
)  # "seven to eight", "two or three", "a one-or-two-child policy"
_RANGE_JOIN = re.compile(
    r"\s*(?P<join>[-–—]|to|and|or|through|until)\s*(?=[\d$€£¥₹₽]|US\$|[-−]\d)|(?P<dash>-)\s+to\s+(?=\d)"
)
_DAY_MONTH = re.compile(
    rf"(?P<d1>\d{{1,2}}){_ORD_SUFFIX}?(?:\s*(?P<join>[-–/]|to|and|or)\s*(?P<d2>\d{{1,2}}){_ORD_SUFFIX}?)?"
    rf"\s+(?:of\s+)?(?P<month>{_MONTH})(?:,?\s+(?P<year>{_YEAR})\b)?"
)
_MONTH_DAY = re.compile(
    rf"(?P<month>{_MONTH})\s+(?:the\s+)?(?P<d1>\d{{1,2}}){_ORD_SUFFIX}?\b(?![:.]\d)"
    rf"(?:\s*(?P<join>[-–]|to|and)\s*(?P<d2>\d{{1,2}}){_ORD_SUFFIX}?\b(?![:.,]\d))?"
    rf"(?:,?\s+(?P<year>{_YEAR})\b)?"
)
_MONTH_YEAR = re.compile(rf"(?P<month>{_MONTH})(?:,?\s+(?:of\s+)?(?P<year>{_YEAR})\b)?")  # "December of 2019"
_MONTH_TO_YEAR = re.compile(rf"\s*(?P<join>[-–]|(?i:to|and|until|through))\s*(?P<b>{_YEAR})\b(?![-–/]?\d)")
_MONTH_RANGE = re.compile(
    rf"\s*(?P<join>[-–]|to|and|until|through|till)\s*(?:(?:the\s+)?(?P<mod>early|mid|late|end\s+of|start\s+of|"
    rf"beginning\s+of|middle\s+of)(?:\s*-\s*|\s+))?(?P<month>{_MONTH})(?:,?\s+(?P<year>{_YEAR})\b)?",
    re.IGNORECASE,
)
_WEEKDAY_DATE = re.compile(
    rf"(?P<wd>{_WEEKDAY}),?\s+(?:(?:the\s+)?(?P<d1>\d{{1,2}}){_ORD_SUFFIX}?\s+(?:of\s+)?(?P<m1>{_MONTH})"
    rf"|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}){_ORD_SUFFIX}?\b)(?:,?\s+(?P<year>{_YEAR})\b)?"
)
_WORDS_NUMBER = re.compile(rf"(?i:{_NUMBER_WORDS})\b")
_FRACTION = re.compile(
    r"(?P<num>(?i:a|an|one|two|three|four|five|six|seven|eight|nine))[\s-]+"
    r"(?P<den>(?i:halves|half|thirds?|quarters?|fourths?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?|"
    r"hundredths?))\b"
)
_HALF_OF_SCALE = re.compile(
    r"(?P<frac>(?i:half|a\s+half|a\s+quarter|three\s+quarters|a\s+third|two\s+thirds))\s+(?:(?i:of)\s+)?"
    r"(?:(?i:an?)\s+|(?<=[Hh]alf\s)(?=(?i:million|billion|trillion)\b))(?P<scale>(?i:million|billion|thousand|trillion|century|hour|year|mile|kilometre|kilometer|day))\b"
)
_PROPORTION = re.compile(
    rf"(?P<a>\d+|(?i:one|two|three|four|five|six|seven|eight|nine|ten))(?P<noun>(?:\s+[a-z]+){{0,2}}?)"
    rf"\s+(?i:in|out\s+of)\s+(?P<b>\d{{1,3}}(?:,\d{{3}})*(?![\d.])|(?i:{'|'.join(_SMALL)}))\b"
)
_TIMES = re.compile(r"[\s-]+(?P<times>times|fold)\b", re.IGNORECASE)
_COMPARATIVE_AFTER = re.compile(
    r"\s+(?:as\b|more\b|less\b|fewer\b|the\b|that\b|what\b|its\b|their\b|his\b|her\b|higher\b|"
    r"lower\b|larger\b|bigger\b|greater\b|smaller\b|faster\b|slower\b|longer\b|shorter\b|over\b|"
    r"[a-z]+er\s+than\b|in\s+size\b)",
    re.IGNORECASE,
)
_ORDINAL_WORD = re.compile(r"(?i:" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r")\b")
_NUMERIC_ORDINAL = re.compile(rf"(?P<n>\d{{1,3}}){_ORD_SUFFIX}\b")
_CENTURY_AFTER = re.compile(r"[\s-]+(?i:century|centuries)\b")
_CENTURY_PAIR = re.compile(
    rf"\s*(?:and|to|or|-|–)\s*(?:the\s+)?(?:(?P<mod2>(?i:early|mid|late))[\s-]+)?(?P<n2>\d{{1,2}}{_ORD_SUFFIX}|(?i:{'|'.join(_ORDINALS)}))[\s-]+(?i:centuries)\b"
)
_COMPOUND_AFTER = re.compile(r"-(?P<word>[A-Za-z]+)")
_NAME_BEFORE = re.compile(
    r"(?:\b(?P<named>(?i:known\s+as|called|named|dubbed|titled))\s+)?\b(?P<word>[A-Z][a-z]+)\s$"
)
_PLAN_WORDS = _word_set("Vision Agenda Horizon Expo Strategy")
_OPENING_QUOTES = frozenset("“‘\"'")
# The rest of a quoted term after its number word: "-dash line”", "-state solution'".
_QUOTED_TERM = re.compile(r"-(?P<word>[A-Za-z]+)(?:[\s-][A-Za-z]+){0,3}[”’\"']")
_MULTI_BEFORE = re.compile(r"(?<![A-Za-z])(?i:multi)-?$")
# Digits grouped by commas but not in threes ("1,00,000", "1000,000"), and the Indian grouping.
_GROUPED = re.compile(r"(?P<int>\d+(?:,\d+)+)(?:\.\d+)?(?![\d,]\d|,\d)")
_INDIAN_GROUPS = re.compile(r"\d{1,2}(?:,\d{2})+,\d{3}")
_NAME_ABBREVIATION = re.compile(r"\s*\(\s*[A-Z]{1,4}-?(?P<n>\d{1,2})\s*\)")
_OF_PERIOD = re.compile(
    r"\s+of\s+(?:(?i:the)\s+)?(?:\d{4}['’]?s\b|\d{1,2}(?:st|nd|rd|th)[\s-]+(?i:centur)"
    rf"|(?i:{'|'.join(_ORDINALS)})[\s-]+(?i:centur))"
)
_HALF_OF_PERIOD = re.compile(r"\s+(?i:half)" + _OF_PERIOD.pattern)
_OF_MONTH = re.compile(rf"\s+of\s+(?P<month>{_MONTH})(?:,?\s+(?P<year>{_YEAR})\b)?")
_PART_OF_YEAR = re.compile(
    rf"[\s-]+(?P<part>(?i:quarter|half))(?:\s+of\s+(?:(?P<year>{_YEAR})|(?P<the>the|this|last|next)\s+year))?(?!\w)"
    r"(?!\s+of\b)"
)
_QUARTER_PERIOD = re.compile(r"-on-|\s+(?:of\s+(?:the\s+)?(?:year|fiscal)|results|earnings|profit|growth)\b")
_VAGUE = re.compile(
    r"(?P<tens>(?i:tens|hundreds)\s+of\s+)?(?P<magnitude>(?i:dozens|hundreds|thousands|millions|billions))\b"
)
_FEW = re.compile(
    rf"(?:few|several)\s+(?:(?P<scale>hundred|thousand|million|billion)\b|(?P<unit>{_UNIT_WORDS_RE})\b)",
    re.IGNORECASE,
)
_PERIOD_WORD = re.compile(
    r"(?i:days?|weeks?|weekends?|months?|years?|decades?|centur(?:y|ies)|hours?|quarters?)\b"
)
_AGO = re.compile(r"\s+(?i:ago)\b")
_AFTER_BEFORE = re.compile(r"\s+(?P<rel>(?i:after|before))\b")
_PART_OF_DAY = re.compile(r"[\s-]+(?i:morning|afternoon|evening|night)\b")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\b")
_DECADE = re.compile(r"(?P<y>1\d\d0|20\d0)['’]?s\b")
_APOSTROPHE_DECADE = re.compile(r"['’](?P<d>\d)0s\b")
_YEAR_RANGE = re.compile(
    rf"(?P<a>{_YEAR}|[1-9]\d\d)\s*(?P<join>-|–|—|/|(?i:to|until|till|through|and))\s*(?P<b>{_YEAR}|\d{{2}})(?![\d,.]\d)\b"
)
_SLASH = re.compile(r"(?P<a>\d{1,3})/(?P<b>\d{1,3})\b")
_DECADE_JOIN = re.compile(
    r"\s*(?P<join>[-–]|(?i:to|until|till|through|and))\s*(?:(?i:the)\s+)?"
    r"(?:(?P<mod2>(?i:early|mid|late))[\s-]+)?"
    rf"(?:(?P<decade>1\d\d0|20\d0)['’]?s\b|(?P<year>{_YEAR})\b(?![-–/]?\d))"
)
_TO_PRESENT = re.compile(
    rf"(?P<a>{_YEAR})\s*(?:[-–—]|\s(?i:to|until|till|through)\s+(?:the\s+)?)\s*(?i:present|date|now)\b"
)
# An era after a year or a century: "2300 B.C.", "the 5th century A.D.", "AD 79" is not read.
_ERA = re.compile(r"\s?(?P<era>B\.\s?C\.(?:E\.)?|BCE?\b|A\.\s?D\.|AD\b|CE\b)")
_ERA_BEFORE = re.compile(r"(?<![\w.])(?:A\.\s?D\.|AD)\s?$")
_ERA_RANGE = re.compile(
    r"\s*(?P<join>[-–]|(?i:to|and|until))\s*(?:(?P<pre>A\.\s?D\.|AD)\s?)?(?P<b>\d{1,4})\b"
    r"(?:\s?(?P<post>B\.\s?C\.(?:E\.)?|BCE?\b|A\.\s?D\.|AD\b|CE\b))?"
)
_OF_AFTER = re.compile(r"\s+of\b")
_LETTER = re.compile(r"[A-Za-z]")
_AND_A_HALF = re.compile(r"\s+and\s+a\s+half\b(?!\s+(?:million|billion|thousand))")
_NEXT_WORD = re.compile(r"(?P<sep>-|\s+)(?P<w>[A-Za-z]+)")
_CODE_RUN = re.compile(r"[\w./-]*")
_LIST_MARKER = re.compile(r"\d{1,2}[.)]\s")
_SEASON_YEAR = re.compile(rf"(?:\s+of)?\s+(?P<year>{_YEAR})\b")
_MINUS = re.compile(rf"minus\s+(?:(?P<num>{_DIGITS})|(?P<words>{_NUMBER_WORDS}))\b", re.IGNORECASE)
_CODE_MONEY = re.compile(rf"(?P<code>{'|'.join(_CODES)})\s?(?P<num>{_DIGITS})")
_FISCAL_QUARTER = re.compile(rf"Q(?P<q>[1-4])\b(?:\s+(?P<year>{_YEAR})\b)?")
_OWN_LIMIT = re.compile(r"(?i:until|till|through)\b")
_NOT_PER_AFTER = re.compile(r"\s+(?i:later|earlier|after|before|ago|on|long)\b")
_WORD_AFTER = re.compile(r"[ \t]*(?:\r?\n[ \t]*)?([A-Za-z][A-Za-z'’]*|\d+)?")
_WORD_BEFORE_HYPHEN = re.compile(r"([A-Za-z][\w'’]*)-$")  # "F-", "COVID-", "Chang'e-"
_SUFFIX_AFTER = re.compile(r"(?:st|nd|rd|th)?\b")

# --- patterns that look back from a figure (each ends at the figure; see _Reader.back) ---------

_QUAL_BEFORE = re.compile(rf"\b(?P<q>{_QUAL})[\s,]+(?:(?i:of)\s+)?$", re.IGNORECASE)
_BETWEEN_BEFORE = re.compile(r"\b(?P<w>(?i:between|from))\s+$")
_THE_BEFORE = re.compile(r"\b(?i:the)\s+$")
_MODIFIER_BEFORE = re.compile(
    r"(?:\b(?P<the>(?i:the))\s+)?\b(?P<mod>(?i:(?:early|late)\s+in\s+the|(?:early|latter|later)\s+part\s+of(?:\s+the)?|"
    r"(?:early|late|mid)\s+in|mid-year|(?:first|second|latter)\s+half\s+of(?:\s+the)?|"
    r"(?:first|last)\s+(?:two[\s-]+thirds|third)\s+of(?:\s+the)?|early|mid|late|end\s+of(?:\s+the)?|start\s+of(?:\s+the)?|"
    r"beginning\s+of(?:\s+the)?|middle\s+of(?:\s+the)?|year-end))(?:\s*-\s*|\s+)$"
)
_RELATIVE_BEFORE = re.compile(
    r"\b(?P<rel>(?i:the\s+following|the\s+previous|the\s+next|the\s+preceding|the\s+same|this|last|next|"
    r"the\s+last|the\s+past|past|recent|the\s+recent|in\s+recent|in|for|many|over(?:\s+the)?|a|an|the))\s+$"
)
_RELATIVE_MONTH_BEFORE = re.compile(
    r"\b(?P<rel>(?i:the\s+following|the\s+next|the\s+previous|the\s+preceding|that|that\s+same|the\s+same|"
    r"last|this|next))\s+$"
)
_MONTH_PREPOSITION_BEFORE = re.compile(
    r"\b(?P<p>(?i:in|since|by|until|till|from|during|before|after|through|throughout|as\s+of|early|late))\s+$"
)
_WEEKDAY_BEFORE = re.compile(
    r"\b(?P<rel>(?i:last|next|this|on|since|until|till|by|before|after|from|early|late|that|coming))\s+$"
)
_WEEKDAY_COMMA_BEFORE = re.compile(rf"\b(?P<wd>{_WEEKDAY}),?\s+(?:the\s+)?$")
_CHANGE_BEFORE = re.compile(
    r"\b(?i:increased|increase|increases|rose|rise|rises|risen|fell|fall|falls|fallen|dropped|drop|drops|grew|"
    r"grow|grows|grown|declined|decline|declines|decreased|decrease|climbed|jumped|went|cut|raised|reduced|"
    r"up|down|shrank|slipped|surged|soared|plunged|moved|changed)\s+(?:\w+\s+){0,2}?from\s+$"
)
_FROM_BEFORE = re.compile(r"\b(?i:from)\s+$")
_LIMIT_BEFORE = re.compile(r"\b(?i:until|till|through|to|by\s+the\s+end\s+of)\s+$")
_PAST_BEFORE = re.compile(r"\b(?P<the>(?i:the)\s+)?(?P<dir>(?i:past|last))\s+$")
# "over the following two decades" (the period after the date before it); "Following two years
# of recession" without "the" means after them, and is not part of the figure.
_FOLLOWING_BEFORE = re.compile(
    r"\b(?P<the>(?i:the)\s+)(?P<dir>(?i:following|preceding|previous|subsequent))\s+$"
)
_ARTICLE_BEFORE = re.compile(r"\b(?P<a>(?i:a|an))\s+$")
_ONE_BEFORE = re.compile(r"\b(?P<a>(?i:a|an|one))[\s-]+$")
_QUARTER_COUNT_BEFORE = re.compile(r"\b(?P<a>(?i:a|one|three|two))[\s-]+$")
_QUARTER_RELATIVE_BEFORE = re.compile(r"\b(?P<rel>(?i:last|next|this|previous))\s+$")
_VAGUE_BEFORE = re.compile(r"\b(?P<q>(?i:many|several|some))\s+$")
_FEW_BEFORE = re.compile(r"\b(?P<a>(?i:a|the\s+(?:last|past|next|first)|last|past|next))\s+$")
_AT_BEFORE = re.compile(r"\b(?i:at|by|until|before|after)\s+$")
_NOWADAYS_BEFORE = re.compile(r"\b(?i:until|till|up\s+to|to|even|still|as\s+of|from|of|since)\s+$")
_NAMING_BEFORE = re.compile(r"\b(?i:known|called|named|termed)\s+$")
_AS_AFTER = re.compile(r"\s+as\b")
_DAY_PART_BEFORE = re.compile(r"\b(?P<rel>(?i:this|last|yesterday|tomorrow))\s+$")
_SEASON_BEFORE = re.compile(r"\b(?P<rel>(?i:last|this|next|the\s+following|the\s+previous|that))\s+$")
_SEASON_THE_BEFORE = re.compile(r"\b(?i:the)\s+$")
_WEEKEND_BEFORE = re.compile(r"\b(?P<rel>(?i:last|this|next|the\s+last|the\s+first))\s+$")
_PER_BEFORE = re.compile(r"\b(?i:once|twice|times|per|each)\s+$")
# The word each look-back must end with: the reader checks it before running the expression.
_LAST_WORDS: dict[re.Pattern, frozenset[str]] = {
    pattern: frozenset(words.split())
    for pattern, words in [
        (_QUAL_BEFORE, " ".join({q.split()[-1] for q in _QUALIFIERS}) + " of"),
        (_BETWEEN_BEFORE, "between from"),
        (_THE_BEFORE, "the"),
        (_MODIFIER_BEFORE, "early mid late of the end middle in year"),  # "of the", "mid-year"
        (
            _RELATIVE_BEFORE,
            "following previous next preceding same this last past recent in for many over the a an",
        ),
        (_RELATIVE_MONTH_BEFORE, "following next previous preceding that same last this"),
        (
            _MONTH_PREPOSITION_BEFORE,
            "in since by until till from during before after through throughout of early late",
        ),
        (_WEEKDAY_BEFORE, "last next this on since until till by before after from early late that coming"),
        (_CHANGE_BEFORE, "from"),
        (_FROM_BEFORE, "from"),
        (_LIMIT_BEFORE, "until till through to of"),
        (_PAST_BEFORE, "past last"),
        (_FOLLOWING_BEFORE, "following preceding previous subsequent"),
        (_ARTICLE_BEFORE, "a an"),
        (_ONE_BEFORE, "a an one"),
        (_QUARTER_COUNT_BEFORE, "a one three two"),
        (_QUARTER_RELATIVE_BEFORE, "last next this previous"),
        (_VAGUE_BEFORE, "many several some"),
        (_FEW_BEFORE, "a last past next first"),
        (_AT_BEFORE, "at by until before after"),
        (_NOWADAYS_BEFORE, "until till to even still of from since"),
        (_DAY_PART_BEFORE, "this last yesterday tomorrow"),
        (_NAMING_BEFORE, "known called named termed"),
        (_SEASON_BEFORE, "last this next following previous that"),
        (_SEASON_THE_BEFORE, "the"),
        (_WEEKEND_BEFORE, "last this next first"),
        (_PER_BEFORE, "once twice times per each"),
    ]
}

# Whether a sentence speaks of the future (before the date; after it only the plainest words).
_FUTURE = re.compile(
    r"\b(?:will|would|shall|is\s+to|are\s+to|due\s+to|is\s+due|are\s+due|scheduled|expected|expects|expect|"
    r"forecast|forecasts|plans?\s+to|planned|set\s+to|until|next)\b",
    re.IGNORECASE,
)
_PAST = re.compile(r"\b(?:was|were|had|stayed|remained|lasted|continued|ran|kept|closed|went)\b", re.I)
_FUTURE_AFTER = re.compile(
    r"\b(?:will|shall|is\s+due|are\s+due|is\s+scheduled|are\s+scheduled)\b", re.IGNORECASE
)
# "today" is the publication day in a sentence that reports an event, the present age in one
# that describes a state ("Today, fewer than one in four homes has ...").
_REPORTED = re.compile(
    r"\b(?:said|says|announced|announces|told|reported|reports|confirmed|declared|stated|warned|arrived|met|meets|"
    r"will|opened|opens|closed|begins|began|signed|launched|released|published|voted|killed|died|earlier\s+today|"
    r"later\s+today|today\s+at)\b",
    re.IGNORECASE,
)
_PRESENT = re.compile(
    r"\b(?:is|are|has|have|remains|remain|lives|live|holds|hold|stands|field|fields)\b", re.I
)

_YEAR_WORDS = _word_set(
    "in since of by until from after before year years early late mid summer winter spring autumn fall "
    "the a an "
    "its their his her our this that during circa c ca around through till between and to census"
)
_VERBS_S = _word_set("was has is does goes sees marks brings")
_PEOPLE_WORDS = _word_set("people persons residents voters users viewers customers subscribers")
_ANGLE_WORDS = _word_set("north south east west n s e w latitude longitude angle turn slope incline")
_DIMENSION_WORDS = ("wide", "long", "high", "deep", "tall", "thick")
_MULTIPLES = {
    "twice": 2.0,
    "double": 2.0,
    "doubled": 2.0,
    "doubling": 2.0,
    "triple": 3.0,
    "tripled": 3.0,
    "treble": 3.0,
    "trebled": 3.0,
    "quadruple": 4.0,
    "quadrupled": 4.0,
    "halved": 0.5,
    "halving": 0.5,
    "twofold": 2.0,
    "threefold": 3.0,
    "fourfold": 4.0,
    "fivefold": 5.0,
    "tenfold": 10.0,
    "hundredfold": 100.0,
}
_VAGUE_WORDS = {"dozens", "hundreds", "thousands", "millions", "billions", "tens"}

# Every position where a figure can start: a digit, a currency sign, a minus before a digit, an
# apostrophe before a decade ("the '80s"), or one of these words. Figures that begin with
# another word ("nearly", "between", "the following") are found from the word after it, which
# looks back for them.
_TRIGGER_WORDS = frozenset(
    set(_SMALL)
    | set(_SCALES)
    | set(_ORDINALS)
    | set(_FRACTIONS)
    | set(_MONTHS)
    | set(_MONTH_ABBREVIATIONS)
    | set(_WEEKDAYS)
    | set(_SEASONS)
    | set(_MULTIPLES)
    | _VAGUE_WORDS
    | {"few", "several", "minus", "us", "q", "noon", "midnight", "multimillion", "multibillion"}
    | {"yesterday", "today", "tomorrow", "tonight", "morning", "afternoon", "evening", "night"}
    | {"day", "days", "week", "weeks", "weekend", "weekends", "month", "months", "year", "years", "decade"}
    | {"decades", "century", "centuries", "quarter", "quarters", "hour", "hours"}
    | {code.lower() for code in _CODES}
)
_TOKEN = re.compile(r"[A-Za-z]+|\d+|[$€£¥₹₽₦]|[-−](?=\.?\d)|\.(?=\d)|['’](?=\d0s)")


# --- reading context ----------------------------------------------------------------------------


@dataclass
class _Context:
    """What the reader knows at a point of the text: the publication date, the year of the last
    date or year the text stated (for "5 July", "late August"), and the last date it resolved
    (for "the following December", "the day after")."""

    published: dt.date | None
    year: int | None = None
    year_text: str = ""
    anchor: tuple[dt.date, dt.date] | None = None
    anchor_precision: str = ""

    def new_region(self) -> None:
        # With a dateline, an undated day takes its year from a date before it in the same
        # paragraph only; without one, from any date before it in the text.
        if self.published is not None:
            self.year, self.year_text = None, ""


@dataclass
class _Hit:
    """A figure as the reader finds it (offsets into the stretch of text it reads)."""

    start: int
    end: int
    kind: str
    value: float = NAN
    low: float | None = None  # None: the value
    high: float | None = None
    unit: str = ""
    qualifier: str = ""
    date: str = ""
    precision: str = ""
    date_note: str = ""
    rule: str = ""
    time: str = ""
    note: str = ""
    scale: float = 0.0  # the scale applied to the number ("million", "bn"), 0 when none
    sets_year: int | None = None  # an explicit year the figure states (context for what follows)


def _skip(start: int, end: int) -> _Hit:
    """A parser's answer for "no figure here: skip these characters" (a code, a list marker)."""
    return _Hit(start, end, "")


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _thirds(first: int, last: int, modifier: str) -> tuple[int, int]:
    """The part of first..last that early/mid/late names: its first, middle or last third."""
    size = last - first + 1
    if modifier in ("first half", "second half"):
        middle = first + size // 2
        return (first, middle - 1) if modifier == "first half" else (middle, last)
    if modifier == "first two thirds":
        return first, first + (2 * size) // 3 - 1
    if modifier == "last two thirds":
        return first + size // 3, last
    if modifier == "first third":
        modifier = "early"
    if modifier == "last third":
        modifier = "late"
    cut1, cut2 = first + size // 3, first + (2 * size) // 3
    if modifier in ("early", "start", "beginning"):
        return first, cut1 - 1
    if modifier in ("mid", "middle"):
        return cut1, cut2 - 1
    return cut2, last


def _modifier_word(raw: str) -> str:
    """early, mid, late, end, start, beginning, middle, first half or second half."""
    words = raw.lower().split()
    if words[0] in ("first", "second", "latter") and len(words) > 1 and words[1] == "half":
        return "first half" if words[0] == "first" else "second half"
    if words[0] in ("first", "last") and len(words) > 1 and words[1] in ("two", "two-thirds", "third"):
        part = "two thirds" if words[1].startswith("two") else "third"
        return f"{words[0]} {part}"
    return {"year-end": "end", "mid-year": "mid", "latter": "late", "later": "late"}.get(words[0], words[0])


_MODIFIER_NOTES = {
    "early": "the first third",
    "start": "the first third",
    "beginning": "the first third",
    "mid": "the middle third",
    "middle": "the middle third",
    "late": "the last third",
    "end": "the last third",
    "first half": "the first half",
    "second half": "the second half",
    "first two thirds": "the first two thirds",
    "last two thirds": "the last two thirds",
    "first third": "the first third",
    "last third": "the last third",
}


def _join_note(note: str, more: str) -> str:
    return f"{note}; {more}" if note else more


# --- the reader ---------------------------------------------------------------------------------


class _Reader:
    """Reads the figures of one stretch of text (a paragraph or a header line). Each parser
    returns a _Hit, a skip (a code or a list marker: no figure, and its characters are passed
    over), or None (nothing here)."""

    def __init__(self, text: str, ctx: _Context) -> None:
        self.text = text
        self.ctx = ctx
        self.floor = 0  # end of the previous figure: look-backs never reach before it
        self._last: tuple[int, int] = (-1, -1)
        self._last_word = ""

    # helpers --------------------------------------------------------------------------------

    def back(self, pattern: re.Pattern, end: int, width: int = 40) -> re.Match | None:
        """``pattern`` (which ends with $) matched just before ``end``, not before the previous
        figure. A look-back needs one of a few words last; that word is checked first, so the
        expression runs only where it can match."""
        words = _LAST_WORDS.get(pattern)
        if words is not None and self.last_word(end) not in words:
            return None
        return pattern.search(self.text, max(self.floor, end - width), end)

    def last_word(self, end: int) -> str:
        """The word just before ``end`` (past spaces, a hyphen or a comma), in lower case. A
        figure's parsers ask for the same position several times, so the last answer is kept."""
        if self._last == (end, self.floor):
            return self._last_word
        self._last, self._last_word = (end, self.floor), self._find_last_word(end)
        return self._last_word

    def _find_last_word(self, end: int) -> str:
        text, low = self.text, max(self.floor, end - 30)
        j = end
        while j > low and text[j - 1] in " \t\r\n-,":
            j -= 1
        k = j
        while k > low and text[k - 1].isalpha():
            k -= 1
        return text[k:j].lower()

    def word_before(self, start: int) -> str:
        """The word before ``start``, past up to three other characters ("rule (1968")."""
        text, low = self.text, max(self.floor, start - 30)
        j, skipped = start, 0
        while j > low and not text[j - 1].isalnum() and skipped < 3:
            j, skipped = j - 1, skipped + 1
        k = j
        while k > low and text[k - 1].isalpha():
            k -= 1
        return text[k:j].lower()

    def word_after(self, end: int) -> tuple[str, int]:
        """The word or number after ``end`` (past spaces and one line break), and its end."""
        match = _WORD_AFTER.match(self.text, end)
        return (match.group(1), match.end()) if match and match.group(1) else ("", end)

    def sentence_around(self, start: int, end: int) -> tuple[str, str]:
        """The parts of the sentence before and after a figure (at most 160 characters each)."""
        text = self.text
        left = max(0, start - 160)
        cut = max(text.rfind(". ", left, start), text.rfind("; ", left, start))
        stop = text.find(". ", end, end + 160)
        return text[cut + 1 if cut >= 0 else left : start], text[end : stop if stop >= 0 else end + 160]

    def future(self, start: int, end: int) -> bool:
        """Whether the sentence around a figure speaks of the future ("will vote on 28 November")."""
        before, after = self.sentence_around(start, end)
        return bool(_FUTURE.search(before) or _FUTURE_AFTER.search(after))

    def sentence_start(self, start: int) -> bool:
        before = self.text[max(0, start - 3) : start]
        return start == 0 or before.strip() == "" or before.endswith((". ", "? ", "! ", ".” ", '." ', ": "))

    def qualify(self, hit: _Hit) -> _Hit:
        """Attach a qualifier before the figure ("nearly", "more than") and the bound it implies."""
        match = self.back(_QUAL_BEFORE, hit.start, 32)
        if match is None:
            return hit
        qualifier = " ".join(match.group("q").lower().split())
        if qualifier == "over" and hit.kind == "duration":
            return hit  # "over five years": during them, not more than five
        hit.start, hit.qualifier = match.start("q"), qualifier
        if hit.kind in ("date", "year", "time"):
            return hit
        if hit.low is None and hit.high is None:  # a single number
            hit.low, hit.high = _bounds(hit.value, qualifier)
        elif hit.rule == "vague":  # "over hundreds": the far bound is no longer stated
            if qualifier in _AT_MOST:
                hit.low = NAN
            elif qualifier in _AT_LEAST:
                hit.high = NAN
        return hit  # a range keeps the bounds it states ("as many as 4-5 million")

    # context --------------------------------------------------------------------------------

    def undated(self, month: int, day: int, start: int, end: int) -> tuple[int | None, str]:
        """The year of a day or month the text gives without one, and how it was chosen."""
        ctx = self.ctx
        if ctx.year is not None:
            where = "in the paragraph" if ctx.published else "in the text, which has no dateline"
            return ctx.year, f"year taken from the date before it {where} ({ctx.year_text})"
        published = ctx.published
        if published is None:
            return None, _no_date(None)
        if self.future(start, end):
            year = published.year if (month, day) >= (published.month, published.day) else published.year + 1
            return year, "year taken from the publication date (the sentence speaks of the future)"
        return _year_for(month, day, published), "year taken from the publication date"

    def states_year(self, hit: _Hit, year: int) -> None:
        """A figure that states its year sets the context, unless it is a limit ("until 2025")."""
        if _OWN_LIMIT.match(self.text, hit.start) is None and self.back(_LIMIT_BEFORE, hit.start, 24) is None:
            hit.sets_year = year

    # figures that start with a digit, a sign or a minus ---------------------------------------

    def numeric(self, i: int) -> _Hit | None:
        text = self.text
        ch = text[i]
        if ch in "'’":
            return self.apostrophe_decade(i)
        before = text[i - 1] if i else " "
        if ch == "." and not (before.isspace() or before == "("):
            return None
        if ch in "-−" and (before.isalnum() or before in ",.%)"):
            return None  # a hyphen in a word or after a number ("F-16", "80-100"), not a minus
        if ch.isdigit():
            code = self.in_code(i, before)
            if code is not None:
                return code
        for parse in (
            self.iso_date,
            self.time_of_day,
            self.day_month,
            self.numeric_ordinal,
            self.to_present,
            self.year_range,
            self.decade,
            self.slash,
            self.proportion,
        ):
            hit = parse(i)
            if hit is not None:
                return hit
        return self.quantity(i)

    def in_code(self, i: int, before: str) -> _Hit | None:
        """Digits that are part of a name or a code ("G7", "F-16", "COVID-19", "Article 5",
        "note 1:", a list marker "2. "), skipped whole; None when they start a figure."""
        text = self.text
        if before.isalpha() or before == "_":
            return self.code(i)  # "G7", "A4"
        if before == "-" and i >= 2 and text[i - 2].isalnum():
            word = _WORD_BEFORE_HYPHEN.search(text, max(0, i - 30), i)
            if word and (word.group(1)[0].isupper() or any(c.isdigit() for c in word.group(1))):
                return self.code(i)  # "F-16", "C-130", "COVID-19", "Chandrayaan-1"
        if before == "/" and i >= 2 and text[i - 2].isdigit():
            return self.code(i)
        if self.word_before(i) in _NAME_WORDS:
            return self.code(i)
        if (i == 0 or before == "\n") and _LIST_MARKER.match(text, i):
            return _skip(i, i + 2)
        return None

    def code(self, i: int) -> _Hit:
        end = _CODE_RUN.match(self.text, i).end()
        while end > i and not self.text[end - 1].isalnum():
            end -= 1
        return _skip(i, max(end, i + 1))

    def apostrophe_decade(self, i: int) -> _Hit | None:
        match = _APOSTROPHE_DECADE.match(self.text, i)
        if match is None:
            return None
        digit = int(match.group("d"))
        first = 2000 + 10 * digit if digit <= 2 else 1900 + 10 * digit
        hit = _Hit(i, match.end(), "year", NAN, first, first + 9, "year", date=str(first), precision="decade")
        hit.rule, hit.note = "decade", f"'{digit}0s read as the {first}s"
        return self.decade_prefix(hit, first)

    def iso_date(self, i: int) -> _Hit | None:
        match = _ISO_DATE.match(self.text, i)
        if match is None:
            return None
        try:
            day = dt.date.fromisoformat(match.group())
        except ValueError:
            return None
        hit = _Hit(i, match.end(), "date", date=day.isoformat(), precision="day", rule="date_iso")
        self.states_year(hit, day.year)
        return hit

    def time_of_day(self, i: int) -> _Hit | None:
        """'2:30 a.m.', '10 p.m.', '14:00 GMT', '6 a.m. to 2 p.m.'."""
        match = _TIME.match(self.text, i)
        first = _clock(match) if match is not None else None
        if first is None:
            return None
        end, times = match.end(), [first]
        join = _TIME_JOIN.match(self.text, end)
        if join:
            second = _TIME.match(self.text, join.end())
            if second is not None and _clock(second):
                end, times = second.end(), [first, _clock(second)]
        hit = _Hit(i, end, "time", rule="time", time="/".join(times))
        between = self.back(_BETWEEN_BEFORE, i, 12)
        if between and len(times) == 2:
            hit.start = between.start("w")
        return self.qualify(hit)

    def day_month(self, i: int) -> _Hit | None:
        """'13 July 2021', '14–16 March', '14/15 March', 'between 2 and 9 May', 'the 21st of
        May 2024', 'Monday, 16 March' (the weekday found looking back)."""
        match = _DAY_MONTH.match(self.text, i)
        if match is None:
            return None
        join = match.group("join")
        between = self.back(_BETWEEN_BEFORE, i, 12)
        if join in ("and", "or") and not (between and between.group("w").lower() == "between"):
            return None
        start = between.start("w") if join and between else i
        the = self.back(_THE_BEFORE, start, 8)
        if the and not join:
            start = the.start()
        weekday = None
        named = _WEEKDAY_COMMA_BEFORE.search(self.text, max(self.floor, start - 16), start)
        if named:
            start, weekday = named.start("wd"), _WEEKDAYS[named.group("wd").lower()]
        d1, d2 = int(match.group("d1")), int(match.group("d2")) if match.group("d2") else None
        month = _month_of(match.group("month"))
        return self.dated(start, match.end(), d1, d2, month, match.group("year"), weekday, "date_dmy")

    def named_by_date(self, day: re.Match) -> bool:
        """A date that names something, shown by the abbreviation after it that holds its day:
        'the March 23 (M23) movement', 'the April 6 (A6) youth movement'."""
        after = _NAME_ABBREVIATION.match(self.text, day.end())
        return after is not None and after.group("n") == day.group("d1") and not day.group("d2")

    def dated(
        self,
        start: int,
        end: int,
        d1: int,
        d2: int | None,
        month: int,
        year_text: str | None,
        weekday: int | None,
        rule: str,
    ) -> _Hit | None:
        """A day (or days d1-d2) of a month; the year stated, or inferred and noted."""
        if not 1 <= d1 <= 31 or (d2 is not None and not d1 < d2 <= 31):
            return None
        if year_text:
            year, note = int(year_text), ""
        else:
            year, note = self.undated(month, d1, start, end)
            if year is not None and weekday is not None:
                year, note = _weekday_year(year, month, d1, weekday, note)
        try:
            first = dt.date(year or 2000, month, d1)  # 2000 is a leap year: 29 February is a day
            last = dt.date(year or 2000, month, d2) if d2 else first
        except ValueError:
            return None
        if year:
            date = first.isoformat() if d2 is None else f"{first}/{last}"
            if weekday is not None and first.weekday() != weekday:
                note = _join_note(note, f"the weekday it names is not that of {first} ({first:%A})")
        else:
            date = f"--{month:02d}-{d1:02d}" + (f"/--{month:02d}-{d2:02d}" if d2 else "")
        hit = _Hit(start, end, "date", date=date, precision="day", date_note=note, rule=rule)
        if year_text:
            self.states_year(hit, year)
        return hit

    def numeric_ordinal(self, i: int) -> _Hit | None:
        match = _NUMERIC_ORDINAL.match(self.text, i)
        return self.ordinal_at(i, match.end(), int(match.group("n"))) if match else None

    def year_range(self, i: int) -> _Hit | None:
        """'1915 to 1934', '1957-1971', '2007-08', 'between 1994 and 2014'."""
        match = _YEAR_RANGE.match(self.text, i)
        if match is None:
            return None
        a, join, b_text = int(match.group("a")), match.group("join").lower(), match.group("b")
        b = int(b_text) if len(b_text) == 4 else (a // 100) * 100 + int(b_text)
        if b <= a or (len(b_text) == 2 and join not in "-–/"):
            return None
        if a < 1000 and not self.early_year_range(i, match, b_text):
            return None
        if join == "/" and b != a + 1:
            return None  # "1992/93", "2012/2013": a fiscal or school year; other slashes are not years
        follows = self.word_after(match.end())[0].lower()
        if follows in _COUNT_NOUNS or follows in _UNITS:
            return None  # "between 2000 and 3000 people": counts
        between = self.back(_BETWEEN_BEFORE, i, 12)
        if join == "and" and not (between and between.group("w").lower() == "between"):
            return None
        start = between.start("w") if between else i
        return _Hit(
            start,
            match.end(),
            "year",
            NAN,
            a,
            b,
            "year",
            date=f"{a:04d}/{b:04d}",
            precision="year",
            rule="year_range",
        )

    def early_year_range(self, i: int, match: re.Match, b_text: str) -> bool:
        """'(918-1392)': a range from a year of three digits, read only in brackets or between
        semicolons ("Koryo; 918-1392"), to a year of four, with a dash."""
        if len(b_text) != 4 or match.group("join") not in "-–":
            return False
        before = self.text[max(0, i - 2) : i].strip()
        return before.endswith(("(", ";")) and self.text[match.end() : match.end() + 1] in (")", ";")

    def decade(self, i: int) -> _Hit | None:
        """'the 1990s', 'the early 1970s', 'the 1800s' (a century)."""
        match = _DECADE.match(self.text, i)
        if match is None:
            return None
        first = int(match.group("y"))
        if first % 100 == 0 and first < 2000:
            hit = _Hit(i, match.end(), "year", NAN, first, first + 99, "year", date=f"{first}/{first + 99}")
            hit.precision, hit.rule = "year", "century"
            hit.note = f"the {first}s read as the century {first}-{first + 99}"
            return self.decade_prefix(hit, first, span=100)
        hit = _Hit(i, match.end(), "year", NAN, first, first + 9, "year", date=str(first), precision="decade")
        hit.rule = "decade"
        return self.decade_range(self.decade_prefix(hit, first))

    def decade_range(self, hit: _Hit) -> _Hit:
        """'1990s-2011', 'the 1960s to the 1980s', 'the 1990s until 2010', 'between the mid-1980s
        and mid-1990s', 'from the 19th century to 1914': from a decade or a century to a year or
        a decade (early/mid/late narrowing either end), as one mention."""
        join = _DECADE_JOIN.match(self.text, hit.end)
        if join is None:
            return hit
        between = self.back(_BETWEEN_BEFORE, hit.start, 12)
        word = join.group("join").lower()
        if word == "and" and not (between and between.group("w").lower() == "between"):
            return hit
        if join.group("decade"):
            y2 = int(join.group("decade"))
            high = y2 + 9
            if join.group("mod2"):
                high = _thirds(y2, y2 + 9, _modifier_word(join.group("mod2")))[1]
        else:
            if join.group("mod2"):
                return hit
            high = int(join.group("year"))
        low = int(hit.low if hit.low is not None else hit.value)
        if high <= low:
            return hit
        hit.end, hit.low, hit.high = join.end(), low, high
        hit.date, hit.precision, hit.rule = f"{low:04d}/{high:04d}", "year", "year_range"
        hit.note = _join_note(hit.note, f"read as {low}-{high}")
        if between is not None:
            hit.start = between.start("w")
        return hit

    def to_present(self, i: int) -> _Hit | None:
        """'1998-present', '2010 to the present', 'from 2004 to date': a period that has not ended."""
        match = _TO_PRESENT.match(self.text, i)
        if match is None:
            return None
        first = int(match.group("a"))
        published = self.ctx.published
        between = self.back(_BETWEEN_BEFORE, i, 12)
        start = between.start("w") if between else i
        if published is None or published.year < first:
            hit = _Hit(start, match.end(), "year", NAN, first, NAN, "year", date=str(first), precision="year")
            hit.rule, hit.date_note = "year_range", "a period to the present; publication date unknown"
            return hit
        last = published.year
        hit = _Hit(
            start, match.end(), "year", NAN, first, last, "year", date=f"{first}/{last}", precision="year"
        )
        hit.rule, hit.date_note = "year_range", "a period to the present: ends at the publication date"
        return hit

    def century_pair(self, i: int, pair: re.Match, n: int, last: int) -> _Hit:
        """'the 10th and 11th centuries', 'the late 19th and early 20th centuries', 'the latter
        half of the 19th and early 20th centuries': a modifier before the first narrows the first
        century, one before the second (mod2) the second."""
        first, end_year = (n - 1) * 100, last * 100 - 1
        low, high = first, end_year
        words = []
        modifier = self.back(_MODIFIER_BEFORE, i, 40)
        start = i
        if modifier is not None:
            word = _modifier_word(modifier.group("mod"))
            low = _thirds(first, first + 99, word)[0]
            start = modifier.start("the") if modifier.group("the") else modifier.start("mod")
            words.append(word)
        else:
            the = self.back(_THE_BEFORE, i, 8)
            if the is not None:
                start = the.start()
        if pair.group("mod2"):
            word = _modifier_word(pair.group("mod2"))
            high = _thirds((last - 1) * 100, end_year, word)[1]
            words.append(word)
        hit = _Hit(start, pair.end(), "year", NAN, low, high, "year", date=f"{low:04d}/{high:04d}")
        hit.precision, hit.rule, hit.qualifier = "year", "century", " / ".join(words)
        hit.note = f"the {n}{_suffix(n)} to {last}{_suffix(last)} centuries read as {low}-{high}"
        return hit

    def decade_prefix(self, hit: _Hit, first: int, span: int = 10, dated: bool = True) -> _Hit:
        """'the' before a decade or century, or early/mid/late (which narrow it to a third)."""
        modifier = self.back(_MODIFIER_BEFORE, hit.start, 30)
        if modifier is None or not dated:
            the = self.back(_THE_BEFORE, hit.start, 8)
            if the is not None:
                hit.start = the.start()
            return hit
        word = _modifier_word(modifier.group("mod"))
        low, high = _thirds(first, first + span - 1, word)
        hit.start = modifier.start("the") if modifier.group("the") else modifier.start("mod")
        hit.qualifier, hit.low, hit.high = word, low, high
        hit.date, hit.precision = f"{low:04d}/{high:04d}", "year"
        hit.note = _join_note(hit.note, f"{word}: read as {low}-{high} ({_MODIFIER_NOTES.get(word, word)})")
        return hit

    def slash(self, i: int) -> _Hit | None:
        """a/b: a fraction before "of" ("1/3 of"); otherwise a code or a name ("9/11", "24/7")."""
        match = _SLASH.match(self.text, i)
        if match is None:
            return None
        a, b = int(match.group("a")), int(match.group("b"))
        if 0 < a < b <= 100 and _OF_AFTER.match(self.text, match.end()):
            return self.qualify(_Hit(i, match.end(), "fraction", a / b, unit="fraction", rule="fraction"))
        return _skip(i, match.end())

    def proportion(self, i: int) -> _Hit | None:
        """'one in four', '1 in 5', 'one visitor in eight', 'three out of four'."""
        match = _PROPORTION.match(self.text, i)
        if match is None:
            return None
        a, b = _count_value(match.group("a")), _count_value(match.group("b").replace(",", ""))
        noun = match.group("noun").split()
        if a is None or b is None or not 0 < a < b:
            return None
        if noun and (noun[0] in ("of", "the", "a", "an", "and", "or", "per") or noun[-1] in ("the", "a")):
            return None
        hit = _Hit(i, match.end(), "fraction", a / b, unit="fraction", rule="proportion")
        return self.qualify(hit)

    def quantity(self, i: int) -> _Hit | None:
        """A number with its sign, currency, scale, unit, range and qualifier."""
        match = _NUMBER.match(self.text, i)
        if match is None:
            return None
        digits = match.group("num")
        if len(digits.split(".")[0].replace(",", "")) > MAX_DIGITS:
            return _skip(i, match.end())  # a run of digits, not a figure: its float would be inf
        if self.text[match.end() : match.end() + 1] == ",":
            grouped = self.irregular_groups(i, match)
            if grouped is not None:
                return grouped
        value = _number(digits)
        if match.group("neg"):
            value = -value
        sign = match.group("sign")
        hit = self.quantity_tail(i, match.end(), value, _SIGNS.get(sign or "", ""))
        if hit is None:
            return None
        plain = digits if not sign and not match.group("neg") else ""
        return self.finish_quantity(hit, plain)

    def irregular_groups(self, i: int, match: re.Match) -> _Hit | None:
        """Digits grouped by commas other than in threes, the last group of three: grouped the
        Indian way ("1,00,000" is a lakh, "2,50,00,000" 2.5 crore) they are read with the commas
        dropped; otherwise ("1000,000", a slip for 100,000 or 1,000,000) the figure is kept as
        one count whose number is not read, with a note. Other runs ("1,2,3", "1999,2000") are
        left to the other rules."""
        grouped = _GROUPED.match(self.text, match.start("num"))
        if (
            grouped is None
            or grouped.end() <= match.end()  # grouped in threes, read already ("100,000,")
            or len(grouped.group("int").split(",")[-1]) != 3
            or match.group("neg")
        ):
            return None
        digits, currency = grouped.group(), _SIGNS.get(match.group("sign") or "", "")
        if len(digits.split(".")[0].replace(",", "")) > MAX_DIGITS:
            return _skip(i, grouped.end())
        indian = _INDIAN_GROUPS.fullmatch(grouped.group("int")) is not None
        value = _number(digits) if indian else NAN
        hit = self.quantity_tail(i, grouped.end(), value, currency)
        if hit is None:
            return None
        hit = self.qualify(hit)
        if indian:
            hit.note = _join_note(hit.note, f"{digits}: digits grouped the Indian way (lakh, crore)")
        else:
            hit.low = hit.high = NAN
            hit.note = _join_note(
                hit.note, f"{digits}: digits grouped irregularly (a slip?); the number is not read"
            )
        return hit

    def quantity_tail(self, start: int, end: int, value: float, currency: str) -> _Hit | None:
        """What follows a number: a scale, a unit or currency, half, a range to a second number."""
        text = self.text
        hit = _Hit(start, end, "money" if currency else "count", value, unit=currency, rule="quantity")
        after = _AFTER_NUMBER.match(text, end)
        if after is not None and (after.group("ord") or after.group("decade")):
            return None  # "30s" (an age), "4th" read elsewhere
        if after is not None:
            letters = after.group("letters")
            if letters in ("b", "k") and not currency:
                return self.code(start)  # "5k", "3b": a code or a race more often than a number
            if letters != "m" or currency or not self.metres(start, after.end()):
                hit.scale = _SCALE_LETTERS[letters] if letters else _SCALES[after.group("scale").lower()]
                hit.value *= hit.scale
                hit.end = after.end()
        elif _LETTER.match(text, end) and not _UNIT.match(text, end):
            return self.code(start)  # "1A", "737MAX"
        unit = _UNIT.match(text, hit.end)
        if unit is not None:
            self.apply_unit(hit, unit)
        half = _AND_A_HALF.match(text, hit.end)
        if half is not None and hit.kind in ("count", "duration") and hit.value == int(hit.value):
            hit.value += 0.5  # "two and a half years"
            hit.end = half.end()
            unit = _UNIT.match(text, hit.end)
            if unit is not None:
                self.apply_unit(hit, unit)
        return self.range_tail(hit)

    def metres(self, start: int, end: int) -> bool:
        """Whether a glued "m" ("2.7m") means metres rather than million: before a dimension
        ("2.5m-wide", "2m deep"), or after "a" before a thing that is not people ("a 2.7m wall")."""
        follows = _NEXT_WORD.match(self.text, end)
        word = follows.group("w").lower() if follows else ""
        if follows and follows.group("sep") == "-":
            return word in _DIMENSION_WORDS
        if word in (*_DIMENSION_WORDS, "above", "below", "away", "underground", "underwater"):
            return True
        return (
            self.word_before(start) in ("a", "an") and word not in _COUNT_NOUNS and word not in _PEOPLE_WORDS
        )

    def apply_unit(self, hit: _Hit, unit: re.Match) -> None:
        """Give a number the kind and unit of the word after it."""
        if unit.group("temp") is not None:
            self.temperature(hit, unit)
            return
        if unit.group("ccode") is not None:
            code = _AFTER_CODES[unit.group("ccode")]
            if hit.kind != "money" or hit.unit == code:
                hit.kind, hit.unit, hit.end = "money", code, unit.end()
            return
        if unit.group("cword") is not None:
            if unit.group("sep").strip():
                return  # "5-dollar": a compound
            word = " ".join(unit.group("cword").lower().split())
            adjective = " ".join((unit.group("cadj") or "").lower().split())
            if word == "won" and not adjective and self.won_the_verb(hit, unit.end()):
                return  # "the election in 2017 won by MOON", "5 seats won in 2020"
            code = _CURRENCY_ADJECTIVES.get((adjective, word)) or _CURRENCY_WORDS[word]
            if (
                word in ("pound", "pounds")
                and not adjective
                and self.word_after(unit.end())[0].lower() == "of"
            ):
                hit.kind, hit.unit, hit.end = "mass", "pound", unit.end()  # "12 pounds of rice"
            elif hit.kind != "money" or hit.unit == code:
                hit.kind, hit.unit, hit.end = "money", code, unit.end()
            return
        abbreviation = unit.group("uabbr")
        key = abbreviation if abbreviation else " ".join(unit.group("uword").lower().split())
        kind, name = _UNITS.get(key) or _UNITS.get(key.lower()) or ("", "")
        if not kind or hit.kind == "money":
            return
        if abbreviation in ("kt", "kn") and not unit.group("sep"):
            return  # "5kt" is a yield or a code more often than a speed
        if key == "second" and not self.one_second(hit, unit):
            return  # "the 2019 second quarter", "2 second-hand cars": an ordinal, not a unit
        hit.kind, hit.unit, hit.end = kind, name, unit.end()

    def one_second(self, hit: _Hit, unit: re.Match) -> bool:
        """Whether a singular "second" after a number is the unit: joined to it by a hyphen ("a
        30-second clip") or after one ("one second"), and not a compound ("second-hand")."""
        if self.text.startswith("-", unit.end()):
            return False
        return unit.group("sep") == "-" or hit.value == 1

    def won_the_verb(self, hit: _Hit, end: int) -> bool:
        """Whether "won" after a number is the verb, not the Korean currency: after a year, or
        before what a verb takes ("won by", "won the", "won in")."""
        if _plain_year(self.text[hit.start : hit.end]):
            return True
        return self.word_after(end)[0].lower() in _VERB_OBJECTS

    def temperature(self, hit: _Hit, unit: re.Match) -> None:
        scale = unit.group("tscale") or unit.group("tname")
        if scale:
            hit.unit = "degree_Fahrenheit" if scale[0].upper() == "F" else "degree_Celsius"
        else:
            follows = self.word_after(unit.end())[0].lower()
            if unit.group("sep").strip() == "-" or unit.group("sep") == "-" or follows in _ANGLE_WORDS:
                return  # "a 180-degree turn", "30 degrees north": an angle
            hit.unit = "degree"
            hit.note = _join_note(hit.note, "a temperature whose scale is not stated")
        hit.kind, hit.end = "temperature", unit.end()

    def range_tail(self, hit: _Hit) -> _Hit:
        """'3 to 5 percent', '40 and 60 thousand', '4-5 million', '€55 and €70 million': one
        figure from low to high, the scale and unit of the second number applied to the first
        when it has none of its own. 'and' joins a range only after 'between'; 'increased from
        70,000 to 370,000' is a change between two figures."""
        text = self.text
        join = _RANGE_JOIN.match(text, hit.end)
        if join is None:
            return hit
        word = (join.group("join") or "-").lower()
        between = self.back(_BETWEEN_BEFORE, hit.start, 12)
        if word in ("and", "or") and not (between and between.group("w").lower() == "between"):
            return hit
        if word in ("to", "until", "through") and self.is_change(hit):
            return hit
        second = _NUMBER.match(text, join.end())
        if second is None:
            return hit
        currency = _SIGNS.get(second.group("sign") or "", "")
        if currency and currency != (hit.unit if hit.kind == "money" else currency):
            return hit
        value = -_number(second.group("num")) if second.group("neg") else _number(second.group("num"))
        return self.join_range(hit, second.end(), value, currency, between, second.group("num"))

    def words_range_tail(self, hit: _Hit) -> _Hit:
        """'seven to eight million', 'two or three': a range of number words."""
        join = _WORDS_RANGE_JOIN.match(self.text, hit.end)
        if join is None:
            return hit
        between = self.back(_BETWEEN_BEFORE, hit.start, 12)
        joined = (join.group("join") or join.group("hjoin")).lower()
        if joined == "and" and not (between and between.group("w").lower() == "between"):
            return hit
        if joined == "to" and self.is_change(hit):
            return hit
        words = _WORDS_NUMBER.match(self.text, join.end())
        if words is None:
            return hit
        scale = _SCALES.get(words.group().lower().split()[-1], 0)  # "eight million": the scale of both
        return self.join_range(hit, words.end(), _words_value(words.group()), "", between, "", scale)

    def join_range(
        self,
        hit: _Hit,
        end: int,
        value: float,
        currency: str,
        between: re.Match | None,
        digits: str,
        scale: float = 0.0,
    ) -> _Hit:
        """Join a figure and the second number of a range (read up to ``end``) into one."""
        text = self.text
        other = self.second_number(end, value, currency or (hit.unit if hit.kind == "money" else ""))
        if other is None:
            return hit
        other.scale = other.scale or scale
        if (
            hit.kind == "count"
            and not hit.scale
            and _plain_year(text[hit.start : hit.end])
            and (other.scale or other.kind != "count" or not _plain_year(digits))
        ):
            return hit  # "in 2001 to 47.3 million": a year, then another figure
        low = hit.value
        if not hit.scale and other.scale and low * other.scale < other.value:
            low *= other.scale
        if hit.kind == "count" and not hit.unit:
            kind, unit = other.kind, other.unit
        elif other.kind == hit.kind and other.unit in (hit.unit, ""):
            kind, unit = hit.kind, hit.unit
        else:
            return hit
        if not low < other.value:
            return hit
        hit.kind, hit.unit, hit.rule = kind, unit, "range"
        hit.value, hit.low, hit.high, hit.end = NAN, low, other.value, other.end
        if between:
            hit.start = between.start("w")
        return hit

    def is_change(self, hit: _Hit) -> bool:
        start = hit.start
        qualifier = self.back(_QUAL_BEFORE, start, 32)
        if qualifier is not None:
            start = qualifier.start("q")
        return (
            self.back(_FROM_BEFORE, start, 8) is not None and self.back(_CHANGE_BEFORE, start, 60) is not None
        )

    def second_number(self, end: int, value: float, currency: str) -> _Hit | None:
        """The scale and unit after the second number of a range."""
        part = _Hit(0, end, "money" if currency else "count", value, unit=currency)
        after = _AFTER_NUMBER.match(self.text, end)
        if after is not None:
            letters = after.group("letters")
            if after.group("ord") or after.group("decade") or (letters in ("b", "k") and not currency):
                return None
            if letters != "m" or currency or not self.metres(end, after.end()):
                part.scale = _SCALE_LETTERS[letters] if letters else _SCALES[after.group("scale").lower()]
                part.value *= part.scale
                part.end = after.end()
        unit = _UNIT.match(self.text, part.end)
        if unit is not None:
            self.apply_unit(part, unit)
        return part

    def finish_quantity(self, hit: _Hit, plain: str = "") -> _Hit | None:
        """A count may be a multiple ("three times"), a year ("in 1991", "a 1973 coup") or a
        period ("early 2019"); a duration may be a date ("a decade ago") or a period ending at
        publication ("the past 24 hours"). Then the qualifier before it."""
        if hit.rule == "quantity" and hit.kind == "count":
            text = self.text
            # The letters of an era come within two characters ("2300 B.C.", "A.D. 500"): a
            # cheap test first, as nearly every number has none.
            era = None
            if plain.isdigit() and any(c in "ABC" for c in text[hit.end : hit.end + 2]):
                era = _ERA.match(text, hit.end)
            if era is not None:
                return self.era_range(self.qualify(self.era_year(hit, int(plain), era)))
            era_before = None
            if plain.isdigit() and "D" in text[max(0, hit.start - 3) : hit.start]:
                era_before = _ERA_BEFORE.search(text, max(self.floor, hit.start - 8), hit.start)
            if era_before is not None:
                hit.start = era_before.start()  # "A.D. 500", "AD 79"
                hit.kind, hit.unit, hit.rule = "year", "year", "era"
                hit.date, hit.precision = f"{int(plain):04d}", "year"
                return hit
            times = _TIMES.match(self.text, hit.end)
            if times is not None:
                return self.times(hit, times)
            if plain and self.early_year(hit, plain):
                hit.kind, hit.unit, hit.date, hit.precision = "year", "year", f"{int(plain):04d}", "year"
                hit.note = "a year of three digits (after 'in' or 'since', ending a clause)"
                return hit
            if plain and re.fullmatch(_YEAR, plain) and self.names_a_plan(hit.start):
                return _skip(hit.start, hit.end)  # "Vision 2030", "Agenda 2063": a name
            if plain and re.fullmatch(_YEAR, plain) and self.looks_like_year(hit):
                year = int(plain)
                dated = self.year_modifier(hit, year)
                if dated is not None:
                    return dated
                hit.kind, hit.unit, hit.date, hit.precision = "year", "year", plain, "year"
                self.states_year(hit, year)
                return hit
        if hit.kind == "duration" and hit.rule == "quantity":
            return self.duration(hit)
        return self.qualify(hit)

    def names_a_plan(self, start: int) -> bool:
        """A year that ends a name: after a capitalised word such as 'Vision' or 'Agenda', or
        after a capitalised word that follows 'known as' or 'called'."""
        word = _NAME_BEFORE.search(self.text, max(self.floor, start - 40), start)
        if word is None:
            return False
        return word.group("word") in _PLAN_WORDS or word.group("named") is not None

    def early_year(self, hit: _Hit, plain: str) -> bool:
        """'the first state in 688.', 'since 800,': three digits after in/since/circa that end a
        clause are a year; elsewhere ("rose by 688.", "in 688 villages") a count."""
        if not (len(plain) == 3 and plain[0] != "0"):
            return False
        if self.text[hit.end : hit.end + 1] not in (".", ",", ";", ")", ""):
            return False
        return self.word_before(hit.start) in ("in", "since", "circa", "until")

    def era_year(self, hit: _Hit, year: int, era: re.Match) -> _Hit:
        """'2300 B.C.', '79 AD': a year of an era. A year before the common era has no ISO date
        here (the timeline cannot place it); its value is negative (-2300)."""
        hit.kind, hit.unit, hit.rule, hit.end = "year", "year", "era", era.end()
        if era.group("era").upper().startswith("B"):
            hit.value = hit.low = hit.high = -float(year)
            hit.date, hit.precision = "", ""
            hit.note = f"{year} before the common era: not placed on the timeline"
            return hit
        hit.date, hit.precision = f"{year:04d}", "year"
        self.states_year(hit, year)
        return hit

    def era_range(self, hit: _Hit) -> _Hit:
        """'between 2000 B.C. and A.D. 500', '500 BC to AD 200': years of eras as one range."""
        match = _ERA_RANGE.match(self.text, hit.end)
        if match is None or not (match.group("pre") or match.group("post")):
            return hit
        between = self.back(_BETWEEN_BEFORE, hit.start, 12)
        if match.group("join").lower() == "and" and not (between and between.group("w").lower() == "between"):
            return hit
        era = (match.group("pre") or match.group("post")).upper()
        b = float(match.group("b")) * (-1 if era.startswith("B") else 1)
        a = hit.value
        if not a < b:
            return hit
        hit.end, hit.value, hit.low, hit.high = match.end(), NAN, a, b
        hit.rule = "era_range"
        if a > 0:
            hit.date, hit.precision = f"{int(a):04d}/{int(b):04d}", "year"
        else:
            hit.date, hit.precision = "", ""
            end_era = " BC" if b < 0 else ""
            hit.note = f"{-a:g} BC to {abs(b):g}{end_era}: before the common era, not placed on the timeline"
        if between is not None:
            hit.start = between.start("w")
        return hit

    def looks_like_year(self, hit: _Hit) -> bool:
        """A bare four-digit number is a year unless what comes before or after makes it a count."""
        before = self.word_before(hit.start)
        follows = self.word_after(hit.end)[0]
        lower = follows.lower()
        qualifier = self.back(_QUAL_BEFORE, hit.start, 32)
        if qualifier is not None:
            # "over 2015," is a year; "more than 2000 were killed", "about 1500 soldiers" counts
            ends = self.text[hit.end : hit.end + 1] in ("", ",", ".", ";", ")", ":")
            return ends and qualifier.group("q").lower() in ("over", "around", "about", "under", "circa")
        if before in _YEAR_WORDS or self.text[max(0, hit.start - 2) : hit.start] in ("’s", "'s"):
            return not (lower in _COUNT_NOUNS and before in ("a", "an"))
        if lower in _COUNT_NOUNS:
            return False
        # "They counted 2014 ballots": a plural noun after it
        return not (
            follows[:1].islower()
            and lower.endswith("s")
            and not lower.endswith("ss")
            and lower not in _VERBS_S
        )

    def year_modifier(self, hit: _Hit, year: int) -> _Hit | None:
        """'early 2019', 'mid-2024', 'late 2009', 'the end of 2020', 'year-end 2016': months of a year."""
        modifier = self.back(_MODIFIER_BEFORE, hit.start, 30)
        if modifier is None:
            return None
        raw = modifier.group("mod").lower()
        word = _modifier_word(raw)
        first, last = (12, 12) if raw == "year-end" else _thirds(1, 12, word)
        start = modifier.start("the") if modifier.group("the") else modifier.start("mod")
        date = f"{year}-{first:02d}" if first == last else f"{year}-{first:02d}/{year}-{last:02d}"
        months = calendar.month_name[first] + (f"-{calendar.month_name[last]}" if last != first else "")
        note = f"{word}: read as {months} {year}" + (
            f" ({_MODIFIER_NOTES.get(word, word)} of the year)" if last != first else ""
        )
        dated = _Hit(
            start, hit.end, "date", date=date, precision="month", qualifier=word, rule="date_part", note=note
        )
        self.states_year(dated, year)
        return dated

    def times(self, hit: _Hit, times: re.Match) -> _Hit:
        """'three times the budget', 'fivefold': a multiple; 'five times since 1960': occasions."""
        hit.end = times.end()
        if times.group("times").lower() == "fold" or not self.occasions(hit.end):
            hit.kind, hit.rule = "multiple", "multiple"
        else:
            hit.rule, hit.note = "times", "how many times something happened"
        return self.qualify(hit)

    def occasions(self, end: int) -> bool:
        """Whether 'N times' counts occasions: before the end of a clause or a word of time
        ('five times since 1960', 'a dozen times.'); otherwise it multiplies what follows ('four
        times GDP', 'three times the budget', 'twice as long')."""
        if _COMPARATIVE_AFTER.match(self.text, end):
            return False
        follows = self.word_after(end)[0].lower()
        return not follows or follows in _OCCASION_AFTER

    def duration(self, hit: _Hit) -> _Hit:
        ago = _AGO.match(self.text, hit.end)
        if ago is not None:
            return self.ago(hit, ago.end())
        past = self.back(_PAST_BEFORE, hit.start, 12)
        following = self.back(_FOLLOWING_BEFORE, hit.start, 20) if past is None else None
        hit = self.qualify(hit)
        if past is not None and not hit.qualifier:
            hit.start, hit.qualifier = past.start(), past.group("dir").lower()
            self.period_dates(hit, hit.value)
        elif following is not None and not hit.qualifier:
            # "over the following two decades": a period counted from the date before it
            hit.start, hit.qualifier = following.start("dir"), following.group("dir").lower()
        return hit

    def period_dates(self, hit: _Hit, amount: float) -> None:
        """The dates of 'the past 24 hours', 'the past decade': a period ending at publication."""
        published = self.ctx.published
        if published is None:
            hit.date_note = "a period ending at the publication date, which is unknown"
            return
        unit = hit.unit
        if unit in ("hour", "minute", "second"):
            days = math.ceil(amount / 24) if unit == "hour" else 1
            hit.date, hit.precision = f"{published - dt.timedelta(days=days)}/{published}", "day"
        elif unit in ("day", "week", "fortnight"):
            days = int(amount * {"day": 1, "week": 7, "fortnight": 14}[unit])
            hit.date, hit.precision = f"{published - dt.timedelta(days=days)}/{published}", "day"
        elif unit == "month":
            hit.date, hit.precision = (
                f"{_add_months(published, -int(amount)):%Y-%m}/{published:%Y-%m}",
                "month",
            )
        else:
            years = int(amount * {"decade": 10, "century": 100, "millennium": 1000}.get(unit, 1))
            hit.date, hit.precision = f"{published.year - years}/{published.year}", "year"
        hit.date_note = "a period ending at the publication date"

    def ago(self, hit: _Hit, end: int) -> _Hit:
        """'a decade ago', 'three weeks ago': counted back from the publication date."""
        hit = self.qualify(hit)
        amount, unit = hit.value, hit.unit
        hit.end, hit.kind, hit.rule = end, "date", "ago"
        hit.value, hit.low, hit.high = NAN, None, None
        published = self.ctx.published
        if published is None:
            hit.date_note = _no_date(None)
            return hit
        if unit in ("day", "week", "hour"):
            days = amount * {"day": 1, "week": 7, "hour": 1 / 24}[unit]
            hit.date, hit.precision = (published - dt.timedelta(days=round(days))).isoformat(), "day"
        elif unit == "month":
            hit.date, hit.precision = f"{_add_months(published, -round(amount)):%Y-%m}", "month"
        else:
            year = published.year - round(
                amount * {"decade": 10, "century": 100, "millennium": 1000}.get(unit, 1)
            )
            if year < 1:
                hit.date_note = (
                    f"{amount:g} {unit}s before the publication date: before year 1, no date shown"
                )
                return hit
            hit.date, hit.precision = f"{year:04d}", "year"
        hit.date_note = "counted back from the publication date"
        return hit

    # figures that start with a word ------------------------------------------------------------

    def word(self, i: int, word: str) -> _Hit | None:
        lower = word.lower()
        if lower in _MONTHS or lower in _MONTH_ABBREVIATIONS:
            return self.month(i) if word[0].isupper() else None  # "may" the verb is no month
        if lower in _WEEKDAYS:
            return self.weekday(i, word) if word[0].isupper() else None
        if lower in ("half", "halves"):
            return self.half(i, lower)
        if lower in ("quarter", "quarters"):
            return self.quarter(i, lower)
        if lower in _ORDINALS:
            return self.ordinal_at(i, i + len(lower), _ORDINALS[lower], word=lower)
        if lower in _SMALL or lower in _SCALES:
            return self.number_words(i, lower)
        if lower in _VAGUE_WORDS:
            return self.vague(i)
        if lower in _MULTIPLES:
            return self.multiple(i, lower)
        if lower in ("yesterday", "today", "tomorrow", "tonight"):
            return self.relative_word(i, lower)
        if lower in ("morning", "afternoon", "evening", "night"):
            return self.part_of_day(i, lower)
        if lower in _SEASONS:
            return self.season(i, lower)
        if lower in ("few", "several"):
            return self.few(i, lower)
        if lower == "minus":
            return self.minus(i)
        if lower == "us":
            return self.quantity(i) if self.text.startswith("US$", i) else None
        if word in _CODES:
            return self.code_money(i, word)
        if word == "Q":
            return self.fiscal_quarter(i)
        if lower in ("noon", "midnight"):
            return self.noon(i, lower)
        if lower in ("multimillion", "multibillion"):
            return self.multi_scale(i, i + 5, lower[5:])
        return self.period(i, lower)

    def number_words(self, i: int, lower: str) -> _Hit | None:
        """'twenty-five', 'two hundred and fifty', 'a dozen', 'one-sixth', 'half a million',
        'one in four', 'two decades', 'three times'."""
        start = i
        multi = _MULTI_BEFORE.search(self.text, max(self.floor, i - 6), i) if lower in _SCALES else None
        if multi is not None:
            return self.multi_scale(multi.start(), i, lower)
        if lower in _SCALES:
            article = self.back(_ARTICLE_BEFORE, i, 4)
            if article is not None:
                start = article.start("a")  # "a hundred", "a dozen"
        for parse in (self.fraction_words, self.half_of_scale, self.proportion):
            hit = parse(start)
            if hit is not None:
                return hit
        match = _WORDS_NUMBER.match(self.text, start)
        if match is None or (match.group().lower() == "one" and self.not_one(start, match.end())):
            return None
        if self.quoted_term(start, match.end()):
            return _skip(start, match.end())  # a term in quotation marks: the “nine-dash line”
        if self.text[start].isupper() and not self.sentence_start(start):
            follows = self.word_after(match.end())[0]
            if follows[:1].isupper():
                return _skip(start, match.end())  # a name: the "Three Arrows", "Five Eyes"
        value = _words_value(match.group())
        plain = self.words_range_tail(_Hit(start, match.end(), "count", value, rule="quantity"))
        if plain.rule == "range":  # "seven to eight million": the scale and unit follow the range
            return self.qualify(plain)
        hit = self.quantity_tail(start, match.end(), value, "")
        return self.finish_quantity(hit) if hit is not None else None

    def quoted_term(self, start: int, end: int) -> bool:
        """A number word that opens a quotation and is hyphenated to the word after it, the
        quotation closing within a few words: a coined term the text names, not a count (the
        “two-state solution”, a ‘three-strikes’ law). A unit after the hyphen still makes a
        figure (the “five-year plan” states five years)."""
        text = self.text
        if start == 0 or text[start - 1] not in _OPENING_QUOTES:
            return False
        if start >= 2 and not (text[start - 2].isspace() or text[start - 2] in "([—–-"):
            return False  # a quotation mark that closes a word, not one that opens a quotation
        term = _QUOTED_TERM.match(text, end)
        return term is not None and not {term.group("word"), term.group("word").lower()} & _UNITS.keys()

    def multi_scale(self, start: int, i: int, lower: str) -> _Hit:
        """'a multi-million dollar deal', 'multibillion-euro': at least two of the scale, with
        no upper bound stated (the note says so)."""
        scale = _SCALES[lower]
        hit = _Hit(start, i + len(lower), "count", NAN, 2 * scale, NAN, rule="vague")
        hit.note = f"multi-{lower}: at least two {lower}s, no upper bound stated"
        unit = _UNIT.match(self.text, hit.end)
        if unit is not None and unit.group("cword") is not None:
            word = " ".join(unit.group("cword").lower().split())
            adjective = " ".join((unit.group("cadj") or "").lower().split())
            hit.kind, hit.end = "money", unit.end()
            hit.unit = _CURRENCY_ADJECTIVES.get((adjective, word)) or _CURRENCY_WORDS[word]
        return hit

    def not_one(self, start: int, end: int) -> bool:
        """'one' that is no figure: 'one of the', 'no one', 'any one', 'one another', 'one-off'."""
        if self.word_before(start) in _NOT_ONE_BEFORE:
            return True
        follows = _NEXT_WORD.match(self.text, end)
        if follows is None:
            return False
        word = follows.group("w").lower()
        if follows.group("sep") == "-":
            return word in ("off", "sided", "party", "time", "way", "man", "stop", "size", "liner", "on")
        return word in ("of", "another", "or", "thing", "by", "day")

    def fraction_words(self, i: int) -> _Hit | None:
        """'two-thirds', 'one-fifth', 'three quarters', 'a third' (from 'a')."""
        match = _FRACTION.match(self.text, i)
        if match is None:
            return None
        denominator = match.group("den").lower()
        compound = _COMPOUND_AFTER.match(self.text, match.end())
        if compound is not None and compound.group("word").lower() in _NOT_RANK:
            return _skip(i, compound.end())  # "one third-degree burn"
        if denominator.startswith("quarter") and _QUARTER_PERIOD.match(self.text, match.end()):
            return None
        if _HALF_OF_SCALE.match(self.text, i):
            return self.half_of_scale(i)
        if self.last_word(i) in ("first", "last") and _OF_PERIOD.match(self.text, match.end()):
            return _skip(i, match.end())  # "the first two thirds of the 20th century": read with the century
        numerator = 1 if match.group("num").lower() in ("a", "an") else _SMALL[match.group("num").lower()]
        hit = _Hit(
            i, match.end(), "fraction", numerator / _FRACTIONS[denominator], unit="fraction", rule="fraction"
        )
        return self.qualify(hit)

    def half_of_scale(self, i: int) -> _Hit | None:
        """'half a million' (500,000, not 0.5 and 1,000,000), 'a quarter of a million', 'half an hour'."""
        match = _HALF_OF_SCALE.match(self.text, i)
        if match is None:
            return None
        share = _SHARES[" ".join(match.group("frac").lower().split())]
        scale = match.group("scale").lower()
        hit = _Hit(i, match.end(), "count", rule="quantity")
        if scale in _SCALES:
            hit.value = share * _SCALES[scale]
            unit = _UNIT.match(self.text, hit.end)
            if unit is not None:
                self.apply_unit(hit, unit)
        else:
            hit.kind, hit.unit = _UNITS[scale]
            hit.value = share
        return self.finish_quantity(hit)

    def half(self, i: int, lower: str) -> _Hit | None:
        """'half', 'almost half', 'a half', 'by half'; 'half a million'; 'half-hour'."""
        if lower == "halves" or self.last_word(i) in _ORDINALS or self.last_word(i) in _PART_WORDS:
            return None  # "the second half of the century", "the southern half": a part
        if _HALF_OF_SCALE.match(self.text, i):
            return self.half_of_scale(i)
        compound = _COMPOUND_AFTER.match(self.text, i + 4)
        if compound is not None:
            word = compound.group("word").lower()
            if word not in _UNITS or _UNITS[word][0] != "duration":
                return _skip(i, compound.end())  # "half-brother", "half-hearted"
            hit = _Hit(i, compound.end(), "duration", 0.5, unit=_UNITS[word][1], rule="quantity")
            return self.qualify(hit)
        article = self.back(_ONE_BEFORE, i, 5)
        start = article.start("a") if article is not None else i
        return self.qualify(_Hit(start, i + 4, "fraction", 0.5, unit="fraction", rule="fraction"))

    def quarter(self, i: int, lower: str) -> _Hit | None:
        """'a quarter', 'three quarters', 'a quarter of a million'; 'last quarter' (a date);
        'in the quarter' (a period of a year, not a figure)."""
        end = i + len(lower)
        count = self.back(_QUARTER_COUNT_BEFORE, i, 7)
        if count is not None:
            if _HALF_OF_SCALE.match(self.text, count.start("a")):
                return self.half_of_scale(count.start("a"))
            numerator = {"a": 1, "one": 1, "two": 2, "three": 3}[count.group("a").lower()]
            if _QUARTER_PERIOD.match(self.text, end) or (lower == "quarters") == (numerator == 1):
                return None
            hit = _Hit(count.start("a"), end, "fraction", numerator / 4, unit="fraction", rule="fraction")
            return self.qualify(hit)
        relative = self.back(_QUARTER_RELATIVE_BEFORE, i, 10)
        published = self.ctx.published
        if relative is None or lower != "quarter" or published is None:
            return None
        step = {"last": -1, "previous": -1, "this": 0, "next": 1}[relative.group("rel").lower()]
        q = (published.month - 1) // 3 + step
        year, q = published.year + q // 4, q % 4
        first = 3 * q + 1
        return _Hit(
            relative.start("rel"),
            end,
            "date",
            date=f"{year}-{first:02d}/{year}-{first + 2:02d}",
            precision="month",
            rule="relative",
            date_note=f"quarter {q + 1} of {year}, counted from the publication date",
        )

    def ordinal_at(self, i: int, end: int, n: int, word: str = "") -> _Hit | None:
        """An ordinal ('third', '21st'): a century, a day of a month, a quarter or half of a year,
        a rank ('second term', 'third-largest'), or a fraction ('a third of'); not a list
        marker ('Third, ...') and not part of a compound ('third-degree')."""
        text = self.text
        pair = _CENTURY_PAIR.match(text, end)
        if pair is not None:
            other = pair.group("n2").lower()
            last = _ORDINALS.get(other) or int(re.match(r"\d+", other).group())
            if last > n:
                return self.century_pair(i, pair, n, last)
        century = _CENTURY_AFTER.match(text, end)
        if century is not None:
            first = (n - 1) * 100
            era = _ERA.match(text, century.end())
            if era is not None and era.group("era").upper().startswith("B"):
                hit = _Hit(i, era.end(), "year", NAN, -n * 100, -first - 1, "year", rule="century")
                hit.note = f"the {n}{_suffix(n)} century before the common era: not placed on the timeline"
                return self.decade_prefix(hit, first, span=100, dated=False)
            hit = _Hit(
                i,
                era.end() if era is not None else century.end(),
                "year",
                NAN,
                first,
                first + 99,
                "year",
                date=f"{first:04d}/{first + 99:04d}",
            )
            hit.precision, hit.rule = "year", "century"
            hit.note = f"the {n}{_suffix(n)} century read as {first}-{first + 99}"
            # "between the early 20th century and the 1950s": to a later decade or year, as one
            return self.decade_range(self.decade_prefix(hit, first, span=100))
        of_month = _OF_MONTH.match(text, end)
        if of_month is not None and n <= 31:
            start = i
            the = self.back(_THE_BEFORE, i, 8)
            if the is not None:
                start = the.start()
            weekday = None
            named = _WEEKDAY_COMMA_BEFORE.search(text, max(self.floor, start - 16), start)
            if named:
                start, weekday = named.start("wd"), _WEEKDAYS[named.group("wd").lower()]
            month = _month_of(of_month.group("month"))
            return self.dated(
                start, of_month.end(), n, None, month, of_month.group("year"), weekday, "date_dmy"
            )
        if n <= 2 and _HALF_OF_PERIOD.match(text, end):
            return None  # "the second half of the 1990s": read with the decade or century after it
        if word == "third" and self.last_word(i) in ("first", "last") and _OF_PERIOD.match(text, end):
            return _skip(i, end)  # "the last third of the 19th century": read with the century
        part = _PART_OF_YEAR.match(text, end)
        if part is not None and n <= 4:
            return self.part_of_year(i, part, n)
        if word == "first":
            return None  # "first" is 'earliest' or an adverb far more often than a rank
        compound = _COMPOUND_AFTER.match(text, end)
        if compound is not None:
            after = compound.group("word").lower()
            if after in _NOT_RANK or not (after.endswith("est") or after in _SUPERLATIVES):
                return _skip(i, compound.end())  # "third-degree", "second-hand"
            return _Hit(i, compound.end(), "rank", float(n), rule="rank")  # "second-largest"
        if word and text[i].isupper() and self.sentence_start(i) and text[end : end + 1] == ",":
            return _skip(i, end)  # a list marker: "Third, ..."
        if word in _FRACTIONS and self.is_fraction(i, end):
            article = self.back(_ONE_BEFORE, i, 5)
            start = article.start("a") if article is not None else i
            hit = _Hit(start, end, "fraction", 1 / _FRACTIONS[word], unit="fraction", rule="fraction")
            return self.qualify(hit)
        if not self.ranks(end, numeric=not word):
            return None
        return _Hit(i, end, "rank", float(n), rule="rank")

    def is_fraction(self, i: int, end: int) -> bool:
        """'a third of', 'the western third of the island', 'cut by a third.': a share."""
        follows = self.word_after(end)[0].lower()
        if follows == "of":
            return True
        return self.word_before(i) in ("a", "an", "one") and self.text[end : end + 1] in (
            ",",
            ".",
            ";",
            ")",
            "",
        )

    def ranks(self, end: int, numeric: bool) -> bool:
        """Whether an ordinal ranks what follows it ('its second term', 'the 20th anniversary',
        'finished 10th'); a capital after it makes a name ('the Second World War')."""
        follows = self.word_after(end)[0]
        if not follows:
            return numeric
        if follows.lower() in (
            "of",
            "and",
            "or",
            "to",
            "in",
            "on",
            "at",
            "by",
            "for",
            "is",
            "was",
            "with",
            "as",
        ):
            return False
        return follows[0].islower()

    def part_of_year(self, i: int, part: re.Match, n: int) -> _Hit | None:
        """'the third quarter', 'the first half of 2025': months of a year."""
        which = part.group("part").lower()
        if which == "half" and n > 2:
            return None
        the = self.back(_THE_BEFORE, i, 8)
        start = the.start() if the is not None else i
        ctx = self.ctx
        relative = (part.group("the") or "").lower()
        if part.group("year"):
            year, note = int(part.group("year")), ""
        elif relative in ("last", "next") and ctx.published is not None:
            year = ctx.published.year + (1 if relative == "next" else -1)
            note = f"{relative} year, from the publication date"
        elif ctx.year is not None:
            year, note = ctx.year, f"year taken from the date before it ({ctx.year_text})"
        elif ctx.published is not None:
            year, note = ctx.published.year, "year taken from the publication date"
        else:
            year, note = None, _no_date(None)
        size = 3 if which == "quarter" else 6
        first, last = (n - 1) * size + 1, n * size
        hit = _Hit(start, part.end(), "date", date_note=note, rule="date_part")
        hit.note = f"{calendar.month_name[first]} to {calendar.month_name[last]}"
        if year is not None:
            hit.date, hit.precision = f"{year}-{first:02d}/{year}-{last:02d}", "month"
            if part.group("year"):
                self.states_year(hit, year)
        return hit

    def vague(self, i: int) -> _Hit | None:
        """'dozens', 'hundreds' (200-999), 'tens of thousands' (10,000-99,999), 'many
        thousands' (at least 2,000: no upper bound is stated, so none is given)."""
        match = _VAGUE.match(self.text, i)
        if match is None:
            return None
        magnitude = match.group("magnitude").lower()
        base = _VAGUE_BASES[magnitude]
        note = ""
        if match.group("tens"):
            factor = 10 if match.group("tens").lower().startswith("tens") else 100
            low, high = factor * base, factor * base * 10 - 1
        elif magnitude == "dozens":
            low, high = 24.0, 99.0
        elif magnitude == "hundreds":
            low, high = 200.0, 999.0
        else:
            low, high = 2 * base, NAN
            note = (
                f"at least {low:,.0f}; no upper bound is stated ('{magnitude}' is also said of tens of them)"
            )
        hit = _Hit(i, match.end(), "count", NAN, low, high, rule="vague", note=note)
        many = None if match.group("tens") else self.back(_VAGUE_BEFORE, i, 12)
        if many is not None:
            hit.start, hit.qualifier = many.start("q"), many.group("q").lower()
            if hit.qualifier == "many" and not math.isnan(high):
                hit.high, hit.note = NAN, f"at least {low:,.0f}; 'many' states no upper bound"
        else:
            hit = self.qualify(hit)
        unit = _UNIT.match(self.text, hit.end)
        if unit is not None and unit.group("uword") is not None:  # "thousands of kilometres"
            held = _Hit(0, hit.end, "count")
            self.apply_unit(held, unit)
            if held.kind not in ("count", "percent"):
                hit.kind, hit.unit, hit.end = held.kind, held.unit, held.end
        return hit

    def few(self, i: int, lower: str) -> _Hit | None:
        """'several thousand' (2,000-9,999), 'a few months', 'the last few years'."""
        match = _FEW.match(self.text, i)
        if match is None:
            return None
        start, qualifier = i, ""
        if lower == "few":
            before = self.back(_FEW_BEFORE, i, 12)
            if before is None:
                return None  # "few people": no figure
            words = before.group("a").lower().split()
            if words == ["a"]:
                start = before.start("a")
            elif match.group("unit"):
                start, qualifier = before.start("a"), words[-1]
        note = f"'{lower}' read as 2 to 9"
        if match.group("scale"):
            base = _SCALES[match.group("scale").lower()]
            hit = _Hit(start, match.end(), "count", NAN, 2 * base, 10 * base - 1, rule="vague", note=note)
            unit = _UNIT.match(self.text, hit.end)
            if unit is not None and unit.group("temp") is None:
                self.apply_unit(hit, unit)
            return self.qualify(hit)
        kind, name = _UNITS[" ".join(match.group("unit").lower().split())]
        if kind == "percent":
            return None
        rule = "vague_period" if kind == "duration" else "vague"
        hit = _Hit(start, match.end(), kind, NAN, 2, 9, name, qualifier=qualifier, rule=rule, note=note)
        if kind == "duration" and not qualifier:
            past = self.back(_PAST_BEFORE, start, 12)
            if past is not None:
                hit.start, hit.qualifier = past.start(), past.group("dir").lower()
        return hit if hit.qualifier else self.qualify(hit)

    def multiple(self, i: int, lower: str) -> _Hit | None:
        """'twice', 'double', 'doubled', 'tripled', 'threefold', 'halved': multiples;
        'double-digit' (10-99); 'twice a year' (two occasions)."""
        text, end = self.text, i + len(lower)
        value = _MULTIPLES[lower]
        comparative = _COMPARATIVE_AFTER.match(text, end) is not None
        if lower == "double":
            compound = _COMPOUND_AFTER.match(text, end)
            if compound is not None:
                if compound.group("word").lower() in ("digit", "digits"):
                    return _Hit(
                        i, compound.end(), "count", NAN, 10, 99, rule="vague", note="a two-digit number"
                    )
                return _skip(i, compound.end())  # "double-decker"
            follows = self.word_after(end)[0].lower()
            if (
                follows[:1].isalpha()
                and not comparative
                and follows not in ("in", "by", "from", "over", "since")
            ):
                return None  # "double taxation", "a double agent"
        if lower == "twice" and self.occasions(end):
            hit = _Hit(i, end, "count", 2.0, rule="times", note="how many times something happened")
            return self.qualify(hit)
        if (
            lower in ("doubled", "tripled", "quadrupled", "trebled")
            and self.word_after(end)[0].lower() == "down"
        ):
            return None  # "doubled down"
        return self.qualify(_Hit(i, end, "multiple", value, rule="multiple"))

    def minus(self, i: int) -> _Hit | None:
        """'minus 7 degrees Celsius', 'minus five percent'."""
        match = _MINUS.match(self.text, i)
        if match is None:
            return None
        value = _number(match.group("num")) if match.group("num") else _words_value(match.group("words"))
        hit = self.quantity_tail(i, match.end(), -value, "")
        return self.finish_quantity(hit) if hit is not None else None

    def code_money(self, i: int, code: str) -> _Hit | None:
        """'USD 5 million', 'EUR 3bn'."""
        match = _CODE_MONEY.match(self.text, i)
        if match is None or match.group("code") != code:
            return None
        hit = self.quantity_tail(i, match.end(), _number(match.group("num")), code)
        return self.finish_quantity(hit) if hit is not None else None

    def fiscal_quarter(self, i: int) -> _Hit | None:
        """'Q3', 'Q3 2024': months of a year."""
        match = _FISCAL_QUARTER.match(self.text, i)
        if match is None:
            return None
        q, ctx = int(match.group("q")), self.ctx
        if match.group("year"):
            year, note = int(match.group("year")), ""
        elif ctx.year is not None:
            year, note = ctx.year, f"year taken from the date before it ({ctx.year_text})"
        elif ctx.published is not None:
            year, note = ctx.published.year, "year taken from the publication date"
        else:
            year, note = None, _no_date(None)
        hit = _Hit(i, match.end(), "date", rule="date_part", date_note=note)
        if year is not None:
            first = 3 * (q - 1) + 1
            hit.date, hit.precision = f"{year}-{first:02d}/{year}-{first + 2:02d}", "month"
        return hit

    def noon(self, i: int, lower: str) -> _Hit | None:
        if self.back(_AT_BEFORE, i, 8) is None:
            return None  # "noon" or "midnight" as a time only after "at", "by", "until"...
        return _Hit(i, i + len(lower), "time", rule="time", time="12:00" if lower == "noon" else "00:00")

    # dates that start with a word ----------------------------------------------------------------

    def month(self, i: int) -> _Hit | None:
        """'July 8', 'July 8, 2021', 'August the 14th', 'March 2023'; a month alone after a
        preposition or a modifier ('In May', 'mid-June', 'end of July', 'the following
        December'); ranges ('from January to April', 'between the end of May and mid-June')."""
        text = self.text
        day = _MONTH_DAY.match(text, i)
        if day is not None and self.named_by_date(day):
            return _skip(i, day.end())  # "the March 23 (M23) rebel group": a name
        if day is not None:
            d1 = int(day.group("d1"))
            d2 = int(day.group("d2")) if day.group("d2") else None
            end = day.end()
            if day.group("join") == "and" and self.back(_BETWEEN_BEFORE, i, 12) is None:
                d2, end = None, _SUFFIX_AFTER.match(text, day.end("d1")).end()  # "May 2 and 3 people"
            month = _month_of(day.group("month"))
            return self.dated(
                i, end, d1, d2, month, day.group("year") if d2 or end == day.end() else None, None, "date_mdy"
            )
        match = _MONTH_YEAR.match(text, i)
        month, year_text, end, start = _month_of(match.group("month")), match.group("year"), match.end(), i
        modifier = self.back(_MODIFIER_BEFORE, i, 24)
        relative = self.back(_RELATIVE_MONTH_BEFORE, i, 24) if modifier is None else None
        preposition = (
            self.back(_MONTH_PREPOSITION_BEFORE, i, 12) if modifier is None and relative is None else None
        )
        qualifier = _modifier_word(modifier.group("mod")) if modifier is not None else ""
        if modifier is not None:
            start = modifier.start("the") if modifier.group("the") else modifier.start("mod")
        elif relative is not None:
            start = relative.start("rel")
        elif preposition is not None:
            start = preposition.start("p")
        other = _MONTH_RANGE.match(text, end) if not year_text else None
        between = self.back(_BETWEEN_BEFORE, start, 12)
        if (
            other is not None
            and other.group("join").lower() == "and"
            and not (between and between.group("w").lower() == "between")
        ):
            other = None
        if other is None and not (year_text or modifier or relative or preposition or between):
            return None  # a capitalised month alone: a name, or "May" at the start of a sentence
        if between is not None and (other is not None or preposition is None):
            start = between.start("w")
        # the year
        note = ""
        if year_text:
            year = int(year_text)
        elif other is not None and other.group("year"):
            year = int(other.group("year")) - (1 if _month_of(other.group("month")) < month else 0)
            note = "year taken from the end of the range"
        elif relative is not None:
            year, note = self.relative_month(month, " ".join(relative.group("rel").lower().split()))
        elif other is not None:  # the range ends on or before publication, unless it is to come
            second = _month_of(other.group("month"))
            year, note = self.undated(second, 1, start, other.end())
            if year is not None and second < month:
                year -= 1
        else:
            year, note = self.undated(month, 1, start, end)
        hit = _Hit(
            start, end, "date", precision="month", qualifier=qualifier, date_note=note, rule="date_month"
        )
        to_year = _MONTH_TO_YEAR.match(text, end) if year_text and other is None else None
        if to_year is not None and (to_year.group("join").lower() != "and" or between is not None):
            last = int(to_year.group("b"))  # "between September 2015 and 2016": to the end of that year
            if last > int(year_text):
                hit.end, hit.rule = to_year.end(), "date_range"
                hit.start = between.start("w") if between is not None else start
                hit.date = f"{year_text}-{month:02d}/{last}-12"
                hit.note = f"read as {calendar.month_name[month]} {year_text} to the end of {last}"
                self.states_year(hit, int(year_text))
                return hit
        if other is not None:
            self.month_range(hit, month, year, other)
        elif year is None:
            hit.date = f"--{month:02d}"
        elif modifier is not None:
            first, last = _thirds(1, _month_end(year, month), qualifier)
            hit.date, hit.precision = f"{year}-{month:02d}-{first:02d}/{year}-{month:02d}-{last:02d}", "day"
            hit.note = (
                f"{qualifier}: read as days {first}-{last} ({_MODIFIER_NOTES.get(qualifier, qualifier)})"
            )
        else:
            hit.date = f"{year}-{month:02d}"
        if year_text:
            self.states_year(hit, int(year_text))
        return hit

    def month_range(self, hit: _Hit, month: int, year: int | None, other: re.Match) -> None:
        """'January to April', 'between January and July 2015', 'between the end of May and mid-June'."""
        second = _month_of(other.group("month"))
        hit.end, hit.rule = other.end(), "date_range"
        if year is None:
            hit.date = f"--{month:02d}/--{second:02d}"
            return
        end_year = year + 1 if second < month else year
        second_modifier = _modifier_word(other.group("mod")) if other.group("mod") else ""
        if not hit.qualifier and not second_modifier:
            hit.date = f"{year}-{month:02d}/{end_year}-{second:02d}"
            return
        first_day = _thirds(1, _month_end(year, month), hit.qualifier)[0] if hit.qualifier else 1
        last_day = _month_end(end_year, second)
        if second_modifier:
            last_day = _thirds(1, last_day, second_modifier)[1]
        hit.date, hit.precision = (
            f"{year}-{month:02d}-{first_day:02d}/{end_year}-{second:02d}-{last_day:02d}",
            "day",
        )
        hit.note = "early, mid and late read as the first, middle and last third of a month"

    def relative_month(self, month: int, phrase: str) -> tuple[int | None, str]:
        """The year of 'the following December', 'that July', 'last March'."""
        published, anchor = self.ctx.published, self.ctx.anchor
        word = phrase.split()[-1]
        if phrase.startswith("the") or word in ("that", "same"):
            if anchor is None:
                return None, "no date before it to count from"
            first = anchor[0]
            if word in ("following", "next"):
                return first.year + (month <= first.month), f"the first such month after {first:%Y-%m}"
            if word in ("previous", "preceding"):
                return first.year - (month >= first.month), f"the last such month before {first:%Y-%m}"
            return first.year, f"the year of the date before it ({first.year})"
        if published is None:
            return None, _no_date(None)
        if word == "last":
            return published.year - (month >= published.month), "the last such month before publication"
        if word == "next":
            return published.year + (month <= published.month), "the first such month after publication"
        return published.year, "the year of publication"

    def weekday(self, i: int, word: str) -> _Hit | None:
        """'Monday, 16 March', 'last Monday', 'on Tuesday', 'until Friday', 'Thursday night'."""
        text = self.text
        full = _WEEKDAY_DATE.match(text, i)
        if full is not None:
            day = int(full.group("d1") or full.group("d2"))
            month = _month_of(full.group("m1") or full.group("m2"))
            return self.dated(
                i, full.end(), day, None, month, full.group("year"), _WEEKDAYS[word.lower()], "date_dmy"
            )
        weekday, end = _WEEKDAYS[word.lower()], i + len(word)
        part = _PART_OF_DAY.match(text, end)
        if part is not None:
            end = part.end()
        relation = self.back(_WEEKDAY_BEFORE, i, 10)
        if relation is None and part is None and text[end : end + 2] not in ("'s", "’s"):
            return None  # a weekday alone: often a name ("Black Friday")
        start = relation.start("rel") if relation is not None else i
        rel = relation.group("rel").lower() if relation is not None else "on"
        hit = _Hit(start, end, "date", precision="day", rule="weekday")
        published = self.ctx.published
        if published is None:
            hit.date_note = _no_date(None)
            return hit
        if rel == "last":
            # "Last Monday" in a weekly news register: that weekday of the week before publication.
            monday_before = published - dt.timedelta(days=published.weekday() + 7)
            day = monday_before + dt.timedelta(days=weekday)
            latest = published - dt.timedelta(days=(published.weekday() - weekday - 1) % 7 + 1)
            note = "the weekday of the week before publication"
            if latest != day:
                note += f"; read as the most recent {word} it would be {latest}"
        elif (
            rel in ("next", "coming")
            or (rel not in ("since", "that", "after") and self.future(start, end))
            or (rel in ("until", "till") and not _PAST.search(self.sentence_around(start, end)[0]))
        ):
            day = published + dt.timedelta(days=(weekday - published.weekday() - 1) % 7 + 1)
            note = "the first such weekday after publication"
        else:  # on / this / since: the most recent such weekday up to publication
            day = published - dt.timedelta(days=(published.weekday() - weekday) % 7)
            note = "the most recent such weekday up to publication"
        hit.date, hit.date_note = day.isoformat(), note
        return hit

    def relative_word(self, i: int, lower: str) -> _Hit | None:
        """'yesterday', 'tomorrow morning', 'tonight', 'today' (unless it means nowadays)."""
        text = self.text
        end = i + len(lower)
        if lower == "today" and text[end : end + 2] in ("'s", "’s"):
            return _skip(i, end + 2)  # "today's world": nowadays
        if lower in ("yesterday", "tomorrow"):
            part = _PART_OF_DAY.match(text, end)
            if part is not None:
                end = part.end()
        hit = _Hit(i, end, "date", precision="day", rule="relative")
        if lower == "today" and self.nowadays(i, end):
            hit.precision, hit.date_note = "", "not a date: 'today' here means nowadays"
            return hit
        published = self.ctx.published
        if published is None:
            hit.date_note = _no_date(None)
            return hit
        shift = {"yesterday": -1, "today": 0, "tomorrow": 1, "tonight": 0}[lower]
        hit.date = (published + dt.timedelta(days=shift)).isoformat()
        return hit

    def nowadays(self, i: int, end: int) -> bool:
        """'Today, few homes have ...', 'until today': the present age, not the publication day;
        a sentence that reports an event ('said today') keeps the day."""
        if self.back(_NOWADAYS_BEFORE, i, 12) is not None or self.back(_NAMING_BEFORE, i, 12) is not None:
            return True  # "until today", "known today as", "what is called today"
        if _AS_AFTER.match(self.text, end):
            return True  # "today as in the past", "the body known today as ..."
        before, after = self.sentence_around(i, end)
        sentence = before + after
        if _REPORTED.search(sentence):
            return False
        if self.ctx.published is None:
            return True  # a text with no dateline (history, a reference text): "rules the country today"
        return self.sentence_start(i) or _PRESENT.search(sentence) is not None

    def part_of_day(self, i: int, lower: str) -> _Hit | None:
        """'this morning', 'this afternoon', 'last night', 'yesterday evening'."""
        relation = self.back(_DAY_PART_BEFORE, i, 12)
        if relation is None or (relation.group("rel").lower() == "last" and lower != "night"):
            return None
        hit = _Hit(relation.start("rel"), i + len(lower), "date", precision="day", rule="relative")
        published = self.ctx.published
        if published is None:
            hit.date_note = _no_date(None)
            return hit
        shift = {"this": 0, "last": -1, "yesterday": -1, "tomorrow": 1}[relation.group("rel").lower()]
        hit.date = (published + dt.timedelta(days=shift)).isoformat()
        hit.date_note = f"the {lower} of that day"
        return hit

    def season(self, i: int, lower: str) -> _Hit | None:
        """'summer 2019', 'the winter of 2010', 'last winter', 'the following spring'."""
        end = i + len(lower)
        year_match = _SEASON_YEAR.match(self.text, end)
        relation = self.back(_SEASON_BEFORE, i, 16)
        if year_match is None and relation is None:
            return None  # "a winter storm", "in the fall of prices"
        start = relation.start("rel") if relation is not None else i
        hit = _Hit(start, end, "date", precision="month", rule="season")
        hit.note = "northern-hemisphere seasons (winter is December to February)"
        first_month, last_month = _SEASONS[lower]
        if year_match is not None:
            hit.end = year_match.end()
            the = self.back(_SEASON_THE_BEFORE, start, 8)
            if the is not None:
                hit.start = the.start()
            year = int(year_match.group("year"))
            self.states_year(hit, year)
        else:
            year = self.season_year(first_month, last_month, relation.group("rel").lower().split()[-1])
            if year is None:
                hit.date_note = "no date to count from"
                return hit
        start_year = year - 1 if first_month > last_month else year  # winter 2024 began in 2023
        hit.date = f"{start_year}-{first_month:02d}/{year}-{last_month:02d}"
        return hit

    def season_year(self, first_month: int, last_month: int, rel: str) -> int | None:
        """The year in which a season named from the publication (or the last date) ends."""
        if rel in ("following", "previous", "that"):
            ref = self.ctx.anchor[0] if self.ctx.anchor else None
        else:
            ref = self.ctx.published
        if ref is None:
            return None

        def begins(year: int) -> dt.date:
            return dt.date(year - 1 if first_month > last_month else year, first_month, 1)

        def ends(year: int) -> dt.date:
            return dt.date(year, last_month, _month_end(year, last_month))

        years = range(ref.year - 2, ref.year + 3)
        if rel in ("last", "previous"):
            return max(y for y in years if ends(y) < ref)
        if rel in ("next", "following"):
            return min(y for y in years if begins(y) > ref)
        return min(years, key=lambda y: min(abs((begins(y) - ref).days), abs((ends(y) - ref).days)))

    def period(self, i: int, lower: str) -> _Hit | None:
        """A unit of time without a number: 'last week', 'late last year', 'the past decade',
        'for decades', 'a decade ago', 'the day after', 'the following year', 'a year'."""
        match = _PERIOD_WORD.match(self.text, i)
        if match is None:
            return None
        end = match.end()
        unit = "century" if lower == "centuries" else lower.rstrip("s")
        if unit == "weekend":
            return self.weekend(i, end)
        if unit == "quarter":
            return self.quarter(i, lower)
        relation = self.back(_RELATIVE_BEFORE, i, 24)
        rel = " ".join(relation.group("rel").lower().split()) if relation is not None else ""
        if lower.endswith("s") or lower == "centuries":
            long = _LONG_AFTER.match(self.text, end) is not None  # "a decades-long dispute"
            if long or rel in ("for", "over", "over the", "recent", "in recent", "the recent", "in", "many"):
                start = (
                    i
                    if long or relation is None
                    else relation.start("rel") + (3 if rel == "in recent" else 0)
                )
                name = _UNITS[unit][1]
                return _Hit(
                    start, end, "duration", NAN, 2, NAN, name, qualifier="plural", rule="vague_period"
                )
            return None
        start = relation.start("rel") if relation is not None else i
        if rel in ("a", "an"):
            ago = _AGO.match(self.text, end)
            if ago is not None:
                return self.ago(
                    _Hit(start, end, "duration", 1.0, unit=_UNITS[unit][1], rule="quantity"), ago.end()
                )
            if self.per(start, end):
                return None  # "200 metres a year": per year
            return self.qualify(_Hit(start, end, "duration", 1.0, unit=_UNITS[unit][1], rule="quantity"))
        after = _AFTER_BEFORE.match(self.text, end)
        if rel == "the" and after is not None:
            return self.anaphoric(
                start, after.end(), unit, 1 if after.group("rel").lower() == "after" else -1
            )
        if rel == "the same" and self.ctx.anchor is not None and unit in ("day", "week", "month", "year"):
            return self.anaphoric(start, end, unit, 0)  # "the same day": the date before it
        if (
            rel in ("the following", "the next", "the previous", "the preceding")
            and self.ctx.anchor is not None
        ):
            return self.anaphoric(start, end, unit, -1 if rel in ("the previous", "the preceding") else 1)
        if rel in ("the past", "the last", "past") and unit in ("decade", "century", "year", "month", "week"):
            hit = _Hit(
                start,
                end,
                "duration",
                1.0,
                unit=_UNITS[unit][1],
                qualifier=rel.split()[-1],
                rule="past_period",
            )
            self.period_dates(hit, 1.0)
            return hit
        if rel in ("last", "next", "this") and unit in ("week", "month", "year"):
            return self.relative_period(start, end, rel, unit)
        return None

    def per(self, article: int, end: int) -> bool:
        """'a year' that means per year: after 'once', 'twice' or 'times', or a few words after a
        quantity ('200 metres a year', '2.3 million tonnes of coal a year'), unless a word such
        as 'later' or 'ago' follows."""
        if _NOT_PER_AFTER.match(self.text, end):
            return False
        if self.back(_PER_BEFORE, article, 12) is not None:
            return True
        if self.floor == 0 or article - self.floor > 40:
            return False
        between = self.text[self.floor : article]
        return not re.search(r"[.,;:!?()\[\]—–]", between) and len(between.split()) <= 4

    def relative_period(self, start: int, end: int, rel: str, unit: str) -> _Hit:
        """'last week', 'this month', 'next year', 'late last year'."""
        hit = _Hit(start, end, "date", precision=unit, rule="relative")
        published = self.ctx.published
        if published is None:
            hit.date_note = _no_date(None)
            return hit
        step = {"last": -1, "this": 0, "next": 1}[rel]
        if unit == "week":
            monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=step)
            iso_year, iso_week, _ = monday.isocalendar()
            hit.date, hit.date_note = f"{iso_year}-W{iso_week:02d}", f"the week of Monday {monday}"
            return hit
        if unit == "month":
            hit.date = f"{_add_months(published.replace(day=1), step):%Y-%m}"
            return hit
        year = published.year + step
        hit.date = str(year)
        modifier = self.back(_MODIFIER_BEFORE, start, 24)
        if modifier is not None:
            word = _modifier_word(modifier.group("mod"))
            first, last = _thirds(1, 12, word)
            hit.start = modifier.start("the") if modifier.group("the") else modifier.start("mod")
            hit.qualifier = word
            hit.date, hit.precision = f"{year}-{first:02d}/{year}-{last:02d}", "month"
            hit.note = f"{word}: read as {calendar.month_name[first]}-{calendar.month_name[last]} {year}"
        return hit

    def anaphoric(self, start: int, end: int, unit: str, step: int) -> _Hit:
        """'the day after', 'the following year': counted from the last date the text gave."""
        hit = _Hit(start, end, "date", rule="anaphoric")
        anchor, precision = self.ctx.anchor, self.ctx.anchor_precision
        if anchor is None:
            hit.date_note = "no date before it to count from"
            return hit
        first, last = anchor
        ref = last if step > 0 else first
        if unit == "day" and precision == "day":
            hit.date, hit.precision = (ref + dt.timedelta(days=step)).isoformat(), "day"
        elif unit == "week" and precision == "day":
            monday = ref - dt.timedelta(days=ref.weekday()) + dt.timedelta(weeks=step)
            year, week, _ = monday.isocalendar()
            hit.date, hit.precision = f"{year}-W{week:02d}", "week"
        elif unit == "month" and precision in ("day", "month"):
            hit.date, hit.precision = f"{_add_months(ref.replace(day=1), step):%Y-%m}", "month"
        elif unit == "year":
            hit.date, hit.precision = str(ref.year + step), "year"
        else:
            hit.date_note = "the date before it is not precise enough to count from"
            return hit
        hit.date_note = f"counted from the date before it ({first}" + (
            f" to {last})" if last != first else ")"
        )
        return hit

    def weekend(self, i: int, end: int) -> _Hit | None:
        """'this weekend', 'last weekend', 'the last weekend of August'."""
        relation = self.back(_WEEKEND_BEFORE, i, 12)
        if relation is None:
            return None
        rel = " ".join(relation.group("rel").lower().split())
        hit = _Hit(relation.start("rel"), end, "date", rule="relative")
        if rel in ("the last", "the first"):
            of_month = _OF_MONTH.match(self.text, end)
            if of_month is None:
                return None
            hit.end = of_month.end()
            month = _month_of(of_month.group("month"))
            if of_month.group("year"):
                year = int(of_month.group("year"))
            else:
                year, hit.date_note = self.undated(month, 1, hit.start, hit.end)
            if year is None:
                hit.date, hit.precision = f"--{month:02d}", "month"
                return hit
            saturdays = [
                d for d in range(1, _month_end(year, month) + 1) if dt.date(year, month, d).weekday() == 5
            ]
            saturday = dt.date(year, month, saturdays[-1] if rel == "the last" else saturdays[0])
            hit.date, hit.precision = f"{saturday}/{saturday + dt.timedelta(days=1)}", "day"
            return hit
        published = self.ctx.published
        if published is None:
            hit.date_note = _no_date(None)
            return hit
        saturday = published + dt.timedelta(days=(5 - published.weekday()) % 7)
        saturday += dt.timedelta(weeks={"last": -1, "this": 0, "next": 1}[rel])
        if rel == "last" and saturday + dt.timedelta(days=7) <= published:
            saturday += dt.timedelta(weeks=1)
        hit.date, hit.precision = f"{saturday}/{saturday + dt.timedelta(days=1)}", "day"
        return hit


_NOT_ONE_BEFORE = _word_set(
    "no any the this that each every which some someone anyone everyone last only little big great new "
    "old other"
)
_OCCASION_AFTER = _word_set(
    "a an per each every daily weekly monthly yearly since in before during last this between when while on "
    "at and or but so for"
)
_SHARES = {
    "half": 0.5,
    "a half": 0.5,
    "a quarter": 0.25,
    "three quarters": 0.75,
    "a third": 1 / 3,
    "two thirds": 2 / 3,
}
_VERB_OBJECTS = _word_set(
    "by the a an in on at over against after with from out back his her their its our re-election"
)
_PART_WORDS = _word_set(
    "latter former northern southern eastern western upper lower top bottom front back rear "
    "north south east west inner outer left right"
)
_VAGUE_BASES = {"dozens": 12.0, "hundreds": 100.0, "thousands": 1e3, "millions": 1e6, "billions": 1e9}


def _number(digits: str) -> float:
    return float(digits.replace(",", "")) if not digits.startswith(".") else float("0" + digits)


def _plain_year(digits: str) -> bool:
    """Four digits that can be a year (1000-2099), with no comma or decimals."""
    return len(digits) == 4 and digits.isdigit() and 1000 <= int(digits) <= 2099


def _clock(match: re.Match) -> str | None:
    if match.group("h24") is not None:
        return f"{int(match.group('h24')):02d}:{match.group('mi24')}"
    hour = int(match.group("h"))
    if not 1 <= hour <= 12:
        return None
    hour = hour % 12 + (12 if match.group("ampm").lower().startswith("p") else 0)
    return f"{hour:02d}:{match.group('mi') or '00'}"


def _suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _count_value(text: str) -> float | None:
    if text.isdigit():
        return float(text)
    return float(_SMALL[text.lower()]) if text.lower() in _SMALL else None


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, _month_end(year, month)))


def _weekday_year(year: int, month: int, day: int, weekday: int, note: str) -> tuple[int, str]:
    """The year nearest the one inferred in which the day falls on the weekday the text names."""
    for shift in (0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6, 6):
        try:
            if dt.date(year + shift, month, day).weekday() == weekday:
                if shift == 0:
                    return year, note
                return (
                    year + shift,
                    f"year {year + shift}: the nearest to {year} in which it falls on that weekday",
                )
        except ValueError:
            continue
    return year, note


def _bounds(value: float, qualifier: str) -> tuple[float, float]:
    q = qualifier.lower()
    if q in _AT_MOST:
        return NAN, value
    if q in _AT_LEAST:
        return value, NAN
    if q in _ABOUT:
        return NAN, NAN
    return value, value


def _month_of(name: str) -> int:
    lower = name.lower().rstrip(".")
    return _MONTHS.get(lower) or _MONTH_ABBREVIATIONS[lower]


def _no_date(published: dt.date | None) -> str:
    return "" if published else "publication date unknown: not resolved"


def _year_for(month: int, day: int, published: dt.date | None) -> int | None:
    """An undated day or month is the latest one on or before publication."""
    if published is None:
        return None
    return published.year if (month, day) <= (published.month, published.day) else (published.year - 1)


def _date_span(date: str, precision: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of an ISO date (None if it cannot be placed)."""
    if not date or date.startswith("-"):
        return None
    try:
        if "/" in date:
            a, b = date.split("/", 1)
            first, last = _date_span(a, precision), _date_span(b, precision)
            return (first[0], last[1]) if first and last else None
        if "-W" in date:
            year, week = date.split("-W")
            monday = dt.date.fromisocalendar(int(year), int(week), 1)
            return monday, monday + dt.timedelta(days=6)
        parts = [int(p) for p in date.split("-")]
        if len(parts) == 3:
            day = dt.date(*parts)
            return day, day
        if len(parts) == 2:
            return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], _month_end(*parts))
        span = 10 if precision == "decade" else 1
        return dt.date(parts[0], 1, 1), dt.date(parts[0] + span - 1, 12, 31)
    except ValueError:
        return None


# No figure a news article states has more digits (world GDP in dollars has 15); longer runs of
# digits are codes or garbage, and past 308 digits their float is inf.
MAX_DIGITS = 15


# --- entry points -------------------------------------------------------------------------------


def _to_mention(text: str, hit: _Hit, offset: int) -> Mention:
    return Mention(
        text=text[hit.start : hit.end],
        start=hit.start + offset,
        end=hit.end + offset,
        kind=hit.kind,
        value=hit.value,
        low=hit.value if hit.low is None else hit.low,
        high=hit.value if hit.high is None else hit.high,
        unit=hit.unit,
        qualifier=hit.qualifier,
        date=hit.date,
        date_precision=hit.precision if hit.kind in ("date", "year") or hit.date else "",
        date_note=hit.date_note,
        rule=hit.rule,
        time=hit.time,
        note=hit.note,
    )


def _hits(text: str, ctx: _Context, every_token: bool = False) -> Iterator[_Hit]:
    """The figures of a stretch of text, in order. Only tokens that can start a figure are
    tried; ``every_token`` tries every word too (the tests check that this changes nothing)."""
    reader = _Reader(text, ctx)
    position = 0
    for token in _TOKEN.finditer(text):
        start = token.start()
        if start < position:
            continue
        word = token.group()
        if word[0].isalpha():
            if not every_token and word.lower() not in _TRIGGER_WORDS:
                continue
            hit = reader.word(start, word)
        else:
            hit = reader.numeric(start)
        if hit is None:
            continue
        if hit.kind == "duration" and _LONG_AFTER.match(text, hit.end):
            hit.end += 5  # "a decade-long process", "a week-long strike": the span as an adjective
        position = max(position, hit.end)
        if not hit.kind:  # skipped: a code, a name, a list marker
            continue
        reader.floor = hit.end
        _remember(ctx, hit, text)
        yield hit


def _remember(ctx: _Context, hit: _Hit, text: str) -> None:
    """Keep what later figures need: the year the figure states, and the date it resolves to."""
    if hit.sets_year is not None:
        ctx.year, ctx.year_text = hit.sets_year, text[hit.start : hit.end]
    if hit.kind in ("date", "year") and hit.date and hit.rule not in _NO_ANCHOR_RULES:
        span = _date_span(hit.date, hit.precision)
        if span is not None:
            ctx.anchor, ctx.anchor_precision = span, hit.precision


_LONG_AFTER = re.compile(r"-long\b(?!-)")
_NO_ANCHOR_RULES = frozenset({"decade", "century", "year_range", "past_period"})


def scan(
    text: str, published: dt.date | None = None, offset: int = 0, context: _Context | None = None
) -> Iterator[Mention]:
    """Every numeric expression in a stretch of text; offsets are shifted by ``offset``.
    ``context`` carries what earlier stretches of the same article stated (see _Context)."""
    ctx = context if context is not None else _Context(published)
    for hit in _hits(text, ctx):
        yield _to_mention(text, hit, offset)


# A mention refers to its sentence by offsets and never copies it: a sentence with 10,000
# numbers would otherwise be stored 10,000 times (69 KB of text became a 928 MB report).
MENTION_COLUMNS = [
    "mention_id",
    *Mention.__dataclass_fields__,
    "sentence_start",
    "sentence_end",
]

# A news article holds tens to a few hundred numeric expressions (the seed: 32), a long report
# a few thousand. Each costs about 1 KB on its way to the report (a row in the tables, a
# highlight in the page, a line of the CSV download), so this keeps one article's tables within
# about 100 MB, whatever the text holds; 10 MB of the seed's paragraphs hold about 76,000.
MAX_MENTIONS = 100_000
# Longest excerpt of a sentence that a table row holds (figures.sentence, timeline.event):
# longer than sentences people write (the seed's longest has 435 characters), so those stay
# whole, while a "sentence" of 10,000 numbers costs each row a bounded 1,000 characters.
SENTENCE_CHARS = 1_000
# A figure in brackets right after one of the same kind restates it: "25 km (15 mi)".
_CONVERTIBLE = frozenset(
    {"length", "area", "mass", "volume", "speed", "temperature", "money", "power", "energy"}
)
_BRACKET = re.compile(r"\s*[(\[]\s*(?:(?i:or|about|some|approximately|roughly|around|c\.|ca\.)\s+)?$")
_SAME_AS = MENTION_COLUMNS.index("same_as") - 1  # positions in a row (which has no mention_id)
_NOTE = MENTION_COLUMNS.index("note") - 1


def _header(article: Article) -> list[Span]:
    return [s for s in (article.title, article.byline, article.dateline) if s is not None]


def _unread(article: Article, read: list[Span]) -> list[Span]:
    """Stretches of text that neither the header lines, the paragraphs nor an omission (a
    footer) hold, each read as a region of its own: a safety net, as the article reader now
    gives a short line that is no header line back to the body ("2003 - first manned flight"
    after a title, a byline and a line that is no date), so that nothing is dropped unread."""
    covered = sorted([*read, *article.omitted], key=lambda span: span.start)
    gaps, position = [], 0
    for span in [*covered, Span(len(article.text), len(article.text), "")]:
        if span.start > position and article.text[position : span.start].strip():
            gap = article.text[position : span.start]
            start = position + len(gap) - len(gap.lstrip())
            end = position + len(gap.rstrip())
            gaps.append(Span(start, end, article.text[start:end]))
        position = max(position, span.end)
    return gaps


def extract_mentions(article: Article) -> pd.DataFrame:
    """The mentions table: one row per numeric expression, in order of appearance.

    The header lines and paragraphs are read in order (and any line the article reader left in
    neither, see _unread), so an undated day can take its year from
    a date before it (see _Context). Each mention's sentence is found by bisection over the
    sentence starts and stored as its offsets, so the work and the table grow linearly with the
    article (a header line counts as its own sentence). A figure in brackets right after one of
    the same kind ("25 km (15 mi)") names it in ``same_as``. More than MAX_MENTIONS mentions is
    a one-line InputError."""
    header = _header(article)
    unread = _unread(article, [*header, *article.paragraphs])
    sentences = sorted([*header, *unread, *article.sentences], key=lambda span: span.start)
    starts = [span.start for span in sentences]
    ctx = _Context(article.published)
    rows: list[list] = []
    previous: Mention | None = None
    for region in sorted([*header, *unread, *article.paragraphs], key=lambda span: span.start):
        ctx.new_region()
        for mention in scan(region.text, article.published, region.start, ctx):
            if len(rows) == MAX_MENTIONS:
                raise InputError(
                    f"article {article.path} has more than {MAX_MENTIONS:,} numeric expressions "
                    "(no news article has that many); split it into smaller articles"
                )
            index = bisect.bisect_right(starts, mention.start) - 1
            sentence = sentences[index] if index >= 0 and mention.start < sentences[index].end else region
            row = [*vars(mention).values(), sentence.start, sentence.end]
            if (
                previous is not None
                and mention.kind == previous.kind in _CONVERTIBLE
                and mention.start - previous.end <= 40
                and _BRACKET.search(article.text, previous.end, mention.start)
            ):
                row[_SAME_AS] = f"m{len(rows):03d}"
                row[_NOTE] = _join_note(row[_NOTE], "restates the figure before it in other units")
            previous = mention
            rows.append(row)
    table = pd.DataFrame(rows, columns=MENTION_COLUMNS[1:])
    table.insert(0, "mention_id", [f"m{i:03d}" for i in range(1, len(table) + 1)])
    return table


def excerpt(text: str, start: int, end: int, limit: int = SENTENCE_CHARS) -> str:
    """text[start:end] with white space normalised, cut at a word to at most ``limit``
    characters with an ellipsis. Reads at most 4 * limit characters, so showing the sentence
    of every mention costs the same for a sentence of 20 words or of 10,000 numbers."""
    stop = min(end, start + 4 * limit)
    clean = " ".join(text[start:stop].split())
    if stop == end and len(clean) <= limit:
        return clean
    cut = clean[: limit - 1]
    if " " in cut and clean[limit - 1 : limit] not in ("", " "):
        cut = cut.rsplit(" ", 1)[0]  # at a word, unless one word fills the excerpt
    return cut.rstrip() + "\u2026"
