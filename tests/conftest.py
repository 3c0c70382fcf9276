"""Shared fixtures of the data-layer tests: the seed article, its mentions, the CLI, scratch articles."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
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


RENDER_TIMEOUT = 900  # a hang guard only: a busy machine may take minutes


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder common to every pytest-xdist worker of this run (the parent of their own)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _adopt_entries(entries: Path) -> None:
    """Copy verified cache entries into this worker's cache (those it lacks), each moved into
    place in one rename, as the cache stores its own."""
    from spillover import cache

    for entry in sorted(entries.iterdir()):
        if (cache.CACHE / entry.name).exists():
            continue
        scratch = cache.scratch("adopted")
        try:
            shutil.copytree(entry, scratch / entry.name)
            os.replace(scratch / entry.name, cache.CACHE / entry.name)
        except OSError:  # another thread adopted it first
            pass
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(scope="session")
def shared_report(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """shared_report(article, jobs=0) renders an article as a user would (`spillover render`),
    once for the whole run, and returns the index.html of that report, which tests only read.

    A cold render costs seconds of kernels a chapter. Under pytest-xdist the first worker to ask
    renders, holding a lock; the others wait for it, then copy its cache entries (verified as
    any entry is) into their own cache: their own renders of that article are then warm, as if
    they had rendered it themselves."""
    from spillover import cache, params, render

    root = _run_folder(tmp_path_factory) / "shared-reports"
    root.mkdir(exist_ok=True)

    def get(article: Path, jobs: int = 0) -> Path:
        article = Path(article).resolve()
        name = f"{article.stem}-{hashlib.sha256(str(article).encode()).hexdigest()[:12]}"
        folder, failed = root / name, root / name / "failed.txt"
        with open(root / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (folder / "entries").is_dir() and not failed.exists():
                folder.mkdir(exist_ok=True)
                result = subprocess.run(
                    [sys.executable, "-m", "spillover", "render", "--article", str(article)]
                    + ["--out", str(folder / "report"), *(["--jobs", str(jobs)] if jobs else [])],
                    capture_output=True,
                    text=True,
                    cwd=paths.ROOT,
                    timeout=RENDER_TIMEOUT,
                )
                if result.returncode != 0:
                    failed.write_text(f"exit {result.returncode}: {result.stderr}", encoding="utf-8")
                else:
                    jobs_, tables_key = render.plan(article, params.validate({}))
                    for key in [*(job.key for job in jobs_), tables_key]:
                        if (cache.CACHE / key).is_dir():  # a chapter left out has none
                            shutil.copytree(cache.CACHE / key, folder / "entries.tmp" / key)
                    os.replace(folder / "entries.tmp", folder / "entries")
        if failed.exists():
            pytest.fail(f"spillover render --article {article}: {failed.read_text(encoding='utf-8')}")
        _adopt_entries(folder / "entries")
        return folder / "report" / "index.html"

    return get


@pytest.fixture(scope="session")
def seed_report_index(shared_report: Callable[..., Path]) -> Path:
    """index.html of one render of the seed article (through the cache), shared by the tests
    that only read a report; it also warms this worker's cache for the seed."""
    return shared_report(paths.DEFAULT_ARTICLE)


@pytest.fixture(scope="session")
def hostile_article() -> str:
    """The text of an article full of markup and script (see HOSTILE_ARTICLE_TEXT)."""
    return HOSTILE_ARTICLE_TEXT


@pytest.fixture(scope="session")
def hostile_report_index(
    shared_report: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """index.html of the hostile article's report (`spillover render`), rendered once for the run."""
    article = _run_folder(tmp_path_factory) / "hostile.txt"
    draft = article.with_name(f"hostile-{os.getpid()}.txt")  # every worker writes the same bytes
    draft.write_text(HOSTILE_ARTICLE_TEXT, encoding="utf-8")
    os.replace(draft, article)
    return shared_report(article)
