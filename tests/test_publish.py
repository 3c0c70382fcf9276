"""Nothing lost, nothing run: output folders, atomic publishing, the lock, and the verified cache.

The reproductions of the issue "Nothing lost, nothing run, nothing unbounded" (findings 1-3
and 6), run through the real command line on the seed article; the notebooks' cache is warm
after the first render, so most renders here take a second or two.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from spillover import cache, params, paths, render
from spillover.publish import STATE, OutputFolder, checksums

RENDER_TIMEOUT = 900  # a hang guard only: nothing here asserts how long a render takes


def spillover(*args: str | Path, timeout: float = RENDER_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spillover", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=timeout,
    )


def tree(folder: Path) -> dict[str, bytes | str | None]:
    """Every file (bytes), symlink (its target) and folder (None) under `folder`."""
    found: dict[str, bytes | str | None] = {}
    for p in sorted(folder.rglob("*")):
        name = p.relative_to(folder).as_posix()
        found[name] = os.readlink(p) if p.is_symlink() else p.read_bytes() if p.is_file() else None
    return found


def one_line(result: subprocess.CompletedProcess[str], status: int, *words: str) -> str:
    lines = result.stderr.splitlines()
    assert result.returncode == status, result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr, lines
    for word in words:
        assert word.lower() in lines[0].lower(), (word, lines[0])
    return lines[0]


def decoy_home(folder: Path) -> Path:
    """A folder shaped like a user's home: data/, figures/, notebooks/ and index.html of their own."""
    for name in ("data", "figures", "notebooks"):
        (folder / name).mkdir(parents=True)
        (folder / name / "thesis.csv").write_text(f"{name},precious\n", encoding="utf-8")
    (folder / "index.html").write_text("<p>my homepage</p>\n", encoding="utf-8")
    (folder / "student").mkdir()
    (folder / "student" / "essay.txt").write_text("my essay\n", encoding="utf-8")
    (folder / "teacher").mkdir()
    return folder


@pytest.fixture(scope="module")
def seed_render(seed_report_index: Path) -> Path:
    """The session's render of the seed (it warms the cache for the renders of this module)."""
    return seed_report_index.parent


# --- 1. a render deletes nothing it did not write --------------------------------------------------


@pytest.mark.slow
def test_render_into_a_users_folder_is_refused_and_loses_nothing(tmp_path: Path, seed_render: Path):
    home = decoy_home(tmp_path / "home")
    before = tree(home)
    one_line(spillover("render", "--out", home), 2, "not empty", "--force")
    assert tree(home) == before
    # --force writes beside a folder's files, never over them: here every name is taken.
    one_line(spillover("render", "--out", home, "--force"), 2, "index.html", "not written by spillover")
    assert tree(home) == before


def test_classroom_into_a_users_folder_is_refused_and_loses_nothing(tmp_path: Path):
    home = decoy_home(tmp_path / "home")
    before = tree(home)
    one_line(spillover("classroom", "--out", home), 2, "not empty")
    one_line(spillover("classroom", "--out", home, "--force"), 2, "not written by spillover")
    assert tree(home) == before


@pytest.mark.slow
def test_the_thesis_reproduction_keeps_the_thesis(tmp_path: Path, seed_render: Path):
    # mkdir -p /tmp/u/data && echo x > /tmp/u/data/thesis.csv && spillover render --out /tmp/u
    (tmp_path / "u" / "data").mkdir(parents=True)
    (tmp_path / "u" / "data" / "thesis.csv").write_text("x\n", encoding="utf-8")
    one_line(spillover("render", "--out", tmp_path / "u"), 2, "not empty")
    assert (tmp_path / "u" / "data" / "thesis.csv").read_text(encoding="utf-8") == "x\n"


@pytest.mark.slow
def test_force_writes_beside_foreign_files(tmp_path: Path, seed_render: Path):
    out = tmp_path / "shared"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = spillover("render", "--out", out, "--force")
    assert result.returncode == 0, result.stderr
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert (out / "index.html").is_file()
    # Now the folder is ours (a manifest lists what we wrote): a rerun needs no --force.
    assert spillover("render", "--out", out).returncode == 0
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("where", [".", "data", "data/annotations", "seeds", "notebooks", "src"])
def test_project_folders_are_refused(where: str):
    before = tree(paths.ROOT / "data" / "annotations")
    line = one_line(spillover("render", "--out", where, "--force"), 2, "project")
    assert "choose" in line
    assert tree(paths.ROOT / "data" / "annotations") == before


def test_a_parent_of_the_project_is_refused():
    one_line(spillover("classroom", "--out", paths.ROOT.parent, "--force"), 2, "project")


def test_symlinked_out_is_guarded_like_its_target(tmp_path: Path):
    home = decoy_home(tmp_path / "home")
    before = tree(home)
    link = tmp_path / "link"
    link.symlink_to(home, target_is_directory=True)
    one_line(spillover("render", "--out", link, "--force"), 2, "not written by spillover")
    assert tree(home) == before


def test_tables_into_a_users_folder_never_replace_their_files(tmp_path: Path):
    out = tmp_path / "tables"
    out.mkdir()
    (out / "mentions.csv").write_text("my own\n", encoding="utf-8")
    one_line(spillover("tables", "--out", out), 2, "not empty")
    one_line(spillover("tables", "--out", out, "--force"), 2, "mentions.csv")
    assert (out / "mentions.csv").read_text(encoding="utf-8") == "my own\n"


# --- 2. atomic publishing under a lock ----------------------------------------------------------


def report_units(out: Path) -> set[str]:
    """The length units a published report was made with, read from each of its parts."""
    found = set()
    for notebook in (out / "notebooks").glob("*.ipynb"):
        parameters = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["papermill"]["parameters"]
        if "units" in parameters:
            found.add(f"notebook:{parameters['units']}")
    found |= {f"figure:{p.stem.rsplit('_', 1)[1]}" for p in (out / "figures").glob("border_*_??.png")}
    page = (out / "index.html").read_text(encoding="utf-8")
    found |= {f"page:{u}" for u in ("km", "mi") if f"units = &quot;{u}&quot;" in page}
    return found


def assert_complete_and_consistent(out: Path) -> None:
    manifest = json.loads((out / STATE / "manifest.json").read_text(encoding="utf-8"))
    current = out / STATE / os.readlink(out / STATE / "current")
    assert manifest["version"] == current.name
    assert checksums(current) == manifest["files"], "the published files are not the manifest's"
    units = {u.split(":")[1] for u in report_units(out)}
    assert len(units) == 1, f"a mixed report: {sorted(report_units(out))}"
    assert sorted(p.name for p in (out / STATE).glob("staging-*")) == []


@pytest.mark.slow
def test_concurrent_renders_publish_whole_reports(tmp_path: Path, seed_render: Path):
    out = tmp_path / "report"
    # The chapter that shows lengths in the chosen units is the one that tells the variants apart.
    only = ["--only", "04"]
    for units in ("km", "mi"):  # warm both variants' cache entries
        assert spillover("render", "--out", out, "-p", "units", units, *only).returncode == 0
    # Four rounds of two renders racing into one folder (each round's two orders of lock, staging and
    # switch): enough to catch a torn report here; `make bench` is where long runs belong.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(4):
            racing = [["-p", "units", units, *only] for units in ("km", "mi")]
            results = list(pool.map(lambda options: spillover("render", "--out", out, *options), racing))
            assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
            assert_complete_and_consistent(out)
            assert len(list((out / STATE).glob("v-*"))) == 1, "old versions were left behind"


@pytest.mark.slow
def test_a_killed_render_leaves_nothing_after_the_next(tmp_path: Path, seed_render: Path):
    out = tmp_path / "report"
    assert spillover("render", "--out", out).returncode == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "spillover", "render", "--out", str(out), "-p", "units", "mi"],
        cwd=paths.ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + RENDER_TIMEOUT
    while not list((out / STATE).glob("staging-*")) and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert spillover("render", "--out", out).returncode == 0
    assert_complete_and_consistent(out)


def uncached_seed(folder: Path) -> Path:
    """The seed with trailing white space of its own (a random pattern of spaces and tabs): new
    cache keys, so a render of it runs its kernels; the seed's annotations (found by the file's
    name) stay anchored, since nothing before the end moved."""
    folder.mkdir()
    article = folder / paths.DEFAULT_ARTICLE.name
    pattern = "".join(" \t"[bit == "1"] for bit in f"{int.from_bytes(os.urandom(8)):064b}")
    article.write_bytes(paths.DEFAULT_ARTICLE.read_bytes() + f"\n{pattern}\n".encode())
    return article


@pytest.mark.slow
def test_sigterm_cleans_up_and_keeps_the_previous_report(tmp_path: Path, seed_render: Path):
    out = tmp_path / "report"
    assert spillover("render", "--out", out).returncode == 0
    before = tree(out)
    article = uncached_seed(tmp_path / "input")
    process = subprocess.Popen(
        [sys.executable, "-m", "spillover", "render", "--out", str(out), "--article", str(article)],
        cwd=paths.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + RENDER_TIMEOUT
    while not list((out / STATE).glob("staging-*")) and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=RENDER_TIMEOUT)
    assert process.returncode == 143, stderr
    assert "interrupted" in stderr
    assert tree(out) == before


@pytest.mark.slow
def test_a_second_render_waits_for_the_first(tmp_path: Path):
    out = tmp_path / "report"
    with OutputFolder(out, ["index.html"]) as holder:
        (holder.staging / "index.html").write_text("held-by-the-first-run\n", encoding="utf-8")
        waiting = subprocess.Popen(
            [sys.executable, "-m", "spillover", "render", "--out", str(out)],
            cwd=paths.ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = waiting.stderr.readline()
        assert "waiting for another run" in line
        assert waiting.poll() is None
        holder.publish_versioned()
    waiting.communicate(timeout=RENDER_TIMEOUT)
    assert waiting.returncode == 0
    assert "held-by-the-first-run" not in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_out_on_another_file_system(seed_render: Path):
    # /dev/shm is a tmpfs here: a different device from the project, as a mount point would be.
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == paths.ROOT.stat().st_dev:
        pytest.fail("this test needs /dev/shm on a file system of its own (a tmpfs)")
    out = shm / f"spillover-test-{os.getpid()}"
    try:
        result = spillover("render", "--out", out)
        assert result.returncode == 0, result.stderr
        assert_complete_and_consistent(out)
    finally:
        subprocess.run(["rm", "-rf", str(out)], check=True)


# --- 3. the cache holds only verified data ---------------------------------------------------------


def seed_keys() -> tuple[list[str], str]:
    jobs, tables_key = render.plan(paths.DEFAULT_ARTICLE, params.validate({}))
    return [job.key for job in jobs], tables_key


@pytest.mark.slow
def test_an_edited_cache_entry_is_detected_and_recomputed(tmp_path: Path, seed_render: Path):
    notebook_keys, tables_key = seed_keys()
    notebook = cache.CACHE / notebook_keys[-1] / "notebook.ipynb"
    findings = cache.CACHE / tables_key / "findings.csv"
    assert notebook.is_file() and findings.is_file()
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("inconsistent", "FORGED"), "utf-8")
    findings.write_text(findings.read_text(encoding="utf-8").replace("inconsistent", "FORGED"), "utf-8")
    out = tmp_path / "report"
    result = spillover("render", "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("warning: cache entry") == 2, result.stderr
    assert "FORGED" not in (out / "index.html").read_text(encoding="utf-8")
    assert "FORGED" not in (out / "data" / "findings.csv").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_truncated_cache_entry_is_recomputed(tmp_path: Path, seed_render: Path):
    notebook_keys, _ = seed_keys()
    notebook = cache.CACHE / notebook_keys[0] / "notebook.ipynb"
    notebook.write_bytes(notebook.read_bytes()[:100])
    out = tmp_path / "report"
    result = spillover("render", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "warning: cache entry" in result.stderr
    assert json.loads(notebook.read_text(encoding="utf-8"))["cells"]


class Planted:
    """A pickle that, if ever loaded, writes a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "the cache ran code"))


@pytest.mark.slow
def test_a_pickle_in_the_cache_is_never_loaded(tmp_path: Path, seed_render: Path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(Planted(marker))
    notebook_keys, tables_key = seed_keys()
    # Where the old cache kept pickled tables, and an extra file inside a verified entry.
    digest = tables_key.removeprefix("tables-")
    (cache.CACHE / f"tables-{digest}.pickle").write_bytes(payload)
    (cache.CACHE / tables_key / "tables.pickle").write_bytes(payload)
    out = tmp_path / "report"
    result = spillover("render", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "warning: cache entry" in result.stderr  # the entry with a stranger in it is rebuilt
    assert not marker.exists()
    assert not (cache.CACHE / tables_key / "tables.pickle").exists()
    (cache.CACHE / f"tables-{digest}.pickle").unlink()


def test_cache_lookup_accepts_only_the_sealed_files(tmp_path: Path):
    key = f"test-{os.getpid()}"
    folder = cache.scratch("test")
    (folder / "a.csv").write_text("x\n", encoding="utf-8")
    entry = cache.store(key, folder)
    try:
        assert cache.lookup(key) == entry
        (entry / "extra.txt").write_text("planted\n", encoding="utf-8")
        assert cache.lookup(key) is None and not entry.exists()
    finally:
        cache.remove(key)


def test_a_private_cache_is_used_and_removed_and_leaves_the_shared_one_alone():
    key = f"test-private-{os.getpid()}"
    shared = cache.CACHE
    with cache.private() as own:
        assert cache.CACHE == own != shared and os.environ[cache.CACHE_VARIABLE] == str(own)
        folder = cache.scratch("test")
        (folder / "a.csv").write_text("x\n", encoding="utf-8")
        assert cache.store(key, folder).parent == own
    assert shared == cache.CACHE and not own.exists()
    assert cache.lookup(key) is None and not (shared / key).exists()


@pytest.mark.slow
def test_no_cache_runs_cold_without_touching_the_shared_entries(tmp_path: Path, seed_render: Path):
    notebook_keys, tables_key = seed_keys()
    entries = [cache.CACHE / key for key in [*notebook_keys, tables_key]]
    before = {entry: entry.stat().st_ino for entry in entries if entry.is_dir()}
    assert len(before) == len(entries), "the seed's render should have stored every entry"
    result = spillover("render", "--no-cache", "--out", tmp_path / "report", "--only", "07")
    assert result.returncode == 0, result.stderr
    assert {entry: entry.stat().st_ino for entry in entries if entry.is_dir()} == before
    assert not list(cache.CACHE.glob(".private-*")), "the private cache was left behind"


# --- 6. text from the article is never a template ----------------------------------------------------


@pytest.mark.slow
def test_placeholders_in_an_article_stay_literal(tmp_path: Path):
    article = tmp_path / "braces.txt"
    article.write_text(
        "T {{plotly_js}} {{chapters}} {{script_hashes}}\n\nBy A. Writer\n13 July 2021\n\n"
        "Some 300 people crossed the border, {{title}} said.\n",
        encoding="utf-8",
    )
    out = tmp_path / "report"
    # The page's template is filled by the renderer; one chapter is enough to show it.
    result = spillover("render", "--article", article, "--out", out, "--only", "01")
    assert result.returncode == 0, result.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>T {{plotly_js}} {{chapters}} {{script_hashes}} — " in page
    assert len(page) < 8_000_000, "a placeholder was expanded (plotly.js twice?)"
    assert "{{title}} said" in page
    csp = next(line for line in page.splitlines() if "Content-Security-Policy" in line)
    assert "{{" not in csp and "sha256-" in csp


# --- 7. options: one line, exit 2 ------------------------------------------------------------------


@pytest.mark.parametrize("option", [["--jobs", "-1"], ["--jobs", "two"], ["--cell-timeout", "0"]])
def test_bad_option_values_are_usage_errors(option: list[str]):
    one_line(spillover("render", *option), 2, option[0])


def test_version_and_module_entry_point():
    result = spillover("--version")
    assert result.returncode == 0 and result.stdout.startswith("spillover ")


# --- a cell that hangs -------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_cell_past_its_timeout_fails_with_one_line_and_keeps_the_notebook(tmp_path: Path):
    import nbformat

    from spillover.errors import SpilloverError

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("import time\ntime.sleep(60)")]
    source = tmp_path / "99-sleepy.ipynb"
    nbformat.write(nb, source)
    with pytest.raises(SpilloverError) as raised:
        render.run_notebook(source, tmp_path / "out.ipynb", tmp_path, {}, "notebook 99-sleepy", timeout=2)
    message = str(raised.value)
    assert "\n" not in message
    assert "notebook 99-sleepy:" in message and "cell 2" in message and "2 s" in message
    kept = render.FAILED / "99-sleepy.ipynb"
    assert str(kept) in message and kept.is_file()
    kept.unlink()


# --- reruns: chosen chapters, a bounded cache, keys per module ----------------------------------------


@pytest.mark.slow
def test_only_renders_the_chosen_chapters(tmp_path: Path, seed_render: Path):
    out = tmp_path / "report"
    result = spillover("render", "--out", out, "--only", "04", "findings")
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (out / "notebooks").iterdir())
    assert names == ["04-border-lengths.ipynb", "07-findings.ipynb"]


def test_unknown_chapter_is_bad_input():
    one_line(spillover("render", "--only", "99"), 2, "no chapter", "04-border-lengths")


@pytest.mark.slow
def test_refresh_reruns_only_the_chosen_chapter(tmp_path: Path, seed_render: Path):
    jobs, _ = render.plan(paths.DEFAULT_ARTICLE, params.validate({}))
    stamps = {job.notebook.name: (cache.CACHE / job.key / "notebook.ipynb").stat().st_ino for job in jobs}
    result = spillover("render", "--out", tmp_path / "report", "--refresh", "07")
    assert result.returncode == 0, result.stderr
    after = {job.notebook.name: (cache.CACHE / job.key / "notebook.ipynb").stat().st_ino for job in jobs}
    changed = sorted(name for name in stamps if stamps[name] != after[name])
    assert changed == ["07-findings.ipynb"]


def test_eviction_removes_the_least_recently_used_first(tmp_path: Path):
    for age, name in enumerate(["old", "middle", "new", "in-use"]):
        entry = tmp_path / name
        entry.mkdir()
        (entry / "data.bin").write_bytes(b"x" * 1000)
        os.utime(entry, ns=(age * 10**9, age * 10**9))
    removed = cache.evict(keep={"in-use"}, limit=2500, root=tmp_path)
    assert removed == ["old", "middle"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in-use", "new"]


def test_a_chapter_key_covers_only_the_modules_it_imports():
    from spillover import keys

    for notebook in render.notebooks():
        closure = keys.module_closure(keys.imports_of_code(render._code(notebook)))
        used = {p.relative_to(keys.PACKAGE).as_posix() for p in closure}
        assert "charts/__init__.py" in used and "pipeline.py" in used, notebook.name
        assert not used & {"cli.py", "render.py", "classroom.py", "exercises.py"}, notebook.name



def test_imports_are_read_in_every_form_python_writes_them():
    from spillover import keys

    source = """
import os, spillover.geo as g
from spillover import (
    paths,  # a comment, and a name after it
    units as u,
)
from spillover.charts import timeline, \\
    shares
def late():
    from spillover.reference import load
    import spillover.charts.region_map
text = "from spillover import nowhere"  # not at a line's start: no import
"""
    assert keys.imports_of_code(source) == {
        "geo", "paths", "units", "charts", "charts.timeline", "charts.shares", "reference",
        "charts.region_map",
    }  # fmt: skip

# --- standard input, a full disk ----------------------------------------------------------------------


@pytest.mark.slow
def test_render_reads_the_article_from_standard_input(tmp_path: Path, seed_render: Path):
    out = tmp_path / "report"
    result = subprocess.run(
        # One chapter is enough to show the article was read (the stdin copy's cache keys are new).
        [sys.executable, "-m", "spillover", "render", "--article", "-", "--out", str(out), "--only", "01"],
        input=paths.DEFAULT_ARTICLE.read_bytes(),
        capture_output=True,
        cwd=paths.ROOT,
        timeout=RENDER_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr.decode()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Afghan" in page and "1,357" in page


def test_a_full_disk_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    import errno

    from spillover import cli

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/full/report/index.html")

    monkeypatch.setattr(render, "render_report", full)
    assert cli.main(["render", "--out", "/full/report"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and "no space left" in lines[0] and "/full/report/index.html" in lines[0]
