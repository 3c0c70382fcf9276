"""The per-article work of a corpus run: what a worker process or a Dask worker executes.

``analyse`` reads one article, builds every table (``pipeline.article_tables``: extraction,
tables, automatic checks, findings) and returns the tables the corpus keeps, as CSV text --
plain data, so that the result is the same whichever executor ran it and can be stored in
the cache by the process that asked for it (a Dask worker may run on another machine).

This module is small on purpose: a cache entry's key covers its code and the pipeline's
(``keys.code_digest(["corpus_worker"])``), so editing the comparative page or the command line
recomputes no article.
"""

from __future__ import annotations

import json
import os
import resource
import time
from pathlib import Path
from typing import Any

from spillover.errors import SpilloverError

#: The tables of an article that a corpus keeps (the others are in its own report).
KEPT_TABLES = ("mentions", "auto_checks", "findings")
ARTICLE_JSON = "article.json"
ERROR_JSON = "error.json"


def analyse(display: str, absolute: str, values: dict[str, str]) -> dict[str, Any]:
    """The corpus result of one article: ``{"status": "ok", "files": {name: text}}``, or
    ``{"status": "error", "error": one line}`` for bad input (what ``spillover tables`` would
    print after "spillover: error: "), or ``{"status": "internal", ...}`` for a bug. The
    article is read at `absolute`; messages name it as `display`, the path the user gave."""
    started = time.perf_counter()
    try:
        result = {"status": "ok", "files": _files(Path(absolute), values)}
    except SpilloverError as error:
        result = {"status": "error", "error": one_line(_as_given(str(error), display, absolute))}
    except Exception as error:  # one article's bug must not stop the others
        message = one_line(_as_given(f"{type(error).__name__}: {error}", display, absolute))
        result = {"status": "internal", "error": f"internal error: {message}"}
    result["seconds"] = time.perf_counter() - started
    result["pid"] = os.getpid()
    result["max_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result


def _files(article: Path, values: dict[str, str]) -> dict[str, str]:
    from spillover.article import read_article
    from spillover.pipeline import article_tables
    from spillover.schema import datapackage
    from spillover.tables import to_csv_text

    tables = article_tables(article, values)
    parsed = read_article(article)
    summary = {
        "title": parsed.title.text if parsed.title else "",
        "published": parsed.published.isoformat() if parsed.published else "",
        "sha256": parsed.sha256,
        "characters": len(parsed.text),
        "rows": {name: len(table) for name, table in tables.items()},
        "verdicts": {str(k): int(v) for k, v in tables["auto_checks"]["verdict"].value_counts().items()},
    }
    files = {f"{name}.csv": to_csv_text(tables[name]) for name in KEPT_TABLES}
    files["datapackage.json"] = (
        json.dumps(datapackage(list(KEPT_TABLES)), indent=2, ensure_ascii=False) + "\n"
    )
    files[ARTICLE_JSON] = json.dumps(summary, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    return files


def _as_given(message: str, display: str, absolute: str) -> str:
    """A message about the article (and the files beside it, its .meta.yaml) naming them as
    the user did: the absolute folder the worker read becomes the folder as given."""
    folder, given = str(Path(absolute).parent), str(Path(display).parent)
    message = message.replace(absolute, display)
    return message.replace(folder + os.sep, "" if given == "." else given + os.sep)


def one_line(message: str) -> str:
    """A message on one line, as the command line prints it (spillover.cli._one_line)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


def warm_up() -> None:
    """Import what every article needs, so a new worker process pays it once, up front."""
    import spillover.geo  # noqa: F401
    import spillover.pipeline  # noqa: F401
