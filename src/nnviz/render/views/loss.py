"""Training curves: loss (train and test) and accuracy, with a cursor at the current step."""

from __future__ import annotations

import numpy as np

from ..base import View, register_view
from ..style import RUN_DASHES, run_width

__all__ = ["CurvesView"]


@register_view
class CurvesView(View):
    """Loss and accuracy over training; the full curves are static, the cursor moves.

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
        self.dots, self.acc_dots = [], []
        last = 0
        self.ax2 = None
        for j, (label, tr) in enumerate(self.runs):
            color = th.run_color(j) if multi else th.loss
            dash = RUN_DASHES[j % len(RUN_DASHES)] if multi else "-"
            steps = tr.all_steps
            last = max(last, int(steps[-1]))
            wide = run_width(j, len(self.runs)) / 1.4  # earlier runs wider: coinciding curves both show
            ax.plot(steps, self._y(tr.loss), color=color, lw=1.4 * wide, ls=dash, label=f"{label} loss" if multi else "train loss")
            if not multi and np.isfinite(tr.test_loss).any():
                ax.plot(steps, self._y(tr.test_loss), color=th.test, lw=1.2, ls="--", label="test loss")
            dot, = ax.plot([], [], "os^D"[j % 4] if multi else "o", color=color, ms=5 * wide, animated=True, zorder=5)
            self.dots.append((dot, tr))
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
                self.ax2.plot(steps, tr.accuracy, color=th.accuracy, lw=1.1, alpha=0.85, label="train accuracy")
                if np.isfinite(tr.test_accuracy).any():
                    self.ax2.plot(steps, tr.test_accuracy, color=th.accuracy, lw=1.0, ls="--", alpha=0.85,
                                  label="test accuracy")
                adot, = self.ax2.plot([], [], "o", color=th.accuracy, ms=4, animated=True, zorder=5)
                self.acc_dots.append((adot, tr))
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
        self.artists = [self.cursor_line] + [d for d, _ in self.dots] + [d for d, _ in self.acc_dots]

    def update(self, step):
        step = int(step)
        self.cursor_line.set_xdata([step, step])
        for dot, tr in self.dots:
            k = min(step, int(tr.all_steps[-1]))
            dot.set_data([k], [self._y(tr.loss[k: k + 1])[0]])
        for dot, tr in self.acc_dots:
            k = min(step, int(tr.all_steps[-1]))
            dot.set_data([k], [tr.accuracy[k]])
        return self.artists
