"""What a notebook calls: check its parameters, load the tables, and display tables, charts and
the article with provenance. Everything shown is escaped here, since an article is untrusted.

A chart is published as one display output carrying the plotly JSON (JupyterLab draws it; the
renderer turns it into a div with a fixed id) and its alt text as plain text; the static
matplotlib twin is saved to the figures folder.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from spillover import page, paths
from spillover import params as parameters
from spillover.article import Article
from spillover.errors import ParameterError
from spillover.findings import Region, article_region
from spillover.page import ARTICLE_MIME, CHART_MIME, MAX_HIGHLIGHTS, PLOTLY_MIME, quote_anchor, slug


@dataclass
class Context:
    """The inputs of one notebook run, checked, and the tables built from them."""

    article_path: Path
    figures_dir: Path
    params: dict[str, str]
    tables: dict[str, pd.DataFrame] = field(repr=False)
    article: Article = field(repr=False)
    region: Region = field(default_factory=Region)  # from the article's checks file


def resolve(path: str, default: Path) -> Path:
    """A parameter path: '' means the project default; relative paths are tried against the
    working folder, then the project root (so a copied notebook still finds the data)."""
    if not path:
        return default
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    return paths.ROOT / candidate


def start(
    article_path: str = "",
    annotations_path: str = "",
    figures_dir: str = "",
    units: str = "km",
    reference_snapshot: str = "2021-07-01",
) -> Context:
    """Check a notebook's parameters and load every table (one-line errors on bad input)."""
    from spillover.article import read_article

    article = resolve(article_path, paths.DEFAULT_ARTICLE)
    values = {"units": units, "reference_snapshot": reference_snapshot}
    if annotations_path:
        values["annotations"] = str(resolve(annotations_path, Path(annotations_path)))
    checked = parameters.validate(values)
    figures = resolve(figures_dir, paths.FIGURES)
    try:
        figures.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ParameterError(f"figures_dir {figures} cannot be created: {error.strerror}") from None
    tables = cached_tables(article, checked)
    return Context(article, figures, checked, tables, read_article(article), article_region(article))


def cached_tables(article: Path, values: dict[str, str]) -> dict[str, pd.DataFrame]:
    """The article's tables, computed once per set of inputs and shared by every notebook of a
    render (they would otherwise each re-read the reference data and re-measure the borders).
    The cache holds them as CSV files with checksums, read back with the data dictionary's types."""
    from spillover.tables import read_tables

    return read_tables(tables_entry(article, values))


def tables_entry(article: Path, values: dict[str, str]) -> Path:
    """The verified cache folder of an article's tables (CSV + datapackage.json), built if needed."""
    from spillover import cache, keys
    from spillover.pipeline import article_tables
    from spillover.tables import write_tables

    key = keys.tables_key(article, values)
    entry = cache.lookup(key)
    if entry is None:
        entry = cache.store(key, write_tables(article_tables(article, values), cache.scratch("tables")))
    return entry


# --- tables as people read them ----------------------------------------------------------------

# Keys of the program (ids, offsets): in the CSV files, never shown on the page.
HIDDEN_COLUMNS = frozenset(
    {
        "figure_id",
        "mention_id",
        "check_id",
        "finding_id",
        "finding_group",
        "gec",
        "rule",
        "start",
        "end",
        "sentence_start",
        "sentence_end",
    }
)
COLUMN_LABELS = {
    "low": "at least",
    "high": "at most",
    "people_low": "at least",
    "people_high": "at most",
    "stated_length": "length as stated",
    "stated_unit": "unit as stated",
    "length_km": "km",
    "length_mi": "mi",
    "date_precision": "precision",
    "date_start": "from",
    "date_end": "to",
    "date_note": "how the date was read",
    "attributed_to": "source the article names",
    "reference_value": "reference value",
    "reference_unit": "unit",
    "reference_source": "reference source",
    "country_a": "country",
    "country_b": "neighbour",
    "counted": "what it counts",
    "with_a_number": "with a number",
}
# Words for the program's category names and pint's unit names, as a reader writes them.
VALUE_WORDS = {
    "economy_society": "economy and society",
    "land_boundary_km": "land border",
    "coastline_km": "coastline",
    "area_sq_km": "area",
    "lower_bound": "lower bound",
    "other_reference": "another reference",
}
UNIT_WORDS = {
    "kilometer": "km",
    "kilometre": "km",
    "mile": "mi",
    "percent": "%",
    "fraction": "share",
    "square_kilometer": "km²",
    "sq km": "km²",
}
_IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")
ROWS_SHOWN = 8  # a longer table shows its first rows; the others are a click away
# A table on the page stops after this many rows and says so (every row is in its CSV file):
# a long article's tables would otherwise add ~600 bytes per row, and a highlight per quote.
MAX_ROWS = 100


def column_label(column: object) -> str:
    return COLUMN_LABELS.get(str(column), str(column).replace("_", " "))


def words(value: object) -> str:
    """A category name or unit as a reader writes it ("economy_society" -> "economy and society")."""
    text = str(value)
    if text in VALUE_WORDS:
        return VALUE_WORDS[text]
    if text in UNIT_WORDS:
        return UNIT_WORDS[text]
    return text.replace("_", " ") if _IDENTIFIER.fullmatch(text) else text


def _bounds(columns: list[str], column: str) -> tuple[str, str] | None:
    """The columns holding the low and high bound of a value column (value: low, high)."""
    low, high = ("low", "high") if column == "value" else (f"{column}_low", f"{column}_high")
    return (low, high) if low in columns and high in columns else None


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def bounds_in_words(low: object, high: object) -> str:
    """What a vague amount's bounds mean: "at least 2,000 and fewer than 1,000,000"."""
    parts = []
    if not _missing(low):
        parts.append(f"at least {float(low):,.0f}")
    if not _missing(high):
        top = float(high) + 1
        # 999,999 is the extractor's "fewer than a million": say it as people do
        round_top = top >= 10 and top == float(f"{top:.0e}")
        parts.append(f"fewer than {top:,.0f}" if round_top else f"at most {float(high):,.0f}")
    return " and ".join(parts)


def _vague(row: dict, column: str, pair: tuple[str, str] | None) -> bool:
    """A value the article gives only in words ("many thousands"): no number, only bounds."""
    return (
        pair is not None and _missing(row[column]) and not (_missing(row[pair[0]]) and _missing(row[pair[1]]))
    )


def table_html(
    table: pd.DataFrame, max_rows: int = MAX_ROWS, caption: str = "", shown: int = ROWS_SHOWN
) -> str:
    """An escaped HTML table for readers: the quote first, linked to its place in the article; no
    internal ids or offsets (they are in the CSV files); words for category and unit names; an
    amount the article gives only in words shown as words, its bounds in a note. A table longer
    than `shown` rows shows those and keeps the rest a click away. Each cell carries its column's
    label, so a narrow screen can show each row as a card."""
    rows = table.head(max_rows).to_dict("records")
    columns = [str(c) for c in table.columns]
    anchored = {"quote", "start", "end"} <= set(columns)
    pairs = {c: _bounds(columns, c) for c in columns}
    # A bound column is shown only where it says something the value does not.
    redundant = set()
    for column, pair in pairs.items():
        if pair is None:
            continue
        for bound in pair:
            if all(_vague(r, column, pair) or _missing(r[bound]) or r[bound] == r[column] for r in rows):
                redundant.add(bound)
    visible = [c for c in columns if c not in HIDDEN_COLUMNS and c not in redundant]
    if "quote" in visible:
        visible.remove("quote")
        visible.insert(0, "quote")
    digest = hashlib.sha1(f"{caption}\n{table.to_csv()}".encode()).hexdigest()[:8]
    notes: list[str] = []

    def cell(row: dict, column: str) -> str:
        value = row[column]
        pair = pairs.get(column)
        unit = row.get("unit", "")
        if pair and _vague(row, column, pair):
            said = row.get("quote") if not _missing(row.get("quote")) else "in words"
            notes.append(
                f"\u201c{html.escape(str(said))}\u201d: the article gives no number; the words mean "
                f"{bounds_in_words(row[pair[0]], row[pair[1]])}."
            )
            return f'<span class="in-words">{html.escape(str(said))}</span> <small>(no number)</small>'
        if any(p and column in p and _vague(row, c, p) for c, p in pairs.items()):
            return ""  # the bound of an amount in words: in the note
        if _missing(value):
            return ""
        text = _format(value, unit if column in ("value", "low", "high") else "")
        if column.endswith("unit") or column in ("category", "status", "field", "check_kind", "finding_type"):
            text = words(text)
        else:
            text = words(text) if _IDENTIFIER.fullmatch(text) else text
        if column == "quote" and anchored and not _missing(row.get("start")):
            anchor = quote_anchor(row["start"], row["end"])
            return f'<a class="quote" href="#{anchor}">{html.escape(text)}</a>'
        return html.escape(text)

    def body(chunk: list[tuple[int, dict]]) -> str:
        out = []
        for i, row in chunk:
            cells = []
            for column in visible:
                shown_text = cell(row, column)
                verdict = ""
                if column == "verdict" and not _missing(row[column]):
                    verdict = f" verdict {slug(str(row[column]))}"
                label = html.escape(column_label(column))
                cells.append(
                    f'<td class="col-{slug(column)}{verdict}" data-label="{label}">{shown_text}</td>'
                )
            out.append(f'<tr id="t{digest}-{i}">{"".join(cells)}</tr>')
        return "".join(out)

    head = "".join(f'<th scope="col">{html.escape(column_label(c))}</th>' for c in visible)

    def wrapped(chunk: list[tuple[int, dict]], name: str, title: str = "") -> str:
        """A table in a box that scrolls sideways when it is wider than the page."""
        caption_html = f"<caption>{html.escape(title)}</caption>" if title else ""
        return (
            f'<div class="table-wrap" role="region" tabindex="0" aria-label="{html.escape(name)}">'
            f'<table class="data">{caption_html}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body(chunk)}</tbody></table></div>"
        )

    numbered = list(enumerate(rows, start=1))
    # Two rows more than `shown` are not worth a click: then every row is shown.
    first, rest = (numbered, []) if len(numbered) <= shown + 2 else (numbered[:shown], numbered[shown:])
    name = caption or "Table"
    parts = [wrapped(first, name, caption)]
    if rest:
        summary = f"Show the other {len(rest)} of {len(rows)} rows"
        more = wrapped(rest, f"{name}, rows {shown + 1} to {len(rows)}")
        parts.append(f'<details class="more-rows"><summary>{summary}</summary>{more}</details>')
    if len(table) > max_rows:
        notes.append(f"The first {max_rows} of {len(table)} rows; every row is in the CSV file.")
    if notes:
        parts.append("".join(f'<p class="table-note">{n}</p>' for n in dict.fromkeys(notes)))
    return f'<div class="table">{"".join(parts)}</div>'


def _format(value: object, unit: object = "") -> str:
    """Numbers as a reader writes them: 1,500 and 843.2, years as 1991, shares as 33%."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)) and unit == "fraction":
        return f"{float(value) * 100:.0f}%"
    if isinstance(value, float):
        if value.is_integer():
            return f"{value:.0f}" if unit == "year" else f"{value:,.0f}"
        return f"{value:,.4g}"
    return str(value)


class _Bundle:
    """A display object with a fixed MIME bundle (IPython's display protocol)."""

    def __init__(self, bundle: dict):
        self.bundle = bundle

    def _repr_mimebundle_(self, include=None, exclude=None):  # noqa: ANN001
        return self.bundle


def show_table(
    table: pd.DataFrame, caption: str = "", shown: int = ROWS_SHOWN, max_rows: int = MAX_ROWS
) -> _Bundle:
    """Display a table with a caption: escaped HTML with quote links, its first `shown` rows open
    and the rest a click away, and plain text for nbval to compare."""
    if table.empty:
        return show_text("*No rows: nothing in this article fills this table yet.*")
    html_text = table_html(table, max_rows=max_rows, caption=caption, shown=shown)
    return _Bundle({"text/html": html_text, "text/plain": table.head(max_rows).to_string()})


def show_text(markdown_text: str) -> _Bundle:
    """A sentence computed from the data; any untrusted part must already be escaped."""
    return _Bundle({"text/markdown": markdown_text, "text/plain": markdown_text})


_MARKDOWN_ESCAPES = {ord(c): f"&#{ord(c)};" for c in "&<>\"'*_`[]#|\\"}


def md(value: object) -> str:
    """Escape a value for Markdown and HTML output (article text is untrusted): every character
    that either syntax gives a meaning becomes a numeric character reference."""
    return str(value).translate(_MARKDOWN_ESCAPES)


def chart_bundle(name: str, plotly_figure, caption: str, source: str, alt: str) -> _Bundle:  # noqa: ANN001
    """The display bundle of one chart (plotly JSON plus the chart's texts)."""
    figure_json = json.loads(plotly_figure.to_json())
    meta = {"name": name, "caption": caption, "source": source, "alt": alt}
    return _Bundle(
        {
            PLOTLY_MIME: figure_json,
            CHART_MIME: meta,
            "text/plain": f"[chart {name}] {alt}",
        }
    )


def figure(context: Context, chart) -> _Bundle:  # noqa: ANN001
    """A chart module's chart (see spillover.charts): its static twin saved to the figures
    folder, the interactive one returned for display."""
    from spillover import charts

    charts.save(chart, context.figures_dir)
    source = chart.source.removeprefix("Source: ")  # the page writes "Source:" itself
    return chart_bundle(chart.name, chart.plotly, chart.caption, source, chart.alt)


def credit(context: Context) -> str:
    """The source line of the article's figures: author, title, publisher, date."""
    article, meta = context.article, context.article.metadata
    parts = [
        article.byline.text if article.byline else meta.get("author", ""),
        f"\u201c{article.title.text}\u201d" if article.title else article.path.name,
        meta.get("publisher", ""),
        article.published.strftime("%-d %B %Y") if article.published else "",
    ]
    return ", ".join(p for p in parts if p)


def needs_annotations(what: str) -> _Bundle:
    return show_text(
        f"*This section needs annotations:* the article has no annotated {what}. Write an "
        "annotation file with `spillover annotate ARTICLE > FILE`, fill it in, and render with "
        "`-p annotations FILE`."
    )


def about_region(context: Context) -> bool:
    """Whether the article's checks file names a region whose borders the reference data cover."""
    return bool(context.region.borders_of)


def article_spans(figures: pd.DataFrame, mentions: pd.DataFrame) -> tuple[dict, dict]:
    """What spillover.page.article_html highlights: each annotated figure's span with its
    meaning, each mention's span with its kind."""
    meaning = {(int(r.start), int(r.end)): f"{r.measure} ({r.subject})" for r in figures.itertuples()}
    kinds = {
        (int(s), int(e)): "number" if _missing(k) or not str(k) else str(k)
        for s, e, k in zip(mentions["start"], mentions["end"], mentions["kind"], strict=True)
    }
    return meaning, kinds


def article_html(
    article: Article,
    figures: pd.DataFrame,
    mentions: pd.DataFrame,
    linked: Iterable[tuple[int, int]] = (),
    limit: int = MAX_HIGHLIGHTS,
) -> str:
    """The article's text with its figures highlighted (see spillover.page.article_html)."""
    return page.article_html(article, *article_spans(figures, mentions), linked=linked, limit=limit)


# Up to this many characters the notebook's own output holds the article's text (what a reader
# of the notebook in Jupyter sees); a longer article's text is only in the report's page, which
# the renderer writes itself (a copy in the notebook would cost seconds and memory per MB).
NOTEBOOK_ARTICLE_CHARS = 1_000_000


def show_article(context: Context) -> _Bundle:
    """The article's text with its figures highlighted, folded away behind a summary. In the
    report the renderer writes it again (ARTICLE_MIME) with the quotes the other chapters link
    to highlighted too."""
    tables, article = context.tables, context.article
    if len(article.text) > NOTEBOOK_ARTICLE_CHARS:
        folded = (
            f"<p>The article’s text ({len(article.text):,} characters) is too long to show here: "
            "it is in the report’s page (<code>spillover render</code>).</p>"
        )
    else:
        body = article_html(article, tables["figures"], tables["mentions"])
        folded = page.article_folded(article, body, len(tables["figures"]), len(tables["mentions"]))
    return _Bundle(
        {
            "text/html": folded,
            ARTICLE_MIME: {"limit": MAX_HIGHLIGHTS},
            "text/plain": f"[article text, {len(article.text)} chars]",
        }
    )


def article_summary(context: Context) -> _Bundle:
    """One computed sentence about the article and its figures (its title, author and date are in
    the page's masthead)."""
    article, tables = context.article, context.tables
    mentions, figures = tables["mentions"], tables["figures"]
    annotated = (
        f"{len(figures)} of them are annotated figures; {len(mentions) - len(figures)} are set aside "
        "with a reason."
        if len(figures)
        else "No annotation file was found, so the figures have no meaning attached yet "
        "(`spillover annotate ARTICLE > FILE` writes a template)."
    )
    text = (
        f"The article has {len(article.paragraphs)} paragraphs, {len(article.sentences)} sentences "
        f"and **{len(mentions)} numeric expressions**. {annotated}"
    )
    return show_text(text)


def omitted_note(tables: dict[str, pd.DataFrame]) -> str:
    """One sentence (Markdown, article text escaped) on what the paragraphs leave out, or ""."""
    omitted = tables.get("omitted_text")
    if omitted is None or omitted.empty:
        return ""
    parts = []
    for row in omitted.itertuples():
        words = f"“{md(row.first_words)} …”"
        if row.reason == "footer":
            parts.append(f"the last {row.characters:,} characters ({words}) were left out as a footer")
        else:
            parts.append(
                f"{row.characters:,} characters at {row.start}–{row.end} ({words}) were left out "
                f"({md(row.reason)})"
            )
    where = "it is" if len(parts) == 1 else "they are"
    text = "; ".join(parts)
    return f"{text[0].upper()}{text[1:]}; {where} in the `omitted_text` table."


def figures_of(context: Context, *categories: str) -> pd.DataFrame:
    """The annotated figures of some categories, with the columns a reader needs (the quote first;
    figure_id stays in the CSV)."""
    figures = context.tables["figures"]
    chosen = figures[figures["category"].isin(categories)]
    return chosen[
        [
            "quote",
            "measure",
            "subject",
            "value",
            "low",
            "high",
            "unit",
            "qualifier",
            "category",
            "attributed_to",
            "start",
            "end",
        ]
    ]


# What a reader needs on the page; the numbers, units, groups and kinds are in findings.csv.
FINDING_COLUMNS = ["quote", "claim", "verdict", "reason", "comparison", "reference_source", "start", "end"]


def show_findings(context: Context, reference_unit: str = "", shown: int = ROWS_SHOWN) -> _Bundle:
    """The curated findings in two tables: the checks, with their verdicts, and apart from them
    the figures set beside a reference only for scale, which are context and not verdicts
    (optionally only those compared with figures in one unit)."""
    findings = context.tables["findings"]
    if findings.empty:
        return needs_annotations("figures to check")
    if reference_unit:
        findings = findings[findings["reference_unit"] == reference_unit]
    checks = findings[findings["finding_type"] == "check"]
    context_rows = findings[findings["finding_type"] != "check"]
    parts, plain = [], []
    if len(checks):
        groups = checks["finding_group"].nunique()
        caption = f"Checks: {len(checks)} rows of evidence for {groups} findings (each finding counted once)"
        parts.append(table_html(checks[FINDING_COLUMNS], caption=caption, shown=shown))
        plain.append(checks[FINDING_COLUMNS].to_string())
    if len(context_rows):
        caption = f"For scale only, not verdicts: {len(context_rows)} figures set beside a reference value"
        shown_context = context_rows[[c for c in FINDING_COLUMNS if c != "verdict"]]
        parts.append(table_html(shown_context, caption=caption, shown=shown))
        plain.append(shown_context.to_string())
    return _Bundle({"text/html": "".join(parts), "text/plain": "\n\n".join(plain)})
