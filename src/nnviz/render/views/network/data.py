"""The numbers the network view prints, read from the trace for one recorded step."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ....nn import get_loss
from .phases import next_params

__all__ = ["StepData", "read_step", "resolved_loss", "MEAN_FORWARD_SAMPLE"]


@dataclass
class StepData:
    """The numbers of one recorded step for one sample (and, with ``sample="mean"``, the batch gradient).

    Every list is indexed by layer ``l = 0 .. L`` as in :mod:`nnviz.nn.mlp` (index 0 unused
    except ``a[0]``, the input). ``gW``/``gb`` are the gradients the edges show.
    """

    W: list
    b: list
    z: list
    a: list
    delta: list
    gW: list
    gb: list
    W_next: list | None
    b_next: list | None
    target: np.ndarray | None
    loss: float
    extra: dict = field(default_factory=dict)


def resolved_loss(trace) -> str:
    """The loss name a trace was trained with ("auto" resolved as the trainer does)."""
    name = trace.config.get("train", {}).get("loss", "auto")
    if name == "auto":
        # the trace records "auto" as configured; the trainer's choice per data encoding is read
        # from its table (the one place that decides it) until traces record the resolved name
        from ....build import _AUTO

        name = _AUTO.get(trace.data.encoding, _AUTO[None])[1]
    return name


#: The probe sample whose forward pass, loss and δ a ``sample="mean"`` diagram shows beside the
#: batch gradient: a mean of activations is no forward pass of any input, so a real one is shown.
MEAN_FORWARD_SAMPLE = 0


def read_step(trace, k: int, sample, loss_name: str) -> StepData:
    """The numbers of recorded step ``k``.

    ``sample=i``: probe sample ``i``'s own forward pass, its loss by ``loss_name`` and its own
    gradient ``δ a`` by eq. (3) and (4). ``sample="mean"``: the forward pass, loss and δ of the
    real probe sample :data:`MEAN_FORWARD_SAMPLE` (every number on a node then belongs to one
    input, and checks by hand), and on the edges and biases the trace's batch gradient ``dW``,
    ``db`` (the mean of ``δ a`` over the batch); ``extra`` then holds ``"batch_loss"``, the
    trace's loss ``C`` of the step, and ``"forward_sample"``.
    """
    tr, L = trace, trace.L
    params, grads = tr.params(k), tr.grads(k)
    Z, A, D = tr.preactivations(k), tr.activations(k), tr.deltas(k)
    X = tr.data.X[tr.probe_index]
    Y = tr.data.y[tr.probe_index]
    W = [None] + [np.asarray(p[0], float) for p in params]
    b = [None] + [None if p[1] is None else np.asarray(p[1], float) for p in params]
    i = MEAN_FORWARD_SAMPLE if sample == "mean" else int(sample)
    pick = lambda M: np.asarray(M, float)[i]  # noqa: E731
    target = np.asarray(Y[i], float)
    aL = np.asarray(A[-1], float)[i][None]
    loss = float(get_loss(loss_name).per_sample(aL, target[None])[0]) if len(tr.data.X) > 1 else float(tr.loss[k])
    a = [pick(X)] + [pick(M) for M in A]
    z = [None] + [pick(M) for M in Z]
    delta = [None] + [pick(M) for M in D]
    extra = {}
    if sample == "mean":  # the batch gradient, as the trainer used it
        gW = [None] + [np.asarray(g[0], float) for g in grads]
        gb = [None] + [None if g[1] is None else np.asarray(g[1], float) for g in grads]
        extra = {"batch_loss": float(tr.loss[k]), "forward_sample": i}
    else:  # the sample's own gradient, eq. (3) and (4) for one sample
        gW = [None] + [np.outer(a[l - 1], delta[l]) for l in range(1, L + 1)]
        gb = [None] + [None if b[l] is None else delta[l].copy() for l in range(1, L + 1)]
    nxt = next_params(tr, k)
    W_next = b_next = None
    if nxt is not None:
        W_next = [None] + [np.asarray(p[0], float) for p in nxt]
        b_next = [None] + [None if p[1] is None else np.asarray(p[1], float) for p in nxt]
    return StepData(W, b, z, a, delta, gW, gb, W_next, b_next, target, loss, extra)
