"""The 1-D loss slice: the cost along the straight line from the initial to the final parameters.

Goodfellow, Vinyals and Saxe (2015), "Qualitatively characterizing neural network optimization
problems": if the cost falls monotonically along the line from ``theta_0`` (t = 0) to the final
``theta_T`` (t = 1), the problem is, along that line, no harder than a convex one; a bump on the
way says the optimiser went around an obstacle. The curve (:func:`nnviz.landscape_line`) is drawn
once; per frame, the current step's projection onto the line moves along it (a dot on the curve),
and a hollow marker at the same t shows the trace's own loss at that step: the gap between the two
is what the line does not see (the step is away from the line).
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
from matplotlib.transforms import offset_copy

from ...landscape import Surface, landscape_line
from ..artists.text import FastText
from ..base import View, register_view
from .landscape import loss_text

__all__ = ["Landscape1DView"]


@register_view
class Landscape1DView(View):
    """Loss along the line from the initial (t = 0) to the final (t = 1) parameters.

    Options
    -------
    span : str or (float, float)
        The range of t, e.g. ``"-0.5:1.5"`` (default).
    resolution : int
        Points along the line (default 201).
    log : bool
        Logarithmic loss axis (default True; zeros are drawn at the lowest positive value).
    """

    name = "landscape1d"
    width = 1.1

    def __init__(self, trace, theme="light", label=None, span="-0.5:1.5", resolution=201, log=True, **options):
        super().__init__(trace, theme, label, **options)
        if isinstance(span, str):
            try:
                lo, hi = (float(v) for v in span.split(":"))
            except ValueError:
                raise ValueError(f"bad landscape1d.span {span!r}: write LO:HI, e.g. -0.5:1.5") from None
        else:
            lo, hi = (float(v) for v in span)
        if not (lo <= 0 and hi >= 1 and hi - lo <= 20):
            raise ValueError(f"landscape1d.span {lo:g}:{hi:g} must include 0 and 1 (the initial and final "
                             "parameters) and be at most 20 long")
        if not (isinstance(resolution, int) and 16 <= resolution <= 5001):
            raise ValueError(f"landscape1d.resolution must be a whole number from 16 to 5001, got {resolution!r}")
        self.span, self.resolution, self.log = (lo, hi), resolution, bool(log)
        Surface.of(trace)  # a trace without a table loss: refused before any work
        self.line = None

    def prepare(self, steps):
        if self.line is None:
            self.line = landscape_line(self.trace, self.resolution, self.span)
            values = np.concatenate([self.line.loss, self.line.trace_loss])
            positive = values[np.isfinite(values) & (values > 0)]
            self.floor = positive.min() if positive.size else 1e-12

    def _y(self, v):
        return np.maximum(v, self.floor) if self.log else v

    def point(self, step: int) -> int:
        """Index into the line's recorded steps of the step shown at frame ``step``."""
        return max(int(np.searchsorted(self.line.steps, int(step), side="right")) - 1, 0)

    def numbers(self, step: int) -> tuple[int, float, float, float]:
        """(step shown, its projection t, the line's loss at t, the trace's loss at the step)."""
        i = self.point(step)
        ln = self.line
        return int(ln.steps[i]), float(ln.path_t[i]), float(ln.path_loss[i]), float(ln.trace_loss[i])

    def setup(self, fig, spec):
        th, ln = self.theme, self.line
        ax = self.ax = fig.add_subplot(spec)
        k = mpl.rcParams["font.size"] / 9  # the layout's scale
        ax.plot(ln.t, self._y(ln.loss), color=th.loss, lw=1.5 * k, zorder=2, label="loss on the line")
        for t, name in ((0.0, "initial"), (1.0, "final")):
            ax.axvline(t, color=th.grid, lw=1.0 * k, zorder=1)
            ax.text(t, 1.0, f" {name}", transform=ax.get_xaxis_transform(), ha="left", va="top",
                    color=th.muted, fontsize="small")
        if self.log:
            ax.set_yscale("log")
            ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))  # labels even within one decade
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.2g}"))
            ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlim(ln.t[0], ln.t[-1])
        ax.set_xlabel("t:  θ = θ(0) + t · (θ(final) − θ(0))")
        ax.set_ylabel("loss")
        ax.tick_params(length=2)
        ax.grid(True, color=th.grid, lw=0.6)
        color = th.run_color(0)
        self.dot, = ax.plot([], [], "o", ms=7 * k, mfc=color, mec=th.background, mew=1.0 * k, animated=True, zorder=5,
                            label="current step, projected")
        self.own, = ax.plot([], [], "o", ms=7 * k, mfc="none", mec=th.text, mew=1.3 * k, animated=True, zorder=4,
                            label="trace's loss at the step")
        self.gap, = ax.plot([], [], color=th.muted, lw=1.0 * k, ls=(0, (2, 2)), animated=True, zorder=3)
        head = f"{self.label}\n" if self.label else ""
        ax.set_title(head + "loss on the line from initial to final θ\n ", fontsize="medium")
        place = offset_copy(ax.transAxes, fig=fig, x=0, y=mpl.rcParams["axes.titlepad"] * fig.dpi / 72, units="dots")
        self.text = FastText(fig, 0.5, 1.0, "", fontsize=ax.title.get_size() * 0.9, color=th.text, ha="center",
                             va="bottom", transform=place, family="DejaVu Sans")
        self.text.set_animated(True)
        fig.add_artist(self.text)
        ax.legend(loc="best", fontsize="small", frameon=True, framealpha=0.85,
                  facecolor=th.background, edgecolor="none")
        self.artists = [self.gap, self.own, self.dot, self.text]

    def update(self, step):
        _, t, on_line, recorded = self.numbers(step)
        self.dot.set_data([t], [self._y(np.array([on_line]))[0]])
        self.own.set_data([t], [self._y(np.array([recorded]))[0]])
        self.gap.set_data([t, t], self._y(np.array([on_line, recorded])))
        self.text.set_text(f"t = {t:.2f}: {loss_text(on_line, recorded, where='on the line')}")
        return self.artists
