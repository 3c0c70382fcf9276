"""The corpus's comparative page: one self-contained, offline HTML file.

The same standards as an article's report: every piece of text that comes from an article (a
title, a quote, a sentence, a file name, an error message) is escaped with html.escape; the
page has a Content-Security-Policy that lets no script run at all (it has none) and loads
nothing from the network; the tables are downloadable from the page itself (as data: URLs)
while they are small enough, else from the report's ``data/`` folder beside it.
"""

from __future__ import annotations

import base64
import html
import math
import re
from importlib import resources
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING
from urllib.parse import quote

import pandas as pd

from spillover.corpus_tables import TABLES

if TYPE_CHECKING:
    from spillover.corpus import CorpusRun

#: A table is embedded in the page as a data: URL up to this size (and all of them up to
#: EMBED_TOTAL); a larger one is linked to data/<name> beside the page.
EMBED_EACH = 4_000_000
EMBED_TOTAL = 8_000_000
#: Rows shown on the page per pair of versions, and of the corpus's automatic checks (the
#: CSV files hold every row).
MAX_CHANGES_SHOWN = 150
MAX_CHECKS_SHOWN = 400
#: Past these, the page shows the rows that need a look first (articles that failed or have an
#: inconsistent check; quantities with a disagreement; pairs with the most changes), so it stays
#: a size a browser opens (about 0.6 kB a row): the CSV files hold every row.
MAX_ARTICLES_SHOWN = 5_000
MAX_QUANTITIES_SHOWN = 300
MAX_PAIRS_SHOWN = 200
_MIME = {".csv": "text/csv", ".json": "application/json"}
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def _text(value: object) -> str:
    """A cell's value as text: whole numbers with thousands separators, empty for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() and abs(value) < 1e15 else f"{value:,.6g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _e(value: object) -> str:
    return html.escape(_text(value), quote=True)


def _class(text: str) -> str:
    return "-".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _td(value: object, cls: str = "") -> str:
    attribute = f' class="{cls}"' if cls else ""
    return f"<td{attribute}>{_e(value)}</td>"


def _table(head: list[str], rows: list[str], caption: str = "") -> str:
    headers = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    note = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (
        f'<div class="table-wrap"><table class="data">{note}<thead><tr>{headers}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _report_link(report: str, label: str = "report", anchor: str = "") -> str:
    """A link to an article's own report (a path this run wrote: articles/<id>/index.html)."""
    href = quote(report) + (f"#{quote(anchor)}" if anchor else "")
    return f'<a href="{html.escape(href, quote=True)}">{html.escape(label)}</a>'


def _quote_cell(quote_text: str, article_id: str, start: object, end: object, reports: dict[str, str]) -> str:
    from spillover.report import quote_anchor

    report = reports.get(article_id, "")
    if report and not (pd.isna(start) or pd.isna(end)):
        return f"<td>{_report_link(report, quote_text, quote_anchor(int(start), int(end)))}</td>"
    return _td(quote_text)


def _section(anchor: str, title: str, body: str) -> str:
    return f'<section class="chapter" id="{anchor}"><h2>{html.escape(title)}</h2>{body}</section>'


# --- sections ------------------------------------------------------------------------------------


def _records(frame: pd.DataFrame) -> list[SimpleNamespace]:
    """Rows as objects with the columns as attributes (much faster than itertuples)."""
    return [SimpleNamespace(**row) for row in frame.to_dict("records")]


def _articles(articles: pd.DataFrame) -> str:
    rows = []
    numbered = list(enumerate(_records(articles), start=1))
    if len(numbered) > MAX_ARTICLES_SHOWN:
        first = [(n, a) for n, a in numbered if a.status != "ok" or (a.inconsistent or 0) > 0]
        chosen = {n for n, _ in first[:MAX_ARTICLES_SHOWN]}
        others = [n for n, _ in numbered if n not in chosen]
        chosen |= set(others[: MAX_ARTICLES_SHOWN - len(chosen)])
        numbered = [(n, a) for n, a in numbered if n in chosen]
    for n, a in numbered:
        name = f'{_e(a.title or a.article_id)}<span class="path">{_e(Path(a.path).name)}</span>'
        if a.status != "ok":
            last = f'<td class="error" colspan="8">{_e(a.error)}</td>'
            rows.append(f'<tr class="failed">{_td(n, "num")}<td>{name}</td>{last}</tr>')
            continue
        if a.report:
            report = f"<td>{_report_link(a.report)}</td>"
        elif a.report_error:
            report = _td(f"no report: {a.report_error}", "error")
        else:
            report = _td("")
        cells = [
            _td(n, "num"),
            f"<td>{name}</td>",
            _td(a.published, "date"),
            _td(a.figures, "num"),
            _td(a.auto_checks, "num"),
            _td(a.consistent, "num consistent" if a.consistent else "num"),
            _td(a.inconsistent, "num inconsistent" if a.inconsistent else "num"),
            _td(a.not_checkable, "num"),
            _td(a.findings, "num"),
            report,
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = [
        "#",
        "article",
        "published",
        "figures",
        "checks",
        "consistent",
        "inconsistent",
        "not checkable",
        "findings",
        "its report, or why it could not be read",
    ]
    intro = (
        "<p>Every article of the corpus: the figures (numeric expressions) found in it, how many of "
        "them state a country fact the World Factbook holds and were checked against it "
        "automatically, and the verdicts. An article that could not be read says why, in the same "
        "words as <code>spillover tables --article PATH</code>.</p>"
    )
    more = ""
    if len(rows) < len(articles):
        more = (
            f"{len(rows):,} of {len(articles):,} articles: those that could not be read or have an "
            "inconsistent check, then the first others (articles.csv has every one)"
        )
    return _section("articles", "Articles", intro + _table(head, rows, more))


def _quantities(quantities: pd.DataFrame, reports: dict[str, str]) -> str:
    intro = (
        "<p>The same quantity as different articles state it: statements are aligned on the "
        "Factbook figure their automatic check compared them with (its country, field and "
        "qualifier; a border is one quantity from either country's profile). Each statement "
        "covers a range at its stated precision (“38 million” is 37.5 to 38.5 million, "
        "“about” a whole step either side), in the Factbook's unit. Two articles "
        "<strong>disagree</strong> when their ranges do not meet. Only figures whose check "
        "reached a verdict are aligned.</p>"
    )
    if quantities.empty:
        return _section(
            "quantities",
            "One quantity, several articles",
            intro + '<p class="note">No quantity is stated by two or more articles of this corpus.</p>',
        )
    groups = list(quantities.groupby("quantity_id", sort=True))
    groups.sort(key=lambda g: (not (g[1]["agreement"] == "disagrees").any(), g[0]))
    parts = []
    for _, group in groups[:MAX_QUANTITIES_SHOWN]:
        first = group.iloc[0]
        disagree = (group["agreement"] == "disagrees").any()
        ids = sorted(set(group["article_id"]))
        flag = (
            f'<p class="flag disagrees">Disagreement: the {len(ids)} articles do not state the same '
            "value.</p>"
            if disagree
            else f'<p class="flag agrees">The {len(ids)} articles agree.</p>'
        )
        rows = []
        for s in _records(group):
            stated = f"{_text(s.article_value)} {s.article_unit}".strip()
            covers = f"{_text(s.low)} to {_text(s.high)} {s.unit}".strip()
            rows.append(
                "<tr>"
                + _td(s.article_id)
                + _quote_cell(s.quote, s.article_id, s.start, s.end, reports)
                + _td(stated)
                + _td(covers)
                + _td(f"{_text(s.factbook_value)} {s.unit}".strip())
                + _td(s.check_verdict, f"verdict {_class(s.check_verdict)}")
                + _td(
                    s.agreement
                    if not s.disagrees_with
                    else f"disagrees with {s.disagrees_with.replace(';', ', ')}",
                    f"flag {_class(s.agreement)}",
                )
                + "</tr>"
            )
        head = ["article", "figure", "as stated", "covers", "Factbook", "check", "between articles"]
        css = "quantity disagree" if disagree else "quantity"
        parts.append(
            f'<section class="{css}"><h3>{_e(first.quantity)}</h3>{flag}{_table(head, rows)}</section>'
        )
    flagged = sum(1 for _, g in groups if (g["agreement"] == "disagrees").any())
    shown = ""
    if len(groups) > MAX_QUANTITIES_SHOWN:
        shown = (
            f"; the first {MAX_QUANTITIES_SHOWN} are shown, disagreements first (same_quantity.csv has all)"
        )
    summary = (
        f'<p class="note">{len(groups):,} quantities stated by several articles; {flagged:,} with a '
        f"disagreement{shown}.</p>"
    )
    return _section("quantities", "One quantity, several articles", intro + summary + "".join(parts))


def _changes(pairs: pd.DataFrame, changes: pd.DataFrame) -> str:
    intro = (
        "<p>Two versions of one text: files whose names differ only by a version or date suffix "
        "(<code>name_v1.txt</code> and <code>name_v2.txt</code>, <code>name_2021-07-01.txt</code> and "
        "<code>name_2026-01-22.txt</code>), or pairs listed in a pairs file. Their figures are aligned "
        "in order of appearance by kind and text; a figure whose text differs in the same place "
        "<strong>changed</strong>, one only in the new version was <strong>added</strong>, one only in "
        "the old version <strong>removed</strong>.</p>"
    )
    if pairs.empty:
        return _section(
            "changes",
            "What changed between versions",
            intro + '<p class="note">No two articles of this corpus are versions of one text.</p>',
        )
    parts = []
    by_pair = dict(iter(changes.groupby("pair_id", sort=False)))
    shown = _records(pairs)
    if len(shown) > MAX_PAIRS_SHOWN:
        shown = sorted(shown, key=lambda p: -(p.changed or 0) - (p.added or 0) - (p.removed or 0))
        shown = sorted(shown[:MAX_PAIRS_SHOWN], key=lambda p: p.pair_id)
        parts.append(
            f'<p class="note">The {MAX_PAIRS_SHOWN} of {len(pairs):,} pairs with the most changes '
            "(pairs.csv and changes.csv have every one).</p>"
        )
    for p in shown:
        title = f"<h3>{_e(p.old_article)} → {_e(p.new_article)}</h3>"
        if p.status != "compared":
            parts.append(f'{title}<p class="note">{_e(p.status)} (paired by {_e(p.paired_by)})</p>')
            continue
        counts = (
            f'<p class="note">{_text(p.changed)} changed, {_text(p.added)} added, '
            f"{_text(p.removed)} removed, "
            f"{_text(p.unchanged)} unchanged (paired by {_e(p.paired_by)}).</p>"
        )
        mine = by_pair.get(p.pair_id, changes.iloc[:0])
        rows = [
            "<tr>"
            + _td(c.change, f"flag {_class(c.change)}")
            + _td(c.kind)
            + _td(c.old_quote)
            + _td(c.old_sentence, "sentence")
            + _td(c.new_quote)
            + _td(c.new_sentence, "sentence")
            + "</tr>"
            for c in _records(mine.head(MAX_CHANGES_SHOWN))
        ]
        more = (
            f"first {MAX_CHANGES_SHOWN} of {len(mine)} changes (all are in changes.csv)"
            if len(mine) > MAX_CHANGES_SHOWN
            else ""
        )
        table = (
            _table(["change", "kind", "old", "in the old version", "new", "in the new version"], rows, more)
            if rows
            else ""
        )
        parts.append(title + counts + table)
    return _section("changes", "What changed between versions", intro + "".join(parts))


def _checks(checks: pd.DataFrame, reports: dict[str, str]) -> str:
    intro = (
        "<p>Every automatic check of the corpus: a figure whose sentence states a country fact the "
        "World Factbook holds (population, area, border, coastline, median age, life expectancy, "
        "GDP), compared with it at the precision it is stated with. Inconsistent ones first.</p>"
    )
    if checks.empty:
        return _section(
            "checks", "Automatic checks", intro + '<p class="note">No figure of the corpus was checked.</p>'
        )
    order = {"inconsistent": 0, "consistent": 1}
    shown = checks.assign(_order=checks["verdict"].map(order).fillna(2)).sort_values(
        ["_order"], kind="stable"
    )
    rows = [
        "<tr>"
        + _td(c.article_id)
        + _quote_cell(c.quote, c.article_id, c.start, c.end, reports)
        + _td(c.claim)
        + _td(c.country)
        + _td(c.verdict, f"verdict {_class(c.verdict)}")
        + _td(c.reason, "reason")
        + "</tr>"
        for c in _records(shown.head(MAX_CHECKS_SHOWN))
    ]
    more = (
        f"first {MAX_CHECKS_SHOWN} of {len(checks)} checks (all are in checks.csv)"
        if len(checks) > MAX_CHECKS_SHOWN
        else ""
    )
    return _section(
        "checks",
        "Automatic checks",
        intro + _table(["article", "figure", "claim", "about", "verdict", "reason"], rows, more),
    )


def _dictionary() -> str:
    parts = [
        "<p>The tables are tidy CSV files (UTF-8); <code>datapackage.json</code> describes every column "
        "(a Frictionless Data Package). Offsets are character offsets into the article's text.</p>"
        '<dl class="dictionary">'
    ]
    for name, (description, columns) in TABLES.items():
        rows = [f"<tr>{_td(c.name)}{_td(c.type)}{_td(c.unit)}{_td(c.description)}</tr>" for c in columns]
        parts.append(
            f"<dt>{html.escape(name)}.csv</dt><dd>{html.escape(description)}"
            f"<details><summary>columns</summary>{_table(['column', 'type', 'unit', 'meaning'], rows)}"
            "</details></dd>"
        )
    parts.append("</dl>")
    return _section("data", "The data and its dictionary", "".join(parts))


def _downloads(data: Path) -> str:
    files = sorted(p for p in data.iterdir() if p.suffix in _MIME)
    embed = sum(p.stat().st_size for p in files) <= EMBED_TOTAL
    links = []
    for path in files:
        size = path.stat().st_size
        if embed and size <= EMBED_EACH:
            payload = base64.b64encode(path.read_bytes()).decode()
            href = f"data:{_MIME[path.suffix]};base64,{payload}"
            links.append(f'<li><a download="{path.name}" href="{href}">{path.name}</a></li>')
        else:
            links.append(
                f'<li><a href="data/{quote(path.name)}">{path.name}</a> ({size / 1e6:,.1f} MB, in data/)</li>'
            )
    return "".join(links)


# --- the page ---------------------------------------------------------------------------------------


def write_page(run: CorpusRun, tables: dict[str, pd.DataFrame], data: Path, source: Path | str) -> str:
    articles = tables["articles"]
    reports = dict(zip(articles["article_id"], articles["report"], strict=True))
    reports = {article: report for article, report in reports.items() if report}
    ok = int((articles["status"] == "ok").sum())
    checks = tables["checks"]
    verdicts = checks["verdict"].value_counts().to_dict()
    quantities = tables["same_quantity"]
    disagreeing = quantities.loc[quantities["agreement"] == "disagrees", "quantity_id"].nunique()
    name = Path(source).name or str(source)
    summary = (
        f"{len(articles):,} articles from {name}: {ok:,} analysed, "
        f"{len(articles) - ok:,} could not be read; "
        f"{int(articles['figures'].fillna(0).sum()):,} figures found, {len(checks):,} checked automatically "
        f"against the World Factbook ({verdicts.get('consistent', 0):,} consistent, "
        f"{verdicts.get('inconsistent', 0):,} inconsistent, "
        f"{verdicts.get('not checkable', 0):,} not checkable); "
        f"{quantities['quantity_id'].nunique():,} quantities stated by several articles, "
        f"{disagreeing:,} of them "
        f"with a disagreement; {len(tables['pairs']):,} pairs of versions."
    )
    sections = [
        ("articles", "Articles", _articles(articles)),
        ("quantities", "One quantity, several articles", _quantities(quantities, reports)),
        ("changes", "What changed between versions", _changes(tables["pairs"], tables["changes"])),
        ("checks", "Automatic checks", _checks(checks, reports)),
        ("data", "The data and its dictionary", _dictionary()),
    ]
    values = {
        "title": html.escape(f"A corpus of {len(articles):,} articles: {name}"),
        "summary": html.escape(summary),
        "toc": "".join(
            f'<li><a href="#{anchor}">{html.escape(title)}</a></li>' for anchor, title, _ in sections
        ),
        "downloads": _downloads(data),
        "sections": "\n".join(body for _, _, body in sections),
    }
    template = (resources.files("spillover") / "templates" / "corpus.html").read_text(encoding="utf-8")
    # One pass: text put in (an article's "{{sections}}") is never read again as a placeholder.
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)
