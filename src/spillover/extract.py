"""Find every numeric expression in an article: counts, percentages, lengths, durations,
fractions, vague amounts, years, decades, ranges and dates (relative ones resolved against the
publication date).

One compiled regular expression with named alternatives scans the text once; each
alternative has a small handler that turns the match into a Mention. quantulum3 was the first
choice, but it runs at about 70 s per MB here (target: under 2 s) and misses or misreads the
article's ranges, decades, vague amounts and dates; tests/test_extract.py keeps it as a
cross-check instead: every quantity it finds in the seed must be one of ours.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import pandas as pd
import pint
from dateutil.relativedelta import relativedelta

from spillover.article import Article, Span
from spillover.errors import InputError
from spillover.units import ureg

KINDS = ("count", "percent", "fraction", "length", "area", "duration", "money", "year", "date")
PRECISIONS = ("day", "week", "month", "year", "decade")


def units() -> pint.UnitRegistry:
    """The shared unit registry (spillover.units.ureg)."""
    return ureg


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
    date: str  # ISO 8601 (a day, a month, a year, a decade's first year, or an interval a/b)
    date_precision: str
    date_note: str
    rule: str


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
    "a": 1,
    "an": 1,
}
_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "dozen": 12,
}
_FRACTIONS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "thirds": 3,
    "quarter": 4,
    "quarters": 4,
    "fifth": 5,
    "fifths": 5,
    "tenth": 10,
    "tenths": 10,
}
_MONTHS = {
    m.lower(): i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAYS = {
    d.lower(): i
    for i, d in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
}

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
    "at most",
}
_AT_LEAST = {"over", "more than", "at least", "just over", "upwards of", "no fewer than"}
_ABOUT = {"about", "around", "some", "roughly", "approximately", "an estimated", "about some"}
_QUALIFIERS = sorted(_AT_MOST | _AT_LEAST | _ABOUT | {"another", "only", "just"}, key=len, reverse=True)

_UNIT_WORDS = {
    "length": r"kilomet(?:er|re)s?|km|miles?|met(?:er|re)s?|feet|foot|ft|yards?",
    "area": r"square (?:kilomet(?:er|re)s?|miles?|met(?:er|re)s?)|sq\.? ?(?:km|mi)|hectares?",
    "duration": r"centur(?:y|ies)|decades?|years?|months?|weeks?|days?|hours?|minutes?",
    "percent": r"percent|per cent|%",
}
# "a"/"an" only start a number before a scale ("a hundred", not "a one-third share"); after
# "and" they start a fraction ("two and a half"), never another term of the number.
_TERM = r"(?:{})".format(
    "|".join(sorted([w for w in [*_SMALL, *_SCALES] if w not in ("a", "an")], key=len, reverse=True))
)
_SCALE_WORD = r"(?:{})".format("|".join(_SCALES))
_NUMBER_WORDS = rf"(?:an?\s+{_SCALE_WORD}|{_TERM})(?:(?:[\s-]+|\s+and\s+){_TERM})*"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MONTH = r"(?:{})\.?".format("|".join(sorted([m.capitalize() for m in _MONTHS], key=len, reverse=True)))
_WEEKDAY = r"(?:{})".format("|".join(d.capitalize() for d in _WEEKDAYS))
_QUAL = r"(?:{})".format("|".join(re.escape(q) for q in _QUALIFIERS))
_YEAR = r"1[5-9]\d\d|20\d\d"

_PATTERNS = {
    # 13 July 2021 / July 8, 2021 / July 8 / 2021-07-13
    "date_dmy": rf"\b(?P<dmy_day>\d{{1,2}})\s+(?P<dmy_month>{_MONTH})(?:,?\s+(?P<dmy_year>{_YEAR}))?\b",
    "date_mdy": rf"\b(?P<mdy_month>{_MONTH})\s+(?P<mdy_day>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"(?:,?\s+(?P<mdy_year>{_YEAR})\b)?",
    "date_iso": r"\b(?P<iso>\d{4}-\d{2}-\d{2})\b",
    # In May / since March 2020 (a capitalised month after a preposition: "may" the verb is not)
    "date_month": rf"\b(?i:in|since|by|until|early|late|mid-|from|last|this)\s*"
    rf"(?P<month_name>{_MONTH})(?:\s+(?P<month_year>{_YEAR}))?\b",
    "weekday": rf"\b(?P<wd_rel>(?i:last|next|this|on|since))\s+(?P<wd_name>{_WEEKDAY})\b",
    "relative": r"\b(?i:(?P<rel_word>yesterday|today|tomorrow)|"
    r"(?P<rel_dir>last|next|this)\s+(?P<rel_period>week|month|year))\b",
    # "and" joins a range only after "between" ("in 2005 and 2010" names two years)
    "year_range": rf"\b(?:(?P<range_between>(?i:between))\s+|(?i:from)\s+)?(?P<range_a>{_YEAR})\s*"
    rf"(?(range_between)and|(?:to|until|through|-|–))\s*(?P<range_b>{_YEAR})\b",
    "decade": r"\b(?:(?i:the)\s+)?(?:(?i:early|mid|late)[\s-])?(?P<decade_start>1[5-9]\d0|20\d0)['’]?s\b",
    "past_period": r"\b(?i:the\s+(?P<past_dir>past|last|next|coming)\s+)(?P<past_unit>decade|"
    r"century|year)\b",
    "vague": r"(?:\b(?P<vague_qual>(?i:many|several|tens of|hundreds of|some))\s+)?"
    r"\b(?P<magnitude>(?i:dozens|hundreds|thousands|millions|billions))\b",
    "vague_period": r"\b(?i:for|over)\s+(?P<period_plural>decades|centuries|years|months)\b",
    "fraction": rf"(?:\b(?P<frac_qual>(?i:{_QUAL}))\s+)?"
    r"(?:\b(?P<frac_num>(?i:a|one|two|three|four|an))[\s-]+)?"
    r"\b(?P<frac_den>(?i:half|halves|thirds?|quarters?|fifths?|tenths?))\b",
    "quantity": rf"(?:\b(?P<qual>(?i:{_QUAL}))\s+)?(?P<currency>[$€£])?"
    rf"(?:(?P<digits>{_DIGITS})|\b(?P<words>(?i:{_NUMBER_WORDS})))\b"
    rf"(?:\s*(?P<scale>(?i:million|billion|thousand))\b)?"
    rf"(?:(?:\s*|-)(?P<unit>(?i:{'|'.join(_UNIT_WORDS.values())}))(?!\w))?",
}
# Every alternative starts at a digit, a currency sign or the start of a word; the lookahead
# rejects every other position before the 13 alternatives are tried (2.5x faster, same matches).
_SCAN = re.compile(
    r"(?=[\d$€£]|\b\w)(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS.items()) + ")"
)
_YEAR_CONTEXT = re.compile(
    r"(?i:\b(?:in|since|of|by|until|from|after|before|year|early|late|"
    r"mid|summer|winter|spring|autumn|fall)\s+)$"
)


# --- handlers ---------------------------------------------------------------------------------


def _words_value(words: str) -> float:
    """'two hundred and fifty' -> 250; 'a' -> 1."""
    total, current = 0, 0
    for word in re.split(r"[\s-]+", words.lower()):
        if word == "and":
            continue
        if word in _SMALL:
            current += _SMALL[word]
        elif word in ("thousand", "million", "billion"):
            total += max(current, 1) * _SCALES[word]
            current = 0
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
    return float(total + current)


def _bounds(value: float, qualifier: str) -> tuple[float, float]:
    q = qualifier.lower()
    if q in _AT_MOST:
        return math.nan, value
    if q in _AT_LEAST:
        return value, math.nan
    if q in _ABOUT:
        return math.nan, math.nan
    return value, value


@functools.lru_cache(maxsize=1024)  # pint's parser costs 0.4 ms a call; unit words repeat
def _unit_kind(unit_text: str) -> tuple[str, str]:
    """Kind and pint's canonical unit name for a unit word of the text."""
    lowered = unit_text.lower()
    if lowered in ("%", "percent", "per cent"):
        return "percent", "percent"
    for kind, pattern in _UNIT_WORDS.items():
        if re.fullmatch(pattern, lowered):
            cleaned = re.sub(r"^sq(?!uare)\.? ?", "square ", lowered)
            return kind, str(
                units().parse_units(cleaned.replace("square ", "") if kind != "area" else cleaned)
            )
    raise ValueError(unit_text)  # unreachable: the scanner only matches known unit words


def _mention(
    m: re.Match,
    rule: str,
    kind: str,
    value: float = math.nan,
    *,
    low: float | None = None,
    high: float | None = None,
    unit: str = "",
    qualifier: str = "",
    date: str = "",
    precision: str = "",
    note: str = "",
) -> Mention:
    return Mention(
        text=m.group(0),
        start=m.start(),
        end=m.end(),
        kind=kind,
        value=value,
        low=value if low is None else low,
        high=value if high is None else high,
        unit=unit,
        qualifier=qualifier,
        date=date,
        date_precision=precision,
        date_note=note,
        rule=rule,
    )


def _month_of(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")]


def _no_date(published: dt.date | None) -> str:
    return "" if published else "publication date unknown: not resolved"


def _year_for(month: int, day: int, published: dt.date | None) -> int | None:
    """An undated day or month is the latest one on or before publication."""
    if published is None:
        return None
    return published.year if (month, day) <= (published.month, published.day) else (published.year - 1)


def _date_dm(
    m: re.Match, day: str, month: str, year: str | None, published: dt.date | None, rule: str
) -> Mention | None:
    d, mo = int(day), _month_of(month)
    y = int(year) if year else _year_for(mo, d, published)
    if not 1 <= d <= 31:
        return None
    note = "" if year else ("year taken from the publication date" if y else _no_date(published))
    try:
        iso = dt.date(y, mo, d).isoformat() if y else f"--{mo:02d}-{d:02d}"
    except ValueError:
        return None
    return _mention(m, rule, "date", date=iso, precision="day", note=note)


def _handle(name: str, m: re.Match, published: dt.date | None) -> Mention | None:
    g = m.group
    if name == "date_dmy":
        return _date_dm(m, g("dmy_day"), g("dmy_month"), g("dmy_year"), published, name)
    if name == "date_mdy":
        return _date_dm(m, g("mdy_day"), g("mdy_month"), g("mdy_year"), published, name)
    if name == "date_iso":
        try:
            return _mention(
                m, name, "date", date=dt.date.fromisoformat(g("iso")).isoformat(), precision="day"
            )
        except ValueError:
            return None
    if name == "date_month":
        month = _month_of(g("month_name"))
        year = int(g("month_year")) if g("month_year") else _year_for(month, 1, published)
        note = (
            ""
            if g("month_year")
            else ("year taken from the publication date" if year else _no_date(published))
        )
        iso = f"{year:04d}-{month:02d}" if year else f"--{month:02d}"
        return _mention(m, name, "date", date=iso, precision="month", note=note)
    if name == "weekday":
        return _weekday(m, g("wd_rel").lower(), _WEEKDAYS[g("wd_name").lower()], published)
    if name == "relative":
        return _relative(
            m,
            (g("rel_word") or "").lower(),
            (g("rel_dir") or "").lower(),
            (g("rel_period") or "").lower(),
            published,
        )
    if name == "year_range":
        a, b = int(g("range_a")), int(g("range_b"))
        if b <= a:
            return None
        return _mention(
            m, name, "year", math.nan, low=a, high=b, unit="year", date=f"{a}/{b}", precision="year"
        )
    if name == "decade":
        start = int(g("decade_start"))
        return _mention(
            m,
            name,
            "year",
            math.nan,
            low=start,
            high=start + 9,
            unit="year",
            date=str(start),
            precision="decade",
        )
    if name == "past_period":
        unit = g("past_unit").lower()
        return _mention(
            m,
            name,
            "duration",
            1.0,
            unit=str(units().parse_units(unit)),
            qualifier=g("past_dir").lower(),
        )
    if name == "vague":
        magnitude = {
            "dozens": 12,
            "hundreds": 100,
            "thousands": 1e3,
            "millions": 1e6,
            "billions": 1e9,
        }[g("magnitude").lower()]
        # A plural magnitude means at least two of it and fewer than the next magnitude.
        next_up = {12: 100, 100: 1000}.get(magnitude, magnitude * 1000)
        return _mention(
            m,
            name,
            "count",
            math.nan,
            low=2 * magnitude,
            high=next_up - 1,
            qualifier=(g("vague_qual") or "").lower(),
        )
    if name == "vague_period":
        unit = str(units().parse_units(g("period_plural").lower()))
        return _mention(m, name, "duration", math.nan, low=2, high=math.nan, unit=unit, qualifier="plural")
    if name == "fraction":
        numerator = _SMALL.get((g("frac_num") or "one").lower(), 1)
        value = numerator / _FRACTIONS[g("frac_den").lower()]
        qualifier = (g("frac_qual") or "").lower()
        low, high = _bounds(value, qualifier)
        return _mention(m, name, "fraction", value, low=low, high=high, unit="fraction", qualifier=qualifier)
    return _quantity(m)


def _weekday(m: re.Match, relation: str, weekday: int, published: dt.date | None) -> Mention:
    if published is None:
        return _mention(m, "weekday", "date", precision="day", note=_no_date(published))
    if relation == "last":
        # "Last Monday" in a weekly news register: that weekday of the week before publication.
        monday_before = published - dt.timedelta(days=published.weekday() + 7)
        day = monday_before + dt.timedelta(days=weekday)
        latest = published - dt.timedelta(days=(published.weekday() - weekday - 1) % 7 + 1)
        note = "the weekday of the week before publication"
        if latest != day:
            note += f"; read as the most recent {m.group('wd_name')} it would be {latest}"
    elif relation == "next":
        day = published + dt.timedelta(days=(weekday - published.weekday() - 1) % 7 + 1)
        note = "the first such weekday after publication"
    else:  # on / this / since: the most recent such weekday up to publication
        day = published - dt.timedelta(days=(published.weekday() - weekday) % 7)
        note = "the most recent such weekday up to publication"
    return _mention(m, "weekday", "date", date=day.isoformat(), precision="day", note=note)


def _relative(m: re.Match, word: str, direction: str, period: str, published: dt.date | None) -> Mention:
    if published is None:
        return _mention(m, "relative", "date", precision=period or "day", note=_no_date(published))
    if word:
        day = published + dt.timedelta(days={"yesterday": -1, "today": 0, "tomorrow": 1}[word])
        return _mention(m, "relative", "date", date=day.isoformat(), precision="day")
    step = {"last": -1, "this": 0, "next": 1}[direction]
    if period == "week":
        monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=step)
        iso_year, iso_week, _ = monday.isocalendar()
        return _mention(
            m,
            "relative",
            "date",
            date=f"{iso_year}-W{iso_week:02d}",
            precision="week",
            note=f"the week of Monday {monday}",
        )
    if period == "month":
        first = published.replace(day=1) + relativedelta(months=step)
        return _mention(m, "relative", "date", date=f"{first:%Y-%m}", precision="month")
    return _mention(m, "relative", "date", date=str(published.year + step), precision="year")


# No figure a news article states has more digits (world GDP in dollars has 15); longer runs of
# digits are codes or garbage, and past 308 digits their float is inf.
MAX_DIGITS = 15


def _quantity(m: re.Match) -> Mention | None:
    g = m.group
    digits, words = g("digits"), g("words")
    if words and words.lower() in ("a", "an"):
        return None  # an article alone is not a figure ("a piece")
    if digits and len(digits.split(".")[0].replace(",", "")) > MAX_DIGITS:
        return None  # a run of digits, not a figure: its float would be inf or rounded
    value = float(digits.replace(",", "")) if digits else _words_value(words)
    if g("scale"):
        value *= _SCALES[g("scale").lower()]
    qualifier = (g("qual") or "").lower()
    low, high = _bounds(value, qualifier)
    if g("currency"):
        code = {"$": "USD", "€": "EUR", "£": "GBP"}[g("currency")]
        return _mention(m, "quantity", "money", value, low=low, high=high, unit=code, qualifier=qualifier)
    if g("unit"):
        kind, unit = _unit_kind(g("unit"))
        return _mention(m, "quantity", kind, value, low=low, high=high, unit=unit, qualifier=qualifier)
    if digits and re.fullmatch(_YEAR, digits) and not qualifier and _looks_like_year(m):
        return _mention(m, "quantity", "year", value, unit="year", date=digits, precision="year")
    return _mention(m, "quantity", "count", value, low=low, high=high, qualifier=qualifier)


def _looks_like_year(m: re.Match) -> bool:
    """A bare four-digit number is a year after 'in', 'since'... or before punctuation."""
    before = m.string[max(0, m.start() - 20) : m.start()]
    after = m.string[m.end() : m.end() + 2]
    return bool(_YEAR_CONTEXT.search(before)) or not re.match(r"\s+[a-z]", after)


# --- entry points -----------------------------------------------------------------------------


def scan(text: str, published: dt.date | None = None, offset: int = 0) -> Iterator[Mention]:
    """Every numeric expression in a stretch of text; offsets are shifted by ``offset``."""
    for m in _SCAN.finditer(text):
        mention = _handle(m.lastgroup or "", m, published)
        if mention is not None:
            if offset:
                mention = replace(mention, start=mention.start + offset, end=mention.end + offset)
            yield mention


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


def _header(article: Article) -> list[Span]:
    return [s for s in (article.title, article.byline, article.dateline) if s is not None]


def extract_mentions(article: Article) -> pd.DataFrame:
    """The mentions table: one row per numeric expression, in order of appearance.

    Each mention's sentence is found by bisection over the sentence starts and stored as its
    offsets, so the work and the table grow linearly with the article (a header line counts
    as its own sentence). More than MAX_MENTIONS mentions is a one-line InputError."""
    header = _header(article)
    sentences = sorted([*header, *article.sentences], key=lambda span: span.start)
    starts = [span.start for span in sentences]
    rows = []
    for region in [*header, *article.paragraphs]:
        for mention in scan(region.text, article.published, region.start):
            if len(rows) == MAX_MENTIONS:
                raise InputError(
                    f"article {article.path} has more than {MAX_MENTIONS:,} numeric expressions "
                    "(no news article has that many); split it into smaller articles"
                )
            index = bisect.bisect_right(starts, mention.start) - 1
            sentence = sentences[index] if index >= 0 and mention.start < sentences[index].end else region
            rows.append((*vars(mention).values(), sentence.start, sentence.end))
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


Handler = Callable[[re.Match], Mention]
