"""What a notebook calls: check its parameters, load the tables, and display tables, charts and
the article with provenance. Everything shown is escaped here, since an article is untrusted.

A chart is published as one display output carrying the plotly JSON (JupyterLab draws it; the
renderer turns it into a div with a fixed id) and its alt text as plain text; the static
matplotlib twin is saved to the figures folder.
"""

from __future__ import annotations

import bisect
import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from spillover import params as parameters
from spillover import paths
from spillover.article import Article
from spillover.errors import ParameterError
from spillover.findings import Region, article_region
from spillover.page import CHART_MIME, PLOTLY_MIME, slug


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


def quote_anchor(start: int, end: int) -> str:
    """The id of a quote's highlight in the report's copy of the article."""
    return f"q-{int(start)}-{int(end)}"


def table_html(table: pd.DataFrame, max_rows: int = 60) -> str:
    """An escaped HTML table whose quotes link to their place in the article (the offsets make
    the link and are not shown; they are in the CSV files)."""
    shown = table.head(max_rows)
    has_anchor = {"quote", "start", "end"} <= set(shown.columns)
    visible = [c for c in shown.columns if not (has_anchor and c in ("start", "end"))]
    head = "".join(f"<th>{html.escape(str(c).replace('_', ' '))}</th>" for c in visible)
    body = []
    for row in shown.itertuples(index=False):
        cells = []
        for column, value in zip(shown.columns, row, strict=True):
            if column not in visible:
                continue
            text = "" if pd.isna(value) else _format(value, getattr(row, "unit", ""))
            if column == "quote" and has_anchor and text and not pd.isna(row.start):
                anchor = quote_anchor(row.start, row.end)
                cell = f'<a class="quote" href="#{anchor}">{html.escape(text)}</a>'
            else:
                cell = html.escape(text)
            verdict = f" verdict {slug(text)}" if column == "verdict" else ""
            cells.append(f'<td class="col-{slug(column)}{verdict}">{cell}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    more = f"<caption>first {max_rows} of {len(table)} rows</caption>" if len(table) > max_rows else ""
    return (
        f'<div class="table-wrap"><table class="data">{more}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _format(value: object, unit: object = "") -> str:
    """Numbers as a reader writes them: 1,500 and 0.333333, but years as 1991."""
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


def show_table(table: pd.DataFrame, max_rows: int = 60) -> _Bundle:
    """Display a table: escaped HTML with quote links, and plain text for nbval to compare."""
    if table.empty:
        return show_text("*No rows: nothing in this article fills this table yet.*")
    return _Bundle({"text/html": table_html(table, max_rows), "text/plain": table.head(max_rows).to_string()})


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
    """A chart module's chart (see spillover.quantity_chart): its static twin saved to the
    figures folder, the interactive one returned for display."""
    from spillover import charts

    charts.save_static(chart.matplotlib, chart.name, context.figures_dir)
    return chart_bundle(chart.name, chart.plotly, chart.caption, chart.source, chart.alt)


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


def chart(
    context: Context,
    table: str | pd.DataFrame,
    builder,
    regional: bool = False,
    **options,  # noqa: ANN001
) -> _Bundle:
    """Build a chart from a table with one of spillover.charts' spec builders: the static
    twin goes to the figures folder, the interactive one is returned for display. A chart of
    reference data on the region (`regional=True`) is left out for an article about another one."""
    from spillover import charts

    if regional and not about_region(context):
        return show_text(
            "*Left out:* this chart shows reference data on the region an article's checks file "
            "names (`data/checks/ARTICLE.yaml`, `region`), and this article has none."
        )
    frame = context.tables[table] if isinstance(table, str) else table
    if frame.empty:
        return needs_annotations(table.replace("_", " ") if isinstance(table, str) else "figures")
    spec = builder(frame, credit=credit(context), **options)
    charts.save_static(spec, spec.name, context.figures_dir)
    return chart_bundle(spec.name, charts.to_plotly(spec), spec.caption, spec.source, spec.alt)


def article_html(article: Article, figures: pd.DataFrame, mentions: pd.DataFrame) -> str:
    """The article's paragraphs, escaped, with every mention highlighted and every annotated
    figure titled with its meaning; each highlight has the id the tables link to."""
    meaning = {
        (int(r.start), int(r.end)): f"{r.figure_id}: {r.measure} ({r.subject})" for r in figures.itertuples()
    }
    spans = sorted({(int(r.start), int(r.end)) for r in mentions.itertuples()} | set(meaning))
    header = [(s, "header") for s in (article.title, article.byline, article.dateline) if s]
    parts = []
    for block, kind in [*header, *((p, "") for p in article.paragraphs)]:
        out, position = [], block.start
        # Walk the spans from the block's first one by index: slicing the list here would copy
        # every later span once per paragraph (quadratic in a long article).
        for index in range(bisect.bisect_left(spans, (block.start, 0)), len(spans)):
            start, end = spans[index]
            if start >= block.end:
                break
            if end > block.end or start < position:
                continue
            out.append(html.escape(article.text[position:start]))
            label = meaning.get((start, end), "mention not annotated")
            mark = "figure" if (start, end) in meaning else "mention"
            out.append(
                f'<mark class="{mark}" id="{quote_anchor(start, end)}" title="{html.escape(label)}">'
                f"{html.escape(article.text[start:end])}</mark>"
            )
            position = end
        out.append(html.escape(article.text[position : block.end]))
        css = f' class="{kind}"' if kind else ""
        parts.append(f"<p{css}>{' '.join(''.join(out).split())}</p>")
    return f'<div class="article-text">{"".join(parts)}</div>'


def show_article(context: Context) -> _Bundle:
    tables = context.tables
    body = article_html(context.article, tables["figures"], tables["mentions"])
    return _Bundle({"text/html": body, "text/plain": f"[article text, {len(context.article.text)} chars]"})


def article_summary(context: Context) -> _Bundle:
    """One computed sentence about the article and its figures."""
    article, tables = context.article, context.tables
    mentions, figures = tables["mentions"], tables["figures"]
    byline = f" by {md(article.byline.text)}" if article.byline else ""
    published = f", published {article.published.isoformat()}" if article.published else ""
    title = md(article.title.text) if article.title else md(article.path.name)
    annotated = (
        f"{len(figures)} of them are annotated figures; {len(mentions) - len(figures)} are set aside "
        "with a reason."
        if len(figures)
        else "No annotation file was found, so the figures have no meaning attached yet "
        "(`spillover annotate ARTICLE > FILE` writes a template)."
    )
    text = (
        f"**{title}**{byline}{published}: {len(article.paragraphs)} paragraphs, "
        f"{len(article.sentences)} sentences and **{len(mentions)} numeric expressions**. {annotated}"
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
    """The annotated figures of some categories, with the columns a reader needs."""
    figures = context.tables["figures"]
    chosen = figures[figures["category"].isin(categories)]
    return chosen[
        [
            "figure_id",
            "category",
            "measure",
            "subject",
            "value",
            "low",
            "high",
            "unit",
            "qualifier",
            "attributed_to",
            "quote",
            "start",
            "end",
        ]
    ]


# What a reader needs on the page; the numbers, units, groups and kinds are in findings.csv.
FINDING_COLUMNS = ["claim", "quote", "verdict", "reason", "comparison", "reference_source", "start", "end"]


def show_findings(context: Context, reference_unit: str = "") -> _Bundle:
    """The curated findings, checks first and context last (optionally only those compared
    with figures in one unit)."""
    findings = context.tables["findings"]
    if findings.empty:
        return needs_annotations("figures to check")
    if reference_unit:
        findings = findings[findings["reference_unit"] == reference_unit]
    ordered = findings.sort_values("finding_type", key=lambda kind: kind != "check", kind="stable")
    return show_table(ordered[FINDING_COLUMNS])


