"""Names shared by the notebooks' display outputs and the page that renders them."""

from __future__ import annotations

PLOTLY_MIME = "application/vnd.plotly.v1+json"
CHART_MIME = "application/vnd.spillover.chart+json"  # a chart's caption, source and alt text


def slug(text: str) -> str:
    """An element id or class from any text: lower-case words joined by hyphens."""
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in text).split())
