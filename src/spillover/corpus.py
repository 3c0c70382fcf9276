"""`spillover corpus`: many articles at once, on a process pool or a Dask cluster.

For every article of a folder (its ``*.txt`` files) or of a list file (one path per line):
extraction, tables and automatic checks (``corpus_worker.analyse``, the same
``pipeline.article_tables`` as one article's report), and with ``reports=True`` each article's
own report; then one comparative page (``corpus_page``) and the corpus's tidy tables
(``corpus_tables``), published into an output folder (``publish.OutputFolder``: entries
``index.html``, ``data``, ``articles``).

How it runs:

- **Keys and cache.** Each article's result is a verified cache entry (``spillover.cache``)
  keyed on the bytes of everything it depends on -- the article, its annotation, checks and
  origin files, the reference data, the lock file, the snapshot and the code of
  ``corpus_worker`` and of every module it imports (``spillover.keys``) -- so a rerun computes
  only the articles that changed, and a run stopped half-way goes on where it stopped. Keys
  are computed here, in the process that asked, which also stores the entries: workers only
  compute, so a Dask worker on another machine needs the project (same lock file) and the
  articles at the same paths, not this machine's cache.
- **Executors.** A process pool on this machine (``workers``, default one per core), or with
  ``scheduler=ADDRESS`` the workers of an existing dask.distributed cluster
  (``Client(address).submit``). At most a few tasks per worker are in flight, so memory stays
  bounded whatever the corpus's size.
- **Failures.** Bad input (``InputError``: an empty, binary or non-UTF-8 file ...) is reported
  for that article, with the one-line message ``spillover tables --article PATH`` gives, and the
  others go on; so is an internal error (not cached: a rerun tries it again).
- **Versions.** Two texts whose file names differ only by a version or date suffix
  (``NAME_v1.txt`` / ``NAME_v2.txt``, ``NAME-2021-07-01.txt`` / ``NAME-2026-01-22.txt``;
  see ``VERSION_SUFFIX``), or a pair given in a pairs file, are compared figure by figure.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spillover import cache, keys, paths
from spillover.article import read_text
from spillover.corpus_worker import ARTICLE_JSON, ERROR_JSON, analyse, one_line
from spillover.errors import InputError, ParameterError
from spillover.publish import OutputFolder

ENTRIES = ("index.html", "data", "articles")
#: A version or date at the end of a file's stem, after "_", "-" or ".": v2, 2021-07-01,
#: 20210701, 2021-07. Files whose stems differ only by it are versions of one text.
VERSION_SUFFIX = re.compile(r"^(?P<base>.+?)[._-](?P<version>[vV]\d+|\d{4}-\d{2}-\d{2}|\d{8}|\d{4}-\d{2})$")
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+=-]{0,99}")
#: Tasks in flight per worker (enough to keep every worker busy, few enough to bound memory).
IN_FLIGHT_PER_WORKER = 4
#: Seconds to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = 15


@dataclass(frozen=True)
class Item:
    """One article of the corpus: its id (unique in the corpus, a safe folder name) and its
    path as the user gave it (messages name it so)."""

    article_id: str
    path: Path

    @property
    def display(self) -> str:
        return str(self.path)


@dataclass(frozen=True)
class Pair:
    pair_id: str
    old: str  # article ids
    new: str
    paired_by: str  # "file names" or "pairs file <path>, line <n>"


@dataclass
class Outcome:
    """What became of one article in this run."""

    item: Item
    key: str = ""
    status: str = "pending"  # ok, error (bad input), internal (a bug; not cached)
    error: str = ""
    entry: Path | None = None
    computed: bool = False  # False: from the cache (or failed before any work)
    seconds: float = 0.0
    max_rss_kb: int = 0
    report: str = ""  # the article's own report, relative to the output folder
    report_error: str = ""


@dataclass
class CorpusRun:
    """The result of a run: where it went and what was done."""

    out: Path
    outcomes: list[Outcome]
    pairs: list[Pair]
    compute_seconds: float = 0.0
    executor: str = ""
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def index(self) -> Path:
        return self.out / "index.html"

    @property
    def computed(self) -> int:
        return sum(o.computed for o in self.outcomes)

    @property
    def cached(self) -> int:
        return sum(
            o.status in ("ok", "error") and not o.computed and o.entry is not None for o in self.outcomes
        )

    @property
    def failed(self) -> int:
        return sum(o.status != "ok" for o in self.outcomes)

    @property
    def max_worker_rss_kb(self) -> int:
        return max((o.max_rss_kb for o in self.outcomes), default=0)


# --- the articles -----------------------------------------------------------------------------


def discover(source: Path | str) -> list[Item]:
    """The articles of a folder (its *.txt files, sorted by name) or of a list file (one path a
    line; blank lines and lines starting with # are skipped; relative paths are relative to
    the list file's folder)."""
    source = Path(source)
    if source.is_dir():
        found = sorted(p for p in source.iterdir() if p.suffix == ".txt" and not p.name.startswith("."))
        where = f"folder {source}"
    elif source.exists():
        text, _ = read_text(source, "article list")
        lines = [line.strip() for line in text.splitlines()]
        found = [source.parent / line for line in lines if line and not line.startswith("#")]
        if found and not any(p.exists() for p in found):
            raise InputError(
                f"none of the {len(found)} paths listed in {source} exists: give a folder of .txt "
                "articles or a file listing one article path per line (relative to the list's folder)"
            )
        where = f"list {source}"
    else:
        raise InputError(
            f"corpus not found: {source} (give a folder of .txt articles or a file listing one path per line)"
        )
    if not found:
        raise InputError(f"no articles in {where}: it holds no .txt files (give a folder of .txt articles)")
    return _with_ids(found)


def _with_ids(found: list[Path]) -> list[Item]:
    """Items with unique, safe ids: the file's stem, else a slug of it with a short hash; a
    second file of the same stem gets -2, -3 ..."""
    items, taken = [], set()
    for path in found:
        stem = path.stem
        base = stem if _SAFE_ID.fullmatch(stem) else _slug_id(stem)
        article_id, n = base, 1
        while article_id in taken:
            n += 1
            article_id = f"{base}-{n}"
        taken.add(article_id)
        items.append(Item(article_id, path))
    return items


def _slug_id(stem: str) -> str:
    from spillover.page import slug

    digest = hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{slug(stem)[:60] or 'article'}-{digest}"


# --- versions of one text ----------------------------------------------------------------------


def _version_key(version: str) -> tuple[int, int | str]:
    return (0, int(version[1:])) if version[0] in "vV" else (1, version.replace("-", ""))


def name_pairs(items: list[Item]) -> list[tuple[str, str, str]]:
    """(old id, new id, how) for files whose stems differ only by a version suffix, each
    version paired with the next."""
    groups: dict[tuple[str, str], list[tuple[tuple[int, int | str], Item]]] = {}
    for item in items:
        match = VERSION_SUFFIX.match(item.path.stem)
        if match:
            folder = str(item.path.parent)
            groups.setdefault((folder, match["base"]), []).append((_version_key(match["version"]), item))
    found = []
    for _, members in sorted(groups.items()):
        ordered = [item for _, item in sorted(members, key=lambda m: (m[0], m[1].article_id))]
        found += [
            (a.article_id, b.article_id, "file names") for a, b in zip(ordered, ordered[1:], strict=False)
        ]
    return found


def file_pairs(pairs_file: Path | str, items: list[Item]) -> list[tuple[str, str, str]]:
    """Pairs from a pairs file: one pair a line, OLD then NEW, separated by a tab (or, when the
    line has none, by white space); each names an article of the corpus by its path (as given,
    or relative to the pairs file's folder), file name, stem or id. # starts a comment line."""
    pairs_file = Path(pairs_file)
    text, _ = read_text(pairs_file, "pairs file")
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        names = line.split("\t") if "\t" in line else line.split()
        names = [n.strip() for n in names if n.strip()]
        where = f"pairs file {pairs_file}, line {number}"
        if len(names) != 2:
            raise InputError(
                f"{where}: expected two articles (OLD and NEW, separated by a tab), got {len(names)}"
            )
        old, new = (_find(name, items, pairs_file.parent, where) for name in names)
        if old == new:
            raise InputError(f"{where}: both sides name the same article {old!r}")
        found.append((old, new, where))
    return found


def _find(name: str, items: list[Item], base: Path, where: str) -> str:
    resolved = {(base / name).resolve(), Path(name).resolve()}
    for test in (
        lambda i: i.display == name,
        lambda i: i.path.resolve() in resolved,
        lambda i: i.path.name == name,
        lambda i: i.path.stem == name,
        lambda i: i.article_id == name,
    ):
        matches = [i.article_id for i in items if test(i)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise InputError(f"{where}: {name!r} names {len(matches)} articles; give its path")
    raise InputError(f"{where}: no article {name!r} in the corpus; name it by its path, file name or stem")


def pairs_of(items: list[Item], pairs_file: Path | str | None) -> list[Pair]:
    """The pairs of the pairs file (in its order), then those found by file names."""
    found = file_pairs(pairs_file, items) if pairs_file is not None else []
    seen = {(a, b) for a, b, _ in found}
    found += [p for p in name_pairs(items) if (p[0], p[1]) not in seen]
    return [Pair(f"p{i:03d}", a, b, how) for i, (a, b, how) in enumerate(found, start=1)]


# --- keys --------------------------------------------------------------------------------------


def shared_inputs(values: dict[str, str]) -> bytes:
    """What every article's result depends on besides its own files (computed once a run):
    the reference data, the lock file, the worker's code closure and the snapshot."""
    return keys.digest(
        [
            keys.tree_digest(paths.REFERENCE),
            (paths.ROOT / "requirements.lock").read_bytes(),
            keys.code_digest(["corpus_worker"]),
            values.get("reference_snapshot", "").encode(),
        ]
    ).encode()


def own_inputs(article: Path, values: dict[str, str]) -> list[bytes]:
    """The bytes of one article's own files: its text, annotations, checks and origin record
    (keys.article_inputs without what shared_inputs covers; a test checks they agree)."""
    text, _ = read_text(article)
    annotations = keys.annotations_for(article, values)
    return [
        text.encode(),
        read_text(annotations, "annotation file")[1] if annotations else b"",
        _optional(paths.default_checks(article)),
        _optional(paths.metadata_path(article)),
    ]


def _optional(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b""


def article_key(article: Path, values: dict[str, str], shared: bytes) -> str:
    return "corpus-" + keys.digest([*own_inputs(article, values), shared])


# --- executors ---------------------------------------------------------------------------------


class _LocalPool:
    """Worker processes on this machine, started from a server that has imported the pipeline
    (forkserver with preload: each worker pays the imports once, and forks no threads). Like
    any spawn or forkserver pool, a script that calls run_corpus must guard its top level with
    ``if __name__ == "__main__":`` (the workers import the main module)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.slots = workers * IN_FLIGHT_PER_WORKER
        self.name = f"process pool of {workers} worker{'s' if workers != 1 else ''}"
        self.pool = self._start()

    def _start(self) -> Any:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from spillover.corpus_worker import warm_up

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["spillover.corpus_worker", "spillover.pipeline", "spillover.geo"])
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=warm_up)

    def submit(self, index: int, item: Item, key: str, values: dict[str, str]) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        arguments = (analyse, item.display, str(item.path.resolve()), values)
        try:
            return self.pool.submit(*arguments)
        except BrokenProcessPool:  # a worker died (killed, out of memory): the tasks it had in
            # flight are reported as internal errors; a new pool takes the rest
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._start()
            return self.pool.submit(*arguments)

    def close(self, interrupted: bool = False) -> None:
        self.pool.shutdown(wait=not interrupted, cancel_futures=True)


class _DaskCluster:
    """The workers of an existing dask.distributed cluster."""

    def __init__(self, address: str) -> None:
        from distributed import Client

        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as error:
            raise InputError(
                f"cannot reach the Dask scheduler at {address}: "
                f"{one_line(str(error)) or type(error).__name__} "
                "(start one with `dask scheduler` and `dask worker ADDRESS`, or leave out --scheduler)"
            ) from None
        threads = sum(self.client.nthreads().values())
        self.workers = max(threads, 1)
        self.slots = max(self.workers * IN_FLIGHT_PER_WORKER, 8)
        self.name = f"Dask cluster at {address} ({threads} worker threads)"

    def submit(self, index: int, item: Item, key: str, values: dict[str, str]) -> Any:
        return self.client.submit(
            analyse,
            item.display,
            str(item.path.resolve()),
            values,
            key=f"spillover-corpus-{index}-{key.removeprefix('corpus-')[:16]}",
            pure=False,
        )

    def close(self, interrupted: bool = False) -> None:
        self.client.close()


def _run_tasks(
    executor: Any,
    todo: list[tuple[int, Item, str]],
    values: dict[str, str],
    done: Callable[[int, dict[str, Any]], None],
) -> None:
    """Submit the articles, a bounded number at a time, and hand each result to `done` as it
    arrives (results come back on a queue from the futures' callbacks, whatever the executor)."""
    arrived: queue.Queue[tuple[int, Any]] = queue.Queue()
    pending = iter(todo)
    in_flight = 0

    def fill() -> None:
        nonlocal in_flight
        while in_flight < executor.slots:
            task = next(pending, None)
            if task is None:
                return
            index, item, key = task
            try:
                future = executor.submit(index, item, key, values)
            except Exception as error:  # a broken pool: this article fails, the loop goes on
                done(index, _internal(error))
                continue
            future.add_done_callback(lambda f, i=index: arrived.put((i, f)))
            in_flight += 1

    fill()
    while in_flight:
        index, future = arrived.get()
        in_flight -= 1
        try:
            result = future.result()
        except Exception as error:  # the worker died, or the task could not run
            result = _internal(error)
        done(index, result)
        fill()


def _internal(error: BaseException) -> dict[str, Any]:
    return {
        "status": "internal",
        "error": f"internal error: the worker failed: {type(error).__name__}: {one_line(str(error))}",
    }


# --- cache entries -----------------------------------------------------------------------------


def _store(key: str, item: Item, result: dict[str, Any]) -> Path:
    folder = cache.scratch("corpus")
    if result["status"] == "ok":
        for name, text in result["files"].items():
            (folder / name).write_text(text, encoding="utf-8")
    else:
        record = {"error": result["error"], "article": item.display}
        (folder / ERROR_JSON).write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return cache.store(key, folder)


def _read_entry(outcome: Outcome) -> None:
    """Status and error of a cached entry (an error names the article as this run gives it)."""
    assert outcome.entry is not None
    error = outcome.entry / ERROR_JSON
    if error.is_file():
        record = json.loads(error.read_text(encoding="utf-8"))
        outcome.status = "error"
        outcome.error = record["error"].replace(record["article"], outcome.item.display)
    elif (outcome.entry / ARTICLE_JSON).is_file():
        outcome.status = "ok"
    else:
        outcome.status, outcome.error = "internal", "internal error: a cache entry without its files"


# --- the run -----------------------------------------------------------------------------------


def check_values(values: dict[str, object] | None) -> dict[str, str]:
    from spillover import params

    checked = params.validate(values or {})
    if checked.get("annotations"):
        raise ParameterError(
            "parameter 'annotations' names one article's file; in a corpus each article uses "
            "data/annotations/<its stem>.yaml when that exists"
        )
    return checked


def run_corpus(
    source: Path | str,
    out: Path | str,
    values: dict[str, object] | None = None,
    *,
    workers: int = 0,
    scheduler: str | None = None,
    reports: bool = False,
    pairs_file: Path | str | None = None,
    use_cache: bool = True,
    force: bool = False,
    progress: bool | None = None,
) -> CorpusRun:
    """Analyse every article of `source` and publish the comparative report into `out`."""
    import time

    checked = check_values(values)
    items = discover(source)
    pairs = pairs_of(items, pairs_file)
    folder = OutputFolder(out, ENTRIES, force=force)  # refuses a project folder before any work
    cache.remove_scratch_of_dead_processes()
    run = CorpusRun(folder.out, [Outcome(item) for item in items], pairs)
    cluster = _DaskCluster(scheduler) if scheduler else None  # an unreachable one fails first
    try:
        with folder:
            started = time.perf_counter()
            todo = _keys_and_lookups(run, checked, use_cache)
            if todo:
                pool = min(workers or os.cpu_count() or 1, len(todo))
                _compute(run, todo, checked, cluster or _LocalPool(pool), progress)
            run.compute_seconds = time.perf_counter() - started
            _publish(run, folder, checked, source, workers, reports)
    finally:
        if cluster is not None:
            cluster.close()
    cache.evict(keep={o.key for o in run.outcomes if o.key}, root=cache.CACHE)
    return run


def _publish(
    run: CorpusRun,
    folder: OutputFolder,
    values: dict[str, str],
    source: Path | str,
    workers: int,
    reports: bool,
) -> None:
    """The reports, the tables and the page, staged and published in one rename."""
    from spillover.corpus_page import write_page
    from spillover.corpus_tables import write_tables

    if reports:
        _reports(run, folder.staging / "articles", values, workers)
    data = folder.staging / "data"
    data.mkdir()
    tables = write_tables(run, data)
    (folder.staging / "index.html").write_text(write_page(run, tables, data, source), encoding="utf-8")
    folder.publish_versioned()


def _keys_and_lookups(run: CorpusRun, values: dict[str, str], use_cache: bool) -> list[tuple[int, Item, str]]:
    """Each article's key (bad input fails here, with its one-line message) and cache entry;
    what is left to compute."""
    shared = shared_inputs(values)
    todo = []
    for index, outcome in enumerate(run.outcomes):
        try:
            outcome.key = article_key(outcome.item.path, values, shared)
        except InputError as error:
            outcome.status, outcome.error = "error", one_line(str(error))
            continue
        except OSError as error:  # a file beside it (its .meta.yaml) that cannot be read
            outcome.status = "error"
            outcome.error = one_line(
                f"cannot read {error.filename or outcome.item.display}: {error.strerror}"
            )
            continue
        if not use_cache:
            cache.remove(outcome.key)
        outcome.entry = cache.lookup(outcome.key)
        if outcome.entry is not None:
            _read_entry(outcome)
        else:
            todo.append((index, outcome.item, outcome.key))
    return todo


def _compute(
    run: CorpusRun,
    todo: list[tuple[int, Item, str]],
    values: dict[str, str],
    executor: Any,
    progress: bool | None,
) -> None:
    """Run the articles left to do on the executor, storing each result as it arrives."""
    from tqdm import tqdm

    run.executor = executor.name
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(total=len(todo), desc="articles", unit="article", file=sys.stderr, disable=not show)
    failed = 0

    def done(index: int, result: dict[str, Any]) -> None:
        nonlocal failed
        outcome = run.outcomes[index]
        outcome.computed = True
        outcome.seconds = result.get("seconds", 0.0)
        outcome.max_rss_kb = result.get("max_rss_kb", 0)
        outcome.status = result["status"]
        outcome.error = result.get("error", "")
        if result["status"] in ("ok", "error"):  # an internal error is not kept: a rerun retries it
            outcome.entry = _store(outcome.key, outcome.item, result)
        bar.update()
        if outcome.status != "ok":
            failed += 1
            bar.set_postfix(failed=failed)

    interrupted = True
    try:
        _run_tasks(executor, todo, values, done)
        interrupted = False
    finally:
        bar.close()
        if isinstance(executor, _LocalPool):  # a Dask client is closed by run_corpus
            executor.close(interrupted)


def _reports(run: CorpusRun, articles: Path, values: dict[str, str], workers: int) -> None:
    """Each article's own report (spillover.render) in articles/<id>/; one that fails is noted
    in the corpus table, and the others go on."""
    from spillover.errors import SpilloverError
    from spillover.render import render_report

    articles.mkdir()
    for outcome in run.outcomes:
        if outcome.status != "ok":
            continue
        try:
            render_report(outcome.item.path, articles / outcome.item.article_id, values, jobs=workers)
            outcome.report = f"articles/{outcome.item.article_id}/index.html"
        except SpilloverError as error:
            outcome.report_error = one_line(str(error))


def describe(run: CorpusRun) -> str:
    """One line for the terminal about a finished run."""
    n = len(run.outcomes)
    parts = [f"{run.computed} computed", f"{run.cached} from the cache", f"{run.failed} failed"]
    where = f" on a {run.executor}" if run.executor else ""
    return f"corpus report written to {run.index} ({n} articles: {', '.join(parts)}{where})"
