"""Articles nobody annotated, of four genres (tests/articles/, see SOURCE.md there), rendered as a
new user would: no empty chapter, nothing of the seed on the page, charts of each article's own
quantities, and the automatic checks run."""

from __future__ import annotations

import html
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from spillover import geo, paths
from spillover.findings import article_region

ARTICLES = sorted((paths.ROOT / "tests" / "articles").glob("*.txt"))


@pytest.fixture(scope="module")
def reports(shared_report) -> dict[str, Path]:  # noqa: ANN001
    """Each unseen article rendered once (`spillover render`, as a new user would), side by side."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        indexes = pool.map(lambda article: shared_report(article, jobs=1), ARTICLES)
        return {article.stem: index.parent for article, index in zip(ARTICLES, indexes, strict=True)}


def visible_text(page: str) -> str:
    body = re.sub(r"<script.*?</script>", "", page[page.index("<main>") :], flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def seed_words() -> set[str]:
    """The seed's countries and map places, as its checks file names them."""
    region = article_region(paths.DEFAULT_ARTICLE)
    return set(region.names) | set(geo.places(region=region)["name"]) | {"Kremlin", "Taliban"}


def test_there_are_unseen_articles_of_several_genres():
    assert len(ARTICLES) >= 3
    source = (paths.ROOT / "tests" / "articles" / "SOURCE.md").read_text(encoding="utf-8")
    for article in ARTICLES:
        assert article.name in source, f"{article.name} has no origin in SOURCE.md"


@pytest.mark.slow
@pytest.mark.parametrize("article", ARTICLES, ids=[a.stem for a in ARTICLES])
def test_no_empty_chapter_and_nothing_of_the_seed(article: Path, reports: dict[str, Path]):
    page = (reports[article.stem] / "index.html").read_text(encoding="utf-8")
    text = visible_text(page)
    assert "No rows" not in text
    chapters = re.findall(r'<h1 id="[^"]+">([^<]+)</h1>', page)
    assert chapters[0] == "The article and its figures" and "Findings" in chapters
    # Chapters left out are named once, at the top, with how to get them.
    if len(chapters) < 7:
        assert "Not in this report" in text and "spillover annotate" in text
    source = article.read_text(encoding="utf-8")
    shown = sorted(word for word in seed_words() if word in text and word not in source)
    assert shown == [], f"the seed's {shown} on the report of {article.name}"
    assert "Teacher's guide" not in chapters


@pytest.mark.slow
@pytest.mark.parametrize("article", ARTICLES, ids=[a.stem for a in ARTICLES])
def test_charts_of_the_articles_own_quantities(article: Path, reports: dict[str, Path]):
    page = (reports[article.stem] / "index.html").read_text(encoding="utf-8")
    charts = re.findall(r'<figure class="chart" id="chart-([^"]+)"', page)
    assert len(charts) >= 2, charts
    quantities = pd.read_csv(reports[article.stem] / "data" / "quantities.csv", keep_default_na=False)
    stated = quantities[quantities["value"] != ""]
    counts = stated.groupby(["measure", "unit"]).size()
    for (measure, unit), n in counts.items():
        name = f"quantities-{measure.replace(' ', '-')}" + (f"-{unit}" if unit else "")
        assert (name.replace("_", "-") in charts) == (n >= 3), (name, n, charts)


@pytest.mark.slow
@pytest.mark.parametrize("article", ARTICLES, ids=[a.stem for a in ARTICLES])
def test_the_automatic_checks_ran(article: Path, reports: dict[str, Path]):
    page = (reports[article.stem] / "index.html").read_text(encoding="utf-8")
    assert "Automatic checks against the World Factbook" in visible_text(page)
    checks = pd.read_csv(reports[article.stem] / "data" / "auto_checks.csv", keep_default_na=False)
    for row in checks.itertuples():
        assert article.read_text(encoding="utf-8")[row.start : row.end] == row.quote
        assert row.verdict in {"consistent", "inconsistent", "not checkable"}
