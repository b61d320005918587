"""``PerceptronRule``: seed 001's perceptron learning rule moving the boundary, point by point.

The data are :func:`nnviz.data.linear` (linearly separable, like seed 001's perceptron data), the
weights start from N(0, 1) as in the notebook, and every update
``β ← β + η tᵢ x̃ᵢ`` (for a point with ``sign(β·x̃ᵢ) ≠ tᵢ``) comes from
:func:`.compute.perceptron_rule`. The first updates are shown one by one; a ValueTracker runs
through the rest.
"""

from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UL, UP, Arrow, Circle, Dot, Rectangle, ValueTracker, VGroup, VMobject,
                   linear, smooth)

from .common import (CLASS_COLORS, CURSOR, MUTED, TEXT, NNVizScene, Readout, Timing, duration, fade_in,
                     fade_out, fmt, stack, text, to3)
from .compute import half_planes, perceptron_rule

__all__ = ["PerceptronRule"]


def _segment(beta, box):
    """Where the line β0 + β1 x + β2 y = 0 crosses the box: (2, 2) array, or None."""
    pos, _ = half_planes(beta, box)
    if len(pos) == 0:
        return None
    g = beta[0] + pos @ np.asarray(beta[1:])
    on = pos[np.abs(g) < 1e-9 * max(1.0, np.abs(beta).max())]
    if len(on) < 2:
        return None
    return on[[0, -1]]


class PerceptronRule(NNVizScene):
    """The perceptron learning rule of seed 001, exercise 1, one misclassified point at a time."""

    data_params = {"n": 40, "margin": 0.3, "seed": 0}
    eta = 0.1
    beta_seed = 1
    slow_updates = 3
    default_duration = 20.0

    def construct(self):
        from ..data import linear as linear_data

        d = linear_data(**self.data_params)
        X, t = d.X, d.y.reshape(-1)
        betas, visited, converged = perceptron_rule(X, t, eta=self.eta, seed=self.beta_seed)
        M = len(visited)
        Xt = np.hstack([np.ones((len(X), 1)), X])
        wrong = [int(np.sum(np.sign(Xt @ bb) != t)) for bb in betas]
        slow = min(self.slow_updates, M)
        T = Timing(duration(self.default_duration), intro=2.5, slow=3.0 * slow, fast=7.0 if M > slow else 0.0,
                   end=1.0, hold=1.5)

        # ---------------- the plane
        lim = float(np.abs(X).max()) * 1.15
        box = (-lim, lim, -lim, lim)
        side = 5.3
        center = np.array([-3.4, -0.2, 0.0])

        def P(xy):
            return to3(np.asarray(xy, dtype=float).reshape(-1, 2) / (2 * lim) * side) + center

        frame = Rectangle(width=side, height=side, stroke_color=MUTED, stroke_width=2).move_to(center)
        axes = VGroup(VMobject(stroke_color=MUTED, stroke_width=1).set_points_as_corners(P([[-lim, 0], [lim, 0]])),
                      VMobject(stroke_color=MUTED, stroke_width=1).set_points_as_corners(P([[0, -lim], [0, lim]])))
        axes.set_stroke(opacity=0.5)
        labels = VGroup(text("x₁", 20, MUTED).next_to(frame, DOWN, buff=0.12),
                        text("x₂", 20, MUTED).next_to(frame, LEFT, buff=0.12))
        col = {-1: CLASS_COLORS[0], 1: CLASS_COLORS[1]}
        pos_half = VMobject(stroke_width=0, fill_color=col[1], fill_opacity=0.22)
        neg_half = VMobject(stroke_width=0, fill_color=col[-1], fill_opacity=0.22)
        line = VMobject(stroke_color=TEXT, stroke_width=4)
        normal = Arrow(ORIGIN, RIGHT, buff=0, color=TEXT, stroke_width=4, max_tip_length_to_length_ratio=0.3)
        points = VGroup(*[Dot(p, radius=0.085, color=col[int(c)], stroke_color=TEXT, stroke_width=1.2)
                          for p, c in zip(P(X), t)])
        ring = Circle(radius=0.22, stroke_color=CURSOR, stroke_width=5).move_to(points[0]).set_stroke(opacity=0)
        legend = VGroup(
            VGroup(Dot(radius=0.08, color=col[1]), text("t = +1", 18, MUTED)).arrange(RIGHT, buff=0.1),
            VGroup(Dot(radius=0.08, color=col[-1]), text("t = −1", 18, MUTED)).arrange(RIGHT, buff=0.1),
            VGroup(Arrow(LEFT * 0.2, RIGHT * 0.25, buff=0, color=TEXT, stroke_width=3), text("(β₁, β₂)", 18, MUTED))
            .arrange(RIGHT, buff=0.1),
        ).arrange(RIGHT, buff=0.4).next_to(frame, UP, buff=0.12).align_to(frame, LEFT)

        def draw(beta):
            beta = np.asarray(beta, dtype=float)
            pos, neg = half_planes(beta, box)
            for mob, poly in ((pos_half, pos), (neg_half, neg)):
                if len(poly) >= 3:
                    mob.set_points_as_corners(P(np.vstack([poly, poly[:1]])))
                else:
                    mob.points = np.zeros((0, 3))
            seg = _segment(beta, box)
            w = beta[1:]
            if seg is None or not np.any(w):
                line.points = np.zeros((0, 3))
                normal.set_opacity(0)
                return
            line.set_points_as_corners(P(seg))
            # the normal (β₁, β₂) from the boundary point nearest the origin, towards t = +1
            foot = -beta[0] * w / (w @ w)
            if np.abs(foot).max() > lim * 0.9:
                foot = seg.mean(0)
            tip = foot + 0.5 * lim * w / np.linalg.norm(w)
            normal.put_start_and_end_on(P(foot)[0], P(tip)[0])
            normal.set_opacity(1)

        draw(betas[0])

        # ---------------- the rule and the numbers
        title = text("The perceptron learning rule, one point at a time (seed 001)", 30).to_edge(UP, buff=0.3)
        rule = VGroup(text("for a point with sign(β · x̃ᵢ) ≠ tᵢ:", 22, MUTED),
                      text("β ← β + η tᵢ x̃ᵢ", 32, CURSOR),
                      text(f"x̃ = (1, x₁, x₂),   η = {self.eta:g}", 22, MUTED))
        rule.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        rule.move_to([0.9, 2.5, 0], aligned_edge=UL)
        upd = Readout("update", 0, 0, 24, MUTED, TEXT, after=f"of {M}", widest=M)
        mis = Readout("misclassified points:", wrong[0], 0, 24, MUTED, TEXT)
        counters = stack([upd, mis], 0.45).next_to(rule, DOWN, buff=0.55).align_to(rule, LEFT)

        def beta_text(bb):
            return text(f"β = ({fmt(bb[0])}, {fmt(bb[1])}, {fmt(bb[2])})", 24)

        def point_text(k):
            i = visited[k]
            return text(f"x̃ᵢ = (1, {fmt(X[i, 0])}, {fmt(X[i, 1])}),  tᵢ = {'+1' if t[i] > 0 else '−1'}", 24,
                        col[int(t[i])])

        anchor = counters.get_corner(DOWN + LEFT) + 0.5 * DOWN
        beta_row = beta_text(betas[0]).move_to(anchor, aligned_edge=UL)
        point_row = text("start: β drawn from N(0, 1)", 24, MUTED).next_to(beta_row, DOWN, buff=0.2)
        point_row.align_to(beta_row, LEFT)
        cache = {}

        def rows(k):
            """Rows after update k (1-based); k = 0 is the start."""
            if k not in cache:
                b = beta_text(betas[k]).move_to(beta_row.get_corner(UL), aligned_edge=UL)
                p = (point_text(k - 1) if k > 0 else text("start", 24, MUTED))
                cache[k] = (b, p.next_to(b, DOWN, buff=0.2).align_to(b, LEFT))
            return cache[k]

        def cap(s, color=TEXT):
            c = text(s, 22, color)
            if c.width > 13.4:
                c.scale_to_fit_width(13.4)
            return c.to_edge(DOWN, buff=0.25)

        caption = cap("Orange side: β · x̃ > 0, predicted +1. The arrow is (β₁, β₂), normal to the boundary.")
        static = VGroup(title, frame, axes, labels, legend, rule)
        self.play(fade_in(static, pos_half, neg_half, points, line, normal, counters, beta_row, point_row, caption),
                  run_time=T.intro)
        # drawing order: static parts, then everything that moves (see DecisionBoundary)
        self.remove(pos_half, neg_half, line, normal, points, ring, counters, beta_row, point_row)
        self.add(pos_half, neg_half, line, normal, points, ring, counters, beta_row, point_row)

        # ---------------- the first updates, one by one
        for k in range(1, slow + 1):
            i = visited[k - 1]
            b_new, p_new = rows(k)
            ring.move_to(points[i])
            new_cap = cap(f"Point {i} is on the wrong side: add η tᵢ x̃ᵢ to β", CURSOR)
            self.play(ring.animate.set_stroke(opacity=1), fade_out(point_row, caption),
                      fade_in(p_new, new_cap), run_time=T.slow / slow * 0.4)
            point_row, caption = p_new, new_cap
            u = ValueTracker(0.0)
            b0, b1 = betas[k - 1], betas[k]

            def move(_, b0=b0, b1=b1, u=u):
                draw((1 - u.get_value()) * b0 + u.get_value() * b1)

            pos_half.add_updater(move)
            upd.set_value(k)
            mis.set_value(wrong[k])
            self.play(u.animate.set_value(1.0), fade_out(beta_row), fade_in(b_new), run_time=T.slow / slow * 0.6,
                      rate_func=smooth)
            pos_half.remove_updater(move)
            beta_row = b_new

        # ---------------- the rest, driven by one tracker
        if M > slow:
            new_cap = cap(f"… and so on, each misclassified point in turn ({M - slow} more updates)")
            self.play(fade_out(caption), fade_in(new_cap), run_time=0.3)
            caption = new_cap
            idx = ValueTracker(float(slow))
            shown = {"k": slow}

            def run(_):
                s = idx.get_value()
                k = int(np.clip(np.ceil(s - 1e-9), 1, M))       # the update in progress
                frac = float(np.clip(s - (k - 1), 0, 1))
                draw((1 - frac) * betas[k - 1] + frac * betas[k])
                ring.move_to(points[visited[k - 1]])
                done = int(np.clip(np.floor(s + 1e-9), 0, M))
                if done != shown["k"]:
                    b_new, p_new = rows(done)
                    beta_row.become(b_new)
                    point_row.become(p_new)
                    shown["k"] = done
                upd.set_value(done)
                mis.set_value(wrong[done])

            pos_half.add_updater(run)
            self.play(idx.animate.set_value(float(M)), run_time=T.fast, rate_func=linear)
            pos_half.remove_updater(run)

        # ---------------- converged
        end = (f"Converged after {M} updates: every point is on its side" if converged
               else f"Not converged after {M} updates")
        new_cap = cap(end, CURSOR)
        self.play(ring.animate.set_stroke(opacity=0), fade_out(caption), fade_in(new_cap), run_time=T.end)
        if T.hold > 0:  # --hold 0: no pause
            self.wait(T.hold)

