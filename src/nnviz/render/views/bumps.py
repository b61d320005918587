"""Views of universal-approximation constructions, and the pipeline that animates them.

A construction animation shows one constructed network per frame while a parameter changes (N,
w): its "trace" is a :class:`nnviz.approx.Sweep`, whose frame index plays the role of the training
step. The views here take a Sweep where trained views take a Trace, and render through the same
:class:`~nnviz.render.layout.Layout` (blitting, FastText) and writers:

``bumps``         the construction on its interval: the target (f, or sigma^-1(f) for the sigma^-1
                  trick), the pieces it is made of (bumps, ReLU hats, or the one step), the output,
                  and the failure windows (a step's 10 %..90 % rise, ``4.394 / w`` wide, around each
                  step position) where the output is between two heights;
``approx-error``  sup and mean error against the parameter on log-log axes, reference slopes (-1 for
                  steps, -2 for ReLU hats), the guaranteed bound, and the region where the bins are
                  narrower than a step's rise shaded;
``towers``        a 2-D construction as a heat map (``show="network"``, ``"target"`` or ``"error"``).

:class:`VersusView` (``versus``) is a trace view: a trained run drawn over a fixed construction of
the same width.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

import numpy as np
from matplotlib import colors as mpl_colors
from matplotlib import ticker as mticker
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .base import View
from .fit import OUTPUT_COLOR, AxesText, fit_limits
from .layout import Layout

__all__ = ["BumpsView", "SweepErrorView", "TowersView", "VersusView", "SWEEP_VIEWS", "sweep_layout",
           "render_sweep", "sweep_header", "render_versus"]

log = logging.getLogger(__name__)

WINDOW_COLOR = "#9467BD"  # failure windows


def _merge(centres: np.ndarray, r: float) -> list:
    """The union of the windows ``[s - r, s + r]`` as disjoint intervals (so shading does not pile up)."""
    out = []
    for s in np.sort(centres):
        if out and s - r <= out[-1][1]:
            out[-1][1] = s + r
        else:
            out.append([s - r, s + r])
    return out


def _polygons(x: np.ndarray, parts: np.ndarray) -> list:
    """Each piece (a row of ``parts``) as a filled polygon down to 0, trimmed to its support."""
    out = []
    for p in parts:
        big = np.nonzero(np.abs(p) > 1e-3 * max(np.abs(p).max(), 1e-12))[0]
        if big.size == 0:
            continue
        i0, i1 = max(big[0] - 1, 0), min(big[-1] + 2, len(x))
        xs, ys = x[i0:i1], p[i0:i1]
        out.append(np.column_stack([np.concatenate([[xs[0]], xs, [xs[-1]]]), np.concatenate([[0.0], ys, [0.0]])]))
    return out


class _SweepView(View):
    """A view whose "trace" is a :class:`nnviz.approx.Sweep` (frame index = step)."""

    def at(self, step: int) -> int:
        return int(min(max(int(step), 0), len(self.trace) - 1))


def _legend(ax, handles, ncol=3):
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=ncol, fontsize="small",
              borderaxespad=0.2, handlelength=1.6, columnspacing=1.0)


class BumpsView(_SweepView):
    """A 1-D construction: target, pieces, output and failure windows, frame by frame.

    Options
    -------
    parts : bool
        Draw the pieces (bumps, hats; default True).
    windows : bool
        Shade the failure windows of sigmoid steps (default True).
    samples : int, optional
        Points on the x grid (default: enough for 6 points per rise width, 600..4000).
    """

    name = "bumps"
    width = 1.6

    def __init__(self, sweep, theme="light", label=None, parts=True, windows=True, samples=None):
        super().__init__(sweep, theme, label)
        if sweep.is_2d:
            raise ValueError("the bumps view draws 1-D constructions; use the towers view for 2-D")
        self.show_parts, self.show_windows = bool(parts), bool(windows)
        c = sweep.construction
        self.kind = c.kind
        self.split = c.output == "inverse-sigmoid"     # z-space on top, f-space below
        self.zspace = c.fits == "logit"                 # the pieces follow sigma^-1(f)
        a, b = c.interval
        pad = 0.06 * (b - a)
        ws = [m.construction.w for m in sweep.models if np.isfinite(m.construction.w)]
        finest = 4.394 / max(ws) if ws else (b - a) / 200
        m = samples or int(np.clip(6 * (b - a + 2 * pad) / finest, 600, 4000))
        self.x = np.linspace(a - pad, b + pad, int(m))
        self.interval = (a, b)
        self.f = c.f(self.x) if c.f is not None else None
        self.target = c.target(self.x) if c.f is not None else None

    def prepare(self, steps):
        rows = sorted({self.at(s) for s in steps})
        self._row = {s: i for i, s in enumerate(rows)}
        self.parts, self.z, self.out, self.windows, self.nodes, self.signs = [], [], [], [], [], []
        x = self.x
        for k in rows:
            net = self.trace[k]
            c = net.construction
            fp = net.forward(x[:, None])
            self.z.append(fp.z[-1][:, 0])
            self.out.append(fp.a[-1][:, 0])
            if c.kind == "step":
                p = np.zeros((0, len(x)))
                sg = np.zeros(0)
            else:
                p, _ = net.parts(x)
                sg = np.sign(c.heights)  # bump heights, or f at the ReLU nodes
            self.parts.append(_polygons(x, p))
            self.signs.append(sg)
            if c.kind == "relu" or not np.isfinite(c.w):
                self.windows.append(np.zeros(0))
            else:
                self.windows.append(np.unique(-net.b[1] / net.W[1][0]))
            self.nodes.append((c.edges, c.heights) if c.kind == "relu" else None)
        top = [self.z[i] if self.zspace else self.out[i] for i in range(len(rows))]
        base = self.target if self.target is not None else top[-1]
        extra = top + [np.concatenate([v[:, 1] for v in p] + [[0.0]]) for p in self.parts if len(p)]
        lo, hi = fit_limits([base] + extra, pad=0.1, cap=0.5)
        self.ylim = (lo, hi + 0.1 * (hi - lo))  # room for the note at the top
        if self.split:
            self.ylim2 = fit_limits([self.f] + self.out, pad=0.1, cap=0.3)

    # ------------------------------------------------------------------ drawing
    def setup(self, fig, spec):
        th = self.theme
        c = self.trace.construction
        if self.split:
            sub = spec.subgridspec(2, 1, height_ratios=[1.5, 1], hspace=0.08)
            ax = self.ax = fig.add_subplot(sub[0])
            ax2 = self.ax2 = fig.add_subplot(sub[1], sharex=ax)
            ax.tick_params(labelbottom=False)
        else:
            ax = self.ax = fig.add_subplot(spec)
            self.ax2 = None
        a, b = self.interval
        handles = []
        if c.kind == "step":
            s = c.edges[0]
            h, = ax.plot([self.x[0], s, s, self.x[-1]], [0, 0, c.heights[0], c.heights[0]], color=th.text, lw=1.2,
                         ls=(0, (4, 3)), zorder=3, label="step at s")
            handles.append(h)
            ax.axvline(s, color=th.muted, lw=0.8, zorder=0)
            ax.text(s, 1.0, " s = −b/w", transform=ax.get_xaxis_transform(), va="top", ha="left",
                    color=th.muted, fontsize="small")
        elif self.target is not None:
            label = "σ⁻¹(f(x))" if self.zspace else "target f(x)"
            h, = ax.plot(self.x, self.target, color=th.text, lw=1.2, ls=(0, (4, 3)), zorder=3, label=label)
            handles.append(h)
        if c.kind != "step":
            for edge in (a, b):
                ax.axvline(edge, color=th.grid, lw=1.0, zorder=0)
        self.artists = []
        self.win = PolyCollection([], facecolors=WINDOW_COLOR, edgecolors="none", alpha=0.2, zorder=0,
                                  animated=True)
        ax.add_collection(self.win)
        self.lines = PolyCollection([], linewidths=0.7, zorder=1, animated=True)
        ax.add_collection(self.lines)
        self.out_line, = ax.plot([], [], color=OUTPUT_COLOR, lw=2.0, zorder=4, animated=True)
        self.node_pts, = ax.plot([], [], "o", ms=3.2, color=th.text, zorder=5, animated=True)
        self.artists += [self.win, self.lines, self.out_line, self.node_pts]
        out_label = {"step": "σ(w x + b)"}.get(c.kind, "z = sum of bumps" if self.split else "network")
        handles.insert(0, Line2D([], [], color=OUTPUT_COLOR, lw=2.0, label=out_label))
        if self.show_parts and c.kind != "step":
            piece = {"relu": "hats"}.get(c.kind, "bumps")
            handles += [Patch(facecolor=mpl_colors.to_rgba(th.positive, 0.28), edgecolor=th.positive, lw=0.7,
                              label=f"{piece} > 0"),
                        Patch(facecolor=mpl_colors.to_rgba(th.negative, 0.28), edgecolor=th.negative, lw=0.7,
                              label=f"{piece} < 0")]
        if self.show_windows and c.kind != "relu":
            handles.append(Patch(facecolor=WINDOW_COLOR, alpha=0.25, label="rise 4.39/w" if c.kind == "step"
                                 else "failure windows"))
        ax.set_xlim(self.x[0], self.x[-1])
        ax.set_ylim(*self.ylim)
        ax.axhline(0, color=th.grid, lw=0.8, zorder=0)
        ax.grid(True, color=th.grid, lw=0.5, alpha=0.6)
        ax.tick_params(length=2)
        ax.set_ylabel("σ⁻¹ space" if self.zspace else "y")
        _legend(ax, handles, ncol=2 if self.split else 3)
        self.note = AxesText(ax, 0.015, 0.97, "", fontsize=ax.yaxis.label.get_fontsize() * 0.9, color=th.text,
                             ha="left", va="top")
        self.artists.append(self.note)
        if self.ax2 is not None:
            ax2 = self.ax2
            ax2.plot(self.x, self.f, color=th.text, lw=1.2, ls=(0, (4, 3)), zorder=3)
            self.out2, = ax2.plot([], [], color=OUTPUT_COLOR, lw=2.0, zorder=4, animated=True)
            for edge in (a, b):
                ax2.axvline(edge, color=th.grid, lw=1.0, zorder=0)
            ax2.set_ylim(*self.ylim2)
            ax2.set_ylabel("f and σ(z)")
            ax2.grid(True, color=th.grid, lw=0.5, alpha=0.6)
            ax2.tick_params(length=2)
            ax2.set_xlabel("x")
            self.artists.append(self.out2)
        else:
            ax.set_xlabel("x")

    def update(self, step):
        i = self._row[self.at(step)]
        th = self.theme
        x = self.x
        net = self.trace[self.at(step)]
        c = net.construction
        lo, hi = self.ylim
        top = self.z[i] if self.zspace else self.out[i]
        self.out_line.set_data(x, np.clip(top, lo - 1, hi + 1))
        if self.show_parts and len(self.parts[i]):
            self.lines.set_verts(self.parts[i])
            colors = [th.positive if s >= 0 else th.negative for s in self.signs[i]]
            self.lines.set_facecolor([mpl_colors.to_rgba(col, 0.28) for col in colors])
            self.lines.set_edgecolor([mpl_colors.to_rgba(col, 0.9) for col in colors])
        else:
            self.lines.set_verts([])
        if self.show_windows and len(self.windows[i]):
            self.win.set_verts([[(u, lo - 1), (v, lo - 1), (v, hi + 1), (u, hi + 1)]
                                for u, v in _merge(self.windows[i], c.rise / 2)])
        else:
            self.win.set_verts([])
        if self.nodes[i] is not None:
            t, y = self.nodes[i]
            self.node_pts.set_data(t, y)
        else:
            self.node_pts.set_data([], [])
        if c.kind == "step":
            self.note.set_text(f"w = {c.w:.3g}   b = {net.b[1][0]:.3g}")
        elif c.kind == "relu":
            self.note.set_text(f"{net.sizes[1]} ReLUs, h = {c.bin_width:.3g}")
        else:
            self.note.set_text(f"{net.sizes[1]} neurons, bins {c.bin_width:.3g}, rise {c.rise:.2g}")
        if self.ax2 is not None:
            self.out2.set_data(x, self.out[i])
        return self.artists


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

    def setup(self, fig, spec):
        from ..approx import RISE_10_90, bump_error_bound, derivative_bounds, relu_error_bound

        th = self.theme
        sw = self.trace
        c = sw.construction
        ax = self.ax = fig.add_subplot(spec)
        v = sw.values
        ok = np.isfinite(self.sup) & (self.sup > 0)
        ax.plot(v, np.where(ok, self.sup, np.nan), color=OUTPUT_COLOR, lw=1.4, label="sup error")
        ax.plot(v, np.where(self.mean > 0, self.mean, np.nan), color=th.negative, lw=1.4, label="mean error")
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
        self.dot_sup, = ax.plot([], [], "o", color=OUTPUT_COLOR, ms=5, animated=True, zorder=5)
        self.dot_mean, = ax.plot([], [], "o", color=th.negative, ms=5, animated=True, zorder=5)
        self.cursor = ax.axvline(v[0], color=th.cursor, lw=0.8, alpha=0.6, animated=True)
        self.artists = [self.cursor, self.dot_sup, self.dot_mean]

    def update(self, step):
        i = self.at(step)
        v = self.trace.values[i]
        self.cursor.set_xdata([v, v])
        self.dot_sup.set_data([v], [self.sup[i]])
        self.dot_mean.set_data([v], [self.mean[i]])
        return self.artists


class TowersView(_SweepView):
    """A 2-D construction as a heat map: the network's output, the target f, or |output - f|.

    Options
    -------
    show : {"network", "target", "error"}
    resolution : int
        Grid points per axis (default 160).
    edges : bool
        Draw the cell edges (default: when at most 24 cells per axis).
    """

    name = "towers"
    width = 1.0

    def __init__(self, sweep, theme="light", label=None, show="network", resolution=129, edges=None):
        super().__init__(sweep, theme, label)
        if not sweep.is_2d:
            raise ValueError("the towers view draws 2-D constructions; use the bumps view for 1-D")
        if show not in ("network", "target", "error"):
            raise ValueError(f"show must be 'network', 'target' or 'error', got {show!r}")
        self.show, self.edges = show, edges
        self.resolution = int(resolution)
        self.xs, self.ys, _, f = sweep.grid(len(sweep) - 1, self.resolution)
        self.f = f if np.isfinite(f).all() else None
        if self.f is None and show != "network":
            raise ValueError(f"show={show!r} needs the construction's f")

    def prepare(self, steps):
        import matplotlib as mpl

        rows = sorted({self.at(s) for s in steps})
        self._row = {s: i for i, s in enumerate(rows)}
        lo, hi = (float(self.f.min()), float(self.f.max())) if self.f is not None else (0.0, 1.0)
        grid = self.trace.grid
        if self.show == "error":
            vals = [np.abs(grid(k, self.resolution)[2] - self.f) for k in rows]
            self.norm = mpl.colors.Normalize(0.0, max(abs(lo), abs(hi), 1e-9))
            cmap = mpl.colormaps["magma_r"]
        else:
            if self.show == "target":
                vals = [self.f]
            else:
                vals = [grid(k, self.resolution)[2] for k in rows]
            if lo < 0 < hi:
                m = max(-lo, hi)
                self.norm, cmap = mpl.colors.Normalize(-m, m), mpl.colormaps["RdBu_r"]
            else:
                self.norm, cmap = mpl.colors.Normalize(lo, hi), mpl.colormaps["viridis"]
        self.cmap = cmap
        self.rgb = [(cmap(self.norm(v))[..., :3] * 255 + 0.5).astype(np.uint8) for v in vals]

    def setup(self, fig, spec):
        th = self.theme
        ax = self.ax = fig.add_subplot(spec)
        extent = (self.xs[0], self.xs[-1], self.ys[0], self.ys[-1])
        self.im = ax.imshow(self.rgb[0], extent=extent, origin="lower", interpolation="bilinear",
                            animated=self.show != "target", zorder=0)
        ax.set_xlim(extent[:2])
        ax.set_ylim(extent[2:])
        ax.set_aspect("equal", adjustable="box")
        ax.set_title({"network": "network", "target": "target f(x, y)", "error": "|network − f|"}[self.show],
                     fontsize="medium")
        ax.set_xlabel("x")
        ax.set_ylabel("y", rotation=0, labelpad=6)
        ax.tick_params(length=2)
        for side in ("top", "right"):
            ax.spines[side].set_visible(True)
        self.grid = LineCollection([], colors=th.background, linewidths=0.5, alpha=0.5, animated=True, zorder=2)
        ax.add_collection(self.grid)
        self.artists = [self.grid] if self.show == "target" else [self.im, self.grid]

    def update(self, step):
        k = self.at(step)
        if self.show != "target":
            self.im.set_data(self.rgb[self._row[k]])
        c = self.trace[k].construction
        draw = self.edges if self.edges is not None else max(c.nx, c.ny) <= 24
        if draw and self.show != "target":
            (ax, bx), (ay, by) = c.domain
            segs = [[(t, ay), (t, by)] for t in c.x_edges[1:-1]] + [[(ax, t), (bx, t)] for t in c.y_edges[1:-1]]
            self.grid.set_segments(segs)
        else:
            self.grid.set_segments([])
        return self.artists


class VersusView(View):
    """Constructed versus trained: a training run drawn over a fixed construction of the same width.

    Options
    -------
    construction : ConstructedMLP
        The hand-built network (required).
    """

    name = "versus"
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
        from ..nn import forward_many

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
        fixed = AxesText(ax, 0.015, 0.97, f"constructed: sup {self.built_err.max():.3g}  "
                         f"mean {self.built_err.mean():.3g}", fontsize=fs, color=th.negative, ha="left", va="top")
        self.text = AxesText(ax, 0.015, 0.905, "", fontsize=fs, color=OUTPUT_COLOR, ha="left", va="top")
        self.artists = [self.line, self.text, fixed]  # FastText is drawn per frame, also when it is fixed

    def update(self, step):
        i = self._row[self.at(step)]
        self.line.set_data(self.x, self.out[i])
        self.text.set_text(f"trained:     sup {self.sup[i]:.3g}  mean {self.mean[i]:.3g}")
        return self.artists


#: Views of sweeps by name (the trace views live in :data:`nnviz.render.VIEWS`).
SWEEP_VIEWS = {v.name: v for v in (BumpsView, SweepErrorView, TowersView)}


def sweep_header(sweep):
    """``header(step)`` for a sweep: the parameter values and the errors of the frame."""
    sup, mean = sweep.errors()

    def header(step):
        i = int(min(max(int(step), 0), len(sweep) - 1))
        net = sweep[i]
        c = net.construction
        if c.kind == "step":
            w = f"{c.w:.0f}" if c.w >= 100 else f"{c.w:.3g}"
            return f"w = {w:<5}  rise 4.39/w = {c.rise:.3g}"
        parts = []
        if sweep.is_2d:
            parts.append(f"N = {c.nx}x{c.ny}")
        elif c.kind != "step":
            parts.append(f"N = {c.n:<3d}")
        if np.isfinite(getattr(c, "w", np.nan)) and (not sweep.is_2d or sweep.parameter == "w"):
            parts.append(f"w = {c.w:.0f}" if c.w >= 100 else f"w = {c.w:.3g}")
        if np.isfinite(sup[i]):
            parts.append(f"sup {sup[i]:.3f}  mean {mean[i]:.4f}")
        return "  ".join(parts)

    return header


def sweep_layout(sweep, views: Sequence[str] | None = None, size=(640, 480), theme="light", title=None,
                 view_options=None) -> Layout:
    """A layout for a sweep: 1-D ``bumps | approx-error`` (only ``bumps`` in frames narrower than 560
    pixels); 2-D ``target | network`` above ``error map | approx-error``. ``views`` chooses and
    orders panels (names from :data:`SWEEP_VIEWS`)."""
    view_options = view_options or {}
    for v in views or []:
        if v not in SWEEP_VIEWS:
            raise ValueError(f"unknown construction view {v!r}; choose from: {', '.join(SWEEP_VIEWS)}")
    header = sweep_header(sweep)
    if sweep.is_2d:
        views = list(views or ["towers", "approx-error"])
        opts = view_options.get("towers", {})
        maps = [TowersView(sweep, theme, show=show, **opts) for show in ("target", "network", "error")] \
            if "towers" in views else []
        err = [SweepErrorView(sweep, theme, **view_options.get("approx-error", {}))] \
            if "approx-error" in views and len(sweep) > 1 else []
        if maps and err:  # target | network  over  error map | error against N
            err[0].width = 1.3
            rows = [maps[:2], [maps[2], err[0]]]
        else:
            rows = [maps or err]
        return Layout(rows, size=size, theme=theme, title=title, header=header)
    wide = size[0] >= 560  # a narrow frame has room for one panel
    views = list(views or (["bumps", "approx-error"] if len(sweep) > 1 and sweep.construction.kind != "step" and wide
                           else ["bumps"]))
    row = [SWEEP_VIEWS[v](sweep, theme, **view_options.get(v, {})) for v in views]
    return Layout([row], size=size, theme=theme, title=title, header=header)


def render_sweep(sweep, output, views=None, fps: float = 12, size=(640, 480), theme="light", title=None,
                 hold: float = 1.5, progress: bool = False, view_options=None, writer_options=None) -> Path:
    """Animate a sweep into ``output`` (.gif, .mp4, .webm, PNG frames) or draw its last frame as a
    still (.png, .svg, .pdf).

    Parameters
    ----------
    sweep : Sweep
    output : str or Path
    views : list of str, optional
    fps : float
    size : (int, int)
    theme : str
    title : str, optional
    hold : float
        Seconds the last frame stays on screen before the animation loops.
    progress : bool
    view_options : dict, optional
        ``{view name: {option: value}}``.
    writer_options : dict, optional
        Passed to the writer, e.g. ``{"colors": 64, "tolerance": 6}`` for a smaller GIF.

    Returns
    -------
    Path
    """
    from ..export import open_writer

    output = Path(output)
    layout = sweep_layout(sweep, views, size=size, theme=theme, title=title, view_options=view_options)
    suffix = output.suffix.lower()
    last = len(sweep) - 1
    if suffix in (".svg", ".pdf") or (suffix == ".png" and "{" not in output.name):
        layout.savefig(output, last)
        return output
    steps = list(range(len(sweep)))
    if suffix not in (".png",) and "{" not in output.name and not output.is_dir():
        steps += [last] * int(round(hold * fps))
    opts = dict(writer_options or {})
    if suffix == ".gif" and len(sweep) > 2 and "palette_frames" not in opts:
        picks = sorted({0, last // 2, last})
        pal = sweep_layout(sweep, views, size=size, theme=theme, title=title, view_options=view_options)
        opts["palette_frames"] = [f for _, f in pal.frames(picks)]
    with open_writer(output, fps=fps, **opts) as w:
        frames = layout.frames(steps)
        if progress:
            from tqdm import tqdm

            frames = tqdm(frames, total=len(steps), desc=f"rendering {output.name}", unit="frame", leave=False)
        for step, frame in frames:
            w.write(frame, step=step)
    return output


def render_versus(comparison, output, fps: float = 20, size=(640, 480), theme="light", title=None,
                  max_frames: int = 120, progress: bool = False) -> Path:
    """Animate a :class:`nnviz.approx.Comparison`: the training run over the fixed construction,
    with the loss curve (log scale) beside it; a .png/.svg/.pdf output is the last step as a still."""
    from ..export import open_writer
    from .animate import header_text, select_steps
    from .curves import CurvesView

    tr, net = comparison.trace, comparison.construction
    output = Path(output)

    def layout():
        return Layout([[VersusView(tr, theme, construction=net), CurvesView(tr, theme, log=True)]], size=size,
                      theme=theme, title=title, header=header_text(tr))

    steps = select_steps(tr, None, max_frames)
    suffix = output.suffix.lower()
    if suffix in (".svg", ".pdf") or (suffix == ".png" and "{" not in output.name):
        layout().savefig(output, steps[-1])
        return output
    opts = {}
    if suffix == ".gif" and len(steps) > 2:
        opts["palette_frames"] = [f for _, f in layout().frames([steps[0], steps[len(steps) // 2], steps[-1]])]
    with open_writer(output, fps=fps, **opts) as w:
        frames = layout().frames(steps)
        if progress:
            from tqdm import tqdm

            frames = tqdm(frames, total=len(steps), desc=f"rendering {output.name}", unit="frame", leave=False)
        for step, frame in frames:
            w.write(frame, step=step)
    return output
