"""The render cache: folders of plain files keyed on the content of their inputs, verified.

An entry holds only data (notebooks as JSON, tables as CSV, figures as PNG/SVG), never
pickles, and a ``checksums.json`` listing every file with its sha256. An entry is used only
when its files are exactly those listed, with those checksums; a damaged or edited entry is
discarded with one warning line and recomputed.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from spillover import paths
from spillover.publish import checksums, new_folder

# The notebooks' kernels find a run's cache through this variable (see `private`).
CACHE_VARIABLE = "SPILLOVER_CACHE_DIR"
CACHE = Path(os.environ.get(CACHE_VARIABLE) or paths.ROOT / ".cache" / "render")
CHECKSUMS = "checksums.json"
SCRATCH = CACHE / ".scratch"


@contextmanager
def private() -> Iterator[Path]:
    """A cache of the run's own, removed at the end: a cold run (--no-cache) starts from nothing
    and neither uses nor removes the entries other runs share. The kernels the run starts
    inherit it through SPILLOVER_CACHE_DIR."""
    global CACHE, SCRATCH
    CACHE.mkdir(parents=True, exist_ok=True)
    # Inside the cache folder (same file system: renames work), named for the process so that
    # the folder of a killed run is removed by the next (remove_scratch_of_dead_processes).
    folder = Path(tempfile.mkdtemp(prefix=f".private-{os.getpid()}-", dir=CACHE))
    saved = CACHE, SCRATCH, os.environ.get(CACHE_VARIABLE)
    CACHE, SCRATCH = folder, folder / ".scratch"
    os.environ[CACHE_VARIABLE] = str(folder)
    try:
        yield folder
    finally:
        CACHE, SCRATCH, variable = saved
        if variable is None:
            os.environ.pop(CACHE_VARIABLE, None)
        else:
            os.environ[CACHE_VARIABLE] = variable
        shutil.rmtree(folder, ignore_errors=True)


def _warn(message: str) -> None:
    print(f"spillover: warning: {message}", file=sys.stderr, flush=True)


def lookup(key: str) -> Path | None:
    """The verified entry of a key, or None (a bad entry is removed, with one warning)."""
    entry = CACHE / key
    if not entry.is_dir():
        return None
    try:
        recorded = json.loads((entry / CHECKSUMS).read_text(encoding="utf-8"))
        actual = checksums(entry)
        actual.pop(CHECKSUMS, None)
        intact = recorded == actual and not any(p.is_symlink() for p in entry.rglob("*"))
    except (OSError, UnicodeDecodeError, ValueError):
        intact = False
    if not intact:
        _warn(f"cache entry {entry.name[:12]}... was damaged or changed; recomputing it")
        shutil.rmtree(entry, ignore_errors=True)
        return None
    touch(entry)
    return entry


def scratch(label: str) -> Path:
    """A new folder in the cache's file system to build an entry in (renamed into place)."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    return new_folder(f"{os.getpid()}-{label}-", SCRATCH)


def store(key: str, folder: Path) -> Path:
    """Seal a built folder (record its checksums) and move it into place as the key's entry."""
    sums = checksums(folder)
    (folder / CHECKSUMS).write_text(json.dumps(sums, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    entry = CACHE / key
    try:
        os.replace(folder, entry)
    except OSError:  # another run stored the same entry first
        shutil.rmtree(folder, ignore_errors=True)
    return entry


def remove(key: str) -> None:
    shutil.rmtree(CACHE / key, ignore_errors=True)


def remove_scratch_of_dead_processes() -> None:
    """Scratch folders and private caches of runs that were killed (their process is gone)."""
    folders = [*(SCRATCH.iterdir() if SCRATCH.is_dir() else ()), *CACHE.glob(".private-*")]
    for folder in folders:
        pid = folder.name.removeprefix(".private-").split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# Entries beyond this total size are evicted, oldest use first (a render of the seed adds about
# 10 MB; SPILLOVER_CACHE_MB overrides it).
DEFAULT_LIMIT_MB = 2000


def limit_bytes() -> int:
    text = os.environ.get("SPILLOVER_CACHE_MB", "")
    return int(text) * 1_000_000 if text.isdigit() else DEFAULT_LIMIT_MB * 1_000_000


def touch(entry: Path) -> None:
    """Mark an entry as just used (eviction removes the least recently used first)."""
    os.utime(entry)


def evict(keep: set[str], limit: int | None = None, root: Path | None = None) -> list[str]:
    """Remove the least recently used entries until the cache (the run's, by default) fits its
    limit; the entries in `keep` (those of the render that just ran) stay. Returns the keys removed."""
    limit = limit_bytes() if limit is None else limit
    root = CACHE if root is None else root
    if not root.is_dir():
        return []
    entries = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    sizes = {p: sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) for p in entries}
    total = sum(sizes.values())
    removed = []
    for entry in sorted(entries, key=lambda p: p.stat().st_mtime_ns):
        if total <= limit:
            break
        if entry.name in keep:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        total -= sizes[entry]
        removed.append(entry.name)
    return removed
