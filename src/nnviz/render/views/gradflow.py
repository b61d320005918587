"""The gradient-flow view: how large each layer's gradient is, over training, on a log scale.

One line per layer: ``‖∂C/∂W^l‖`` (the Frobenius norm of the trace's ``dW``, or its root mean
square per weight with ``norm="rms"``) at every recorded step, drawn up to the frame's step (the
axes are fixed from the start, so the lines grow into them), input layer in the darkest colour,
output layer in the lightest (viridis from 0 to 0.85: up to 7 layers, adjacent ones stay at least
Delta E 76 = 18 apart), each layer's current value marked with its own marker shape, as in the legend, so that
lines that meet stay told apart (and GIFs keep the colours exactly: :meth:`reserved_colors`). A
vertical cursor follows the frame step. In a deep sigmoid network (preset ``deep-sigmoid``) the
lines fan out by orders of magnitude, the first layers' gradients far below the last ones' (seed 002: "the gradients often get
smaller and smaller as the algorithm progresses down to the first hidden layers"); the same
network with ReLU (``deep-relu``) keeps them together.
"""

from __future__ import annotations

import matplotlib.ticker as mticker
import numpy as np
from matplotlib import colormaps

from ..base import View, register_view

__all__ = ["GradFlowView", "gradient_norms"]


def gradient_norms(trace, steps=None, norm: str = "fro") -> np.ndarray:
    """Per-layer gradient norms at recorded steps.

    Parameters
    ----------
    trace : Trace
    steps : sequence of int, optional
        Recorded steps (default: all).
    norm : {"fro", "rms"}
        ``‖dW^l‖_F``, or ``‖dW^l‖_F / sqrt(size)`` (root mean square per weight).

    Returns
    -------
    ndarray of shape (n_steps, L)
    """
    if norm not in ("fro", "rms"):
        raise ValueError(f"norm must be 'fro' or 'rms', got {norm!r}")
    steps = trace.steps if steps is None else steps
    out = np.empty((len(steps), len(trace.sizes) - 1))
    for i, k in enumerate(steps):
        for l, (dW, _) in enumerate(trace.grads(int(k))):
            v = float(np.sqrt(np.sum(np.square(dW, dtype=float))))
            out[i, l] = v / np.sqrt(dW.size) if norm == "rms" else v
    return out


@register_view
class GradFlowView(View):
    """Per-layer gradient norms over training (log scale), with a cursor at the current step.

    Options
    -------
    norm : {"fro", "rms"}
        Frobenius norm of ``dW^l`` (default) or its root mean square per weight.
    xscale : {"auto", "linear", "log"}
        The step axis. ``"log"``: linear up to step 1, logarithmic beyond (symlog), so that the
        first few dozen steps, where gradients vanish or explode, get half the axis; ``"auto"``
        (default): that for runs of 100 steps or more, linear for shorter ones.
    """

    name = "gradflow"
    width = 1.0

    def __init__(self, trace, theme="light", label=None, norm="fro", xscale="auto"):
        super().__init__(trace, theme, label)
        if xscale not in ("auto", "linear", "log"):
            raise ValueError(f"gradflow.xscale is auto, linear or log, not {xscale!r}")
        self.norm = norm
        last = int(trace.all_steps[-1])
        self.xscale = ("log" if last >= 100 else "linear") if xscale == "auto" else xscale
        self.steps = np.asarray(trace.steps)
        self.values = gradient_norms(trace, self.steps, norm)

    def setup(self, fig, spec):
        th = self.theme
        ax = self.ax = fig.add_subplot(spec)
        L = self.values.shape[1]
        cmap = colormaps["viridis"]
        self.colors = [cmap(0.85 * i / max(L - 1, 1)) for i in range(L)]
        v = self.values
        positive = v[v > 0]
        floor = positive.min() / 2 if positive.size else 1e-12
        self.plot_values = np.maximum(v, floor)
        sizes = self.trace.sizes
        self.lines, self.dots = [], []
        for l in range(L):
            line, = ax.plot(self.steps, self.plot_values[:, l], color=self.colors[l], lw=1.6, animated=True,
                            marker=_MARKERS[l % len(_MARKERS)], ms=5, markevery=[-1], mec=th.background, mew=0.6,
                            label=f"W{_sup(l + 1)} ({sizes[l]}×{sizes[l + 1]})")
            self.lines.append(line)
        ax.set_yscale("log")
        ax.set_xlim(0, max(int(self.trace.all_steps[-1]), 1))
        if self.xscale == "log":
            ax.set_xscale("symlog", linthresh=1, linscale=0.3)
            last = max(int(self.trace.all_steps[-1]), 1)
            ticks = [0] + [10**e for e in range(1, len(str(last)))]
            ax.set_xticks(ticks, [str(t) for t in ticks])
            ax.xaxis.set_minor_locator(mticker.NullLocator())
        ax.set_xlabel("training step" + (" (log scale)" if self.xscale == "log" else ""))
        ax.set_ylabel("‖∂C/∂W‖" if self.norm == "fro" else "rms of ∂C/∂w")
        ax.grid(True, which="major", color=th.grid, lw=0.6)
        ax.tick_params(length=2)
        title = "gradient per layer"
        if self.label:
            title = f"{self.label}: {title}"
        ax.set_title(title, fontsize="medium")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", handlelength=1.4,
                  borderaxespad=0.3, title="layer", title_fontsize="small")
        # runs compared side by side share one scale, so that their gradients compare by eye
        ax._nnviz_gradflow = True
        panels = [a for a in fig.axes if getattr(a, "_nnviz_gradflow", False)]
        lo = min(a.get_ylim()[0] for a in panels)
        hi = max(a.get_ylim()[1] for a in panels)
        for a in panels:
            a.set_ylim(lo, hi)
        self.cursor = ax.axvline(0, color=th.cursor, lw=1, alpha=0.8, animated=True)
        self.artists = [self.cursor] + self.lines

    def reserved_colors(self) -> np.ndarray:
        """The layers' colours, (L, 3) uint8: a GIF keeps them exactly (they tell layers apart)."""
        return (np.array([c[:3] for c in self.colors]) * 255 + 0.5).astype(np.uint8)

    def update(self, step):
        k = self.at(step)
        i = int(np.searchsorted(self.steps, k))
        self.cursor.set_xdata([int(step), int(step)])
        for l, line in enumerate(self.lines):  # each line up to the shown step, its marker at the end
            line.set_data(self.steps[: i + 1], self.plot_values[: i + 1, l])
        return self.artists


#: One marker shape per layer (the second channel beside the colour).
_MARKERS = "os^Dvp*h"


def _sup(v) -> str:
    return str(v).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
