"""The loss landscape: the cost over a plane in parameter space, with the optimiser's path on it.

The surface (:func:`nnviz.landscape`) is computed once per movie in :meth:`LandscapeView.prepare`
and drawn once, as filled contours on a logarithmic colour scale, into the static background;
per frame only the path up to the current step, the dot at the current step and one line of
numbers per run are drawn. Every number comes from the trace: the surface is the trace's own cost
on its training data, and the dot's loss (the cost at the path's projection onto the plane) is
shown beside the trace's recorded loss when the two differ, because a plane that does not hold the
whole path shows the run where it is not. The share of the path's movement that the plane holds is
written on the panel for the same reason.

Several runs (``runs=``, e.g. ``nnviz animate moons-gd moons-adam --view landscape``) share one
plane: one surface, one path each, in the theme's run colours and dash patterns
(:data:`nnviz.render.style.RUN_DASHES`), which stay apart under colour-vision deficiencies.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib import colors as mcolors
from matplotlib import patheffects
from matplotlib.lines import Line2D
from matplotlib.ticker import NullLocator
from matplotlib.transforms import offset_copy

from ...landscape import Surface, check_same, landscape, parse_plane
from ..artists.text import FastText
from ..base import View, check_network, register_view
from ..style import RUN_DASHES, hex_to_rgb

__all__ = ["LandscapeView", "log_levels", "loss_text", "surface_cmap"]

#: Markers of compared runs' current points (a third channel beside colour and dash).
RUN_MARKERS = "os^D"


def surface_cmap(theme) -> mcolors.Colormap:
    """The theme's landscape ramp (low loss light in the light theme), as a colormap."""
    return mcolors.LinearSegmentedColormap.from_list("nnviz-surface", list(theme.surface))


def log_levels(values, n: int = 12) -> tuple[np.ndarray, float]:
    """``n + 1`` contour levels evenly spaced in log(loss), and the floor below which loss shows
    as the lowest band (a loss of exactly 0, e.g. the perceptron error of a separated set, has no
    logarithm): the smallest positive value, but at most 4 decades below the largest."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    top = float(v.max()) if v.size else 1.0
    positive = v[v > 0]
    if top <= 0 or not positive.size:
        return np.array([0.0, 1.0]), 0.0
    floor = max(float(positive.min()), top * 1e-4)
    if floor >= top:
        top = floor * 10
    return np.geomspace(floor, top, n + 1), floor


def loss_text(surface_loss: float, trace_loss: float, where: str = "on plane") -> str:
    """One line of numbers: "loss 0.0123" when the dot's surface loss and the trace's loss print the
    same, else "on plane 0.0110 · trace 0.0123" (the step is off the plane or line)."""
    a, b = f"{surface_loss:.3g}", f"{trace_loss:.3g}"
    return f"loss {b}" if a == b else f"{where} {a} · trace {b}"


@register_view
class LandscapeView(View):
    """The loss surface over a plane through the run(s), and the path(s) on it.

    Options
    -------
    plane : {"pca", "random"} or "steps:A,B,C"
        The plane (see :mod:`nnviz.landscape`): the path's first two principal directions
        (default), two random filter-normalised directions, or the plane through three recorded
        steps.
    resolution : int
        Grid points per side (default 61).
    extent : float
        How far the grid reaches beyond the paths (1.2: 20 % wider than their bounding box).
    levels : int
        Filled contour bands (log-spaced).
    seed : int
        Seed of the random directions.
    runs : list of (label, Trace), optional
        Several runs on one surface (the view's own trace is ignored); they must share the
        architecture, the cost and the training data.
    """

    name = "landscape"
    width = 1.3
    shares_runs = True

    def __init__(self, trace, theme="light", label=None, plane="pca", resolution=61, extent=1.2, levels=12,
                 seed=0, runs=None, **options):
        self.runs = list(runs) if runs else [(label, trace)]
        for _, tr in self.runs[1:]:
            check_network(type(self), tr)  # a CNN trace: one line
        super().__init__(self.runs[0][1], theme, label, **options)  # an unknown option: one line
        if not (isinstance(resolution, int) and 8 <= resolution <= 401):
            raise ValueError(f"landscape.resolution must be a whole number of grid points from 8 to 401, "
                             f"got {resolution!r}")
        if not (isinstance(levels, int) and 2 <= levels <= 40):
            raise ValueError(f"landscape.levels must be a whole number from 2 to 40, got {levels!r}")
        if not (isinstance(extent, (int, float)) and 1.0 <= extent <= 10):
            raise ValueError(f"landscape.extent must be a number from 1 to 10, got {extent!r}")
        self.plane, self.resolution, self.extent = str(plane), resolution, float(extent)
        self.levels, self.seed = levels, int(seed)
        # runs that cannot share a surface, a bad plane: refused before any work
        check_same([tr for _, tr in self.runs], [lab or tr.path.stem for lab, tr in self.runs])
        self.kind, self.chosen = parse_plane(self.plane)
        Surface.of(self.trace)
        self.ls = None

    # ------------------------------------------------------------------ numbers
    def prepare(self, steps):
        if self.ls is None:  # the plane comes from the whole run(s), not from the frames shown
            self.ls = landscape([tr for _, tr in self.runs], plane=self.plane, resolution=self.resolution,
                                extent=self.extent, seed=self.seed)
            self.bounds, self.floor = log_levels(self.ls.loss, self.levels)

    def point(self, j: int, step: int) -> int:
        """Index into run ``j``'s path of the point shown at frame step ``step``."""
        s = self.ls.steps_per_run[j]
        return max(int(np.searchsorted(s, int(step), side="right")) - 1, 0)

    def caption(self) -> str:
        """The static line: how much of the path's movement the plane holds."""
        paths = "path's" if len(self.runs) == 1 else "paths'"
        e = 100 * self.ls.explained
        share = f"{e:.1f}" if 99.5 <= e < 100 else f"{e:.0f}"  # 99.6 % is not rounded to all of it
        return f"the plane holds {share} % of the {paths} movement"

    def axis_labels(self) -> tuple[str, str]:
        if self.kind == "pca":
            return "principal direction 1", "principal direction 2"
        if self.kind == "random":
            return "random direction 1 (filter-normalised)", "random direction 2"
        a, b, c = self.chosen
        return f"θ(step {b}) − θ(step {a})", f"θ(step {c}) − θ(step {a})"

    def palette_colors(self) -> np.ndarray:
        """The surface's band colours and the runs' colours (for a GIF's palette), (n, 3) uint8."""
        cmap = surface_cmap(self.theme)
        bands = cmap(np.linspace(0, 1, self.levels))[:, :3]
        runs = np.array([hex_to_rgb(self.theme.run_color(j)) for j in range(len(self.runs))])
        return (np.vstack([bands, runs]) * 255 + 0.5).astype(np.uint8)

    # ------------------------------------------------------------------ drawing
    def setup(self, fig, spec):
        th, ls = self.theme, self.ls
        ax = self.ax = fig.add_subplot(spec)
        multi = len(self.runs) > 1
        if self.floor > 0:
            Z = np.nan_to_num(ls.loss, nan=self.bounds[-1], posinf=self.bounds[-1])
            # below the floor (a loss of 0 has no logarithm) and above the top: the triangles at the
            # colour bar's ends
            below, above = bool((Z < self.floor).any()), bool((Z > self.bounds[-1]).any())
            extend = {(False, False): "neither", (True, False): "min", (False, True): "max"}.get((below, above), "both")
            norm = mcolors.LogNorm(self.bounds[0], self.bounds[-1])
            cs = ax.contourf(ls.alpha, ls.beta, np.maximum(Z, self.floor * 0.999), levels=self.bounds, norm=norm,
                             cmap=surface_cmap(th), extend=extend, zorder=0)
            ax.contour(ls.alpha, ls.beta, Z, levels=self.bounds[1:-1], colors=[th.background], linewidths=0.35,
                       alpha=0.6, zorder=1)
            # several runs: the colour bar on the left, the runs' legend on the right
            bar = fig.colorbar(cs, ax=ax, fraction=0.06, pad=0.02, aspect=30, location="left" if multi else "right")
            # ticks on band edges (a surface spanning less than a decade has no power of ten to label)
            ticks = self.bounds[:: max(1, len(self.bounds) // 4)]
            bar.set_ticks(ticks, labels=[f"{v:.2g}" for v in ticks])
            bar.ax.yaxis.set_minor_locator(NullLocator())
            bar.ax.tick_params(length=2, which="both")
            bar.outline.set_visible(False)
            bar.set_label("loss (log scale)")
        else:  # a surface that is 0 everywhere
            ax.set_facecolor(th.surface[0])
        ax.set_xlim(ls.alpha[0], ls.alpha[-1])
        ax.set_ylim(ls.beta[0], ls.beta[-1])
        xl, yl = self.axis_labels()
        ax.set_xlabel(xl)
        ax.set_ylabel(yl)
        ax.tick_params(length=2)
        for side in ("top", "right"):
            ax.spines[side].set_visible(True)
        # the title: the label of a run compared side by side and the plane's share of the movement;
        # one run: its numbers on a second title line; several: a legend beside the axes (the
        # run's colour, dash pattern and marker, its name, its numbers on a second line), so that
        # nothing covers the surface. The numbers are FastText, redrawn per frame.
        head = f"{self.label}\n" if (self.label and not multi) else ""
        ax.set_title(head + self.caption() + ("" if multi else "\n "), fontsize="medium")
        self.lines, self.dots, self.texts = [], [], []
        k = mpl.rcParams["font.size"] / 9  # the layout's scale (fonts grow with the frame): lines too
        stroke = [patheffects.withStroke(linewidth=3.4 * k, foreground=th.background)]
        for j, (label, _) in enumerate(self.runs):
            color = th.run_color(j)
            path = ls.paths[j]
            ax.plot(path[:1, 0], path[:1, 1], "o", ms=6 * k, mfc="none", mec=color, mew=1.4 * k, zorder=3)  # start
            line, = ax.plot([], [], color=color, lw=1.7 * k, ls=RUN_DASHES[j % len(RUN_DASHES)] if multi else "-",
                            animated=True, zorder=4, path_effects=stroke)
            dot, = ax.plot([], [], RUN_MARKERS[j % len(RUN_MARKERS)] if multi else "o", ms=7 * k, mfc=color,
                           mec=th.background, mew=1.0 * k, animated=True, zorder=5)
            self.lines.append(line)
            self.dots.append(dot)
        if multi:
            # a second, blank line under each name, wide enough for "on plane 0.0681 · trace 0.0421"
            # in figure spaces (the width of a digit)
            handles = [Line2D([], [], color=th.run_color(j), lw=1.7 * k, ls=RUN_DASHES[j % len(RUN_DASHES)],
                              marker=RUN_MARKERS[j % len(RUN_MARKERS)], ms=5.5 * k, mec=th.background, mew=0.8 * k)
                       for j in range(len(self.runs))]
            leg = ax.legend(handles, [f"{label}\n" + "\u2007" * 31 for label, _ in self.runs], loc="upper left",
                            bbox_to_anchor=(1.0, 1.0), borderaxespad=0.3, handlelength=2.6, fontsize="small",
                            labelspacing=0.6)
            for j, t in enumerate(leg.get_texts()):
                # on the label's second line: the legend places its text at draw time, which comes
                # before these are drawn (the legend is in the static background, or drawn with
                # its axes before the figure's own artists in a still)
                self.texts.append(FastText(fig, 0, 0, "", fontsize=t.get_fontsize(), color=th.run_color(j),
                                           ha="left", va="baseline", transform=t.get_transform(),
                                           family="DejaVu Sans"))
        else:
            pt = fig.dpi / 72  # pixels per point
            place = offset_copy(ax.transAxes, fig=fig, x=0, y=mpl.rcParams["axes.titlepad"] * pt, units="dots")
            self.texts.append(FastText(fig, 0.5, 1.0, "", fontsize=ax.title.get_size() * 0.9, color=th.text,
                                       ha="center", va="bottom", transform=place, family="DejaVu Sans"))
        for text in self.texts:
            text.set_animated(True)
            fig.add_artist(text)
        self.artists = self.lines + self.dots + self.texts

    def numbers(self, j: int, step: int) -> tuple[int, float, float]:
        """(step shown, the dot's loss on the surface, the trace's loss) of run ``j`` at frame ``step``."""
        i = self.point(j, step)
        return int(self.ls.steps_per_run[j][i]), float(self.ls.path_loss[j][i]), float(self.ls.trace_loss[j][i])

    def update(self, step):
        for j in range(len(self.runs)):
            i = self.point(j, step)
            path = self.ls.paths[j]
            self.lines[j].set_data(path[: i + 1, 0], path[: i + 1, 1])
            self.dots[j].set_data(path[i: i + 1, 0], path[i: i + 1, 1])
            _, on_plane, recorded = self.numbers(j, step)
            self.texts[j].set_text(loss_text(on_plane, recorded))
        return self.artists

