"""Time the renderer and the extractor on this machine; `make bench` runs it.

Measured, as medians of --runs runs (each run's times printed too):

* a cold render of the default report (`spillover render` with an empty cache, temp folder);
* a warm render with nothing changed;
* the baseline: the same notebooks executed one after another with the plain command lines
  `papermill IN OUT -k python3` and then `jupyter nbconvert --to html --execute OUT` (both from
  the environment's bin/, cwd = project root), interleaved with our renders so a noisy machine
  hurts both;
* the size of the rendered index.html;
* large articles of 1, 4 and 10 MB (10**6 bytes), generated as tests/test_render.py does (the
  seed's long paragraphs repeated, each copy with a sentence of numbers of its own): the
  extractor, `extract_mentions(read_article(path))`, in MB/s; `spillover tables` and
  `spillover render --no-cache`, each in seconds and peak memory (ru_maxrss of RUSAGE_CHILDREN,
  read in a small wrapper process around the command: the largest process among the command and
  the descendants it waited for, kernels included); and the size of the rendered page. A render
  of 10 MB runs once (--large-render-runs changes that), the rest --runs times. --quick: one run
  of everything; --part seed or --part large: one half.

Renders, baseline and the large articles' commands run against a scratch project root
(SPILLOVER_ROOT: links to seeds/, data/, notebooks/, with its own empty .cache/ and figures/), so
they neither use nor disturb the shared cache in .cache/render or the project's figures/.

Only the standard library and the project are used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The tools beside the python that runs this: .venv/bin for `make bench`, the active (conda)
# environment's for `make bench ENV=active`. Not resolved: .venv/bin/python is a link.
BIN = Path(sys.executable).parent
MB = 1_000_000
LARGE_SIZES_MB = (1, 4, 10)
ATTEMPTS = 3  # a run is repeated (up to this many times) when the code changes under it
SETTLE_SECONDS = 10  # pause before repeating, so an editor can finish saving
TARGET_RATIO = 0.5  # cold render / baseline
TARGET_WARM_S = 2.0
TARGET_REPORT_BYTES = 6 * MB
TARGET_EXTRACT_MB_S = 1.0  # extraction speed, at every size
LINEAR_SLACK = 1.5  # "linear": seconds per MB at the largest size at most 1.5x that at 1 MB
TARGET_LARGE_RENDER_S = 90.0  # a render of the largest article
TARGET_PAGE_ALLOWANCE = 6 * MB  # index.html at most the article + 6 MB (plotly.js is 4.8 MB)
TARGET_PEAK_KB = 1_000_000  # 1 GB: tables and render, the command and each of its processes


def scratch_root(base: Path) -> Path:
    """A project root that shares the inputs but has its own cache and output folders."""
    root = base / "root"
    root.mkdir()
    for name in ("seeds", "data", "notebooks", "classroom", "requirements.lock", "pyproject.toml"):
        if (ROOT / name).exists():
            (root / name).symlink_to(ROOT / name)
    for name in ("figures", "reports"):
        (root / name).mkdir()
    return root


def notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


class CommandFailed(Exception):
    """A benchmarked command exited with an error."""


def timed(command: list[str | Path], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [str(c) for c in command], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise CommandFailed(
            f"benchmark command failed ({result.returncode}): {' '.join(map(str, command))}\n"
            + "\n".join(tail)
        )
    return elapsed


class Bench:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.root = scratch_root(base)
        self.env = {**os.environ, "SPILLOVER_ROOT": str(self.root)}
        self.env.pop("SPILLOVER_CACHE_DIR", None)  # the scratch root's own .cache/, never another
        self.report = base / "report"

    def _render(self, *args: str) -> float:
        return timed([sys.executable, "-m", "spillover.cli", "render", "--out", self.report, *args], self.env)

    def cold(self) -> float:
        # An empty cache, not --no-cache: --no-cache renders in a private cache it then removes, so
        # the warm render after it would be cold again.
        shutil.rmtree(self.root / ".cache", ignore_errors=True)
        return self._render()

    def warm(self) -> float:
        return self._render()

    def baseline(self) -> tuple[float, float]:
        """Seconds of papermill and of nbconvert over all notebooks, one after another."""
        shutil.rmtree(self.root / ".cache", ignore_errors=True)  # the notebooks' own table cache too
        out = self.base / "baseline"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        papermill = nbconvert = 0.0
        for notebook in notebooks():
            executed = out / notebook.name
            papermill += timed([BIN / "papermill", notebook, executed, "-k", "python3"], self.env)
            nbconvert += timed(
                [BIN / "jupyter", "nbconvert", "--to", "html", "--execute", executed], self.env
            )
        return papermill, nbconvert


def large_article(path: Path, size: int) -> Path:
    """An English article of at least `size` bytes with numbers all through, made as
    tests/test_render.py's _large_article: a title, byline and dateline, then the seed's
    paragraphs of more than 200 characters repeated, each copy ending in a sentence of its own
    ("In week N, M more people crossed.")."""
    from spillover import paths

    seed = paths.DEFAULT_ARTICLE.read_text(encoding="utf-8")
    paragraphs = [p for p in seed.split("\n\n") if len(p) > 200]
    parts, total, i = ["A very long report on the border\n\nA. Writer\n13 July 2021"], 0, 0
    while total < size:
        paragraph = f"{paragraphs[i % len(paragraphs)]} In week {i}, {i % 997 + 3} more people crossed."
        parts.append(paragraph)
        total += len(paragraph.encode("utf-8")) + 2
        i += 1
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def time_extraction(path: Path) -> tuple[float, int]:
    from spillover.article import read_article
    from spillover.extract import extract_mentions

    started = time.perf_counter()
    mentions = extract_mentions(read_article(path))
    return time.perf_counter() - started, len(mentions)


# Runs a command, then writes its exit status, the end of its stderr, its wall time, the peak
# resident set of the largest process among it and the descendants it waited for (kB on Linux),
# and the CPU seconds of all of them (on a busy machine a steadier measure than the wall time).
_MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
result = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - started
with open(sys.argv[1], "w", encoding="utf-8") as handle:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    json.dump({"returncode": result.returncode, "stderr": result.stderr[-2000:], "seconds": seconds,
               "peak_kb": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime}, handle)
"""


def measured(command: list[str | Path], env: dict[str, str], report: Path) -> tuple[float, int, float]:
    """Seconds, peak kB and CPU seconds of `command`, run by a fresh wrapper process (RUSAGE_CHILDREN of this
    process would be the largest of every command it ever ran)."""
    subprocess.run(
        [sys.executable, "-c", _MEASURE, report, *map(str, command)], cwd=ROOT, env=env, check=True
    )
    result = json.loads(report.read_text(encoding="utf-8"))
    report.unlink()
    if result["returncode"] != 0:
        tail = result["stderr"].strip().splitlines()[-5:]
        raise CommandFailed(
            f"benchmark command failed ({result['returncode']}): {' '.join(map(str, command))}\n"
            + "\n".join(tail)
        )
    return result["seconds"], result["peak_kb"], result["cpu"]


def large_articles(bench: Bench, runs: int, render_runs_largest: int) -> list[dict]:
    """Extraction, tables and render of each large article; one dict of medians per size (None
    for a command that failed: its error is printed, and the other sizes are still measured)."""
    cli = [sys.executable, "-m", "spillover.cli"]
    report = bench.base / "measured.json"
    rows, runs_seen = [], []
    print()
    print("Large articles (generated, see the docstring): medians; peak = ru_maxrss of the largest process")
    print(
        f"{'size':>6} {'bytes':>12} {'mentions':>9} {'extract s':>10} {'MB/s':>6} {'tables s':>9} "
        f"{'peak MB':>8} {'render s':>9} {'peak MB':>8} {'runs':>5} {'page bytes':>12} {'page-article':>13}"
    )

    def repeat(command: str, article: Path, size: int, count: int) -> tuple[list, list[int]]:
        """(seconds, peak kB and CPU seconds of each run, or [] after a failure; page sizes of
        renders)."""
        results, pages = [], []
        for run in range(count):
            shutil.rmtree(bench.root / ".cache", ignore_errors=True)  # every run starts cold
            out = bench.base / f"{command}-{size}mb-{run}"
            options = ["--no-cache"] if command == "render" else []
            try:
                results.append(
                    measured([*cli, command, *options, "--article", article, "--out", out], bench.env, report)
                )
            except CommandFailed as error:
                print(f"{size:>3} MB {command}: {error}", flush=True)
                return [], []
            if command == "render":
                pages.append((out / "index.html").stat().st_size)
            shutil.rmtree(out)
        return results, pages

    def cell(value: float | None, width: int, scale: float = 1, form: str = ".2f") -> str:
        if value is None:
            return f"{'failed':>{width}}"
        return f"{value / scale if scale != 1 else value:>{width}{form}}"

    for size in LARGE_SIZES_MB:
        article = large_article(bench.base / f"large-{size}mb.txt", size * MB)
        article_bytes = article.stat().st_size
        extract_times = []
        for _ in range(runs):
            seconds, mentions = time_extraction(article)
            extract_times.append(seconds)
        tables, _ = repeat("tables", article, size, runs)
        render_runs = render_runs_largest if size == LARGE_SIZES_MB[-1] else runs
        renders, pages = repeat("render", article, size, render_runs)
        shutil.rmtree(bench.root / ".cache", ignore_errors=True)
        article.unlink()
        extract_s = statistics.median(extract_times)
        row = {
            "size": size,
            "article_bytes": article_bytes,
            "mentions": mentions,
            "extract_s": extract_s,
            "extract_mb_s": article_bytes / MB / extract_s,
            "tables_s": statistics.median(t for t, _, _ in tables) if tables else None,
            "tables_peak_kb": max(p for _, p, _ in tables) if tables else None,
            "render_s": statistics.median(t for t, _, _ in renders) if renders else None,
            "render_cpu_s": statistics.median(c for _, _, c in renders) if renders else None,
            "render_peak_kb": max(p for _, p, _ in renders) if renders else None,
            "render_runs": render_runs,
            "page_bytes": max(pages) if pages else None,
        }
        rows.append(row)
        runs_seen.append((size, extract_times, tables, renders))

        over = None if row["page_bytes"] is None else row["page_bytes"] - article_bytes
        print(
            f"{size:>3} MB {article_bytes:>12,} {mentions:>9,} {extract_s:>10.2f} "
            f"{row['extract_mb_s']:>6.2f} "
            f"{cell(row['tables_s'], 9)} {cell(row['tables_peak_kb'], 8, 1024, '.0f')} "
            f"{cell(row['render_s'], 9)} {cell(row['render_peak_kb'], 8, 1024, '.0f')} {render_runs:>5} "
            f"{cell(row['page_bytes'], 12, 1, ',')} {cell(over, 13, 1, ',')}",
            flush=True,
        )
    print("(peak MB: the largest of the runs; page bytes: the largest of the renders)")
    print("Each run, seconds (render: wall / CPU of the command and its kernels):")
    for size, extract_times, tables, renders in runs_seen:
        print(
            f"{size:>3} MB  extract {' '.join(f'{t:.2f}' for t in extract_times)}; "
            f"tables {' '.join(f'{t:.2f}' for t, _, _ in tables) or 'failed'}; "
            f"render {' '.join(f'{t:.2f}/{c:.2f}' for t, _, c in renders) or 'failed'}"
        )
    return rows


def one_run(bench: Bench, run: int) -> tuple[float, float, float, float]:
    """Cold, warm, papermill and nbconvert seconds; the order alternates from run to run, so
    neither side always runs on a machine warmed up by the other."""
    if run % 2:
        cold, warm = bench.cold(), bench.warm()
        papermill, nbconvert = bench.baseline()
    else:
        papermill, nbconvert = bench.baseline()
        cold, warm = bench.cold(), bench.warm()
    return cold, warm, papermill, nbconvert


def measure(bench: Bench, run: int) -> tuple[float, float, float, float]:
    """One run, repeated when the code changed under it: a warm render after an edit is a cold
    one, and a half-saved file can make a command fail. Other failures end the benchmark."""
    for attempt in range(1, ATTEMPTS + 1):
        before = fingerprint()
        try:
            times, failure = one_run(bench, run), None
        except CommandFailed as error:
            times, failure = None, error
        if fingerprint() == before:
            if failure is not None:
                sys.exit(str(failure))
            return times
        print(f"{run:>6}  (src/ or notebooks/ changed during attempt {attempt}; run repeated)", flush=True)
        time.sleep(SETTLE_SECONDS)
    if times is None:
        sys.exit(str(failure))
    print(f"{run:>6}  (the code kept changing; the last attempt's times are kept)")
    return times


def fingerprint() -> tuple:
    """The render's cache keys: they change when src/, notebooks/, the data or the lock file do."""
    from spillover import params, paths, render

    try:
        jobs, tables_key = render.plan(paths.DEFAULT_ARTICLE, params.validate({}))
    except Exception as error:  # a half-saved notebook, say: compared like any other state
        return ("unreadable", repr(error))
    return tuple(job.key for job in jobs), tables_key


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


Target = tuple[str, str, bool]  # what, the measured value, met


def seed_renders(bench: Bench, runs: int) -> list[Target]:
    """Cold and warm renders of the seed against the papermill + nbconvert baseline; report size."""
    names = [n.name for n in notebooks()]
    print(f"{len(names)} notebooks: {', '.join(names)}")
    print()
    columns = (("cold", 9), ("warm", 9), ("papermill", 10), ("nbconvert", 10), ("baseline", 9), ("ratio", 7))
    print("Renders, seconds (baseline = papermill + nbconvert, ratio = cold / baseline)")
    print(f"{'run':>6} " + " ".join(f"{name:>{width}}" for name, width in columns))
    rows = []
    for run in range(1, runs + 1):
        cold, warm, papermill, nbconvert = measure(bench, run)
        baseline = papermill + nbconvert
        rows.append((cold, warm, papermill, nbconvert, baseline, cold / baseline))
        print(
            f"{run:>6} {cold:9.2f} {warm:9.2f} {papermill:10.2f} {nbconvert:10.2f} {baseline:9.2f} "
            f"{cold / baseline:7.2f}",
            flush=True,
        )
    medians = [statistics.median(column) for column in zip(*rows, strict=True)]
    cold, warm, papermill, nbconvert, baseline, ratio = medians
    print(
        f"{'median':>6} {cold:9.2f} {warm:9.2f} {papermill:10.2f} {nbconvert:10.2f} {baseline:9.2f} "
        f"{ratio:7.2f}"
    )
    ratio_papermill = statistics.median(r[0] / r[2] for r in rows)
    print(f"(stricter: cold / papermill alone = {ratio_papermill:.2f})")
    report_bytes = (bench.report / "index.html").stat().st_size
    print()
    print(f"Report: {report_bytes:,} bytes ({bench.report.name}/index.html of the benchmark's render)")
    committed = ROOT / "reports" / "index.html"
    if committed.is_file():
        print(f"        {committed.stat().st_size:,} bytes (reports/index.html, as last rendered there)")
    return [
        (
            "cold render <= 0.5 x baseline",
            f"{ratio:.2f} x ({cold:.1f} s / {baseline:.1f} s)",
            ratio <= TARGET_RATIO,
        ),
        ("warm render < 2 s", f"{warm:.2f} s", warm < TARGET_WARM_S),
        ("report < 6 MB", f"{report_bytes / MB:.2f} MB", report_bytes < TARGET_REPORT_BYTES),
    ]


def large_targets(rows: list[dict]) -> list[Target]:
    first, largest = rows[0], rows[-1]
    sizes = " / ".join(f"{row['size']}" for row in rows)
    growth = (largest["extract_s"] / largest["article_bytes"]) / (first["extract_s"] / first["article_bytes"])

    def each(key: str, form) -> str:
        return " / ".join("failed" if row[key] is None else form(row) for row in rows)

    def met(key: str, ok) -> bool:
        return all(row[key] is not None and ok(row) for row in rows)

    render_runs = "1 run" if largest["render_runs"] == 1 else f"median of {largest['render_runs']}"
    peaks = [row[key] for row in rows for key in ("tables_peak_kb", "render_peak_kb")]
    return [
        (
            f"extraction >= {TARGET_EXTRACT_MB_S:g} MB/s ({sizes} MB)",
            each("extract_mb_s", lambda r: f"{r['extract_mb_s']:.2f}") + " MB/s",
            met("extract_mb_s", lambda r: r["extract_mb_s"] >= TARGET_EXTRACT_MB_S),
        ),
        (
            f"extraction linear ({largest['size']} MB <= {LINEAR_SLACK} x per MB of {first['size']} MB)",
            f"{largest['extract_s']:.2f} s = {growth:.1f} x per MB",
            growth <= LINEAR_SLACK,
        ),
        (
            f"render of {largest['size']} MB <= {TARGET_LARGE_RENDER_S:g} s",
            "failed"
            if largest["render_s"] is None
            else f"{largest['render_s']:.1f} s ({render_runs}; CPU {largest['render_cpu_s']:.0f} s)",
            largest["render_s"] is not None and largest["render_s"] <= TARGET_LARGE_RENDER_S,
        ),
        (
            f"page <= article + {TARGET_PAGE_ALLOWANCE // MB} MB ({sizes} MB)",
            each("page_bytes", lambda r: f"+{(r['page_bytes'] - r['article_bytes']) / MB:.2f}") + " MB",
            met("page_bytes", lambda r: r["page_bytes"] - r["article_bytes"] <= TARGET_PAGE_ALLOWANCE),
        ),
        (
            f"peak memory < 1 GB ({sizes} MB)",
            "tables "
            + each("tables_peak_kb", lambda r: f"{r['tables_peak_kb'] / 1024:.0f}")
            + ", render "
            + each("render_peak_kb", lambda r: f"{r['render_peak_kb'] / 1024:.0f}")
            + " MB",
            None not in peaks and max(peaks) < TARGET_PEAK_KB,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument(
        "--large-render-runs",
        type=int,
        default=1,
        help=f"renders of the {LARGE_SIZES_MB[-1]} MB article (default 1)",
    )
    parser.add_argument("--quick", action="store_true", help="one run of every measurement")
    parser.add_argument(
        "--part",
        choices=("all", "seed", "large"),
        default="all",
        help="seed: the seed's renders only; large: the large articles only (default: all)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = args.large_render_runs = 1
    if args.runs < 1 or args.large_render_runs < 1:
        parser.error("--runs and --large-render-runs must be at least 1")

    print(
        f"Spillover benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; machine {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; {args.runs} runs"
    )
    targets: list[Target] = []
    with tempfile.TemporaryDirectory(prefix="spillover-bench-") as tmp:
        bench = Bench(Path(tmp))
        if args.part in ("all", "seed"):
            targets += seed_renders(bench, args.runs)
        if args.part in ("all", "large"):
            before = fingerprint()
            rows = large_articles(bench, args.runs, args.large_render_runs)
            if fingerprint() != before:
                print("(src/ or notebooks/ changed during the large articles' runs: mixed code measured)")
            targets += large_targets(rows)

    print()
    print(f"{'target':<52} {'measured':<46} result")
    for name, value, ok in targets:
        print(f"{name:<52} {value:<46} {verdict(ok)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
