"""The rendered report in a real browser: Debian's chromium, headless, with the network cut.

Two renders are opened: the seed article's report, and the report of an article that carries
HTML and script, which must show as text and never run.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from spillover.render import render_report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: install Debian's chromium (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def open_offline(browser, index: Path, shots: Path):
    """Open a report with every non-file request blocked; return the page and what went wrong."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: dict[str, list[str]] = {"console": [], "failed": [], "network": []}
    page.on("console", lambda m: problems["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems["console"].append(str(e)))
    page.on("requestfailed", lambda r: problems["failed"].append(r.url))

    def route(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            problems["network"].append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.goto(index.as_uri())
    charts_drawn(page)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "report.png"), full_page=False)
    return page, problems


def charts_drawn(page) -> None:
    """Wait until every chart the page started drawing is drawn (the page counts them)."""
    page.wait_for_function(
        "document.body.dataset.chartsPending === '0' && "
        "document.querySelectorAll('.plot[data-drawn]').length === "
        "document.querySelectorAll('.plot[data-fitted]').length"
    )


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory) -> Path:
    return render_report(out=tmp_path_factory.mktemp("seed") / "report")


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory, hostile_article: str) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    article = folder / "hostile.txt"
    article.write_text(hostile_article, encoding="utf-8")
    return render_report(article, folder / "report")


def test_seed_report_draws_every_chart_offline(browser, seed_report, tmp_path):
    page, problems = open_offline(browser, seed_report, tmp_path)
    assert problems == {"console": [], "failed": [], "network": []}
    # charts in folded parts are drawn when their part opens
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    charts_drawn(page)
    assert problems == {"console": [], "failed": [], "network": []}
    plots = page.locator("figure.chart .plot")
    assert plots.count() >= 8
    for i in range(plots.count()):
        assert plots.nth(i).locator("svg.main-svg").count() >= 1, f"chart {i} drew no SVG"
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_table_of_contents_and_quote_links_resolve(browser, seed_report, tmp_path):
    page, _ = open_offline(browser, seed_report, tmp_path)
    targets = page.eval_on_selector_all(
        "a[href^='#']", "els => els.map(e => e.getAttribute('href').slice(1))"
    )
    assert len(targets) > 20
    missing = [t for t in targets if page.locator(f"[id='{t}']").count() != 1]
    assert missing == []
    toc = page.locator("nav.toc a[href^='#']")
    assert toc.count() >= 7


def test_code_is_hidden_until_asked_for(browser, seed_report, tmp_path):
    page, _ = open_offline(browser, seed_report, tmp_path)
    first = page.locator(".code").first
    assert not first.is_visible()
    page.click("#toggle-code")
    assert first.is_visible()
    page.click("#toggle-code")
    assert not first.is_visible()


def test_article_script_never_runs(browser, hostile_report, tmp_path):
    page, problems = open_offline(browser, hostile_report, tmp_path)
    assert page.evaluate("() => window.__xss") is None
    for link in page.locator("a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith("javascript:")
    assert problems["network"] == []
    # The markup is shown as text, not interpreted.
    assert "<script>" in page.inner_text("main")
    source = hostile_report.read_text(encoding="utf-8")
    assert not re.search(r"<img src=x onerror", source)
