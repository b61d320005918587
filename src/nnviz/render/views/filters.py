"""The filters view: a convolutional layer's filters as small images, as they train (seed 002's CNN).

Seed 002's network slides 10 filters of 3x3 weights over the 8x8 digit; each filter ``W[f, c]``
(PyTorch's layout (out_channels, in_channels, kh, kw), as the trace stores it) is drawn as a 3x3
image in a diverging colour map centred on 0 (the panel colour is 0; the weights in the theme's
weight-sign pair, blue below 0 and orange above, the gradient in its delta-and-gradient pair,
:data:`nnviz.render.style.MEANINGS`). Three rows, all from the trace:

* ``W(k)``: the filters at the step;
* ``W(k) - W(0)``: what training has written into them so far;
* ``dC/dW(k)``: the full-batch gradient at the step (its negative is the direction of the next
  update: ``W(k+1) = W(k) - lr * dC/dW(k)`` for gradient descent, L2 term included).

Each row keeps one colour scale for the whole animation (the largest magnitude over the frames,
printed in its title), so a colour changes only when the number does; the gradient's scale is
usually set by the first steps, so later gradients fade towards the panel colour as training
converges, which is what happens.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb

from ..base import View, register_view
from .weights import diverging_lut, diverging_rgb

__all__ = ["FiltersView", "filter_mosaic", "panel_pixels"]


def filter_mosaic(W: np.ndarray, cols: int, gap: int = 1) -> np.ndarray:
    """Tile filters as one image per (filter, input channel).

    Parameters
    ----------
    W : ndarray of shape (..., F, C, kh, kw)
    cols : int
        Filters per row of the mosaic (each filter's C channels side by side).
    gap : int
        NaN pixels between filters.

    Returns
    -------
    ndarray of shape (..., rows * (kh + gap) - gap, cols * (C * (kw + gap)) - gap)
    """
    *lead, F, C, kh, kw = W.shape
    rows = -(-F // cols)
    cell_w = C * (kw + gap)
    out = np.full((*lead, rows * (kh + gap) - gap, cols * cell_w - gap), np.nan)
    for f in range(F):
        r, c = divmod(f, cols)
        for ch in range(C):
            x0 = c * cell_w + ch * (kw + gap)
            out[..., r * (kh + gap): r * (kh + gap) + kh, x0: x0 + kw] = W[..., f, ch, :, :]
    return out


def panel_pixels(fig, spec) -> tuple[float, float, float]:
    """Width and height of a SubplotSpec in pixels, and the height of a line of small text."""
    import matplotlib as mpl

    box = spec.get_position(fig)
    line = 0.833 * float(mpl.rcParams["font.size"]) * fig.dpi / 72 * 1.25
    return box.width * fig.bbox.width, box.height * fig.bbox.height, line


@register_view
class FiltersView(View):
    """A conv layer's filters, their change since step 0 and their gradient, as 3x3 images.

    Options
    -------
    layer : int, optional
        Which convolutional layer (its index ``l`` in the layer list; default the first).
    cols : int, optional
        Filters per row (default: whatever draws them largest in the panel).
    show : str
        Comma-separated rows among ``weights``, ``change``, ``gradient`` (default all three).
    """

    name = "filters"
    width = 1.0
    network = "conv"
    _ROWS = {"weights": "filters W(k), blue < 0 < orange", "change": "W(k) − W(0): learned so far",
             "gradient": "gradient dC/dW(k), green < 0 < purple"}
    _SHORT = {"weights": "W(k)", "change": "W(k) − W(0)", "gradient": "dC/dW(k)"}  # side by side

    def __init__(self, trace, theme="light", label=None, layer=None, cols=None, show="weights,change,gradient"):
        super().__init__(trace, theme, label)
        net = trace.network
        convs = [l for l in range(1, net.L + 1) if net.layers[l].kind == "conv2d"]
        if not convs:
            raise ValueError(f"the filters view draws a conv2d layer's filters; {trace.path.name} has none")
        self.layer = convs[0] if layer is None else int(layer)
        if self.layer not in convs:
            raise ValueError(f"filters.layer must be one of the conv2d layers {convs}, got {layer!r}")
        self.rows = [r.strip() for r in str(show).split(",") if r.strip()]
        bad = [r for r in self.rows if r not in self._ROWS]
        if bad or not self.rows:
            raise ValueError(f"filters.show lists rows among {', '.join(self._ROWS)}, got {show!r}")
        self.conv = net.layers[self.layer]
        self.cols = int(cols) if cols else None  # None: chosen in setup to make the filters largest
        self.index = trace.param_layers.index(self.layer)  # its entry in trace.params(k)

    def prepare(self, steps):
        tr = self.trace
        rec = sorted({self.at(s) for s in steps})
        self._row = {s: i for i, s in enumerate(rec)}
        W = np.stack([tr.params(k)[self.index][0] for k in rec])        # (n_rec, F, C, kh, kw)
        values = {"weights": W}
        if "change" in self.rows:
            values["change"] = W - tr.params(int(tr.steps[0]))[self.index][0][None]
        if "gradient" in self.rows:
            values["gradient"] = np.stack([tr.grads(k)[self.index][0] for k in rec])
        self.values = {row: (values[row], float(np.abs(values[row]).max()) or 1.0) for row in self.rows}
        # weights in the weight-sign colours, the gradient in the gradients' (render/style.py MEANINGS)
        self.luts = {row: diverging_lut(self.theme, meaning="delta and gradient sign" if row == "gradient" else
                                        "weight sign") for row in self.rows}
        self.gap_rgb = (np.array(to_rgb(self.theme.background)) * 255).astype(np.uint8)

    def _rgb(self, m, scale, row):
        return diverging_rgb(m, scale, self.luts[row], self.gap_rgb)

    def _arrangement(self, width, height, line):
        """(stacked, cols): the rows of filters one above the other or side by side, and the filters
        per row, whichever draws a filter largest in a panel of this many pixels."""
        F, C, k = self.conv.filters, self.conv.in_shape[0], self.conv.kernel
        n, best = len(self.rows), None
        for stacked in (True, False):
            for cols in ([self.cols] if self.cols else range(1, F + 1)):
                r = -(-F // cols)
                R, Cn = (n * r, cols) if stacked else (r, n * cols)
                free_h = height - (n * 3 if stacked else 4) * line
                free_w = width * (1.0 if stacked else 0.8)
                cell = min(free_w / (Cn * C * (k + 1)), free_h / (R * (k + 1)))
                if best is None or cell > best[0] + 1e-9:
                    best = (cell, stacked, cols)
        return best[1], best[2]

    def setup(self, fig, spec):
        stacked, cols = self._arrangement(*panel_pixels(fig, spec))
        n = len(self.rows)
        sub = spec.subgridspec(n, 1, hspace=0.3) if stacked else spec.subgridspec(1, n, wspace=0.15)
        self.images, self.mosaics = [], {}
        conv = self.conv
        fig_title = f"conv layer {self.layer}: {conv.filters} filters {conv.kernel}x{conv.kernel}"
        for i, row in enumerate(self.rows):
            ax = fig.add_subplot(sub[i, 0] if stacked else sub[0, i])
            v, scale = self.values[row]
            m = filter_mosaic(v, cols)
            self.mosaics[row] = (m, scale)
            im = ax.imshow(self._rgb(m[0], scale, row), interpolation="nearest", animated=True, aspect="equal")
            ax.set_axis_off()
            ax.set_anchor("N")
            title = f"{(self._ROWS if stacked else self._SHORT)[row]}\n±{scale:.2g}"
            if i == 0:
                title = f"{fig_title}\n{title}" if stacked else f"{conv.filters} filters {conv.kernel}x{conv.kernel}\n{title}"
            ax.set_title(title, fontsize="small", loc="left", pad=3)
            self.images.append((im, row))
        self.artists = [im for im, _ in self.images]

    def update(self, step):
        i = self._row[self.at(step)]
        for im, row in self.images:
            m, scale = self.mosaics[row]
            im.set_data(self._rgb(m[i], scale, row))
        return self.artists
