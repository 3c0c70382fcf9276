"""What the browser tests share: a report opened in headless Chromium with the network cut, and
waiting for its charts (the page counts them; nothing waits for a time)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page

from spillover.classroom import BROWSER_TIMEOUT_MS


def open_offline(browser: Browser, index: Path, width: int = 1280, height: int = 900) -> tuple[Page, dict]:
    """The report in a new page of the given viewport, every request but file: and data: aborted;
    returns once its charts are drawn, with what went wrong: console errors, failed requests and
    the network requests that were blocked (none expected)."""
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)  # a hang guard for a busy machine, not a speed limit
    problems: dict[str, list[str]] = {"console": [], "failed": [], "network": []}
    page.on("console", lambda m: problems["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems["console"].append(str(error)))
    page.on("requestfailed", lambda request: problems["failed"].append(request.url))

    def route(route):  # noqa: ANN001
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            problems["network"].append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.goto(index.as_uri())
    charts_drawn(page)
    return page, problems


def charts_drawn(page: Page) -> None:
    """Wait until every chart the page started drawing is drawn and fitted."""
    page.wait_for_function(
        "document.body.dataset.chartsPending === '0' && "
        "document.querySelectorAll('.plot[data-drawn]').length === "
        "document.querySelectorAll('.plot[data-fitted]').length"
    )


def open_everything(page: Page) -> None:
    """Open every folded part (sections, rest of tables, the article) and wait for its charts."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    charts_drawn(page)
