"""Names shared by the notebooks' display outputs and the page that renders them."""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spillover.article import Article

PLOTLY_MIME = "application/vnd.plotly.v1+json"
CHART_MIME = "application/vnd.spillover.chart+json"  # a chart's caption, source and alt text


def slug(text: str) -> str:
    """An element id or class from any text: lower-case words joined by hyphens."""
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


# --- the article's text, with its figures highlighted ------------------------------------------

# The display output (beside its text/html) that marks where the page shows the article: the
# renderer writes the text there itself, once it knows which quotes the rest of the page links to.
ARTICLE_MIME = "application/vnd.spillover.article+json"
# Highlights beyond the annotated figures and the quotes the page links to: past this many, an
# article's other numbers are plain text (the page says so; every one is in mentions.csv), so a
# long article's page grows with its text and not by ~300 bytes of markup per number.
MAX_HIGHLIGHTS = 200


def quote_anchor(start: int, end: int) -> str:
    """The id of a quote's highlight in the report's copy of the article."""
    return f"q-{int(start)}-{int(end)}"


QUOTE_LINK = re.compile(r'href="#q-(\d+)-(\d+)"')


def linked_quotes(page_html: str) -> set[tuple[int, int]]:
    """The (start, end) of every quote a piece of the page links to (href="#q-START-END")."""
    return {(int(start), int(end)) for start, end in QUOTE_LINK.findall(page_html)}


def mention_meaning(kind: str) -> str:
    """The meaning shown for a mention of a kind (for "": a quote that is not a number)."""
    if not kind:
        return "quoted in a table of this report"
    return f"a {kind} the extractor found; no meaning is annotated"


def article_html(
    article: Article,
    figures: dict[tuple[int, int], str],
    mentions: dict[tuple[int, int], str],
    linked: Iterable[tuple[int, int]] = (),
    limit: int = MAX_HIGHLIGHTS,
) -> str:
    """The article's paragraphs, escaped, with its figures highlighted: every annotated figure
    (`figures`: span -> meaning), every mention or other quote (a place's name) the page links
    to, and the first `limit` other mentions (`mentions`: span -> kind); past the limit, one
    line says how many are plain text.
    Each highlight has the id the tables link to, takes the keyboard focus, and shows its meaning
    when focused, hovered or linked to (a CSS tooltip from data-meaning; screen readers get it by
    aria-describedby from a list after the text, so the text itself reads as the article does:
    one entry per figure, one per kind of unannotated mention)."""
    linked = {(int(start), int(end)) for start, end in linked}
    # a quote of something else than a number (a place's name, say) a table links to
    quoted = {(s, e) for s, e in linked - set(figures) - set(mentions) if 0 <= s < e <= len(article.text)}
    wanted = set(figures) | (linked & set(mentions)) | quoted
    others = sorted(set(mentions) - wanted)
    wanted.update(others[:limit])
    plain = len(others) - min(len(others), limit)
    spans = sorted(wanted)
    header = [(s, "header") for s in (article.title, article.byline, article.dateline) if s]
    parts, described, kinds = [], [], {}
    for block, css in [*header, *((p, "") for p in article.paragraphs)]:
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
            anchor = quote_anchor(start, end)
            if (start, end) in figures:
                said = " ".join(article.text[start:end].split())
                tip = html.escape(f"\u201c{said}\u201d: {figures[start, end]}")
                about = f"about-{anchor}"
                described.append(f'<li id="{about}">{tip}</li>')
                mark = "figure"
            else:
                kind = mentions.get((start, end), "")
                about = kinds.setdefault(kind, f"about-kind-{len(kinds) + 1}")
                tip = html.escape(mention_meaning(kind))
                mark = "mention" if kind else "quoted"
            out.append(
                f'<mark class="{mark}" id="{anchor}" tabindex="0" aria-describedby="{about}" '
                f'data-meaning="{tip}">{html.escape(article.text[start:end])}</mark>'
            )
            position = end
        out.append(html.escape(article.text[position : block.end]))
        attribute = f' class="{css}"' if css else ""
        parts.append(f"<p{attribute}>{' '.join(''.join(out).split())}</p>")
    described.extend(
        f'<li id="{about}">{html.escape(mention_meaning(kind))}</li>' for kind, about in kinds.items()
    )
    meanings = f'<ul class="meanings" hidden>{"".join(described)}</ul>' if described else ""
    note = ""
    if plain:
        note = (
            f'<p class="article-note">{plain:,} of the article\u2019s {len(mentions):,} numbers are '
            f"plain text here, to keep the page small: highlighted are the annotated figures, the "
            f"numbers a table links to and the first {limit:,} others. Every number is in "
            f"mentions.csv.</p>"
        )
    return f'<div class="article-text">{note}{"".join(parts)}{meanings}</div>'


def article_folded(
    article: Article, body: str, figures: int, mentions: int, limit: int = MAX_HIGHLIGHTS
) -> str:
    """The article's text folded away behind a summary (a quote link opens it at the quote)."""
    words_count = len(article.text.split())
    some = "part of " if mentions - figures > limit else ""
    marked = (
        f"its {figures} annotated figures and {some}its {mentions - figures:,} other numbers"
        if figures
        else (f"{some}its {mentions:,} numbers")
    )
    summary = f"Read the article ({words_count:,} words) with {marked} highlighted"
    return f'<details class="article"><summary>{html.escape(summary)}</summary>{body}</details>'
