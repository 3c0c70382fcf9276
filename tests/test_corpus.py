"""`spillover corpus`: many articles on a process pool and on a Dask cluster, the same tables
from both, bad inputs reported per article, warm reruns from the cache, and a comparative page
that escapes hostile text and flags planted disagreements.

The corpus of the module's runs: 30 Factbook texts of data/corpus/articles, plus test
articles of our own (bad files, a hostile article and file name, two articles that state
Kenya's population differently, two versions of a text paired by name and two by a pairs
file). Each run gets its own cache folder, so both executors really compute every article.
The Dask run uses a LocalCluster of two worker processes (processes=True) started here.
"""

from __future__ import annotations

import html
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from spillover import cache, corpus, keys, paths
from spillover.corpus_tables import TABLES
from spillover.errors import InputError, ParameterError

CORPUS = paths.DATA / "corpus" / "articles"
REAL_ARTICLES = 30  # the first 30 of its 49 texts (Afghanistan to Rwanda: 12 pairs of versions)
KENYA_LOW = "Kenya in brief\n\nKenya has a population of 48 million, most of them young.\n"
KENYA_HIGH = "Kenya today\n\nKenya has a population of 55 million and a growing middle class.\n"
KENYA_ABOUT = "Kenya at a glance\n\nKenya has a population of about 55 million people.\n"
BUDGET_V1 = "The budget\n\nThe ministry spent 300 million dollars on 12 schools in 2020.\n"
BUDGET_V2 = (
    "The budget\n\nThe ministry spent 350 million dollars on 12 schools in 2020. It also opened 5 clinics.\n"
)
OLD_REPORT = "Flood report\n\nThe flood displaced 4,000 people in 2019.\n"
NEW_REPORT = "Flood report, revised\n\nThe flood displaced 6,500 people in 2019.\n"
HOSTILE_NAME = "<img src=x onerror=alert(1)>.txt"
BAD_FILES = {
    "empty.txt": b"",
    "binary.txt": bytes(range(256)) * 4,
    "latin1.txt": "Café crème: 300 people crossed.\n".encode("latin-1"),
}


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory, hostile_article: str) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "articles"
    folder.mkdir()
    for article in sorted(CORPUS.glob("*.txt"))[:REAL_ARTICLES]:
        shutil.copyfile(article, folder / article.name)
    for name, content in BAD_FILES.items():
        (folder / name).write_bytes(content)
    texts = {
        "planted-kenya-low.txt": KENYA_LOW,
        "planted-kenya-high.txt": KENYA_HIGH,
        "planted-kenya-about.txt": KENYA_ABOUT,
        "budget_v1.txt": BUDGET_V1,
        "budget_v2.txt": BUDGET_V2,
        "old-flood.txt": OLD_REPORT,
        "new-flood.txt": NEW_REPORT,
        "hostile.txt": hostile_article,
        HOSTILE_NAME: "A hostile name\n\nSome 12 people crossed the river.\n",
        # Read fine, but its origin record does not match: the worker, not the client, fails.
        "badmeta.txt": "Bad metadata\n\nSome 40 people crossed.\n",
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "badmeta.meta.yaml").write_text("sha256: " + "0" * 64 + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pairs_file(corpus_dir: Path) -> Path:
    path = corpus_dir.parent / "pairs.tsv"
    path.write_text("# old\tnew\nold-flood.txt\tarticles/new-flood.txt\n", encoding="utf-8")
    return path


def _use_cache(mp: pytest.MonkeyPatch, folder: Path) -> None:
    mp.setattr(cache, "CACHE", folder)
    mp.setattr(cache, "SCRATCH", folder / ".scratch")


def _run(
    corpus_dir: Path, out: Path, cache_dir: Path, pairs: Path | None = None, **options: object
) -> corpus.CorpusRun:
    with pytest.MonkeyPatch.context() as mp:
        _use_cache(mp, cache_dir)
        return corpus.run_corpus(corpus_dir, out, pairs_file=pairs, progress=False, **options)


@pytest.fixture(scope="module")
def local_run(
    tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path, pairs_file: Path
) -> corpus.CorpusRun:
    base = tmp_path_factory.mktemp("local")
    return _run(corpus_dir, base / "out", base / "cache", pairs_file, workers=2)


@pytest.fixture(scope="module")
def dask_run(
    tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path, pairs_file: Path
) -> corpus.CorpusRun:
    from distributed import LocalCluster

    base = tmp_path_factory.mktemp("dask")
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        return _run(corpus_dir, base / "out", base / "cache", pairs_file, scheduler=cluster.scheduler_address)
    finally:
        cluster.close()


def _table(run: corpus.CorpusRun, name: str) -> pd.DataFrame:
    return pd.read_csv(run.out / "data" / f"{name}.csv", dtype=str, keep_default_na=False)


def _page(run: corpus.CorpusRun) -> str:
    return run.index.read_text(encoding="utf-8")


def _by_path(run: corpus.CorpusRun) -> dict[str, dict]:
    return {Path(row["path"]).name: row for row in _table(run, "articles").to_dict("records")}


# --- the two executors ------------------------------------------------------------------------------


def test_the_local_pool_and_a_dask_cluster_give_identical_tables(
    local_run: corpus.CorpusRun, dask_run: corpus.CorpusRun
):
    assert "process pool of 2 workers" in local_run.executor
    assert "Dask cluster" in dask_run.executor
    # Both computed every article that could be read (their caches were empty).
    readable = len(local_run.outcomes) - len(BAD_FILES)
    assert local_run.computed == dask_run.computed == readable
    files = sorted(p.name for p in (local_run.out / "data").iterdir())
    assert files == sorted(p.name for p in (dask_run.out / "data").iterdir())
    assert {"figures.csv", "articles.csv", "checks.csv", "same_quantity.csv", "changes.csv"} <= set(files)
    for name in files:
        local = (local_run.out / "data" / name).read_bytes()
        assert local == (dask_run.out / "data" / name).read_bytes(), name
    assert _page(local_run) == _page(dask_run)
    figures = _table(local_run, "figures")
    assert len(figures) > 500 and figures["article_id"].nunique() > 35


def test_the_tables_follow_their_data_dictionary(local_run: corpus.CorpusRun):
    import frictionless

    report = frictionless.validate(local_run.out / "data" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((local_run.out / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in descriptor["resources"]] == [f"{name}.csv" for name in TABLES]


# --- bad inputs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*BAD_FILES, "badmeta.txt"])
def test_a_bad_article_is_reported_with_the_single_article_message(
    name: str, local_run: corpus.CorpusRun, dask_run: corpus.CorpusRun, corpus_dir: Path, run_cli, tmp_path
):
    single = run_cli("tables", "--article", corpus_dir / name, "--out", tmp_path / "tables")
    assert single.returncode == 2
    message = single.stderr.strip().removeprefix("spillover: error: ")
    for run in (local_run, dask_run):
        row = _by_path(run)[name]
        assert (row["status"], row["error"]) == ("error", message)
        assert message in html.unescape(_page(run))


def test_the_other_articles_complete(local_run: corpus.CorpusRun):
    articles = _table(local_run, "articles")
    failed = set(articles.loc[articles["status"] != "ok", "path"].map(lambda p: Path(p).name))
    assert failed == {*BAD_FILES, "badmeta.txt"}
    assert (articles["status"] == "ok").sum() == len(articles) - 4 > 35


# --- the cache ------------------------------------------------------------------------------------------


def test_a_warm_rerun_recomputes_nothing_and_an_edit_recomputes_one(
    local_run: corpus.CorpusRun, corpus_dir: Path, pairs_file: Path, tmp_path: Path
):
    cache_dir = local_run.out.parent / "cache"
    before = sorted(p.name for p in cache_dir.iterdir())
    warm = _run(corpus_dir, local_run.out, cache_dir, pairs_file, workers=2)
    assert (warm.computed, warm.executor) == (0, "")  # no worker was even started
    assert warm.cached == len(warm.outcomes) - len(BAD_FILES)
    assert sorted(p.name for p in cache_dir.iterdir()) == before
    assert (local_run.out / "data" / "figures.csv").read_bytes() == (
        warm.out / "data" / "figures.csv"
    ).read_bytes()

    edited = tmp_path / "articles"
    shutil.copytree(corpus_dir, edited)
    (edited / "budget_v2.txt").write_text(BUDGET_V2.replace("5 clinics", "7 clinics"), encoding="utf-8")
    again = _run(edited, tmp_path / "out", cache_dir, workers=2)
    assert again.computed == 1
    assert [o.item.path.name for o in again.outcomes if o.computed] == ["budget_v2.txt"]


def test_the_corpus_key_covers_what_keys_article_inputs_covers():
    """The corpus computes the shared inputs once a run; together with an article's own they are
    exactly what spillover.keys hashes for that article's tables."""
    values = corpus.check_values({})
    for article in (paths.DEFAULT_ARTICLE, CORPUS / "kenya-economy_2021-07-01.txt"):
        shared = [keys.tree_digest(paths.REFERENCE), (paths.ROOT / "requirements.lock").read_bytes()]
        assert corpus.own_inputs(article, values) + shared == keys.article_inputs(article, values)


# --- the comparative page -------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_the_page_escapes_hostile_text_and_runs_nothing(local_run: corpus.CorpusRun):
    page = _page(local_run)
    assert "Hostile &lt;script&gt;window.__xss = 1&lt;/script&gt; headline" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # the hostile file name, as text
    parser = _Tags()
    parser.feed(page)
    names = {tag for tag, _ in parser.tags}
    assert not names & {"script", "img", "svg", "iframe", "object", "embed", "link", "base", "form"}
    for tag, attrs in parser.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.startswith(("#", "data:text/csv;base64,", "data:application/json;base64,")), href
    (policy,) = [a["content"] for t, a in parser.tags if t == "meta" and a.get("http-equiv")]
    assert "default-src 'none'" in policy and "script-src 'none'" in policy
    assert "http:" not in page and "https:" not in page


def test_a_planted_disagreement_is_flagged(local_run: corpus.CorpusRun):
    quantities = _table(local_run, "same_quantity")
    kenya = quantities[quantities["quantity"] == "Kenya population"].set_index("article_id")
    # The Factbook's own 2021 economic overview says "roughly 48.5 million" (48.4 to 48.6 million).
    assert set(kenya.index) == {
        "kenya-economy_2021-07-01",
        "planted-kenya-low",
        "planted-kenya-high",
        "planted-kenya-about",
    }
    assert (kenya["agreement"] == "disagrees").all()
    assert kenya.loc["planted-kenya-low", "disagrees_with"] == "planted-kenya-about;planted-kenya-high"
    # 55 million and about 55 million agree with each other, and disagree with the 48 millions.
    assert kenya.loc["planted-kenya-high", "disagrees_with"] == "kenya-economy_2021-07-01;planted-kenya-low"
    assert kenya.loc["planted-kenya-about", "disagrees_with"] == "kenya-economy_2021-07-01;planted-kenya-low"
    assert kenya.loc["planted-kenya-low", ["low", "high", "unit"]].tolist() == [
        "47500000.0",
        "48500000.0",
        "people",
    ]
    assert kenya["quantity_id"].nunique() == 1
    page = _page(local_run)
    section = page[page.index("<h3>Kenya population</h3>") - 200 :]
    assert '<section class="quantity disagree">' in section[:250]
    assert "Disagreement" in section[:600]


def test_versions_are_paired_by_name_and_by_the_pairs_file(local_run: corpus.CorpusRun):
    pairs = _table(local_run, "pairs").set_index("old_article")
    assert pairs.loc["old-flood", "paired_by"].endswith("pairs.tsv, line 2")
    assert pairs.loc["budget_v1", ["new_article", "paired_by"]].tolist() == ["budget_v2", "file names"]
    assert pairs.loc["kenya-background_2021-07-01", "new_article"] == "kenya-background_2026-01-22"
    changes = _table(local_run, "changes")
    budget = changes[changes["old_article"] == "budget_v1"]
    assert budget["change"].tolist() == ["changed", "added"]
    changed, added = budget.to_dict("records")
    # ("300 million" or "300 million dollars": whatever the extractor takes in, the same both sides)
    assert changed["old_quote"].startswith("300 million")
    assert changed["new_quote"] == changed["old_quote"].replace("300", "350")
    assert (added["old_quote"], added["new_quote"]) == ("", "5")
    assert "It also opened 5 clinics." in added["new_sentence"]
    assert pairs.loc["budget_v1", ["unchanged", "changed", "added", "removed"]].tolist() == [
        "2",
        "1",
        "1",
        "0",
    ]
    flood = changes[changes["old_article"] == "old-flood"]
    assert flood[["change", "old_quote", "new_quote"]].values.tolist() == [["changed", "4,000", "6,500"]]


def test_a_large_corpus_shows_what_needs_a_look_first(monkeypatch: pytest.MonkeyPatch):
    from spillover import corpus_page
    from spillover.corpus_tables import conform

    rows = [
        {"article_id": f"a{i}", "path": f"a{i}.txt", "status": "ok", "inconsistent": 0} for i in range(10)
    ]
    rows[7] |= {"status": "error", "error": "article is empty: a7.txt (give a file with text in it)"}
    rows[8] |= {"inconsistent": 2}
    monkeypatch.setattr(corpus_page, "MAX_ARTICLES_SHOWN", 4)
    page = corpus_page._articles(conform(rows, "articles"))
    shown = [f"a{i}.txt" for i in range(10) if f">a{i}.txt<" in page]
    assert shown == ["a0.txt", "a1.txt", "a7.txt", "a8.txt"]
    assert "4 of 10 articles" in page


# --- inputs and options -----------------------------------------------------------------------------------


def test_a_list_file_names_articles_relative_to_itself(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        (tmp_path / folder / "same.txt").write_text("Title\n\nSome 3 people.\n", encoding="utf-8")
    listing = tmp_path / "list.txt"
    listing.write_text("# two articles of one stem\na/same.txt\n\nb/same.txt\n", encoding="utf-8")
    items = corpus.discover(listing)
    assert [(i.article_id, i.path) for i in items] == [
        ("same", tmp_path / "a" / "same.txt"),
        ("same-2", tmp_path / "b" / "same.txt"),
    ]
    assert corpus.name_pairs(items) == []


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: d / "missing", "corpus not found"),
        (lambda d: d, "no articles in folder"),
        (
            lambda d: (d / "list.txt", (d / "list.txt").write_text("Kenya is a country.\n"))[0],
            "none of the 1 paths",
        ),
    ],
)
def test_a_bad_corpus_is_one_line(tmp_path: Path, make, message: str):
    with pytest.raises(InputError, match=message):
        corpus.discover(make(tmp_path))


def test_version_suffixes():
    found = [
        corpus.VERSION_SUFFIX.match(s) for s in ("a_v2", "a-2021-07-01", "a.20210701", "a-2021-07", "a2")
    ]
    assert [m and (m["base"], m["version"]) for m in found] == [
        ("a", "v2"),
        ("a", "2021-07-01"),
        ("a", "20210701"),
        ("a", "2021-07"),
        None,
    ]


def test_the_annotations_parameter_is_refused():
    with pytest.raises(ParameterError, match="each article uses"):
        corpus.check_values({"annotations": str(paths.default_annotations(paths.DEFAULT_ARTICLE))})


def test_an_unreachable_scheduler_is_one_line(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(corpus, "CONNECT_TIMEOUT", 2)
    with pytest.raises(InputError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        corpus._DaskCluster("tcp://127.0.0.1:9")


def test_an_internal_error_of_one_article_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch):
    from spillover import corpus_worker, pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "article_tables", broken)
    article = str(CORPUS / "kenya-economy_2021-07-01.txt")
    result = corpus_worker.analyse("kenya.txt", article, corpus.check_values({}))
    assert (result["status"], result["error"]) == ("internal", "internal error: RuntimeError: boom")


def test_the_command_line(run_cli, tmp_path: Path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "one.txt").write_text(KENYA_LOW, encoding="utf-8")
    (articles / "two.txt").write_text(KENYA_HIGH, encoding="utf-8")
    result = run_cli("corpus", articles, "--out", tmp_path / "out", "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert "corpus report written to" in result.stderr and "(2 articles:" in result.stderr
    assert (tmp_path / "out" / "index.html").is_file()
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    refused = run_cli("corpus", articles, "--out", foreign)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "was not written by spillover" in refused.stderr
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.slow
def test_reports_of_each_article(run_cli, tmp_path: Path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "kenya.txt").write_text(KENYA_LOW, encoding="utf-8")
    result = run_cli("corpus", articles, "--out", tmp_path / "out", "--reports", "--workers", "1")
    assert result.returncode == 0, result.stderr
    report = tmp_path / "out" / "articles" / "kenya" / "index.html"
    assert report.is_file()
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="articles/kenya/index.html"' in page
    assert 'href="articles/kenya/index.html#q-' in page  # the figure links to its quote
