"""The words every chart writes the same way: lists, quotes, amounts, shares, labels.

One place for each formatter, so that a number or a quote reads alike in every chart's title,
caption and alt text.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

# How a length's unit is written after a number.
SYMBOLS = {"kilometer": "km", "kilometre": "km", "km": "km", "mile": "mi", "mi": "mi"}


def text(value: object) -> str:
    """A table cell as text: empty for a missing value."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def capital(words: str) -> str:
    """The words with their first letter capitalised (the rest left as written)."""
    return words[:1].upper() + words[1:]


def listed(items: Iterable[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(items)
    return "".join(items) if len(items) <= 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def quoted(words: object) -> str:
    """Words in typographic quotation marks."""
    return f"\u201c{words}\u201d"


def amount(x: float) -> str:
    """1357.0 -> "1,357"; 63.1 -> "63"; 1.26 -> "1.3"."""
    return f"{x:,.0f}" if abs(x) >= 10 or abs(x - round(x)) < 0.05 else f"{x:,.1f}"


def count(value: float) -> str:
    """A count of things: 12500.0 -> "12,500"."""
    return f"{value:,.0f}"


def percent(share: float) -> str:
    """0.046 -> "4.6%"; 0.31 -> "31%"."""
    pct = abs(share) * 100
    return f"{pct:.1f}%" if pct < 10 else f"{pct:.0f}%"


def unique(labels: list[str]) -> list[str]:
    """Labels made unique by numbering repeats (plotly merges equal category labels)."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out
