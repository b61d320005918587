"""The ODE view: a network's trial solution of g' = -gamma g converging to the analytic solution.

For a run of :mod:`nnviz.ode` (seed 002), the top panel draws the analytic solution
``g(x) = g0 exp(-gamma x)`` (dashed), the trial solution ``g_t(x) = g0 + x N(x)`` at the step
(thick), its values at the collocation points (where the residual is minimised) and the initial
condition ``g(0) = g0``, which the trial solution meets by construction. The bottom panel draws
the error ``|g_t(x) - g(x)|`` on a log axis with the 1e-2 mark, and the header of the panel the
largest error, all computed from the trace's weights in :meth:`OdeView.prepare`.
"""

from __future__ import annotations

import numpy as np

from ...nn import forward_many
from ...ode import ODE_LOSS, ode_of
from ..base import View, register_view
from ..artists.text import FastText
from ..style import CLASS_COLORS

__all__ = ["OdeView"]

_COLOR = CLASS_COLORS[3]


@register_view
class OdeView(View):
    """Trial solution against the analytic solution, with the error on a log axis.

    Options
    -------
    error : bool
        Draw the error panel below (default True).
    tolerance : float
        The horizontal mark in the error panel (default 1e-2).
    samples : int
        Points of the dense grid the curves and the error are evaluated on.
    """

    name = "ode"
    width = 1.6

    def __init__(self, trace, theme="light", label=None, error=True, tolerance=1e-2, samples=201):
        super().__init__(trace, theme, label)
        if trace.config.get("train", {}).get("loss") != ODE_LOSS:
            raise ValueError(f"the ode view draws ODE solver runs (train.loss = 'ode', e.g. the preset "
                             f"ode-decay); {trace.path.name} is not one; try --view fit or --view loss")
        self.ode = ode_of(trace.config)
        self.show_error, self.tol = bool(error), float(tolerance)
        X = trace.data.X[:, 0]
        self.xc = X
        self.x = np.linspace(X.min(), X.max(), int(samples))
        self.g = self.ode.analytic(self.x)

    def prepare(self, steps):
        rec = sorted({self.at(s) for s in steps})
        self._row = {s: i for i, s in enumerate(rec)}
        Ws, bs = self.trace.param_stack(rec)
        names = self.trace.activation_names
        N = forward_many(self.x[:, None], Ws, bs, names)[..., 0]            # (n_rec, m)
        Nc = forward_many(self.xc[:, None], Ws, bs, names)[..., 0]          # (n_rec, n)
        #: trial solution on the dense grid and at the collocation points
        self.gt = self.ode.trial(self.x[None, :], N)
        self.gc = self.ode.trial(self.xc[None, :], Nc)
        self.err = np.abs(self.gt - self.g[None, :])
        self.max_err = self.err.max(axis=1)
        lo, hi = float(self.g.min()), float(self.g.max())
        span = hi - lo
        finite = self.gt[np.isfinite(self.gt)]
        lo = min(lo, max(float(finite.min()), lo - 0.6 * span)) if finite.size else lo
        hi = max(hi, min(float(finite.max()), hi + 0.6 * span)) if finite.size else hi
        pad = 0.08 * (hi - lo)
        self.ylim = (lo - pad, hi + pad)

    def setup(self, fig, spec):
        th = self.theme
        if self.show_error:
            sub = spec.subgridspec(2, 1, height_ratios=[2.4, 1], hspace=0.06)
            ax = self.ax = fig.add_subplot(sub[0])
            eax = self.eax = fig.add_subplot(sub[1], sharex=ax)
            ax.tick_params(labelbottom=False)
        else:
            ax = self.ax = fig.add_subplot(spec)
            self.eax = None
        ode = self.ode
        ax.plot(self.x, self.g, color=th.text, lw=1.3, ls=(0, (4, 3)), zorder=3,
                label=f"analytic {ode.g0:g}·exp(−{ode.gamma:g}x)")
        self.line, = ax.plot([], [], color=_COLOR, lw=2.2, zorder=4, animated=True, label="g₀ + x·N(x)")
        self.dots, = ax.plot([], [], "o", color=_COLOR, ms=4, mec="white", mew=0.6, zorder=5, animated=True,
                             label="collocation points")
        ax.plot([0.0], [ode.g0], marker="*", ms=11, color=th.text, zorder=6, ls="none", label=f"g(0) = {ode.g0:g}")
        ax.set_xlim(self.x[0], self.x[-1])
        ax.set_ylim(*self.ylim)
        ax.grid(True, color=th.grid, lw=0.5, alpha=0.7)
        ax.tick_params(length=2)
        ax.set_ylabel("g(x)")
        # inside, top right: empty for a decaying solution (and no height taken from the panels)
        ax.legend(loc="upper right", fontsize="small", borderaxespad=0.3, handlelength=1.6, markerscale=0.7)
        fs = ax.xaxis.label.get_fontsize()
        # lower left: empty for a decaying solution
        self.note = FastText(fig, 0.03, 0.05, "", fontsize=fs, color=_COLOR, ha="left", va="bottom",
                             family="DejaVu Sans", ax=ax)
        self.note.set_animated(True)
        self.note.set_zorder(10)  # above the axes when a still draws the figure in zorder
        fig.add_artist(self.note)
        self.artists = [self.line, self.dots, self.note]
        if self.label:
            ax.set_title(self.label, fontsize="medium", loc="right")
        if self.eax is not None:
            eax = self.eax
            eax.set_yscale("log")
            finite = self.err[np.isfinite(self.err) & (self.err > 0)]
            top = float(finite.max()) if finite.size else 1.0
            bottom = float(np.min(self.err[-1][self.err[-1] > 0])) if (self.err[-1] > 0).any() else self.tol / 10
            eax.set_ylim(min(bottom, self.tol) / 3, max(top, self.tol) * 2)
            eax.axhline(self.tol, color=th.muted, lw=0.9, ls="--")
            eax.text(self.x[-1], self.tol, f" {self.tol:g}", color=th.muted, fontsize="small", va="bottom", ha="right")
            self.err_line, = eax.plot([], [], color=_COLOR, lw=1.3, animated=True)
            eax.grid(True, color=th.grid, lw=0.5, alpha=0.7)
            eax.tick_params(length=2)
            eax.set_ylabel("|g₀+xN − g|")
            eax.set_xlabel("x")
            self.artists.append(self.err_line)
        else:
            ax.set_xlabel("x")

    def update(self, step):
        i = self._row[self.at(step)]
        lo, hi = self.ylim
        self.line.set_data(self.x, np.clip(self.gt[i], lo, hi))
        self.dots.set_data(self.xc, np.clip(self.gc[i], lo, hi))
        self.note.set_text(f"max |error| = {self.max_err[i]:.3g}")
        if self.eax is not None:
            e = np.where(self.err[i] > 0, self.err[i], np.nan)
            self.err_line.set_data(self.x, e)
        return self.artists
