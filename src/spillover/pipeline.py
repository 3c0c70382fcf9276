"""One call from inputs to every table: what the CLI, the renderer and the notebooks share."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from spillover import paths
from spillover.tables import build_tables, load, write_tables


def article_tables(
    article: Path | str = paths.DEFAULT_ARTICLE, params: dict[str, str] | None = None
) -> dict[str, pd.DataFrame]:
    """Every tidy table of an article under the given parameters (see spillover.params)."""
    params = params or {}
    inputs = load(article, params.get("annotations") or None)
    return build_tables(inputs, reference_borders(params))


def reference_borders(params: dict[str, str]) -> pd.DataFrame | None:
    """Reference rows of border_lengths (Factbook and measured); None until wired in."""
    return None


def write_processed(
    article: Path | str, params: dict[str, str], out_dir: Path | str = paths.PROCESSED
) -> Path:
    return write_tables(article_tables(article, params), out_dir)
