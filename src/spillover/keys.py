"""Cache keys: a digest of the bytes of every input an output depends on.

Nothing is parsed to compute a key. The code counts module by module: a chapter's key covers
only the package modules its notebook imports (and theirs), so an edit of, say, the command
line or the classroom code reruns no chapter.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from spillover import paths
from spillover.article import read_text

PACKAGE = Path(__file__).parent


def digest(items: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for item in items:
        h.update(hashlib.sha256(item).digest())
    return h.hexdigest()


def tree_digest(root: Path) -> bytes:
    """The digest of every file under `root` (names and bytes). The reference data holds over 500
    files (26 MB): a process reads them once, and again only when a file's size or mtime moved."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return _files_digest(root, tuple((p, *_stamp(p)) for p in files))


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


@cache
def _files_digest(root: Path, files: tuple[tuple[Path, int, int], ...]) -> bytes:
    return digest(p.relative_to(root).as_posix().encode() + p.read_bytes() for p, *_ in files).encode()


def annotations_for(article: Path, values: dict[str, str]) -> Path | None:
    """The annotation file a render uses: the parameter, else the article's curated file."""
    if values.get("annotations"):
        return Path(values["annotations"])
    default = paths.default_annotations(article)
    return default if default.is_file() else None


def _optional(path: Path | None) -> bytes:
    return path.read_bytes() if path is not None and path.is_file() else b""


def article_inputs(article: Path, values: dict[str, str]) -> list[bytes]:
    """The bytes about one article that every output depends on: the text, its annotations,
    its checks and origin record, the reference data and the locked package versions."""
    text, _ = read_text(article)
    annotations = annotations_for(article, values)
    return [
        text.encode(),
        read_text(annotations, "annotation file")[1] if annotations else b"",
        _optional(paths.default_checks(article)),
        _optional(paths.metadata_path(article)),
        tree_digest(paths.REFERENCE),
        (paths.ROOT / "requirements.lock").read_bytes(),
    ]


def module_path(name: str) -> Path | None:
    """The file of a package module named relative to the package ("report", "charts.timeline"),
    or None when there is none."""
    base = PACKAGE.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


# Import statements of the package, read from the source text: parsing whole modules into
# syntax trees took ~0.7 s of every render's start. An import in a docstring counts too: an
# extra module in a key only reruns a chapter more often, never serves a stale one.
_FROM_IMPORT = re.compile(
    r"^[ \t]*from[ \t]+spillover((?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|(?:[^\n\\]|\\\n)*)", re.M
)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+((?:[^\n\\]|\\\n)*)", re.M)


def _names(listed: str) -> list[str]:
    """The names of an import list ("a, b as c", "(\n a,  # why\n b,\n)") without aliases."""
    listed = re.sub(r"#[^\n]*", "", listed)
    listed = re.sub(r"[()\\\n]", " ", listed)
    return [part.split()[0] for part in listed.split(",") if part.split()]


def _imported(source: str) -> set[str]:
    """The package's modules imported anywhere in a module or cell (functions too), named
    relative to the package: `from spillover.charts import timeline` counts as "charts" and
    "charts.timeline"; an import of a subpackage counts as its parents' modules too."""
    found = set()
    for match in _FROM_IMPORT.finditer(source):
        inner = match.group(1).lstrip(".")
        prefix = inner + "." if inner else ""
        if inner:
            found.add(inner)
        found |= {prefix + name for name in _names(match.group(2))}
    for match in _IMPORT.finditer(source):
        names = _names(match.group(1))
        found |= {name.removeprefix("spillover.") for name in names if name.startswith("spillover.")}
    parents = {".".join(name.split(".")[:i]) for name in found for i in range(1, name.count(".") + 1)}
    return {name for name in found | parents if module_path(name) is not None}


@cache
def _module_imports(path: Path, mtime_ns: int) -> frozenset[str]:
    return frozenset(_imported(path.read_text(encoding="utf-8")))


def module_closure(names: Iterable[str]) -> list[Path]:
    """The package modules named and every package module they import, transitively."""
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        path = module_path(name)
        if name in seen or path is None:
            continue
        seen.add(name)
        todo.extend(_module_imports(path, path.stat().st_mtime_ns))
    return sorted({module_path(name) for name in seen})


def code_digest(names: Iterable[str]) -> bytes:
    modules = module_closure(names)
    return digest(p.relative_to(PACKAGE).as_posix().encode() + p.read_bytes() for p in modules).encode()


def imports_of_code(source: str) -> set[str]:
    """The package modules a notebook's code imports."""
    return _imported(source)


def tables_key(article: Path, values: dict[str, str]) -> str:
    """The key of an article's tables under some parameters (only the snapshot changes them)."""
    snapshot = values.get("reference_snapshot", "").encode()
    return "tables-" + digest([*article_inputs(article, values), code_digest(["pipeline"]), snapshot])
