"""The approx-error view: sup and mean error of a construction sweep against its parameter, drawn
up to the frame's construction (fixed axes, a marker at the current value)."""

from __future__ import annotations

import numpy as np
from matplotlib import ticker as mticker
from matplotlib.patches import Patch

from ..base import register_view
from .bumps import WINDOW_COLOR, _SweepView
from ..artists.text import axes_text
from .fit import OUTPUT_COLOR

__all__ = ["SweepErrorView"]


@register_view
class SweepErrorView(_SweepView):
    """Sup and mean error against the swept parameter, log-log, with reference slopes.

    For a sweep over N the bins become narrower than a step's rise width (``4.394 / w``) beyond
    ``N = (b - a) w / 4.394``; for a sweep over w the rise is wider than a bin below
    ``w = 4.394 N / (b - a)``. That region is shaded: there the steps are no longer steps.
    """

    name = "approx-error"
    width = 1.0
    needs_tensors = False

    def __init__(self, sweep, theme="light", label=None, bound=True):
        super().__init__(sweep, theme, label)
        self.show_bound = bool(bound)

    def prepare(self, steps):
        self.sup, self.mean = self.trace.errors()
        self.inside, self.outside = self.trace.window_errors() if self.trace.is_2d else (None, None)

    def setup(self, fig, spec):
        from ...approx import RISE_10_90, bump_error_bound, derivative_bounds, relu_error_bound

        th = self.theme
        sw = self.trace
        c = sw.construction
        ax = self.ax = fig.add_subplot(spec)
        v = sw.values
        ok = np.isfinite(self.sup) & (self.sup > 0)
        # the error curves grow with the movie (plotted in full first: they fix the axes), each
        # with a marker at the frame's value
        self.curves = []

        def curve(y, **style):
            line, = ax.plot(v, y, animated=True, markevery=[-1], **style)
            self.curves.append((line, y))

        curve(np.where(ok, self.sup, np.nan), color=OUTPUT_COLOR, lw=1.4, label="sup error", marker="o", ms=5)
        curve(np.where(self.mean > 0, self.mean, np.nan), color=th.negative, lw=1.4, label="mean error",
              marker="o", ms=5)
        if self.inside is not None:  # 2-D: the sup error inside the failure windows and outside them
            curve(np.where(self.inside > 0, self.inside, np.nan), color=WINDOW_COLOR, lw=1.2, ls="--",
                  label="sup in windows")
            curve(np.where(self.outside > 0, self.outside, np.nan), color=th.muted, lw=1.2, ls="-.",
                  label="sup elsewhere")
        ax.set_xscale("log")
        ax.set_yscale("log")
        # plain numbers at 1, 2, 5, 10, 20, ... (N and w are counts and weights, not powers)
        decades = np.log10(max(v.max(), 1e-12) / max(v.min(), 1e-12))
        ax.xaxis.set_major_locator(mticker.LogLocator(base=10, subs=(1.0,) if decades > 2 else (1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda val, _: f"{val:g}"))
        ax.xaxis.set_minor_formatter(mticker.NullFormatter())
        if len(v) > 1:
            ax.set_xlim(v.min() / 1.15, v.max() * 1.15)
        errs = np.concatenate([self.sup[ok], self.mean[self.mean > 0]])
        if errs.size:
            ax.set_ylim(errs.min() / 2.5, errs.max() * 2.5)  # reference lines are clipped to the errors
        handles, _ = ax.get_legend_handles_labels()
        twod = sw.is_2d
        span = (c.domain[0][1] - c.domain[0][0]) if twod else (c.interval[1] - c.interval[0])
        if sw.parameter == "n" and len(v) > 2:
            slopes = [1] if (twod or c.kind != "relu") else [2]
            mid = len(v) // 2
            ylo = ax.get_ylim()[0]
            for p in slopes:  # a guide below the mean error, through its middle
                C = 0.4 * self.mean[mid] * v[mid] ** p
                guide = C * v ** (-float(p))
                ax.plot(v, guide, color=th.muted, lw=1.0, ls=":", zorder=1)
                j = int(np.nonzero(guide >= ylo * 1.3)[0][-1]) if (guide >= ylo * 1.3).any() else 0
                ax.text(v[j], guide[j], f" slope −{p}", color=th.muted, fontsize="small", va="bottom", ha="left")
        if self.show_bound and not twod and c.kind == "bumps" and c.output == "linear" and sw.parameter == "n" \
                and c.f is not None:
            L, _, M = derivative_bounds(c.f, c.interval, samples=20001)
            bound = [bump_error_bound(int(n), c.interval, L, c.w, M, c.halved_ends) for n in v]
            hb, = ax.plot(v, bound, color=th.text, lw=1.0, ls=(0, (4, 3)), label="bound L(b−a)/2N + …")
            handles.append(hb)
        if self.show_bound and not twod and c.kind == "relu" and sw.parameter == "n" and c.f is not None:
            _, f2, _ = derivative_bounds(c.f, c.interval, samples=20001)
            bound = [relu_error_bound(int(n), c.interval, f2) for n in v]
            hb, = ax.plot(v, bound, color=th.text, lw=1.0, ls=(0, (4, 3)), label="bound h²/8·max|f″|")
            handles.append(hb)
        if c.kind != "relu" and np.isfinite(c.w):
            if sw.parameter == "n":
                n_rise = span * c.w / RISE_10_90
                if n_rise < v.max() * 1.2:
                    ax.axvspan(n_rise, v.max() * 1.3, color=WINDOW_COLOR, alpha=0.13, lw=0)
                    handles.append(Patch(facecolor=WINDOW_COLOR, alpha=0.25, label="bins narrower than rise"))
            elif sw.parameter == "w":
                w_rise = RISE_10_90 * c.n / span
                if w_rise > v.min() / 1.2:
                    ax.axvspan(v.min() / 1.3, w_rise, color=WINDOW_COLOR, alpha=0.13, lw=0)
                    handles.append(Patch(facecolor=WINDOW_COLOR, alpha=0.25, label="rise wider than a bin"))
        ax.set_xlabel({"n": "N (bins per axis)" if twod else "N (bins)", "w": "w (steepness)"}.get(sw.parameter,
                                                                                                  sw.parameter))
        ax.set_ylabel("|error|")
        ax.grid(True, which="major", color=th.grid, lw=0.5, alpha=0.7)
        ax.tick_params(length=2, which="both")
        # inside, lower left: the errors fall from the top left to the bottom right
        ax.legend(handles=handles, loc="lower left", fontsize="small", handlelength=1.6, frameon=True,
                  framealpha=0.85, edgecolor=th.grid, facecolor=th.background, borderaxespad=0.4)
        self.cursor = ax.axvline(v[0], color=th.cursor, lw=0.8, alpha=0.6, animated=True)
        self.artists = [self.cursor] + [line for line, _ in self.curves]
        self.windows_text = []
        if self.inside is not None:  # the frame's two sups in numbers, top right
            fs = ax.yaxis.label.get_fontsize() * 0.8
            self.windows_text = [axes_text(ax, 0.98, y, "", fontsize=fs, color=color, ha="right", va="top")
                                 for y, color in ((0.97, WINDOW_COLOR), (0.89, th.text))]
            self.artists += self.windows_text

    def update(self, step):
        i = self.at(step)
        v = self.trace.values[i]
        self.cursor.set_xdata([v, v])
        for line, y in self.curves:
            line.set_data(self.trace.values[: i + 1], y[: i + 1])
        if self.windows_text:
            def fmt(e):
                return "–" if not np.isfinite(e) else f"{e:.3f}"
            self.windows_text[0].set_text(f"sup in windows {fmt(self.inside[i])}")
            self.windows_text[1].set_text(f"elsewhere {fmt(self.outside[i])}")
        return self.artists
