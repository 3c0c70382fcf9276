"""The project's one pint unit registry: every unit conversion goes through it."""

from __future__ import annotations

import pint

ureg = pint.UnitRegistry()
# Head counts (soldiers, refugees) get a unit of their own, so "people" is never confused
# with a dimensionless ratio.
ureg.define("person = [headcount] = people")


def convert(value: float, unit: str, to: str) -> float:
    """A value in another unit (e.g. 1357 kilometer to mi)."""
    return float(ureg.Quantity(value, unit).to(to).magnitude)
