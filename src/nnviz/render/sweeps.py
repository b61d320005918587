"""Construction sweeps (:mod:`nnviz.approx`) as movies: their layouts, headers and render calls.

A sweep's frame index plays the role of the training step; its views (``bumps``,
``approx-error``, ``towers``) are registered views of source "sweep", and every frame goes through
the one pipeline, :func:`nnviz.render.pipeline.render`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from .base import view_class
from .layout import Layout
from .pipeline import render

__all__ = ["sweep_header", "sweep_layout", "render_sweep", "render_versus"]


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
    orders panels (the registered sweep views: :func:`nnviz.render.base.view_names` ``("sweep")``)."""
    view_options = view_options or {}
    for v in views or []:
        view_class(v, "sweep")
    TowersView, SweepErrorView = view_class("towers", "sweep"), view_class("approx-error", "sweep")
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
    row = [view_class(v, "sweep")(sweep, theme, **view_options.get(v, {})) for v in views]
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
    layout = sweep_layout(sweep, views, size=size, theme=theme, title=title, view_options=view_options)
    last = len(sweep) - 1
    steps = list(range(len(sweep)))
    palette = sorted({0, last // 2, last}) if len(sweep) > 2 else None
    written, _ = render(layout, steps, output, fps=fps, hold=hold, palette=palette, progress=progress,
                        writer_options=writer_options)
    return written


def render_versus(comparison, output, fps: float = 20, size=(640, 480), theme="light", title=None,
                  max_frames: int = 120, hold: float = 1.5, progress: bool = False) -> Path:
    """Animate a :class:`nnviz.versus.Comparison`: the training run over the fixed construction,
    with the loss curve (log scale) beside it, the last step held for ``hold`` seconds; a
    .png/.svg/.pdf output is the last step as a still."""
    from .animate import header_text, select_steps

    tr, net = comparison.trace, comparison.construction
    layout = Layout([[view_class("versus", "comparison")(tr, theme, construction=net),
                      view_class("loss")(tr, theme, log=True)]], size=size, theme=theme, title=title,
                    header=header_text(tr))
    steps = select_steps(tr, None, max_frames)
    palette = [0, len(steps) // 2, len(steps) - 1] if len(steps) > 2 else None
    written, _ = render(layout, steps, output, fps=fps, hold=hold, palette=palette, progress=progress)
    return written
