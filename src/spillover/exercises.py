"""Self-checks for the classroom exercises: they tell a student whether an answer is right
without giving the answer away.

``check(name, answer)`` prints one line, ``<name>: <status>``, where the status is

- ``correct``;
- ``not yet right: <hint>`` (the hint says how to get there, never the value);
- ``not yet answered`` while the answer is still the stub's placeholder (``...`` or None).

Every expected value is computed at run time from the project's tables and the article
(:func:`spillover.pipeline.article_tables`), never typed in here: if the data change, the
checks follow. Numbers are compared with a tolerance, dates in either ISO text or as dates,
free text by its key terms.

A notebook binds the checks to the tables it loaded, so a rerun with another Factbook
snapshot checks against that snapshot::

    ctx = report.start(reference_snapshot=reference_snapshot)
    check = exercises.checker(ctx)
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property

import pandas as pd

from spillover import paths
from spillover.article import Article
from spillover.errors import InputError
from spillover.units import ureg

CORRECT = "correct"
NOT_ANSWERED = "not yet answered"
NOT_RIGHT = "not yet right"

#: The later World Factbook snapshot exercise 6 compares with (data/reference/factbook/).
LATER_SNAPSHOT = "2026-01-22"
ARTICLE_COUNTRIES = ("Afghanistan", "Tajikistan")
BORDER = "Afghanistan–Tajikistan"

#: The sentences exercise 5 asks to sort, found by how they open (numbered in this order).
SENTENCES_TO_SORT = (
    "Tajikistan has a border with Afghanistan",
    "Rather, it is serving as a catalyst",
    "The Tajik government has ordered the mobilization",
    "Now, the Kremlin fears",
    "Another 1,000 civilians reportedly",
    "Russia and China, too, have competing interests",
    "The spill-over of the military conflict in Afghanistan",
)
#: The figures whose source exercise 5 asks for.
FIGURES_TO_ATTRIBUTE = (
    "afghan_soldiers_fled",
    "famine_risk_people",
    "taliban_territory_share",
    "tajik_reservists",
    "date_sidorov_statement",
    "date_wsj_report",
)

FIGURE, COMMENTARY = "figure", "commentary"
_LABELS = {
    "figure": FIGURE,
    "figures": FIGURE,
    "reported": FIGURE,
    "reported figure": FIGURE,
    "number": FIGURE,
    "fact": FIGURE,
    "commentary": COMMENTARY,
    "comment": COMMENTARY,
    "opinion": COMMENTARY,
    "argument": COMMENTARY,
}
#: Short names a student may use for a source; expanded before matching.
_SOURCE_ALIASES = {"wsj": "wall street journal", "fp": "foreign policy"}
#: Words that name no particular source ("the Afghan government" is not "the Tajik government").
_STOPWORDS = frozenset(
    {
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "by",
        "for",
        "and",
        "or",
        "to",
        "from",
        "its",
        "their",
        "own",
        "his",
        "her",
        "as",
        "said",
        "says",
        "according",
        "reported",
        "report",
        "reports",
        "claim",
        "claimed",
        "claims",
        "what",
        "became",
        "them",
        "commentator",
        "government",
        "news",
        "newspaper",
        "outlet",
        "source",
        "sources",
    }
)


# --------------------------------------------------------------------------- the data


class Data:
    """The tables (and article) the checks compute their expected values from."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], article: Article | None = None):
        self.tables = tables
        self._article = article

    @cached_property
    def article(self) -> Article:
        if self._article is not None:
            return self._article
        from spillover.article import read_article

        return read_article(paths.DEFAULT_ARTICLE)

    @cached_property
    def later(self) -> Mapping[str, pd.DataFrame]:
        """The tables under the later Factbook snapshot (exercise 6)."""
        return _tables(LATER_SNAPSHOT)

    def figure(self, figure_id: str) -> pd.Series:
        figures = self.tables["figures"]
        rows = figures[figures["figure_id"] == figure_id]
        if rows.empty:
            raise InputError(f"the figures table has no figure {figure_id!r}; check the annotations")
        return rows.iloc[0]


@cache
def _tables(snapshot: str) -> Mapping[str, pd.DataFrame]:
    from spillover.pipeline import article_tables

    return article_tables(paths.DEFAULT_ARTICLE, {"reference_snapshot": snapshot})


@cache
def _default_data() -> Data:
    from spillover.pipeline import DEFAULT_SNAPSHOT

    return Data(_tables(DEFAULT_SNAPSHOT))


def _population(factbook: pd.DataFrame, country: str) -> float:
    rows = factbook[
        (factbook["country"] == country) & (factbook["field"] == "population") & (factbook["qualifier"] == "")
    ]
    if rows.empty:
        raise InputError(f"the Factbook table has no population of {country}")
    return float(rows["value"].iloc[0])


def _factbook_border_km(data: Data) -> float:
    borders = data.tables["border_lengths"]
    rows = borders[(borders["border"] == BORDER) & borders["source"].str.startswith("World Factbook")]
    return float(rows["length_km"].iloc[0])


# --------------------------------------------------------------------------- expected values


def _border_miles(data: Data) -> float:
    km = data.figure("border_af_tj_km")
    return float(ureg.Quantity(km["value"], km["unit"]).to("mile").magnitude)


def _border_804(data: Data) -> frozenset[str]:
    """The Factbook border whose length in km is the article's figure in miles."""
    miles = float(data.figure("border_af_tj_mi")["value"])
    borders = data.tables["border_lengths"]
    rows = borders[
        borders["source"].str.startswith("World Factbook")
        & (borders["stated_unit"] == "kilometer")
        & (borders["stated_length"] == miles)
    ]
    if rows.empty:
        raise InputError(f"no Factbook border is {miles:g} km long")
    return frozenset((rows["country_a"].iloc[0], rows["country_b"].iloc[0]))


def _count(data: Data, figure_id: str) -> float:
    return float(data.figure(figure_id)["value"])


def _ratio(numerator: str, denominator: str) -> Callable[[Data], float]:
    return lambda data: _count(data, numerator) / _count(data, denominator)


def _reservists_share(data: Data) -> float:
    return 100 * _count(data, "tajik_reservists") / _population(data.tables["factbook"], "Tajikistan")


def _reservists_share_later(data: Data) -> float:
    return 100 * _count(data, "tajik_reservists") / _population(data.later["factbook"], "Tajikistan")


def weekday_readings(published: dt.date, weekday: int) -> tuple[dt.date, dt.date]:
    """The two readings of "last <weekday>" in a text published on `published`: that weekday
    in the week before (weeks start on Monday), and the most recent such day before it."""
    week_before = published - dt.timedelta(days=published.weekday() + 7 - weekday)
    most_recent = published - dt.timedelta(days=(published.weekday() - weekday - 1) % 7 + 1)
    return week_before, most_recent


def _readings(data: Data, figure_id: str) -> tuple[dt.date, dt.date]:
    published = dt.date.fromisoformat(str(data.figure("publication_date")["date"]))
    quote = str(data.figure(figure_id)["quote"]).lower()
    days = [i for i, name in enumerate(calendar.day_name) if name.lower() in quote]
    if not days:
        raise InputError(f"figure {figure_id!r} ({quote!r}) names no weekday")
    return weekday_readings(published, days[0])


def _measured_km(data: Data) -> dict[str, float]:
    borders = data.tables["border_lengths"]
    rows = borders[(borders["border"] == BORDER) & borders["source"].str.startswith("Natural Earth 1:")]
    return {
        source.removeprefix("Natural Earth 1:"): float(km)
        for source, km in zip(rows["source"], rows["length_km"], strict=True)
    }


def _shortfall_10m(data: Data) -> float:
    factbook = _factbook_border_km(data)
    return 100 * (factbook - _measured_km(data)["10m"]) / factbook


def sentences_to_sort(article: Article | None = None) -> pd.DataFrame:
    """The sentences of exercise 5, numbered from 1: number, sentence, start, end."""
    article = article or Data({}).article
    rows = []
    for number, opening in enumerate(SENTENCES_TO_SORT, start=1):
        found = [s for s in article.sentences if s.clean.startswith(opening)]
        if not found:
            raise InputError(f"the article has no sentence opening {opening!r}")
        sentence = found[0]
        rows.append(
            {"number": number, "sentence": sentence.clean, "start": sentence.start, "end": sentence.end}
        )
    return pd.DataFrame(rows)


def _sentence_kinds(data: Data) -> dict[int, str]:
    """A sentence is a figure when an annotated figure of the article lies inside it."""
    figures = data.tables["figures"]
    kinds = {}
    for row in sentences_to_sort(data.article).itertuples():
        inside = (figures["start"] >= row.start) & (figures["end"] <= row.end)
        kinds[row.number] = FIGURE if inside.any() else COMMENTARY
    return kinds


def figures_to_attribute(tables: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The figures of exercise 5 with their quote and sentence (and not their source)."""
    figures = (tables or _default_data().tables)["figures"].set_index("figure_id")
    rows = [
        {"figure_id": fid, "quote": figures.at[fid, "quote"], "sentence": figures.at[fid, "sentence"]}
        for fid in FIGURES_TO_ATTRIBUTE
    ]
    return pd.DataFrame(rows)


def _attributions(data: Data) -> dict[str, str]:
    return {fid: str(data.figure(fid)["attributed_to"]) for fid in FIGURES_TO_ATTRIBUTE}


def _remittances_verdict_later(data: Data) -> str:
    findings = data.later["findings"]
    return str(findings.loc[findings["finding_id"] == "remittances_vs_factbook", "verdict"].iloc[0])


# --------------------------------------------------------------------------- the exercises


@dataclass(frozen=True)
class Exercise:
    """One checked answer: how to compute the expected value, how to compare, and a hint."""

    name: str
    kind: str  # number, percent, countries, date, dates, text, labels, sources, verdict, scales
    expected: Callable[[Data], object]
    hint: str
    rel_tol: float = 0.0
    abs_tol: float = 0.0
    unit: str = ""
    terms: tuple[tuple[str, ...], ...] = ()  # text: at least one term of every group
    min_words: int = 0


_GENERALISED = (
    "generalis",
    "generaliz",
    "simplif",
    "smooth",
    "detail",
    "resolution",
    "fewer point",
    "straight",
    "corner",
    "coarse",
    "vertices",
    "points",
)
_WINDING = (
    "coastline",
    "fractal",
    "wind",
    "wiggl",
    "bend",
    "meander",
    "curv",
    "zigzag",
    "rugged",
    "river",
    "twist",
    "jagged",
)

EXERCISES: dict[str, Exercise] = {
    e.name: e
    for e in [
        Exercise(
            "border_miles",
            "number",
            _border_miles,
            "convert the kilometres with convert(value, 'km', 'mi'); 1 mile is 1.609344 km",
            rel_tol=0.001,
            abs_tol=0.5,
            unit="mile",
        ),
        Exercise(
            "border_804",
            "countries",
            _border_804,
            "look for the number 804 among the Factbook rows of tables['border_lengths'], "
            "reading it in kilometres; write the border as 'Country–Country'",
        ),
        Exercise(
            "reservists_per_base_soldier",
            "number",
            _ratio("tajik_reservists", "russian_base_troops"),
            "divide the reservists by the soldiers at the Russian base",
            rel_tol=0.02,
        ),
        Exercise(
            "base_soldiers_per_fled_soldier",
            "number",
            _ratio("russian_base_troops", "afghan_soldiers_fled"),
            "divide the soldiers at the Russian base by the Afghan soldiers who fled",
            rel_tol=0.02,
        ),
        Exercise(
            "reservists_share_percent",
            "percent",
            _reservists_share,
            "divide the reservists by Tajikistan's population (tables['factbook'], field "
            "'population') and multiply by 100",
            rel_tol=0.02,
        ),
        Exercise(
            "last_monday_week_before",
            "date",
            lambda d: {_readings(d, "date_soldiers_fled")[0]},
            "take the Monday of the week before the week of publication; date.weekday() is 0 on Mondays",
        ),
        Exercise(
            "last_monday_most_recent",
            "date",
            lambda d: {_readings(d, "date_soldiers_fled")[1]},
            "count back day by day from the publication date to the first Monday",
        ),
        Exercise(
            "last_wednesday",
            "date",
            lambda d: set(_readings(d, "date_lavrov_statement")),
            "resolve 'last Wednesday' as you resolved 'last Monday', from the publication date",
        ),
        Exercise(
            "measured_km",
            "scales",
            _measured_km,
            "measure with geo.border_lengths_measured() and keep the Afghanistan–Tajikistan rows; "
            "give a dict {'110m': km, '50m': km, '10m': km}",
            rel_tol=0.01,
        ),
        Exercise(
            "shortfall_10m_percent",
            "percent",
            _shortfall_10m,
            "100 × (Factbook length − length measured at 1:10m) / Factbook length",
            abs_tol=0.3,
        ),
        Exercise(
            "why_scales_differ",
            "text",
            lambda d: None,
            "say in a sentence or two what a smaller-scale map does to the border line and "
            "why a winding line measures longer in more detail",
            terms=(_GENERALISED, _WINDING),
            min_words=12,
        ),
        Exercise(
            "sentence_kinds",
            "labels",
            _sentence_kinds,
            "a sentence is a 'figure' when it carries a number a reader could check against "
            "a source, and 'commentary' otherwise",
        ),
        Exercise(
            "attributions",
            "sources",
            _attributions,
            "reread each quote in the article (and the sentence before it): who reported or claimed it?",
        ),
        Exercise(
            "reservists_share_later",
            "percent",
            _reservists_share_later,
            f"use Tajikistan's population in the {LATER_SNAPSHOT} snapshot "
            "(article_tables(params={'reference_snapshot': ...}))",
            rel_tol=0.02,
        ),
        Exercise(
            "remittances_verdict_later",
            "verdict",
            _remittances_verdict_later,
            f"look up the finding 'remittances_vs_factbook' in the findings of the {LATER_SNAPSHOT} "
            "snapshot; a verdict is 'consistent', 'inconsistent' or 'not comparable'",
        ),
        Exercise(
            "what_changed",
            "text",
            lambda d: None,
            "say what happened to Tajikistan's population figure and to the remittances finding, and why",
            terms=(("population",), ("remittance",)),
            min_words=15,
        ),
    ]
}


# --------------------------------------------------------------------------- comparing


def is_placeholder(answer: object) -> bool:
    """True for the stub's placeholders: ..., None, an empty text, or a container of them."""
    if answer is Ellipsis or answer is None:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    if isinstance(answer, Mapping):
        return all(is_placeholder(v) for v in answer.values())
    return False


def _close(value: float, expected: float, exercise: Exercise) -> bool:
    return math.isclose(value, expected, rel_tol=exercise.rel_tol, abs_tol=exercise.abs_tol)


def _as_number(answer: object, unit: str = "") -> float | None:
    if hasattr(answer, "magnitude") and hasattr(answer, "to"):  # a pint quantity
        try:
            return float((answer.to(unit) if unit else answer.to("dimensionless")).magnitude)
        except Exception:  # noqa: BLE001 - any unit mismatch is a wrong answer
            return None
    if isinstance(answer, bool):
        return None
    if isinstance(answer, str):
        answer = answer.replace(",", "").replace("%", "").strip()
    try:
        value = float(answer)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _number(exercise: Exercise, answer: object, expected: float) -> str:
    value = _as_number(answer, exercise.unit)
    if value is None:
        unit = f" of {exercise.unit}s" if exercise.unit else ""
        return f"{NOT_RIGHT}: give a number{unit}"
    if _close(value, expected, exercise):
        return CORRECT
    if exercise.kind == "percent" and _close(value * 100, expected, exercise):
        return f"{NOT_RIGHT}: that looks like a fraction; give it in percent"
    direction = "too high" if value > expected else "too low"
    return f"{NOT_RIGHT}: {direction}; {exercise.hint}"


def _fold(text: str) -> str:
    text = text.casefold().replace("_", " ").replace("-", " ").replace("–", " ")
    return " ".join(text.split())


def _words(text: str) -> set[str]:
    folded = _fold(text)
    for short, long in _SOURCE_ALIASES.items():
        folded = re.sub(rf"\b{short}\b", long, folded)
    return {w for w in re.findall(r"[a-z0-9]+", folded) if w not in _STOPWORDS}


def _same_source(given: str, expected: str) -> bool:
    """True when a distinctive word of `given` is one of `expected`'s (Tajikistan ~ Tajik)."""
    return any(
        a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))
        for a in _words(given)
        for b in _words(expected)
    )


def _countries(exercise: Exercise, answer: object, expected: frozenset[str]) -> str:
    if not isinstance(answer, str):
        return f"{NOT_RIGHT}: give the border as text, e.g. 'Country–Country'"
    from spillover.geo import REGION

    named = {c for c in REGION if c.casefold() in answer.casefold()}
    neighbour = expected - set(ARTICLE_COUNTRIES)
    if named and named <= expected and neighbour <= named:
        return CORRECT
    return f"{NOT_RIGHT}: {exercise.hint}"


def _as_date(answer: object) -> dt.date | None:
    if isinstance(answer, pd.Timestamp | dt.datetime):
        return answer.date()
    if isinstance(answer, dt.date):
        return answer
    if isinstance(answer, str):
        try:
            return dt.date.fromisoformat(answer.strip())
        except ValueError:
            return None
    return None


def _date(exercise: Exercise, answer: object, expected: set[dt.date]) -> str:
    value = _as_date(answer)
    if value is None:
        return f"{NOT_RIGHT}: give a date, as datetime.date or as text 'YYYY-MM-DD'"
    if value in expected:
        return CORRECT
    return f"{NOT_RIGHT}: {exercise.hint}"


def _text(exercise: Exercise, answer: object) -> str:
    if not isinstance(answer, str):
        return f"{NOT_RIGHT}: write your answer as text"
    folded = _fold(answer)
    if len(folded.split()) < exercise.min_words:
        return f"{NOT_RIGHT}: write a little more ({exercise.min_words} words or more); {exercise.hint}"
    if all(any(term in folded for term in group) for group in exercise.terms):
        return CORRECT
    return f"{NOT_RIGHT}: {exercise.hint}"


def _keyed(answer: object) -> dict | None:
    if not isinstance(answer, Mapping):
        return None
    result = {}
    for key, value in answer.items():
        result[int(key) if isinstance(key, str) and key.strip().isdigit() else key] = value
    return result


def _labels(exercise: Exercise, answer: object, expected: dict[int, str]) -> str:
    given = _keyed(answer)
    if given is None:
        return f"{NOT_RIGHT}: give a dict {{sentence number: 'figure' or 'commentary'}}"
    missing = [n for n in expected if is_placeholder(given.get(n))]
    if missing:
        return f"{NOT_RIGHT}: label every sentence; still open: {', '.join(map(str, missing))}"
    wrong = sum(_LABELS.get(_fold(str(given[n]))) != kind for n, kind in expected.items())
    if not wrong:
        return CORRECT
    return f"{NOT_RIGHT}: {wrong} of {len(expected)} labels differ; {exercise.hint}"


def _sources(exercise: Exercise, answer: object, expected: dict[str, str]) -> str:
    given = _keyed(answer)
    if given is None:
        return f"{NOT_RIGHT}: give a dict {{figure_id: source}}"
    missing = [fid for fid in expected if is_placeholder(given.get(fid))]
    if missing:
        return f"{NOT_RIGHT}: name a source for every figure; still open: {', '.join(missing)}"
    wrong = [fid for fid, source in expected.items() if not _same_source(str(given[fid]), source)]
    if not wrong:
        return CORRECT
    differ = f"{len(wrong)} of {len(expected)} sources differ ({', '.join(wrong)})"
    return f"{NOT_RIGHT}: {differ}; {exercise.hint}"


def _scales(exercise: Exercise, answer: object, expected: dict[str, float]) -> str:
    if not isinstance(answer, Mapping):
        return f"{NOT_RIGHT}: {exercise.hint}"
    given = {}
    for key, value in answer.items():
        scale = str(key).removeprefix("1:").strip()
        given[scale if scale.endswith("m") else f"{scale}m"] = _as_number(value, "km")
    missing = [s for s in expected if given.get(s) is None]
    if missing:
        return f"{NOT_RIGHT}: give a length in km for every scale; missing: {', '.join(missing)}"
    wrong = [s for s, km in expected.items() if not _close(given[s], km, exercise)]
    if not wrong:
        return CORRECT
    return f"{NOT_RIGHT}: the length at {', '.join(wrong)} differs; {exercise.hint}"


def _verdict(exercise: Exercise, answer: object, expected: str) -> str:
    if isinstance(answer, str) and _fold(answer) == _fold(expected):
        return CORRECT
    return f"{NOT_RIGHT}: {exercise.hint}"


_COMPARE: dict[str, Callable[[Exercise, object, object], str]] = {
    "number": _number,
    "percent": _number,
    "countries": _countries,
    "date": _date,
    "labels": _labels,
    "sources": _sources,
    "scales": _scales,
    "verdict": _verdict,
}


def status(name: str, answer: object, data: Data | None = None) -> str:
    """'correct', 'not yet right: <hint>' or 'not yet answered' for the answer to `name`."""
    exercise = EXERCISES.get(name)
    if exercise is None:
        raise InputError(f"no exercise named {name!r}; known: {', '.join(EXERCISES)}")
    if is_placeholder(answer):
        return NOT_ANSWERED
    if exercise.kind == "text":
        return _text(exercise, answer)
    return _COMPARE[exercise.kind](exercise, answer, exercise.expected(data or _default_data()))


def check(name: str, answer: object, data: Data | None = None) -> None:
    """Print whether the answer to exercise `name` is right, without showing the answer."""
    print(f"{name}: {status(name, answer, data)}")


def checker(context: object = None) -> Callable[[str, object], None]:
    """`check` bound to a notebook's tables: checker(ctx) with ctx from report.start(...)."""
    tables = getattr(context, "tables", None)
    data = _default_data() if tables is None else Data(tables, getattr(context, "article", None))

    def bound_check(name: str, answer: object) -> None:
        check(name, answer, data)

    return bound_check
