"""Universal approximation with sigmoid neurons (seed 004): ``BumpConstruction`` and
``ConstructedVsTrained``.

``BumpConstruction`` builds the argument step by step: a steep sigmoid is a step, two steps make a
bump, N bumps approximate f (and the error falls like 1/N), and with a sigmoid output unit the
bumps build σ⁻¹(f) instead. Every curve is the output of a real network from
:func:`nnviz.approx.bump_network` (with steps a tenth of a bump wide, :func:`.compute.default_step_weight`).

``ConstructedVsTrained`` puts that construction next to a network of the same width trained on
samples of f (read from a trace, or trained when the scene starts), with each network's hidden
units underneath: sharp hand-placed steps against smooth learned ones.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UL, UP, UR, Arrow, DashedVMobject, ValueTracker, VGroup, linear, smooth

from .common import (CURSOR, MUTED, NEG, POS, TEXT, NNVizScene, Readout, Timing, duration, fade_in,
                     fade_out, nice_ticks, plain_axes, polyline, scene_trace, set_polyline, stack, text)
from ..approx import bump_network, logit, sigmoid
from .compute import default_step_weight

__all__ = ["BumpConstruction", "ConstructedVsTrained", "curve_mapper"]


def curve_mapper(ax, y_range):
    """A vectorised (x, y) -> scene points function for plain axes, clipping y to the axes."""
    (x0, y0), lo, hi = (ax.x_range[0], ax.y_range[0]), y_range[0], y_range[1]
    p0 = np.array(ax.c2p(x0, y0))
    ex = np.array(ax.c2p(x0 + 1, y0)) - p0
    ey = np.array(ax.c2p(x0, y0 + 1)) - p0

    def to_scene(x, y):
        x = np.asarray(x, dtype=float).reshape(-1)
        y = np.clip(np.nan_to_num(np.asarray(y, dtype=float).reshape(-1), nan=lo), lo, hi)
        return p0 + (x - x0)[:, None] * ex + (y - y0)[:, None] * ey

    return to_scene


def _bumps(f, n: int, interval, output: str = "linear"):
    """N bumps approximating f on ``interval``, steps a tenth of a bump wide: an MLP [1, 2n, 1]."""
    return bump_network(f, n, interval=interval, w=default_step_weight(n, interval), output=output)


def _target(name="seed004"):
    from ..data import TARGETS

    t = TARGETS[name]
    return t.f, t.interval, t.formula


def _caption(s, color=TEXT):
    t = text(s, 22, color)
    if t.width > 13.4:
        t.scale_to_fit_width(13.4)
    return t.to_edge(DOWN, buff=0.25)


class BumpConstruction(NNVizScene):
    """Sigmoid → step → bump → N bumps ≈ f → the σ⁻¹ trick, with the error falling as N grows."""

    target = "seed004"
    default_duration = 28.0
    n_max = 40
    n_trick = 30

    def construct(self):
        f, (a, b), formula = _target(self.target)
        T = Timing(duration(self.default_duration), step=5.0, bump=5.0, many=9.0, trick=7.0, hold=2.0)
        xs = np.linspace(a, b, 700)
        title = text("Why one hidden layer of sigmoids can approximate any f", 30).to_edge(UP, buff=0.3)
        ax = plain_axes((a, b), (0, 1), 6.6, 4.4, x_ticks=[a, (a + b) / 2, b], y_ticks=[0, 0.5, 1], decimals=1,
                        x_label="x")
        VGroup(ax, ax.tick_labels).move_to([-3.2, -0.2, 0])
        P = curve_mapper(ax, (0, 1))
        side = np.array([0.9, 1.6, 0])   # top left corner of the text beside the plot

        # ---------------- 1. a steep sigmoid is a step
        s1, s2, h = 0.4, 0.6, 0.6
        logw = ValueTracker(np.log(2.0))
        step = polyline(P(xs, sigmoid(2.0 * (xs - s1))), CURSOR, 4)
        w_read = Readout("w =", 2.0, 1, 26, TEXT, CURSOR)
        info = VGroup(text("one hidden neuron", 22, MUTED), text("σ(w x + b) = σ(w (x − s))", 26),
                      text(f"step at s = −b/w = {s1:.2f}", 24), w_read).arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        info.move_to(side, aligned_edge=UL)
        cap = _caption("A steep sigmoid is a step: as w grows, σ(w(x − s)) jumps from 0 to 1 at s")

        def grow(_):
            w = float(np.exp(logw.get_value()))
            set_polyline(step, P(xs, sigmoid(w * (xs - s1))))
            w_read.set_value(w)

        self.play(fade_in(title, ax, ax.tick_labels, step, info, cap), run_time=T.step * 0.2)
        step.add_updater(grow)
        self.play(logw.animate.set_value(np.log(400.0)), run_time=T.step * 0.8, rate_func=smooth)
        step.clear_updaters()

        # ---------------- 2. two steps make a bump
        W = 400.0
        pos = ValueTracker(1.15)   # where the second step sits; it slides in from the right
        height = ValueTracker(1.0)
        up = polyline(P(xs, sigmoid(W * (xs - s1))), POS, 3).set_stroke(opacity=0.7)
        down = polyline(P(xs, sigmoid(W * (xs - pos.get_value()))), NEG, 3).set_stroke(opacity=0.7)
        bump = polyline(P(xs, sigmoid(W * (xs - s1))), CURSOR, 5)
        h_read = Readout("h =", 1.0, 2, 26, TEXT, CURSOR)
        info2 = VGroup(text("two neurons, output weights +h and −h", 22, MUTED),
                       text("h σ(w(x − s₁))", 26, POS), text("− h σ(w(x − s₂))", 26, NEG),
                       text("= a bump of height h on [s₁, s₂]", 24, CURSOR), h_read)
        info2.arrange(DOWN, aligned_edge=LEFT, buff=0.2).move_to(side, aligned_edge=UL)
        cap2 = _caption("Two steps make a bump: h σ(w(x − s₁)) − h σ(w(x − s₂)) is h on [s₁, s₂] and 0 elsewhere")

        def slide(_):
            hh, p2 = height.get_value(), pos.get_value()
            set_polyline(up, P(xs, hh * sigmoid(W * (xs - s1))))
            set_polyline(down, P(xs, hh * sigmoid(W * (xs - p2))))
            set_polyline(bump, P(xs, hh * (sigmoid(W * (xs - s1)) - sigmoid(W * (xs - p2)))))
            h_read.set_value(hh)

        self.play(fade_out(step, info, cap), fade_in(up, down, bump, info2, cap2), run_time=T.bump * 0.15)
        # updaters sit on the first changing mobject in drawing order: manim's Cairo renderer paints
        # everything before it once per play and redraws the rest each frame
        up.add_updater(slide)
        self.play(pos.animate.set_value(s2), run_time=T.bump * 0.5, rate_func=smooth)
        self.play(height.animate.set_value(h), run_time=T.bump * 0.35, rate_func=smooth)
        up.clear_updaters()

        # ---------------- 3. N bumps approximate f; the error falls like 1/N
        Ns = np.arange(1, self.n_max + 1)
        nets = {int(n): _bumps(f, int(n), (a, b)) for n in Ns}
        X = xs[:, None]
        approx = {n: net(X).reshape(-1) for n, net in nets.items()}
        err = np.array([np.max(np.abs(f(xs) - approx[int(n)])) for n in Ns])
        target = polyline(P(xs, f(xs)), TEXT, 3)
        fit = polyline(P(xs, approx[1]), CURSOR, 4)
        # error against N on log-log axes
        # log-log axes, drawn in shifted coordinates so that the axes cross at the bottom left
        lx, ly = np.log10(Ns), np.log10(err)
        ylo, yhi = np.floor(ly.min()), max(np.ceil(ly.max()), np.floor(ly.min()) + 1)
        eax = plain_axes((0, np.log10(self.n_max)), (0, yhi - ylo), 4.0, 2.6, x_label="N (bumps)",
                         y_label="max |f − f̂|")
        for n in (1, 10, self.n_max):
            eax.tick_labels.add(text(str(n), 16, MUTED).next_to(eax.c2p(np.log10(n), 0), DOWN, buff=0.12))
        for e in np.arange(ylo, yhi + 1e-9, 1.0):
            eax.tick_labels.add(text(f"{10 ** e:g}", 16, MUTED).next_to(eax.c2p(0, e - ylo), LEFT, buff=0.12))
        VGroup(eax, eax.tick_labels).move_to([4.35, 0.55, 0])
        E0 = curve_mapper(eax, (0, yhi - ylo))

        def E(x, y):
            return E0(x, np.asarray(y) - ylo)

        ref_y = ly[-1] + lx[-1] - lx   # a line of slope -1 through the last point
        ref = DashedVMobject(polyline(E(lx, ref_y), MUTED, 2), num_dashes=30)
        k20 = int(np.searchsorted(Ns, 20))
        ref_label = text("∝ 1/N", 18, MUTED).next_to(E([lx[k20]], [ref_y[k20]])[0], UR, buff=0.08)
        err_curve = polyline(E(lx[:1], ly[:1]), CURSOR, 3)
        n_read = Readout("N =", 1, 0, 24, MUTED, TEXT)
        u_read = Readout("hidden sigmoid units:", 2, 0, 24, MUTED, TEXT)
        e_read = Readout("max |f − f̂| =", err[0], 3, 24, MUTED, CURSOR)
        reads = stack([n_read, u_read, e_read], 0.45)
        reads.next_to(eax, DOWN, buff=0.75).align_to(eax, LEFT).shift(0.3 * LEFT)
        legend = VGroup(text(f"f(x) = {formula}", 18, TEXT), text("f̂: N bumps, heights f(bin middles)", 18, CURSOR))
        legend.arrange(DOWN, aligned_edge=LEFT, buff=0.08).next_to(ax, UP, buff=0.15).align_to(ax, LEFT)
        cap3 = _caption("N bumps of width 1/N with heights f(middle): the error falls like 1/N as N grows")
        nt = ValueTracker(1)

        def many(_):
            n = int(np.clip(round(nt.get_value()), 1, self.n_max))
            set_polyline(fit, P(xs, approx[n]))
            set_polyline(err_curve, E(lx[:n], ly[:n]))
            n_read.set_value(n)
            u_read.set_value(2 * n)
            e_read.set_value(err[n - 1])

        self.play(fade_out(up, down, bump, info2, cap2),
                  fade_in(target, fit, eax, eax.tick_labels, ref, ref_label, err_curve, reads, legend, cap3),
                  run_time=T.many * 0.12)
        fit.add_updater(many)
        self.play(nt.animate.set_value(self.n_max), run_time=T.many * 0.88, rate_func=linear)
        fit.clear_updaters()

        # ---------------- 4. the σ⁻¹ trick (the networks first: they check that 0 < f < 1)
        trick = {n: _bumps(f, n, (a, b), output="inverse-sigmoid") for n in range(2, self.n_trick + 1)}
        logit_f = logit(f(xs))
        zmax = float(np.ceil(np.max(np.abs(logit_f)) * 1.15 * 2) / 2)
        zax = plain_axes((a, b), (-zmax, zmax), 5.4, 3.4, x_ticks=[a, b], y_ticks=[-zmax, 0, zmax], decimals=1,
                         x_label="x", zero_line=True)
        oax = plain_axes((a, b), (0, 1), 5.4, 3.4, x_ticks=[a, b], y_ticks=[0, 0.5, 1], decimals=1, x_label="x")
        VGroup(zax, zax.tick_labels).move_to([-3.5, -0.1, 0])
        VGroup(oax, oax.tick_labels).move_to([3.6, -0.1, 0])
        Z, O = curve_mapper(zax, (-zmax, zmax)), curve_mapper(oax, (0, 1))
        heads = VGroup(text("into the output unit: Σ bumps ≈ σ⁻¹(f)", 22), text("out of it: σ(Σ bumps) ≈ f", 22))
        heads[0].next_to(zax, UP, buff=0.35)
        heads[1].next_to(oax, UP, buff=0.35)
        heads[1].match_y(heads[0])
        arrow = Arrow(zax.get_right() + 0.1 * RIGHT, oax.get_left() + 0.5 * LEFT, color=MUTED, buff=0.2)
        arrow_label = text("σ", 30, MUTED).next_to(arrow, UP, buff=0.05)
        zs = {n: net.forward(X).z[-1].reshape(-1) for n, net in trick.items()}
        outs = {n: net(X).reshape(-1) for n, net in trick.items()}
        z_target = DashedVMobject(polyline(Z(xs, logit_f), TEXT, 3), num_dashes=60)
        z_fit = polyline(Z(xs, zs[2]), CURSOR, 4)
        o_target = polyline(O(xs, f(xs)), TEXT, 3)
        o_fit = polyline(O(xs, outs[2]), CURSOR, 4)
        n2 = Readout("N =", 2, 0, 24, MUTED, TEXT)
        e2 = Readout("max |f − σ(Σ)| =", np.max(np.abs(outs[2] - f(xs))), 3, 24, MUTED, CURSOR)
        reads2 = VGroup(n2, e2).arrange(RIGHT, buff=0.8).next_to(VGroup(zax, oax), DOWN, buff=0.7)
        cap4 = _caption("With a sigmoid output unit (as in a classifier), bump heights σ⁻¹(f(middle)) "
                        "make σ(Σ bumps) ≈ f")
        self.play(fade_out(ax, ax.tick_labels, target, fit, eax, eax.tick_labels, ref, ref_label, err_curve, reads,
                           legend, cap3),
                  fade_in(zax, zax.tick_labels, oax, oax.tick_labels, heads, arrow, arrow_label, z_target, z_fit,
                          o_target, o_fit, reads2, cap4), run_time=T.trick * 0.15)
        nt2 = ValueTracker(2)

        def trick_n(_):
            n = int(np.clip(round(nt2.get_value()), 2, self.n_trick))
            set_polyline(z_fit, Z(xs, zs[n]))
            set_polyline(o_fit, O(xs, outs[n]))
            n2.set_value(n)
            e2.set_value(np.max(np.abs(outs[n] - f(xs))))

        z_fit.add_updater(trick_n)
        self.play(nt2.animate.set_value(self.n_trick), run_time=T.trick * 0.85, rate_func=linear)
        z_fit.clear_updaters()
        if T.hold > 0:  # --hold 0: no pause
            self.wait(T.hold)


class ConstructedVsTrained(NNVizScene):
    """The bump construction next to a trained network with as many hidden sigmoid units."""

    #: trained when no trace is given: 1-20-1 sigmoid network on seed 004's f
    default_spec = {
        "name": "constructed-vs-trained",
        "description": "1-20-1 sigmoid network on seed 004's f, Adam",
        "data": {"name": "seed004", "n": 200},
        "model": {"hidden": [20], "activation": "sigmoid", "output": "identity"},
        "init": {"weights": "glorot", "seed": 0},
        "train": {"loss": "mse", "optimizer": "adam", "lr": 0.02, "steps": 5000, "record": "auto"},
    }
    default_duration = 16.0

    @staticmethod
    def check(trace):
        """Raise ValueError if this scene cannot draw ``trace``."""
        if trace.sizes[0] != 1 or trace.sizes[-1] != 1 or trace.L != 2 or trace.is_classifier:
            raise ValueError(
                f"ConstructedVsTrained needs a 1-input, 1-output regression network with one hidden layer; "
                f"{trace.path.name} is {'-'.join(map(str, trace.sizes))} ({trace.data.task})")
        if trace.sizes[1] < 2:
            raise ValueError("ConstructedVsTrained needs at least 2 hidden units (one bump)")
        if len(trace.steps) == 0:
            raise ValueError(f"{trace.path.name} has no recorded tensors")

    def construct(self):
        from ..render.views.boundary import evaluate_steps

        tr = scene_trace("constructed-vs-trained", self.default_spec, record="auto")
        self.check(tr)
        d = tr.data
        a, b = float(d.X.min()), float(d.X.max())
        xs = np.linspace(a, b, 500)
        if d.target is not None:
            f = d.target
        else:  # the samples, joined up
            order = np.argsort(d.X[:, 0])
            xd, yd = d.X[order, 0], d.y[order, 0]

            def f(x):
                return np.interp(x, xd, yd)
        fx = np.asarray(f(xs), dtype=float).reshape(-1)
        H = tr.sizes[1]
        n = H // 2
        net = _bumps(f, n, (a, b))
        built = net(xs[:, None]).reshape(-1)
        built_hidden = net.forward(xs[:, None]).a[1]          # (m, 2n)
        built_v = net.params()[1][0][:, 0]
        steps = tr.steps
        K = len(steps)
        out = evaluate_steps(tr, steps, xs[:, None], out_dtype=float)[..., 0]         # (K, m)
        hidden = evaluate_steps(tr, steps, xs[:, None], layer=1, out_dtype=float)   # (K, m, H)
        v = tr.param_stack()[0][1][:, :, 0]                                          # (K, H) output weights
        act = tr.activation_names[0]

        T = Timing(duration(self.default_duration), intro=1.5, build=2.5, train=10.0, hold=2.0)
        lo = float(min(fx.min(), built.min(), np.nanmin(out)))
        hi = float(max(fx.max(), built.max(), np.nanmax(out)))
        pad = 0.08 * (hi - lo)
        yr = (lo - pad, hi + pad)
        yt, dec = nice_ticks(yr[1], yr[0], most=5)

        def panel(x_center):
            ax = plain_axes((a, b), yr, 5.8, 3.0, x_ticks=[], y_ticks=yt, decimals=dec, zero_line=True)
            hax = plain_axes((a, b), (0, 1), 5.8, 1.0, x_ticks=[a, b], y_ticks=[0, 1], decimals=0)
            g = VGroup(ax, ax.tick_labels, hax, hax.tick_labels)
            VGroup(ax, ax.tick_labels).move_to([x_center, 0.75, 0])
            VGroup(hax, hax.tick_labels).next_to(ax, DOWN, buff=0.35).align_to(ax, LEFT)
            return ax, hax, g

        lax, lhax, lg = panel(-3.45)
        rax, rhax, rg = panel(3.45)
        L, LH = curve_mapper(lax, yr), curve_mapper(lhax, (0, 1))
        R, RH = curve_mapper(rax, yr), curve_mapper(rhax, (0, 1))
        title = text(f"Constructed or trained: two 1-{H}-1 networks for the same f", 30).to_edge(UP, buff=0.3)
        w_built = float(net.params()[0][0][0, 0])
        lhead = text(f"constructed: {n} bump{'s' if n != 1 else ''}, {2 * n} units, w = {w_built:g}", 21)
        rhead = text(f"trained: {H} {act} units, {tr.config['train']['optimizer']}", 21)
        lhead.next_to(lax, UP, buff=0.25)
        rhead.next_to(rax, UP, buff=0.25)
        sub_l = text("hidden units σ(w x + b), coloured by the sign of v", 16, MUTED)
        sub_l.next_to(lhax, UP, buff=0.05).align_to(lhax, RIGHT)
        sub_r = text(f"hidden units {act}(w x + b)", 16, MUTED).next_to(rhax, UP, buff=0.05).align_to(rhax, RIGHT)
        if act != "sigmoid":
            hidden = (hidden - np.nanmin(hidden)) / max(np.nanmax(hidden) - np.nanmin(hidden), 1e-12)

        f_left, f_right = polyline(L(xs, fx), TEXT, 3), polyline(R(xs, fx), TEXT, 3)
        c_fit = polyline(L(xs, built), CURSOR, 4)
        c_units = VGroup(*[polyline(LH(xs, built_hidden[:, j]), POS if built_v[j] >= 0 else NEG, 1.5)
                           .set_stroke(opacity=0.8) for j in range(built_hidden.shape[1])])
        t_fit = polyline(R(xs, out[0]), CURSOR, 4)
        t_units = VGroup(*[polyline(RH(xs, hidden[0][:, j]), POS if v[0, j] >= 0 else NEG, 1.5)
                           .set_stroke(opacity=0.8) for j in range(H)])

        def errors(y):
            e = y - fx
            return float(np.max(np.abs(e))), float(np.sqrt(np.mean(e**2)))

        ce = errors(built)
        c_max = Readout("max error", ce[0], 3, 22)
        c_rms = Readout("RMS error", ce[1], 3, 22)
        t_step = Readout("step", int(steps[0]), 0, 20)
        t_max = Readout("max error", errors(out[0])[0], 3, 22)
        t_rms = Readout("RMS error", errors(out[0])[1], 3, 22)
        lread = VGroup(c_max, c_rms).arrange(RIGHT, buff=0.6).next_to(lhax, DOWN, buff=0.45)
        rread = VGroup(t_max, t_rms).arrange(RIGHT, buff=0.6).next_to(rhax, DOWN, buff=0.45)
        t_step.move_to(rax.get_corner(UR) + np.array([-1.9, -0.1, 0]), aligned_edge=UL)
        rread.add(t_step)
        cap = _caption("left: sharp steps placed by hand at the bin edges; right: smooth units found by training",
                       MUTED)
        legend = VGroup(text("f", 18, TEXT), text("network", 18, CURSOR), text("unit with v > 0", 18, POS),
                        text("v < 0", 18, NEG)).arrange(RIGHT, buff=0.35).next_to(title, DOWN, buff=0.15)

        self.play(fade_in(title, legend, lg, rg, lhead, rhead, sub_l, sub_r, f_left, f_right, cap),
                  run_time=T.intro)
        self.play(fade_in(c_fit, c_units, lread, t_fit, t_units, rread), run_time=T.build)
        idx = ValueTracker(0)

        def refresh(_):
            i = int(np.clip(np.floor(idx.get_value() + 1e-9), 0, K - 1))
            set_polyline(t_fit, R(xs, out[i]))
            for j, unit in enumerate(t_units):
                set_polyline(unit, RH(xs, hidden[i][:, j]))
                unit.set_stroke(POS if v[i, j] >= 0 else NEG)
            mx, rms = errors(out[i])
            t_step.set_value(int(steps[i]))
            t_max.set_value(mx)
            t_rms.set_value(rms)

        t_fit.add_updater(refresh)
        self.play(idx.animate.set_value(K - 1), run_time=T.train, rate_func=linear)
        t_fit.clear_updaters()
        if T.hold > 0:  # --hold 0: no pause
            self.wait(T.hold)
