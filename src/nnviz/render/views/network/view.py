"""The network view: nodes, weights, activations, errors and updates of one training step.

Nodes sit in columns, one per layer; an edge's colour is the sign of its weight (orange > 0, blue
< 0) and its width and opacity grow as ``(|w| / max|w|)^p`` (``max`` over every layer and every
frame of the animation, so a thicker edge is a larger weight everywhere in the movie). A node's
fill is its activation ``a`` for the chosen sample, on the colour scale of the neurons view. Small
layers (up to ``label_units`` units) print their numbers: ``b``, ``z``, ``a`` and, in the backward
pass, ``δ`` on the nodes, ``w`` (or ``∂C/∂w``) on the edges. Wide layers (seed 003's 50 hidden
units) show the ``max_units`` most important units and a "… +34" marker, or (``wide="strips"``)
every unit as a thin column with the weight matrices as heat strips.

Numbers
-------
Every number printed comes from the trace: ``z``, ``a``, ``δ`` of probe sample ``sample`` (with
``sample="mean"``, of probe sample 0: a mean of activations is no forward pass of any input),
``W``/``b`` from ``trace.params(k)``,
the next parameters from ``trace.params(k + 1)`` (or, for full-batch gradient descent when step
``k + 1`` is not recorded, ``W - lr * dW``). Edge gradients are the chosen sample's own
``∂l/∂w_jk = δ_j a_k`` (eq. 3 for one sample), or the trace's batch gradient ``dW`` with
``sample="mean"``. Values print with :func:`format_value` (3 significant digits).

The package is split by job: :mod:`.phases` (the sub-frames of a training step),
:mod:`.numbers` (how values print), :mod:`.captions` (captions and the equations panel),
this module (the diagram) and :mod:`.backprop` (``nnviz backprop``'s movie).
"""

from __future__ import annotations

import logging
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.transforms import offset_copy

from ....nn import get_activation
from ...artists.text import FastText
from ...base import View, register_view
from ...style import SMALLEST_TEXT, THEMES
from . import captions
from .numbers import ARROW, format_value, sub, sup
from .data import StepData, read_step, resolved_loss

__all__ = ["NetworkView", "GRAD_COLORS"]

log = logging.getLogger(__name__)

#: Colours of gradients and errors (δ = ∂C/∂z), by sign: kept apart from the weight colours so
#: that a student never mistakes a gradient for a weight.
GRAD_COLORS = {name: (th.grad_pos, th.grad_neg) for name, th in THEMES.items()}  # from the one table


def _mix(base: np.ndarray, color: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Colours from ``base`` (u = 0) to ``color`` (u = 1), u of shape (n,) -> (n, 3)."""
    return base[None, :] + np.clip(u, 0, 1)[:, None] * (color - base)[None, :]


@register_view
class NetworkView(View):
    """The network itself: weights on edges, activations in nodes, errors in the backward pass.

    Options
    -------
    sample : int or "mean"
        Which probe sample's ``z``, ``a``, ``δ`` are shown (``trace.probe_index[sample]`` of the
        training data), or ``"mean"`` for the batch gradient ``dW``, ``db`` on the edges and biases
        beside probe sample 0's forward pass, loss and ``δ`` (captions say which is which).
    wide : {"subset", "strips"}
        Layers wider than ``max_units``: the most important units and a "… +N" marker, or every
        unit as a thin column with the weight matrices as heat strips.
    max_units : int
        Units drawn per layer in ``wide="subset"`` (default 16).
    rank : {"weight", "gradient"}
        How the subset is chosen: by ``‖w_in‖·‖w_out‖`` of the unit, or the same for the gradients,
        averaged over the frames.
    label_units : int
        Print values in layers of at most this many units (default 8).
    edge_labels : "auto", bool
        Print edge values: "auto" for layers with at most 10 edges between labelled layers.
    power : float
        Edge width and opacity grow as ``(|w| / max|w|)^power`` (default 0.5).
    equations : "auto", bool
        The four backprop equations beside the diagram ("auto": when the frames have phases).
    digits : int
        Significant digits of printed values (default 3).
    """

    name = "network"
    width = 1.3

    def __init__(self, trace, theme="light", label=None, sample=0, wide="subset", max_units=16, rank="weight",
                 label_units=8, edge_labels="auto", power=0.5, equations="auto", digits=3):
        super().__init__(trace, theme, label)
        n_probe = len(trace.probe_index)
        if isinstance(sample, str) and sample != "mean":
            try:
                sample = int(sample)
            except ValueError:
                raise ValueError(f"sample must be a probe sample index or 'mean', got {sample!r}") from None
        if sample != "mean":
            sample = int(sample)
            if not 0 <= sample < n_probe:
                raise ValueError(f"sample {sample} is out of range: the trace records {n_probe} probe "
                                 f"sample{'s' if n_probe != 1 else ''} (0..{n_probe - 1}) or 'mean'")
        if wide not in ("subset", "strips"):
            raise ValueError(f"wide must be 'subset' or 'strips', got {wide!r}")
        if rank not in ("weight", "gradient"):
            raise ValueError(f"rank must be 'weight' or 'gradient', got {rank!r}")
        if int(max_units) < 2:
            raise ValueError(f"max_units must be >= 2, got {max_units}")
        self.sample, self.wide, self.max_units, self.rank = sample, wide, int(max_units), rank
        self.label_units, self.edge_labels, self.power = int(label_units), edge_labels, float(power)
        self.equations, self.digits = equations, int(digits)
        self.sizes = list(trace.sizes)
        self.L = len(self.sizes) - 1
        self.acts = list(trace.activation_names)
        cfg = trace.config.get("train", {})
        self.loss_name = resolved_loss(trace)
        self.l2 = float(cfg.get("l2", 0.0) or 0.0)
        self.n_train = len(trace.data.X)
        self.grad_colors = (self.theme.grad_pos, self.theme.grad_neg)
        self._data: dict[int, StepData] = {}

    # ------------------------------------------------------------------ numbers from the trace
    def fmt(self, v) -> str:
        return format_value(v, self.digits)

    def step_data(self, k: int) -> StepData:
        """The numbers of recorded step ``k`` (cached)."""
        k = int(k)
        if k not in self._data:
            self._data[k] = read_step(self.trace, k, self.sample, self.loss_name)
        return self._data[k]

    # ------------------------------------------------------------------ prepare
    def prepare(self, steps):
        keys = list(steps)
        self._phased = any(getattr(s, "phase", None) for s in keys)
        self.show_equations = self._phased if self.equations == "auto" else bool(self.equations)
        self.width = 2.0 if self.show_equations else 1.5
        rec = sorted({self.at(s) for s in keys})
        for k in rec:
            self.step_data(k)
        ds = [self._data[k] for k in rec]
        L = self.L
        # one scale for every weight in the movie (edges comparable across layers and frames)
        wmax = max(float(np.abs(d.W[l]).max()) for d in ds for l in range(1, L + 1))
        if any(d.W_next is not None for d in ds):
            wmax = max(wmax, max(float(np.abs(d.W_next[l]).max()) for d in ds if d.W_next is not None
                                 for l in range(1, L + 1)))
        self.wmax = wmax if wmax > 0 else 1.0
        # activation colour scales (as the neurons view): fixed for bounded activations
        self.ascale = []
        X = self.trace.data.X
        self.ascale.append((0.0, float(np.abs(X).max()) or 1.0))
        for l in range(1, L + 1):
            s = get_activation(self.acts[l - 1]).scale
            if s is None:
                m = max(float(np.abs(d.a[l]).max()) for d in ds)
                s = (0.0, m if m > 0 else 1.0)
            self.ascale.append(s)
        self._choose_units(ds)

    def _choose_units(self, ds):
        """Which units each layer draws (all, or the most important ones of a wide layer)."""
        L, n = self.L, self.sizes
        self.units, self.hidden_count, self.dense = [], [], []
        for l in range(L + 1):
            if n[l] <= self.max_units:
                self.units.append(np.arange(n[l]))
                self.hidden_count.append(0)
                self.dense.append(False)
                continue
            if self.wide == "strips":
                self.units.append(np.arange(n[l]))
                self.hidden_count.append(0)
                self.dense.append(True)
                continue
            key = "W" if self.rank == "weight" else "gW"
            imp = np.zeros(n[l])
            for d in ds:
                M = getattr(d, key)
                w_in = np.linalg.norm(M[l], axis=0) if l >= 1 else 1.0
                w_out = np.linalg.norm(M[l + 1], axis=1) if l < L else 1.0
                imp += w_in * w_out
            keep = np.sort(np.argsort(-imp, kind="stable")[: self.max_units])
            self.units.append(keep)
            self.hidden_count.append(n[l] - len(keep))
            self.dense.append(False)

    # ------------------------------------------------------------------ geometry
    def _labelled(self, l) -> bool:
        return getattr(self, "mode", "full") != "none" and self.sizes[l] <= self.label_units

    def _edge_labelled(self, l) -> bool:
        if self.edge_labels == "auto":
            return (self._labelled(l - 1) and self._labelled(l) and self.sizes[l - 1] * self.sizes[l] <= 10
                    and not self.dense[l - 1] and not self.dense[l])
        return bool(self.edge_labels) and self._labelled(l - 1) and self._labelled(l)

    def _node_lines(self, l) -> list[str]:
        """The quantities a node of layer ``l`` prints in its full block."""
        if l == 0:
            return ["x"]
        lines = (["b"] if (l < self.L or self.trace.output_bias) else []) + ["z", "a"]
        if l == self.L:
            lines += ["t", "C"]
        return lines + ["delta"]

    def setup(self, fig, spec):
        if self.show_equations:
            gs = spec.subgridspec(1, 2, width_ratios=[2.3, 1.0], wspace=0.02)
            ax = self.ax = fig.add_subplot(gs[0, 0], axes_class=_LazyAxes)
            self.eq_ax = fig.add_subplot(gs[0, 1], axes_class=_LazyAxes)
            self.eq_ax._view = self
        else:
            ax = self.ax = fig.add_subplot(spec, axes_class=_LazyAxes)
            self.eq_ax = None
        ax.set_axis_off()
        ax._view = self
        import matplotlib as mpl

        self._rc_fontsize = float(mpl.rcParams["font.size"])
        self._built = None  # (W_px, H_px) of the built diagram
        self._last_key = None
        self.artists = []
        if self.eq_ax is not None:
            self.eq_ax.set_axis_off()

    def build(self, renderer=None):
        """Place nodes, edges and labels for the axes' real size (called at the first draw).

        The diagram is laid out in pixels (data coordinates = pixels of the axes), so it is built
        once the figure's layout has fixed the axes' size: from the axes' ``draw``.
        """
        ax, fig = self.ax, self.ax.figure
        ext = ax.get_window_extent(renderer)
        W_px, H_px = max(float(ext.width), 100.0), max(float(ext.height), 100.0)
        if self._built is not None and abs(self._built[0] - W_px) < 1 and abs(self._built[1] - H_px) < 1:
            return
        for a in getattr(self, "_owned", []):
            a.remove()
        axes = [ax] + ([self.eq_ax] if self.eq_ax is not None else [])
        before = {id(a) for x in axes for a in x.get_children()}
        self._build(fig, ax, W_px, H_px)
        if self.eq_ax is not None:
            captions.draw_equations(self, fig, self.eq_ax, renderer)
            self.artists += list(self.eq_boxes.values())
        self._owned = [a for x in axes for a in x.get_children() if id(a) not in before]
        for a in self._owned:
            a.set_in_layout(False)
        self._built = (W_px, H_px)
        if self._last_key is not None:
            self.update(self._last_key)
        if fig.canvas.is_saving():  # a still: real text, every artist drawn normally
            for a in self.artists:
                a.set_animated(False)

    def _build(self, fig, ax, W_px, H_px):
        self.W_px, self.H_px = W_px, H_px
        ax.set_xlim(0, W_px)
        ax.set_ylim(0, H_px)
        dpi = fig.dpi
        base_pt = self._rc_fontsize
        self.fs = fs = 0.82 * base_pt  # value labels, points
        self.px = px = dpi / 72.0  # pixels per point
        line = 1.32 * fs * px
        self.line_px = line
        char = 0.62 * fs * px  # DejaVu Sans digit width
        # try the richest labelling that fits: full blocks, one value per node, no values
        for mode in ("full", "compact", "none"):
            if self._geometry(mode, W_px, H_px, line, char):
                break
        self._static(fig, ax)
        self._dynamic(fig, ax)

    def _geometry(self, mode, W_px, H_px, line, char) -> bool:
        """Place columns and nodes for label ``mode``; False if its labels do not fit."""
        self.mode = mode
        L, n = self.L, self.sizes
        # vertical: slots per column; the tallest non-dense column sets the spacing
        slots = [0 if self.dense[l] else len(self.units[l]) + (1 if self.hidden_count[l] else 0) for l in range(L + 1)]
        M = max(max(slots), 1)
        top = 1.9 * line  # caption
        bottom = 2.9 * line  # layer titles and legend
        hidden_labelled = [l for l in range(1, L) if self._labelled(l) and not self.dense[l]]
        block_lines = max([len(self._node_lines(l)) for l in hidden_labelled] or [0])
        region = H_px - top - bottom
        max_sp = 0.36 * H_px
        r_cap = max(7.0, min(30.0, 0.045 * H_px))

        def vertical(lines_below):
            extra = (lines_below * line + 0.3 * r_cap + 6) if lines_below else 0.0
            sp = (region - extra - 2 * r_cap) / max(M - 1, 1) if M > 1 else 0.0
            sp = min(sp, max_sp)
            r = min(r_cap, max(4.0, 0.3 * sp)) if M > 1 else r_cap
            if lines_below and M > 1:  # the labels below a node fit above the next node
                r = max(4.0, min(r, (sp - lines_below * line - 8) / 2.3))
            return sp, r, extra

        self.full_blocks = mode == "full" and bool(hidden_labelled)
        lines_below = block_lines if self.full_blocks else (1 if hidden_labelled else 0)
        sp, r, extra = vertical(lines_below)
        ok = True
        if self.full_blocks and M > 1 and (sp < 2.3 * r + block_lines * line + 8 or r < 0.6 * r_cap):
            ok = False
        if mode == "compact" and hidden_labelled and M > 1 and r < 6:
            ok = False
        self.spacing, self.r = sp, r
        centre = bottom + extra + (region - extra) / 2
        # horizontal: margins for the input labels and the output block
        d = self.digits
        left = r + 12 + (char * (len("x₁ = ") + d + 4) if self._labelled(0) else char * 2)
        if self._labelled(L):
            out_w = char * ((3 + 2 * (d + 4) + 2) if mode == "full" else (d + 8))
        else:
            out_w = char * 2
        # the loss label sits under the output column when the output prints no block
        right = max(1.3 * r + 8 + out_w, 0.5 * char * (d + 8))
        gap = (W_px - left - right) / max(L, 1)
        edges = any(self._edge_labelled(l) for l in range(1, L + 1))
        need = {
            # a hidden block line "b: 0.105 → 0.353"; an edge label "0.126 → 0.250" between two nodes
            "full": max(char * (2 * (d + 4) + 5) + 12, (2.2 * r + char * (2 * (d + 4) + 2) + 8) if edges else 0.0),
            # one value "a = −0.758" under each node; an edge label "0.126" between two nodes
            "compact": max(char * (d + 8) + 10, (2.2 * r + char * (d + 5) + 8) if edges else 0.0),
            "none": 0.0,
        }[mode]
        if gap < need:
            ok = False
        self.xs = [left + l * gap for l in range(L + 1)]
        self.gap = gap
        self.pos, self.marker_y = [], []  # per layer: y of each drawn unit; y of the "… +N" marker
        for l in range(L + 1):
            if self.dense[l]:
                ys = np.linspace(centre + (region - extra) / 2 - r_cap, centre - (region - extra) / 2 + r_cap, n[l])
                self.pos.append(ys)
                self.marker_y.append(None)
                continue
            k = slots[l]
            ys = centre + (np.arange(k)[::-1] - (k - 1) / 2) * sp
            if self.hidden_count[l]:
                self.pos.append(ys[:-1])
                self.marker_y.append(ys[-1])
            else:
                self.pos.append(ys)
                self.marker_y.append(None)
        widest = max((n[l] for l in range(L + 1) if self.dense[l]), default=1)
        self.dense_h = (region - extra - 2 * r_cap) / max(widest - 1, 1)
        return ok

    # ------------------------------------------------------------------ static parts
    def _static(self, fig, ax):
        th, L, n = self.theme, self.L, self.sizes
        self._unit_numbers = []  # (l, j, y) of the unit numbers beside a wide layer's drawn units
        small = SMALLEST_TEXT * self._rc_fontsize
        y_title = 1.55 * self.line_px
        title_fs = 0.85 * self._rc_fontsize
        width_of = lambda text, fs: 0.6 * fs * self.px * len(text)  # noqa: E731  (DejaVu Sans, roughly)
        for l in range(L + 1):
            act = "" if l == 0 else get_activation(self.acts[l - 1]).title
            count = f" ({n[l]})" if n[l] > 1 else ""
            if l == 0:
                names = [f"input{count}", f"in{count}"]
            elif l == L:
                names = [f"output · {act}{count}", f"out · {act}{count}", act]
            else:
                h = f"hidden {l}" if L > 2 else "hidden"
                names = [f"{h} · {act}{count}", f"{'h' + str(l) if L > 2 else 'h'} · {act}{count}", f"{act}{count}", act]
            room = 0.95 * (self.gap if L > 0 else self.W_px)
            name = next((t for t in names if width_of(t, title_fs) <= room), names[-1])
            half = width_of(name, title_fs) / 2
            x = min(max(self.xs[l], half), self.W_px - half)  # inside the panel
            ax.text(x, y_title, name, ha="center", va="bottom", color=th.text, fontsize=title_fs)
            if self.hidden_count[l]:
                ax.text(self.xs[l], self.marker_y[l], f"… +{self.hidden_count[l]}", ha="center", va="center",
                        color=th.muted, fontsize=0.9 * self._rc_fontsize, gid=f"more[{l}]")
                # which units are drawn (1-based, as "unit 17 of 50"): placed with the value labels
                # (see _dynamic), which are drawn over the edges
                if self.spacing >= 0.9 * small * self.px:
                    self._unit_numbers += [(l, int(j), y) for j, y in zip(self.units[l], self.pos[l])]
        # legend (static): edge colours for weights and gradients, what fill and ring mean
        gpos, gneg = self.grad_colors
        long_items = [(th.positive, "w > 0"), (th.negative, "w < 0"), (gpos, "∂C/∂w, δ > 0"), (gneg, "∂C/∂w, δ < 0")]
        short_items = [(th.positive, "w>0"), (th.negative, "w<0"), (gpos, "∂>0"), (gneg, "∂<0")]
        note = f"width ∝ (|w|/max|w|)^{self.power:g} · fill: a · ring: δ"
        sw = 22.0

        def length(items, with_note):
            total = sum(sw + 5 + width_of(t + "   ", small) for _, t in items)
            return total + (width_of(note, small) if with_note else 0.0)

        for items, with_note in ((long_items, True), (long_items, False), (short_items, False)):
            if length(items, with_note) <= self.W_px:
                break
        x = 0.0
        y = 0.25 * self.line_px
        for color, text in items:
            ax.plot([x, x + sw], [y + 0.35 * self.line_px] * 2, color=color, lw=3.5, solid_capstyle="butt")
            ax.text(x + sw + 5, y, text, ha="left", va="bottom", color=th.text, fontsize=small)
            x += sw + 5 + width_of(text + "   ", small)
        if with_note:
            ax.text(x, y, note, ha="left", va="bottom", color=th.muted, fontsize=small)

    # ------------------------------------------------------------------ dynamic artists
    def _label(self, ax, x, y, dx=0.0, dy=0.0, ha="center", va="center", gid=None, size=None, color=None, box=True):
        tr = ax.transData if (dx == 0 and dy == 0) else offset_copy(ax.transData, fig=ax.figure, x=dx, y=dy, units="dots")
        t = FastText(ax.figure, x, y, "", box=(self.theme.background, 0.82) if box else None, ha=ha, va=va,
                     family="sans-serif",
                     fontsize=size or self.fs, color=color or self.theme.text, transform=tr, gid=gid,
                     animated=True, clip_on=False, zorder=6)
        t._offset = (dx, dy)
        ax.add_artist(t)
        t.set_clip_on(False)
        self.labels.append(t)
        return t

    def _dynamic(self, fig, ax):
        th, L, n = self.theme, self.L, self.sizes
        self.labels: list[FastText] = []
        r = self.r
        # edges, one collection for every layer that is drawn as edges
        segs, self.edge_index = [], []  # (l, k, j) per segment
        self.strips = {}
        for l in range(1, L + 1):
            if self.dense[l - 1] or self.dense[l]:
                continue
            for k, y0 in zip(self.units[l - 1], self.pos[l - 1]):
                for j, y1 in zip(self.units[l], self.pos[l]):
                    segs.append([(self.xs[l - 1] + (1 if self.dense[l - 1] else r), y0),
                                 (self.xs[l] - r, y1)])
                    self.edge_index.append((l, int(k), int(j)))
        self.edge_index = np.array(self.edge_index, int).reshape(-1, 3)
        self.edges = LineCollection(segs, animated=True, zorder=1, capstyle="round")
        ax.add_collection(self.edges)
        # heat strips of layers next to a dense column
        for l in range(1, L + 1):
            if not (self.dense[l - 1] or self.dense[l]):
                continue
            x0, x1 = self.xs[l - 1] + 0.3 * self.gap, self.xs[l] - 0.3 * self.gap
            tall = l if self.dense[l] else l - 1
            ys = self.pos[tall]
            h = self.dense_h
            other = l - 1 if tall == l else l
            ncol = len(self.units[other])
            im = ax.imshow(np.zeros((len(ys), ncol, 3), np.uint8), extent=(x0, x1, ys[-1] - h / 2, ys[0] + h / 2),
                           origin="upper", interpolation="nearest", aspect="auto", animated=True, zorder=1)
            self.strips[l] = (im, tall)
            # column headers and connectors from the narrow side's nodes
            cw = (x1 - x0) / ncol
            for c, (j, y) in enumerate(zip(self.units[other], self.pos[other])):
                xc = x0 + (c + 0.5) * cw
                name = (f"x{sub(j + 1)}" if other == 0 else f"{'y' if other == L else 'h'}{sub(j + 1)}")
                ax.text(xc, ys[0] + h / 2 + 6, name, ha="center", va="bottom", color=th.muted,
                        fontsize=SMALLEST_TEXT * self._rc_fontsize)
            ax.text((x0 + x1) / 2, ys[-1] - h / 2 - 4, f"W{sup(l)}" + ("ᵀ" if tall == l else ""),
                    ha="center", va="top", color=th.muted, fontsize=SMALLEST_TEXT * self._rc_fontsize)
        # nodes: one scatter for all, plus δ rings
        xy, self.node_index = [], []
        for l in range(L + 1):
            for j, y in zip(self.units[l], self.pos[l]):
                xy.append((self.xs[l], y))
                self.node_index.append((l, int(j)))
        xy = np.array(xy, float)
        self.node_index = np.array(self.node_index, int)
        pt = lambda v: v / self.px  # noqa: E731  (pixels -> points)
        sizes = np.array([(2 * pt(min(self.r, 0.42 * self.dense_h)) if self.dense[l] else 2 * pt(r)) ** 2
                          for l, _ in self.node_index])
        self.nodes = ax.scatter(xy[:, 0], xy[:, 1], s=sizes, marker="o", edgecolors=th.muted, linewidths=0.9,
                                animated=True, zorder=3)
        self.rings = ax.scatter(xy[:, 0], xy[:, 1], s=sizes * 1.55, marker="o", facecolors="none",
                                edgecolors="none", linewidths=2.6, animated=True, zorder=2)
        self.artists = [self.edges] + [im for im, _ in self.strips.values()] + [self.rings, self.nodes]

        # labels
        self.node_labels = {}  # (l, j) -> {quantity: FastText}
        self.compact_labels = {}  # (l, j) -> FastText
        line = self.line_px
        for l in range(L + 1):
            if not self._labelled(l) or self.dense[l]:
                continue
            for j, y in zip(self.units[l], self.pos[l]):
                x = self.xs[l]
                j = int(j)
                if l == 0:
                    name = "x" if n[0] == 1 else f"x{sub(j + 1)}"
                    t = self._label(ax, x, y, dx=-(r + 6), ha="right", gid=f"x[{j}]")
                    t._prefix = name
                    self.node_labels[(0, j)] = {"x": t}
                    continue
                qs = self._node_lines(l)
                if l == L and (n[L] == 1 or self.spacing >= len(qs) * line + 4):
                    labs = {}
                    for i, q in enumerate(qs):
                        dy = ((len(qs) - 1) / 2 - i) * line
                        labs[q] = self._label(ax, x, y, dx=1.3 * r + 8, dy=dy, ha="left", gid=f"{q}[{l}][{j}]")
                    self.node_labels[(l, j)] = labs
                elif l < L and self.full_blocks:
                    labs = {}
                    for i, q in enumerate(qs):
                        labs[q] = self._label(ax, x, y, dy=-(1.3 * r + 6 + (i + 0.5) * line), gid=f"{q}[{l}][{j}]")
                    self.node_labels[(l, j)] = labs
                elif l == L:  # nothing leaves the output layer: its labels go to the right
                    self.compact_labels[(l, j)] = self._label(ax, x, y, dx=1.3 * r + 4, ha="left",
                                                              gid=f"compact[{l}][{j}]")
                else:
                    self.compact_labels[(l, j)] = self._label(ax, x, y, dy=-(1.3 * r + 4 + 0.5 * line),
                                                              gid=f"compact[{l}][{j}]")
        # the loss of a wide/compact output goes under the output column
        self.loss_label = None
        if not any(("C" in v) for (l, _), v in self.node_labels.items() if l == L):
            ylow = min(self.pos[L]) if len(self.pos[L]) else 0
            self.loss_label = self._label(ax, self.xs[L], ylow, dy=-(r + 0.8 * line), gid="C")
        # edge labels, placed greedily along their edges where they hide no other label or node
        self.edge_labels_map = {}
        char, d = 0.62 * self.fs * self.px, self.digits
        w_edge = char * ((2 * (d + 4) + 2) if self.mode == "full" else (d + 5)) + 6
        taken = self._occupied(char)
        for l in range(1, L + 1):
            if not self._edge_labelled(l) or self.dense[l - 1] or self.dense[l]:
                continue
            for e, (ll, k, j) in enumerate(self.edge_index):
                if ll != l:
                    continue
                (x0, y0), (x1, y1) = segs[e]
                for f in (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82):
                    x, y = x0 + f * (x1 - x0), y0 + f * (y1 - y0)
                    box = (x - w_edge / 2, y - 0.55 * line, x + w_edge / 2, y + 0.55 * line)
                    if not any(_overlap(box, b) for b in taken):
                        taken.append(box)
                        self.edge_labels_map[e] = self._label(ax, x, y, gid=f"w[{l}][{k},{j}]")
                        break
                else:
                    log.debug("no room for the label of w[%d][%d,%d]", l, k, j)
        # unit numbers of wide layers, left of each node, on a background box above the edges
        for l, j, y in self._unit_numbers:
            t = self._label(ax, self.xs[l], y, dx=-(r + 3), dy=0.5 * r, ha="right", va="bottom",
                            size=SMALLEST_TEXT * self._rc_fontsize, color=th.muted, gid=f"unit[{l}][{j}]")
            t.set_text(str(j + 1))
        # caption (what happens in this sub-frame)
        self.caption = FastText(ax.figure, 0.0, 1.0, "", ha="left", va="top", fontsize=0.95 * self._rc_fontsize,
                                color=th.text, family="sans-serif", transform=ax.transAxes, animated=True,
                                clip_on=False, gid="caption")
        ax.add_artist(self.caption)
        self.artists += self.labels + [self.caption]

    def _occupied(self, char) -> list:
        """Pixel boxes (x0, y0, x1, y1) of the nodes and of their value labels."""
        boxes, line, r = [], self.line_px, self.r
        for l in range(self.L + 1):
            for y in self.pos[l]:
                x = self.xs[l]
                boxes.append((x - 1.3 * r, y - 1.3 * r, x + 1.3 * r, y + 1.3 * r))
        d = self.digits
        widths = {"b": 2 * (d + 4) + 4, "x": d + 9, "C": d + 9, "t": d + 8}  # "b: −0.536 → −0.370"
        for (l, j), labs in self.node_labels.items():
            for q, lab in labs.items():
                x, y = self._anchor(lab)
                w = char * widths.get(q, d + 8)
                ha = lab.get_horizontalalignment()
                x0 = x - w / 2 if ha == "center" else (x - w if ha == "right" else x)
                boxes.append((x0, y - 0.5 * line, x0 + w, y + 0.5 * line))
        for lab in self.compact_labels.values():
            x, y = self._anchor(lab)
            w = char * (self.digits + 8)
            x0 = x - w / 2 if lab.get_horizontalalignment() == "center" else x
            boxes.append((x0, y - 0.5 * line, x0 + w, y + 0.5 * line))
        return boxes

    def _anchor(self, lab):
        """A label's anchor in the diagram's pixel coordinates (data coordinates = pixels)."""
        x, y = lab.get_position()
        dx, dy = getattr(lab, "_offset", (0.0, 0.0))
        return x + dx, y + dy

    # ------------------------------------------------------------------ equations
    # ------------------------------------------------------------------ per frame
    def state(self, key) -> dict:
        """What sub-frame ``key`` shows: the layers with z, a, δ, gradients; the loss; the morph."""
        L = self.L
        phase, layer, t = getattr(key, "phase", None), getattr(key, "layer", None), getattr(key, "t", 1.0)
        st = {"z": L, "a": L, "loss": True, "delta": L + 1, "grad": L + 1, "update": None, "eqs": (), "phase": phase}
        if phase == "z":
            st.update(z=layer, a=layer - 1, loss=False, eqs=("F",))
        elif phase == "a":
            st.update(z=layer, a=layer, loss=False, eqs=("F",))
        elif phase == "forward":
            st.update(loss=False, eqs=("F",))
        elif phase == "loss":
            st.update(eqs=("C",))
        elif phase == "delta":
            st.update(delta=layer, grad=layer + 1, eqs=("1",) if layer == L else ("2",))
        elif phase == "backward":
            st.update(delta=1, eqs=("1", "2"))
        elif phase == "grad":
            st.update(delta=layer, grad=layer, eqs=("3", "4"))
        elif phase == "gradient":
            st.update(delta=1, grad=1, eqs=("3", "4"))
        elif phase == "update":
            st.update(delta=1, update=float(t), eqs=("U",))
        return st

    def _edge_colors(self, values, scale, pos, neg, floor=0.12):
        s = np.clip(np.abs(values) / scale, 0, 1) ** self.power
        rgb = np.where((values >= 0)[:, None], np.asarray(to_rgb(pos))[None, :], np.asarray(to_rgb(neg))[None, :])
        alpha = floor + (1 - floor) * s
        widths = 0.4 + 5.6 * s
        return np.column_stack([rgb, alpha]), widths

    def _matrix_rgb(self, M, scale, pos, neg):
        s = np.clip(np.abs(M) / scale, 0, 1) ** self.power
        bg = np.asarray(to_rgb(self.theme.panel))
        c = np.where((M >= 0)[..., None], np.asarray(to_rgb(pos)), np.asarray(to_rgb(neg)))
        rgb = bg + s[..., None] * (c - bg)
        return (rgb * 255).round().astype(np.uint8)

    def update(self, key):
        self._last_key = key
        if self._built is None:  # a still: drawn (and built) after this call
            return []
        th, L = self.theme, self.L
        k = self.at(key)
        d = self.step_data(k)
        st = self.state(key)
        t = st["update"]
        gpos, gneg = self.grad_colors
        # current weights (morphing in the update phase)
        Wnow = d.W if (t is None or d.W_next is None) else [None] + [(1 - t) * d.W[l] + t * d.W_next[l] for l in range(1, L + 1)]
        # gradient scale of this frame (over the layers whose gradients show)
        gl = [l for l in range(st["grad"], L + 1)]
        gmax = max([float(np.abs(d.gW[l]).max()) for l in gl] or [1.0]) or 1.0
        # edges
        if len(self.edge_index):
            li, ki, ji = self.edge_index.T
            vals = np.empty(len(li))
            is_grad = li >= st["grad"]
            for l in range(1, L + 1):
                m = li == l
                if m.any():
                    src = d.gW[l] if l >= st["grad"] else Wnow[l]
                    vals[m] = src[ki[m], ji[m]]
            cw, ww = self._edge_colors(vals, self.wmax, th.positive, th.negative)
            if is_grad.any():
                cg, wg = self._edge_colors(vals[is_grad], gmax, gpos, gneg)
                cw[is_grad], ww[is_grad] = cg, wg
            self.edges.set_color(cw)
            self.edges.set_linewidths(ww)
        for l, (im, tall) in self.strips.items():
            if l >= st["grad"]:
                M = d.gW[l]
                rgb = self._matrix_rgb(M, gmax, gpos, gneg)
            else:
                M = Wnow[l]
                rgb = self._matrix_rgb(M, self.wmax, th.positive, th.negative)
            rows, cols = (self.units[l - 1], self.units[l])
            rgb = rgb[np.ix_(rows, cols)]
            im.set_data(rgb.transpose(1, 0, 2) if tall == l else rgb)
        # nodes: fill by activation where a is known
        panel = np.asarray(to_rgb(th.panel))
        pos_c, neg_c = np.asarray(to_rgb(th.positive)), np.asarray(to_rgb(th.negative))
        li, ji = self.node_index.T
        fills = np.tile(panel, (len(li), 1))
        dvals = np.zeros(len(li))
        dshow = np.zeros(len(li), bool)
        for l in range(L + 1):
            m = li == l
            if not m.any():
                continue
            if l <= st["a"]:
                c, hw = self.ascale[l]
                u = (d.a[l][ji[m]] - c) / hw
                fills[m] = np.where((u >= 0)[:, None], _mix(panel, pos_c, np.abs(u)), _mix(panel, neg_c, np.abs(u)))
            if l >= 1 and l >= st["delta"]:
                dvals[m] = d.delta[l][ji[m]]
                dshow[m] = True
        self.nodes.set_facecolor(fills)
        rc = np.zeros((len(li), 4))
        if dshow.any():
            dmax = float(np.abs(dvals[dshow]).max()) or 1.0
            s = np.clip(np.abs(dvals) / dmax, 0, 1) ** self.power
            rc[:, :3] = np.where((dvals >= 0)[:, None], np.asarray(to_rgb(gpos)), np.asarray(to_rgb(gneg)))
            rc[:, 3] = np.where(dshow, 0.25 + 0.75 * s, 0.0)
        self.rings.set_edgecolor(rc)
        # labels
        f = self.fmt
        for (l, j), labs in self.node_labels.items():
            for q, lab in labs.items():
                lab.set_text(self._node_text(q, l, j, d, st, t))
        for (l, j), lab in self.compact_labels.items():
            text = ""
            if l >= st["delta"]:
                text = f"δ = {f(d.delta[l][j])}"
            elif l <= st["a"]:
                text = f"a = {f(d.a[l][j])}"
            elif l <= st["z"]:
                text = f"z = {f(d.z[l][j])}"
            lab.set_text(text)
        if self.loss_label is not None:
            self.loss_label.set_text(f"{self._loss_symbol()} = {f(d.loss)}" if st["loss"] else "")
        for e, lab in self.edge_labels_map.items():
            l, kk, jj = self.edge_index[e]
            if l >= st["grad"]:
                lab.set_text(f(d.gW[l][kk, jj]))
            elif t is not None and d.W_next is not None:
                if self.mode == "full":
                    lab.set_text(f"{f(d.W[l][kk, jj])}{ARROW}{f(d.W_next[l][kk, jj])}")
                else:  # no room for both: the old weight while it morphs, the new one at the end
                    lab.set_text(f(d.W_next[l][kk, jj] if t >= 1 else d.W[l][kk, jj]))
            else:
                lab.set_text(f(d.W[l][kk, jj]))
        self.caption.set_text(captions.caption_text(self, key, st, d))
        if self.eq_ax is not None:
            for q, box in self.eq_boxes.items():
                box.set_visible(q in st["eqs"])
        return self.artists

    def _loss_symbol(self):
        """The loss a node prints is one sample's: ``l``, or ``C`` when the batch is that sample."""
        return "C" if self.n_train == 1 else "l"

    def _node_text(self, q, l, j, d: StepData, st, t) -> str:
        f = self.fmt
        if q == "x":
            return f"{'x' if self.sizes[0] == 1 else 'x' + sub(j + 1)} = {f(d.a[0][j])}"
        if q == "b":
            if d.b[l] is None:
                return ""
            if l >= st["grad"]:
                return f"∂C/∂b = {f(d.gb[l][j])}"
            if t is not None and d.b_next is not None:
                return f"b: {f(d.b[l][j])}{ARROW}{f(d.b_next[l][j])}"
            return f"b = {f(d.b[l][j])}"
        if q == "z":
            return f"z = {f(d.z[l][j])}" if l <= st["z"] else ""
        if q == "a":
            return f"a = {f(d.a[l][j])}" if l <= st["a"] else ""
        if q == "t":
            return f"t = {f(d.target[j])}" if st["loss"] and d.target is not None else ""
        if q == "C":
            return f"{self._loss_symbol()} = {f(d.loss)}" if (st["loss"] and j == int(self.units[l][0])) else ""
        if q == "delta":
            return f"δ = {f(d.delta[l][j])}" if l >= st["delta"] else ""
        return ""


class _LazyAxes(Axes):
    """Axes that let their network view lay the diagram out at the first draw (real pixel size)."""

    def draw(self, renderer):
        view = getattr(self, "_view", None)
        if view is not None:
            view.build(renderer)
        return super().draw(renderer)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
