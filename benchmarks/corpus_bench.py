"""Time `spillover corpus` on this machine: articles per second with one and two workers, the
peak memory of a worker, a warm rerun, and (with --dask) a dask.distributed LocalCluster.

    .venv/bin/python benchmarks/corpus_bench.py [--copies 3] [--dask]

The corpus is data/corpus/articles (49 World Factbook texts) repeated --copies times, each copy
made distinct by one added line (so every article has its own cache key). Each cold run gets
an empty cache of its own (spillover.cache's folder is pointed at a temporary folder), so the
project's .cache is neither used nor disturbed; the warm rerun reuses the two-worker run's
(and is repeated, up to three times, when a module was edited meanwhile: that changes every key).

Printed per run: the wall time of the whole command (pool start-up, keys, computing, tables,
page, publishing), articles per second over that wall time, the same over the computing phase
only, the mean seconds one article takes in a worker, and the peak resident memory of any
worker (ru_maxrss). Then the sizes that a 100,000-article estimate needs: the cache entry and
the CSV rows per article, and the page's bytes per article.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus" / "articles"
ATTEMPTS = 3  # warm reruns until one computes nothing (the code may change under a run)


def make_corpus(folder: Path, copies: int) -> int:
    folder.mkdir()
    for copy in range(copies):
        for article in sorted(CORPUS.glob("*.txt")):
            text = article.read_text(encoding="utf-8")
            (folder / f"c{copy}-{article.name}").write_text(f"{text}\nCopy {copy}.\n", encoding="utf-8")
    return len(list(folder.iterdir()))


def run(label: str, corpus: Path, out: Path, cache_dir: Path, **options: object) -> dict:
    from spillover import cache
    from spillover import corpus as corpus_module

    cache.CACHE, cache.SCRATCH = cache_dir, cache_dir / ".scratch"
    started = time.perf_counter()
    result = corpus_module.run_corpus(corpus, out, progress=False, **options)
    wall = time.perf_counter() - started
    n = len(result.outcomes)
    computed = [o for o in result.outcomes if o.computed]
    per_article = statistics.mean(o.seconds for o in computed) if computed else 0.0
    compute_rate = len(computed) / result.compute_seconds if computed and result.compute_seconds else 0.0
    row = {
        "label": label,
        "articles": n,
        "computed": len(computed),
        "failed": result.failed,
        "wall": wall,
        "rate": n / wall,
        "compute_rate": compute_rate,
        "per_article": per_article,
        "rss_mb": result.max_worker_rss_kb / 1024,
        "executor": result.executor or "none (all from the cache)",
    }
    print(
        f"{label:<28} {n:>5} {len(computed):>6} {wall:>8.2f} {row['rate']:>9.1f} {compute_rate:>10.1f} "
        f"{per_article:>9.3f} {row['rss_mb']:>8.0f}   {row['executor']}",
        flush=True,
    )
    return row


def sizes(out: Path, cache_dir: Path, n: int) -> None:
    entries = [p for p in cache_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    entry_bytes = sum(f.stat().st_size for p in entries for f in p.rglob("*") if f.is_file())
    page = (out / "index.html").stat().st_size
    data = sum(f.stat().st_size for f in (out / "data").iterdir())
    with (out / "data" / "figures.csv").open(encoding="utf-8") as handle:
        figures = sum(1 for _ in handle) - 1
    print(
        f"\nPer article: cache entry {entry_bytes / max(len(entries), 1) / 1000:.1f} kB, "
        f"{figures / n:.1f} figures (rows of figures.csv), tables {data / n / 1000:.1f} kB, "
        f"page {page / n / 1000:.1f} kB ({page / 1e6:.2f} MB for {n} articles)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3, help="copies of the 49-article corpus (default 3)")
    parser.add_argument(
        "--dask", action="store_true", help="also time a LocalCluster of two worker processes"
    )
    args = parser.parse_args()
    load = os.getloadavg()
    print(
        f"spillover corpus benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="corpus-bench-") as scratch:
        base = Path(scratch)
        n = make_corpus(base / "articles", args.copies)
        print(f"{n} articles ({args.copies} copies of {CORPUS.relative_to(ROOT)})\n")
        print(
            f"{'run':<28} {'n':>5} {'comp.':>6} {'wall s':>8} {'art./s':>9} {'comp. a/s':>10} "
            f"{'s/article':>9} {'RSS MB':>8}   executor"
        )
        run("1 worker, cold", base / "articles", base / "out1", base / "cache1", workers=1)
        run("2 workers, cold", base / "articles", base / "out2", base / "cache2", workers=2)
        for attempt in range(1, ATTEMPTS + 1):  # a module edited meanwhile changes every key
            warm = run(
                f"2 workers, warm rerun ({attempt})",
                base / "articles",
                base / "out2",
                base / "cache2",
                workers=2,
            )
            if warm["computed"] == 0:
                break
        if args.dask:
            from distributed import LocalCluster

            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
                run(
                    "Dask LocalCluster 2, cold",
                    base / "articles",
                    base / "out3",
                    base / "cache3",
                    scheduler=c.scheduler_address,
                )
        sizes(base / "out2", base / "cache2", n)
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":  # required: worker processes start from a server that imports this file
    sys.exit(main())
