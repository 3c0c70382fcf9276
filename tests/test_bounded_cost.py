"""Small inputs have bounded cost: what a command stores, writes and holds in memory grows
linearly with the article, and charts draw only what a reader can read.

The reproductions of the issue: a 69 KB paragraph of 10,000 numbers rendered into a 928 MB page
using 5.5 GB, because every mention carried a copy of its sentence. Sizes and memory are
asserted here; times are not (they depend on the machine: `make bench` measures them).

Peak memory is `ru_maxrss` of RUSAGE_CHILDREN read in a small wrapper process around the
command: the peak resident set of the largest process among the command and the descendants it
waited for (the notebook kernels included), in kilobytes on Linux.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from spillover import paths, render
from spillover.article import read_article
from spillover.charts import timeline as charts
from spillover.extract import MAX_MENTIONS
from spillover.page import MAX_HIGHLIGHTS, article_html, linked_quotes

NUMBERS = 10_000
HANG_GUARD = 900  # seconds: only against a hang; a render of the article below takes ~1 min cold
PEAK_LIMIT_KB = 1_000_000  # 1 GB, for the command and each of its kernels
CSV_PER_ARTICLE_BYTE = 50  # mentions.csv at most 50x the article: linear, not the square
# index.html at most article + 6 MB (the target): plotly.js is 4.8 MB; at most
# MAX_HIGHLIGHTS mentions are highlighted besides the figures and the quotes the page links to,
# and large CSV files are linked, not embedded.
PAGE_ALLOWANCE = 6_000_000
DATES = 100  # dated clauses inside the one-sentence article: 100 timeline rows, one sentence


def numbers(count: int) -> list[str]:
    """Distinct-looking figures (100 to 5,099, with thousands separators, never a year)."""
    return [f"{(i * 7919) % 5_000 + 100:,}" for i in range(count)]


def article(body: str) -> str:
    """A plain-text article: title, byline, dateline (no numbers in the first two), one paragraph."""
    return f"A paragraph of figures\n\nAnna Tester\n13 July 2021\n\n{body}\n"


def sentence_rich_paragraph(count: int = NUMBERS) -> str:
    """One paragraph of 1,000 sentences, each "In week W, a, b, ... and j crossed." (ten figures)."""
    figures = numbers(count)
    sentences = []
    for first in range(0, count, 10):
        chunk = figures[first : first + 10]
        sentences.append(f"In week {first // 10 + 1}, {', '.join(chunk[:-1])} and {chunk[-1]} crossed.")
    return " ".join(sentences)


def one_sentence(count: int = NUMBERS, dates: int = 0) -> str:
    """One sentence of `count` figures; with `dates`, that many of them are followed by a date
    ("... 1,234 on 5 May 2021, ..."), so one sentence is the context of many dated events."""
    figures = numbers(count)
    step = count // dates if dates else 0
    for n in range(dates):
        figures[n * step] += f" on {n % 28 + 1} {('March', 'May', 'June')[n % 3]} 2021"
    return f"The counts were {', '.join(figures[:-1])} and {figures[-1]}."


def scratch_root(base: Path) -> Path:
    """A project root sharing the inputs, with its own cache and outputs (as benchmarks/run.py),
    so a render here neither uses nor fills the project's .cache."""
    root = base / "root"
    root.mkdir()
    for name in ("seeds", "data", "notebooks", "classroom", "requirements.lock", "pyproject.toml"):
        (root / name).symlink_to(paths.ROOT / name)
    return root


_MEASURE = """
import json, resource, subprocess, sys
result = subprocess.run(sys.argv[2:], capture_output=True, text=True)
with open(sys.argv[1], "w", encoding="utf-8") as handle:
    json.dump({"returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr,
               "peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, handle)
"""


@dataclass(frozen=True)
class Measured:
    returncode: int
    stdout: str
    stderr: str
    peak_kb: int


def measured(tmp: Path, *args: str | Path, root: Path | None = None) -> Measured:
    """`python -m spillover.cli ARGS` run by a wrapper that reports its exit status, output and
    the peak memory of it and its descendants."""
    report = tmp / f"measured-{len(list(tmp.glob('measured-*')))}.json"
    env = {**os.environ, **({"SPILLOVER_ROOT": str(root)} if root else {})}
    if root:  # the scratch root's own cache, not the one a test worker was given
        env.pop("SPILLOVER_CACHE_DIR", None)
    subprocess.run(
        [sys.executable, "-c", _MEASURE, report, sys.executable, "-m", "spillover.cli", *map(str, args)],
        cwd=root or paths.ROOT,
        env=env,
        timeout=HANG_GUARD,
        check=True,
    )
    return Measured(**json.loads(report.read_text(encoding="utf-8")))


def one_line_error(result: Measured) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("spillover: error: ") and "Traceback" not in result.stderr
    return lines[0]


# --- the articles themselves ------------------------------------------------------------------


@pytest.mark.parametrize("build", [sentence_rich_paragraph, one_sentence])
def test_the_reproductions_are_one_paragraph_of_ten_thousand_numbers(build, tmp_path: Path):
    from spillover.article import read_article

    path = tmp_path / "article.txt"
    path.write_text(article(build()), encoding="utf-8")
    read = read_article(path)
    assert len(read.paragraphs) == 1 and read.published is not None
    assert len(read.sentences) == (1000 if build is sentence_rich_paragraph else 1)
    assert 60_000 < path.stat().st_size < 100_000  # about the 69 KB


# --- the page: highlights and downloads bounded ------------------------------------------------


def test_highlights_stop_at_the_limit_but_every_linked_quote_and_figure_is_highlighted(tmp_path: Path):
    path = tmp_path / "article.txt"
    path.write_text(article(one_sentence(300)), encoding="utf-8")
    text = read_article(path)
    figures_ = numbers(300)
    spans, position = [], 0
    for figure in figures_:
        start = text.text.index(figure, position)
        spans.append((start, start + len(figure)))
        position = start + len(figure)
    mentions = dict.fromkeys(spans, "count")
    figure_span, linked_span = spans[200], spans[250]
    word = text.text.index("counts")
    word_span = (word, word + len("counts"))  # a quote that is not a number (a place's name, say)
    linked = [linked_span, word_span]
    body = article_html(text, {figure_span: "people (crossing)"}, mentions, linked=linked, limit=50)
    marks = re.findall(r'<mark class="(\w+)" id="q-(\d+)-(\d+)"', body)
    assert len(marks) == 53  # the first 50, the figure and the two linked quotes
    assert ("figure", *map(str, figure_span)) in marks and ("mention", *map(str, linked_span)) in marks
    assert ("quoted", *map(str, word_span)) in marks
    assert "248 of the article\u2019s 300 numbers are plain text here" in body
    assert figures_[299] in body  # the text is all there, highlighted or not
    # every highlight is described: one entry per figure, one per kind of mention or quote
    described = set(re.findall(r'aria-describedby="([^"]+)"', body))
    assert described == set(re.findall(r'<li id="([^"]+)"', body)) and len(described) == 3
    everything = article_html(text, {}, mentions, limit=300)
    assert everything.count("<mark") == 300 and "plain text here" not in everything
    assert article_html(text, {}, mentions).count("<mark") == MAX_HIGHLIGHTS


def test_large_csv_files_are_linked_and_small_ones_embedded(tmp_path: Path):
    (tmp_path / "small.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "large.csv").write_text("a,b\n" + "1,2\n" * 200_000, encoding="utf-8")
    links = render._downloads(tmp_path)
    assert 'href="data:text/csv;base64,' in links and 'download="small.csv"' in links
    assert '<a href="data/large.csv">large.csv</a>' in links
    assert len(links) < 1_000


# --- tables: linear in the text ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "mentions"),
    [(sentence_rich_paragraph, NUMBERS + 1000 + 1), (one_sentence, NUMBERS + 1)],
    ids=["sentence-rich", "one-sentence"],
)
def test_tables_of_ten_thousand_numbers_are_linear_in_the_text(build, mentions: int, tmp_path: Path):
    path = tmp_path / "article.txt"
    path.write_text(article(build()), encoding="utf-8")
    out = tmp_path / "tables"
    result = measured(tmp_path, "tables", "--article", path, "--out", out)
    assert result.returncode == 0, result.stderr
    csv = out / "mentions.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + mentions  # the numbers, the weeks and the dateline
    assert lines[0].endswith(",sentence_start,sentence_end")
    assert csv.stat().st_size < CSV_PER_ARTICLE_BYTE * path.stat().st_size, csv.stat().st_size
    assert result.peak_kb < PEAK_LIMIT_KB, f"peak {result.peak_kb / 1024:.0f} MB"


# --- the mention limit ------------------------------------------------------------------------


def test_more_mentions_than_the_limit_is_one_line_and_exit_2(tmp_path: Path):
    path = tmp_path / "article.txt"
    path.write_text(article(one_sentence(MAX_MENTIONS)), encoding="utf-8")  # + the dateline
    for command in (["extract", path], ["tables", "--article", path, "--out", tmp_path / "out"]):
        result = measured(tmp_path, *command)
        line = one_line_error(result)
        assert result.returncode == 2, line
        assert f"more than {MAX_MENTIONS:,} numeric expressions" in line and "split it" in line
        assert str(path) in line
        assert result.stdout == ""
        assert result.peak_kb < PEAK_LIMIT_KB, f"peak {result.peak_kb / 1024:.0f} MB"
    assert not (tmp_path / "out" / "mentions.csv").exists()


# --- a full render ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Render:
    article: Path
    out: Path
    root: Path
    result: Measured


@pytest.fixture(scope="module")
def ten_thousand_render(tmp_path_factory: pytest.TempPathFactory) -> Render:
    """One render of the issue's worst case, shared by the tests below: one sentence of 10,000
    numbers (every mention's sentence is the whole 70 KB paragraph) with 100 dates in it."""
    base = tmp_path_factory.mktemp("ten_thousand")
    root = scratch_root(base)
    path = base / "numbers.txt"
    path.write_text(article(one_sentence(dates=DATES)), encoding="utf-8")
    out = base / "report"
    return Render(path, out, root, measured(base, "render", "--article", path, "--out", out, root=root))


@pytest.mark.slow
def test_render_of_ten_thousand_numbers_succeeds_in_bounded_memory(ten_thousand_render: Render):
    result = ten_thousand_render.result
    assert result.returncode == 0, result.stderr
    assert result.peak_kb < PEAK_LIMIT_KB, f"peak {result.peak_kb / 1024:.0f} MB"


@pytest.mark.slow
def test_render_of_ten_thousand_numbers_writes_a_bounded_page(ten_thousand_render: Render):
    assert ten_thousand_render.result.returncode == 0, ten_thousand_render.result.stderr
    size = ten_thousand_render.article.stat().st_size
    page = ten_thousand_render.out / "index.html"
    assert page.stat().st_size < size + PAGE_ALLOWANCE, page.stat().st_size
    # Every quote the page links to lands on a highlight; the others stop at the limit, and
    # the page says so in one line.
    source = page.read_text(encoding="utf-8")
    highlighted = {tuple(map(int, m)) for m in re.findall(r'<mark class="\w+" id="q-(\d+)-(\d+)"', source)}
    linked = linked_quotes(source)
    assert linked and linked <= highlighted
    assert len(highlighted) <= MAX_HIGHLIGHTS + len(linked)
    assert source.count('class="article-note"') == 1 and "numbers are plain text here" in source
    for table in (ten_thousand_render.out / "data").glob("*.csv"):
        assert table.stat().st_size < CSV_PER_ARTICLE_BYTE * size, table.name
    # Each cache entry (the tables, a notebook and its figures) holds no sentence per mention.
    # Entries are checked one by one: a tree edited during the render caches the tables again.
    entries = [e for e in (ten_thousand_render.root / ".cache").glob("*/*") if e.is_dir()]
    assert entries
    for entry in entries:
        cached = sum(p.stat().st_size for p in entry.rglob("*") if p.is_file())
        assert cached < size + PAGE_ALLOWANCE, (entry.name, cached)


@pytest.mark.slow
def test_render_of_ten_thousand_numbers_draws_a_readable_timeline(ten_thousand_render: Render):
    assert ten_thousand_render.result.returncode == 0, ten_thousand_render.result.stderr
    notebook = json.loads(
        (ten_thousand_render.out / "notebooks" / "05-timeline.ipynb").read_text(encoding="utf-8")
    )
    outputs = [o for cell in notebook["cells"] for o in cell.get("outputs", [])]
    (figure,) = [o["data"] for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    meta = figure["application/vnd.spillover.chart+json"]
    # The dates in the sentence and the dateline: 101 events, 40 drawn.
    assert f"Only {charts.MAX_LABELS} of the {DATES + 1} dated events are drawn" in meta["caption"]
    plotted = figure["application/vnd.plotly.v1+json"]["data"]
    assert len(plotted) <= 2 * charts.MAX_LABELS  # one trace per row, in at most two panels
    labels = [label for trace in plotted for label in trace["y"]]
    assert all(len(label) <= charts.LABEL_CHARS + 20 for label in labels)  # + line breaks as <br>
