"""The towers view: a 2-D construction as a heat map (``show="network"``, ``"target"`` or ``"error"``)."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection

from ..base import register_view
from .bumps import _SweepView

__all__ = ["TowersView"]


@register_view
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
