"""Self-checks of the classroom exercises, and the answer comparison the grader uses.

This module is standard library only: the classroom build copies it, unchanged, into the
student pack as ``selfcheck.py``, next to the pack's ``checks.json`` and ``data/`` folder.
Nothing in it knows an article or an answer; every question is described by a *spec* (the
``check:`` block of its ``# BEGIN QUESTION`` cell in the source notebook, see
classroom/README.md) and compared through *tokens*:

- an answer is first **normalised** (``normalise``): a number becomes a float (a pint
  quantity is converted to the question's unit), a date ISO text, a choice one of its
  options, names a sorted set of words, and so on. Answers of the wrong type get a specific
  message (a pandas Series where a number is wanted, ``"1,234 km"`` as text, a decimal
  comma that Python read as a tuple ...);
- the normalised answer is turned into **tokens** (``answer_tokens``): for a number, the
  index of the grid cell it falls in (the grid step is a power of ten below the tolerance);
- the student's copy (``checks.json``) holds only **salted hashes** of the accepted tokens
  (sha256 of a per-question salt and the token), so neither the files nor the checks show
  an expected value; the grader holds the tokens themselves (``Key.plain``).

Free-text answers are never "correct": a self-check says ``answered`` (or why the text is
not an answer yet: too short, the hint pasted back, one word repeated) and the grader marks
them "to read".

In a notebook of the pack::

    from selfcheck import check, table
    check("border_miles", border_miles)   # prints "border_miles: correct" (or a hint)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

CORRECT = "correct"
NOT_RIGHT = "not yet right"
NOT_ANSWERED = "not yet answered"
ANSWERED = "answered"  # free text: written, for the teacher to read
#: A self-check's printed line: "<question>: <status>".
CHECK_LINE = re.compile(r"^(\w+): (correct|not yet right|not yet answered|answered)\b", re.MULTILINE)

KINDS = ("number", "date", "choice", "names", "labels", "sources", "number_map", "text")
#: Kinds whose answer is a mapping, judged key by key (partial credit in the grader).
MAPPED = ("labels", "sources", "number_map")
CHECKS_FILE = "checks.json"
DATA_FOLDER = "data"
HERE = Path(__file__).resolve().parent

#: Words that carry no name: dropped from names and sources before comparing.
STOPWORDS = frozenset(
    """a an and as at between by for from in is it its of on or the their them they to was were who
    with according said says reported""".split()  # noqa: SIM905 - a list of words reads better so
)
_MEAN_EARTH_RADIUS_KM = 6371.0088
_LETTERS = str.maketrans("0123456789", "ghijklmnop")  # hashes without digits


class Problem(Exception):
    """An answer that cannot be compared yet; the message says what to change."""


class Unanswered(Exception):
    """The answer is still the placeholder (``...``)."""


# --------------------------------------------------------------------------- describing answers


def _type_name(value: object) -> str:
    kind = type(value)
    return f"{kind.__module__.split('.')[0]}.{kind.__name__}"


def is_placeholder(answer: object) -> bool:
    """True for the stub's placeholders: ..., None, an empty text, or a container of them."""
    if answer is Ellipsis or answer is None:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    if isinstance(answer, Mapping):
        return all(is_placeholder(v) for v in answer.values())
    return False


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _pandas_problem(value: object, wanted: str) -> Problem | None:
    """A specific message for a pandas or numpy container where one value is wanted."""
    name = _type_name(value)
    size = getattr(value, "size", None)
    if name in ("pandas.Series", "pandas.Index"):
        if size == 1:
            return Problem(
                f"that is a pandas {type(value).__name__} holding one value, not {wanted} itself; "
                "take the value out with .iloc[0] (or .item())"
            )
        return Problem(
            f"that is a pandas {type(value).__name__} (a column of {size} values), not {wanted}; "
            "pick the row you need first, then take its value with .iloc[0]"
        )
    if name == "pandas.DataFrame":
        rows = getattr(value, "shape", (0,))[0]
        return Problem(
            f"that is a table (a pandas DataFrame with {rows} rows), not {wanted}; pick a row and "
            "a column, then take the value with .iloc[0]"
        )
    if name == "numpy.ndarray" and getattr(value, "shape", ()) != ():
        return Problem(f"that is an array of {size} values, not {wanted}; pick one with [0] or .item()")
    return None


# --------------------------------------------------------------------------- numbers

_NUMBER_TEXT = re.compile(r"^\s*([+-]?\d[\d,. ]*)\s*(%|[^\W\d_][\w .]*)?\s*$")


def _text_number_problem(text: str, spec: Mapping) -> Problem:
    """Why a text is not accepted as a number, with the number written the way Python wants."""
    match = _NUMBER_TEXT.match(text)
    if not match:
        return Problem(f"{text!r} is text, not a number; give a number, e.g. 12.5 (no quotes)")
    digits, unit = match.group(1).strip().replace(" ", ""), match.group(2)
    extra = f" and without the unit ({unit.strip()})" if unit else ""
    head, _, tail = digits.rpartition(",")
    if "," not in digits:
        return Problem(
            f"{text!r} is text (it is in quotes), not a number; write the number itself, "
            f"without quotes{extra}: {digits}"
        )
    decimal = f"{head.replace(',', '').replace('.', '')}.{tail}"
    if "." in digits or len(tail) != 3 or head.lstrip("+-") in ("", "0"):  # 0,5 or 1.234,5
        return Problem(
            f"{text!r} is text with a decimal comma, not a number; write the number itself, "
            f"without quotes{extra}, with a decimal point: {decimal}"
        )
    grouped = digits.replace(",", "")  # 1,234: thousands, or a decimal comma?
    return Problem(
        f"{text!r} is text with a comma, not a number; write the number itself, without quotes{extra} "
        f"and without a thousands separator: {grouped} (or {decimal} if the comma was a decimal comma)"
    )


def _tuple_problem(value: tuple) -> Problem:
    if len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        a, b = value
        return Problem(
            f"that is a tuple {value!r}: Python reads the comma in {a},{b} as a separator between two "
            f"numbers. Use a decimal point ({a}.{b}) and no thousands separator (1234, not 1,234)"
        )
    return Problem(f"that is a tuple of {len(value)} values, not one number")


def as_number(answer: object, spec: Mapping) -> float:
    """The answer as a float in the question's unit, or Problem."""
    wanted = "a number"
    if answer is Ellipsis or answer is None:
        raise Unanswered
    problem = _pandas_problem(answer, wanted)
    if problem:
        raise problem
    unit = spec.get("unit") or ""
    if hasattr(answer, "magnitude") and hasattr(answer, "to"):  # a pint quantity
        try:
            answer = (answer.to(unit) if unit else answer.to("dimensionless")).magnitude
        except Exception:  # noqa: BLE001 - any unit mismatch is a wrong answer
            raise Problem(
                f"that is a quantity in {getattr(answer, 'units', '?')}, which cannot be "
                f"converted to {unit or 'a plain number'}"
            ) from None
    if isinstance(answer, bool):
        raise Problem("True or False is not a number; give a number")
    if isinstance(answer, str):
        raise _text_number_problem(answer, spec)
    if isinstance(answer, tuple):
        raise _tuple_problem(answer)
    if hasattr(answer, "item") and getattr(answer, "shape", None) == ():  # a numpy scalar
        answer = answer.item()
    if isinstance(answer, int | float):
        value = float(answer)
    else:
        try:
            value = float(answer)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise Problem(f"that is {_type_name(answer)}, not a number") from None
    if math.isnan(value):
        raise Problem(
            "that is NaN (not a number): a step of the computation found nothing, e.g. no row matched"
        )
    if not math.isfinite(value):
        raise Problem("that is infinite: was there a division by zero?")
    return value


def tolerance(spec: Mapping, expected: float) -> float:
    return max(float(spec.get("abs_tol", 0.0)), float(spec.get("rel_tol", 0.0)) * abs(expected))


def grid_step(spec: Mapping) -> float:
    """The grid numbers are compared on: a power of ten (``step`` exponent in the spec)."""
    return 10.0 ** int(spec["step"])


def step_exponent(tol: float) -> int:
    """A power of ten at most a quarter of the tolerance (so a grid cell is much finer)."""
    if tol <= 0:
        raise ValueError("a numeric question needs abs_tol or rel_tol above 0")
    return math.floor(math.log10(tol / 4))


def _cell(value: float, spec: Mapping) -> int:
    return round(value / grid_step(spec))


def number_cells(spec: Mapping, expected: float) -> list[int]:
    """The grid cells accepted for an expected value: every cell whose centre lies within the
    tolerance (so the accepted window is the tolerance, give or take half a step)."""
    step, tol = grid_step(spec), tolerance(spec, expected)
    low, high = math.ceil((expected - tol) / step - 1e-9), math.floor((expected + tol) / step + 1e-9)
    return list(range(low, high + 1))


def accepted_number_text(spec: Mapping, unit_label: str = "") -> str:
    """What a numeric question accepts, for the prompt: format and tolerance."""
    unit = unit_label or spec.get("unit_label") or spec.get("unit") or ""
    parts = []
    if spec.get("abs_tol"):
        parts.append(f"{spec['abs_tol']:g}{' ' + unit if unit else ''}")
    if spec.get("rel_tol"):
        parts.append(f"{100 * float(spec['rel_tol']):g} %")
    within = " or ".join(parts)
    larger = ", whichever is larger" if len(parts) > 1 else ""
    what = "a percentage (5 means 5 %)" if spec.get("percent") else f"a number{' in ' + unit if unit else ''}"
    decimals = max(0, -int(spec["step"]) - 1) if "step" in spec else 0
    keep = f"; keep at least {decimals} decimal place{'s' if decimals > 1 else ''}" if decimals else ""
    return (
        f"{what}, as an int or float (no quotes, no unit, no thousands separator; a decimal point, "
        f"not a comma); accepted within {within} of the exact value{larger}{keep}"
    )


# --------------------------------------------------------------------------- dates

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_date(answer: object) -> str:
    """The answer as ISO text 'YYYY-MM-DD', or Problem."""
    if answer is Ellipsis or answer is None:
        raise Unanswered
    problem = _pandas_problem(answer, "a date")
    if problem:
        raise problem
    if isinstance(answer, dt.datetime):  # also pandas.Timestamp
        return answer.date().isoformat()
    if isinstance(answer, dt.date):
        return answer.isoformat()
    if _type_name(answer) == "numpy.datetime64":
        return str(answer)[:10]
    if isinstance(answer, str):
        text = answer.strip()
        if _ISO_DATE.match(text):
            try:
                return dt.date.fromisoformat(text).isoformat()
            except ValueError:
                raise Problem(f"{text!r} is not a date of the calendar (month 01-12, day 01-31)") from None
        raise Problem(
            f"{text!r} is not in the format 'YYYY-MM-DD'; write a date as text like '1999-12-31' "
            "or as a datetime.date"
        )
    raise Problem(f"that is {_type_name(answer)}; give a datetime.date or text 'YYYY-MM-DD'")


# --------------------------------------------------------------------------- words


def fold(text: str) -> str:
    """Lower case, accents removed, dashes and underscores as spaces, spaces collapsed."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['\u2019]s\b", "", text)  # possessive: Tajikistan's -> tajikistan
    text = re.sub(r"[_\u2010-\u2015-]", " ", text)
    return " ".join(text.split())


def words(text: str, drop: Iterable[str] = STOPWORDS) -> list[str]:
    dropped = set(drop)
    return [w for w in re.findall(r"[^\W_]+", fold(text)) if w not in dropped]


def _text_answer(answer: object, what: str) -> str:
    if answer is Ellipsis or answer is None:
        raise Unanswered
    problem = _pandas_problem(answer, what)
    if problem:
        raise problem
    if not isinstance(answer, str):
        raise Problem(f"that is {_type_name(answer)}; write {what} as text, in quotes")
    if not answer.strip():
        raise Unanswered
    return answer


def as_choice(answer: object, spec: Mapping) -> str:
    text = fold(_text_answer(answer, "one of the choices"))
    synonyms = {fold(s): option for option, names in (spec.get("synonyms") or {}).items() for s in names}
    options = [fold(o) for o in spec["options"]]
    if text in options:
        return text
    if text in synonyms:
        return fold(synonyms[text])
    raise Problem(f"{_short(answer)} is not one of the choices: {', '.join(spec['options'])}")


def as_names(answer: object, spec: Mapping) -> str:
    if (
        isinstance(answer, list | tuple | set | frozenset)
        and answer
        and all(isinstance(a, str) for a in answer)
    ):
        answer = " ".join(sorted(answer))
    text = _text_answer(answer, "the names")
    found = sorted(set(words(text, STOPWORDS | set(spec.get("ignore", ())))))
    if not found:
        raise Problem("write the names as text, e.g. 'Country–Country'")
    return "|".join(found)


def _mapping(answer: object, what: str) -> dict:
    if answer is Ellipsis or answer is None:
        raise Unanswered
    if not isinstance(answer, Mapping):
        raise Problem(f"that is {_type_name(answer)}; give a dict {what}")
    result = {}
    for key, value in answer.items():
        if isinstance(key, str) and key.strip().isdigit():
            key = int(key)
        result[str(key).strip()] = value
    return result


def _open_keys(given: Mapping, expected_keys: Iterable[str]) -> list[str]:
    return [k for k in expected_keys if is_placeholder(given.get(k))]


def as_labels(answer: object, spec: Mapping) -> dict[str, str]:
    given = _mapping(answer, "{number: label}")
    if all(is_placeholder(v) for v in given.values()):
        raise Unanswered
    keys = [str(k) for k in spec["keys"]]
    still_open = _open_keys(given, keys)
    if still_open:
        raise Problem(f"give a label for every item; still open: {', '.join(still_open)}")
    unknown = sorted(set(given) - set(keys))
    if unknown:
        raise Problem(f"there is no item {', '.join(unknown)}; the items are {', '.join(keys)}")
    return {k: as_choice(given[k], spec) for k in keys}


def as_sources(answer: object, spec: Mapping) -> dict[str, list[str]]:
    given = _mapping(answer, "{id: source}")
    if all(is_placeholder(v) for v in given.values()):
        raise Unanswered
    keys = [str(k) for k in spec["keys"]]
    still_open = _open_keys(given, keys)
    if still_open:
        raise Problem(f"name a source for every item; still open: {', '.join(still_open)}")
    result, limit = {}, int(spec.get("max_words", 12))
    for key in keys:
        text = _text_answer(given[key], "the source")
        if len(text.split()) > limit:
            raise Problem(f"name the source of {key} in a few words (at most {limit}), not a whole sentence")
        result[key] = sorted(set(words(text)))
    return result


def as_number_map(answer: object, spec: Mapping) -> dict[str, float]:
    given = _mapping(answer, "{" + ", ".join(f"{k!r}: ..." for k in spec["keys"]) + "}")
    if all(is_placeholder(v) for v in given.values()):
        raise Unanswered
    keys = [str(k) for k in spec["keys"]]
    aliases = {}
    for key in keys:  # '1:110m', '110m', 110 -> '110m'
        bare = re.sub(r"^1\s*:\s*", "", key.casefold())
        aliases |= {key.casefold(): key, bare: key, re.sub(r"[^\d.]", "", bare): key}
    named = {}
    for key, value in given.items():
        bare = re.sub(r"^1\s*:\s*", "", key.casefold())
        target = aliases.get(bare) or aliases.get(re.sub(r"[^\d.]", "", bare))
        if target is None:
            raise Problem(f"unknown key {key!r}; use the keys {', '.join(keys)}")
        named[target] = value
    still_open = _open_keys(named, keys)
    if still_open:
        raise Problem(f"give a number for every key; still open: {', '.join(still_open)}")
    result = {}
    for key in keys:
        try:
            result[key] = as_number(named[key], spec)
        except Problem as problem:
            raise Problem(f"{key}: {problem}") from None
    return result


# --------------------------------------------------------------------------- free text

_SHINGLE = 4


def _shingles(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + _SHINGLE]) for i in range(len(tokens) - _SHINGLE + 1)}


def as_text(answer: object, spec: Mapping) -> str:
    """A free-text answer that can go to the teacher, or Problem (never a verdict on content)."""
    text = _text_answer(answer, "your answer").strip()
    tokens = re.findall(r"[^\W_]+", fold(text))
    minimum = int(spec.get("min_words", 10))
    if len(tokens) < minimum:
        raise Problem(f"write a little more: {len(tokens)} words, at least {minimum} are needed")
    letters = [t for t in tokens if not t.isdigit()]
    if len(letters) < 0.7 * len(tokens):
        raise Problem("write sentences in words; that is mostly numbers")
    if len(set(tokens)) < 0.45 * len(tokens):
        raise Problem("that repeats the same few words; explain in your own sentences")
    given = re.findall(r"[^\W_]+", fold(" ".join(spec.get("given_texts", ()))))
    mine = _shingles(tokens)
    if mine and len(mine & _shingles(given)) >= 0.5 * len(mine):
        raise Problem("that repeats the question or the hint; answer in your own words")
    return text


def aspects_missing(spec: Mapping, text: str) -> list[str]:
    """The aspects (spec 'aspects': about, words) a text does not mention; whole words only,
    so 'window' does not count as 'wind'."""
    folded = fold(text)
    missing = []
    for aspect in spec.get("aspects", ()):
        pattern = r"\b(?:" + "|".join(aspect["words"]) + r")\b"
        if not re.search(pattern, folded):
            missing.append(aspect["about"])
    return missing


# --------------------------------------------------------------------------- normalising


def normalise(spec: Mapping, answer: object) -> object:
    """The answer in the question's normal form (JSON-safe); Unanswered or Problem otherwise."""
    kind = spec["kind"]
    if kind == "number":
        return as_number(answer, spec)
    if kind == "date":
        return as_date(answer)
    if kind == "choice":
        return as_choice(answer, spec)
    if kind == "names":
        return as_names(answer, spec)
    if kind == "labels":
        return as_labels(answer, spec)
    if kind == "sources":
        return as_sources(answer, spec)
    if kind == "number_map":
        return as_number_map(answer, spec)
    if kind == "text":
        return as_text(answer, spec)
    raise ValueError(f"unknown kind {kind!r}; known: {', '.join(KINDS)}")


def answer_tokens(spec: Mapping, value: object) -> object:
    """The tokens of a normalised answer: a list for one value, a dict of lists by key for a
    mapping (sources: the answer's words)."""
    kind = spec["kind"]
    if kind == "number":
        return [f"n:{_cell(value, spec)}"]  # type: ignore[arg-type]
    if kind == "date":
        return [f"d:{value}"]
    if kind == "choice":
        return [f"c:{value}"]
    if kind == "names":
        return [f"w:{value}"]
    if kind == "labels":
        return {k: [f"l:{k}={v}"] for k, v in value.items()}  # type: ignore[union-attr]
    if kind == "number_map":
        return {k: [f"n:{k}:{_cell(v, spec)}"] for k, v in value.items()}  # type: ignore[union-attr]
    if kind == "sources":
        return {k: [f"s:{k}:{w}" for w in ws] for k, ws in value.items()}  # type: ignore[union-attr]
    return []


def expected_tokens(spec: Mapping, values: list[object]) -> object:
    """The accepted tokens, from the expected normalised values (the solution's, and any it
    also accepts): a set, or a dict of sets by key. Sources are accepted by the spec's words."""
    kind = spec["kind"]
    if kind == "number":
        return {f"n:{cell}" for v in values for cell in number_cells(spec, v)}  # type: ignore[arg-type]
    if kind in ("date", "choice", "names"):
        return {t for v in values for t in answer_tokens(spec, v)}  # type: ignore[union-attr]
    if kind == "labels":
        return {k: {f"l:{k}={v[k]}" for v in values} for k in values[0]}  # type: ignore[index]
    if kind == "number_map":
        return {
            k: {f"n:{k}:{cell}" for v in values for cell in number_cells(spec, v[k])}  # type: ignore[index]
            for k in values[0]  # type: ignore[union-attr]
        }
    return set()


def _word_groups(alternative: str) -> list[list[str]]:
    """'tajik|tajikistan government|authorities' -> [['tajik', 'tajikistan'], ['government', ...]]."""
    return [[w for w in fold(group).split("|") if w] for group in alternative.split()]


# --------------------------------------------------------------------------- keys


def digest(salt: str, token: str) -> str:
    """A salted sha256 of a token, written without digits (so no number can be read into it)."""
    return hashlib.sha256(f"{salt}\x1f{token}".encode()).hexdigest()[:24].translate(_LETTERS)


class Key:
    """What a question accepts: tokens in plain text (the grader's hidden key) or only their
    salted hashes (the student's checks.json)."""

    def __init__(self, spec: Mapping, salt: str = "", accepted: object = None, hashed: bool = False):
        self.spec, self.salt, self.accepted, self.hashed = spec, salt, accepted, hashed

    def _seal(self, token: str) -> str:
        return digest(self.salt, token) if self.hashed else token

    def has(self, token: str, key: str | None = None) -> bool:
        pool = self.accepted if key is None else self.accepted.get(key, ())  # type: ignore[union-attr]
        return self._seal(token) in pool

    def word_groups_match(self, groups: list[list[str]], key: str, given: list[str]) -> bool:
        sealed = {self._seal(f"s:{key}:{w}") for w in given}
        return all(any(word in sealed for word in group) for group in groups)

    # -- building
    @classmethod
    def plain(cls, spec: Mapping, expected: list[object]) -> Key:
        """The grader's key: plain tokens from the expected values (and the spec's words)."""
        if spec["kind"] == "sources":

            def tokens(key: str, alternative: str) -> list[list[str]]:
                return [[f"s:{key}:{w}" for w in group] for group in _word_groups(alternative)]

            accepted = {
                "accept": {k: [tokens(k, a) for a in alts] for k, alts in spec["accept"].items()},
                "reject": {
                    k: [{"groups": tokens(k, r["words"]), "message": r["message"]} for r in rules]
                    for k, rules in (spec.get("reject") or {}).items()
                },
            }
            return cls(spec, accepted=accepted)
        return cls(spec, accepted=expected_tokens(spec, expected) if expected else set())

    def public(self, salt: str) -> dict:
        """The student's key: the spec's public fields, the salt and hashes only."""

        def seal_all(tokens: Iterable[str]) -> list[str]:
            return sorted(digest(salt, t) for t in tokens)

        spec = {k: v for k, v in self.spec.items() if k in PUBLIC_FIELDS}
        if self.spec["kind"] == "sources":

            def seal_groups(groups: list[list[str]]) -> list[list[str]]:
                return [seal_all(group) for group in groups]

            accepted = {
                "accept": {
                    k: [seal_groups(groups) for groups in alts]
                    for k, alts in self.accepted["accept"].items()  # type: ignore[index]
                },
                "reject": {
                    k: [{"groups": seal_groups(r["groups"]), "message": r["message"]} for r in rules]
                    for k, rules in self.accepted["reject"].items()  # type: ignore[index]
                },
            }
        elif isinstance(self.accepted, dict):
            accepted = {k: seal_all(v) for k, v in self.accepted.items()}
        elif self.spec["kind"] == "text":
            accepted = []
        else:
            accepted = seal_all(self.accepted)  # type: ignore[arg-type]
        return {"spec": spec, "salt": salt, "accepted": accepted}

    @classmethod
    def from_public(cls, entry: Mapping) -> Key:
        accepted = entry["accepted"]
        if isinstance(accepted, list):
            accepted = set(accepted)
        elif entry["spec"]["kind"] != "sources":
            accepted = {k: set(v) for k, v in accepted.items()}
        return cls(entry["spec"], entry["salt"], accepted, hashed=True)


#: Spec fields a student's checks.json may hold (no expected value among them).
PUBLIC_FIELDS = frozenset(
    {
        "name",
        "kind",
        "unit",
        "unit_label",
        "abs_tol",
        "rel_tol",
        "step",
        "percent",
        "options",
        "synonyms",
        "ignore",
        "keys",
        "max_words",
        "min_words",
        "aspects",
        "given_texts",
        "hint",
        "points",
    }
)


# --------------------------------------------------------------------------- judging


def judge(spec: Mapping, key: Key, answer: object) -> tuple[str, str, float]:
    """(status, message, share right) for an answer: CORRECT, NOT_RIGHT, NOT_ANSWERED or, for
    free text, ANSWERED. The message never holds the expected value."""
    try:
        value = normalise(spec, answer)
    except Unanswered:
        return NOT_ANSWERED, "", 0.0
    except Problem as problem:
        return NOT_RIGHT, str(problem), 0.0
    return judge_normalised(spec, key, value)


def judge_normalised(spec: Mapping, key: Key, value: object) -> tuple[str, str, float]:
    kind, hint = spec["kind"], spec.get("hint", "")
    if kind == "text":
        missing = aspects_missing(spec, str(value))
        words_given = len(re.findall(r"[^\W_]+", str(value)))
        note = f"your teacher will read it ({words_given} words)"
        if missing:
            note += "; before you hand it in, check that it also says " + " and ".join(missing)
        return ANSWERED, note, 0.0
    if kind == "sources":
        return _judge_sources(spec, key, value)  # type: ignore[arg-type]
    tokens = answer_tokens(spec, value)
    if isinstance(tokens, dict):
        right = [k for k, ts in tokens.items() if any(key.has(t, k) for t in ts)]
        wrong = [k for k in tokens if k not in right]
        if not wrong:
            return CORRECT, "", 1.0
        what = "labels differ" if kind == "labels" else "values are not yet right"
        listed = f" ({', '.join(wrong)})" if kind == "number_map" else ""
        return NOT_RIGHT, f"{len(wrong)} of {len(tokens)} {what}{listed}; {hint}", len(right) / len(tokens)
    if any(key.has(t) for t in tokens):
        return CORRECT, "", 1.0
    if kind == "number" and spec.get("percent") and key.has(f"n:{_cell(100 * value, spec)}"):  # type: ignore[operator]
        return NOT_RIGHT, "that looks like a fraction; give it in percent (multiply by 100)", 0.0
    if kind == "number":
        return NOT_RIGHT, f"{hint} (accepted: {accepted_number_text(spec)})", 0.0
    return NOT_RIGHT, hint, 0.0


def _judge_sources(spec: Mapping, key: Key, value: Mapping[str, list[str]]) -> tuple[str, str, float]:
    accepted, rejected = key.accepted["accept"], key.accepted.get("reject", {})  # type: ignore[index,union-attr]
    wrong, messages = [], []
    for item, given in value.items():
        rules = rejected.get(item, ())
        hit = next((r for r in rules if key.word_groups_match(r["groups"], item, given)), None)
        if hit:
            wrong.append(item)
            messages.append(f"{item}: {hit['message']}")
        elif not any(key.word_groups_match(groups, item, given) for groups in accepted.get(item, ())):
            wrong.append(item)
    if not wrong:
        return CORRECT, "", 1.0
    right = len(value) - len(wrong)
    detail = "; ".join(messages)
    message = f"{len(wrong)} of {len(value)} sources are not yet right ({', '.join(wrong)})"
    message += f"; {detail}" if detail else ""
    return NOT_RIGHT, f"{message}; {spec.get('hint', '')}".rstrip("; "), right / len(value)


# --------------------------------------------------------------------------- the student's side


def _load(folder: Path = HERE) -> dict:
    path = folder / CHECKS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: keep selfcheck.py, {CHECKS_FILE} and data/ together")
    return json.loads(path.read_text(encoding="utf-8"))


_KEYS: dict[str, dict] = {}


def status(name: str, answer: object, folder: Path = HERE) -> str:
    """'correct', 'not yet right: <hint>', 'not yet answered' or 'answered: ...' (free text)."""
    if str(folder) not in _KEYS:
        _KEYS[str(folder)] = _load(folder)["questions"]
    questions = _KEYS[str(folder)]
    if name not in questions:
        raise KeyError(f"no question named {name!r}; the questions are {', '.join(questions)}")
    entry = questions[name]
    result, message, _ = judge(entry["spec"], Key.from_public(entry), answer)
    return f"{result}: {message}" if message else result


def check(name: str, answer: object) -> None:
    """Print whether the answer to question `name` is right, without showing the answer."""
    print(f"{name}: {status(name, answer)}")


def table(name: str):  # noqa: ANN201 - pandas is imported only here
    """A data table of the pack (data/NAME.csv) as a pandas DataFrame."""
    import pandas as pd

    path = HERE / DATA_FOLDER / f"{name}.csv"
    if not path.is_file():
        known = sorted(p.stem for p in (HERE / DATA_FOLDER).glob("*.csv"))
        raise FileNotFoundError(f"no table {name!r}; the tables are {', '.join(known)}")
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def article() -> str:
    """The article's text (data/article.txt)."""
    return (HERE / DATA_FOLDER / "article.txt").read_text(encoding="utf-8")


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points (degrees), in km, on a sphere of the
    Earth's mean radius (haversine formula)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _MEAN_EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# --------------------------------------------------------------------------- the grader's side


def export_answers(namespace: Mapping, variables: Mapping[str, str], path: str | Path) -> None:
    """Write the answers found in a notebook's namespace, normalised, to a JSON file.

    `variables` maps a variable name to the question whose spec normalises it. Run by the
    grader in the student's kernel after the notebook; the grader compares the values.
    """
    questions = _load()["questions"]
    exported = {}
    for variable, question in variables.items():
        spec = questions[question]["spec"]
        entry: dict[str, object] = {"question": question}
        if variable not in namespace:
            entry["state"] = "missing"
        else:
            answer = namespace[variable]
            plain = (
                answer.item() if hasattr(answer, "item") and getattr(answer, "shape", None) == () else answer
            )
            entry["shown"] = _short(plain, 400) if spec["kind"] != "text" else None
            try:
                entry["value"] = normalise(spec, answer)
                entry["state"] = "answered"
            except Unanswered:
                entry["state"] = "unanswered"
            except Problem as problem:
                entry["state"], entry["problem"] = "problem", str(problem)
            except Exception as error:  # noqa: BLE001 - a strange object is the student's problem
                entry["state"], entry["problem"] = "problem", f"{type(error).__name__}: {error}"
            if spec["kind"] == "text" and isinstance(answer, str):
                entry["text"] = answer
        exported[variable] = entry
    Path(path).write_text(json.dumps(exported, indent=1, default=str), encoding="utf-8")
