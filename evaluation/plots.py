"""Figures for the evaluation report, drawn with matplotlib's Agg canvas straight to PNG bytes.

No pyplot: it keeps global state and picks a GUI backend; a Figure on an Agg canvas needs no display
and can be embedded in the HTML report or written to a file alike.
"""

from __future__ import annotations

import io


def reliability_diagram_png(calibration: dict[str, object]) -> bytes:
    """Accuracy per confidence bin against the diagonal of perfect calibration, with each bin's count."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5, 5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    width = 1 / calibration["bins"]
    filled = [row for row in calibration["reliability"] if row["count"]]
    axes.bar([row["lower"] for row in filled], [row["accuracy"] for row in filled], width=width, align="edge",
             color="#4c72b0", edgecolor="black", label="accuracy in bin")
    axes.plot([row["confidence"] for row in filled], [row["confidence"] for row in filled], "o", color="#dd8452", label="mean confidence in bin")
    axes.plot([0, 1], [0, 1], "--", color="gray", label="perfect calibration")
    for row in filled:
        axes.annotate(str(row["count"]), (row["lower"] + width / 2, row["accuracy"]), xytext=(0, 3), textcoords="offset points",
                      ha="center", fontsize=7)
    axes.set(xlim=(0, 1), ylim=(0, 1.05), xlabel="confidence (probability of the predicted label)", ylabel="accuracy",
             title=f"Reliability: ECE {calibration['ece']:.3f} over {calibration['pairs']} pairs")
    axes.legend(loc="upper left", fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()
