"""Time the renderer and the extractor on this machine; `make bench` runs it.

Measured, as medians of --runs runs (each run's times printed too):

* a cold render of the default report (`spillover render --no-cache`, empty cache, temp folder);
* a warm render with nothing changed;
* the baseline: the same notebooks executed one after another with the plain command lines
  `papermill IN OUT -k python3` and then `jupyter nbconvert --to html --execute OUT` (both from
  .venv/bin, cwd = project root), interleaved with our renders so a noisy machine hurts both;
* the size of the rendered index.html;
* the extractor, `extract_mentions(read_article(path))`, on the seed's paragraphs repeated to
  1, 2 and 4 MB (10**6 bytes), to show whether its time grows linearly.

Renders and baseline run against a scratch project root (SPILLOVER_ROOT: links to seeds/, data/,
notebooks/, with its own empty .cache/ and figures/), so they neither use nor disturb the shared
cache in .cache/render or the project's figures/.

Only the standard library and the project are used.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
BIN = ROOT / ".venv" / "bin"
MB = 1_000_000
EXTRACT_SIZES_MB = (1, 2, 4)
ATTEMPTS = 3  # a run is repeated (up to this many times) when the code changes under it
SETTLE_SECONDS = 10  # pause before repeating, so an editor can finish saving
TARGET_RATIO = 0.5  # cold render / baseline
TARGET_WARM_S = 2.0
TARGET_REPORT_BYTES = 6 * MB
TARGET_EXTRACT_1MB_S = 2.0
LINEAR_SLACK = 1.5  # "linear": seconds per MB at the largest size at most 1.5x that at 1 MB


def scratch_root(base: Path) -> Path:
    """A project root that shares the inputs but has its own cache and output folders."""
    root = base / "root"
    root.mkdir()
    for name in ("seeds", "data", "notebooks", "requirements.lock", "pyproject.toml"):
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
        self.report = base / "report"

    def _render(self, *args: str) -> float:
        return timed([sys.executable, "-m", "spillover.cli", "render", "--out", self.report, *args], self.env)

    def cold(self) -> float:
        shutil.rmtree(self.root / ".cache", ignore_errors=True)
        return self._render("--no-cache")

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


def article_of_size(path: Path, size: int) -> Path:
    """The seed's header and its paragraphs repeated until the text has `size` bytes."""
    from spillover import paths
    from spillover.article import read_article

    seed = read_article(paths.DEFAULT_ARTICLE)
    header = "\n".join(s.text for s in (seed.title, seed.byline, seed.dateline) if s is not None)
    parts, total, i = [header], len(header.encode()), 0
    while total < size:
        text = seed.paragraphs[i % len(seed.paragraphs)].text
        parts.append(text)
        total += len(text.encode()) + 2
        i += 1
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def time_extraction(path: Path) -> tuple[float, int]:
    from spillover.article import read_article
    from spillover.extract import extract_mentions

    started = time.perf_counter()
    mentions = extract_mentions(read_article(path))
    return time.perf_counter() - started, len(mentions)


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
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    print(
        f"Spillover benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; machine {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; {args.runs} runs"
    )
    with tempfile.TemporaryDirectory(prefix="spillover-bench-") as tmp:
        bench = Bench(Path(tmp))
        names = [n.name for n in notebooks()]
        print(f"{len(names)} notebooks: {', '.join(names)}")
        print()
        columns = (
            ("cold", 9),
            ("warm", 9),
            ("papermill", 10),
            ("nbconvert", 10),
            ("baseline", 9),
            ("ratio", 7),
        )
        header = f"{'run':>6} " + " ".join(f"{name:>{width}}" for name, width in columns)
        print("Renders, seconds (baseline = papermill + nbconvert, ratio = cold / baseline)")
        print(header)
        rows = []
        for run in range(1, args.runs + 1):
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

        print()
        print("Extraction, read_article + extract_mentions, seconds")
        print(f"{'size':>6} {'runs':<{8 * args.runs}} {'median':>8} {'s/MB':>6} {'mentions':>9}")
        per_mb = {}
        for size in EXTRACT_SIZES_MB:
            path = article_of_size(Path(tmp) / f"article-{size}mb.txt", size * MB)
            times = []
            for _ in range(args.runs):
                seconds, count = time_extraction(path)
                times.append(seconds)
            median = statistics.median(times)
            per_mb[size] = median / size
            runs = " ".join(f"{t:7.2f}" for t in times)
            print(
                f"{size:>4} MB {runs:<{8 * args.runs}} {median:8.2f} {median / size:6.2f} {count:9,}",
                flush=True,
            )

    largest = EXTRACT_SIZES_MB[-1]
    growth = per_mb[largest] / per_mb[1]
    targets = [
        (
            "cold render <= 0.5 x baseline",
            f"{ratio:.2f} x ({cold:.1f} s / {baseline:.1f} s)",
            ratio <= TARGET_RATIO,
        ),
        ("warm render < 2 s", f"{warm:.2f} s", warm < TARGET_WARM_S),
        ("report < 6 MB", f"{report_bytes / MB:.2f} MB", report_bytes < TARGET_REPORT_BYTES),
        ("extraction of 1 MB < 2 s", f"{per_mb[1]:.2f} s", per_mb[1] < TARGET_EXTRACT_1MB_S),
        (
            f"extraction linear ({largest} MB <= {LINEAR_SLACK} x {largest} x 1 MB)",
            f"{per_mb[largest] * largest:.2f} s = {growth:.1f} x per MB",
            growth <= LINEAR_SLACK,
        ),
    ]
    print()
    print(f"{'target':<46} {'measured':<34} result")
    for name, measured, ok in targets:
        print(f"{name:<46} {measured:<34} {verdict(ok)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
