"""The geometry of a horizontal bar chart, drawn as SVG by the KPI page's template.

The server lays the bars out, so the chart needs no JavaScript; the template escapes every
label, and the same figures sit in a table beside the chart for screen readers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

ROW, LABEL, BAR, VALUE = 28, 160, 300, 50


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL


def bar_chart(counts: Mapping[str, int]) -> Chart:
    """One bar per key, the longest for the largest count; empty counts give no bars."""
    largest = max(counts.values(), default=0)
    bars = [
        Bar(label, value, index * ROW, round(BAR * value / largest) if largest else 0)
        for index, (label, value) in enumerate(counts.items())
    ]
    return Chart(bars, LABEL + BAR + VALUE, max(len(bars), 1) * ROW)
