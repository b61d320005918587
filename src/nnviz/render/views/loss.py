"""Training curves: loss (train and test) and accuracy, drawn up to the current step.

The axes are fixed for the whole movie (set from the full curves), so a curve grows into them
instead of being there from the first frame: what happens next is not given away.
"""

from __future__ import annotations

import numpy as np

from ..base import View, register_view
from ..style import RUN_DASHES, run_width

__all__ = ["CurvesView"]


@register_view
class CurvesView(View):
    """Loss and accuracy over training, drawn up to the frame's step (fixed axes), with a cursor.

    Options
    -------
    log : bool
        Logarithmic loss axis (zeros, e.g. a perceptron error that reaches 0, are clipped).
    accuracy : bool
        Also draw the accuracy (right axis) for classifiers.
    runs : list of (label, Trace), optional
        Compare several runs on one shared step axis (the view's own trace is ignored).
    """

    name = "loss"
    width = 1.0
    needs_tensors = False
    network = "any"
    shares_runs = True

    def __init__(self, trace, theme="light", label=None, log=False, accuracy=True, runs=None):
        super().__init__(trace, theme, label)
        self.runs = runs or [(label or "train", trace)]
        self.log, self.show_acc = bool(log), bool(accuracy)

    def _y(self, values):
        if not self.log:
            return values
        positive = values[values > 0]
        floor = positive.min() / 2 if positive.size else 1e-8
        return np.maximum(values, floor)

    def setup(self, fig, spec):
        th = self.theme
        ax = self.ax = fig.add_subplot(spec)
        multi = len(self.runs) > 1
        self.cursor_line = ax.axvline(0, color=th.cursor, lw=1, alpha=0.8, animated=True)
        self.curves = []  # (line, steps, y): each drawn up to the frame's step, a marker at its end
        last = 0
        self.ax2 = None
        for j, (label, tr) in enumerate(self.runs):
            color = th.run_color(j) if multi else th.loss
            dash = RUN_DASHES[j % len(RUN_DASHES)] if multi else "-"
            steps = tr.all_steps
            last = max(last, int(steps[-1]))
            wide = run_width(j, len(self.runs)) / 1.4  # earlier runs wider: coinciding curves both show
            self._curve(ax, steps, self._y(tr.loss), color=color, lw=1.4 * wide, ls=dash,
                        label=f"{label} loss" if multi else "train loss", marker="os^D"[j % 4] if multi else "o",
                        ms=5 * wide ** 0.5)
            if not multi and np.isfinite(tr.test_loss).any():
                self._curve(ax, steps, self._y(tr.test_loss), color=th.test, lw=1.2, ls="--", label="test loss")
            if self.show_acc and tr.is_classifier and not multi:
                if self.ax2 is None:
                    self.ax2 = ax.twinx()
                    self.ax2.set_ylim(0, 1.02)
                    self.ax2.set_ylabel("accuracy", color=th.accuracy)
                    self.ax2.tick_params(axis="y", colors=th.accuracy, labelcolor=th.accuracy, length=2)
                    self.ax2.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
                    self.ax2.spines["right"].set_visible(True)
                    self.ax2.spines["right"].set_color(th.accuracy)
                    self.ax2.spines["top"].set_visible(False)
                self._curve(self.ax2, steps, tr.accuracy, color=th.accuracy, lw=1.1, alpha=0.85,
                            label="train accuracy", marker="o", ms=4)
                if np.isfinite(tr.test_accuracy).any():
                    self._curve(self.ax2, steps, tr.test_accuracy, color=th.accuracy, lw=1.0, ls="--", alpha=0.85,
                                label="test accuracy")
        if self.log:
            ax.set_yscale("log")
        ax.set_xlim(0, max(last, 1))
        ax.set_xlabel("training step")
        ax.set_ylabel("loss")
        ax.tick_params(length=2)
        ax.grid(True, color=th.grid, lw=0.6)
        handles, labels = ax.get_legend_handles_labels()
        if self.ax2 is not None:
            h2, l2 = self.ax2.get_legend_handles_labels()
            handles, labels = handles + h2, labels + l2
        if len(handles) > 1:
            ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2,
                      fontsize="small", borderaxespad=0.2, handlelength=1.5, columnspacing=1.0)
        self.artists = [self.cursor_line] + [c for c, _, _ in self.curves]

    def _curve(self, ax, steps, y, **style):
        """A curve plotted in full (it sets the axes' limits), then drawn up to each frame's step;
        a ``marker`` is drawn at its end only (the current value)."""
        line, = ax.plot(steps, y, animated=True, markevery=[-1], **style)
        self.curves.append((line, np.asarray(steps), np.asarray(y)))

    def update(self, step):
        step = int(step)
        for line, steps, y in self.curves:
            n = int(np.searchsorted(steps, step, side="right"))
            line.set_data(steps[:n], y[:n])
        self.cursor_line.set_xdata([step, step])
        return self.artists
