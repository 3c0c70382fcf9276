"""Every path the project uses, in one place (no module or notebook builds paths by hand).

The project root is found from this file when the package is installed in editable mode,
or from the SPILLOVER_ROOT environment variable, so notebooks opened from any folder
(a student's copy under reports/classroom/, say) find the project's data.
"""

from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    env = os.environ.get("SPILLOVER_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "seeds").is_dir():
            return parent
    return Path.cwd().resolve()


ROOT = _find_root()
SEEDS = ROOT / "seeds"
DATA = ROOT / "data"
ANNOTATIONS = DATA / "annotations"
CHECKS = DATA / "checks"
CHECKS_SCHEMA = CHECKS / "schema.json"
REFERENCE = DATA / "reference"
FACTBOOK = REFERENCE / "factbook"
NATURAL_EARTH = REFERENCE / "natural-earth"
PROCESSED = DATA / "processed"
NOTEBOOKS = ROOT / "notebooks"
FIGURES = ROOT / "figures"
REPORTS = ROOT / "reports"
CLASSROOM = ROOT / "classroom"

DEFAULT_ARTICLE = SEEDS / "000_bcf152c5a0c9a4f2.txt"


def default_annotations(article: Path) -> Path:
    """The curated annotation file of an article: data/annotations/<article stem>.yaml."""
    return ANNOTATIONS / f"{Path(article).stem}.yaml"


def default_checks(article: Path) -> Path:
    """The checks file of an article (what to check its figures against): data/checks/<stem>.yaml."""
    return CHECKS / f"{Path(article).stem}.yaml"


def metadata_path(article: Path) -> Path:
    """The origin record beside an article: <article stem>.meta.yaml."""
    article = Path(article)
    return article.with_name(f"{article.stem}.meta.yaml")
