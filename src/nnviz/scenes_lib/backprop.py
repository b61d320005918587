"""``BackpropFlow``: one step of backpropagation with the real numbers of a trace, then training.

What the viewer sees, all read from the trace:

1. the network, edges coloured by the sign of the weight (orange > 0, blue < 0) and as thick and
   opaque as the weight is large;
2. the forward pass for one training sample (probe sample 0): layer by layer the units fill with
   their activation ``a`` (orange > 0, blue < 0), values printed on small networks;
3. the backward pass: from the output back, each unit's error signal ``δ = ∂l/∂z`` as a pink ring
   (values printed on small networks);
4. the update from ``W(k)`` to ``W(k+1)``;
5. training: one ValueTracker runs over the recorded steps; edges, activations, step and loss follow.

Layers wider than 16 units show their first 8 and last 7 units around a vertical ellipsis, and
their true width underneath.
"""

from __future__ import annotations

import logging

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, UR, AnimationGroup, Circle, Create, Line, ShowPassingFlash,
                   ValueTracker, VGroup, linear)

from .common import (CURSOR, DELTA, MUTED, NEG, POS, SMALLEST_FONT, TEXT, Drive, FastNumber, NNVizScene, Readout,
                     Timing, duration, fade_in, fade_out, fmt, scene_trace, stack, text)
from .compute import shown_units, signed_scale

__all__ = ["BackpropFlow"]

log = logging.getLogger(__name__)

_SUP = str.maketrans("0123456789+-()lL", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ˡᴸ")


def sup(s) -> str:
    return str(s).translate(_SUP)


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sub(s) -> str:
    return str(s).translate(_SUB)


class BackpropFlow(NNVizScene):
    """Forward pass, backward pass and update of a real network, then its training."""

    #: trained when no trace is given: the benchmark's 2-8-8-1 tanh network on noisy moons
    default_spec = {
        "name": "backprop-moons",
        "data": {"name": "moons", "n": 100, "noise": 0.1, "seed": 0},
        "model": {"hidden": [8, 8], "activation": "tanh"},
        "train": {"steps": 60, "lr": 0.1, "record": "all"},
    }
    default_duration = 20.0
    max_units = 16   # wider layers are truncated
    label_units = 8  # print values when no layer shows more units than this
    sample = 0       # which probe sample the passes show

    @staticmethod
    def check(trace):
        """Raise ValueError if this scene cannot draw ``trace``."""
        if len(trace.steps) == 0:
            raise ValueError(f"{trace.path.name} has no recorded tensors")

    # ------------------------------------------------------------------ data
    def load(self):
        tr = self.trace = scene_trace("backprop", self.default_spec, record="auto")
        self.check(tr)
        self.sizes, self.L = tr.sizes, tr.L
        self.steps = tr.steps
        Ws, _ = tr.param_stack()
        self.Ws = [np.asarray(W, dtype=float) for W in Ws]              # (K, n_{l-1}, n_l)
        i = self.sample
        acts, deltas = [], []
        for k in self.steps:
            acts.append([a[i] for a in tr.activations(int(k))])
            deltas.append([d[i] for d in tr.deltas(int(k))])
        self.A = [np.array([a[l] for a in acts]) for l in range(self.L)]   # A[l-1]: (K, n_l)
        self.D = [np.array([d[l] for d in deltas]) for l in range(self.L)]
        pi = int(tr.probe_index[i])
        self.x = tr.data.X[pi].astype(float)
        self.t = tr.data.y[pi].astype(float)
        self.a_scale = [signed_scale(self.x, q=100)] + [signed_scale(A, q=100) for A in self.A]
        self.d_scale = [None] + [signed_scale(D, q=100) for D in self.D]
        self.w_scale = signed_scale(np.concatenate([W.ravel() for W in self.Ws]), q=99)

    # ------------------------------------------------------------------ layout
    #: the columns of units fill the height between the title and the layer names: from TOP (the
    #: highest circle's top) down to the layer names, whose lowest line ends at NAMES_BOTTOM (the
    #: caption underneath starts about 0.1 lower); circles are 0.9 of their spacing across
    TOP, NAMES_BOTTOM, FILL = 3.22, -3.28, 0.9
    #: the radius of the delta rings around the units, in unit radii
    RING = 1.28

    def layout(self):
        sizes = self.sizes
        self.shown = [shown_units(n, self.max_units) for n in sizes]
        slots = [len(u) + (e is not None) for u, e in self.shown]
        xs = self.xs = np.linspace(-4.6, 3.6, self.L + 1)

        # layer names underneath, with true widths: built first, their height sets the columns' bottom
        names = VGroup()
        for l, n in enumerate(sizes):
            if l == 0:
                head = "input"
            elif l == self.L:
                head = f"output · {self.trace.activation_names[-1]}"
            else:
                head = f"hidden {l} · {self.trace.activation_names[l - 1]}"
            width = f"{n} unit{'s' if n != 1 else ''}"
            lines = [text(head, 18, MUTED)]
            if lines[0].width > 0.92 * (xs[1] - xs[0]):   # deep networks: one word a line
                lines = [text(h, 18, MUTED) for h in head.split(" · ")]
            g = VGroup(*lines, text(width, 18, TEXT if self.shown[l][1] is not None else MUTED))
            names.add(g.arrange(DOWN, buff=0.1))
        names_top = self.NAMES_BOTTOM + max(g.height for g in names)
        bottom = names_top + 0.15
        span = self.TOP - bottom
        pitch = min(1.0, span / (max(slots) - 1 + self.FILL))     # the tallest column's spacing
        self.radius = r = min(0.42, 0.5 * self.FILL * pitch)
        spacings = [min(1.0, (span - 2 * r) / max(ns - 1, 1)) for ns in slots]
        y0 = (self.TOP + bottom) / 2
        for l, g in enumerate(names):
            g.move_to([xs[l], names_top, 0], aligned_edge=UP)
        self.layer_names = names

        self.pos = []       # pos[l][j]: centre of the j-th shown unit of layer l
        self.ellipses = VGroup()
        for l, ((units, ell), ns, spacing) in enumerate(zip(self.shown, slots, spacings)):
            ys = y0 + spacing * ((ns - 1) / 2 - np.arange(ns))
            keep = [s for s in range(ns) if s != ell]
            self.pos.append([np.array([xs[l], ys[s], 0.0]) for s in keep])
            if ell is not None:
                self.ellipses.add(text("⋮", 40 * min(1, spacing / 0.5), TEXT).move_to([xs[l], ys[ell], 0]))

        # the numbers in the units (small networks): as large as the widest one the scene shows
        # allows inside its circle, with a margin; fewer decimals for values of 10 and more. The
        # inputs are written beside their units, so these are the other layers' a (every step) and δ
        self.small = max(slots) <= self.label_units
        shown = np.concatenate([np.ravel(A) for A in self.A] + [D[0] for D in self.D])
        finite = shown[np.isfinite(shown)]
        top = float(np.max(np.abs(finite), initial=0.0))
        self.node_decimals = d = 2 if top < 9.995 else 1 if top < 99.95 else 0
        widest = fmt(-top if (finite < 0).any() else top, d)   # digits are equally wide: the longest
        self.node_size = FastNumber.fit_in_circle([widest, "nan"], 0.96 * r, largest=22)
        if self.small and self.node_size < SMALLEST_FONT:
            log.info("unit values need a %.1f-point font to fit their circles (smallest %g): not printed",
                     self.node_size, SMALLEST_FONT)
            self.small = False

        self.nodes = VGroup(*[VGroup(*[Circle(r, stroke_color=MUTED, stroke_width=2).move_to(p) for p in col])
                              for col in self.pos])
        self.rings = VGroup(*[VGroup(*[Circle(r * self.RING, stroke_color=DELTA, stroke_width=0, stroke_opacity=0)
                                       .move_to(p) for p in col]) for col in self.pos])
        self.edges = VGroup()  # edges[l-1][i][j]: from shown unit i of layer l-1 to unit j of layer l
        for l in range(1, self.L + 1):
            layer = VGroup()
            for p in self.pos[l - 1]:
                layer.add(VGroup(*[Line(p, q, buff=r, stroke_width=1) for q in self.pos[l]]))
            self.edges.add(layer)

    # ------------------------------------------------------------------ drawing helpers
    def edge_style(self, line, w):
        u = min(abs(w) / self.w_scale, 1.0)
        line.set_stroke(POS if w >= 0 else NEG, width=0.6 + 4.4 * u, opacity=0.18 + 0.82 * u)

    def set_weights(self, Ws):
        """Style every drawn edge from ``Ws[l-1]`` of shape (n_{l-1}, n_l)."""
        for l in range(1, self.L + 1):
            rows, cols = self.shown[l - 1][0], self.shown[l][0]
            W = Ws[l - 1]
            for a, i in enumerate(rows):
                for b, j in enumerate(cols):
                    self.edge_style(self.edges[l - 1][a][b], W[i, j])
        for num, (l, i, j) in zip(self.w_nums, self.edge_index):
            num.set_value(Ws[l - 1][i, j])

    def fill_layer(self, l, values, strength=1.0):
        """Fill the units of layer ``l`` with ``values`` (all units of the layer)."""
        s = self.a_scale[l]
        for node, u in zip(self.nodes[l], self.shown[l][0]):
            v = values[u]
            node.set_fill(POS if v >= 0 else NEG, opacity=strength * 0.8 * min(abs(v) / s, 1.0))

    def ring_layer(self, l, values, strength=1.0):
        s = self.d_scale[l]
        for ring, u in zip(self.rings[l], self.shown[l][0]):
            m = min(abs(values[u]) / s, 1.0)
            ring.set_stroke(DELTA, width=strength * (1 + 7 * m), opacity=strength * (0.25 + 0.75 * m))

    def set_node_numbers(self, l, values, color=TEXT, opacity=1.0):
        for num, u in zip(self.node_nums[l], self.shown[l][0]):
            num.set_value(values[u])
            num.set_fill(color, opacity=opacity)

    # ------------------------------------------------------------------ the scene
    def construct(self):
        self.load()
        self.layout()
        tr, L = self.trace, self.L
        T = Timing(duration(self.default_duration), intro=2.0, forward=4.0, backward=4.0, update=2.5,
                   train=6.0, hold=1.5)
        K = len(self.steps)
        k0 = int(self.steps[0])
        k1 = int(self.steps[1]) if K > 1 else k0
        arch = "-".join(map(str, self.sizes))
        title = text(f"Backpropagation in a {arch} network · {tr.data.name}", 30).to_edge(UP, buff=0.3)
        hud_step = Readout("step", k0, 0, 22)
        hud_loss = Readout("loss", tr.loss_at(k0), 4, 22)
        hud = stack([hud_step, hud_loss], 0.4)
        hud.to_corner(UR, buff=0.35).shift(0.55 * DOWN)

        def say(s, color=TEXT):
            new = text(s, 22, color)
            if new.width > 13.4:
                new.scale_to_fit_width(13.4)
            return new.to_edge(DOWN, buff=0.22)

        # numbers: in the units (small networks), on the edges (tiny networks), at the output
        r = self.radius
        self.node_nums = [VGroup(*[FastNumber(0, self.node_decimals, self.node_size).move_to(p) for p in col])
                          if self.small else VGroup() for col in self.pos]
        self.edge_index = [(l, i, j) for l in range(1, L + 1)
                           for i in self.shown[l - 1][0] for j in self.shown[l][0]]
        self.w_nums = VGroup()
        if len(self.edge_index) <= 12:
            for l in range(1, L + 1):
                n_from, n_to = len(self.shown[l - 1][0]), len(self.shown[l][0])
                # where the fan of edges is widest, so that the numbers do not collide
                at = 0.62 if n_from == 1 else 0.38 if n_to == 1 else 0.3
                for a in range(n_from):
                    for b in range(n_to):
                        line = self.edges[l - 1][a][b]
                        self.w_nums.add(FastNumber(0, 2, 16).move_to(line.point_from_proportion(at))
                                        .shift(0.17 * UP))
        inputs = VGroup()
        if self.shown[0][1] is None and len(self.shown[0][0]) <= 8:
            for p, u in zip(self.pos[0], self.shown[0][0]):
                inputs.add(text(f"x{sub(u + 1)} = {fmt(self.x[u])}", 20).next_to(p, LEFT, buff=r + 0.15))
        multi = len(self.shown[L][0]) > 1
        targets, y_nums = VGroup(), VGroup()
        for p, u in zip(self.pos[L], self.shown[L][0]):
            targets.add(text(f"{'t' + sub(u + 1) if multi else 't'} = {fmt(self.t[u])}", 20, MUTED)
                        .next_to(p, RIGHT, buff=self.RING * r + 0.15).shift(0.2 * DOWN))
            y = Readout(f"{'y' + sub(u + 1) if multi else 'y'} =", self.A[L - 1][0][u], 2, 20, CURSOR, CURSOR)
            y_nums.add(y.next_to(p, RIGHT, buff=self.RING * r + 0.15).shift(0.2 * UP).set_fill(opacity=0))

        # ---------------- the network at step k0
        self.set_weights([W[0] for W in self.Ws])
        self.nodes.set_fill(opacity=0)
        self.w_nums.set_fill(opacity=0)
        self.play(fade_in(title), Create(self.nodes), fade_in(self.ellipses), fade_in(self.layer_names),
                  fade_in(hud), run_time=T.intro * 0.45)
        self.play(Create(self.edges, lag_ratio=0.02), fade_in(inputs), fade_in(targets),
                  self.w_nums.animate.set_fill(opacity=1), run_time=T.intro * 0.55)
        # from here on the network is one group in drawing order, and every animation of it drives
        # the whole group: manim's Cairo renderer paints the mobjects an animation does not touch
        # once, underneath the ones it does, which would put node fills over their numbers
        self.net = VGroup(self.edges, self.rings, self.nodes, *self.node_nums, self.w_nums, y_nums)
        self.remove(self.edges, self.nodes, self.w_nums)
        self.add(self.net)
        for g in self.node_nums:
            g.set_fill(opacity=0)

        # ---------------- forward pass at step k0
        caption = say("forward pass:  z⁽ˡ⁾ = W⁽ˡ⁾ᵀ a⁽ˡ⁻¹⁾ + b⁽ˡ⁾,   a⁽ˡ⁾ = f(z⁽ˡ⁾)   for one training sample")
        self.play(fade_in(caption), run_time=T.forward * 0.1)
        per = T.forward * 0.9 / (L + 1)
        values = [self.x] + [A[0] for A in self.A]

        def light(l):
            def f(mob, alpha):
                self.fill_layer(l, values[l], alpha)
                if self.small and not (l == 0 and len(inputs)):
                    self.set_node_numbers(l, values[l], TEXT, alpha)
                if l == L:
                    y_nums.set_fill(opacity=alpha)
            return Drive(self.net, f)

        self.play(light(0), run_time=per)
        for l in range(1, L + 1):
            flash = VGroup(*[Line(e.get_start(), e.get_end(), stroke_color=CURSOR, stroke_width=4)
                             for row in self.edges[l - 1] for e in row])
            self.play(AnimationGroup(ShowPassingFlash(flash, time_width=0.6, run_time=per * 0.65),
                                     light(l), lag_ratio=0.6), run_time=per)

        # ---------------- backward pass at step k0
        new = say("backward pass:  δ⁽ᴸ⁾ = ∂l/∂z⁽ᴸ⁾,   δ⁽ˡ⁾ = f′(z⁽ˡ⁾) ⊙ W⁽ˡ⁺¹⁾δ⁽ˡ⁺¹⁾   (δ: pink rings and numbers)",
                  DELTA)
        self.play(fade_out(caption), fade_in(new), run_time=T.backward * 0.1)
        caption = new
        per = T.backward * 0.9 / L
        deltas = [None] + [D[0] for D in self.D]

        def blame(l):
            def f(mob, alpha):
                self.ring_layer(l, deltas[l], alpha)
                self.fill_layer(l, values[l], 1 - 0.65 * alpha)
                if self.small:
                    if alpha < 0.5:
                        self.set_node_numbers(l, values[l], TEXT, 1 - 2 * alpha)
                    else:
                        self.set_node_numbers(l, deltas[l], DELTA, 2 * alpha - 1)
            return Drive(self.net, f)

        for l in range(L, 0, -1):
            back = VGroup(*[Line(e.get_end(), e.get_start(), stroke_color=DELTA, stroke_width=4)
                            for row in self.edges[l - 1] for e in row])
            self.play(AnimationGroup(blame(l), ShowPassingFlash(back, time_width=0.6), lag_ratio=0.6),
                      run_time=per)

        # ---------------- update W(k0) -> W(k1)
        opt, lr = tr.config["train"]["optimizer"], tr.config["train"]["lr"]
        n_samples = len(tr.data.X)
        batch = tr.config["train"].get("batch_size", 0)
        over = (f"a minibatch of {batch}" if 0 < batch < n_samples else
                f"all {n_samples} samples" if n_samples > 1 else "the sample")
        if opt == "gd":
            what = f"update:  W⁽ˡ⁾ ← W⁽ˡ⁾ − η ∂C/∂W⁽ˡ⁾,  η = {lr:g};  ∂C/∂W⁽ˡ⁾ = mean of a⁽ˡ⁻¹⁾δ⁽ˡ⁾ᵀ over {over}"
        else:
            what = f"update: one {opt} step (η = {lr:g}) from ∂C/∂W⁽ˡ⁾ = mean of a⁽ˡ⁻¹⁾δ⁽ˡ⁾ᵀ over {over}"
        if k1 - k0 > 1:
            what += f"  (to step {k1}, the next recorded one)"
        new = say(what, CURSOR)
        self.play(fade_out(caption), fade_in(new), run_time=T.update * 0.2)
        caption = new
        W0 = [W[0] for W in self.Ws]
        W1 = [W[min(1, K - 1)] for W in self.Ws]

        def update(mob, alpha):
            self.set_weights([(1 - alpha) * a + alpha * b for a, b in zip(W0, W1)])
            for l in range(1, L + 1):
                self.ring_layer(l, deltas[l], 1 - alpha)
                if self.small:
                    self.set_node_numbers(l, deltas[l], DELTA, 1 - alpha)

        self.play(Drive(self.net, update), run_time=T.update * 0.8)
        hud_step.set_value(k1)
        hud_loss.set_value(tr.loss_at(k1))

        # ---------------- training over the recorded steps
        final = int(self.steps[-1])
        new = say(f"training: steps {k0} → {final}; the weights and this sample's activations, from the trace")
        idx = ValueTracker(min(1, K - 1))

        def refresh(mob):
            i = int(np.clip(np.floor(idx.get_value() + 1e-9), 0, K - 1))
            self.set_weights([W[i] for W in self.Ws])
            for l in range(1, L + 1):
                self.fill_layer(l, self.A[l - 1][i])
                if self.small:
                    self.set_node_numbers(l, self.A[l - 1][i])
            k = int(self.steps[i])
            hud_step.set_value(k)
            hud_loss.set_value(tr.loss_at(k))
            for y, u in zip(y_nums, self.shown[L][0]):
                y.set_value(self.A[L - 1][i][u])

        # every changing part in one group, added after the static parts
        driver = VGroup(self.net, hud)
        self.remove(self.net, hud)
        self.add(driver)
        self.play(fade_out(caption), fade_in(new), Drive(driver, lambda m, a: refresh(m)),
                  run_time=T.train * 0.08)
        driver.add_updater(refresh)
        self.play(idx.animate.set_value(K - 1), run_time=T.train * 0.92, rate_func=linear)
        driver.clear_updaters()
        if T.hold > 0:  # --hold 0: no pause
            self.wait(T.hold)
