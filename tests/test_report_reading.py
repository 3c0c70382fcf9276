"""The report as a reader meets it, in headless Chromium with the network cut: the finding and the
article's masthead on the first screen, a phone at 390 px with nothing wider than the screen,
chart titles that fit their charts, quote columns a reader can see, highlights reachable by
keyboard with their meaning shown, quote links that land with context and lead back, and an A4
print with no table cut at the page edge and no chart split across pages.

Two reports are read: the seed's, and that of an article nobody annotated
(tests/articles/kenya-history.txt). The tests write screenshots at both widths, the PDF and its
first two pages to .cache/test-artifacts/report-screenshots/ (gitignored) and print the
scroll heights and the PDF's page count (pytest -s shows them). Nothing waits for a time:
the page says when its charts are drawn (body[data-charts-pending="0"]).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from browser_tools import charts_drawn, open_everything, open_offline
from playwright.sync_api import Page

from spillover import params, paths
from spillover.article import read_article
from spillover.lede import lede_html, masthead_html
from spillover.report import table_html, tables_entry

SHOTS = paths.ROOT / ".cache" / "test-artifacts" / "report-screenshots"  # reports/ belongs to renders
WIDTHS = {1280: 900, 390: 844}  # viewport width: height (a laptop; a phone)
# A4 at 96 px per inch, less the page margins of the print stylesheet (@page: 14 mm 12 mm).
A4_WIDTH_PX = round((210 - 2 * 12) / 25.4 * 96)
A4_HEIGHT_PX = round((297 - 2 * 14) / 25.4 * 96)


def in_browser(test):
    """A test that opens a rendered report in Chromium (markers browser and slow)."""
    return pytest.mark.browser(pytest.mark.slow(test))


@pytest.fixture(scope="module", params=["seed", "kenya-history"])
def report(request, shared_report) -> tuple[str, Path]:  # noqa: ANN001
    """(name, index.html) of the seed's report and of an unannotated article's."""
    if request.param == "seed":
        return request.param, shared_report(paths.DEFAULT_ARTICLE)
    return request.param, shared_report(paths.ROOT / "tests" / "articles" / f"{request.param}.txt")


def open_report(browser, index: Path, width: int, height: int | None = None) -> tuple[Page, list[str]]:  # noqa: ANN001
    """The report offline at a viewport (no console error allowed); the page and the requests
    that were blocked (none expected). Returns once its charts are drawn."""
    page, problems = open_offline(browser, index, width, height or WIDTHS[width])
    assert problems["console"] == [], problems["console"]
    return page, problems["network"]


# Puts a page back as it opened: each folded part as it was, the code hidden, the top in view.
AS_OPENED = """initial => {
  document.querySelectorAll('details').forEach((d, i) => { d.open = initial[i]; });
  if (document.body.classList.contains('show-code')) document.getElementById('toggle-code').click();
  window.scrollTo(0, 0);
}"""


@pytest.fixture(scope="module")
def pages(browser, report):  # noqa: ANN001
    """The report opened once at each width (network blocked, no console error), shared by the
    tests that read it without clicking through it: each takes its page with `as_opened` (a page
    load costs seconds; putting the folds back costs nothing). Yields {width: (page, blocked)}."""
    _, index = report
    opened = {}
    for width in WIDTHS:
        page, blocked = open_report(browser, index, width)
        initial = page.evaluate("() => [...document.querySelectorAll('details')].map(d => d.open)")
        opened[width] = (page, blocked, initial)
    yield opened
    for page, _, _ in opened.values():
        page.context.close()


def as_opened(pages: dict, width: int) -> Page:
    """The shared page at `width`, put back as it opened."""
    page, _, initial = pages[width]
    page.evaluate(AS_OPENED, initial)
    charts_drawn(page)
    return page


def shoot(page: Page, name: str, full_page: bool = False) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


# Elements that stick out to the right of the viewport, other than those inside a box that
# scrolls sideways and says so (.table-wrap.scrolls), and those not shown (in a folded part).
WIDER_THAN_THE_SCREEN = """() => {
  const limit = window.innerWidth + 1, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= limit || !el.checkVisibility()) continue;
    if (el.closest('.table-wrap.scrolls')) continue;
    out.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''} right=${Math.round(r.right)}`);
  }
  return out;
}"""


# Tables, charts and boxes wider than the page, or cut inside their own box.
WIDER_THAN_THE_PAGE = """(width) => [
    ...document.querySelectorAll('table.data, figure.chart, .table-wrap, .article-card')]
  .filter(el => el.getBoundingClientRect().width > 0)
  .filter(el => el.getBoundingClientRect().right > width + 1 || el.scrollWidth > el.clientWidth + 1)
  .map(el => el.tagName + '.' + el.className)"""


@in_browser
def test_the_finding_and_the_masthead_are_on_the_first_screen(report, pages):
    name, _ = report
    for width, height in WIDTHS.items():
        page, blocked = as_opened(pages, width), pages[width][1]
        assert blocked == []
        shoot(page, f"{name}-{width}")
        shoot(page, f"{name}-{width}-full", full_page=True)
        for selector in ("h1.headline", "#lede", ".article-card"):
            box = page.locator(selector).bounding_box()
            assert box is not None, f"{selector} missing at {width} px"
            assert box["y"] >= 0 and box["y"] + box["height"] <= height, (
                f"{selector} of the {name} report is not on the first screen at {width} px: {box}"
            )
        # the lede's quotes link to their highlights in the article
        links = page.eval_on_selector_all("#lede a.quote", "els => els.map(e => e.getAttribute('href'))")
        for href in links:
            assert page.locator(f".article-text mark[id='{href[1:]}']").count() == 1, href
        if name == "seed":
            assert len(links) >= 3 and "804 miles" in page.inner_text("h1.headline")
            assert "political commentary" in page.inner_text(".article-card")
        else:  # an article nobody annotated says what it holds and what was checked
            lede = page.inner_text("#lede")
            assert "It states" in lede and "Checked automatically" in lede


@in_browser
def test_a_phone_gets_nothing_wider_than_its_screen(report, pages):
    name, _ = report
    page = as_opened(pages, 390)
    assert not page.evaluate("document.getElementById('toc-box').open")  # the contents are folded
    for state in ("as it opens", "every part opened"):
        if state == "every part opened":
            open_everything(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("innerWidth")
        assert page.evaluate(WIDER_THAN_THE_SCREEN) == [], f"{name}, {state}"


@in_browser
def test_every_chart_title_fits_its_chart(report, pages):
    name, _ = report
    for width in WIDTHS:
        page = as_opened(pages, width)
        open_everything(page)
        plots = page.locator("figure.chart .plot")
        assert plots.count() >= 2
        for i in range(plots.count()):
            plot = plots.nth(i)
            svg = plot.locator("svg.main-svg").first.bounding_box()
            title = plot.locator(".gtitle").bounding_box()
            assert svg and title, f"chart {i} of {name} is not drawn at {width} px"
            inside = (
                title["x"] >= svg["x"] - 1
                and title["x"] + title["width"] <= svg["x"] + svg["width"] + 1
                and title["y"] >= svg["y"] - 1
            )
            assert inside, f"the title of chart {i} of {name} leaves its chart at {width} px"


@in_browser
def test_every_quote_column_is_first_and_on_screen(report, pages):
    name, _ = report
    for width in WIDTHS:
        page = as_opened(pages, width)
        open_everything(page)
        tables = page.locator("table.data")
        with_quotes = 0
        for i in range(tables.count()):
            table = tables.nth(i)
            if table.locator("td.col-quote").count() == 0:
                continue
            with_quotes += 1
            first_cells = table.evaluate("t => [...t.tBodies[0].rows].map(r => r.cells[0].className)")
            assert all("col-quote" in c for c in first_cells), f"table {i} of {name}: quote not first"
            cell = table.locator("td.col-quote").first
            cell.scroll_into_view_if_needed()
            box = cell.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (
                f"the quote column of table {i} of {name} is off screen at {width} px"
            )
            # no internal ids as visible cells
            assert "figure id" not in table.locator("thead").inner_text().lower()
        assert with_quotes >= 1


@in_browser
def test_keyboard_reaches_a_highlight_and_shows_its_meaning(browser, report):
    name, index = report
    page, _ = open_report(browser, index, 1280)
    # From the top of the page, Tab alone reaches the summary that unfolds the article.
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('details.article > summary')"):
            break
    else:
        pytest.fail(f"Tab never reached the article's summary in the {name} report")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
          const el = document.activeElement;
          const after = getComputedStyle(el, '::after');
          const described = document.getElementById(el.getAttribute('aria-describedby') || '');
          return {tag: el.tagName, meaning: el.dataset.meaning || '', content: after.content,
                  position: after.position, description: described ? described.textContent : ''};
        }"""
    )
    assert focused["tag"] == "MARK", focused
    assert focused["meaning"] and focused["description"] == focused["meaning"]
    assert focused["position"] == "fixed" and focused["meaning"] in focused["content"]
    shoot(page, f"{name}-1280-focused-highlight")
    page.context.close()


@in_browser
def test_a_quote_link_lands_with_context_and_leads_back(browser, report):
    name, index = report
    page, _ = open_report(browser, index, 1280)
    open_everything(page)
    link = page.locator("table.data tr[id] a.quote").first
    row_id = link.evaluate("a => a.closest('tr').id")
    page.evaluate("() => document.querySelectorAll('details.article').forEach(d => { d.open = false; })")
    link.click()
    target = page.evaluate(
        """() => {
          const el = document.querySelector(':target');
          const r = el.getBoundingClientRect();
          return {tag: el.tagName, top: r.top, bottom: r.bottom, outline: getComputedStyle(el).outlineStyle};
        }"""
    )
    height = WIDTHS[1280]
    assert target["tag"] == "MARK" and target["outline"] != "none"
    # not flush at the top: the sentences before it are on screen
    assert 0.15 * height <= target["top"] and target["bottom"] <= height
    back = page.locator("#back-link")
    assert back.is_visible() and back.get_attribute("href") == f"#{row_id}"
    back.click()
    assert page.evaluate("() => document.querySelector(':target').id") == row_id
    row = page.locator(f"[id='{row_id}']").bounding_box()
    assert row and 0 <= row["y"] <= height
    page.context.close()


@in_browser
def test_code_is_behind_one_button(pages):
    page = as_opened(pages, 1280)
    assert page.locator("details.code").count() == 0
    code = page.locator(".code").first
    assert not code.is_visible()
    # no tab stop inside any code block
    assert page.locator(".code a, .code summary, .code [tabindex]").count() == 0
    page.click("#toggle-code")
    assert code.is_visible()
    page.click("#toggle-code")
    assert not code.is_visible()


@in_browser
def test_the_page_is_a_fraction_of_its_full_length(report, pages):
    """Folded, the page is much shorter than with every part open (the long tables, the article
    and the secondary charts are a click away); the heights are printed."""
    name, _ = report
    heights = {}
    for width in WIDTHS:
        page = as_opened(pages, width)
        folded = page.evaluate("document.body.scrollHeight")
        open_everything(page)
        heights[width] = (folded, page.evaluate("document.body.scrollHeight"))
    print(f"\n{name}: document.body.scrollHeight folded / every part open: {heights}")
    if name == "seed":
        folded, full = heights[1280]
        assert folded <= 0.35 * full, heights


@in_browser
def test_print_on_a4_cuts_no_table_and_splits_no_chart(browser, report):
    name, index = report
    page, _ = open_report(browser, index, 1280)
    # The print layout at the width of an A4 page's text.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_WIDTH_PX, "height": A4_HEIGHT_PX})
    too_wide = page.evaluate(WIDER_THAN_THE_PAGE, A4_WIDTH_PX)
    assert too_wide == [], f"cut at the page edge in the {name} report: {too_wide}"
    figures = page.evaluate(
        """() => [...document.querySelectorAll('figure.chart')].map(f => ({
             avoid: getComputedStyle(f).breakInside, height: f.getBoundingClientRect().height}))"""
    )
    assert figures and all(f["avoid"] == "avoid" for f in figures)
    assert all(f["height"] <= A4_HEIGHT_PX for f in figures if f["height"]), figures
    colours = page.eval_on_selector_all(
        "mark, td.verdict", "els => els.map(e => getComputedStyle(e).printColorAdjust)"
    )
    assert colours and set(colours) == {"exact"}
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf_path = SHOTS / f"{name}.pdf"
    pdf_path.write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    print(f"\n{name}: the A4 PDF has {pages} pages ({pdf_path})")
    assert pages >= 1
    first_two_pages(page, pdf_path, name)
    page.context.close()


def first_two_pages(page: Page, pdf_path: Path, name: str) -> None:
    """The PDF's first two pages as PNG (pdftoppm, from poppler-utils), or the print layout's
    first two page heights as screenshots when pdftoppm is not installed."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        subprocess.run(
            [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf_path), str(SHOTS / f"{name}-print")],
            check=True,
            timeout=120,
        )
        return
    for number in (1, 2):
        page.screenshot(
            path=str(SHOTS / f"{name}-print-{number}.png"),
            clip={"x": 0, "y": (number - 1) * A4_HEIGHT_PX, "width": A4_WIDTH_PX, "height": A4_HEIGHT_PX},
            full_page=True,
        )


# --- the words on the page, without a browser ---------------------------------------------------


@pytest.fixture(scope="module")
def seed_tables() -> Path:
    return tables_entry(paths.DEFAULT_ARTICLE, params.validate({}))


def test_the_seeds_lede_counts_its_one_error_once(seed_tables):
    html = lede_html(seed_tables, read_article(paths.DEFAULT_ARTICLE))
    headline = re.search(r'<h1 class="headline">(.*?)</h1>', html).group(1)
    # three rows of evidence and an automatic check about one figure: one error
    assert headline == "One of the article\u2019s figures is wrong: \u201c804 miles\u201d"
    assert html.count("<strong>Wrong:</strong>") == 1
    assert "“804 miles”" in html and "beyond the 1% tolerance" in html
    # a map measurement is a lower bound, and context is no verdict
    assert "can only under-measure" in html and "For scale, not verdicts" in html
    assert "finding_group" not in html and "border_af_tj" not in html


def test_a_masthead_names_the_article_and_links_only_to_the_web(tmp_path):
    seed = masthead_html(read_article(paths.DEFAULT_ARTICLE))
    assert "Clara Weiss" in seed and "political commentary" in seed and "13 July 2021" in seed
    article = tmp_path / "a.txt"
    article.write_text(
        "A <b>title</b>\n\nBy Someone\n13 July 2021\n\nThere were 300 people.\n", encoding="utf-8"
    )
    (tmp_path / "a.meta.yaml").write_text("url: 'javascript:alert(1)'\nkind: blog post\n", encoding="utf-8")
    masthead = masthead_html(read_article(article))
    assert "blog post" in masthead and "&lt;b&gt;title&lt;/b&gt;" in masthead
    assert "javascript:" not in masthead and "<a " not in masthead


def test_a_table_for_readers():
    table = pd.DataFrame(
        {
            "figure_id": ["refugees", "soldiers", "share"],
            "category": ["refugee_flows", "refugee_flows", "economy_society"],
            "value": [float("nan"), 1500.0, 1 / 3],
            "low": [2000.0, 1500.0, 1 / 3],
            "high": [999999.0, 1500.0, 1 / 3],
            "unit": ["", "", "fraction"],
            "quote": ["many thousands", "1,500", "a third"],
            "start": [10, 20, 30],
            "end": [24, 25, 37],
        }
    )
    html = table_html(table, caption="Some figures")
    head = re.findall(r"<th scope=\"col\">(.*?)</th>", html)
    assert head[0] == "quote" and "figure id" not in head and "start" not in head
    assert "at least" not in head  # the bounds say nothing the value does not, but in words
    assert "refugee flows" in html and "economy and society" in html and "33%" in html
    assert "999,999" not in html and "fewer than 1,000,000" in html and "at least 2,000" in html
    assert '<a class="quote" href="#q-10-24">many thousands</a>' in html
    assert 'data-label="quote"' in html and "<caption>Some figures</caption>" in html
    long = pd.concat([table] * 5, ignore_index=True)
    folded = table_html(long, caption="Long", shown=4)
    assert folded.count("<tr id=") == 15 and "Show the other 11 of 15 rows" in folded
