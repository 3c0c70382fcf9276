"""The rendered report in a real browser: Debian's chromium, headless, with the network cut.

Two renders are opened: the seed article's report, and the report of an article that carries
HTML and script, which must show as text and never run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_tools import charts_drawn, open_offline

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def open_page(browser, index: Path, shots: Path):  # noqa: ANN001
    """The report, opened offline, with a screenshot of its first screen in `shots`."""
    page, problems = open_offline(browser, index)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "report.png"), full_page=False)
    return page, problems


def test_seed_report_draws_every_chart_offline(browser, seed_report_index, tmp_path):
    page, problems = open_page(browser, seed_report_index, tmp_path)
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


def test_table_of_contents_and_quote_links_resolve(browser, seed_report_index, tmp_path):
    page, _ = open_page(browser, seed_report_index, tmp_path)
    targets = page.eval_on_selector_all(
        "a[href^='#']", "els => els.map(e => e.getAttribute('href').slice(1))"
    )
    assert len(targets) > 20
    missing = [t for t in targets if page.locator(f"[id='{t}']").count() != 1]
    assert missing == []
    toc = page.locator("nav.toc a[href^='#']")
    assert toc.count() >= 7


def test_code_is_hidden_until_asked_for(browser, seed_report_index, tmp_path):
    page, _ = open_page(browser, seed_report_index, tmp_path)
    first = page.locator(".code").first
    assert not first.is_visible()
    page.click("#toggle-code")
    assert first.is_visible()
    page.click("#toggle-code")
    assert not first.is_visible()


def test_article_script_never_runs(browser, hostile_report_index, tmp_path):
    page, problems = open_page(browser, hostile_report_index, tmp_path)
    assert page.evaluate("() => window.__xss") is None
    for link in page.locator("a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith("javascript:")
    assert problems["network"] == []
    # The markup is shown as text, not interpreted.
    assert "<script>" in page.inner_text("main")
    source = hostile_report_index.read_text(encoding="utf-8")
    assert not re.search(r"<img src=x onerror", source)
