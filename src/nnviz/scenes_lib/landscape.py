"""``LossLandscape``: the loss surface in 3-D with the run's path rolling down it, the camera moving once.

The surface is :func:`nnviz.landscape` of the trace (the plane of the path's two principal
directions, centred on the final parameters), its height the logarithm of the cost, each face
coloured by its height; the path is drawn on the surface (at the cost of its projection onto the
plane) up to the current step, with a ball at the current step. The readouts show the step, the
trace's recorded loss and the surface's loss under the ball, and the share of the path's movement
that the plane holds, so that nobody mistakes the projection for the whole story. One ValueTracker
runs over the recorded steps while the camera turns once around the surface.
"""

from __future__ import annotations

import numpy as np
from manim import (DEGREES, DOWN, LEFT, UP, Dot3D, Surface, ThreeDScene, ValueTracker, VGroup, VMobject, color,
                   linear)

from .common import BG, CURSOR, MUTED, TEXT, Readout, Timing, duration, fade_in, scene_trace, set_polyline, stack, text

__all__ = ["LandscapeData", "LossLandscape"]

#: low loss -> high loss (the valleys dark blue, the ridges light: the nnviz dark theme's ramp, with hue)
RAMP = ("#1B3A5C", "#3F6E8C", "#8FB3C4", "#E8E1C8")


class LandscapeData:
    """Everything the scene draws, from a trace with numpy (no manim objects).

    Attributes
    ----------
    ls : Landscape
    height : ndarray of shape (resolution, resolution)
        ``log10`` of the surface's cost, clipped below at 4 decades under its largest value.
    path_height : ndarray of shape (n_steps,)
        The same for the cost under each path point.
    """

    def __init__(self, trace, resolution: int = 25):
        from ..landscape import landscape

        LossLandscape.check(trace)
        self.trace = trace
        self.ls = ls = landscape(trace, plane="pca", resolution=resolution, extent=1.15)
        top = float(np.nanmax(ls.loss[np.isfinite(ls.loss)]))
        positive = ls.loss[ls.loss > 0]
        self.floor = max(float(positive.min()) if positive.size else top * 1e-4, top * 1e-4)
        self.height = np.log10(np.clip(np.nan_to_num(ls.loss, nan=top, posinf=top), self.floor, top))
        self.path_height = np.log10(np.clip(ls.path_loss[0], self.floor, top))

    def to_scene(self, a, b, h, size=6.5, tall=3.2):
        """Plane coordinates and heights to scene points: the grid fills a ``size`` square, heights
        span ``tall`` units."""
        ls = self.ls
        (a0, a1), (b0, b1) = (ls.alpha[0], ls.alpha[-1]), (ls.beta[0], ls.beta[-1])
        lo, hi = float(self.height.min()), float(self.height.max())
        x = (np.asarray(a) - a0) / (a1 - a0) * size - size / 2
        y = (np.asarray(b) - b0) / (b1 - b0) * size - size / 2
        z = (np.asarray(h) - lo) / max(hi - lo, 1e-12) * tall - tall / 2
        return np.stack(np.broadcast_arrays(x, y, z), axis=-1)


class LossLandscape(ThreeDScene):
    """The loss surface of a run in 3-D, the path rolling down it, the camera turning once."""

    default_spec = "moons-adam"  # 2-8-1 tanh network on noisy moons, Adam: a smooth surface
    default_duration = 12.0

    @staticmethod
    def check(trace):
        """Raise ValueError if this scene cannot draw ``trace``."""
        from ..landscape import Surface

        Surface.of(trace)  # a table loss on data (not the ODE residual)
        if len(trace.steps) < 3:
            raise ValueError(f"LossLandscape needs at least 3 recorded steps; {trace.path.name} has "
                             f"{len(trace.steps)} (record with --record auto)")

    def setup(self):
        self.camera.background_color = BG

    def construct(self):
        tr = scene_trace("landscape", self.default_spec, record="auto")
        D = LandscapeData(tr)
        ls = D.ls
        K = len(ls.steps)
        T = Timing(duration(self.default_duration), intro=1.5, train=9.0, hold=1.5)
        R = len(ls.alpha)

        grid = D.to_scene(ls.alpha[None, :], ls.beta[:, None], D.height)  # (R, R, 3): [i (beta), j (alpha)]
        # the faces' corners are the grid points themselves (u: alpha index, v: beta index)
        surface = Surface(lambda u, v: grid[int(round(v)), int(round(u))], u_range=[0, R - 1], v_range=[0, R - 1],
                          resolution=(R - 1, R - 1), stroke_width=0.4, stroke_color=BG, fill_opacity=0.92)
        lo, hi = grid[..., 2].min(), grid[..., 2].max()
        ramp = [color.ManimColor(c) for c in RAMP]
        shades = color.color_gradient(ramp, 101)
        for face in surface:
            t = (face.get_center()[2] - lo) / max(hi - lo, 1e-12)
            face.set_fill(shades[int(round(100 * np.clip(t, 0, 1)))], opacity=0.92)
        self.face_heights = [float(f.get_center()[2]) for f in surface]  # for the tests

        lift = np.array([0.0, 0.0, 0.04])  # the path just above the faces, so that they do not hide it
        pts = D.to_scene(ls.path[:, 0], ls.path[:, 1], D.path_height) + lift
        path = VMobject(stroke_color=CURSOR, stroke_width=4)
        set_polyline(path, pts[:1])
        ball = Dot3D(pts[0], radius=0.09, color=CURSOR)
        start = Dot3D(pts[0], radius=0.06, color=TEXT)

        arch = "-".join(map(str, tr.sizes))
        title = text(f"The loss landscape of a {arch} network · {tr.config.get('name', tr.path.stem)}", 28)
        title.to_edge(UP, buff=0.3)
        share = text(f"the plane holds {100 * ls.explained:.0f} % of the path's movement", 20, MUTED)
        share.next_to(title, DOWN, buff=0.15)
        step_r = Readout("step", 0, 0, 22)
        loss_r = Readout("loss (trace)", ls.trace_loss[0][0], 4, 22)
        plane_r = Readout("loss (surface)", ls.path_loss[0][0], 4, 22)
        panel = stack([step_r, loss_r, plane_r], 0.42).to_corner(DOWN + LEFT, buff=0.4)
        self.add_fixed_in_frame_mobjects(title, share, panel)

        self.set_camera_orientation(phi=58 * DEGREES, theta=-50 * DEGREES, zoom=1.0)
        idx = ValueTracker(0.0)

        def refresh(_):
            i = int(np.clip(np.floor(idx.get_value() + 1e-9), 0, K - 1))
            set_polyline(path, pts[: i + 1] if i > 0 else pts[:1])
            ball.move_to(pts[i])
            step_r.set_value(int(ls.steps[i]))
            loss_r.set_value(ls.trace_loss[0][i])
            plane_r.set_value(ls.path_loss[0][i])

        refresh(None)
        self.play(fade_in(surface, start, path, ball), run_time=T.intro)
        path.add_updater(refresh)
        self.begin_ambient_camera_rotation(rate=(100 * DEGREES) / T.train)  # the one camera move
        self.play(idx.animate.set_value(K - 1), run_time=T.train, rate_func=linear)
        self.stop_ambient_camera_rotation()
        path.clear_updaters()
        self.wait(T.hold)
