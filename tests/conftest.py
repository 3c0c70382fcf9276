"""Shared fixtures of the data-layer tests: the seed article, its mentions, the CLI, scratch articles."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from spillover import paths

# Under pytest-xdist (`make test` runs two workers) each worker has a render cache of its own, set
# before any test imports spillover.cache, and inherited by the renders and kernels it starts:
# a test that tampers with an entry, or counts which notebooks ran, never sees another worker's.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault(
        "SPILLOVER_CACHE_DIR", str(paths.ROOT / ".cache" / f"render-{os.environ['PYTEST_XDIST_WORKER']}")
    )
from spillover.article import Article, read_article
from spillover.extract import extract_mentions


@pytest.fixture(scope="session")
def seed() -> Article:
    """The seed article, read once per session."""
    return read_article(paths.DEFAULT_ARTICLE)


@pytest.fixture(scope="session")
def seed_mentions(seed: Article) -> pd.DataFrame:
    """The extractor's mentions table of the seed article."""
    return extract_mentions(seed)


def _run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spillover.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or paths.ROOT,
        timeout=120,
    )


@pytest.fixture(scope="session")
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """run_cli(*args) runs `python -m spillover.cli ARGS` in a subprocess; stdout/stderr captured."""
    return _run_cli


@pytest.fixture(scope="session")
def seed_tables_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tables of the seed article, written once per session by `spillover tables --out DIR`."""
    out = tmp_path_factory.mktemp("seed_tables")
    result = _run_cli("tables", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def tmp_article(tmp_path: Path) -> Callable[..., Path]:
    """tmp_article(text_or_bytes, name="article.txt") writes a scratch article and returns its path.

    str is written as UTF-8 exactly as given (no newline translation); bytes are written as is.
    """

    def make(content: str | bytes, name: str = "article.txt") -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return make


# An article that carries HTML and script: every piece must be shown as text and never run.
HOSTILE_ARTICLE_TEXT = """Hostile <script>window.__xss = 1</script> headline

A. Tester
13 July 2021

Some 300 people <img src=x onerror="window.__xss = 2"> crossed the border last Monday, and
<a href="javascript:window.__xss = 3">a link</a> says 12 percent more may follow in May.

</script><script>window.__xss = 4</script> The border is 1,357 kilometers long.
Click <a href=" JaVaScRiPt:window.__xss = 5">here</a> or <svg onload="window.__xss = 6"></svg>.
"""


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session's browser tests (Debian's chromium; .ci/run installs it)."""
    from playwright.sync_api import sync_playwright

    from spillover.classroom import BROWSER_TIMEOUT_MS, CHROMIUM_FLAGS, chromium_path

    executable = chromium_path()
    if executable is None:
        pytest.fail("chromium not found: install Debian's chromium (apt-get install chromium; .ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_FLAGS, timeout=BROWSER_TIMEOUT_MS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def seed_report_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """index.html of one render of the seed article (with the cache), shared by the tests that
    only read a report."""
    from spillover.render import render_report

    return render_report(out=tmp_path_factory.mktemp("seed-report") / "report")


@pytest.fixture(scope="session")
def hostile_article() -> str:
    """The text of an article full of markup and script (see HOSTILE_ARTICLE_TEXT)."""
    return HOSTILE_ARTICLE_TEXT
