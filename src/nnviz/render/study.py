"""Figures of the course's comparisons: activation functions, learning rates, the grid search.

These draw the results of :mod:`nnviz.exercises` (several runs, read from their traces) and of the
activation name table, as stills for slides (PNG/SVG/PDF by suffix) and, for the grid search, an
animation of the heat map filling in cell by cell (GIF/MP4 through :mod:`nnviz.export`).

* :func:`activations_figure` -- seed 000 ("write the sigmoid and its derivative, plot them in
  [-10, 10]") and seed 002 (tanh, ReLU, leaky ReLU, ELU): each function with its derivative, and
  the derivative's largest value (the sigmoid's is 1/4: backpropagation multiplies by at most 1/4
  per sigmoid layer, the root of the vanishing gradients).
* :func:`convergence_figure` -- seed 000: cost curves at several learning rates, the epochs each
  needs to converge, and the ones that never do.
* :func:`grid_search_figure`, :func:`grid_search_animation` -- seed 002's eta x lambda heat maps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .style import CLASS_COLORS, get_theme, rc_params
from ..formatting import fraction, percent

__all__ = ["activations_figure", "convergence_figure", "grid_search_figure", "grid_search_animation",
           "DEFAULT_ACTIVATIONS"]

#: The functions of seeds 000 and 002, each drawn on the range where its shape shows.
DEFAULT_ACTIVATIONS = (("sigmoid", (-10, 10)), ("tanh", (-5, 5)), ("relu", (-3, 3)), ("leaky_relu", (-3, 3)),
                       ("elu", (-3, 3)))

def _plot_title(act) -> str:
    """A function's panel title from its row of the name table: "sigmoid σ(z)", "tanh(z)", "ReLU"."""
    if act.symbol == act.title:
        return f"{act.symbol}(z)"
    return f"{act.title} {act.symbol}(z)" if len(act.symbol) == 1 else act.title


def _save(fig: Figure, path, theme) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ValueError(f"cannot save a figure as {path.name!r}: use a name ending in .png, .svg or .pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=fig.dpi, facecolor=theme.background)
    return path


def _figure(size, dpi=100):
    fig = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


# ---------------------------------------------------------------------------- activations
def activations_figure(path=None, names: Sequence = DEFAULT_ACTIVATIONS, size=(720, 400), theme="light",
                       samples: int = 801) -> Figure:
    """Each activation function (solid) with its derivative (dashed), from the name table.

    Parameters
    ----------
    path : str or Path, optional
        Save as PNG/SVG/PDF.
    names : sequence of str or (str, (lo, hi))
        Names from :data:`nnviz.nn.activations.ACTIVATIONS`, optionally with the z range to draw.
    size : (int, int)
        Pixels at 100 dpi.
    theme : {"light", "dark"}
    samples : int

    Returns
    -------
    Figure
    """
    from ..nn import get_activation

    th = get_theme(theme)
    items = [(n, (-5, 5)) if isinstance(n, str) else (n[0], tuple(n[1])) for n in names]
    with mpl.rc_context(rc_params(th, 0.9)):
        fig = _figure(size)
        cols = min(len(items), 3 if len(items) > 4 else len(items))
        rows = -(-len(items) // cols)
        axes = fig.subplots(rows, cols, squeeze=False)
        color_f, color_d = CLASS_COLORS[0], CLASS_COLORS[3]
        for ax, (name, (lo, hi)) in zip(axes.ravel(), items):
            act = get_activation(name)
            z = np.linspace(lo, hi, samples)[None, :]
            a = act(z)
            d = act.df(z, a)
            z, a, d = z[0], a[0], d[0]
            ax.axhline(0, color=th.grid, lw=0.8, zorder=0)
            ax.axvline(0, color=th.grid, lw=0.8, zorder=0)
            ax.plot(z, a, color=color_f, lw=2.0, label="f(z)")
            k = int(np.argmax(d))
            # a jump of the derivative (ReLU at 0) is a gap, not a vertical line
            span = max(float(np.ptp(d)), 1e-12)
            jumps = np.flatnonzero(np.abs(np.diff(d)) > 0.3 * span)
            zd, dd = np.insert(z, jumps + 1, np.nan), np.insert(d, jumps + 1, np.nan)
            ax.plot(zd, dd, color=color_d, lw=1.6, ls=(0, (4, 2)), label="f'(z)")
            ax.plot([z[k]], [d[k]], "o", color=color_d, ms=4)
            ax.annotate(f"max f' = {d[k]:.3g}", (z[k], d[k]), textcoords="offset points", xytext=(-6, 6),
                        ha="right", fontsize="small", color=color_d,
                        bbox=dict(boxstyle="round,pad=0.15", fc=th.background, ec="none", alpha=0.85))
            ax.set_title(_plot_title(act), fontsize="medium")
            ax.set_xlim(lo, hi)
            y0, y1 = ax.get_ylim()
            ax.set_ylim(y0, y1 + 0.12 * (y1 - y0))  # room for the annotation under the title
            ax.grid(True, color=th.grid, lw=0.5, alpha=0.6)
            ax.tick_params(length=2)
            ax.set_xlabel("z")
        for ax in axes.ravel()[len(items):]:
            ax.set_axis_off()
        if len(items) < rows * cols and any(n == "sigmoid" for n, _ in items):
            note = ("Backpropagation multiplies by f'(z)\nonce per layer.\n\n"
                    "sigmoid: f' ≤ 1/4, so the gradient\nshrinks at least 4× per layer\n"
                    "(vanishing gradients);\n"
                    "tanh: f' ≤ 1, but ≈ 0 when saturated;\n"
                    "ReLU: f' = 1 for z > 0, 0 below\n(a neuron can die);\n"
                    "leaky ReLU, ELU: never exactly 0.")
            axes.ravel()[-1].text(0.02, 0.95, note, va="top", ha="left", fontsize="small", color=th.text,
                                  transform=axes.ravel()[-1].transAxes, linespacing=1.35)
        axes.ravel()[0].legend(loc="upper left", fontsize="small")
        if path is not None:
            _save(fig, path, th)
    return fig


# ---------------------------------------------------------------------------- learning rates
def convergence_figure(study, path=None, size=(720, 380), theme="light", top: float = 1e3) -> Figure:
    """Cost against epochs for every learning rate of a :class:`nnviz.exercises.ConvergenceStudy`.

    Left: the cost curves on a log axis, with the tolerance line and a dot where each run has
    converged; a run that diverges leaves through the top with an arrow and "diverged". Right:
    epochs to converge per learning rate (bars; "never" and "diverged" written in).

    Parameters
    ----------
    study : ConvergenceStudy
    path : str or Path, optional
    size : (int, int)
    theme : str
    top : float
        The cost axis ends at ``top`` times the largest starting cost.
    """
    th = get_theme(theme)
    colors = [CLASS_COLORS[(i + 2) % len(CLASS_COLORS)] if i >= 2 else CLASS_COLORS[i]
              for i in range(len(study.lrs))]
    with mpl.rc_context(rc_params(th, 0.9)):
        fig = _figure(size)
        ax, bx = fig.subplots(1, 2, width_ratios=[1.8, 1])
        start = max(float(tr.loss[0]) for tr in study.traces if np.isfinite(tr.loss[0]))
        ymax = start * top
        ymin = study.tol * 1e-4
        for i, tr in enumerate(study.traces):
            loss = np.asarray(tr.loss, dtype=float)
            steps = np.asarray(tr.all_steps)
            y = np.clip(np.where(np.isfinite(loss), loss, ymax * 10), ymin, ymax * 10)
            ax.plot(steps, y, color=colors[i], lw=1.5, label=study.describe(i))
            e = study.epochs[i]
            if e is not None:
                ax.plot([e], [max(loss[e], ymin)], "o", color=colors[i], ms=5, mec=th.background, zorder=5)
            if study.outcomes[i] == "diverged":
                out = np.flatnonzero(~np.isfinite(loss) | (loss > ymax))
                k = int(steps[out[0]]) if len(out) else int(steps[-1])
                xmax = max(int(t.all_steps[-1]) for t in study.traces)
                ax.annotate(f"lr {study.lrs[i]:g} diverges", xy=(k, ymax), xytext=(k + 0.05 * xmax, ymax / 60),
                            color=colors[i], ha="left", va="center", fontsize="small",
                            arrowprops=dict(arrowstyle="->", color=colors[i], lw=1.2))
        ax.axhline(study.tol, color=th.muted, lw=0.9, ls="--")
        ax.text(0.99, study.tol, f"converged: cost < {study.tol:g}", transform=ax.get_yaxis_transform(),
                ha="right", va="bottom", fontsize="small", color=th.muted)
        ax.set_yscale("log")
        ax.set_ylim(ymin, ymax)
        ax.set_xlim(0, max(int(tr.all_steps[-1]) for tr in study.traces))
        ax.set_xlabel("epoch")
        ax.set_ylabel("cost")
        ax.grid(True, color=th.grid, lw=0.5, alpha=0.6)
        ax.tick_params(length=2)
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, fontsize="x-small", borderaxespad=0.2,
                  handlelength=1.4, columnspacing=0.8)
        # epochs to converge
        labels = [f"{lr:g}" for lr in study.lrs]
        reached = [e if e is not None else 0 for e in study.epochs]
        bars = bx.barh(range(len(labels)), reached, color=colors, height=0.6)
        longest = max([e for e in study.epochs if e is not None] or [1])
        for i, (b, e, o) in enumerate(zip(bars, study.epochs, study.outcomes)):
            never = {"diverged": "diverged", "oscillates": "never (oscillates)"}.get(o, "not yet")
            text = f"{e}" if e is not None else never
            bx.text((e or 0) + 0.02 * longest, i, text, va="center", fontsize="small",
                    color=th.text if e is not None else colors[i])
        bx.set_yticks(range(len(labels)), labels)
        bx.invert_yaxis()
        bx.set_xlim(0, longest * 1.9)
        bx.set_ylabel("learning rate")
        bx.set_xlabel("epochs to converge")
        bx.tick_params(length=2)
        bx.grid(True, axis="x", color=th.grid, lw=0.5, alpha=0.6)
        fig.suptitle(f"{study.preset}: the same network trained at {len(study.lrs)} learning rates",
                     fontsize="medium", x=0.01, ha="left")
        if path is not None:
            _save(fig, path, th)
    return fig


# ---------------------------------------------------------------------------- grid search
def _fmt(v: float) -> str:
    return f"{v:.0e}".replace("e-0", "e-").replace("e+0", "e")


def _heatmap(ax, values, diverged, etas, lambdas, th, title, shown=None, fontsize="x-small"):
    """A viridis heat map with the accuracy written in each cell; returns (image, texts)."""
    cmap = mpl.colormaps["viridis"].with_extremes(bad=th.panel)
    shown = np.ones(values.shape, bool) if shown is None else shown
    im = ax.imshow(np.where(shown, values, np.nan), cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto")
    texts = np.empty(values.shape, dtype=object)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            if diverged[i, j]:
                s, color = "div.", th.muted
            else:
                s, color = fraction(v), ("black" if v > 0.55 else "white")
            texts[i, j] = ax.text(j, i, s, ha="center", va="center", fontsize=fontsize, color=color,
                                  visible=bool(shown[i, j]))
    ax.set_xticks(range(len(lambdas)), [_fmt(v) for v in lambdas], rotation=45)
    ax.set_yticks(range(len(etas)), [_fmt(v) for v in etas])
    ax.set_xlabel("λ (L2 regularisation)")
    ax.set_ylabel("η (learning rate)")
    ax.set_title(title, fontsize="medium")
    ax.tick_params(length=2)
    return im, texts


def grid_search_figure(gs, path=None, size=(760, 380), theme="light") -> Figure:
    """Train and test accuracy of a :class:`nnviz.exercises.GridSearch` as two heat maps (seed 002)."""
    th = get_theme(theme)
    with mpl.rc_context(rc_params(th, 0.9)):
        fig = _figure(size)
        axes = fig.subplots(1, 2)
        panels = ((gs.train_accuracy, "training accuracy"), (gs.test_accuracy, "test accuracy"))
        for ax, (values, title) in zip(axes, panels):
            im, _ = _heatmap(ax, values, gs.diverged, gs.etas, gs.lambdas, th, title)
        axes[1].set_ylabel("")
        fig.colorbar(im, ax=axes, shrink=0.85, pad=0.02)
        eta, lam, acc = gs.best()
        fig.suptitle(f"digits 64-50-10, {gs.epochs} epochs, batch {gs.batch_size}: best test accuracy "
                     f"{percent(acc)} at η = {eta:g}, λ = {lam:g}", fontsize="medium")
        if path is not None:
            _save(fig, path, th)
    return fig


class _GridSearchFrames:
    """The heat map filling in, as a frame source for :func:`nnviz.render.pipeline.render`.

    Frame key ``k`` shows the first ``k`` runs of the training order, the last of them boxed
    (``k`` = ``len(order)``: the full map, no box).
    """

    def __init__(self, gs, values, size, theme, which):
        from matplotlib.patches import Rectangle

        self.gs, self.values, self.size, self.theme, self.which = gs, values, size, get_theme(theme), which
        self.scale = max(0.7, min(size[1] / 480, size[0] / 560))
        with mpl.rc_context(rc_params(self.theme, self.scale)):
            fig = self.fig = _figure(size)
            ax = fig.subplots()
            shown = np.zeros(values.shape, bool)
            self.im, self.texts = _heatmap(ax, values, gs.diverged, gs.etas, gs.lambdas, self.theme,
                                           f"digits: {which} accuracy after {gs.epochs} epochs", shown=shown,
                                           fontsize="small")
            fig.colorbar(self.im, ax=ax, shrink=0.9, pad=0.02)
            self.box = Rectangle((-0.5, -0.5), 1, 1, fill=False, ec=CLASS_COLORS[3], lw=2.0, visible=False)
            ax.add_patch(self.box)

    def _show(self, k):
        order = list(self.gs.order)
        shown = np.zeros(self.values.shape, bool)
        for cell in order[:k]:
            shown[cell] = True
        self.im.set_data(np.ma.masked_invalid(np.where(shown, self.values, np.nan)))
        for (i, j), t in np.ndenumerate(self.texts):
            t.set_visible(bool(shown[i, j]))
        cell = order[k - 1] if 0 < k <= len(order) else None
        self.box.set_visible(cell is not None)
        if cell is not None:  # the run just finished
            self.box.set_xy((cell[1] - 0.5, cell[0] - 0.5))
        return [self.im, self.box] + list(self.texts.ravel())

    def frames(self, keys):
        from .layout import rgba_to_rgb

        dynamic = self._show(0)
        for a in dynamic:
            a.set_animated(True)
        with mpl.rc_context(rc_params(self.theme, self.scale)):
            canvas = self.fig.canvas
            canvas.draw()
            background = canvas.copy_from_bbox(self.fig.bbox)
            renderer = canvas.get_renderer()
            for k in keys:
                canvas.restore_region(background)
                for a in self._show(int(k)):
                    if a.get_visible():
                        a.draw(renderer)
                yield k, rgba_to_rgb(canvas.buffer_rgba())

    def savefig(self, path, key):
        for a in self._show(int(key)):
            a.set_animated(False)
        with mpl.rc_context(rc_params(self.theme, self.scale)):
            self.fig.savefig(path, dpi=self.fig.dpi, facecolor=self.theme.background)


def grid_search_animation(gs, output, size=(480, 360), fps: float = 6, theme="light", hold: float = 2.0,
                          which: str = "test") -> Path:
    """The test (or train) accuracy heat map filling in, one cell per frame, in training order.

    Parameters
    ----------
    gs : GridSearch
    output : str or Path
        ``.gif``, ``.mp4``, ... (any target of :func:`nnviz.export.classify`).
    size : (int, int)
    fps : float
    theme : str
    hold : float
        Seconds the full map stays before the animation loops.
    which : {"test", "train"}

    Returns
    -------
    Path
    """
    from .pipeline import hold_frames, render

    if which not in ("test", "train"):
        raise ValueError(f"which must be 'test' or 'train', got {which!r}")
    values = gs.test_accuracy if which == "test" else gs.train_accuracy
    source = _GridSearchFrames(gs, values, size, theme, which)
    n = len(gs.order)
    keys = list(range(1, n + 1)) + [n + 1]  # n + 1: the full map without the box, held
    # the last key is the pause itself (the full map without the box), on screen for ``hold`` s
    holds = [1] * n + [max(1, hold_frames(hold, fps))]
    written, _ = render(source, keys, output, fps=fps, holds=holds, palette=[n - 1])  # the full map, boxed
    return written
