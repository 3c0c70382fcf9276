"""`spillover render` through the real CLI, in subprocesses.

Bad input (a wrong article, annotation, parameter or output folder, or an interrupt) must give a
non-zero exit status, one line on stderr naming the problem, no traceback, and leave the
previous report byte for byte as it was. Unusual articles (very large, without numbers, carrying
HTML and script) must give a correct report. Renders are deterministic, and the cache reruns
only the notebooks whose inputs changed.

Other engineers edit src/ and notebooks/ while these tests run; since every cache key covers
that code, a test that compares two renders first checks that the keys did not change between
them, and repeats itself when they did.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from spillover import params, paths, render

pytestmark = pytest.mark.slow

SEED = paths.DEFAULT_ARTICLE
SEED_ANNOTATIONS = paths.default_annotations(SEED)
RENDER_TIMEOUT = 900  # seconds; a cold render takes ~30 s on two cores
# A large article for correctness and linear space (2 MB: the limits accept far more; the times
# and peak memory of 1, 4 and 10 MB articles are measured by `make bench`).
LARGE_ARTICLE_BYTES = 2_000_000
ATTEMPTS = 3  # renders repeated when src/ or notebooks/ changed in the middle of a comparison


NO_NUMBERS_ARTICLE = """Quiet crossing on the river

A. Tester

Nothing much happened at the border crossing. Officials said the bridge stayed calm and the guards
were relaxed.

Traders carried fruit and cloth across the river, as they usually do. Nobody reported any trouble,
and the market stayed open until dark.
"""


# --- helpers ------------------------------------------------------------------------------------


def spillover(*args: str | Path, timeout: float = RENDER_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """`python -m spillover.cli ARGS` from the project root, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "spillover.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=timeout,
    )


def render_ok(out: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    result = spillover("render", "--out", out, *args)
    assert result.returncode == 0, f"render failed ({result.returncode}): {result.stderr}"
    assert (out / "index.html").is_file()
    return result


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under `folder`, hidden ones included."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


def assert_same_tree(actual: Path, expected: Path) -> None:
    got, want = snapshot(actual), snapshot(expected)
    assert sorted(got) == sorted(want), "files were added or removed"
    changed = [name for name in want if got[name] != want[name]]
    assert not changed, f"changed: {changed}"


def fingerprint(values: dict[str, str] | None = None, article: Path = SEED) -> tuple:
    """The cache keys of a render: they change with the article, parameters, notebooks and code."""
    jobs, tables_key = render.plan(article, params.validate(values or {}))
    return tuple((job.notebook.name, job.key) for job in jobs), tables_key


def entry_stamps(keys: list[str]) -> dict[str, tuple[int, int] | None]:
    """(inode, mtime) of each cache entry's notebook, None when the entry does not exist."""
    stamps = {}
    for key in keys:
        notebook = render.CACHE / key / "notebook.ipynb"
        stat = notebook.stat() if notebook.is_file() else None
        stamps[key] = (stat.st_ino, stat.st_mtime_ns) if stat else None
    return stamps


def staging_folders(folder: Path) -> list[Path]:
    """A render's staging folders in an output folder (they live in its .spillover/)."""
    return sorted(folder.glob(".spillover/staging-*"))


def executed_notebooks(report: Path) -> dict[str, dict]:
    files = sorted((report / "notebooks").glob("*.ipynb"))
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in files}


def injected_parameters(notebook: dict) -> str:
    for cell in notebook["cells"]:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"]
            return "".join(source) if isinstance(source, list) else source
    return ""


class PageParser(HTMLParser):
    """Tags with their attributes, the text of each script, and the visible text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.text: list[str] = []
        self._raw: tuple[str, dict[str, str], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag in ("script", "style"):
            self._raw = (tag, attributes, [])

    def handle_endtag(self, tag: str) -> None:
        if self._raw and tag == self._raw[0]:
            if tag == "script":
                self.scripts.append((self._raw[1], "".join(self._raw[2])))
            self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw:
            self._raw[2].append(data)
        else:
            self.text.append(data)


def parse_page(index: Path) -> PageParser:
    parser = PageParser()
    parser.feed(index.read_text(encoding="utf-8"))
    parser.close()
    return parser


def visible_text(index: Path) -> str:
    return " ".join("".join(parse_page(index).text).split())


@dataclass(frozen=True)
class Render:
    out: Path
    before: tuple  # fingerprint when the render started
    after: tuple  # ... and when it ended

    @property
    def stable(self) -> bool:
        return self.before == self.after


def cold_render(out: Path) -> Render:
    before = fingerprint()
    render_ok(out, "--no-cache")
    return Render(out, before, fingerprint())


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory: pytest.TempPathFactory) -> Render:
    """The seed's report, rendered once with --no-cache: the previous report of every bad-input case,
    and the first of the two cold renders the determinism test compares."""
    return cold_render(tmp_path_factory.mktemp("seed") / "report")


@pytest.fixture
def previous(seed_report: Render, tmp_path: Path) -> Path:
    """A fresh copy of the seed's report, in a folder of its own, to render over."""
    out = tmp_path / "site" / "report"
    shutil.copytree(seed_report.out, out, symlinks=True)
    return out


@pytest.fixture(scope="module")
def scratch_cache() -> Callable[[Path, dict[str, str]], None]:
    """register(article, values) after rendering a scratch article: its cache entries (keyed on a
    temporary path nobody renders again) are removed at the end of the module; the seed's stay."""
    keys: set[str] = set()

    def register(article: Path, values: dict[str, str]) -> None:
        jobs, tables_key = render.plan(article, params.validate(values))
        keys.update([*(job.key for job in jobs), tables_key])

    yield register
    protected: set[str] = set()
    for values in ({}, {"units": "mi"}, {"reference_snapshot": "2026-01-22"}):
        names, tables_key = fingerprint(values)
        protected.update([*(key for _, key in names), tables_key])
    for key in keys - protected:
        shutil.rmtree(render.CACHE / key, ignore_errors=True)


# --- bad input: one line, exit 2, the previous report untouched -----------------------------------


def _write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _missing(tmp: Path) -> tuple[list, list[str]]:
    return ["--article", tmp / "no-such-article.txt"], ["not found", "no-such-article.txt"]


def _directory(tmp: Path) -> tuple[list, list[str]]:
    (tmp / "folder.txt").mkdir()
    return ["--article", tmp / "folder.txt"], ["directory", "folder.txt"]


def _empty(tmp: Path) -> tuple[list, list[str]]:
    return ["--article", _write(tmp / "empty.txt", b"")], ["empty", "empty.txt"]


def _binary(tmp: Path) -> tuple[list, list[str]]:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 16
    return ["--article", _write(tmp / "picture.txt", png)], ["binary", "picture.txt"]


def _not_utf8(tmp: Path) -> tuple[list, list[str]]:
    latin1 = "Café owners in Dushanbe\n\nSome 300 people crossed the border in 2021.\n".encode("latin-1")
    return ["--article", _write(tmp / "latin1.txt", latin1)], ["utf-8", "latin1.txt"]


def _malformed_annotations(tmp: Path) -> tuple[list, list[str]]:
    broken = _write(tmp / "broken.yaml", "figures:\n  - id: x\n    quote: {exact: 'unclosed\n")
    return ["-p", "annotations", broken], ["annotations", "broken.yaml", "yaml"]


def _quote_not_in_article(tmp: Path) -> tuple[list, list[str]]:
    text = SEED_ANNOTATIONS.read_text(encoding="utf-8")
    assert text.count("exact: two decades\n") == 1, "the seed's annotations changed; update this case"
    wrong = _write(tmp / "wrong-quote.yaml", text.replace("exact: two decades\n", "exact: three centuries\n"))
    return ["-p", "annotations", wrong], ["wrong-quote.yaml", "three centuries", "not in the article"]


def _unknown_parameter(tmp: Path) -> tuple[list, list[str]]:
    return ["-p", "colour", "red"], ["unknown parameter", "colour"]


def _bad_value(tmp: Path) -> tuple[list, list[str]]:
    return ["-p", "units", "furlongs"], ["units", "furlongs", "km"]


def _params_file_unknown_key(tmp: Path) -> tuple[list, list[str]]:
    yaml_file = _write(tmp / "params.yaml", "units: mi\ncolour: red\n")
    return ["-f", yaml_file], ["unknown parameter", "colour"]


BAD_INPUTS = {
    "missing file": _missing,
    "directory": _directory,
    "empty file": _empty,
    "binary file": _binary,
    "non-UTF-8 text": _not_utf8,
    "malformed annotations": _malformed_annotations,
    "quote not in article": _quote_not_in_article,
    "unknown parameter": _unknown_parameter,
    "bad parameter value": _bad_value,
    "params file with unknown key": _params_file_unknown_key,
}


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {lines}"
    line = lines[0]
    for word in words:
        assert word.lower() in line.lower(), f"{word!r} not in {line!r}"
    return line


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_keeps_the_previous_report(case: str, previous: Path, seed_report: Render, tmp_path: Path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    args, words = BAD_INPUTS[case](inputs)
    result = spillover("render", "--out", previous, *args, timeout=120)
    line = assert_one_line_error(result, *words)
    assert result.returncode == 2, line
    assert line.startswith("spillover: error: "), line
    assert_same_tree(previous, seed_report.out)
    assert staging_folders(previous) == []


@dataclass(frozen=True)
class Unwritable:
    out: Path  # the --out to give
    guarded: Path  # the folder whose every byte must stay as it was
    word: str  # what the error line must name
    via_file: bool  # True when chmod could not stop writes (root) and a file blocks the way


def unwritable_output(previous: Path, tmp_path: Path) -> Unwritable:
    """The previous report made unwritable: mode 0o500 on it and on its parent. Where chmod does
    not stop writes (root), the output folder is put under a regular file instead."""
    for folder in (previous, previous.parent):
        folder.chmod(0o500)
    probe = previous / ".probe"
    try:
        probe.touch()
    except PermissionError:
        return Unwritable(previous, previous.parent, previous.name, via_file=False)
    probe.unlink()
    unlock(previous)
    blocker = _write(tmp_path / "plain-file", "not a folder\n")
    return Unwritable(blocker / "report", tmp_path, blocker.name, via_file=True)


def unlock(previous: Path) -> None:
    for folder in (previous.parent, previous):
        folder.chmod(0o755)


def test_unwritable_output_folder_keeps_everything(previous: Path, seed_report: Render, tmp_path: Path):
    case = unwritable_output(previous, tmp_path)
    before = snapshot(case.guarded)
    try:
        result = spillover("render", "--out", case.out, timeout=120)
    finally:
        unlock(previous)
    assert_one_line_error(result, case.word)
    assert snapshot(case.guarded) == before
    assert_same_tree(previous, seed_report.out)
    assert staging_folders(previous) == []


def test_unwritable_output_folder_is_bad_input(previous: Path, tmp_path: Path):
    case = unwritable_output(previous, tmp_path)
    try:
        result = spillover("render", "--out", case.out, timeout=120)
    finally:
        unlock(previous)
    line = assert_one_line_error(result, case.word)
    assert result.returncode == 2 and line.startswith("spillover: error: "), line


def _kernels_of(pid: int) -> list[int]:
    """Kernel processes launched by `pid` (jupyter_client sets JPY_PARENT_PID in their environment)."""
    marker = f"JPY_PARENT_PID={pid}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if marker in environ.split(b"\0"):
            found.append(int(proc.name))
    return found


def test_interrupt_half_way_keeps_the_previous_report(
    previous: Path, seed_report: Render, tmp_path: Path, scratch_cache
):
    # A copy of the seed at another path: its notebook cache entries are its own, so --no-cache
    # does not throw away the seed's (the curated annotations are found by the file's name).
    article = tmp_path / "input" / SEED.name
    article.parent.mkdir()
    shutil.copyfile(SEED, article)
    shutil.copyfile(paths.metadata_path(SEED), paths.metadata_path(article))
    command = [sys.executable, "-m", "spillover.cli", "render", "--no-cache", "--article", article]
    process = subprocess.Popen(
        [*map(str, command), "--out", str(previous)],
        cwd=paths.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C would reach
    )
    try:
        deadline = time.monotonic() + 300
        while not _kernels_of(process.pid):
            assert process.poll() is None, f"the render ended before any kernel: {process.stderr.read()}"
            assert time.monotonic() < deadline, "no kernel started within 300 s"
            time.sleep(0.1)
        assert staging_folders(previous), "a kernel runs but there is no staging folder"
        time.sleep(1.0)
        os.killpg(process.pid, signal.SIGINT)
        interrupted = time.monotonic()
        stdout, stderr = process.communicate(timeout=RENDER_TIMEOUT)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    scratch_cache(article, {})
    waited = time.monotonic() - interrupted
    result = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    line = assert_one_line_error(result, "interrupted")
    assert result.returncode == 130, line
    assert_same_tree(previous, seed_report.out)
    assert staging_folders(previous) == []
    deadline = time.monotonic() + 30
    while _kernels_of(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _kernels_of(process.pid) == [], "kernels outlived the interrupted render"
    print(f"render exited {waited:.1f} s after SIGINT")


# --- unusual articles that must give a correct report -------------------------------------------


def test_article_with_html_and_script_renders_escaped(hostile_report_index: Path):
    out = hostile_report_index.parent  # `spillover render` of HOSTILE_ARTICLE_TEXT (conftest)
    source = (out / "index.html").read_text(encoding="utf-8")
    page = parse_page(out / "index.html")

    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in source
    assert "&lt;img src=x onerror=" in source and "&lt;svg onload=" in source
    assert "<script>window.__xss" not in source and "<img src=x" not in source
    for tag, attributes in page.tags:
        for name, value in attributes.items():
            assert not name.startswith("on"), f"<{tag}> has an event handler {name}={value!r}"
            squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
            assert not (
                name in ("href", "src", "action", "formaction", "xlink:href")
                and squeezed.startswith("javascript:")
            ), f"<{tag} {name}={value!r}>"
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", source, flags=re.IGNORECASE)
    for attributes, code in page.scripts:
        if attributes.get("type", "text/javascript") in ("text/javascript", "module", ""):
            assert "__xss" not in code, "article text inside an executable <script>"
    # The reader sees the article's markup as text, exactly.
    text = visible_text(out / "index.html")
    assert "Hostile <script>window.__xss = 1</script> headline" in text
    assert '<img src=x onerror="window.__xss = 2">' in " ".join(text.split())


def test_article_without_numbers_renders_and_says_so(tmp_path: Path, scratch_cache):
    article = _write(tmp_path / "quiet.txt", NO_NUMBERS_ARTICLE)
    extracted = spillover("extract", article, timeout=120)
    assert extracted.returncode == 0, extracted.stderr
    assert len(extracted.stdout.splitlines()) == 1, "the fixture article should have no numbers"
    out = tmp_path / "report"
    render_ok(out, "--article", article)
    scratch_cache(article, {})
    text = visible_text(out / "index.html")
    assert re.search(r"\b0 numeric expressions\b", text), "the report should say there are 0 numbers"
    assert "Quiet crossing on the river" in text
    assert '<pre class="error">' not in (out / "index.html").read_text(encoding="utf-8")


def _large_article(path: Path, size: int) -> Path:
    """English text with numbers: the seed's paragraphs repeated, each copy with a dated sentence."""
    paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if len(p) > 200]
    parts, total, i = ["A very long report on the border\n\nA. Writer\n13 July 2021"], 0, 0
    while total < size:
        paragraph = f"{paragraphs[i % len(paragraphs)]} In week {i}, {i % 997 + 3} more people crossed."
        parts.append(paragraph)
        total += len(paragraph.encode("utf-8")) + 2
        i += 1
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def test_very_large_article_is_extracted_and_tabulated(tmp_path: Path):
    # The extractor and the tables must handle a large article correctly and in linear space. How fast is
    # for `make bench` (a test with a wall-clock limit fails on a slower machine): the timeout
    # only guards against a hang.
    article = _large_article(tmp_path / "large.txt", LARGE_ARTICLE_BYTES)
    assert article.stat().st_size >= LARGE_ARTICLE_BYTES
    text = article.read_text(encoding="utf-8")
    extracted = spillover("extract", article)
    assert extracted.returncode == 0, extracted.stderr
    rows = list(csv.DictReader(io.StringIO(extracted.stdout)))
    # Every copy of a paragraph carries at least its own "week N" and "N more people".
    assert len(rows) > 2 * (LARGE_ARTICLE_BYTES // 1000), len(rows)
    for r in [*rows[:100], *rows[-100:]]:
        assert text[int(r["start"]) : int(r["end"])] == r["text"]
        assert int(r["sentence_start"]) <= int(r["start"]) < int(r["end"]) <= int(r["sentence_end"])
    assert int(rows[-1]["end"]) > len(text) - 100, "the end of the article was not scanned"
    # A row refers to its sentence and does not copy it: the CSV grows with the mentions alone.
    assert len(extracted.stdout) < 150 * len(rows), len(extracted.stdout)

    out = tmp_path / "tables"
    tables = spillover("tables", "--article", article, "--out", out)
    assert tables.returncode == 0, tables.stderr
    with (out / "mentions.csv").open(encoding="utf-8", newline="") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == len(rows)


# --- determinism and the cache ------------------------------------------------------------------


def test_two_cold_renders_are_byte_identical(seed_report: Render, seed_report_index: Path, tmp_path: Path):
    """Every notebook executed twice, apart, gives the same bytes: the module's --no-cache render
    against a render through the cache, whose entries the session's first render of the seed
    executed (seed_report_index: on a fresh clone, in this session; elsewhere, an earlier run)."""
    first = seed_report
    for attempt in range(ATTEMPTS):
        before = fingerprint()
        second = Render(tmp_path / f"cached-{attempt}" / "report", before, before)
        render_ok(second.out)  # executes, cold, whatever the cache lacks for the current code
        if first.stable and first.after == before == fingerprint():
            break
        first = cold_render(tmp_path / f"again-{attempt}" / "report")  # the code changed meanwhile
    else:
        pytest.fail("src/ or notebooks/ kept changing during the renders; rerun the test")
    assert (first.out / "index.html").read_bytes() == (second.out / "index.html").read_bytes()
    names = sorted(p.name for p in (first.out / "notebooks").iterdir())
    assert names == sorted(p.name for p in (second.out / "notebooks").iterdir())
    assert names == [p.name for p in render.notebooks()]
    for name in names:
        assert (first.out / "notebooks" / name).read_bytes() == (second.out / "notebooks" / name).read_bytes()
    assert_same_tree(second.out / "data", first.out / "data")
    assert_same_tree(second.out / "figures", first.out / "figures")


def test_report_has_the_modes_of_any_new_file_or_folder(seed_report: Render, tmp_path: Path):
    folder, file = tmp_path / "probe", tmp_path / "probe.txt"
    folder.mkdir()
    file.write_text("x")
    expected = {True: stat.S_IMODE(folder.stat().st_mode), False: stat.S_IMODE(file.stat().st_mode)}
    report = seed_report.out
    modes = {
        p.relative_to(report).as_posix(): (p.is_dir(), stat.S_IMODE(p.stat().st_mode))
        for p in report.rglob("*")
    }
    wrong = {name: oct(mode) for name, (is_dir, mode) in modes.items() if mode != expected[is_dir]}
    assert not wrong, f"expected {oct(expected[True])} for folders, {oct(expected[False])} for files: {wrong}"


def test_second_render_executes_no_notebook(tmp_path: Path):
    for attempt in range(ATTEMPTS):
        render_ok(tmp_path / f"first-{attempt}")  # fills the cache if anything is missing
        before = fingerprint()
        keys = [key for _, key in before[0]]
        stamps = entry_stamps(keys)
        assert None not in stamps.values(), "the first render left cache entries missing"
        render_ok(tmp_path / f"second-{attempt}")
        if fingerprint() == before:
            break
    else:
        pytest.fail("src/ or notebooks/ kept changing during the renders; rerun the test")
    assert entry_stamps(keys) == stamps, "a cached notebook was executed again"
    assert (tmp_path / f"second-{attempt}" / "index.html").read_bytes() == (
        tmp_path / f"first-{attempt}" / "index.html"
    ).read_bytes()
    # How long a warm render takes is for `make bench` (warm render < 2 s), not for a test.


def parameter_users(name: str) -> tuple[set[str], set[str]]:
    """(notebooks that declare `name` in their parameters cell, those whose code uses it). The
    renderer passes a notebook, and keys its cache entry on, only the parameters its code uses."""
    declaring = {nb.name for nb in render.notebooks() if name in render.declared_parameters(nb)}
    used = getattr(render, "used_parameters", render.declared_parameters)
    return declaring, {nb.name for nb in render.notebooks() if name in used(nb)}


@pytest.mark.parametrize(("name", "value"), [("units", "mi"), ("reference_snapshot", "2026-01-22")])
def test_changing_a_parameter_reruns_only_the_notebooks_that_declare_it(
    name: str, value: str, tmp_path: Path
):
    assert value != params.validate({})[name]
    for attempt in range(ATTEMPTS):
        render_ok(tmp_path / f"default-{attempt}")
        base, changed = fingerprint(), fingerprint({name: value})
        declaring, using = parameter_users(name)
        rerun = {nb for (nb, key), (_, other) in zip(base[0], changed[0], strict=True) if key != other}
        assert rerun <= declaring, f"notebooks that do not declare {name} would rerun"
        assert rerun == using
        # The tables depend on the reference snapshot, not on the display units.
        assert (base[1] != changed[1]) == (name == "reference_snapshot"), "the tables' key"
        kept = [key for (nb, key) in base[0] if nb not in rerun]
        new = [key for (nb, key) in changed[0] if nb in rerun]
        kept_stamps, missing = entry_stamps(kept), [k for k, s in entry_stamps(new).items() if s is None]
        started = time.time_ns()
        out = tmp_path / f"{name}-{attempt}"
        render_ok(out, "-p", name, value)
        if fingerprint() == base and fingerprint({name: value}) == changed:
            break
    else:
        pytest.fail("src/ or notebooks/ kept changing during the renders; rerun the test")
    assert entry_stamps(kept) == kept_stamps, f"a notebook that does not use {name} was rerun"
    after = entry_stamps(new)
    assert None not in after.values()
    for key in missing:
        assert after[key][1] >= started, "a missing entry should have been executed by this render"
    # A notebook that was not rerun must not have been given the parameter: its cached output
    # cannot depend on it.
    for notebook_name, notebook in executed_notebooks(out).items():
        injected = injected_parameters(notebook)
        if notebook_name in rerun:
            assert f'{name} = "{value}"' in injected, injected
        else:
            assert f"{name} = " not in injected, injected


def test_params_file_works_like_p(tmp_path: Path):
    yaml_file = _write(tmp_path / "params.yaml", "# display miles\nunits: mi\n")
    for attempt in range(ATTEMPTS):
        before = fingerprint({"units": "mi"})
        with_p = tmp_path / f"p-{attempt}"
        render_ok(with_p, "-p", "units", "mi")
        with_f = tmp_path / f"f-{attempt}"
        render_ok(with_f, "-f", yaml_file)
        overridden = tmp_path / f"f-overridden-{attempt}"  # -p wins over the file
        render_ok(overridden, "-f", yaml_file, "-p", "units", "km")
        default = tmp_path / f"default-{attempt}"
        render_ok(default)
        if fingerprint({"units": "mi"}) == before:
            break
    else:
        pytest.fail("src/ or notebooks/ kept changing during the renders; rerun the test")
    assert_same_tree(with_f, with_p)
    assert_same_tree(overridden, default)
    assert (with_f / "index.html").read_bytes() != (default / "index.html").read_bytes()


def test_params_file_accepts_an_unquoted_date(tmp_path: Path):
    yaml_file = _write(tmp_path / "params.yaml", "reference_snapshot: 2026-01-22\n")
    with_f, with_p = tmp_path / "f", tmp_path / "p"
    render_ok(with_f, "-f", yaml_file)
    render_ok(with_p, "-p", "reference_snapshot", "2026-01-22")
    assert (with_f / "index.html").read_bytes() == (with_p / "index.html").read_bytes()
