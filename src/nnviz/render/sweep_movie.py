"""A sweep as a movie: every cell's run evolving in step, beside the heat map filling in.

``nnviz animate sweep/ --view grid`` draws one panel per grid cell, the decision boundary (2-D
classifiers) or the fit (1-D regressions) of the cell's first seed, labelled by the cell's values;
``--view curves`` draws each cell's loss curves (every seed) growing. Beside them, the heat map of
the sweep's metric at the frame's step: the mean over the cell's seeds of the accuracy (or loss)
each run had at that step, read from the traces' per-step scalars; a cell whose runs have all
diverged by then is hatched.

The panels are the registered ``boundary`` and ``fit`` views inside one composite view, so the
movie is one :class:`~nnviz.render.layout.Layout` written by the one render loop,
:func:`nnviz.render.pipeline.render`. The composite, the heat map and the cell curves are parts of
this layout, not views of a trace, so they are not in the view registry (``--view`` lists them
through :data:`SWEEP_VIEWS`).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import matplotlib as mpl
import numpy as np

from ..formatting import fraction
from ..sweeps.summary import METRIC_NAMES, cells_of
from .base import View
from .layout import Layout
from .style import SMALLEST_TEXT
from .sweep_figures import _DIVERGED, heatmap, label_rows_and_columns, loss_limits

__all__ = ["animate_sweep", "SweepPanels", "SweepHeatmap", "CellCurves", "SWEEP_VIEWS"]

#: What ``nnviz animate SWEEP_DIR --view`` offers.
SWEEP_VIEWS = ("grid", "curves")


def _shape(c):
    """Rows x columns of the panels: the grid itself for two keys, else near-square."""
    if c.mean.ndim == 2:
        return c.mean.shape
    n = c.mean.size
    cols = n if n <= 4 else math.ceil(math.sqrt(n))
    return math.ceil(n / cols), cols


class SweepPanels(View):
    """Views, one per grid cell, in a rows x columns block of one panel of the layout."""

    name = "sweep-panels"
    needs_tensors = False

    def __init__(self, views, shape, theme="light", width=1.0, headers=None):
        super().__init__(None, theme)
        self.views, self.shape, self.width = list(views), shape, width
        self.headers = headers  # Cells: name rows and columns once, instead of every panel

    def prepare(self, steps):
        for v in self.views:
            v.prepare(steps)

    def palette_colors(self):
        colors = [v.palette_colors() for v in self.views if hasattr(v, "palette_colors")]
        return np.unique(np.concatenate(colors), axis=0) if colors else np.zeros((0, 3), np.uint8)

    def setup(self, fig, spec):
        sub = spec.subgridspec(*self.shape, wspace=0.04, hspace=0.08)
        small = self.shape[0] * self.shape[1] > 4
        for n, v in enumerate(self.views):
            v.setup(fig, sub[divmod(n, self.shape[1])])
            ax = getattr(v, "ax", None)
            if ax is not None and small:  # many small panels: the label is what matters
                if ax.get_legend() is not None:
                    ax.get_legend().remove()
                ax.set_xlabel("")
                ax.set_ylabel("")
                ax.set_xticks([])
                ax.set_yticks([])
                size = mpl.rcParams["font.size"] * SMALLEST_TEXT  # small panels, still legible text
                ax.title.set_fontsize(size)
                caption = getattr(v, "caption", None)  # the run's loss and accuracy under its label
                if caption is not None:
                    caption.set_fontsize(size)
        if self.headers is not None:
            label_rows_and_columns([v.ax for v in self.views], self.headers, self.shape,
                                   mpl.rcParams["font.size"] * SMALLEST_TEXT)

    def update(self, step):
        changed = []
        for v in self.views:
            changed += v.update(step)
        return changed


class CellCurves(View):
    """The loss of each of a cell's runs up to the frame's step (log axis shared by all cells)."""

    name = "cell-curves"
    needs_tensors = False

    def __init__(self, runs, label, limits, xmax, theme="light"):
        super().__init__(None, theme, label)
        self.runs, self.limits, self.xmax = runs, limits, xmax  # runs: [(steps, loss, diverged)]

    def setup(self, fig, spec):
        ax = self.ax = fig.add_subplot(spec)
        lo, hi = self.limits
        ax.set_yscale("log")
        ax.set_ylim(lo, hi)
        ax.set_xlim(0, self.xmax)
        ax.minorticks_off()
        if self.label:
            ax.set_title(self.label, fontsize="small", pad=2)
        self.lines = [ax.plot([], [], color=_DIVERGED if div else self.theme.loss, lw=1.0,
                              ls="--" if div else "-", animated=True)[0] for _, _, div in self.runs]

    def update(self, step):
        lo, hi = self.limits
        for line, (steps, loss, _) in zip(self.lines, self.runs):
            k = int(np.searchsorted(steps, step, side="right"))
            line.set_data(steps[:k], np.clip(loss[:k], lo, hi))
        return self.lines


class SweepHeatmap(View):
    """The heat map of the sweep's metric at the frame's step (mean over each cell's seeds)."""

    name = "sweep-heatmap"
    needs_tensors = False

    def __init__(self, cells, theme="light", width=1.0):
        super().__init__(None, theme)
        self.c, self.width = cells, width
        self.series = {}  # cell -> [(metric per step, diverged)]
        from ..trace import load_trace

        for ix in itertools.product(*[range(n) for n in cells.shape]):
            runs = []
            for row in cells.rows[ix]:
                if row["status"] in ("complete", "diverged"):
                    with load_trace(row["trace"]) as tr:
                        runs.append((np.asarray(getattr(tr, cells.metric), dtype=float), row["status"] == "diverged"))
            self.series[ix] = runs

    def prepare(self, steps):
        c = self.c
        n = len(steps)
        self.mean = np.full((n,) + c.shape, np.nan)
        self.div = np.zeros((n,) + c.shape, int)
        for ix, runs in self.series.items():
            for f, s in enumerate(steps):
                vals, div = [], 0
                for values, diverged in runs:
                    k = min(int(s), len(values) - 1)
                    if diverged and (s >= len(values) - 1 or not np.isfinite(values[k])):
                        div += 1
                    elif np.isfinite(values[k]):
                        vals.append(values[k])
                self.mean[(f,) + ix] = np.mean(vals) if vals else np.nan
                self.div[(f,) + ix] = div
        self._frame = {int(s): f for f, s in enumerate(steps)}

    def palette_colors(self):
        cmap = self.im.get_cmap() if hasattr(self, "im") else mpl.colormaps["viridis"]
        colors = (np.asarray(cmap(np.linspace(0, 1, 64)))[:, :3] * 255).round().astype(np.uint8)
        return colors

    def setup(self, fig, spec):
        ax = self.ax = fig.add_subplot(spec)
        self.im, self.texts, self.hatches = heatmap(ax, self.c, self.theme,
                                                     fontsize=mpl.rcParams["font.size"] * (0.9 if self.c.mean.size <= 16
                                                                                          else SMALLEST_TEXT))
        what = METRIC_NAMES[self.c.metric].replace("final ", "")
        ax.set_title(what + " at this step" + (" (mean over seeds)" if self.c.runs.max() > 1 else ""),
                     fontsize="medium")
        if not self.c.metric.endswith("accuracy"):  # a loss: one colour scale for every frame
            finite = self.mean[np.isfinite(self.mean)]
            if finite.size:
                lo, hi = float(finite.min()), float(finite.max())
                log = lo > 0 and hi / lo > 100
                self.im.set_norm(mpl.colors.LogNorm(lo, hi) if log else mpl.colors.Normalize(lo, max(hi, lo + 1e-12)))
        self.norm, self.cmap = self.im.norm, self.im.get_cmap()
        self.artists = [self.im]
        self.im.set_animated(True)
        for t in self.texts.ravel():
            t.set_animated(True)
            self.artists.append(t)
        for h in self.hatches.ravel():
            if h is not None:
                h.set_animated(True)
                self.artists.append(h)
        self._hatch = {}

    def update(self, step):
        f = self._frame[int(step)]
        mean, div = self.mean[f], self.div[f]
        flat = mean if mean.ndim == 2 else mean[None, :]
        dflat = div if div.ndim == 2 else div[None, :]
        runs = self.c.runs if self.c.runs.ndim == 2 else self.c.runs[None, :]
        self.im.set_data(np.ma.masked_invalid(flat))
        acc = self.c.metric.endswith("accuracy")
        for (i, j), t in np.ndenumerate(self.texts):
            v = flat[i, j]
            lines = [fraction(v) if acc else f"{v:.3g}"] if np.isfinite(v) else []
            if dflat[i, j]:
                lines.append("diverged" if dflat[i, j] == runs[i, j] else f"{dflat[i, j]}/{runs[i, j]} div.")
            t.set_text("\n".join(lines))
            light = np.isfinite(v) and np.asarray(self.cmap(self.norm(v)))[:3] @ np.array([0.299, 0.587, 0.114]) > 0.5
            t.set_color("black" if light or not np.isfinite(v) else "white")
            h = self.hatches[i, j]
            if h is not None:
                h.set_visible(bool(dflat[i, j]))
        return self.artists


def _frame_steps(steps, max_frames):
    """``steps`` (sorted, unique) thinned evenly to at most ``max_frames``."""
    steps = np.asarray(steps)
    if len(steps) > max_frames:
        steps = steps[np.unique(np.round(np.linspace(0, len(steps) - 1, max_frames)).astype(int))]
    return [int(s) for s in steps]


def build_sweep_layout(table, view="grid", size=(1280, 720), theme="light", metric=None, title=None,
                       max_frames=150):
    """The layout of a sweep movie and its frame steps: ``(layout, steps)``."""
    from ..trace import load_trace
    from .animate import default_views
    from .base import view_class

    if view not in SWEEP_VIEWS:
        raise ValueError(f"unknown sweep view {view!r}; choose one of: {', '.join(SWEEP_VIEWS)}")
    c = cells_of(table, metric)
    cells = list(itertools.product(*[range(n) for n in c.shape]))
    first = {}
    for ix in cells:  # each cell's first finished seed is the one drawn in --view grid
        rows = [r for r in c.rows[ix] if r["status"] in ("complete", "diverged")]
        first[ix] = rows[0] if rows else None
    if not any(first.values()):
        raise ValueError(f"{table.folder}: no run of this sweep has finished; nothing to draw")
    shape = _shape(c)
    panel_views = []
    if view == "grid":
        traces = {ix: load_trace(r["trace"]) for ix, r in first.items() if r is not None}
        kind = next(v for v in default_views(next(iter(traces.values()))) if v != "loss")
        if kind not in ("boundary", "fit"):
            raise ValueError(f"--view grid draws decision boundaries (2-D classifiers) or fits (1-D regressions); "
                             f"these runs are {kind} runs: use --view curves")
        missing = [ix for ix in cells if ix not in traces]
        if missing:
            raise ValueError(f"--view grid needs a finished run in every cell; {c.describe(missing[0])} has none "
                             "(run the sweep again to finish it, or use --view curves)")
        if any(len(t.steps) < 2 for t in traces.values()):
            raise ValueError("--view grid needs traces with tensors over time; this sweep was run with "
                             "--record none: run it with --record auto in a new folder, or use --view curves")
        from .views.boundary import resolution_for

        res = {"resolution": max(48, resolution_for(size) // max(shape))} if kind == "boundary" else {}
        headers = c if c.mean.ndim == 2 and shape[1] > 3 else None  # many columns: a table's headers
        for ix in cells:
            tr = traces[ix]
            label = None if headers is not None else \
                c.describe(ix) + (" (diverged)" if tr.status == "diverged" else "")
            panel_views.append(view_class(kind)(tr, theme=theme, label=label, **res))
        frame_steps = _frame_steps(np.unique(np.concatenate([t.steps for t in traces.values()])), max_frames)
    else:
        runs = {}
        for ix in cells:
            runs[ix] = []
            for r in c.rows[ix]:
                if r["status"] in ("complete", "diverged"):
                    with load_trace(r["trace"]) as tr:
                        runs[ix].append((np.asarray(tr.all_steps), np.asarray(tr.loss, dtype=float),
                                         r["status"] == "diverged"))
        lo, hi = loss_limits([loss for rs in runs.values() for _, loss, _ in rs])
        xmax = max(int(s[-1]) for rs in runs.values() for s, _, _ in rs)
        headers = c if c.mean.ndim == 2 else None
        panel_views = [CellCurves(runs[ix], None if headers is not None else c.describe(ix), (lo, hi), xmax, theme)
                       for ix in cells]
        frame_steps = _frame_steps(np.arange(xmax + 1), max_frames)  # scalars: every step
    heat = c.mean.ndim <= 2
    panels = SweepPanels(panel_views, shape, theme, width=1.5 if heat else 1.0, headers=headers)
    row = [panels] + ([SweepHeatmap(c, theme, width=1.0)] if heat else [])
    index = table.index
    width = len(str(frame_steps[-1]))
    seeds = index.get("seeds")
    what = "decision boundaries" if view == "grid" and panel_views[0].name == "boundary" else \
        "fits" if view == "grid" else "loss of every run (log scale, shared)"
    title = title or (f"sweep of {index['name']}: {what}" + (f" (seed {seeds[0]} of each cell)"
                                                              if view == "grid" and seeds and len(seeds) > 1 else ""))
    layout = Layout([row], size=size, theme=theme, title=title,
                    header=lambda s: f"step {min(int(s), frame_steps[-1]):>{width}}")
    return layout, frame_steps


def animate_sweep(table, output, view="grid", size=(1280, 720), fps=12, theme="light", metric=None, title=None,
                  max_frames=150, hold=1.5, progress=False, writer_options=None) -> Path:
    """Render a sweep as a movie (``.gif``, ``.mp4``, ...) or a still of its last step.

    Parameters
    ----------
    table : SweepTable
        A sweep, as :func:`nnviz.sweeps.load_sweep` reads it from its folder (``nnviz sweep ...
        -o folder``); renderers read sweeps, they never run them.
    output : str or Path
    view : {"grid", "curves"}
    size : (int, int)
    fps : float
    theme : {"light", "dark"}
    metric : str, optional
        The heat map's metric (default: the sweep's).
    title : str, optional
    max_frames : int
    hold : float
        Seconds the last frame stays.
    progress : bool
    writer_options : dict, optional
        Passed to the writer (e.g. ``{"colors": 64}`` for a smaller GIF).

    Returns
    -------
    Path
    """
    layout, steps = build_sweep_layout(table, view, size, theme, metric, title, max_frames)
    from .pipeline import render

    written, _ = render(layout, steps, output, fps=fps, hold=hold, palette=[len(steps) - 1], progress=progress,
                        writer_options=writer_options)
    return written
