"""Activation functions and their derivatives, in one name table.

Each activation ``f`` acts on the pre-activations ``z`` of a layer, an ndarray of shape
(n_samples, n_units), and gives the activations ``a = f(z)`` of the same shape.

Backpropagation needs ``f'(z)``: seed 002's equations multiply it elementwise with the error
arriving from above, ``delta = f'(z) * dl/da`` for each sample. That product is what
:meth:`Activation.backward` computes. Softmax is the one activation whose derivative is not
elementwise (each output depends on every input), so it overrides ``backward`` with the
Jacobian-vector product.

Each row of the table also carries the facts the views and the ODE solver read: the name shown on
screen (``title``), the symbol in formulas (``symbol``), the output range of a bounded activation
(``range``: the neurons, hidden and network views fix their colour scales and axes to it) and the
second derivative ``f''`` where one is used (``d2f``: the backward pass of the ODE solver's
derivative network, :mod:`nnviz.ode`). A new activation is one row here.

Example
-------
>>> import numpy as np
>>> from nnviz.nn.activations import ACTIVATIONS
>>> ACTIVATIONS["sigmoid"](np.array([[0.0]]))
array([[0.5]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .rows import row_max, row_sum

__all__ = ["Activation", "ACTIVATIONS", "get_activation"]


@dataclass(frozen=True)
class Activation:
    """An activation function ``a = f(z)`` with its derivative.

    Parameters
    ----------
    name : str
        Name in :data:`ACTIVATIONS`.
    f : callable
        ``f(z) -> a``, elementwise (except softmax, which works row by row).
    df : callable
        ``df(z, a) -> f'(z)``, elementwise. It receives ``a = f(z)`` too, because many derivatives
        are cheapest in terms of the output (sigmoid: ``a (1 - a)``, tanh: ``1 - a**2``).
    d2f : callable, optional
        ``d2f(z, a) -> f''(z)``, elementwise; None where nothing needs it.
    title : str
        The name shown on screen ("ReLU", "leaky ReLU"); default ``name``.
    symbol : str
        The function in formulas ("σ" for the sigmoid); default ``name``.
    range : (float, float), optional
        ``(lo, hi)`` of a bounded activation's output; None for unbounded ones.
    f_inplace : callable, optional
        ``f_inplace(z) -> a``, the same values written over ``z`` (for callers that own ``z``,
        like :func:`nnviz.nn.mlp.forward_many`: one pass over memory fewer); None: use ``f``.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray, np.ndarray], np.ndarray]
    d2f: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    title: str = ""
    symbol: str = ""
    range: tuple[float, float] | None = None
    f_inplace: Callable[[np.ndarray], np.ndarray] | None = None

    def __post_init__(self):
        if not self.title:
            object.__setattr__(self, "title", self.name)
        if not self.symbol:
            object.__setattr__(self, "symbol", self.name)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.f(z)

    def backward(self, z: np.ndarray, a: np.ndarray, dl_da: np.ndarray) -> np.ndarray:
        """Return ``delta = dl/dz`` given ``dl/da``, each sample's own gradients; all arrays of shape
        (n_samples, n_units)."""
        return self.df(z, a) * dl_da

    @property
    def scale(self) -> tuple[float, float] | None:
        """``(centre, half width)`` of :attr:`range` (the views' fixed colour scale), or None."""
        if self.range is None:
            return None
        lo, hi = self.range
        return (lo + hi) / 2, (hi - lo) / 2


class _Softmax(Activation):
    """Softmax over the units of each sample: ``a_j = exp(z_j) / sum_k exp(z_k)``.

    Its Jacobian is ``da_j/dz_i = a_j (delta_ij - a_i)`` (seed 002), so for each sample
    ``dl/dz_i = a_i (dl/da_i - sum_j a_j dl/da_j)``.
    """

    def backward(self, z, a, dl_da):
        return a * (dl_da - row_sum(a * dl_da, keepdims=True))


def _sigmoid(z):
    # exp of a large positive number overflows: with e = exp(-|z|) (never overflows) it is
    # 1 / (1 + e) for z >= 0 and e / (1 + e) below. The numerator max(e, z >= 0) is 1 where
    # z >= 0 (there e <= 1) and e below: no masked copies and no np.where (which took 70 % of the
    # time), 1.6x faster on the digits' 1438x50 batch, bit for bit the values of both. Two
    # arrays, each step written over the last (a fresh array of this size is a page fault per
    # 4 kB page: nnviz.memory).
    e = np.abs(z)
    np.exp(np.negative(e, out=e), out=e)  # e = exp(-|z|)
    d = np.add(e, 1.0)
    return np.divide(np.maximum(e, z >= 0, out=e), d, out=e)


def _softmax(z):
    e = np.subtract(z, row_max(z, keepdims=True))
    np.exp(e, out=e)
    e /= row_sum(e, keepdims=True)
    return e


def _softmax_diag(z, a):  # only the diagonal of the Jacobian; backward() uses the full product
    return a * (1.0 - a)


LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0

def _sigmoid_d1(a):
    return a * (1.0 - a)


def _sigmoid_d2(z, a):
    return _sigmoid_d1(a) * (1.0 - 2.0 * a)


def _zero(z, a):
    return np.zeros_like(z)


#: Name table: activation name -> :class:`Activation`.
ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", _sigmoid, lambda z, a: _sigmoid_d1(a), _sigmoid_d2, symbol="σ", range=(0.0, 1.0)),
    "tanh": Activation("tanh", np.tanh, lambda z, a: 1.0 - a**2, lambda z, a: -2.0 * a * (1.0 - a**2),
                       range=(-1.0, 1.0), f_inplace=lambda z: np.tanh(z, out=z)),
    # f'' is 0 almost everywhere: the ODE solver's N' is then piecewise constant
    "relu": Activation("relu", lambda z: np.maximum(0.0, z), lambda z, a: (z > 0).astype(float), _zero,
                       title="ReLU", f_inplace=lambda z: np.maximum(z, 0.0, out=z)),
    "leaky_relu": Activation(
        "leaky_relu",
        lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
        lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE),
        title="leaky ReLU",
    ),
    "elu": Activation(
        "elu",
        lambda z: np.where(z > 0, z, ELU_ALPHA * np.expm1(np.minimum(z, 0.0))),
        lambda z, a: np.where(z > 0, 1.0, a + ELU_ALPHA),
        lambda z, a: np.where(z > 0, 0.0, a + ELU_ALPHA),
        title="ELU",
    ),
    "identity": Activation("identity", lambda z: z, lambda z, a: np.ones_like(z), _zero, title="linear",
                           symbol="id", f_inplace=lambda z: z),
    # Heaviside step: its derivative is 0 almost everywhere, so gradient descent cannot train
    # through it (the reason the perceptron has its own learning rule, seed 001).
    "step": Activation("step", lambda z: (z >= 0).astype(float), lambda z, a: np.zeros_like(z),
                       range=(0.0, 1.0)),
    "softplus": Activation("softplus", lambda z: np.logaddexp(0.0, z), lambda z, a: _sigmoid(z),
                           lambda z, a: _sigmoid_d1(_sigmoid(z))),
    "softmax": _Softmax("softmax", _softmax, _softmax_diag, range=(0.0, 1.0)),
}
# Common aliases (scikit-learn calls the sigmoid "logistic").
ACTIVATIONS["logistic"] = ACTIVATIONS["sigmoid"]
ACTIVATIONS["linear"] = ACTIVATIONS["identity"]


def get_activation(name: str) -> Activation:
    """Look up an activation by name; an unknown name raises ValueError listing the valid ones."""
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        valid = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"unknown activation {name!r}; choose one of: {valid}") from None
