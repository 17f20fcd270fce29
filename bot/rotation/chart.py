"""The readiness chart: one stacked bar per unit (ready, needs support, not ready, no answer)."""

from __future__ import annotations

import io
from dataclasses import dataclass

COLOURS = ("#27ae60", "#f39c12", "#c0392b", "#bdc3c7")


@dataclass(frozen=True)
class Bars:
    """Plain values, cheap to send to the worker process."""

    units: list[str]
    series: list[tuple[str, list[int]]]  # (label, one count per unit), stacked in this order
    title: str
    axis: str


def draw(chart: Bars) -> bytes:
    """The chart as PNG (CPU work: run it in the worker process)."""
    import matplotlib  # here, not at the top: matplotlib is only for the worker

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    height = max(2.5, 0.45 * len(chart.units) + 1.5)
    figure = plt.figure(figsize=(8, height), dpi=100)
    try:
        axes = figure.add_subplot()
        positions = list(range(len(chart.units)))[::-1]
        left = [0] * len(chart.units)
        for (label, counts), colour in zip(chart.series, COLOURS, strict=False):
            axes.barh(positions, counts, left=left, color=colour, label=label)
            left = [a + b for a, b in zip(left, counts, strict=True)]
        axes.set_yticks(positions, [_short(u) for u in chart.units], fontsize=8)
        axes.set_xlabel(chart.axis, fontsize=8)
        axes.set_title(chart.title, fontsize=10)
        axes.legend(loc="lower right", fontsize=8)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()
    finally:
        plt.close(figure)


def _short(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
