"""The project's one pint unit registry: every unit conversion goes through it.

pint is imported and the registry built on first use: that costs about 0.3 s, paid otherwise by
every command and notebook kernel, most of which convert nothing (benchmarks/README.md).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pint


@cache
def registry() -> pint.UnitRegistry:
    """The registry, built once per process."""
    import pint

    ureg = pint.UnitRegistry()
    # Head counts (soldiers, refugees) get a unit of their own, so "people" is never confused
    # with a dimensionless ratio.
    ureg.define("person = [headcount] = people")
    return ureg


def convert(value: float, unit: str, to: str) -> float:
    """A value in another unit (e.g. 1357 kilometer to mi)."""
    return float(registry().Quantity(value, unit).to(to).magnitude)
