"""Charts as PNG bytes, drawn without a screen (matplotlib's Agg backend)."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Radar:
    """What a radar chart shows: plain values, cheap to send to a worker process."""

    labels: list[str]
    actual: list[float]
    required: list[float]
    legend: tuple[str, str]
    title: str = ""


def draw(chart: Radar) -> bytes:
    """The radar chart as PNG (CPU work: run it in the worker process)."""
    return radar(chart.labels, chart.actual, chart.required, chart.legend, chart.title)


def radar(
    labels: list[str],
    actual: list[float],
    required: list[float],
    legend: tuple[str, str],
    title: str = "",
) -> bytes:
    """A radar chart of actual against required levels (1-5), as PNG."""
    import matplotlib  # here, not at the top: 40 MiB and a second of import for one command

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    angles = [2 * math.pi * i / len(labels) for i in range(len(labels))]
    closed = [*angles, angles[0]]
    figure = plt.figure(figsize=(6, 6), dpi=100)
    try:
        axes = figure.add_subplot(polar=True)
        axes.plot(closed, [*required, required[0]], color="#c0392b", linewidth=2, label=legend[1])
        axes.fill(closed, [*required, required[0]], color="#c0392b", alpha=0.08)
        axes.plot(closed, [*actual, actual[0]], color="#2471a3", linewidth=2, label=legend[0])
        axes.fill(closed, [*actual, actual[0]], color="#2471a3", alpha=0.25)
        axes.set_xticks(angles, [_wrap(label) for label in labels], fontsize=8)
        axes.set_ylim(0, 5)
        axes.set_yticks([1, 2, 3, 4, 5])
        # Ring numbers halfway between two axes, where no data line runs.
        axes.set_rlabel_position(  # type: ignore[attr-defined]
            math.degrees(angles[1]) / 2 if len(angles) > 1 else 0
        )
        axes.tick_params(axis="y", labelsize=7, labelcolor="#555555")
        if title:
            figure.suptitle(title, fontsize=10, y=1.02)
        axes.legend(loc="upper right", bbox_to_anchor=(1.15, 1.12), fontsize=8)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()
    finally:
        plt.close(figure)


def _wrap(label: str, width: int = 14) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])
