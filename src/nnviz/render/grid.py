"""Snapshot grids: one figure of small panels at chosen steps, for slides and handouts.

Seed 003 shows the moons network at iterations 0, 1, 3, 7, 15, 31, 63, 127, each plot titled
"It: 7, Error: 0.001". :func:`snapshot_grid` draws the same thing from a trace: one panel per
step (the boundary view for a 2-D classifier, the fit for a 1-D function, or any registered
view), titled with the step and the loss recorded at that step, in a grid. Saved as PNG, SVG or
PDF (vector where the view is vector).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .animate import default_views
from .base import view_class
from .style import get_theme, rc_params

__all__ = ["snapshot_grid", "save_grid", "panel_title", "grid_view"]

#: Output types a grid can be saved as.
GRID_SUFFIXES = (".png", ".svg", ".pdf")


def panel_title(trace, step: int) -> str:
    """``"step 7, loss 0.0491"``: the step and the training loss recorded at it (3 digits)."""
    k = min(int(step), int(trace.all_steps[-1]))
    return f"step {k}, loss {float(trace.loss[k]):.3g}"


def grid_view(trace) -> str:
    """The view a grid shows by default: the run's main view (not the loss curve)."""
    views = [v for v in default_views(trace) if v != "loss"]
    return views[0] if views else "loss"


def snapshot_grid(trace, steps: Sequence[int], *, view: str | None = None, cols: int | None = None,
                  panel_size: tuple[float, float] | None = None, theme: str = "light",
                  title: str | None = None, view_options: dict | None = None, dpi: int = 150) -> Figure:
    """A figure with one small panel per step.

    Parameters
    ----------
    trace : Trace
    steps : sequence of int
        Recorded steps (see :func:`nnviz.render.select_steps`), one panel each, in order.
    view : str, optional
        A view name from :data:`nnviz.render.VIEWS` (default :func:`grid_view`).
    cols : int, optional
        Panels per row (default: up to 4, balanced: 8 steps -> 4x2, 6 -> 3x2).
    panel_size : (float, float), optional
        Width and height of one panel in inches (default 2.7 x 2.5).
    theme : {"light", "dark"}
    title : str, optional
        A title above the grid.
    view_options : dict, optional
        Options for the view, e.g. ``{"hard": True}`` for the boundary.
    dpi : int
        Resolution of raster output.

    Returns
    -------
    matplotlib.figure.Figure
        Drawn on an Agg canvas; save it with ``fig.savefig(path)``.
    """
    steps = [int(s) for s in steps]
    if not steps:
        raise ValueError("a snapshot grid needs at least one step")
    name = view or grid_view(trace)
    cls = view_class(name)
    n = len(steps)
    if cols is None:
        rows = math.ceil(n / 4)
        cols = math.ceil(n / rows)
    cols = max(1, min(int(cols), n))
    rows = math.ceil(n / cols)
    pw, ph = panel_size or (2.7, 2.5)
    th = get_theme(theme)
    with mpl.rc_context(rc_params(th, 0.85)):
        fig = Figure(figsize=(cols * pw, rows * ph + (0.35 if title else 0.0)), dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        fig.get_layout_engine().set(w_pad=0.04, h_pad=0.04, wspace=0.03, hspace=0.05)
        gs = fig.add_gridspec(rows, cols)
        panels = []
        for i, step in enumerate(steps):
            r, c = divmod(i, cols)
            before = set(fig.axes)
            # one view per panel: views keep their artists and per-step state on the instance
            v = cls(trace, theme=th, **(view_options or {}))
            v.prepare([step])
            v.setup(fig, gs[r, c])
            for artist in v.update(step):
                artist.set_animated(False)
            new = [ax for ax in fig.axes if ax not in before]
            for ax in new:  # axis names once per row / column, as in a small-multiples plot
                if r < rows - 1 and (i + cols) < n:
                    ax.set_xlabel("")
                if c > 0:
                    ax.set_ylabel("")
            if new:
                panels.append((new[0], panel_title(trace, step)))
        if title:
            fig.suptitle(title, fontsize="large", weight="bold")
        # titles go above whatever a view draws over its axes (legends, captions): measure once
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for ax, text in panels:
            over = ax.get_tightbbox(renderer).y1 - ax.get_window_extent(renderer).y1
            ax.set_title(text, fontsize="medium", pad=4 + max(0.0, over) * 72 / fig.dpi)
    return fig


def save_grid(trace, steps: Sequence[int], path, **options) -> Path:
    """Draw :func:`snapshot_grid` and save it as PNG, SVG or PDF (by the suffix of ``path``).

    Parameters
    ----------
    trace : Trace
    steps : sequence of int
    path : str or Path
        Output file ending in ``.png``, ``.svg`` or ``.pdf``.
    **options
        Passed to :func:`snapshot_grid`.

    Returns
    -------
    Path
    """
    path = Path(path)
    if path.suffix.lower() not in GRID_SUFFIXES:
        raise ValueError(f"cannot save a grid as {path.name!r}: use a name ending in .png, .svg or .pdf")
    fig = snapshot_grid(trace, steps, **options)
    th = get_theme(options.get("theme", "light"))
    with mpl.rc_context(rc_params(th, 0.85)):
        fig.savefig(path, dpi=fig.dpi, facecolor=th.background)
    return path
