"""Phases of one training step
---------------------------
A frame key is an ``int``, the training step. The phases of a step are frame keys too:
:class:`SubFrame` is an ``int`` (the step, so every other view and the layout header treat it as
that step) that carries ``phase``, ``layer``, ``t`` (morph fraction) and ``hold`` (how many
movie frames it is shown for). :func:`phase_frames` lists the sub-frames of one step:

=============  ===============================================================  ==========
phase          what appears                                                      equation
=============  ===============================================================  ==========
``z``, l       ``z^l = a^{l-1} W^l + b^l`` on layer l (l = 1 .. L)               forward
``a``, l       ``a^l = f(z^l)`` fills layer l                                    forward
``loss``       the target ``t`` and the loss at the output                       C
``delta``, L   the output error ``δ^L``                                          (1)
``grad``, l    edges into layer l show ``∂C/∂w`` (gradient colours), ``∂C/∂b``  (3), (4)
``delta``, l   ``δ^l`` from ``δ^{l+1}`` (l = L-1 .. 1)                           (2)
``update``, t  edges morph from ``W(k)`` to ``W(k+1)`` (t = 1/m .. 1)           update
=============  ===============================================================  ==========

``detail="phases"`` groups them into six sub-frames: ``forward`` (every z and a), ``loss``, the
output error (``delta``, L), ``backward`` (every δ), ``gradient`` (every ∂C/∂w) and the update
(t = 1). A plain ``int`` key shows the state after the forward pass (what
``nnviz animate --view network`` draws). The layout passes keys through unchanged
(:meth:`nnviz.render.layout.Layout.frames` keeps ``int`` subclasses), so a sub-frame sequence is
simply the list of steps given to ``Layout.frames``; :func:`render_backprop` writes each sub-frame
``hold`` times.
"""

from __future__ import annotations

__all__ = ["SubFrame", "PHASES", "HOLD_SECONDS", "phase_frames", "backprop_frames", "next_params"]

#: Phase names of a training step (see the module docstring).
PHASES = ("z", "a", "forward", "loss", "delta", "backward", "grad", "gradient", "update")


class SubFrame(int):
    """A frame key for one phase of training step ``step``: an ``int`` equal to the step.

    Views that know nothing of phases see the step; the network view reads the attributes.

    Attributes
    ----------
    phase : str
        One of :data:`PHASES`.
    layer : int or None
        The layer the phase works on.
    t : float
        Morph fraction of the ``update`` phase, in (0, 1].
    hold : int
        How many movie frames show this sub-frame (>= 1).
    """

    def __new__(cls, step, phase: str, layer: int | None = None, t: float = 1.0, hold: int = 1):
        if phase not in PHASES:
            raise ValueError(f"unknown phase {phase!r}; choose from: {', '.join(PHASES)}")
        obj = super().__new__(cls, int(step))
        obj.phase, obj.layer, obj.t, obj.hold = phase, layer, float(t), max(1, int(hold))
        return obj

    @property
    def step(self) -> int:
        return int(self)

    def __repr__(self):
        extra = f", t={self.t:g}" if self.phase == "update" else ""
        return f"SubFrame({int(self)}, {self.phase!r}, layer={self.layer}{extra}, hold={self.hold})"

    def __reduce__(self):
        return (SubFrame, (int(self), self.phase, self.layer, self.t, self.hold))


#: Seconds each kind of sub-frame stays on screen (converted to frames with the fps).
HOLD_SECONDS = {"z": 0.7, "a": 0.7, "forward": 1.4, "loss": 1.2, "delta": 1.1, "backward": 1.2, "grad": 1.1,
                "gradient": 1.2, "update_end": 1.2}


def next_params(trace, step: int):
    """``[(W, b)]`` after the update of ``step``, or None if the trace cannot tell.

    ``trace.params(step + 1)`` when that step is recorded; for full-batch gradient descent
    ``W - lr * dW`` (exactly what the trainer did); None otherwise (the last step, or an
    optimizer with state such as Adam between recorded steps).
    """
    step = int(step)
    if step + 1 in set(int(s) for s in trace.steps):
        return trace.params(step + 1)
    if step >= int(trace.all_steps[-1]):
        return None
    t = trace.config.get("train", {})
    full_batch = not (0 < int(t.get("batch_size", 0)) < len(trace.data.X))
    if t.get("optimizer") in ("gd", "sgd") and full_batch:
        lr = float(trace.lr[step])
        return [(W - lr * dW, None if b is None else b - lr * db)
                for (W, b), (dW, db) in zip(trace.params(step), trace.grads(step))]
    return None


def phase_frames(trace, step: int, detail: str = "layers", morph: int = 6, fps: float | None = None,
                 update_only: bool = False) -> list[SubFrame]:
    """The sub-frames of one training step.

    Parameters
    ----------
    trace : Trace
    step : int
        A recorded step.
    detail : {"layers", "phases"}
        Layer by layer (``4 L + 1`` sub-frames before the update) or six coarse phases.
    morph : int
        Sub-frames of the update morph (``detail="layers"``; the coarse update is one).
    fps : float, optional
        Sets each sub-frame's ``hold`` from :data:`HOLD_SECONDS`; None: hold 1.
    update_only : bool
        Only the update (for the later steps of a sequence).

    Returns
    -------
    list of SubFrame
        ``4 L + 1 + morph`` (layers) or 6 (phases) sub-frames; the update is left out when the
        trace cannot tell the next parameters (see :func:`next_params`).
    """
    if detail not in ("layers", "phases"):
        raise ValueError(f"detail must be 'layers' or 'phases', got {detail!r}")
    L = len(trace.sizes) - 1

    def hold(kind):
        return 1 if fps is None else max(1, round(HOLD_SECONDS[kind] * fps))

    keys: list[SubFrame] = []
    if not update_only:
        if detail == "layers":
            for l in range(1, L + 1):
                keys += [SubFrame(step, "z", l, hold=hold("z")), SubFrame(step, "a", l, hold=hold("a"))]
            keys.append(SubFrame(step, "loss", L, hold=hold("loss")))
            for l in range(L, 0, -1):
                keys += [SubFrame(step, "delta", l, hold=hold("delta")), SubFrame(step, "grad", l, hold=hold("grad"))]
        else:
            keys += [SubFrame(step, "forward", L, hold=hold("forward")), SubFrame(step, "loss", L, hold=hold("loss")),
                     SubFrame(step, "delta", L, hold=hold("delta")), SubFrame(step, "backward", 1, hold=hold("backward")),
                     SubFrame(step, "gradient", 1, hold=hold("gradient"))]
    if next_params(trace, step) is not None:
        m = 1 if detail == "phases" else max(1, int(morph))
        for i in range(1, m + 1):
            keys.append(SubFrame(step, "update", None, t=i / m, hold=hold("update_end") if i == m else 1))
    return keys


def backprop_frames(trace, steps, detail="layers", morph=6, fps=None, later="update") -> list[SubFrame]:
    """Sub-frames of several steps: the first with every phase, the later ones as ``later`` says.

    ``later="update"`` shows only the update of the later steps, ``"full"`` every phase.
    """
    if later not in ("update", "full"):
        raise ValueError(f"later must be 'update' or 'full', got {later!r}")
    keys = []
    for i, k in enumerate(steps):
        keys += phase_frames(trace, k, detail, morph, fps, update_only=(i > 0 and later == "update"))
    if not keys:
        raise ValueError("no phase to draw: the selected steps have no recorded update")
    return keys
