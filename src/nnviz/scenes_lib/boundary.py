"""``DecisionBoundary``: the boundary of a 2-D classifier evolving with training, and its loss curve.

Left, the network's output over the input plane as an image (each pixel the colour of the class
the network favours, stronger where it is more confident; the palette of nnviz's GIFs), the
decision boundary as a line, the training points, and a ring around each point the network gets
wrong. Right, the loss over every training step with a
dot at the current step. One ValueTracker runs over the recorded steps; every number comes from
the trace.
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Circle, Dot, ImageMobject, Polygon, Rectangle, ValueTracker, VGroup,
                   VMobject, config, linear)
from manim.constants import RESAMPLING_ALGORITHMS

from ..formatting import percent
from ..render.style import THEMES
from ..render.views.boundary import point_styles
from .common import (CURSOR, GRID, MUTED, TEXT, NNVizScene, Readout, Timing, check_pillow, duration,
                     fade_in, nice_ticks, plain_axes, polyline, scene_trace, set_paths, set_polyline, stack, text,
                     to3)

__all__ = ["BoundaryData", "DecisionBoundary"]


class BoundaryData:
    """Everything the scene draws, computed from a trace with numpy (no manim objects)."""

    def __init__(self, trace, resolution: int = 160):
        from ..render.views.boundary import evaluate_steps, field_colors, grid_for, misclassified

        DecisionBoundary.check(trace)
        d = trace.data
        self.trace, self.data = trace, d
        self.steps = trace.steps
        self.xs, self.ys, grid = grid_for(d.X, resolution, margin=0.08, max_aspect=1.25)
        values = evaluate_steps(trace, self.steps, grid, dtype=np.float32)
        self.values = values.reshape(len(self.steps), len(self.ys), len(self.xs), -1)
        # (K, ny, nx, 3), row 0 = smallest y; the GIFs' colours (the dark theme, as the scenes)
        self.rgb = field_colors(self.values, d.encoding, THEMES["dark"])
        self.wrong = misclassified(trace, self.steps)  # (K, n) bool: the points drawn as crosses in rings
        self._lines: dict[int, list] = {}

    def contours(self, i: int) -> list:
        """The decision boundary at recorded step index ``i``: a list of (m, 2) polylines."""
        from ..render.views.boundary import decision_segments

        if i not in self._lines:
            self._lines[i] = decision_segments(self.xs, self.ys, self.values[i], self.data.encoding)
        return self._lines[i]


def _cross_points(r: float) -> np.ndarray:
    """The outline of a filled "X" as wide as a disc of radius ``r`` (a misclassified point)."""
    a, t = 1.25 * r, 0.34 * r  # arm reach, arm half-width
    arm = [(t, 0), (a, a - t), (a - t, a), (0, t)]  # one quarter, from the right corner to the top one
    quarter = np.array(arm, float)
    verts = []
    for k in range(4):  # rotate the quarter by 90 degrees each time
        c, s = np.cos(k * np.pi / 2), np.sin(k * np.pi / 2)
        verts += [(c * x - s * y, s * x + c * y, 0.0) for x, y in quarter]
    return Polygon(*verts).points


def _ticks(lo, hi):
    span = hi - lo
    step = 0.5 if span <= 3 else 1.0 if span <= 8 else 2.0 if span <= 16 else 5.0
    return np.arange(np.ceil(lo / step) * step, hi + 1e-9, step)


class DecisionBoundary(NNVizScene):
    """The decision boundary of a 2-D classifier through training, next to its loss curve."""

    default_spec = "moons"   # seed 003's 2-50-1 ReLU network
    uses_images = True       # an ImageMobject: needs a Pillow that manim can draw with
    default_duration = 12.0
    resolution = None   # grid points along the longer side; default: a quarter of the frame height

    @staticmethod
    def check(trace):
        """Raise ValueError if this scene cannot draw ``trace``."""
        d = trace.data
        if d.X.shape[1] != 2 or not trace.is_classifier:
            raise ValueError(f"DecisionBoundary needs a classifier with 2 inputs; {trace.path.name} has "
                             f"{d.X.shape[1]} input(s) ({d.task}); try BackpropFlow")
        if len(trace.steps) == 0:
            raise ValueError(f"{trace.path.name} has no recorded tensors")

    def construct(self):
        check_pillow()
        tr = scene_trace("boundary", self.default_spec, record="auto")
        res = self.resolution or int(np.clip(config.pixel_height / 4, 96, 200))
        B = BoundaryData(tr, res)
        d = B.data
        K = len(B.steps)
        T = Timing(duration(self.default_duration), intro=1.5, train=9.0, hold=1.5)

        arch = "-".join(map(str, tr.sizes))
        acts = "/".join(dict.fromkeys(tr.activation_names[:-1])) or tr.activation_names[-1]
        title = text(f"Decision boundary of a {arch} {acts} network · {d.name}", 30).to_edge(UP, buff=0.3)

        # ---------------- the plane: image, boundary, points
        xs, ys = B.xs, B.ys
        span_x, span_y = xs[-1] - xs[0], ys[-1] - ys[0]
        h = 5.6
        w = h * span_x / span_y
        if w > 6.2:
            w, h = 6.2, 6.2 * span_y / span_x
        center = np.array([-3.0, -0.4, 0.0])
        lo = center - np.array([w / 2, h / 2, 0])

        def to_scene(xy):
            xy = np.asarray(xy, dtype=float).reshape(-1, 2)
            return to3(np.column_stack([(xy[:, 0] - xs[0]) / span_x * w, (xy[:, 1] - ys[0]) / span_y * h])) + lo

        def rgba(i):
            img = B.rgb[i][::-1]  # image rows run top to bottom
            return np.concatenate([img, np.full(img.shape[:2] + (1,), 255, np.uint8)], axis=2)

        image = ImageMobject(rgba(0))
        image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["bilinear"])
        image.stretch_to_fit_width(w).stretch_to_fit_height(h).move_to(center)
        frame = Rectangle(width=w, height=h, stroke_color=MUTED, stroke_width=2).move_to(center)
        ticks = VGroup()
        for v in _ticks(xs[0], xs[-1]):
            p = to_scene([v, ys[0]])[0]
            ticks.add(text(f"{v:g}".replace("-", "−"), 16, MUTED).next_to(p, DOWN, buff=0.1))
        for v in _ticks(ys[0], ys[-1]):
            p = to_scene([xs[0], v])[0]
            ticks.add(text(f"{v:g}".replace("-", "−"), 16, MUTED).next_to(p, LEFT, buff=0.1))
        ticks.add(text("x₁", 20, MUTED).next_to(frame, DOWN, buff=0.35))
        ticks.add(text("x₂", 20, MUTED).next_to(frame, LEFT, buff=0.5))
        boundary = VMobject(stroke_color=TEXT, stroke_width=3)
        P = to_scene(d.X)
        r = 0.07 if len(P) <= 300 else 0.045
        # as the GIFs draw them (render.views.boundary.point_styles): a correct point is a disc of
        # its class colour, a misclassified one a cross of its class colour in a ring. Each class
        # is two VMobjects of many outlines (correct, misclassified) and the rings one more, reset
        # every frame: a few mobjects to redraw per frame instead of hundreds.
        dark = THEMES["dark"]
        st = point_styles(dark, 1.0)
        edge, ring_alpha = st["right"]["mec"], st["ring"]["mec"][3]  # the GIFs' edge colour, ring opacity
        dot_pts, cross_pts, ring_pts = Circle(radius=r).points, _cross_points(1.1 * r), Circle(radius=2.3 * r).points
        classes = [int(c) for c in np.unique(d.labels)]

        def marks(template, at):
            return np.vstack([template + p for p in at]) if len(at) else np.zeros((0, 3))

        def disc(color, width=1.0):  # a correct point (or, with cross_pts, a misclassified one)
            return VMobject(fill_color=color, fill_opacity=1, stroke_color=edge, stroke_width=width)

        def ring_vm():
            return VMobject(stroke_color=dark.text, stroke_width=3, stroke_opacity=ring_alpha)

        right_vm = {c: disc(dark.class_color(c)) for c in classes}
        wrong_vm = {c: disc(dark.class_color(c), 1.5) for c in classes}
        rings = ring_vm()
        points = VGroup(*right_vm.values(), rings, *wrong_vm.values())

        def show_points(wrong):
            for c in classes:
                right_vm[c].points = marks(dot_pts, P[(d.labels == c) & ~wrong])
                wrong_vm[c].points = marks(cross_pts, P[(d.labels == c) & wrong])
            rings.points = marks(ring_pts, P[wrong])

        # ---------------- the loss curve
        steps_all = tr.all_steps
        loss = np.asarray(tr.loss, dtype=float)
        ymax = float(np.nanmax(loss[np.isfinite(loss)])) * 1.08 if np.isfinite(loss).any() else 1.0
        last = int(steps_all[-1])
        yt, dec = nice_ticks(ymax)
        ax = plain_axes((0, max(last, 1)), (0, ymax), 5.4, 3.0, x_ticks=[], y_ticks=yt, decimals=dec,
                        x_label="step", y_label="training loss")
        for v in nice_ticks(last, most=4)[0]:
            ax.tick_labels.add(text(f"{v:g}", 16, MUTED).next_to(ax.c2p(v, 0), DOWN, buff=0.12))
        VGroup(ax, ax.tick_labels).move_to([3.9, 0.6, 0])
        pts = np.array([ax.c2p(s, v) for s, v in zip(steps_all, np.nan_to_num(loss, nan=0.0, posinf=ymax))])
        full = polyline(pts, GRID, 3)
        done = polyline(pts[:1], CURSOR, 3.5)
        dot = Dot(pts[0], radius=0.08, color=CURSOR)
        has_test = len(d.X_test) > 0 and np.isfinite(tr.test_loss).any()
        test_curve = VGroup()
        if has_test:
            tpts = np.array([ax.c2p(s, min(v, ymax)) for s, v in zip(steps_all, np.nan_to_num(tr.test_loss, nan=0.0))])
            test_curve = polyline(tpts, "#FF6B6B", 2).set_stroke(opacity=0.6)

        step_r = Readout("step", 0, 0, 24)
        loss_r = Readout("loss", loss[0], 4, 24)
        acc_r = Readout("accuracy", tr.accuracy[0], 0, 24, formatter=percent)  # 99.7%, never a rounded 100%
        wrong_r = Readout("misclassified", 0, 0, 24)
        panel = stack([step_r, loss_r, acc_r, wrong_r], 0.45)
        panel.next_to(ax, DOWN, buff=0.75).align_to(ax, LEFT).shift(0.4 * RIGHT)
        legend = VGroup()
        for c, name in enumerate(d.class_names or []):  # the points' own shapes, as drawn
            sample = disc(dark.class_color(c))
            sample.points = dot_pts.copy()
            legend.add(VGroup(sample, text(str(name), 18, MUTED)).arrange(RIGHT, buff=0.12))
        ring, cross = ring_vm(), disc(dark.muted, 1.5)
        ring.points, cross.points = ring_pts.copy(), cross_pts.copy()
        legend.add(VGroup(VGroup(ring, cross), text("misclassified", 18, MUTED)).arrange(RIGHT, buff=0.12))
        legend.arrange(RIGHT, buff=0.35).next_to(frame, UP, buff=0.15).align_to(frame, LEFT)

        idx = ValueTracker(0.0)

        def at():
            return int(np.clip(np.floor(idx.get_value() + 1e-9), 0, K - 1))

        def refresh(_):
            i = at()
            k = int(B.steps[i])
            image.pixel_array = rgba(i)
            set_paths(boundary, [to_scene(s) for s in B.contours(i)])
            wrong = B.wrong[i]
            show_points(wrong)
            j = int(np.searchsorted(steps_all, k))
            set_polyline(done, pts[: j + 1])
            dot.move_to(pts[j])
            step_r.set_value(k)
            loss_r.set_value(loss[j])
            acc_r.set_value(tr.accuracy[j])
            wrong_r.set_value(int(wrong.sum()))

        refresh(None)
        static = VGroup(frame, ticks, ax, ax.tick_labels, full, test_curve, legend)
        self.play(fade_in(title, static, image, boundary, points, done, dot, panel), run_time=T.intro)
        # z-order: the static parts first, then the image and everything drawn over it. The updater
        # sits on the image, the first mobject that changes, so that manim paints the static parts
        # once and redraws only the rest each frame.
        self.remove(image, boundary, points, done, dot, panel)
        self.add(image, boundary, points, done, dot, panel)
        image.add_updater(refresh)
        self.play(idx.animate.set_value(K - 1), run_time=T.train, rate_func=linear)
        image.clear_updaters()
        if T.hold > 0:  # --hold 0: no pause
            self.wait(T.hold)
