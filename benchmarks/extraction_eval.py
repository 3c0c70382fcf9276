"""How well the extractor reads text it was not written for: recall and precision on the
evaluation set in tests/extraction/, the worst cases, and the extraction speed.

    .venv/bin/python benchmarks/extraction_eval.py            # the set, the worst cases, speed
    .venv/bin/python benchmarks/extraction_eval.py --quick    # the set only, no speed runs
    .venv/bin/python benchmarks/extraction_eval.py --compare quantulum3   # a library on the set

Each text `NAME.txt` has a truth file `NAME.truth`, written by hand from the text alone: one
figure per line in order of appearance, `exact text | kind | value` (the counting rules are at
the top of every truth file). A truth line is placed at the first occurrence of its text, as a
whole word, after the previous line's.

* A truth figure is *found* when a mention has its span, or its span with hedges, prepositions
  or an article in front ("nearly", "in", "the": see PREFIX_WORDS) or a short tail ("USD",
  "or more"). Recall = found / truth figures.
* A mention is *correct* when it is matched that way to a truth figure. Mentions that claim no
  figure (the extractor's flags: "today" meaning nowadays, whose note says "not a date") are
  counted apart, not as mentions. Precision = correct / mentions.
* A found figure is *read right* when the mention's kind is the truth's and, where the truth
  gives a value, the mention's value (a number; low..high; a date or year as the ISO prefix of
  the mention's date) is the truth's.

Texts held out (HELD_OUT, HELD_OUT_2, HELD_OUT_3 below; see tests/extraction/SOURCE.md) are
scored apart as well as in the total: the rounds annotated after the rules were written, whose
first scores are the honest estimate for text nobody has read.

`--against DIR` times another version too (DIR holds its `spillover` package, e.g. a `src/`
from `git archive`), interleaved run by run; `--compare quantulum3|dateparser` scores a
library on the same set instead of the extractor.

Speed: the texts' bodies are repeated, under one header, into articles of a few MB, and
read_article + extract_mentions is timed (median of --runs runs) at each size; linear means the
seconds per MB at the largest size are within 1.5 times those at the smallest.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "tests" / "extraction"
HELD_OUT = ("burma-demography", "sudan-military")
# The second round: truth written, then scored once before any rule changed (SOURCE.md).
HELD_OUT_2 = ("brazil-history", "philippines-demography", "hongkong-economy", "peru-geography")
# The third round: truth written, then scored once, after the last rule change (SOURCE.md).
HELD_OUT_3 = ("ukraine-history", "thailand-demography", "germany-economy", "mexico-drugs")
MB = 1_000_000
TARGET = 0.95
TARGET_MB_S = 1.0
LINEAR_SLACK = 1.5

# Words a mention may carry in front of the truth's span and still be that figure.
PREFIX_WORDS = (
    "about|around|approximately|roughly|some|nearly|almost|just|only|over|under|above|below|well|"
    "more|less|fewer|than|at|least|most|up|to|no|an|a|estimated|another|many|several|"
    "in|on|since|by|until|till|from|as|of|during|before|after|the|recent|that|this|"
    "between|and|for|within|through|past|last|next|coming"
)
_PREFIX = re.compile(rf"(?:(?:{PREFIX_WORDS})[\s-]+)+", re.IGNORECASE)
_SUFFIX = re.compile(r"\s*(?:USD|US|or more|or so|per year|a year|-plus|\+)", re.IGNORECASE)


@dataclass
class Truth:
    text: str
    kind: str
    value: str
    start: int = -1
    end: int = -1
    line: int = 0


@dataclass
class Result:
    name: str
    truths: list[Truth]
    mentions: list[dict]
    flags: list[dict] = field(default_factory=list)
    found: dict[int, int] = field(default_factory=dict)  # truth index -> mention index
    wrong_reading: list[tuple[Truth, dict, str]] = field(default_factory=list)


def read_truth(path: Path, text: str) -> list[Truth]:
    truths, position = [], 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ")]
        span = line.split(" | ")[0]
        truth = Truth(
            span, parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "", line=number
        )
        pattern = re.compile(r"(?<![\w.,])(?<!\d[.,])" + re.escape(span) + r"(?!\w)(?![.,]\d)")
        match = pattern.search(text, position)
        if match is None:
            raise SystemExit(f"{path.name}:{number}: {span!r} is not in the text after offset {position}")
        truth.start, truth.end = match.span()
        position = match.end()
        truths.append(truth)
    return truths


def matches(text: str, truth: Truth, mention: dict) -> bool:
    start, end = mention["start"], mention["end"]
    if start > truth.start or end < truth.end:
        return False
    head, tail = text[start : truth.start], text[truth.end : end]
    return (not head or _PREFIX.fullmatch(head) is not None) and (
        not tail or _SUFFIX.fullmatch(tail) is not None
    )


def _number(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return number


def _close(a: float, b: float) -> bool:
    return not math.isnan(a) and not math.isnan(b) and math.isclose(a, b, rel_tol=2e-3, abs_tol=1e-9)


def reading_problem(truth: Truth, mention: dict) -> str:
    """Why the mention's reading is not the truth's ("" when it is)."""
    if truth.kind and mention["kind"] != truth.kind:
        return f"kind {mention['kind']}, not {truth.kind}"
    if not truth.value:
        return ""
    if truth.kind in ("date", "year"):
        date = str(mention.get("date") or "")
        return "" if date.startswith(truth.value) else f"date {date!r}, not {truth.value}"
    if ".." in truth.value:
        low, high = (float(x) for x in truth.value.split(".."))
        ok = _close(_number(mention["low"]), low) and _close(_number(mention["high"]), high)
        return "" if ok else f"range {mention['low']}..{mention['high']}, not {truth.value}"
    value = float(truth.value)
    return "" if _close(_number(mention["value"]), value) else f"value {mention['value']}, not {truth.value}"


def is_flag(mention: dict) -> bool:
    """A mention that claims no figure: the extractor's flag of a word that is not a date."""
    return str(mention.get("date_note") or "").startswith("not a date")


def evaluate(name: str, text: str, truths: list[Truth], mentions: list[dict]) -> Result:
    result = Result(
        name, truths, [m for m in mentions if not is_flag(m)], [m for m in mentions if is_flag(m)]
    )
    used: set[int] = set()
    for t_index, truth in enumerate(truths):
        for m_index, mention in enumerate(result.mentions):
            if m_index not in used and matches(text, truth, mention):
                used.add(m_index)
                result.found[t_index] = m_index
                problem = reading_problem(truth, mention)
                if problem:
                    result.wrong_reading.append((truth, mention, problem))
                break
    return result


def extractor_mentions(path: Path) -> tuple[str, list[dict]]:
    from spillover.article import read_article
    from spillover.extract import extract_mentions

    article = read_article(path)
    return article.text, extract_mentions(article).to_dict("records")


def quantulum_mentions(path: Path) -> tuple[str, list[dict]]:
    import warnings

    warnings.simplefilter("ignore")
    from quantulum3 import parser

    text = path.read_text(encoding="utf-8")
    rows = []
    for q in parser.parse(text):
        unit = q.unit.name if q.unit else ""
        kind = {"percentage": "percent", "dimensionless": "count"}.get(unit, unit)
        rows.append(
            {
                "start": q.span[0],
                "end": q.span[1],
                "kind": kind,
                "value": q.value,
                "low": q.value,
                "high": q.value,
                "date": "",
                "date_note": "",
            }
        )
    return text, rows


def dateparser_mentions(path: Path) -> tuple[str, list[dict]]:
    from dateparser.search import search_dates

    text = path.read_text(encoding="utf-8")
    rows, position = [], 0
    for phrase, when in search_dates(text, languages=["en"]) or []:
        start = text.find(phrase, position)
        if start < 0:
            continue
        position = start + len(phrase)
        rows.append(
            {
                "start": start,
                "end": position,
                "kind": "date",
                "value": math.nan,
                "low": math.nan,
                "high": math.nan,
                "date": when.date().isoformat(),
                "date_note": "",
            }
        )
    return text, rows


READERS = {
    "spillover": extractor_mentions,
    "quantulum3": quantulum_mentions,
    "dateparser": dateparser_mentions,
}


def run_set(reader: str, only_kinds: tuple[str, ...] = ()) -> list[Result]:
    results = []
    for truth_path in sorted(SET.glob("*.truth")):
        text_path = truth_path.with_suffix(".txt")
        text, mentions = READERS[reader](text_path)
        truths = read_truth(truth_path, text)
        if only_kinds:  # score one part: its truth figures, and the mentions of those kinds
            truths = [t for t in truths if t.kind in only_kinds]
            mentions = [m for m in mentions if m["kind"] in only_kinds]
        results.append(evaluate(truth_path.stem, text, truths, mentions))
    return results


def _ratio(a: int, b: int) -> float:
    return a / b if b else math.nan


def summary(results: list[Result]) -> tuple[int, int, int, int, int]:
    truths = sum(len(r.truths) for r in results)
    found = sum(len(r.found) for r in results)
    mentions = sum(len(r.mentions) for r in results)
    right = sum(len(r.found) - len(r.wrong_reading) for r in results)
    flags = sum(len(r.flags) for r in results)
    return truths, found, mentions, right, flags


def report(results: list[Result], worst: int) -> dict[str, float]:
    print(f"{'text':24} {'truth':>5} {'found':>5} {'ment.':>5} {'recall':>7} {'precis.':>7} {'read ok':>7}")
    for r in results:
        rounds = {
            **dict.fromkeys(HELD_OUT, " (held out)"),
            **dict.fromkeys(HELD_OUT_2, " (held out, 2nd round)"),
        }
        mark = {**rounds, **dict.fromkeys(HELD_OUT_3, " (held out, 3rd round)")}.get(r.name, "")
        print(
            f"{r.name:24} {len(r.truths):5d} {len(r.found):5d} {len(r.mentions):5d} "
            f"{_ratio(len(r.found), len(r.truths)):7.3f} {_ratio(len(r.found), len(r.mentions)):7.3f} "
            f"{_ratio(len(r.found) - len(r.wrong_reading), len(r.found)):7.3f}{mark}"
        )
    scores = {}
    for label, group in (
        ("all texts", results),
        ("written against", [r for r in results if r.name not in HELD_OUT + HELD_OUT_2 + HELD_OUT_3]),
        ("held out", [r for r in results if r.name in HELD_OUT]),
        ("held out, 2nd round", [r for r in results if r.name in HELD_OUT_2]),
        ("held out, 3rd round", [r for r in results if r.name in HELD_OUT_3]),
    ):
        truths, found, mentions, right, flags = summary(group)
        if not group:
            continue
        recall, precision, reading = _ratio(found, truths), _ratio(found, mentions), _ratio(right, found)
        scores[label] = recall
        print(
            f"{label:24} {truths:5d} {found:5d} {mentions:5d} {recall:7.3f} {precision:7.3f} {reading:7.3f}"
            + (
                f"   ({flags} flag{'s' * (flags != 1)} of a word that is not a date, not counted)"
                if flags
                else ""
            )
        )
        if label == "all texts":
            scores.update(recall=recall, precision=precision, reading=reading)
    print(f"{len(results)} texts, {summary(results)[0]} figures")
    _worst(results, worst)
    return scores


def _context(text: str, start: int, end: int) -> str:
    left = " ".join(text[max(0, start - 30) : start].split())
    right = " ".join(text[end : end + 30].split())
    return f"...{left} [{' '.join(text[start:end].split())}] {right}..."


def _worst(results: list[Result], limit: int) -> None:
    texts = {r.name: (SET / f"{r.name}.txt").read_text(encoding="utf-8") for r in results}
    missed = [(r.name, t) for r in results for i, t in enumerate(r.truths) if i not in r.found]
    matched = {(r.name, m) for r in results for m in r.found.values()}
    spurious = [(r.name, m) for r in results for i, m in enumerate(r.mentions) if (r.name, i) not in matched]
    print(f"\nMissed figures ({len(missed)}; first {min(limit, len(missed))}):")
    for name, t in missed[:limit]:
        print(f"  {name:22} {t.text!r:28} {t.kind:10} {_context(texts[name], t.start, t.end)}")
    print(f"\nMentions that are no figure of the truth ({len(spurious)}; first {min(limit, len(spurious))}):")
    for name, m in spurious[:limit]:
        print(
            f"  {name:22} {m['text'] if 'text' in m else texts[name][m['start'] : m['end']]!r:28} "
            f"{m['kind']:10} {_context(texts[name], m['start'], m['end'])}"
        )
    wrong = [(r.name, t, m, why) for r in results for t, m, why in r.wrong_reading]
    print(f"\nFound but read wrong ({len(wrong)}; first {min(limit, len(wrong))}):")
    for name, t, _m, why in wrong[:limit]:
        print(f"  {name:22} {t.text!r:28} {why}")


def build_article(size: int, folder: Path) -> Path:
    """An article of about ``size`` bytes: the set's texts, bodies repeated under one header."""
    bodies = []
    for path in sorted(SET.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        bodies.append(text.split("\n\n", 2)[-1] if "The World Factbook" in text[:200] else text)
    body = "\n\n".join(b.strip() for b in bodies)
    header = "Repeated evaluation texts\n\nThe Evaluators\n1 July 2021\n\n"
    copies = max(1, size // len(body.encode("utf-8")))
    path = folder / f"article-{size}.txt"
    path.write_text(header + "\n\n".join([body] * copies) + "\n", encoding="utf-8")
    return path


def time_once(path: Path) -> tuple[float, int]:
    """Seconds to read and extract one article, and how many mentions it has."""
    from spillover.article import read_article
    from spillover.extract import extract_mentions

    started = time.perf_counter()
    count = len(extract_mentions(read_article(path)))
    return time.perf_counter() - started, count


def time_elsewhere(path: Path, source: Path) -> float:
    """The same timing with the spillover package of another source tree (say, the previous
    version, from `git archive`), in a child process."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    out = subprocess.run(
        [sys.executable, __file__, "--time-file", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.split()[0])


def speed(sizes_mb: list[float], runs: int, against: Path | None = None) -> bool:
    print(f"\nExtraction speed (read_article + extract_mentions; median of {runs} runs)")
    head = f"{'size':>8} {'mentions':>9} {'runs (s)':>30} {'median':>7} {'MB/s':>6}"
    print(head + (f" {'other s':>8} {'other MB/s':>10}" if against else ""))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size_mb in sizes_mb:
            path = build_article(int(size_mb * MB), Path(folder))
            size = path.stat().st_size
            times, others, count = [], [], 0
            for _ in range(runs):  # interleaved with the other version, so a busy machine hurts both
                seconds, count = time_once(path)
                times.append(seconds)
                if against:
                    others.append(time_elsewhere(path, against))
            median = statistics.median(times)
            rows.append((size, median))
            shown = " ".join(f"{t:.2f}" for t in times)
            line = f"{size / MB:6.2f}MB {count:9,} {shown:>30} {median:7.2f} {size / MB / median:6.2f}"
            if others:
                other = statistics.median(others)
                line += f" {other:8.2f} {size / MB / other:10.2f}"
            print(line)
    rates = [size / MB / seconds for size, seconds in rows]
    growth = (rows[-1][1] / rows[-1][0]) / (rows[0][1] / rows[0][0])
    fast, linear = min(rates) >= TARGET_MB_S, growth <= LINEAR_SLACK
    print(
        f"slowest {min(rates):.2f} MB/s (target >= {TARGET_MB_S:g}): {'PASS' if fast else 'FAIL'}; "
        f"seconds per MB at the largest size = {growth:.2f} x the smallest (target <= {LINEAR_SLACK}): "
        f"{'PASS' if linear else 'FAIL'}"
    )
    return fast and linear


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the set only, no speed runs")
    parser.add_argument("--runs", type=int, default=5, help="speed runs per size (median)")
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4], help="article sizes in MB")
    parser.add_argument("--worst", type=int, default=25, help="how many of each kind of error to list")
    parser.add_argument(
        "--compare",
        choices=sorted(READERS),
        default="spillover",
        help="read the set with a library instead of the extractor (recall/precision only)",
    )
    parser.add_argument("--kinds", nargs="*", default=[], help="score only truth figures of these kinds")
    parser.add_argument(
        "--against", type=Path, help="also time the spillover package under this source folder (a src/)"
    )
    parser.add_argument("--time-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.time_file:
        seconds, count = time_once(args.time_file)
        print(f"{seconds} {count}")
        return 0
    print(
        f"Extraction evaluation: {args.compare} on {SET.relative_to(ROOT)}"
        + (f" (kinds: {', '.join(args.kinds)})" if args.kinds else "")
    )
    scores = report(run_set(args.compare, tuple(args.kinds)), args.worst)
    ok = scores["recall"] >= TARGET and scores["precision"] >= TARGET
    print(
        f"\nrecall {scores['recall']:.3f}, precision {scores['precision']:.3f} (targets >= {TARGET}): "
        f"{'PASS' if ok else 'FAIL'}; read right {scores['reading']:.3f}"
    )
    if args.compare == "spillover" and not args.quick:
        ok = speed(args.sizes, args.runs, args.against) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
