"""The report's parameters: names, types, allowed values, defaults; checked before any notebook
runs, so a typo gives one line naming the parameter and what is allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spillover import paths
from spillover.errors import ParameterError


@dataclass(frozen=True)
class Parameter:
    name: str
    default: str
    help: str
    choices: tuple[str, ...] = ()


def _snapshots() -> tuple[str, ...]:
    if not paths.FACTBOOK.is_dir():
        return ()
    return tuple(sorted(p.name for p in paths.FACTBOOK.iterdir() if p.is_dir()))


def parameters() -> dict[str, Parameter]:
    """The parameters a user may set with -p NAME VALUE or a YAML file (article and out are
    options of their own)."""
    return {
        p.name: p
        for p in [
            Parameter("units", "km", "display units of lengths", ("km", "mi")),
            Parameter(
                "reference_snapshot",
                "2021-07-01",
                "World Factbook snapshot to check against",
                _snapshots(),
            ),
            Parameter(
                "annotations",
                "",
                "annotation file (default: data/annotations/<article>.yaml if it exists)",
            ),
        ]
    }


def validate(values: dict[str, object]) -> dict[str, str]:
    """Defaults overlaid with the given values; ParameterError on unknown names or values."""
    known = parameters()
    result = {name: p.default for name, p in known.items()}
    for name, value in values.items():
        if isinstance(value, dt.date):  # YAML reads an unquoted 2026-01-22 as a date
            value = value.isoformat()
        if name not in known:
            raise ParameterError(f"unknown parameter {name!r}; known: {', '.join(sorted(known))}")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ParameterError(
                f"parameter {name!r} must be a single text value, not {type(value).__name__}"
            )
        text = str(value)
        choices = known[name].choices
        if choices and text not in choices:
            raise ParameterError(f"parameter {name!r} is {text!r}; allowed: {', '.join(choices)}")
        if name == "annotations" and text:
            _check_file(text)
        result[name] = text
    return result


def _check_file(text: str) -> None:
    """An annotation file must be a regular file (a FIFO or a device would block or never end)."""
    path = Path(text)
    if "\x00" in text or not path.exists():
        raise ParameterError(
            f"parameter 'annotations': file not found: {text} "
            "(write one with `spillover annotate ARTICLE > FILE`)"
        )
    if not path.is_file():
        raise ParameterError(
            f"parameter 'annotations': {text} is not a regular file; save the annotations to a file"
        )


def from_cli(pairs: Iterable[tuple[str, str]], params_file: Path | None = None) -> dict[str, str]:
    """Merge a YAML parameters file and -p NAME VALUE pairs (the pairs win), then validate."""
    values: dict[str, object] = {}
    if params_file is not None:
        from spillover.article import read_mapping

        values.update(read_mapping(params_file, "parameters file", ParameterError))
    values.update(dict(pairs))
    return validate(values)
