"""The first screen of a report: what it found, in a few plain sentences, and the masthead of the
article it checked.

Everything here is computed from the published tables (the render's data/*.csv) and from the
article's own files (its text and its origin record, seeds/<stem>.meta.yaml): nothing about one
article is typed in. Every quote links to its highlight in the article. An error is counted once:
the rows of one curated check share a finding_group (three rows of evidence about "804 miles" are
one error), and an automatic check of a figure that a curated check already covers is more
evidence, not another error. Rows set beside a reference only for scale are context, never
verdicts.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from spillover import paths
from spillover.article import Article

_NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
# What the automatic checks look for (spillover.autocheck), in a reader's words.
_AUTO_FIELDS = "a population, an area, a border's or coastline's length, a median age or a GDP"
# Wrong figures, and figures that hold, named in the lede: a long article's others (thousands
# of automatic checks) are counted and left to the findings chapter.
LEDE_FIGURES = 5


def number(n: int) -> str:
    """3 -> "three", 12 -> "12" (numbers under eleven in words, as a newspaper writes them)."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else f"{n:,}"


def _plural(n: int, one: str, many: str = "") -> str:
    return f"{number(n)} {one if n == 1 else many or one + 's'}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _e(text: object) -> str:
    return html.escape(str(text))


def _link(quote: str, start: object, end: object) -> str:
    """A quote of the article, in quotation marks, linked to its highlight."""
    from spillover.report import quote_anchor

    return f'<a class="quote" href="#{quote_anchor(int(start), int(end))}">\u201c{_e(quote)}\u201d</a>'


def _short_reason(reason: str) -> str:
    """The first clause of a finding's reason, without its asides in brackets."""
    text = re.sub(r"\s*\([^()]*\)", "", str(reason)).strip()
    text = re.sub(r"(\w)'(\w)", "\\1\u2019\\2", text)  # the apostrophes of the page's own sentences
    return text.split("; ")[0].rstrip(".") + "."


def _percent(share: float) -> str:
    return f"{share:.0%}" if share >= 0.1 else f"{share:.1%}"


def _source_name(source: str) -> str:
    """'World Factbook 2021-07-01, data/...: ...' -> 'the World Factbook' (the snapshot is in the
    findings table)."""
    head = str(source).split(",")[0].strip()
    return "the World Factbook" if re.fullmatch(r"World Factbook \d{4}-\d{2}-\d{2}", head) else head


def _amount(value: float, unit: str) -> str:
    unit = {"percent": "%", "kilometer": "km", "mile": "mi"}.get(unit, unit)
    text = f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.2g}"
    return f"{text}%" if unit == "%" else f"{text} {unit}".strip()


@dataclass
class _Figure:
    """One figure of the article that was checked, with what the checks say about it."""

    quote: str
    start: int
    end: int
    errors: list[str] = field(default_factory=list)  # the finding groups that find it wrong
    holds: list[str] = field(default_factory=list)  # what it agrees with, in words
    why_wrong: list[str] = field(default_factory=list)  # sentences (HTML)


def group_verdict(rows: pd.DataFrame) -> str:
    """One verdict for the rows of a finding group (as chapter 07 computes it)."""
    if (rows["verdict"] == "inconsistent").any():
        return "inconsistent"
    if (rows["check_kind"] == "lower_bound").all():
        return "lower bound holds" if (rows["verdict"] == "consistent").all() else "lower bound fails"
    return rows["verdict"].iloc[0] if rows["verdict"].nunique() == 1 else "mixed"


def _other_quote(source: str, tables: dict[str, pd.DataFrame]) -> str:
    """The link to the article's own figure a check compares with ("the article's own figure
    '1,357 kilometers'"), or ""."""
    match = re.fullmatch(r"the article's own figure (['\"])(.*)\1", str(source))
    if not match:
        return ""
    mentions = tables.get("mentions", pd.DataFrame())
    found = mentions[mentions["text"] == match.group(2)] if "text" in mentions else mentions
    if found.empty:
        return f"\u201c{_e(match.group(2))}\u201d"
    return _link(match.group(2), found["start"].iloc[0], found["end"].iloc[0])


def _checked_figures(tables: dict[str, pd.DataFrame]) -> dict[tuple[int, int], _Figure]:
    """Every figure a curated or an automatic check looked at, with its verdicts in words."""
    findings = tables.get("findings", pd.DataFrame())
    checks = findings[findings["finding_type"] == "check"] if len(findings) else findings
    figures: dict[tuple[int, int], _Figure] = {}

    def figure(row) -> _Figure:  # noqa: ANN001
        key = (int(row.start), int(row.end))
        return figures.setdefault(key, _Figure(str(row.quote), *key))

    for group, rows in checks.groupby("finding_group", sort=False) if len(checks) else []:
        verdict = group_verdict(rows)
        for row in rows.drop_duplicates(["start", "end"]).itertuples():
            f = figure(row)
            if verdict in ("inconsistent", "lower bound fails", "mixed"):
                f.errors.append(str(group))
                # one sentence per distinct comparison: three rows may say one thing
                for reason_row in rows.drop_duplicates("comparison").itertuples():
                    other = _other_quote(reason_row.reference_source, tables)
                    lead = f"It does not match the article\u2019s own {other}: " if other else ""
                    reason = _short_reason(reason_row.reason)
                    f.why_wrong.append(lead + _e(reason[:1].lower() + reason[1:] if lead else reason))
            elif verdict == "lower bound holds":
                lows = rows["reference_value"].astype(float)
                unit = str(rows["reference_unit"].iloc[0])
                f.holds.append(
                    f"is above all {_plural(len(rows), 'map measurement')} "
                    f"({_amount(lows.min(), unit)} to {_amount(lows.max(), unit)}), which can only "
                    "under-measure"
                )
            elif verdict == "consistent":
                for r in rows.itertuples():
                    target = _amount(float(r.reference_value), str(r.reference_unit))
                    if str(r.comparison).startswith("+0.0%") or str(r.comparison).startswith("-0.0%"):
                        f.holds.append(f"matches {_source_name(r.reference_source)} ({target})")
                    else:
                        tolerance = (
                            f"within {_percent(float(r.tolerance))} of "
                            if pd.notna(r.tolerance)
                            else "close to "
                        )
                        f.holds.append(f"is {tolerance}{_source_name(r.reference_source)}\u2019s {target}")
    automatic = tables.get("auto_checks", pd.DataFrame())
    for row in automatic.itertuples() if len(automatic) else []:
        key = (int(row.start), int(row.end))
        covered = key in figures  # a curated check already says what holds or fails
        if row.verdict == "inconsistent" and not covered:
            f = figure(row)
            f.errors.append(f"auto:{row.check_id}")
            f.why_wrong.append(_e(_short_reason(row.reason)))
        elif row.verdict == "consistent" and not covered:
            figure(row).holds.append(f"matches the World Factbook\u2019s {_e(row.matched)}")
    return figures


def _headline(n_numbers: int, wrong: list[_Figure], right: list[_Figure]) -> str:
    if len(wrong) == 1:
        return f"One of the article\u2019s figures is wrong: \u201c{_e(wrong[0].quote)}\u201d"
    if wrong:
        return f"{_cap(number(len(wrong)))} of the article\u2019s figures are wrong"
    if right:
        checked = len(right)
        return (
            "The one figure that could be checked holds"
            if checked == 1
            else f"All {number(checked)} figures that could be checked hold"
        )
    return (
        f"{_cap(_plural(n_numbers, 'number'))} in this article; none could be checked against reference data"
    )


def _context_sentence(tables: dict[str, pd.DataFrame]) -> str:
    findings = tables.get("findings", pd.DataFrame())
    context = findings[findings["finding_type"] == "context"] if len(findings) else findings
    if context.empty:
        return ""
    quotes = context.drop_duplicates(["start", "end"])
    links = _join([_link(r.quote, r.start, r.end) for r in quotes.itertuples()])
    verb = "is" if len(quotes) == 1 else "are"
    return (
        f"<p><strong>For scale, not verdicts:</strong> {links} {verb} set beside reference figures "
        "only to put them in proportion.</p>"
    )


def _contents_sentence(tables: dict[str, pd.DataFrame]) -> str:
    """What an article holds, from the quantities table: amounts by kind with examples."""
    quantities = tables.get("quantities", pd.DataFrame())
    mentions = tables.get("mentions", pd.DataFrame())
    if quantities.empty:
        return ""
    parts = []
    groups = sorted(quantities.groupby("measure", sort=False), key=lambda g: (g[0] != "people", -len(g[1])))
    for measure, rows in groups:
        examples = []
        for r in rows.head(3).itertuples():
            words_only = ", in words only" if pd.isna(r.value) else ""
            counted = f" {_e(r.counted)}" if isinstance(r.counted, str) and r.counted else ""
            examples.append(f"{_link(r.quote, r.start, r.end)}{counted}{words_only}")
        more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
        noun = {"people": "count of people", "other counts": "other count", "shares": "share"}.get(
            str(measure), str(measure).removesuffix("s")
        )
        name = _plural(len(rows), noun, "counts of people" if noun == "count of people" else "")
        parts.append(f"{name} ({'; '.join(examples)}{more})")
    rest = len(mentions) - len(quantities)
    kinds = mentions[~mentions["mention_id"].isin(quantities["mention_id"])]["kind"].value_counts()
    rest_words = _join([_plural(int(n), str(k)) for k, n in kinds.items()]) if rest else ""
    tail = f"; its other {number(rest)} are {rest_words}" if rest else ""
    return f"<p>It states {_plural(len(quantities), 'amount')}: {'; '.join(parts)}{tail}.</p>"


def lede_html(tables_dir: Path, article: Article) -> str:
    """The report's headline and its few opening sentences (HTML, every article text escaped)."""
    from spillover.tables import read_tables

    if not (tables_dir / "datapackage.json").is_file():
        return ""
    tables = read_tables(tables_dir)
    n_numbers = len(tables.get("mentions", []))
    checked = _checked_figures(tables)
    wrong = [f for f in checked.values() if f.errors]
    right = [f for f in checked.values() if not f.errors and f.holds]
    paragraphs = []
    for f in wrong[:LEDE_FIGURES]:
        errors = len(set(f.errors))
        count = "" if errors == 1 else f" ({number(errors)} separate errors)"
        paragraphs.append(
            f"<p><strong>Wrong:</strong> {_link(f.quote, f.start, f.end)}{count}. "
            + " ".join(dict.fromkeys(f.why_wrong))
            + "</p>"
        )
    if len(wrong) > LEDE_FIGURES:
        more = _plural(len(wrong) - LEDE_FIGURES, "other figure")
        paragraphs.append(
            f"<p>{_cap(more)} {'is' if len(wrong) == LEDE_FIGURES + 1 else 'are'} wrong too: "
            'see <a href="#chapter-findings">the findings</a> (every one is in the CSV files).</p>'
        )
    if right:
        said = [f"{_link(f.quote, f.start, f.end)} {_join(f.holds)}" for f in right[:LEDE_FIGURES]]
        if len(right) > LEDE_FIGURES:
            said.append(f"{_plural(len(right) - LEDE_FIGURES, 'other figure')} hold too")
        paragraphs.append(f"<p><strong>What holds:</strong> {'; '.join(said)}.</p>")
    paragraphs.append(_context_sentence(tables))
    figures = tables.get("figures", pd.DataFrame())
    findings = tables.get("findings", pd.DataFrame())
    context = findings[findings["finding_type"] == "context"] if len(findings) else findings
    scaled = {(int(r.start), int(r.end)) for r in context.itertuples()} - set(checked)
    unchecked = n_numbers - len(checked) - len(scaled)
    if figures.empty:
        curated = (
            "No annotation or checks file: no figure has a curated meaning, and nothing was checked by hand."
        )
    elif findings.empty:
        curated = "No checks file: nothing was checked by hand."
    else:
        curated = ""
    if not checked:  # what the article holds, and why nothing could be checked
        paragraphs.append(_contents_sentence(tables))
        automatic = tables.get("auto_checks", pd.DataFrame())
        if automatic.empty:
            done = (
                f"none of its figures states {_AUTO_FIELDS} of a country it names, so there was "
                "nothing to set beside the World Factbook."
            )
        else:
            done = f"{_plural(len(automatic), 'figure')} looked like country facts; none could be compared."
        paragraphs.append(f"<p><strong>Checked automatically:</strong> {done} {curated}</p>")
    else:
        paragraphs.append(
            f"<p>The article\u2019s other {number(unchecked)} numbers have no reference here to be "
            f"checked against. {curated} "
            '<a href="#chapter-findings">How each verdict was reached</a>.</p>'
        )
    headline = _headline(n_numbers, wrong, right)
    return (
        f'<h1 class="headline">{headline}</h1>'
        f'<div class="lede" id="lede">{"".join(p for p in paragraphs if p)}</div>'
    )


def masthead_html(article: Article) -> str:
    """The article's masthead: title, author, publisher, kind of publication, date and link, from
    the article's text and its origin record (seeds/<stem>.meta.yaml), read generically."""
    meta = article.metadata
    title = article.title.text if article.title else meta.get("title") or article.path.name
    author = article.byline.text if article.byline else meta.get("author", "")
    facts = [
        author,
        meta.get("publisher", ""),
        meta.get("kind") or meta.get("genre", ""),
        article.published.strftime("%-d %B %Y") if article.published else "",
    ]
    line = " \u00b7 ".join(_e(f) for f in facts if f)
    url = str(meta.get("url", ""))
    link = ""
    if re.match(r"https?://", url):
        link = f'<p class="article-link"><a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a></p>'
    record = ""
    try:
        has_record = paths.metadata_path(article.path).is_file()
    except (OSError, ValueError):
        has_record = False
    if not has_record:
        record = (
            '<p class="provenance">No origin record (<code>'
            f"{_e(article.path.stem)}.meta.yaml</code>): title, byline and date as the text prints "
            "them; publisher, kind and link unknown.</p>"
        )
    return (
        '<section class="article-card" aria-label="The article checked">'
        '<p class="card-label">The article checked</p>'
        f'<p class="article-title"><cite>{_e(title)}</cite></p>'
        f'<p class="byline">{line}</p>{link}{record}</section>'
    )
