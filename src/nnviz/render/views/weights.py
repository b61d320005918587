"""The weights view: each hidden neuron's input weights drawn as an image (seed 002's digits network).

In the 64-50-10 digits network, hidden neuron j computes ``z_j = sum_i x_i W[1][i, j] + b_j``
over the 64 pixels of an 8x8 image, so its column of weights ``W[1][:, j]`` is itself an 8x8
image: orange pixels push the neuron up when they are inked, blue ones down. The view draws these
images side by side for the first hidden neurons, at the training step, and the change
``W[1](k) - W[1](0)`` below them: with seed 002's N(0, 1) start the weights themselves stay
mostly the random start, and the change shows what training wrote into them (never anything on
the border pixels, which are blank in every image, so their gradient ``x_i delta_j`` is 0).
A strip of test images, one per class, shows the network's prediction for each at the step
(green when right, red when wrong).

Colour scales are fixed for the whole animation (the largest magnitude over the frames), so a
colour changes only when the weight does.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb

from ...nn import forward_many
from ..base import View, register_view
from ..artists.text import FastText
from ..style import hex_to_rgb

__all__ = ["WeightsView", "weight_mosaic", "diverging_lut", "diverging_rgb"]



def diverging_lut(theme, n: int = 255, meaning: str = "weight sign") -> np.ndarray:
    """(n, 3) uint8 colours from the theme's negative colour through its panel to its positive one,
    the pair of ``meaning`` in :data:`nnviz.render.style.MEANINGS` ("weight sign": orange/blue,
    "delta and gradient sign": the gradients' pair)."""
    u = np.linspace(-1.0, 1.0, n)[:, None]
    positive, negative = theme.pairs()[meaning]
    panel, pos, neg = hex_to_rgb(theme.panel), hex_to_rgb(positive), hex_to_rgb(negative)
    rgb = np.where(u >= 0, panel + u * (pos - panel), panel - u * (neg - panel))
    return np.clip(rgb * 255 + 0.5, 0, 255).astype(np.uint8)


def diverging_rgb(m: np.ndarray, scale: float, lut: np.ndarray, gap_rgb) -> np.ndarray:
    """(..., 3) uint8 colours of the values ``m`` on ``lut`` (:func:`diverging_lut`) from ``-scale``
    to ``+scale`` (clipped); NaN (the gaps of a mosaic) in ``gap_rgb``."""
    u = np.nan_to_num(m / scale, nan=0.0)
    idx = np.clip(np.round((u + 1.0) * (len(lut) - 1) / 2), 0, len(lut) - 1).astype(np.intp)
    rgb = lut[idx]
    rgb[np.isnan(m)] = gap_rgb
    return rgb


def weight_mosaic(values: np.ndarray, shape, cols: int, gap: int = 1, fill=np.nan) -> np.ndarray:
    """Tile columns of ``values`` as images.

    Parameters
    ----------
    values : ndarray of shape (..., n_pixels, n_units)
        One image per unit (column), ``n_pixels = prod(shape)``.
    shape : (h, w)
    cols : int
        Images per row.
    gap : int
        Pixels between images (filled with ``fill``).

    Returns
    -------
    ndarray of shape (..., rows * (h + gap) - gap, cols * (w + gap) - gap)
    """
    h, w = shape
    n = values.shape[-1]
    rows = -(-n // cols)
    lead = values.shape[:-2]
    out = np.full(lead + (rows * (h + gap) - gap, cols * (w + gap) - gap), fill, dtype=float)
    imgs = values.reshape(lead + (h, w, n))
    for j in range(n):
        r, c = divmod(j, cols)
        out[..., r * (h + gap): r * (h + gap) + h, c * (w + gap): c * (w + gap) + w] = imgs[..., j]
    return out


@register_view
class WeightsView(View):
    """Hidden neurons' input weights as images, their change since step 0, and test predictions.

    Options
    -------
    units : int
        How many hidden neurons to draw (the first ones; default 20).
    show : {"both", "weights", "change"}
        The weights at the step, their change since step 0, or both (default).
    cols : int
        Images per row (default 5).
    predictions : bool
        Draw the strip of test images with the predicted class (default True; classifiers only).
    """

    name = "weights"
    width = 2.0

    def __init__(self, trace, theme="light", label=None, units=20, show="both", cols=5, predictions=True):
        super().__init__(trace, theme, label)
        data = trace.data
        shape = data.image_shape
        if shape is None or int(np.prod(shape)) != trace.sizes[0]:
            raise ValueError(f"the weights view needs image inputs (like the digits data set); "
                             f"{trace.path.name} has {trace.sizes[0]} plain input(s); try --view network")
        if trace.L < 2:
            raise ValueError(f"the weights view draws the first hidden layer; {trace.path.name} has none")
        if show not in ("both", "weights", "change"):
            raise ValueError(f"weights.show must be both, weights or change, got {show!r}")
        self.shape = tuple(shape)
        self.units = max(1, min(int(units), trace.sizes[1]))
        self.cols = max(1, min(int(cols), self.units))
        self.show = show
        self.data = data
        self.predictions = bool(predictions) and trace.is_classifier and data.labels is not None
        X, labels = (data.X_test, data.labels_test) if len(data.X_test) else (data.X, data.labels)
        self.on_test = len(data.X_test) > 0
        # one image of each class (the first of each in the test set), in class order
        pick = [int(np.flatnonzero(labels == c)[0]) for c in range(data.n_classes or 0) if (labels == c).any()]
        self.samples, self.sample_labels = X[pick], labels[pick]

    # ------------------------------------------------------------------ numbers
    def prepare(self, steps):
        tr = self.trace
        rec = sorted({self.at(s) for s in steps})
        self._row = {s: i for i, s in enumerate(rec)}
        first = int(tr.steps[0])
        Ws, bs = tr.param_stack(rec)
        W1 = Ws[0][:, :, : self.units]                                   # (n_rec, n_pixels, units)
        W0 = tr.params(first)[0][0][:, : self.units]
        self.step0 = first
        self.mosaics = {}
        if self.show in ("both", "weights"):
            self.mosaics["weights"] = (weight_mosaic(W1, self.shape, self.cols), float(np.abs(W1).max()) or 1.0)
        if self.show in ("both", "change"):
            dW = W1 - W0[None]
            self.mosaics["change"] = (weight_mosaic(dW, self.shape, self.cols), float(np.abs(dW).max()) or 1.0)
        self.lut = diverging_lut(self.theme)
        self.gap_rgb = (np.array(to_rgb(self.theme.background)) * 255).astype(np.uint8)
        if self.predictions:
            out = forward_many(self.samples, Ws, bs, tr.activation_names)   # (n_rec, n_samples, k)
            from ...data import decode_outputs

            self.predicted = np.stack([decode_outputs(o, self.data.encoding) for o in out])

    def _rgb(self, m: np.ndarray, scale: float) -> np.ndarray:
        return diverging_rgb(m, scale, self.lut, self.gap_rgb)

    # ------------------------------------------------------------------ drawing
    def setup(self, fig, spec):
        kinds = list(self.mosaics)
        mh, mw = self.mosaics[kinds[0]][0].shape[1:]
        rows = [mh] + ([self.shape[0] * 1.7] if self.predictions else [])
        sub = spec.subgridspec(len(rows), 1, height_ratios=rows, hspace=0.25)
        top = sub[0].subgridspec(1, len(kinds), wspace=0.08)
        self.images, self.artists = [], []
        titles = {"weights": "weights W¹ of each hidden neuron", "change": "W¹(k) − W¹(0): learned so far"}
        for i, kind in enumerate(kinds):
            ax = fig.add_subplot(top[0, i])
            m, scale = self.mosaics[kind]
            im = ax.imshow(self._rgb(m[0], scale), interpolation="nearest", animated=True, aspect="equal")
            ax.set_axis_off()
            ax.set_anchor("S")  # spare height goes above and below the view, not between its parts
            ax.set_title(f"{titles[kind]}\ncolour scale ±{scale:.2g}", fontsize="small", loc="left", pad=3)
            self.images.append((im, kind))
            self.artists.append(im)
        if self.predictions:
            ax = self.pax = fig.add_subplot(sub[-1])
            n = len(self.samples)
            strip = weight_mosaic(self.samples.T, self.shape, n, gap=2, fill=0.0)
            ax.imshow(strip, cmap="gray_r", interpolation="nearest", vmin=0, vmax=max(1e-9, strip.max()),
                      aspect="equal")
            ax.set_axis_off()
            ax.set_anchor("N")
            where = "test" if self.on_test else "training"
            ax.set_title(f"predicted class of one {where} image per class (green right, red wrong)",
                         fontsize="small", loc="left", pad=13)
            fs = ax.title.get_fontsize()
            self.labels = []
            for j in range(n):
                x = (j * (self.shape[1] + 2) + self.shape[1] / 2) / (n * (self.shape[1] + 2) - 2)
                pair = []
                for color in (self.theme.right, self.theme.wrong):
                    t = FastText(fig, x, 1.03, "", fontsize=fs, color=color, ha="center", va="bottom",
                                 family="DejaVu Sans", weight="bold", ax=ax)
                    t.set_animated(True)
                    t.set_zorder(10)  # above the axes when a still draws the figure in zorder
                    fig.add_artist(t)
                    pair.append(t)
                    self.artists.append(t)
                self.labels.append(pair)

    def update(self, step):
        i = self._row[self.at(step)]
        for im, kind in self.images:
            m, scale = self.mosaics[kind]
            im.set_data(self._rgb(m[i], scale))
        if self.predictions:
            for j, (right, wrong) in enumerate(self.labels):
                p = int(self.predicted[i, j])
                ok = p == int(self.sample_labels[j])
                right.set_text(str(self.data.class_names[p]) if ok else "")
                wrong.set_text("" if ok else str(self.data.class_names[p]))
        return self.artists
