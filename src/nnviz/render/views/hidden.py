"""The hidden-space view: how a hidden layer warps the input plane (ConvNetJS style).

A set of grid lines over the data's box (the box of the boundary view) and the data points are
pushed through the network up to a chosen hidden layer ``l`` and drawn where that layer puts them.
Straight lines in the input bend and fold; by the last hidden layer the classes should sit on the
two sides of a straight line, because the output layer is only a (monotone function of a) linear
function of that layer.

Two dimensions
--------------
- a layer of **2 units** is drawn directly: the axes are the two activations ``a_1, a_2``. The
  network's output is then a function of the point in this plane alone, so the plane is coloured
  with the decision of the remaining layers ``l+1 .. L`` (the boundary view's colours) and the
  decision line drawn, as in ConvNetJS;
- a layer of **1 unit** is drawn along the horizontal axis, its only coordinate; the vertical axis
  only sorts the points into one row per class (spread a little within the row, so that points
  on top of each other stay visible), and the background shows the output as a function of that
  unit (the input grid, which would fold onto the axis, is not drawn);
- a wider layer is **projected on two principal components**. The projection is ONE linear map for
  the whole animation: the PCA of the training points' representation at the trace's final
  recorded step (centred on their mean there, each component's sign fixed so that its largest
  loading is positive; for a diverged run, the last sampled step where that representation is
  finite). A per-frame PCA would find the best plane for every frame, but its axes
  turn and swap from frame to frame (even with sign alignment, whenever two variances cross), and
  the motion on screen would then be the camera's, not the network's. With one fixed map every
  movement on screen is a movement of the representation, the final frame shows the learned
  representation at its most spread out, and a still of step k equals frame k of the movie. The
  axis labels give each component's share of the variance at the final step.

Axis limits are fixed for the whole animation: the activation's range for bounded activations
drawn directly (tanh: [-1, 1]), else the extent of every point and grid line over the run (up to
48 recorded steps spread over it plus every frame), so no tick moves and no frame clips.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.collections import LineCollection

from ...nn import forward_many, get_activation
from ..base import View, register_view
from .boundary import (confidence_lut, decision_segments, evaluate_steps, field_colors, grid_for, misclassified,
                       point_styles, signed_confidence)
from ..artists.raster import RasterField
from ...formatting import percent

__all__ = ["HiddenView", "pca_projection"]

_N_LIMIT_STEPS = 48


def pca_projection(H: np.ndarray, n: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The top ``n`` principal components of the rows of ``H``.

    Parameters
    ----------
    H : ndarray of shape (n_samples, n_units)

    Returns
    -------
    mean : ndarray of shape (n_units,)
    P : ndarray of shape (n_units, n)
        Orthonormal columns; project with ``(H - mean) @ P``. Each column's largest loading
        (in absolute value) is positive, so the projection does not depend on the SVD's signs.
    explained : ndarray of shape (n,)
        Fraction of the total variance along each component.
    """
    H = np.asarray(H, float)
    mean = H.mean(0)
    _, s, Vt = np.linalg.svd(H - mean, full_matrices=False)
    P = Vt[:n].T.copy()
    if P.shape[1] < n:  # fewer samples than components: pad with zero directions
        P = np.hstack([P, np.zeros((P.shape[0], n - P.shape[1]))])
    for j in range(P.shape[1]):
        i = np.argmax(np.abs(P[:, j]))
        if P[i, j] < 0:
            P[:, j] *= -1
    var = s**2
    total = var.sum()
    explained = np.zeros(n)
    explained[: min(n, len(var))] = (var[:n] / total) if total > 0 else 0.0
    return mean, P, explained


@register_view
class HiddenView(View):
    """The input grid and the data as a hidden layer sees them.

    Options
    -------
    layer : int
        Which hidden layer, 1 .. L-1 (default: the last hidden layer, L-1).
    lines : int
        Grid lines per direction (default 11).
    background : bool
        For a 2-unit layer, colour the plane by the network's decision (default True).
    margin : float
        Margin of the input box around the data (as the boundary view).
    levels : int
        Colour bands of the background per class (default 8, as the boundary view); 0: smooth.
    """

    name = "hidden"

    def __init__(self, trace, theme="light", label=None, layer=None, lines=11, background=True, margin=0.1,
                 levels=8, **unknown):
        super().__init__(trace, theme, label, **unknown)  # unknown options: one-line ValueError
        self.levels = int(levels) if levels else None
        data = trace.data
        if data.X.shape[1] != 2 or not trace.is_classifier:
            raise ValueError(
                f"the hidden view needs a classifier with 2 inputs; {trace.path.name} has "
                f"{data.X.shape[1]} input(s) ({data.task}); try --view network or --view loss")
        n_hidden = trace.L - 1
        if n_hidden < 1:
            raise ValueError(f"the hidden view needs a hidden layer; {trace.path.name} is "
                             f"{'-'.join(map(str, trace.sizes))}")
        if layer is None:
            layer = n_hidden
        try:
            layer_i = int(layer)
            if layer_i != float(layer):
                raise ValueError
        except (TypeError, ValueError):
            raise ValueError(f"hidden view: layer must be an integer 1..{n_hidden}, got {layer!r}") from None
        if not 1 <= layer_i <= n_hidden:
            raise ValueError(f"hidden view: layer {layer_i} is out of range; "
                             f"{trace.path.name} ({'-'.join(map(str, trace.sizes))}) has hidden "
                             f"layer{'s 1..' if n_hidden > 1 else ' '}{n_hidden}")
        try:
            n_lines = int(lines)
        except (TypeError, ValueError):
            raise ValueError(f"hidden view: lines must be an integer, got {lines!r}") from None
        if n_lines < 2:
            raise ValueError(f"hidden view: lines must be >= 2, got {n_lines}")
        self.layer, self.data = layer_i, data
        self.units = trace.sizes[layer_i]
        self.act = trace.activation_names[layer_i - 1]
        self.mode = "direct" if self.units == 2 else ("line" if self.units == 1 else "pca")
        # the output is a function of layer l alone: in 2-D (or 1-D) it can colour the plane
        self.background = bool(background) and self.mode != "pca"
        # the input grid: n_lines lines per direction over the boundary view's box, 64 points each
        X_all = np.vstack([data.X, data.X_test]) if len(data.X_test) else data.X
        xs, ys, _ = grid_for(X_all, 2, margin)
        self.box = (xs[0], xs[-1], ys[0], ys[-1])
        t = np.linspace(0.0, 1.0, 64)
        gx, gy = np.linspace(xs[0], xs[-1], n_lines), np.linspace(ys[0], ys[-1], n_lines)
        vertical = [np.column_stack([np.full_like(t, x), ys[0] + t * (ys[-1] - ys[0])]) for x in gx]
        horizontal = [np.column_stack([xs[0] + t * (xs[-1] - xs[0]), np.full_like(t, y)]) for y in gy]
        self.input_lines = np.array(vertical + horizontal)  # (2 n_lines, 64, 2)
        self.n_line_pts = self.input_lines.shape[1]
        self.width = 1.0

    # ------------------------------------------------------------------ numerics
    def project(self, H: np.ndarray) -> np.ndarray:
        """Layer activations (..., n_units) -> screen coordinates (..., 2)."""
        H = np.asarray(H, float)
        if self.mode == "direct":
            return H.copy()
        if self.mode == "line":
            return np.concatenate([H, np.zeros_like(H)], axis=-1)
        with np.errstate(invalid="ignore", over="ignore"):  # a diverged run's inf/NaN stay NaN (not drawn)
            return (H - self.pca_mean) @ self.P

    def _rows(self, labels):
        """Line mode: the vertical position of each point, its class row plus a fixed spread."""
        spread = np.random.default_rng(0).uniform(-0.22, 0.22, len(labels))
        return np.asarray(labels, float) + spread

    def _points(self):
        """Everything pushed through the layer: grid line points, training, test points."""
        parts = [self.input_lines.reshape(-1, 2), self.data.X]
        if len(self.data.X_test):
            parts.append(self.data.X_test)
        return np.vstack(parts)

    def prepare(self, steps):
        tr, l = self.trace, self.layer
        rec = sorted({self.at(s) for s in steps})
        self._row = {s: i for i, s in enumerate(rec)}
        rec_all = np.asarray(tr.steps)
        idx = np.unique(np.linspace(0, len(rec_all) - 1, min(_N_LIMIT_STEPS, len(rec_all))).round().astype(int))
        ref = sorted(set(int(s) for s in rec_all[idx]) | set(rec))  # always holds the final step
        pick = np.array([ref.index(s) for s in rec])
        pts = self._points()
        H = evaluate_steps(tr, ref, pts, layer=l).astype(float)  # (n_ref, n_pts, n_units)
        if self.mode == "pca":
            # the final step's representation of the training points (of a diverged run: the last
            # sampled step where it is finite)
            n_grid = self.input_lines.shape[0] * self.n_line_pts
            H_X = H[:, n_grid: n_grid + len(self.data.X)]
            ok = [i for i in range(len(ref)) if np.isfinite(H_X[i]).all()] or [len(ref) - 1]
            self.pca_step = ref[ok[-1]]
            self.pca_mean, self.P, self.explained = pca_projection(np.nan_to_num(H_X[ok[-1]]))
        Y = self.project(H)  # (n_ref, n_pts, 2)
        # fixed limits: the activation's range when drawn directly, else everything over the run
        bounds = get_activation(self.act).range  # a bounded activation's own range
        if self.mode == "direct" and bounds is not None:
            lo, hi = bounds
            lim = np.array([[lo, lo], [hi, hi]], float)
        else:
            finite = Y[np.isfinite(Y).all(-1)]
            lim = np.array([finite.min(0), finite.max(0)]) if len(finite) else np.array([[-1.0, -1], [1, 1]])
        span = np.maximum(lim[1] - lim[0], 1e-6)
        pad = 0.05 * span.max()
        self.limits = (lim[0, 0] - pad, lim[1, 0] + pad, lim[0, 1] - pad, lim[1, 1] + pad)
        if self.mode == "line":
            pad = 0.05 * span[0]
            k = int(self.data.labels.max()) + 1 if len(self.data.labels) else 2
            self.limits = (lim[0, 0] - pad, lim[1, 0] + pad, -0.6, k - 0.4)
        Y = Y[pick]
        n_grid = self.input_lines.shape[0] * self.n_line_pts
        n_train = len(self.data.X)
        self.line_xy = Y[:, :n_grid].reshape(len(rec), self.input_lines.shape[0], self.n_line_pts, 2)
        self.point_xy = Y[:, n_grid: n_grid + n_train]
        self.test_xy = Y[:, n_grid + n_train:]
        if self.mode == "line":
            self.point_xy[..., 1] = self._rows(self.data.labels)
            if len(self.data.X_test):
                self.test_xy[..., 1] = self._rows(self.data.labels_test)
            self.line_xy = self.line_xy[:, :0]
        self.wrong = misclassified(tr, rec)
        if self.background:
            self._prepare_background(rec)
        # share of the row: what the fixed limits need at equal scales (the layout reads it after prepare)
        x0, x1, y0, y1 = self.limits
        self.width = 1.0 if self.mode == "line" else float(np.clip((x1 - x0) / (y1 - y0), 0.9, 1.5))

    def _prepare_background(self, rec):
        """The decision of layers l+1..L on a grid over the (direct, 2-unit) hidden plane."""
        x0, x1, y0, y1 = self.limits
        n = 120
        self.bxs = np.linspace(x0, x1, n)
        if self.mode == "line":  # the output along the unit's axis, the same in every row
            self.bys = np.array([y0, y1])
            G = self.bxs[:, None]
        else:
            self.bys = np.linspace(y0, y1, n)
            gx, gy = np.meshgrid(self.bxs, self.bys)
            G = np.column_stack([gx.ravel(), gy.ravel()])
        Ws, bs = self.trace.param_stack(rec)
        l = self.layer
        out = forward_many(G, Ws[l:], bs[l:], self.trace.activation_names[l:])
        if self.mode == "line":
            out = np.repeat(out[:, None], 2, axis=1)
        self.bvalues = out.reshape(len(rec), len(self.bys), n, -1).astype(np.float32)
        if self.bvalues.shape[-1] == 1:  # as the boundary view: a scalar field through its colour table
            self.lut = confidence_lut(self.data.encoding, self.theme, levels=self.levels)
            self.bfield = signed_confidence(self.bvalues[..., 0], self.data.encoding)
        else:
            self.lut = None
            self.bfield = field_colors(self.bvalues, self.data.encoding, self.theme)
        self._segs = {}

    def palette_colors(self) -> np.ndarray:
        """Every colour the background can take (for a GIF's palette), (n, 3) uint8."""
        if not self.background:
            return np.zeros((0, 3), np.uint8)
        if self.lut is not None:
            return np.unique(self.lut[:, :3], axis=0)
        rgb = self.bfield.reshape(-1, 3)
        return np.unique(rgb[:: max(1, len(rgb) // 20000)], axis=0)

    def positions(self, step: int) -> np.ndarray:
        """Screen positions of the training points at frame ``step``, shape (n_samples, 2)."""
        return self.point_xy[self._row[self.at(step)]]

    # ------------------------------------------------------------------ drawing
    def _axis_labels(self):
        if self.mode == "direct":
            return "unit 1", "unit 2"
        if self.mode == "line":
            return "unit 1", ""
        e = self.explained
        return f"PC 1 ({percent(e[0], 0)} of variance)", f"PC 2 ({percent(e[1], 0)})"

    def setup(self, fig, spec):
        th, d = self.theme, self.data
        ax = self.ax = fig.add_subplot(spec)
        x0, x1, y0, y1 = self.limits
        self.artists = []
        if self.background:
            self.im = RasterField(ax, self.lut)  # covers the axes' limits, which are the field's extent
            self.im.set_animated(True)
            ax.add_artist(self.im)
            self.contour = LineCollection([], colors=th.text, linewidths=1.2, animated=True, zorder=2)
            ax.add_collection(self.contour)
            self.artists += [self.im, self.contour]
        n_l = self.input_lines.shape[0] // 2
        widths = np.full(2 * n_l, 0.6)
        widths[[0, n_l - 1, n_l, 2 * n_l - 1]] = 1.2  # the box's edges
        self.grid_lines = LineCollection(list(self.line_xy[0]), colors=th.muted, linewidths=widths,
                                         alpha=0.75, animated=True, zorder=1)
        ax.add_collection(self.grid_lines)
        self.artists.append(self.grid_lines)
        # markers: Line2Ds per class (Agg stamps a marker drawn once: ~6x faster than a scatter's
        # path collection, which matters as every point moves in every frame); training points
        # as the boundary view draws them: correct, misclassified (a cross in a ring)
        ms = (18 if len(d.X) <= 300 else 8) ** 0.5
        st = point_styles(th, ms)
        self.markers = []  # (artist, which points: "train"/"test", their indices, "right"/"wrong"/"all")
        for which, labels in (("train", d.labels), ("test", d.labels_test if len(d.X_test) else [])):
            labels = np.asarray(labels)
            for c in np.unique(labels):
                idx = np.flatnonzero(labels == c)
                color = th.class_color(int(c))
                roles = (("right", dict(mfc=color, **st["right"])), ("wrong", dict(mfc=color, **st["wrong"]))) \
                    if which == "train" else (("all", dict(mec=color, **st["test"])),)
                for role, style in roles:
                    line, = ax.plot([], [], ls="none", animated=True, zorder=5 if role == "wrong" else 3, **style)
                    self.markers.append((line, which, idx, role))
                    self.artists.append(line)
        self.rings, = ax.plot([], [], ls="none", animated=True, zorder=4, **st["ring"])
        self.artists.append(self.rings)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        xl, yl = self._axis_labels()
        ax.set_xlabel(xl)
        ax.set_ylabel(yl)
        if self.mode == "line":
            k = int(round(self.limits[3] + 0.4))
            names = list(d.class_names or []) if d.class_names else []
            ax.set_yticks(range(k), [names[c] if c < len(names) else f"class {c}" for c in range(k)])
            ax.set_aspect("auto")
        ax.tick_params(length=2)
        for side in ("top", "right"):
            ax.spines[side].set_visible(True)
        n = self.units
        title = f"hidden layer {self.layer}: {n} {self.act}"
        if self.mode == "pca":
            title += f"\nPCA of step {self.pca_step}"
        ax.set_title(f"{self.label}\n{title}" if self.label else title, fontsize=mpl.rcParams["axes.labelsize"])

    def update(self, step):
        i = self._row[self.at(step)]
        if self.background:
            self.im.set_field(self.bfield[i])
            if i not in self._segs:
                self._segs[i] = decision_segments(self.bxs, self.bys, self.bvalues[i], self.data.encoding)
            self.contour.set_segments(self._segs[i])
        self.grid_lines.set_segments(list(self.line_xy[i]))
        wrong = self._drawn_wrong = self.wrong[i]
        for line, which, idx, role in self.markers:
            if role != "all":
                idx = idx[wrong[idx] == (role == "wrong")]
            xy = (self.point_xy if which == "train" else self.test_xy)[i][idx]
            line.set_data(xy[:, 0], xy[:, 1])
        self.rings.set_data(self.point_xy[i][wrong, 0], self.point_xy[i][wrong, 1])
        return self.artists

    def drawn_positions(self) -> np.ndarray:
        """Where the training points are drawn now (after :meth:`update`), shape (n_samples, 2)."""
        out = np.full((len(self.data.X), 2), np.nan)
        for line, which, idx, role in self.markers:
            if which == "train":
                out[idx[self._drawn_wrong[idx] == (role == "wrong")]] = np.column_stack(line.get_data())
        return out
