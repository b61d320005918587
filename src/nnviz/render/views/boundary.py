"""The decision-boundary view of a 2-D classifier.

The network's output is evaluated on a grid covering the data (plus a margin) at every frame step
in one vectorised call per chunk of steps, and turned into colours with numpy: each point takes
the colour of the class the network favours, stronger where the network is more confident, and a
neutral panel colour where it sits on the decision threshold (0 for -1/+1 targets, 0.5 for
probabilities). The decision boundary itself is a contour of that field, computed with contourpy
(:func:`decision_segments`).

The module-level functions are shared with the hidden-space view and the manim scenes
(:mod:`nnviz.scenes_lib`), so that videos and GIFs show the same colours and the same boundary.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from contourpy import LineType, contour_generator
from matplotlib.collections import LineCollection

from ...nn import forward_many
from ..base import View, register_view
from ..artists.text import FastText
from ..artists.raster import RasterField
from ..style import hex_to_rgb
from ...formatting import percent

__all__ = ["BoundaryView", "resolution_for", "point_styles", "point_legend_handles", "misclassified", "field_colors", "grid_for", "threshold_of", "probabilities", "decision_segments",
           "evaluate_steps"]

_STRENGTH = 0.8  # how far a fully confident colour moves from the panel colour to the class colour


def threshold_of(encoding: str | None) -> tuple[float, float]:
    """Decision threshold and the output distance that counts as fully confident."""
    return (0.5, 0.5) if encoding == "01" else (0.0, 1.0)


def probabilities(values):
    """Rows of class scores as probabilities (softmax unless they already sum to 1)."""
    if np.allclose(values.sum(-1), 1.0, atol=1e-3) and values.min() >= -1e-6:
        return values
    e = np.exp(values - values.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def field_colors(values: np.ndarray, encoding: str | None, theme, hard: bool = False) -> np.ndarray:
    """Colours of network outputs.

    Parameters
    ----------
    values : ndarray of shape (..., n_outputs)
    encoding : {"pm1", "01", "onehot"}
    theme : Theme
    hard : bool
        Only the predicted class, no confidence shading (TF Playground's "discretize").

    Returns
    -------
    ndarray of shape (..., 3), uint8
    """
    panel = hex_to_rgb(theme.panel)
    k = values.shape[-1]
    if k == 1:
        # a 511-entry lookup table from the signed confidence u in [-1, 1] to a colour
        theta, s = threshold_of(encoding)
        u_lut = np.linspace(-1.0, 1.0, 511)
        c = np.where((u_lut > 0)[:, None], hex_to_rgb(theme.class_color(1)), hex_to_rgb(theme.class_color(0)))
        strength = np.full_like(u_lut, 0.7 * _STRENGTH) if hard else _STRENGTH * np.abs(u_lut)
        strength[255] = 0.0
        lut = np.clip((panel + strength[:, None] * (c - panel)) * 255 + 0.5, 0, 255).astype(np.uint8)
        u = (values[..., 0] - np.float32(theta)) * np.float32(255.0 / s)
        np.nan_to_num(u, nan=0.0, copy=False)  # a diverged step shows as "no opinion"
        np.clip(u, -255, 255, out=u)
        u += 255.5
        return lut[u.astype(np.intp)]
    else:
        p = probabilities(values)
        if hard:
            p = np.eye(k)[p.argmax(-1)] * 0.7
            conf = np.ones(p.shape[:-1])
        else:
            conf = (p.max(-1) - 1.0 / k) / (1.0 - 1.0 / k)
        colors = np.array([hex_to_rgb(theme.class_color(c)) for c in range(k)])
        mix = p @ colors / p.sum(-1, keepdims=True)
        rgb = panel + (_STRENGTH * conf)[..., None] * (mix - panel)
        return np.clip(rgb * 255 + 0.5, 0, 255).astype(np.uint8)


#: The finest boundary grid a view evaluates (points along the longer side): 2048^2 points through
#: a 50-unit layer is already about 1.6 GB of activations for a 120-frame movie's evaluation.
MAX_RESOLUTION = 2048


def grid_for(X: np.ndarray, resolution: int = 160, margin: float = 0.1, max_aspect: float = 1.2):
    """A square-pixel grid covering the points ``X`` (n, 2) with a margin.

    Returns
    -------
    xs, ys : ndarray
        Grid coordinates, shapes (nx,) and (ny,).
    points : ndarray of shape (ny * nx, 2)
        The grid points, row by row (y outer), ready for the network.
    """
    lo, hi = X.min(0), X.max(0)
    span = np.maximum(hi - lo, 1e-6)
    pad = margin * span.max()
    lo, hi = lo - pad, hi + pad
    # keep the panel at most 6:5 by extending the short side: a squarer field uses the frame
    # better and shows how the network extrapolates away from the data
    span = hi - lo
    short, long_ = span.argmin(), span.argmax()
    if span[long_] > max_aspect * span[short]:
        extra = (span[long_] / max_aspect - span[short]) / 2
        lo[short] -= extra
        hi[short] += extra
    span = hi - lo
    nx = ny = int(resolution)
    if span[0] > span[1]:
        ny = max(2, int(round(resolution * span[1] / span[0])))
    else:
        nx = max(2, int(round(resolution * span[0] / span[1])))
    xs, ys = np.linspace(lo[0], hi[0], nx), np.linspace(lo[1], hi[1], ny)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def confidence_lut(encoding, theme, hard=False, levels=None) -> np.ndarray:
    """Colour lookup table over the signed confidence u in [-1, 1] of a one-output classifier.

    Returns an (511, 4) uint8 RGBA table, row 0 for u = -1, row 510 for u = +1. ``levels`` > 0
    makes that many flat bands per class (like ``contourf``): they read as iso-confidence
    lines, and GIF's LZW coding compresses flat bands about twice as well as a smooth gradient.
    """
    u = np.linspace(-1.0, 1.0, 511)
    if levels:
        u = np.sign(u) * np.ceil(np.abs(u) * levels) / levels
    theta, s = threshold_of(encoding)
    rgb = field_colors((u * s + theta)[:, None].astype(np.float32), encoding, theme, hard)
    return np.column_stack([rgb, np.full(len(u), 255, np.uint8)])


def signed_confidence(values, encoding):
    """``(y - threshold) / scale`` clipped to [-1, 1]: the quantity the colour shows."""
    theta, s = threshold_of(encoding)
    u = np.subtract(values, np.float32(theta), dtype=np.float32)  # a new array: values stay as they are
    u *= np.float32(1.0 / s)
    np.clip(u, -1.0, 1.0, out=u)  # +-inf -> +-1
    np.copyto(u, 0.0, where=np.isnan(u))  # a diverged step shows as "no opinion"
    return u


def evaluate_steps(trace, steps, X, layer=None, budget_mb=96, dtype=np.float64, out_dtype=np.float32):
    """The network's output (or layer ``layer``'s activation) on ``X`` at many steps.

    Steps are read from the trace in chunks of about ``budget_mb``. ``dtype=np.float32`` halves
    the work for colour fields, where float64 precision cannot be seen; the result is stored as
    ``out_dtype`` (float32: enough for pictures, half the memory; float64 to keep every digit).
    Returns an ndarray of shape (n_steps, n_samples, n_units).
    """
    steps = list(steps)
    width = max(trace.sizes)
    chunk = max(1, int(budget_mb * 2**20 / (8 * max(1, len(X)) * width)))
    out = []
    X = np.asarray(X, dtype=dtype)
    for i in range(0, len(steps), chunk):
        Ws, bs = trace.param_stack(steps[i: i + chunk])
        Ws = [W.astype(dtype, copy=False) for W in Ws]
        bs = [None if b is None else b.astype(dtype, copy=False) for b in bs]
        out.append(forward_many(X, Ws, bs, trace.activation_names, layer=layer).astype(out_dtype, copy=False))
    return np.concatenate(out) if out else np.zeros((0, len(X), width), out_dtype)


def misclassified(trace, steps) -> np.ndarray:
    """Which training points the network gets wrong at each step: bool (n_steps, n_samples).

    The network's decoded output on ``trace.data.X`` against the labels, in float64: the same
    decision as the trace's accuracy, so the count of misclassified points always agrees with it.
    """
    from ...data import decode_outputs

    d = trace.data
    out = evaluate_steps(trace, steps, d.X, out_dtype=np.float64)
    return np.array([decode_outputs(o, d.encoding) != d.labels for o in out]).reshape(len(out), len(d.X))


def decision_segments(xs, ys, values, encoding) -> list:
    """The decision boundary of a field of network outputs on a grid, as polylines.

    One output: the contour at the threshold (0 for -1/+1 targets, 0.5 for probabilities).
    Several: for each class, the contour where its probability equals the best other class's.

    Parameters
    ----------
    xs : ndarray of shape (nx,)
    ys : ndarray of shape (ny,)
    values : ndarray of shape (ny, nx, n_outputs)
    encoding : {"pm1", "01", "onehot"}

    Returns
    -------
    list of ndarray of shape (m, 2)
    """
    v = np.asarray(values, dtype=float)
    if v.shape[-1] == 1:
        levels = [(v[..., 0], threshold_of(encoding)[0])]
    else:
        p = probabilities(v)
        levels = [(p[..., c] - np.delete(p, c, axis=-1).max(-1), 0.0) for c in range(p.shape[-1])]
    segs = []
    for z, level in levels:
        if z.min() < level < z.max():
            gen = contour_generator(xs, ys, z, line_type=LineType.Separate)
            segs += [s for s in gen.lines(level) if len(s) > 1]
    return segs


def point_styles(theme, ms: float) -> dict:
    """How data points look in every view and still (matplotlib ``Line2D`` keywords), by role.

    ``"right"`` and ``"wrong"`` take a class colour as ``mfc``: a correctly classified training
    point is a disc of its class colour; a misclassified one a cross ("X") of its (true) class
    colour inside a text-coloured ``"ring"`` (a little transparent, so that a crowd of errors
    stays a crowd of crosses, not a black blob), so that an error differs
    in shape as well as colour and can be found from the back of a hall. ``"test"`` points are
    hollow discs with an ``mec`` of their class colour. The legend draws the same keywords
    (:func:`point_legend_handles`), so it always matches the points.
    """
    return {
        "right": dict(marker="o", ms=ms, mec="white", mew=0.6),  # white: a point pops from a field of its colour
        "wrong": dict(marker="X", ms=1.5 * ms, mec="white", mew=0.6),
        "ring": dict(marker="o", ms=2.2 * ms, mfc="none", mec=mpl.colors.to_rgba(theme.text, 0.75), mew=1.2),
        "test": dict(marker="o", ms=ms, mfc=theme.background, mew=1.3),
    }


def point_legend_handles(theme, ms: float, class_names) -> list:
    """Legend entries: a disc per class, then "misclassified" (the ring around a muted cross)."""
    from matplotlib.lines import Line2D

    st = point_styles(theme, ms)
    handles = [Line2D([], [], ls="none", mfc=theme.class_color(c), label=str(name), **st["right"])
               for c, name in enumerate(class_names)]
    cross = Line2D([], [], ls="none", mfc=theme.muted, **st["wrong"])
    ring = Line2D([], [], ls="none", **st["ring"])
    return handles + [(ring, cross)]


def resolution_for(size) -> int:
    """A boundary grid as fine as the frame: about one grid point per 2.5 pixels of a panel.

    (W, H) -> points along the longer side: 128 at 640x480, 192 at 1280x720, 288 at 1920x1080.
    Bilinear colours and a linearly interpolated contour look the same as on a finer grid, and
    the evaluation (the one-time cost of a movie) shrinks with the square of the resolution.
    """
    return int(np.clip(round(min(size) / 3.75), 96, 320))


@register_view
class BoundaryView(View):
    """The network's decision over the input plane, the data, and the misclassified points.

    Options
    -------
    resolution : int
        Grid points along the longer side. Default: from the frame size (:func:`resolution_for`;
        128 at 640x480, 192 at 1280x720), or 160 when the view is made on its own.
    hard : bool
        Show only the predicted class (no confidence shading).
    levels : int
        Confidence bands per class (default 8, like ``contourf``); 0 for a smooth gradient.
        Bands read well and make GIFs about half the size.
    margin : float
        Margin around the data, as a fraction of its extent.
    """

    name = "boundary"
    width = 1.0

    def __init__(self, trace, theme="light", label=None, resolution=None, hard=False, margin=0.1, levels=8):
        super().__init__(trace, theme, label)
        if resolution is not None and not (isinstance(resolution, (int, float)) and 8 <= resolution <= MAX_RESOLUTION):
            raise ValueError(f"boundary.resolution must be a number of grid points from 8 to {MAX_RESOLUTION}, "
                             f"got {resolution!r}")
        self.levels = int(levels) if levels else None
        data = trace.data
        # added features (data.features: sin x, x², ...) are appended to the 2 raw inputs, so the
        # plane is the raw inputs' and the grid goes through the same feature map
        from ...data.features import input_map

        n_raw, to_inputs = input_map(trace.config, data.X.shape[1])
        if n_raw != 2 or not trace.is_classifier:
            raise ValueError(
                f"the boundary view needs a classifier with 2 inputs; {trace.path.name} has "
                f"{data.X.shape[1]} input(s) ({data.task}); try --view fit or --view loss")
        self.data, self.hard = data, bool(hard)
        X_all = np.vstack([data.X, data.X_test]) if len(data.X_test) else data.X
        self.xs, self.ys, grid = grid_for(X_all[:, :2], 160 if resolution is None else resolution, margin)
        self.grid = to_inputs(grid)
        self.width = 1.6

    def prepare(self, steps):
        rec = sorted({self.at(s) for s in steps})
        self._row = {s: i for i, s in enumerate(rec)}
        field = evaluate_steps(self.trace, rec, self.grid, dtype=np.float32)
        self.values = field.reshape(len(rec), len(self.ys), len(self.xs), -1)
        self.binary = self.values.shape[-1] == 1
        if self.binary:  # a scalar field, coloured by matplotlib after resampling: crisp at any size
            self.u = signed_confidence(self.values[..., 0], self.data.encoding)
            self.lut = confidence_lut(self.data.encoding, self.theme, self.hard, self.levels)
        else:
            self.rgb = field_colors(self.values, self.data.encoding, self.theme, self.hard)
        self.wrong = misclassified(self.trace, rec)
        self._contours = {}

    def palette_colors(self) -> np.ndarray:
        """Every colour the field can take (for a GIF's palette), (n, 3) uint8."""
        if self.binary:
            return np.unique(self.lut[:, :3], axis=0)
        return np.unique(self.rgb.reshape(-1, 3)[:: max(1, self.rgb.size // 3 // 20000)], axis=0)

    def colors(self, i: int) -> np.ndarray:
        """The colour of every grid point at prepared row ``i``: (ny, nx, 3) uint8."""
        if self.binary:
            idx = np.clip(((self.u[i] + 1.0) * 255.0 + 0.5).astype(np.intp), 0, 510)
            return self.lut[idx, :3]
        return self.rgb[i]

    def contour_segments(self, i: int) -> list:
        """Line segments of the decision boundary at prepared row ``i``."""
        if i not in self._contours:
            self._contours[i] = decision_segments(self.xs, self.ys, self.values[i], self.data.encoding)
        return self._contours[i]

    def setup(self, fig, spec):
        th, d = self.theme, self.data
        ax = self.ax = fig.add_subplot(spec)
        extent = (self.xs[0], self.xs[-1], self.ys[0], self.ys[-1])
        self.im = RasterField(ax, self.lut if self.binary else None)
        self.im.set_animated(True)
        ax.add_artist(self.im)
        ax.set_xlim(extent[:2])
        ax.set_ylim(extent[2:])
        ax.set_aspect("equal", adjustable="box")
        self.contour = LineCollection([], colors=th.text, linewidths=1.4, animated=True, zorder=2)
        ax.add_collection(self.contour)
        # Points as marker lines per class (correct, misclassified) and one line of rings: Agg
        # stamps a cached marker, several times faster per frame than a scatter's PathCollection.
        ms = 4.7 if len(d.X) <= 300 else 3.2
        st = point_styles(th, ms)
        self.artists = [self.im, self.contour]
        self.points = []  # (class, the correct-points line, the misclassified-points line)
        for c in range(d.n_classes):
            color = th.class_color(c)
            if len(d.X_test):
                test = d.X_test[d.labels_test == c]
                self.artists += ax.plot(test[:, 0], test[:, 1], ls="none", mec=color, animated=True, zorder=3,
                                        **st["test"])
            right, = ax.plot([], [], ls="none", mfc=color, animated=True, zorder=3, **st["right"])
            wrong, = ax.plot([], [], ls="none", mfc=color, animated=True, zorder=5, **st["wrong"])
            self.points.append((c, right, wrong))
            self.artists += [right, wrong]
        self.missed, = ax.plot([], [], ls="none", animated=True, zorder=4, **st["ring"])
        self.artists.append(self.missed)
        if not self.label and d.class_names:  # which colour is which class, by the data's own labels
            handles = point_legend_handles(th, ms, d.class_names)
            ax.legend(handles=handles, labels=[h.get_label() for h in handles[:-1]] + ["misclassified"],
                      loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=min(len(handles), 5),
                      frameon=False, fontsize="small", handletextpad=0.1, columnspacing=0.8, borderaxespad=0.1)
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂", rotation=0, labelpad=8)
        ax.tick_params(length=2)
        for side in ("top", "right"):
            ax.spines[side].set_visible(True)
        if self.label:  # several runs side by side: each panel says its own run's numbers
            ax.set_title(f"{self.label}\n ", fontsize="medium")  # second line: the numbers below
            size = mpl.rcParams["axes.titlesize"]
            self.caption = FastText(ax.figure, 0.5, 1.015, "", fontsize=0.9 * size if np.isscalar(size) else 9,
                                    color=self.theme.muted, ha="center", va="bottom", family="DejaVu Sans", ax=ax)
            self.caption.set_animated(True)
            ax.figure.add_artist(self.caption)
            self.artists.append(self.caption)

    def _keep_caption_inside(self):
        """Centre the run's caption over its panel, moved in where it would run off the frame
        (the rightmost of four panels at 640x480 lost its "%")."""
        fig, cap = self.ax.figure, self.caption
        box, W = self.ax.get_window_extent(), fig.bbox.width
        if box.width < 1:
            return
        w = cap._rgba(fig.dpi)[0].shape[1] if cap.get_animated() else \
            cap.get_window_extent(fig.canvas.get_renderer()).width
        centre = min(max(box.x0 + box.width / 2, w / 2 + 2), W - w / 2 - 2)
        cap.set_x((centre - box.x0) / box.width)

    def update(self, step):
        i = self._row[self.at(step)]
        self.im.set_field(self.u[i] if self.binary else self.rgb[i])
        self.contour.set_segments(self.contour_segments(i))
        if self.label:
            k = min(int(step), int(self.trace.all_steps[-1]))
            self.caption.set_text(f"loss {self.trace.loss[k]:.3g}  acc {percent(self.trace.accuracy[k], 0)}")
            self._keep_caption_inside()
        wrong, X, labels = self.wrong[i], self.data.X, self.data.labels
        for c, right_line, wrong_line in self.points:
            ok, bad = (labels == c) & ~wrong, (labels == c) & wrong
            right_line.set_data(X[ok, 0], X[ok, 1])
            wrong_line.set_data(X[bad, 0], X[bad, 1])
        self.missed.set_data(X[wrong, 0], X[wrong, 1])
        return self.artists
