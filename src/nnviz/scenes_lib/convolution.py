"""``ConvolutionFlow``: a filter of a trained CNN sliding over a probe digit, then 2x2 max-pooling.

What the viewer sees, all read from a convolutional trace (:func:`~nnviz.scenes_lib.compute.conv_walkthrough`):

1. the probe digit with its pixel values, inside the conv layer's ring of zero padding; one of the
   layer's filters (by default the one whose map of this digit is strongest) with its weights and
   bias at the recorded step, in the weight-sign colours (orange > 0, blue < 0);
2. the filter's window sliding over the padded digit, one output pixel at a time (slowly over the
   first windows that touch the digit): the sum of products ``Σ w·x``, ``z = Σ w·x + b`` and
   ``a = relu(z)`` for the window, and the feature map filling in with ``a``;
3. 2x2 max-pooling: a window over the feature map, its largest value outlined, the pooled map
   filling in with it.

The sums are computed from the trace's digit and parameters; ``z``, ``a`` and the pooled values
are the maps the trace recorded for that digit (the tests check that they agree, and that every
number drawn is the trace's).
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, UP, Rectangle, Square, ValueTracker, VGroup, config, interpolate_color, linear
from manim.utils.color import ManimColor

from .common import (BG, CURSOR, GRID, MUTED, NEG, PANEL, POS, SMALLEST_FONT, TEXT, FastNumber, NNVizScene, Readout,
                     Timing, duration, fade_in, fade_out, fmt, scene_trace, stack, text)
from .compute import conv_walkthrough

__all__ = ["ConvolutionFlow"]

_PANEL, _WHITE = ManimColor(PANEL), ManimColor("#FFFFFF")
_POS, _NEG = ManimColor(POS), ManimColor(NEG)


def _ramp(v, scale, signed=True):
    """The colour of value ``v``: the panel colour at 0, orange (> 0) or blue (< 0) at ``scale``."""
    t = float(np.clip(abs(v) / scale, 0.0, 1.0)) if scale > 0 else 0.0
    return interpolate_color(_PANEL, _POS if v >= 0 or not signed else _NEG, t)


def _decimals(values) -> int:
    """0 for whole numbers (the raw digits' 0..16), else 2 (below 10) or 1."""
    v = np.asarray(values, dtype=float)
    if np.all(v == np.round(v)):
        return 0
    return 2 if np.abs(v).max() < 10 else 1


def _cell_font(values, decimals, cell, largest=17.0):
    """(decimals, font size) at which the widest of ``values`` fits a cell ``cell`` units wide, with a
    margin, at :data:`SMALLEST_FONT` or more: fewer decimals if it must; size None if none fits."""
    for d in range(decimals, -1, -1):
        size = FastNumber.fit({fmt(float(v), d) for v in np.ravel(values)}, 0.88 * cell, 0.6 * cell, largest)
        if size >= SMALLEST_FONT:
            return d, size
    return decimals, None


class _Grid(VGroup):
    """A grid of square cells (row 0 at the top), each with a number that can be shown or hidden."""

    def __init__(self, rows, cols, cell, decimals, size, center):
        super().__init__()
        self.rows, self.cols, self.cell = rows, cols, cell
        self.cells = VGroup()
        self.nums = VGroup()
        self.numbered = size is not None   # False: the numbers do not fit, the colours alone show the values
        size = SMALLEST_FONT if size is None else size
        for i in range(rows):
            for j in range(cols):
                p = np.array(center) + cell * np.array([j - (cols - 1) / 2, (rows - 1) / 2 - i, 0.0])
                self.cells.add(Square(cell, stroke_color=GRID, stroke_width=1.5, fill_color=PANEL, fill_opacity=1)
                               .move_to(p))
                self.nums.add(FastNumber(0.0, decimals, size, max_chars=6).move_to(p))
        self.add(self.cells, self.nums)

    def at(self, i, j):
        return self.cells[i * self.cols + j]

    def number(self, i, j):
        return self.nums[i * self.cols + j]

    def set(self, i, j, value, color, show=True):
        """Fill cell (i, j) with ``color`` and write ``value`` (dark on light cells)."""
        cell, num = self.at(i, j), self.number(i, j)
        cell.set_fill(color, opacity=1)
        num.set_value(value)
        light = ManimColor(color).to_rgb().mean() > 0.55 if color is not None else False
        num.set_fill(BG if light else TEXT, opacity=1 if show and self.numbered else 0)

    def window(self, i, j, k, color=CURSOR, width=5):
        """A rectangle around the k x k cells whose top-left cell is (i, j)."""
        return Rectangle(width=k * self.cell, height=k * self.cell, stroke_color=color, stroke_width=width) \
            .move_to(self.corner(i, j, k))

    def corner(self, i, j, k):
        """The centre of the k x k block whose top-left cell is (i, j)."""
        return (self.at(i, j).get_center() + self.at(i + k - 1, j + k - 1).get_center()) / 2


class ConvolutionFlow(NNVizScene):
    """A real filter sliding over a probe digit, the feature map filling in, then 2x2 max-pooling."""

    default_spec = "digits-cnn-small"   # seed 002's CNN, 20 epochs
    default_duration = 22.0
    sample = 0     # which probe digit
    filt = None    # which filter (None: the strongest on this digit)
    slow = 3       # output pixels computed slowly, before the filter speeds up

    @staticmethod
    def check(trace):
        """Raise ValueError if this scene cannot draw ``trace``."""
        if not trace.is_convolutional:
            raise ValueError(f"ConvolutionFlow needs a convolutional trace (e.g. nnviz train digits-cnn); "
                             f"{trace.path.name} is a fully connected network: try BackpropFlow")
        if len(trace.steps) == 0:
            raise ValueError(f"{trace.path.name} has no recorded tensors")
        conv_walkthrough(trace, trace.final_step, ConvolutionFlow.sample)  # raises for a network it cannot draw

    def construct(self):
        tr = scene_trace("convolution", self.default_spec, record="auto", network="conv")
        self.check(tr)
        w = self.walk = conv_walkthrough(tr, None, self.sample, self.filt)
        self.shown = {}   # what is on screen: (kind, i, j) -> value, for the tests
        k, pad = w.W.shape[0], w.pad
        Hh, Ww = w.a.shape
        xp = w.padded
        N = Hh * Ww
        n_pool = 0 if w.pooled is None else w.pooled.size
        slow = min(self.slow, N)
        T = Timing(duration(self.default_duration), intro=2.5, slow=1.6 * slow, fast=6.0, pool=4.5 if n_pool else 0,
                   hold=2.0)

        cls = f" (a {tr.data.class_names[w.label] if tr.data.class_names else w.label})" if w.label is not None else ""
        # indices from 0, as the featuremaps view and trace.activations(k)[layer][probe, filter] count them
        title = text(f"Convolution: filter {w.filt} (of 0-{tr.network.layers[1].filters - 1}), {k}x{k}, on probe "
                     f"digit {w.sample} · step {w.step}", 28).to_edge(UP, buff=0.3)
        hint = text(f"{tr.network.describe()} · {tr.path.name}", 16, MUTED).next_to(title, DOWN, buff=0.12)

        # ---------------- the padded digit, the filter, the feature map, the pooled map
        n_in = xp.shape[0]
        c_in = min(0.47, 4.7 / n_in)
        x_dec, x_font = _cell_font(w.x, _decimals(w.x), c_in)
        grid_in = _Grid(n_in, xp.shape[1], c_in, x_dec, x_font, (-4.5, -0.45, 0))
        x_scale = float(np.abs(w.x).max()) or 1.0
        for i in range(n_in):
            for j in range(xp.shape[1]):
                inside = pad <= i < n_in - pad and pad <= j < xp.shape[1] - pad
                v = float(xp[i, j])
                if inside:
                    grid_in.set(i, j, v, interpolate_color(_PANEL, _WHITE, v / x_scale))
                    self.shown[("x", i - pad, j - pad)] = v
                else:   # the padding: zeros, drawn faintly
                    grid_in.set(i, j, 0.0, BG, show=False)
                    grid_in.at(i, j).set_stroke(GRID, width=1, opacity=0.5)
        in_label = text(f"the digit{cls}, {w.x.shape[0]}x{w.x.shape[1]}" + (f", zero padding {pad}" if pad else ""),
                        17, MUTED).next_to(grid_in, UP, buff=0.12)

        c_w = min(0.72, 2.2 / k)
        w_dec, w_font = _cell_font(w.W, 2, c_w)
        grid_w = _Grid(k, k, c_w, w_dec, w_font, (0.65, 1.25, 0))
        w_scale = float(np.abs(w.W).max()) or 1.0
        for i in range(k):
            for j in range(k):
                grid_w.set(i, j, w.W[i, j], _ramp(w.W[i, j], w_scale))
                self.shown[("W", i, j)] = float(w.W[i, j])
        w_label = text(f"filter {w.filt}: weights w", 17, MUTED).next_to(grid_w, UP, buff=0.12)
        bias = Readout("bias b =", w.b, 3, 18)
        bias.next_to(grid_w, DOWN, buff=0.2)
        self.shown[("b",)] = w.b

        # the map and the pooled map (half as tall) one above the other, each under its label, between
        # the hint (its label's top at 2.9) and the caption (the pooled map's bottom at -3.4)
        c_map = min(0.5, 3.56 / max(Hh, Ww))
        a_dec, a_font = _cell_font(w.a, 1 if np.abs(w.a).max() >= 1 else 2, c_map)
        map_top = 2.48
        grid_a = _Grid(Hh, Ww, c_map, a_dec, a_font, (4.9, map_top - Hh * c_map / 2, 0))
        a_scale = float(np.abs(w.a).max()) or 1.0
        map_label = text(f"feature map: a = {w.activation}(z)", 17, MUTED).next_to(grid_a, UP, buff=0.12)
        for cell in grid_a.cells:
            cell.set_fill(BG, opacity=1)
        grid_a.nums.set_fill(opacity=0)

        grid_p = pool_label = None
        if n_pool:
            Hp, Wp = w.pooled.shape
            grid_p = _Grid(Hp, Wp, c_map, a_dec, a_font, (4.9, map_top - Hh * c_map - 0.54 - Hp * c_map / 2, 0))
            for cell in grid_p.cells:
                cell.set_fill(BG, opacity=1)
            grid_p.nums.set_fill(opacity=0)
            pool_label = text("max-pooled 2x2", 17, MUTED).next_to(grid_p, UP, buff=0.12)

        # ---------------- the readouts of the current window
        r_pos = Readout("output pixel: row", 1, 0, 19)
        r_dot = Readout("Σ w·x =", 0.0, 3, 19)
        r_z = Readout("z = Σ w·x + b =", 0.0, 3, 19)
        r_a = Readout(f"a = {w.activation}(z) =", 0.0, 3, 19, color=CURSOR)
        panel = stack([r_pos, r_dot, r_z, r_a], 0.48)
        panel.move_to([0.3, -1.55, 0])
        r_col = Readout("column", 1, 0, 19)   # on the row's baseline, after room for two digits
        r_col.shift(np.array([r_pos.label.get_right()[0] + 0.55 - r_col.get_left()[0],
                              r_pos.num.anchor.points[0, 1] - r_col.num.anchor.points[0, 1], 0.0]))

        def say(s):
            return text(s, 20, TEXT).to_edge(DOWN, buff=0.25)

        caption = say(f"The filter slides over the digit: each output pixel is the sum of the {k * k} products "
                      "w·x plus b, then " + w.activation)
        win_in = grid_in.window(0, 0, k)
        # on the maps' orange the cursor's yellow is too close under deuteranopia (Delta E 11): white there
        win_a = grid_a.window(0, 0, 1, color=TEXT, width=4)

        def show_pixel(idx):
            i, j = divmod(idx, Ww)
            win_in.move_to(grid_in.corner(i, j, k))
            win_a.move_to(grid_a.at(i, j).get_center())
            r_pos.set_value(i + 1)
            r_col.set_value(j + 1)
            dot = w.window_sums[i, j] - w.b
            r_dot.set_value(dot)
            r_z.set_value(w.z[i, j])
            r_a.set_value(w.a[i, j])
            self.shown[("sum", i, j)], self.shown[("z", i, j)] = float(dot), float(w.z[i, j])
            for q in range(idx + 1):
                qi, qj = divmod(q, Ww)
                if ("a", qi, qj) not in self.shown:
                    grid_a.set(qi, qj, w.a[qi, qj], _ramp(w.a[qi, qj], a_scale))
                    self.shown[("a", qi, qj)] = float(w.a[qi, qj])

        static = [title, hint, grid_in, in_label, grid_w, w_label, bias, grid_a, map_label]
        if grid_p is not None:
            static += [grid_p, pool_label]
        self.play(fade_in(*static), run_time=T.intro * 0.6)
        show_pixel(0)
        self.play(fade_in(panel, r_col, win_in, win_a, caption), run_time=T.intro * 0.4)

        pos = ValueTracker(0.0)

        follow = _follower(pos, N, show_pixel)
        # z-order: what changes comes after the mobject with the updater, so that manim paints the
        # rest once and redraws only these each frame
        changing = [m for m in (win_in, grid_a, grid_p, panel, r_col, win_a) if m is not None]
        self.remove(*changing)
        self.add(*changing)
        win_in.add_updater(follow)
        # quickly to the first window on the digit, slowly over `slow` pixels, then quickly to the end
        on = np.flatnonzero(np.abs(w.window_sums - w.b).ravel() > 0)
        s0 = int(on[0]) if len(on) else 0
        s1 = min(s0 + slow - 1, N - 1)
        per_fast = T.fast / max(N - 1 - (s1 - s0), 1)

        def slide(to, seconds):
            if seconds >= 1.0 / config.frame_rate:
                self.play(pos.animate.set_value(to), run_time=seconds, rate_func=linear)
            else:   # shorter than a frame: jump there
                pos.set_value(to)
                follow(None)

        if s0:
            slide(s0, per_fast * s0)
        if s1 > s0:
            slide(s1 + 0.99, T.slow)
        else:
            self.wait(T.slow)
        if N - 1 > s1:
            slide(N - 1, per_fast * (N - 1 - s1))
        win_in.clear_updaters()
        show_pixel(N - 1)

        # ---------------- 2x2 max-pooling
        if n_pool:
            Hp, Wp = w.pooled.shape
            new_caption = say("2x2 max-pooling: each pooled pixel is the largest value of its window")
            r_max = Readout("largest of the window =", 0.0, 3, 19, color=CURSOR)
            r_max.move_to(panel, aligned_edge=LEFT).align_to(r_dot, DOWN)
            win_p = grid_a.window(0, 0, 2, color=TEXT, width=5)
            best = Square(c_map * 0.8, stroke_color=TEXT, stroke_width=4).move_to(grid_a.at(*w.argmax[0, 0]))
            win_pp = grid_p.window(0, 0, 1, color=TEXT, width=4)

            def show_window(idx):
                i, j = divmod(idx, Wp)
                win_p.move_to(grid_a.corner(2 * i, 2 * j, 2))
                best.move_to(grid_a.at(*w.argmax[i, j]).get_center())
                win_pp.move_to(grid_p.at(i, j).get_center())
                r_max.set_value(w.pooled[i, j])
                for q in range(idx + 1):
                    qi, qj = divmod(q, Wp)
                    if ("pooled", qi, qj) not in self.shown:
                        grid_p.set(qi, qj, w.pooled[qi, qj], _ramp(w.pooled[qi, qj], a_scale))
                        self.shown[("pooled", qi, qj)] = float(w.pooled[qi, qj])

            show_window(0)
            self.play(fade_out(win_in, win_a, r_dot, r_z, r_a, r_pos, r_col, caption),
                      fade_in(win_p, best, win_pp, r_max, new_caption), run_time=T.pool * 0.2)
            qpos = ValueTracker(0.0)

            follow_pool = _follower(qpos, n_pool, show_window)
            changing = [win_p, grid_p, best, win_pp, r_max]
            self.remove(*changing)
            self.add(*changing)
            win_p.add_updater(follow_pool)
            self.play(qpos.animate.set_value(n_pool - 1), run_time=T.pool * 0.8, rate_func=linear)
            win_p.clear_updaters()
            show_window(n_pool - 1)
        self.wait(T.hold)


def _follower(tracker, n: int, show):
    """An updater that calls ``show(i)`` when the tracker's value enters window ``i`` (0..n-1)."""

    def follow(_):
        idx = int(np.clip(np.floor(tracker.get_value() + 1e-9), 0, n - 1))
        if idx != follow.last:
            follow.last = idx
            show(idx)

    follow.last = 0
    return follow

