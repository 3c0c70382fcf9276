"""Output folders: write only where the project owns the place, and publish atomically.

An output folder chosen by the user (``--out``, ``--tables``) is the project's only where a
manifest says so: ``DIR/.spillover/manifest.json`` lists the entries and files a render wrote,
with their checksums. A render replaces only what a manifest lists; into a non-empty folder
without one it refuses (``--force`` lets it write beside the folder's files, never over them).

Two ways to publish, both from a staging folder inside ``DIR/.spillover/`` (so on the same file
system as the target, where a rename is atomic), both under an exclusive lock, so two renders
into one folder run one after the other:

- ``publish_versioned`` (reports, classroom editions): the staged folder becomes a version,
  ``.spillover/current`` is switched to it by one rename, and each entry (``index.html``,
  ``data`` ...) is a relative symlink through ``current``. A reader sees the old report or the
  new one, never a mix.
- ``publish_files`` (table folders whose files are committed, like data/processed): each file
  is replaced by a rename; files that another program put there are never replaced.

A run killed with SIGKILL leaves its staging folder; the next run, holding the lock, removes it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from spillover import paths
from spillover.errors import InputError

STATE = ".spillover"  # the project's own sub-folder of an output folder
MANIFEST = "manifest.json"
CURRENT = "current"
# Files a folder may hold and still count as empty (a placeholder that keeps it in git).
PLACEHOLDERS = frozenset({".gitkeep"})
# Folders of the project that hold its inputs or code: never an output folder.
_PROJECT_INPUTS = (
    ".git",
    ".ci",
    ".venv",
    ".cache",
    "benchmarks",
    "classroom",
    "data",
    "figures",
    "notebooks",
    "seeds",
    "src",
    "tests",
)


def _read_umask() -> int:
    # Read once, at import, before any worker thread exists: os.umask can only be read by
    # setting it, and the setting is process-wide.
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_UMASK = _read_umask()


def new_folder(prefix: str, parent: Path) -> Path:
    """A new private-named folder with the modes any new folder gets (mkdtemp's are 0o700,
    which would make a report unreadable to a web server)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    folder.chmod(0o777 & ~_UMASK)
    return folder


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksums(root: Path) -> dict[str, str]:
    """sha256 of every file under root, by POSIX path relative to root, sorted."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    return {p.relative_to(root).as_posix(): sha256_file(p) for p in files}


def write_json_atomically(path: Path, data: object) -> None:
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    scratch.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(scratch, path)


def refuse_project_folder(out: Path, allowed: Iterable[Path] = ()) -> None:
    """An output folder may not be the project root, one of its parents, or inside a folder
    of the project's own inputs (data/processed, the tables' default, is passed as allowed)."""
    root = paths.ROOT.resolve()
    if out == root or out in root.parents:
        raise InputError(
            f"--out {out} would write into the project itself ({root}); choose a folder of its own, "
            "e.g. reports/other"
        )
    if any(out == a.resolve() or a.resolve() in out.parents for a in allowed):
        return
    for name in _PROJECT_INPUTS:
        inputs = root / name
        if out == inputs or inputs in out.parents:
            raise InputError(
                f"--out {out} is inside {inputs}, which holds the project's own files; "
                "choose another folder, e.g. reports/other"
            )


def _resolve(out: Path) -> Path:
    """The absolute folder (a symlinked folder counts as its target); a file is bad input."""
    out = Path(os.path.expanduser(out)).resolve()
    blocking = next((p for p in [out, *out.parents] if p.exists()), None)
    if blocking is not None and not blocking.is_dir():
        where = "is" if blocking == out else f"is inside {blocking}, which is"
        raise InputError(f"output {out} {where} a file, not a folder; choose a folder")
    return out


def _is_ours(path: Path) -> bool:
    """A folder that a render wrote: it has a manifest."""
    return (path / STATE / MANIFEST).is_file()


class OutputFolder:
    """A claimed output folder, locked while in use: ``with OutputFolder(out, ...) as folder:``
    then write into ``folder.staging`` and call one of the publish methods."""

    def __init__(
        self,
        out: Path | str,
        entries: Iterable[str] = (),
        force: bool = False,
        allowed: Iterable[Path] = (),
    ) -> None:
        self.out = _resolve(Path(out))
        self.entries = tuple(entries)
        self.force = force
        refuse_project_folder(self.out, allowed)
        self.state = self.out / STATE
        self.staging = Path()
        self._lock: int | None = None

    # --- claiming ---------------------------------------------------------------------------

    def manifest(self) -> dict:
        path = self.state / MANIFEST
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            data = None
        if not isinstance(data, dict) or data.get("tool") != "spillover":
            raise InputError(
                f"{path} is damaged; remove the folder {self.state} (the report will be rewritten) "
                "or choose another --out"
            )
        return data

    def _check_ownership(self) -> None:
        """Refuse a non-empty folder that is not ours (unless forced), and any entry name
        that is taken by something we did not write (even when forced)."""
        manifest = self.manifest()
        if not manifest and not self.force:
            foreign = [
                p.name
                for p in sorted(self.out.iterdir())
                if p.name not in PLACEHOLDERS and p.name != STATE and not _is_ours(p)
            ]
            if foreign:
                raise InputError(
                    f"output folder {self.out} is not empty ({', '.join(foreign[:3])}"
                    f"{', ...' if len(foreign) > 3 else ''}) and was not written by spillover; "
                    "choose a new or empty folder, or add --force to write beside its files "
                    "(nothing of theirs is replaced)"
                )
        for name in self.entries:
            if not self._owns(name, manifest):
                raise InputError(
                    f"{self.out / name} exists and was not written by spillover (or was changed "
                    "since); move it away or choose another --out"
                )

    def _owns(self, name: str, manifest: dict) -> bool:
        """Whether the entry `name` may be replaced: absent, our symlink into the state
        folder, or a file the manifest lists with the checksum it still has."""
        target = self.out / name
        if not (target.exists() or target.is_symlink()):
            return True
        if target.is_symlink():
            return os.readlink(target) == f"{STATE}/{CURRENT}/{name}"
        recorded = manifest.get("files", {}).get(name) if manifest.get("kind") == "files" else None
        return target.is_file() and recorded == sha256_file(target)

    def __enter__(self) -> OutputFolder:
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            self._check_ownership()
            self.state.mkdir(exist_ok=True)
            self._lock = os.open(self.state / "lock", os.O_RDWR | os.O_CREAT, 0o666 & ~_UMASK)
        except PermissionError:
            raise InputError(f"output folder {self.out} is not writable; choose another --out") from None
        except OSError as error:
            raise InputError(f"cannot write to output folder {self.out}: {error.strerror}") from None
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"spillover: waiting for another run writing to {self.out}", file=sys.stderr, flush=True)
            fcntl.flock(self._lock, fcntl.LOCK_EX)
        try:
            self._check_ownership()  # again: the other run may have changed the folder
            self._remove_stale()
            self.staging = new_folder("staging-", self.state)
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self.staging.name and self.staging.exists():
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the lock
            self._lock = None

    def _remove_stale(self) -> None:
        """Staging folders and old versions that a killed run left (we hold the lock, so no
        other run is using them)."""
        current = self._current_version()
        for item in self.state.iterdir():
            stale = item.name.startswith("staging-") or (
                item.name.startswith("v-") and item.name != current
            )
            if stale and item.is_dir() and not item.is_symlink():
                shutil.rmtree(item, ignore_errors=True)
            elif item.name.startswith(".") and item.name.endswith(".tmp"):
                item.unlink(missing_ok=True)

    def _current_version(self) -> str:
        link = self.state / CURRENT
        return os.readlink(link) if link.is_symlink() else ""

    # --- publishing ----------------------------------------------------------------------------

    def _check_staged(self) -> None:
        staged = sorted(p.name for p in self.staging.iterdir())
        unexpected = [name for name in staged if name not in self.entries]
        if unexpected:
            raise RuntimeError(f"staged entries not declared: {unexpected}")

    def publish_versioned(self) -> Path:
        """Make the staged entries the folder's content in one rename; returns the version.
        A version is named by its content, so the same report gives the same folder."""
        self._check_staged()
        files = checksums(self.staging)
        name = "v-" + hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]
        version = self.state / name
        if version.exists() and name == self._current_version():  # nothing changed
            shutil.rmtree(self.staging)
        else:
            if version.exists():  # left by a run killed after its rename (we hold the lock)
                shutil.rmtree(version)
            os.replace(self.staging, version)
        self.staging = Path()
        manifest = {"tool": "spillover", "kind": "versioned", "entries": sorted(self.entries)}
        write_json_atomically(self.state / MANIFEST, {**manifest, "version": name, "files": files})
        _symlink_atomically(name, self.state / CURRENT)
        for entry in self.entries:
            link = self.out / entry
            if (version / entry).exists():
                if not link.is_symlink():  # absent: _check_ownership refused anything else
                    _symlink_atomically(f"{STATE}/{CURRENT}/{entry}", link)
            elif link.is_symlink():  # an entry this version does not have
                link.unlink()
        self._remove_stale()
        return version

    def publish_files(self) -> list[Path]:
        """Move each staged file into the folder, replacing only files a manifest lists."""
        previous = self.manifest()
        staged = sorted(p for p in self.staging.iterdir() if p.is_file())
        for item in staged:
            if not self._owns(item.name, previous):
                raise InputError(
                    f"{self.out / item.name} exists and was not written by spillover (or was "
                    "changed since); move it away or choose another folder"
                )
        files = {**previous.get("files", {}), **{p.name: sha256_file(p) for p in staged}}
        # The manifest first: a file moved in is listed as ours even if the run dies next.
        write_json_atomically(self.state / MANIFEST, {"tool": "spillover", "kind": "files", "files": files})
        written = []
        for item in staged:
            os.replace(item, self.out / item.name)
            written.append(self.out / item.name)
        return written


def _symlink_atomically(target: str, link: Path) -> None:
    scratch = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    scratch.unlink(missing_ok=True)
    os.symlink(target, scratch)
    os.replace(scratch, link)
