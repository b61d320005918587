"""The neurons view: every hidden neuron's output over the input plane, TensorFlow Playground style.

Each hidden layer is a column; in it the first ``k`` neurons are stacked as small maps of their
activation ``a_j`` over the same grid as the boundary view (the data's box plus a margin). Wider
layers end with a "+N more" marker. The maps of one layer are composed into ONE image, so a frame
costs one ``imshow.set_data`` per layer, whatever the number of neurons.

Colour scale
------------
The colours are the boundary view's: the panel colour at the centre of the scale, orange above it,
blue below, stronger further away, in the same flat bands (option ``levels``, default 8 per side,
0 for a smooth ramp): the boundary view's lookup table
(:func:`~nnviz.render.views.boundary.confidence_lut`) indexed by the scaled value
``u = (a - centre) / half_width`` clipped to [-1, 1], so the bands are iso-lines of the activation
at fixed fractions of the scale. The scale is fixed per neuron for the whole animation, so a colour
change on screen is a change of the neuron, never of the scale:

- bounded activations use their own range: tanh ``-1 ... +1`` (centre 0); sigmoid and step
  ``0 ... 1`` (centre 0.5, where the pre-activation ``z`` is 0, i.e. the neuron's own line
  ``w . x + b = 0`` shows as the neutral band);
- unbounded activations (ReLU, leaky ReLU, ELU, softplus, identity) are centred on 0 and scaled
  by the neuron's largest ``|a|`` over the run (up to 48 recorded steps spread over the run, plus
  every frame of the animation): a ReLU map runs from the panel colour where the neuron is off
  (``a = 0``, its dead side) to full orange at the neuron's largest output. Because the sampled
  steps always include the spread over the whole run, a still of step k has the same colours as
  frame k of the movie.

The scale of each layer is written under its column ("−1 … 1", "0 … max").

Arrangement
-----------
TF Playground stacks a layer's neurons in one column. When the panel is wide and low (a 4:3
frame with the loss curve below, say), one column would make the maps tiny, so :meth:`setup`
wraps each layer into balanced sub-columns (8 maps: 4 + 4) if that makes the maps clearly larger.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.font_manager import FontProperties

from ...nn import get_activation
from ..base import View, register_view
from .boundary import confidence_lut, evaluate_steps, grid_for
from ..artists.image import fast_imshow
from ..style import hex_to_rgb

__all__ = ["NeuronsView", "activation_scale"]

_N_SCALE_STEPS = 48  # recorded steps (spread over the run) that fix the scale of unbounded units


def activation_scale(name: str, values: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Centre and half width of the colour scale of each unit of a layer.

    Parameters
    ----------
    name : str
        The layer's activation name.
    values : ndarray of shape (..., n_units), optional
        The layer's activations at every step and grid point the scale must cover (needed for
        unbounded activations).

    Returns
    -------
    centre, half_width : ndarray of shape (n_units,)
    """
    n = values.shape[-1] if values is not None else 1
    fixed = get_activation(name).scale  # a bounded activation's own range (the name table's)
    if fixed is not None:
        c, s = fixed
        return np.full(n, c), np.full(n, s)
    if values is None:
        raise ValueError(f"activation {name!r} is unbounded: its scale needs the values")
    flat = np.abs(values.reshape(-1, n))
    flat = np.where(np.isfinite(flat), flat, 0.0)  # a diverged run's inf/NaN do not set the scale
    s = flat.max(0) if len(flat) else np.ones(n)
    s = np.where(np.isfinite(s) & (s > 1e-12), s, 1.0)
    return np.zeros(n), s


def _scale_label(name: str) -> str:
    bounds = get_activation(name).range
    if bounds is not None:
        lo, hi = bounds
        return f"{lo:g} … {hi:g}".replace("-", "−")
    return "0 … max" if name in ("relu", "softplus") else "±max|a|"


@register_view
class NeuronsView(View):
    """Each hidden neuron's activation over the input plane, one column per hidden layer.

    Options
    -------
    k : int
        Neurons shown per layer (the first ``k``; default 8); wider layers get a "+N more" marker.
    resolution : int
        Grid points along the longer side of each map (default 48).
    margin : float
        Margin around the data, as a fraction of its extent (as the boundary view).
    levels : int
        Colour bands per side of the scale (default 8, as the boundary view); 0 for a smooth ramp.
    """

    name = "neurons"

    def __init__(self, trace, theme="light", label=None, k=8, resolution=48, margin=0.1, levels=8,
                 **unknown):
        super().__init__(trace, theme, label, **unknown)  # unknown options: one-line ValueError
        self.lut = confidence_lut("pm1", self.theme, levels=int(levels) if levels else None)[:, :3]
        data = trace.data
        if data.X.shape[1] != 2:
            raise ValueError(f"the neurons view needs 2 inputs; {trace.path.name} has {data.X.shape[1]}; "
                             "try --view network or --view loss")
        if trace.L < 2:
            raise ValueError(f"the neurons view needs a hidden layer; {trace.path.name} is "
                             f"{'-'.join(map(str, trace.sizes))}")
        try:
            self.k = int(k)
            resolution = int(resolution)
        except (TypeError, ValueError):
            raise ValueError(f"neurons view: k and resolution must be integers, got k={k!r}, "
                             f"resolution={resolution!r}") from None
        if self.k < 1:
            raise ValueError(f"neurons view: k must be >= 1, got {self.k}")
        if resolution < 4:
            raise ValueError(f"neurons view: resolution must be >= 4, got {resolution}")
        X_all = np.vstack([data.X, data.X_test]) if len(data.X_test) else data.X
        self.xs, self.ys, self.grid = grid_for(X_all, resolution, margin)
        self.nx, self.ny = len(self.xs), len(self.ys)
        #: hidden layers shown, 1-based
        self.layers = list(range(1, trace.L))
        self.shown = {l: min(self.k, trace.sizes[l]) for l in self.layers}
        self.gap = max(2, int(round(0.12 * self.nx)))  # pixels between two maps of a column
        self._col_gap = 0.45  # between columns, in map widths
        # share of its row (the boundary view takes 1.5): a column of maps per hidden layer, which
        # setup() may wrap into sub-columns when the panel is wide enough for larger maps
        self.width = min(1.8, 0.35 + 0.45 * len(self.layers))

    # ------------------------------------------------------------------ numerics
    def _scale_steps(self, rec):
        rec_all = np.asarray(self.trace.steps)
        idx = np.unique(np.linspace(0, len(rec_all) - 1, min(_N_SCALE_STEPS, len(rec_all))).round().astype(int))
        return sorted(set(int(s) for s in rec_all[idx]) | set(rec))

    def prepare(self, steps):
        rec = sorted({self.at(s) for s in steps})
        self._row = {s: i for i, s in enumerate(rec)}
        scale_steps = self._scale_steps(rec)
        pick = np.array([scale_steps.index(s) for s in rec])
        self.values, self.centre, self.half, self.rgb = {}, {}, {}, {}
        for l in self.layers:
            m = self.shown[l]
            name = self.trace.activation_names[l - 1]
            act = evaluate_steps(self.trace, scale_steps, self.grid, layer=l)  # (S, ny*nx, n_l)
            c, s = activation_scale(name, act)
            v = act[pick][..., :m].reshape(len(rec), self.ny, self.nx, m)
            self.values[l] = np.moveaxis(v, -1, 1)  # (n_rec, m, ny, nx)
            self.centre[l], self.half[l] = c[:m], s[:m]
            u = (self.values[l] - c[:m, None, None]) / s[:m, None, None]
            u = np.nan_to_num(u, nan=0.0, posinf=1.0, neginf=-1.0)  # NaN: neutral; inf: saturated
            idx = np.clip(((u + 1.0) * 0.5 * (len(self.lut) - 1) + 0.5).astype(np.intp), 0, len(self.lut) - 1)
            self.rgb[l] = self.lut[idx]  # (n_rec, m, ny, nx, 3) uint8
        self.images = None  # composed in setup(), once the arrangement is known

    def palette_colors(self) -> np.ndarray:
        """Every colour the maps can take, plus gaps and outlines (for a GIF's palette), (n, 3) uint8."""
        extra = np.array([hex_to_rgb(self.theme.background), hex_to_rgb(self.theme.grid)]) * 255 + 0.5
        return np.unique(np.vstack([self.lut, extra.astype(np.uint8)]), axis=0)

    def activation_map(self, step: int, layer: int, unit: int) -> np.ndarray:
        """The activation of ``unit`` (0-based) of hidden ``layer`` on the grid at the recorded
        step shown at ``step``; shape (ny, nx), row 0 at the lowest y (as :func:`grid_for`)."""
        return self.values[layer][self._row[self.at(step)], unit]

    def tile_slice(self, layer: int, unit: int) -> tuple[slice, slice]:
        """Pixel rows and columns of ``unit``'s map in ``layer``'s composed image (row 0 on top)."""
        col, row = divmod(unit, self.per_column)
        top, left = row * (self.ny + self.gap), col * (self.nx + self.gap)
        return slice(top, top + self.ny), slice(left, left + self.nx)

    # ------------------------------------------------------------------ arrangement
    def _arrange(self, w_px: float, h_px: float, text_px: float) -> int:
        """Maps per sub-column that make the maps largest in a panel of w_px x h_px pixels.

        A layer with more maps than that continues in a second sub-column (ties go to fewer
        sub-columns: one column per layer, as TF Playground, when it costs nothing)."""
        g = self.gap / self.nx
        h_map = self.ny / self.nx
        m_max = max(self.shown.values())
        best, best_r = -1.0, m_max
        for c in range(1, m_max + 1):  # sub-columns of the widest layer; balanced: 8 maps = 4 + 4
            r = -(-m_max // c)
            if c > 1 and r == best_r:
                continue
            cols = [-(-self.shown[l] // r) for l in self.layers]
            width = sum(cols) + sum(k - 1 for k in cols) * g + (len(cols) - 1) * self._col_gap
            height = r * h_map + (r - 1) * g
            size = min(w_px / width, max(h_px - text_px, 1.0) / height)
            if size > best * 1.08:
                best, best_r = size, r
        return best_r

    def _compose(self):
        """One image per layer: the maps in sub-columns, top to bottom, gaps in the background."""
        bg8 = np.clip(hex_to_rgb(self.theme.background) * 255 + 0.5, 0, 255).astype(np.uint8)
        self.images = {}
        for l in self.layers:
            m, rgb = self.shown[l], self.rgb[l]
            r = min(self.per_column, m)
            cols = -(-m // r)
            H, W = r * self.ny + (r - 1) * self.gap, cols * self.nx + (cols - 1) * self.gap
            img = np.empty((rgb.shape[0], H, W, 3), np.uint8)
            img[:] = bg8
            for j in range(m):
                rows, cs = self.tile_slice(l, j)
                img[:, rows, cs] = rgb[:, j, ::-1]  # grid row 0 is the lowest y; image row 0 is the top
            self.images[l] = img

    # ------------------------------------------------------------------ drawing
    def setup(self, fig, spec):
        th = self.theme
        ax = self.ax = fig.add_subplot(spec)
        ax.set_axis_off()
        # the panel's size in pixels, roughly: its share of the row's width, and its row's height
        # without matplotlib's default subplot margins (constrained layout uses far smaller ones)
        gs, sp = spec.get_gridspec(), fig.subplotpars
        ratios = list(gs.get_width_ratios() or [1.0] * gs.ncols)
        share = sum(ratios[c] for c in spec.colspan) / sum(ratios)
        box = spec.get_position(fig)
        w_px = 0.7 * share * fig.bbox.width  # the neighbours' tick labels and paddings take the rest
        h_px = 0.85 * box.height / max(sp.top - sp.bottom, 0.1) * fig.bbox.height
        fs = mpl.rcParams["font.size"] * fig.dpi / 72
        self.per_column = self._arrange(w_px, h_px, 5.2 * fs)
        self._compose()
        self.ims, outlines = {}, []
        fs_main = FontProperties(size=mpl.rcParams["axes.labelsize"]).get_size_in_points()
        fs_small = FontProperties(size=mpl.rcParams["xtick.labelsize"]).get_size_in_points()
        x0, bottom = 0.0, 0.0
        for l in self.layers:
            img = self.images[l]
            w, h = img.shape[2] / self.nx, img.shape[1] / self.nx
            self.ims[l] = fast_imshow(ax, img[0], extent=(x0, x0 + w, -h, 0.0), origin="upper",
                                      animated=True, zorder=1)
            for j in range(self.shown[l]):
                rows, cs = self.tile_slice(l, j)
                a, b = x0 + cs.start / self.nx, x0 + cs.stop / self.nx
                top, low = -rows.start / self.nx, -rows.stop / self.nx
                outlines.append([(a, low), (b, low), (b, top), (a, top), (a, low)])
            n, name = self.trace.sizes[l], self.trace.activation_names[l - 1]
            centre = x0 + w / 2
            # as legible as the tick labels of the other panels, whatever the frame size
            ax.annotate(f"{n} {get_activation(name).title}", (centre, 0.0), xytext=(0, 3),
                        textcoords="offset points", ha="center", va="bottom", fontsize=fs_small,
                        color=th.muted, annotation_clip=False)
            ax.annotate(f"layer {l}", (centre, 0.0), xytext=(0, 3 + 1.3 * fs_small),
                        textcoords="offset points", ha="center", va="bottom", fontsize=fs_main,
                        weight="bold", color=th.text, annotation_clip=False)
            below = 3.0
            more = n - self.shown[l]
            if more > 0:
                ax.annotate(f"+{more} more", (centre, -h), xytext=(0, -below), textcoords="offset points",
                            ha="center", va="top", fontsize=fs_main, color=th.text, annotation_clip=False,
                            gid="more")
                below += 1.3 * fs_main
            ax.annotate(_scale_label(name), (centre, -h), xytext=(0, -below), textcoords="offset points",
                        ha="center", va="top", fontsize=fs_small, color=th.muted, annotation_clip=False,
                        gid="scale")
            bottom = min(bottom, -h)
            x0 += w + self._col_gap
        self.outlines = LineCollection(outlines, colors=th.grid, linewidths=0.8, animated=True, zorder=2)
        ax.add_collection(self.outlines)
        ax.set_xlim(-0.02, x0 - self._col_gap + 0.02)
        ax.set_ylim(bottom - 0.02, 0.02)
        ax.set_aspect("equal", adjustable="box")
        if self.label:
            ax.set_title(self.label, fontsize="medium", pad=6 + 1.3 * (fs_main + fs_small))
        self.artists = list(self.ims.values()) + [self.outlines]

    def update(self, step):
        i = self._row[self.at(step)]
        for l, im in self.ims.items():
            im.set_data(self.images[l][i])
        return self.artists
