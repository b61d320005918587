"""The 1-D fit view: a network's output assembled from its hidden neurons' contributions.

For a network with one input and one output, the output neuron adds up the last hidden layer::

    z_L(x) = sum_j v_j a_j(x) + b_L          y(x) = f_L(z_L(x))    (f_L = identity for regression)

with ``v_j = W[L][j, 0]``. The view draws the target curve, the training data, the output at the
current step (thick), and every term ``v_j a_j(x)`` as a thin curve (orange for ``v_j > 0``, blue
for ``v_j < 0``), with the output bias ``b_L`` as a dotted line, so students see the fit being put
together: the thin curves and the dotted line add up to the thick one. An optional residual panel
below shows ``y(x) - f(x)`` (against the data points if the target function is not known).

Everything is evaluated once in :meth:`FitView.prepare`, for every frame step in one vectorised
call (:func:`nnviz.nn.forward_many`), from the trace's weights.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from ...nn import forward_many
from ..base import View, register_view
from ..artists.text import axes_text
from ..style import CLASS_COLORS

__all__ = ["FitView", "OUTPUT_COLOR", "fit_limits"]

#: Colour of the network's output curve (the class colours 0/1 are kept for the contributions).
OUTPUT_COLOR = CLASS_COLORS[3]


def fit_limits(values_list, pad: float = 0.12, cap: float = 1.0) -> tuple[float, float]:
    """Y limits covering the first array (the data) fully and the others up to ``cap`` spans beyond."""
    base = np.asarray(values_list[0], dtype=float)
    base = base[np.isfinite(base)]
    lo, hi = (float(base.min()), float(base.max())) if base.size else (-1.0, 1.0)
    span = max(hi - lo, 1e-6)
    for v in values_list[1:]:
        v = np.asarray(v, dtype=float)
        v = v[np.isfinite(v)]
        if v.size:
            lo = min(lo, max(float(v.min()), lo - cap * span))
            hi = max(hi, min(float(v.max()), hi + cap * span))
    span = hi - lo
    return lo - pad * span, hi + pad * span


@register_view
class FitView(View):
    """Target, data, the network's output and each hidden neuron's weighted contribution.

    Options
    -------
    contributions : bool
        Draw the terms ``v_j a_j(x)`` of the last hidden layer (default True).
    residual : bool
        Add a residual panel ``y(x) - f(x)`` below (default False).
    max_contributions : int
        Draw at most this many terms: the largest by their peak size over the animation.
    samples : int
        Points on the x grid (default 400).
    """

    name = "fit"
    width = 1.25

    def __init__(self, trace, theme="light", label=None, contributions=True, residual=False,
                 max_contributions=64, samples=400):
        super().__init__(trace, theme, label)
        if trace.sizes[0] != 1 or trace.sizes[-1] != 1:
            arch = "-".join(map(str, trace.sizes))
            raise ValueError(f"the fit view needs a network with 1 input and 1 output; {trace.path.name} is {arch}; "
                             "try --view boundary or --view loss")
        self.data = trace.data
        self.show_contrib = bool(contributions) and trace.L >= 2
        self.residual = bool(residual)
        self.max_contrib = int(max_contributions)
        X = self.data.X[:, 0]
        if len(self.data.X_test):
            X = np.concatenate([X, self.data.X_test[:, 0]])
        lo, hi = float(X.min()), float(X.max())
        pad = 0.04 * max(hi - lo, 1e-6)
        self.x = np.linspace(lo - pad, hi + pad, int(samples))
        self.target = None
        if self.data.target is not None:
            try:
                t = np.asarray(self.data.target(self.x), dtype=float)
                if t.shape == self.x.shape and np.all(np.isfinite(t)):
                    self.target = t
            except Exception:  # a target that cannot be evaluated is only not drawn
                self.target = None

    # ------------------------------------------------------------------ numbers
    def prepare(self, steps):
        tr = self.trace
        rec = sorted({self.at(s) for s in steps})
        self._row = {s: i for i, s in enumerate(rec)}
        Ws, bs = tr.param_stack(rec)
        L = tr.L
        X = self.x[:, None]
        #: output on the grid, shape (n_rec, m)
        self.output = forward_many(X, Ws, bs, tr.activation_names)[:, :, 0]
        n = len(rec)
        #: output bias b_L per step, shape (n_rec,)
        self.bias = bs[L - 1][:, 0].copy() if bs[L - 1] is not None else np.zeros(n)
        if L >= 2:
            hidden = forward_many(X, Ws[:-1], bs[:-1], tr.activation_names[:-1])   # (n_rec, m, H)
            v = Ws[L - 1][:, :, 0]                                                  # (n_rec, H)
            #: contributions v_j a_j(x), shape (n_rec, H, m)
            self.contrib = np.transpose(hidden * v[:, None, :], (0, 2, 1))
            self.v = v
        else:
            self.contrib = np.zeros((n, 0, len(self.x)))
            self.v = np.zeros((n, 0))
        #: the output neuron's input z_L = sum_j v_j a_j + b_L, shape (n_rec, m)
        self.z = self.contrib.sum(axis=1) + self.bias[:, None]
        H = self.contrib.shape[1]
        self.keep = np.arange(H)
        if H > self.max_contrib:
            peak = np.abs(self.contrib).max(axis=(0, 2))
            self.keep = np.sort(np.argsort(peak)[::-1][: self.max_contrib])
        if self.residual:
            if self.target is not None:
                self.res = self.output - self.target[None, :]
            else:
                Xd = self.data.X
                out = forward_many(Xd, Ws, bs, tr.activation_names)[:, :, 0]
                self.res = out - self.data.y[None, :, 0]
        ys = [self.data.y[:, 0]] if self.target is None else [np.concatenate([self.data.y[:, 0], self.target])]
        self.ylim = fit_limits(ys + [self.output], cap=0.6)

    # ------------------------------------------------------------------ drawing
    def setup(self, fig, spec):
        th = self.theme
        if self.residual:
            sub = spec.subgridspec(2, 1, height_ratios=[3, 1], hspace=0.05)
            ax = self.ax = fig.add_subplot(sub[0])
            rax = self.rax = fig.add_subplot(sub[1], sharex=ax)
            ax.tick_params(labelbottom=False)
        else:
            ax = self.ax = fig.add_subplot(spec)
            self.rax = None
        d = self.data
        handles = []
        if self.target is not None:
            h, = ax.plot(self.x, self.target, color=th.text, lw=1.2, ls=(0, (4, 3)), zorder=3, label="target f(x)")
            handles.append(h)
        size = 9 if len(d.X) <= 300 else 4
        h = ax.scatter(d.X[:, 0], d.y[:, 0], s=size, color=th.muted, alpha=0.55, lw=0, zorder=2, label="data")
        handles.append(h)
        if len(d.X_test):
            ax.scatter(d.X_test[:, 0], d.y_test[:, 0], s=size + 4, facecolors="none", edgecolors=th.muted,
                       lw=0.8, zorder=2, label="test data")
        self.artists = []
        if self.show_contrib:
            self.lines = LineCollection([], linewidths=0.9, alpha=0.75, zorder=1, animated=True)
            ax.add_collection(self.lines)
            self.bias_line, = ax.plot([], [], color=th.muted, lw=1.0, ls=":", zorder=1, animated=True)
            self.artists += [self.lines, self.bias_line]
            handles += [Line2D([], [], color=th.positive, lw=0.9, label=r"$v_j\,a_j(x)$, $v_j > 0$"),
                        Line2D([], [], color=th.negative, lw=0.9, label=r"$v_j < 0$"),
                        Line2D([], [], color=th.muted, lw=1.0, ls=":", label="output bias")]
        self.out_line, = ax.plot([], [], color=OUTPUT_COLOR, lw=2.2, zorder=4, animated=True, label="network")
        handles.insert(1 if self.target is not None else 0, self.out_line)
        self.artists.append(self.out_line)
        ax.set_xlim(self.x[0], self.x[-1])
        ax.set_ylim(*self.ylim)
        ax.axhline(0, color=th.grid, lw=0.8, zorder=0)
        ax.grid(True, color=th.grid, lw=0.5, alpha=0.7)
        ax.tick_params(length=2)
        ax.set_ylabel("y")
        # several runs: each panel named by its run, as the title of its legend (a title above the
        # axes would sit on the legend)
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, fontsize="small",
                  borderaxespad=0.2, handlelength=1.6, columnspacing=1.0, title=self.label or None,
                  alignment="left", title_fontproperties={"weight": "bold", "size": "medium"})
        self.note = axes_text(ax, 0.98, 0.03, "", fontsize=ax.xaxis.label.get_fontsize() * 0.9,
                             color=OUTPUT_COLOR, ha="right", va="bottom")
        self.artists.append(self.note)
        if self.rax is not None:
            rax = self.rax
            rax.axhline(0, color=th.muted, lw=0.8)
            res = self.res
            if self.target is not None:  # scale to the data's range, not to the extrapolated margins
                X = d.X[:, 0]
                res = res[:, (self.x >= X.min()) & (self.x <= X.max())]
            lim = np.nanmax(np.abs(res)) if np.isfinite(res).any() else 1.0
            final = np.nanmax(np.abs(res[-1])) if np.isfinite(res[-1]).any() else lim
            lim = max(min(lim, 4 * final), 1e-6) * 1.15
            rax.set_ylim(-lim, lim)
            if self.target is not None:
                self.res_art, = rax.plot([], [], color=OUTPUT_COLOR, lw=1.3, animated=True)
                rax.set_ylabel("y − f")
            else:
                self.res_art = rax.scatter(d.X[:, 0], np.zeros(len(d.X)), s=6, color=OUTPUT_COLOR, animated=True)
                rax.set_ylabel("y − data")
            rax.grid(True, color=th.grid, lw=0.5, alpha=0.7)
            rax.tick_params(length=2)
            rax.set_xlabel("x")
            self.artists.append(self.res_art)
        else:
            ax.set_xlabel("x")

    def update(self, step):
        i = self._row[self.at(step)]
        th = self.theme
        lo, hi = self.ylim
        out = self.output[i]
        clipped = (out < lo) | (out > hi)
        # an output beyond the axes runs along their edge, with a note, instead of vanishing
        self.out_line.set_data(self.x, np.clip(out, lo, hi))
        if clipped.any():
            span = f"{out.min():.3g}" if np.isclose(out.min(), out.max(), rtol=0.02) else f"{out.min():.3g}..{out.max():.3g}"
            self.note.set_text(f"network off scale: y = {span}")
        else:
            self.note.set_text("")
        if self.show_contrib:
            c = self.contrib[i, self.keep]
            self.lines.set_segments([np.column_stack([self.x, row]) for row in c])
            self.lines.set_color([th.positive if v >= 0 else th.negative for v in self.v[i, self.keep]])
            self.bias_line.set_data([self.x[0], self.x[-1]], [self.bias[i], self.bias[i]])
        if self.rax is not None:
            if self.target is not None:
                self.res_art.set_data(self.x, self.res[i])
            else:
                self.res_art.set_offsets(np.column_stack([self.data.X[:, 0], self.res[i]]))
        return self.artists
