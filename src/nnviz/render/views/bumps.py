"""The bumps view: a 1-D universal-approximation construction, frame by frame.

A construction animation shows one constructed network per frame while a parameter changes (N,
w): its "trace" is a :class:`nnviz.approx.Sweep`, whose frame index plays the role of the training
step. The sweep views (``bumps``, ``approx-error``, ``towers``) take a Sweep where trained views take
a Trace, and render through the same :class:`~nnviz.render.layout.Layout` (blitting, FastText) and
the same pipeline (:mod:`nnviz.render.sweeps`).

``bumps`` draws the construction on its interval: the target (f, or sigma^-1(f) for the sigma^-1
trick), the pieces it is made of (bumps, ReLU hats, or the one step), the output, and the failure
windows (a step's 10 %..90 % rise, ``4.394 / w`` wide, around each step position) where the output
is between two heights.
"""

from __future__ import annotations

import logging

import numpy as np
from matplotlib import colors as mpl_colors
from matplotlib.collections import PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..base import View, register_view
from ..artists.text import axes_text
from .fit import OUTPUT_COLOR, fit_limits

__all__ = ["BumpsView", "WINDOW_COLOR"]

log = logging.getLogger(__name__)

WINDOW_COLOR = "#9467BD"  # failure windows
#: Above this many pieces (or failure windows) on one axis, pieces are drawn without outlines and the
#: windows lighter: dozens of thin outlines and stripes side by side read as a moire, not as shapes.
MANY_PIECES = 24


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

    source = "sweep"

    def at(self, step: int) -> int:
        return int(min(max(int(step), 0), len(self.trace) - 1))


def _legend(ax, handles, ncol=3):
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=ncol, fontsize="small",
              borderaxespad=0.2, handlelength=1.6, columnspacing=1.0)


@register_view
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
        self.note = axes_text(ax, 0.015, 0.97, "", fontsize=ax.yaxis.label.get_fontsize() * 0.9, color=th.text,
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
            many = len(colors) > MANY_PIECES  # dozens of outlines side by side make a moire: fills only
            self.lines.set_facecolor([mpl_colors.to_rgba(col, 0.28) for col in colors])
            self.lines.set_edgecolor([mpl_colors.to_rgba(col, 0.0 if many else 0.9) for col in colors])
        else:
            self.lines.set_verts([])
        if self.show_windows and len(self.windows[i]):
            self.win.set_alpha(0.2 if len(self.windows[i]) <= MANY_PIECES else 0.1)  # many: a light hint
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
