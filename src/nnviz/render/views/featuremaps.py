"""The feature-maps view: one probe digit flowing through a CNN, forward or backward (seed 002).

Top to bottom, everything recorded in the trace for one of its probe digits at the step:

* the input digit;
* the conv layer's maps ``a = relu(z)``, one per filter (10 maps of 8x8 for seed 002's network);
* the 2x2 max-pooled maps (10 of 4x4), each pixel the largest of its window;
* the dense layer's units (50, drawn as a grid);
* the class probabilities (the softmax output) as bars, the digit's true class in green.

With ``backward=True`` the same columns show the error signals flowing back: the deltas
``delta = dl/dz`` of this digit's own loss (not divided by the batch size) at the conv layer, the
pooled maps (``dl/da``, which the pooling hands only to each window's maximum), the dense layer,
and at the output ``y - t`` as bars (negative at the true class while its probability is below 1).

Maps use the diverging colour maps of the weights views (the panel colour at 0; activations in the
weight-sign pair, blue < 0 < orange, deltas in the delta-and-gradient pair of
:data:`nnviz.render.style.MEANINGS`), one scale per column for the whole animation, printed in
the column's title; the true class is drawn in the theme's "right" colour.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb

from ..base import View, register_view
from .filters import filter_mosaic, panel_pixels
from .weights import diverging_lut, diverging_rgb

__all__ = ["FeatureMapsView"]


@register_view
class FeatureMapsView(View):
    """One probe digit's maps through conv, pooling and dense layers, and its class probabilities.

    Options
    -------
    sample : int
        Which probe digit (0 .. n_probe - 1; default 0).
    backward : bool
        Draw the deltas flowing back instead of the activations (default False).
    """

    name = "featuremaps"
    width = 1.6
    network = "conv"

    def __init__(self, trace, theme="light", label=None, sample=0, backward=False):
        super().__init__(trace, theme, label)
        net = trace.network
        n_probe = len(trace.probe_index)
        if not 0 <= int(sample) < n_probe:
            raise ValueError(f"featuremaps.sample must be a probe digit 0..{n_probe - 1}, got {sample}")
        self.sample, self.backward = int(sample), bool(backward)
        kinds = [layer.kind for layer in net.layers[1:]]
        if "conv2d" not in kinds:
            raise ValueError(f"the featuremaps view draws a conv2d layer's maps; {trace.path.name} has none")
        conv = kinds.index("conv2d") + 1
        pool = next((l for l in range(conv + 1, net.L + 1) if kinds[l - 1] == "maxpool2d"), None)
        dense = next((l for l in range(conv + 1, net.L) if kinds[l - 1] == "dense"), None)
        self.columns = [("conv", conv)] + ([("pool", pool)] if pool else []) + ([("dense", dense)] if dense else [])
        self.net, self.L = net, net.L
        data = trace.data
        index = int(trace.probe_index[self.sample])
        self.digit = net.images(data.X[index: index + 1])[0, 0]              # (H, W), the first channel
        self.label_index = int(data.labels[index]) if data.labels is not None else None
        self.class_names = data.class_names or [str(i) for i in range(net.sizes[-1])]

    def _title(self, kind, l):
        layer = self.net.layers[l]
        if kind == "conv":
            what = f"conv: {layer.filters} maps" + ("" if self.backward else f", {layer.activation}")
        elif kind == "pool":
            what = f"max-pool {layer.size}x{layer.size}"
        else:
            what = f"dense {layer.units}" + ("" if self.backward else f" {layer.activation}")
        return f"{what}: {'δ' if self.backward else 'a'}, scale ±{self.scales[kind]:.2g}"

    def prepare(self, steps):
        tr = self.trace
        rec = sorted({self.at(s) for s in steps})
        self._row = {s: i for i, s in enumerate(rec)}
        get = tr.deltas if self.backward else tr.activations
        per_step = [[layer[self.sample] for layer in get(k)] for k in rec]   # each: one entry per layer
        self.values = {kind: np.stack([p[l - 1] for p in per_step]) for kind, l in self.columns}
        self.scales = {kind: float(np.abs(v).max()) or 1.0 for kind, v in self.values.items()}
        # the output layer: probabilities (forward) or this digit's delta y - t (backward)
        self.bars = np.stack([p[self.L - 1] for p in per_step])                   # (n_rec, n_classes)
        self.lut = diverging_lut(self.theme, meaning="delta and gradient sign" if self.backward else "weight sign")
        self.gap_rgb = (np.array(to_rgb(self.theme.background)) * 255).astype(np.uint8)

    def _rgb(self, m, scale):
        return diverging_rgb(m, scale, self.lut, self.gap_rgb)

    def _mosaics(self, cols):
        """Image rows for ``cols`` maps per row: the pooled maps with half the gap, so that drawn at the
        conv maps' width each one sits under its conv map; the dense units as a grid of two rows."""
        out = {}
        for kind, v in self.values.items():
            if kind == "dense":
                n = v.shape[1]
                out[kind] = filter_mosaic(v[:, :, None, None, None], cols=n if n <= 20 else -(-n // 2), gap=0)
            else:
                out[kind] = filter_mosaic(v[:, :, None], cols, gap=2 if kind == "conv" else 1)
        return out

    def setup(self, fig, spec):
        th = self.theme
        width, height, line = panel_pixels(fig, spec)
        free_w, free_h = width * 5 / 6, height * 0.72 - line * 1.4 * len(self.columns)
        best = None
        F = self.values["conv"].shape[1]
        for cols in sorted({F, -(-F // 2), -(-F // 3)}):
            m = self._mosaics(cols)
            w_units = m["conv"].shape[-1]
            rows_h = sum(mm.shape[-2] * w_units / mm.shape[-1] for mm in m.values())  # in conv-map units
            s = min(free_w / w_units, free_h / rows_h)
            if best is None or s > best[0]:
                best = (s, m, w_units)
        s, self.mosaics, w_units = best
        heights = [s * mm.shape[-2] * w_units / mm.shape[-1] + 1.4 * line for mm in self.mosaics.values()]
        heights.append(max(height - sum(heights), 0.25 * height))
        sub = spec.subgridspec(len(heights), 2, height_ratios=heights, width_ratios=[1.0, 5.0], hspace=0.05,
                               wspace=0.08)
        ax = fig.add_subplot(sub[0:2, 0])
        ax.imshow(self.digit, cmap="gray_r", vmin=0, vmax=max(1e-9, float(self.digit.max())), interpolation="nearest")
        ax.set_axis_off()
        true = f"{self.class_names[self.label_index]}" if self.label_index is not None else "?"
        ax.set_title(f"probe {self.sample}: a {true}", fontsize="small", pad=3)
        self.images = []
        for i, (kind, l) in enumerate(self.columns):
            ax = fig.add_subplot(sub[i, 1])
            im = ax.imshow(self._rgb(self.mosaics[kind][0], self.scales[kind]), interpolation="nearest",
                           animated=True, aspect="equal")
            ax.set_axis_off()
            ax.set_anchor("W")
            ax.set_title(self._title(kind, l), fontsize="small", loc="left", pad=2)
            self.images.append((im, kind))
        ax = self.bar_ax = fig.add_subplot(sub[-1, :])
        n = self.bars.shape[1]
        colors = [th.right if c == self.label_index else th.muted for c in range(n)]
        self.rects = ax.bar(np.arange(n), self.bars[0], color=colors, width=0.75, animated=True)
        ax.set_xticks(np.arange(n), [str(c) for c in self.class_names[:n]])
        for c, tick in enumerate(ax.get_xticklabels()):
            if c == self.label_index:
                tick.set_color(th.right)
                tick.set_fontweight("bold")
        ax.tick_params(length=2, labelsize="small")
        if self.backward:
            ax.set_ylim(-1.05, 1.05)
            ax.axhline(0, color=th.muted, lw=0.8)
            ax.set_title("output δ = y − t (true class in green)", fontsize="small", loc="left", pad=2)
        else:
            ax.set_ylim(0, 1.02)
            ax.set_title("class probabilities y = softmax(z) (true class in green)", fontsize="small", loc="left",
                         pad=2)
        ax.grid(True, axis="y", color=th.grid, lw=0.6)
        self.artists = [im for im, _ in self.images] + list(self.rects)

    def update(self, step):
        i = self._row[self.at(step)]
        for im, kind in self.images:
            im.set_data(self._rgb(self.mosaics[kind][i], self.scales[kind]))
        for rect, value in zip(self.rects, self.bars[i]):
            rect.set_height(float(value))
        return self.artists
