"""A sweep in one picture: the heat map of a metric over the grid, and every run's learning curve.

* The heat map (one or two grid keys): each cell's colour is the metric's mean over its seeds; the
  text gives the mean and, with several seeds, the lowest and highest. A cell whose runs all
  diverged is hatched and says so; one where some seeds diverged says how many.
* The small multiples: one panel per cell, the loss of each of its runs (log axis, shared by all
  panels); a diverged run is dashed and ends in a cross where its loss stopped being finite.

Every number is read from the sweep's index and traces (:mod:`nnviz.sweeps`).
"""

from __future__ import annotations

import io
import itertools
import math
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..formatting import fraction
from ..sweeps.grid import describe_value
from ..sweeps.summary import METRIC_NAMES, cells_of, label_of
from .style import SMALLEST_TEXT, CLASS_COLORS, get_theme, rc_params

__all__ = ["summary_figure", "heatmap", "curves", "axis_labels", "loss_limits", "label_rows_and_columns",
           "DIVERGED_HATCH"]

DIVERGED_HATCH = "////"
_DIVERGED = CLASS_COLORS[3]  # also dashed and crossed: not told by colour alone


def _figure(size, dpi=100):
    fig = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def axis_labels(c, d: int) -> tuple[str, list[str]]:
    """The label of grid axis ``d`` and its tick texts (values shown as the display says)."""
    label, scale = label_of(c.keys[d], c.display)
    ticks = [describe_value(v * scale if scale != 1.0 and isinstance(v, float) else v) for v in c.values[d]]
    return label, ticks


def _fmt(c, v) -> str:
    if not math.isfinite(v):
        return ""
    return fraction(v) if c.metric.endswith("accuracy") else f"{v:.3g}"


def heatmap(ax, c, th, shown=None, fontsize="x-small"):
    """Draw cells ``c`` (one or two grid keys) on ``ax``; returns (image, texts, hatches).

    ``shown`` (bool array of the grid's shape) hides the cells not yet filled in (the animation).
    """
    mean = c.mean if c.mean.ndim == 2 else c.mean[None, :]
    reshape = (lambda a: a) if c.mean.ndim == 2 else (lambda a: a[None, :])
    low, high, runs, div, failed = (reshape(a) for a in (c.low, c.high, c.runs, c.diverged, c.failed))
    shown = np.ones(mean.shape, bool) if shown is None else reshape(shown)
    acc = c.metric.endswith("accuracy")
    cmap = mpl.colormaps["viridis" if acc else "viridis_r"].with_extremes(bad=th.panel)
    finite = mean[np.isfinite(mean)]
    if acc:
        vmin, vmax = 0.0, 1.0
    else:
        vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    norm = mpl.colors.LogNorm(max(vmin, 1e-12), max(vmax, 1e-11)) if not acc and finite.size and vmin > 0 \
        and vmax / max(vmin, 1e-300) > 100 else mpl.colors.Normalize(vmin, vmax if vmax > vmin else vmin + 1)
    im = ax.imshow(np.ma.masked_invalid(np.where(shown, mean, np.nan)), cmap=cmap, norm=norm, aspect="auto")
    texts = np.empty(mean.shape, dtype=object)
    hatches = np.empty(mean.shape, dtype=object)
    from matplotlib.patches import Rectangle

    for i, j in itertools.product(range(mean.shape[0]), range(mean.shape[1])):
        v = mean[i, j]
        lines = []
        if np.isfinite(v):
            lines.append(_fmt(c, v))
            if runs[i, j] - div[i, j] - failed[i, j] > 1:
                lines.append(f"{_fmt(c, low[i, j])}-{_fmt(c, high[i, j])}")
        if div[i, j]:
            word = "diverged" if mean.shape[1] <= 4 else "div."  # narrow cells: the short word fits
            lines.append(word if div[i, j] == runs[i, j] else f"{div[i, j]}/{runs[i, j]} div.")
        elif failed[i, j] and not np.isfinite(v):
            lines.append("not run")
        light = np.isfinite(v) and cmap(norm(v))[:3] @ np.array([0.299, 0.587, 0.114]) > 0.5
        texts[i, j] = ax.text(j, i, "\n".join(lines), ha="center", va="center", fontsize=fontsize,
                              color="black" if light or not np.isfinite(v) else "white",
                              visible=bool(shown[i, j]), linespacing=1.0)
        hatches[i, j] = None
        if div[i, j]:  # diverged runs are shown, never left out: hatched over the cell
            full = div[i, j] == runs[i, j]
            hatches[i, j] = ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch=DIVERGED_HATCH if full
                                                   else "//", ec=_DIVERGED, lw=0.0, alpha=0.9 if full else 0.5,
                                                   visible=bool(shown[i, j])))
    if c.mean.ndim == 2:
        ylabel, yticks = axis_labels(c, 0)
        xlabel, xticks = axis_labels(c, 1)
        ax.set_yticks(range(len(yticks)), yticks)
        ax.set_ylabel(ylabel)
    else:
        xlabel, xticks = axis_labels(c, 0)
        ax.set_yticks([])
    ax.set_xticks(range(len(xticks)), xticks, rotation=45 if max(map(len, xticks)) > 4 else 0)
    ax.set_xlabel(xlabel)
    ax.tick_params(length=2)
    return im, texts, hatches


def _losses(rows):
    """Each row's loss per step (read from its trace); None for a run without a trace."""
    from ..trace import load_trace

    out = []
    for r in rows:
        if r["status"] not in ("complete", "diverged"):
            out.append(None)
            continue
        try:
            with load_trace(r["trace"]) as tr:
                out.append((np.asarray(tr.all_steps), np.asarray(tr.loss, dtype=float), r["status"] == "diverged"))
        except (ValueError, OSError):
            out.append(None)
    return out


def loss_limits(losses) -> tuple[float, float]:
    """A log axis shared by many loss curves: from just below the lowest loss reached (at most six
    decades down) to twice the highest starting loss; a run that climbs above it leaves the top."""
    starts = [float(v[0]) for v in losses if len(v) and np.isfinite(v[0]) and v[0] > 0]
    pos = [v[np.isfinite(v) & (v > 0)] for v in losses]
    pos = np.concatenate(pos) if pos else np.array([])
    if not starts or not pos.size:
        return 1e-3, 1.0
    hi = 2.0 * max(starts)
    return max(float(pos.min()) / 1.2, hi * 1e-6), hi


def curves(fig, spec, c, th, fontsize="xx-small"):
    """Small multiples in ``spec``: one panel per cell with its runs' losses; returns the axes."""
    shape = c.mean.shape if c.mean.ndim == 2 else (1, c.mean.size) if c.mean.size <= 8 else \
        (math.ceil(c.mean.size / math.ceil(math.sqrt(c.mean.size))), math.ceil(math.sqrt(c.mean.size)))
    cells = list(itertools.product(*[range(n) for n in c.mean.shape]))
    data = {ix: _losses(c.rows[ix]) for ix in cells}
    lo, hi = loss_limits([l[1] for d in data.values() for l in d if l is not None])
    xmax = max([int(l[0][-1]) for d in data.values() for l in d if l is not None and len(l[0])] or [1])
    sub = spec.subgridspec(*shape, wspace=0.05, hspace=0.05)
    axes = []
    for n, ix in enumerate(cells):
        r, k = (ix if c.mean.ndim == 2 else divmod(n, shape[1]))
        ax = fig.add_subplot(sub[r, k])
        axes.append(ax)
        for run in data[ix]:
            if run is None:
                continue
            steps, loss, div = run
            ok = np.isfinite(loss)
            y = np.clip(np.where(ok, loss, np.nan), lo, hi)
            ax.plot(steps, y, color=_DIVERGED if div else th.loss, lw=0.8, alpha=0.8, ls="--" if div else "-")
            if div:
                last = np.flatnonzero(ok)
                kx = steps[last[-1]] if len(last) else steps[0]
                ax.plot([kx], [hi], marker="x", color=_DIVERGED, ms=4, mew=1.2, clip_on=False)
        ax.set_yscale("log")
        ax.set_ylim(lo, hi)
        ax.set_xlim(0, xmax)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.minorticks_off()
        if c.diverged[ix] == c.runs[ix] and c.runs[ix]:
            ax.set_facecolor(th.panel)
        if c.mean.ndim != 2:
            ax.set_title(c.describe(ix), fontsize=fontsize, pad=1.5)
    if c.mean.ndim == 2:
        label_rows_and_columns(axes, c, shape, fontsize)
    return axes


def label_rows_and_columns(axes, c, shape, fontsize):
    """Name a 2-key grid of panels once per column (top) and once per row (left), as a table is."""
    (rlab, rticks), (clab, cticks) = axis_labels(c, 0), axis_labels(c, 1)
    for n, ax in enumerate(axes):
        r, k = divmod(n, shape[1])
        if r == 0:
            ax.set_title(f"{clab}={cticks[k]}", fontsize=fontsize, pad=1.5)
        if k == 0:
            ax.set_ylabel(f"{rlab}={rticks[r]}", fontsize=fontsize, labelpad=1.5)


def summary_figure(table, path=None, size=(1280, 720), theme="light", metric=None) -> Figure:
    """The heat map of ``metric`` and the small multiples of a sweep; saved to ``path`` if given
    (``.png``, ``.svg``, ``.pdf``; written beside and renamed, so a failure keeps an older file).

    Parameters
    ----------
    table : nnviz.sweeps.SweepTable
    path : str or Path, optional
    size : (int, int)
        Pixels.
    theme : {"light", "dark"}
    metric : str, optional
        Default: the sweep's (``test_accuracy`` when there is a test set, else ``loss``).
    """
    th = get_theme(theme)
    c = cells_of(table, metric)
    with mpl.rc_context(rc_params(th)):
        fig = _figure(size, dpi=100 * size[1] / 480)  # fonts grow with the picture, as a Layout's do
        small = SMALLEST_TEXT * mpl.rcParams["font.size"]  # the smallest text: 2 % of the height
        heat = c.mean.ndim <= 2
        gs = fig.add_gridspec(1, 2 if heat else 1, width_ratios=[1, 1.25] if heat else [1])
        index = table.index
        steps = (index["base"].get("train", {}).get("steps")  # a function's sweep: its runs' own count
                 or max((r.get("steps") or 0 for r in table), default=0))
        seeds = index.get("seeds")
        what = f"{index['name']}, {steps} steps" + (f", {len(seeds)} seeds a cell" if seeds else "")
        if heat:
            ax = fig.add_subplot(gs[0, 0])
            im, _, _ = heatmap(ax, c, th, fontsize=small)
            fig.colorbar(im, ax=ax, shrink=0.8, pad=0.02, location="bottom" if c.mean.ndim == 1 else "right")
            ax.set_title(METRIC_NAMES[c.metric] + (" (mean over seeds, lowest-highest)" if seeds and len(seeds) > 1
                                                   else ""), fontsize="medium")
        curves(fig, gs[0, -1], c, th, fontsize=small)
        fig.suptitle(f"sweep of {what}: {int(c.runs.sum())} runs"
                     + (f", {int(c.diverged.sum())} diverged (hatched, dashed)" if c.diverged.sum() else "")
                     + " — right: loss of every run (log scale, shared)", fontsize="medium")
        if path is not None:
            save_figure(fig, path, th)
    return fig


def save_figure(fig, path, th) -> Path:
    """Save a figure whole or not at all (:func:`nnviz.safefile.write_atomic`)."""
    from ..safefile import write_atomic

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"cannot save a figure as {path.name!r}: use a name ending in .png, .svg or .pdf")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=fig.dpi, facecolor=th.background)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, buf.getvalue(), "figure")
    return path
