"""The versus view: a trained run drawn over a fixed construction of the same width (a trace view
that needs the construction, so ``nnviz animate`` does not offer it: ``nnviz versus`` draws it)."""

from __future__ import annotations

import numpy as np

from ..base import View, register_view
from .bumps import _legend
from ..artists.text import axes_text
from .fit import OUTPUT_COLOR, fit_limits

__all__ = ["VersusView"]


@register_view
class VersusView(View):
    """Constructed versus trained: a training run drawn over a fixed construction of the same width.

    Options
    -------
    construction : ConstructedMLP
        The hand-built network (required).
    """

    name = "versus"
    source = "comparison"
    width = 1.4

    def __init__(self, trace, theme="light", label=None, construction=None, samples=600):
        super().__init__(trace, theme, label)
        if construction is None:
            raise ValueError("the versus view needs construction=<a ConstructedMLP>")
        self.net = construction
        c = construction.construction
        a, b = c.interval
        self.x = np.linspace(a, b, int(samples))
        self.f = c.f(self.x)
        self.built = construction(self.x[:, None])[:, 0]
        self.built_err = np.abs(self.built - self.f)

    def prepare(self, steps):
        from ...nn import forward_many

        rec = sorted({self.at(s) for s in steps})
        self._row = {s: i for i, s in enumerate(rec)}
        Ws, bs = self.trace.param_stack(rec)
        self.out = forward_many(self.x[:, None], Ws, bs, self.trace.activation_names)[:, :, 0]
        err = np.abs(self.out - self.f[None, :])
        self.sup, self.mean = err.max(axis=1), err.mean(axis=1)
        lo, hi = fit_limits([self.f, self.built] + list(self.out), cap=0.4)
        self.ylim = (lo, hi + 0.22 * (hi - lo))  # room for the two lines of errors at the top

    def setup(self, fig, spec):
        th = self.theme
        ax = self.ax = fig.add_subplot(spec)
        c = self.net.construction
        ax.plot(self.x, self.f, color=th.text, lw=1.2, ls=(0, (4, 3)), zorder=3, label="target f(x)")
        ax.plot(self.x, self.built, color=th.negative, lw=1.6, zorder=2,
                label=f"constructed, {self.net.sizes[1]} neurons")
        start = "from it" if self.trace.config.get("init", {}).get("weights") == "given" else "from random"
        self.line, = ax.plot([], [], color=OUTPUT_COLOR, lw=2.0, zorder=4, animated=True,
                             label=f"trained {start}, {self.trace.sizes[1]} neurons")
        d = self.trace.data
        ax.scatter(d.X[:, 0], d.y[:, 0], s=6, color=th.muted, alpha=0.5, lw=0, zorder=1)
        ax.set_xlim(self.x[0], self.x[-1])
        ax.set_ylim(*self.ylim)
        ax.grid(True, color=th.grid, lw=0.5, alpha=0.6)
        ax.tick_params(length=2)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        _legend(ax, ax.get_legend_handles_labels()[0], ncol=2)
        fs = ax.yaxis.label.get_fontsize() * 0.9
        fixed = axes_text(ax, 0.015, 0.97, f"constructed: sup {self.built_err.max():.3g}  "
                         f"mean {self.built_err.mean():.3g}", fontsize=fs, color=th.negative, ha="left", va="top")
        self.text = axes_text(ax, 0.015, 0.905, "", fontsize=fs, color=OUTPUT_COLOR, ha="left", va="top")
        self.artists = [self.line, self.text, fixed]  # FastText is drawn per frame, also when it is fixed

    def update(self, step):
        i = self._row[self.at(step)]
        self.line.set_data(self.x, self.out[i])
        self.text.set_text(f"trained:     sup {self.sup[i]:.3g}  mean {self.mean[i]:.3g}")
        return self.artists
