"""Activation functions and their derivatives, in one name table.

Each activation ``f`` acts on the pre-activations ``z`` of a layer, an ndarray of shape
(n_samples, n_units), and gives the activations ``a = f(z)`` of the same shape.

Backpropagation needs ``f'(z)``: seed 002's equations multiply it elementwise with the error
arriving from above, ``delta = f'(z) * dC/da``. That product is what :meth:`Activation.backward`
computes. Softmax is the one activation whose derivative is not elementwise (each output depends on
every input), so it overrides ``backward`` with the Jacobian-vector product.

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
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray, np.ndarray], np.ndarray]

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.f(z)

    def backward(self, z: np.ndarray, a: np.ndarray, dC_da: np.ndarray) -> np.ndarray:
        """Return ``delta = dC/dz`` given ``dC/da``; all arrays of shape (n_samples, n_units)."""
        return self.df(z, a) * dC_da


class _Softmax(Activation):
    """Softmax over the units of each sample: ``a_j = exp(z_j) / sum_k exp(z_k)``.

    Its Jacobian is ``da_j/dz_i = a_j (delta_ij - a_i)`` (seed 002), so for each sample
    ``dC/dz_i = a_i (dC/da_i - sum_j a_j dC/da_j)``.
    """

    def backward(self, z, a, dC_da):
        return a * (dC_da - np.sum(a * dC_da, axis=1, keepdims=True))


def _sigmoid(z):
    # exp of a large positive number overflows: with e = exp(-|z|) <= 1, 1 / (1 + e) for z >= 0
    # and e / (1 + e) for z < 0 never do (one exp, no boolean indexing: several times faster)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _softmax_diag(z, a):  # only the diagonal of the Jacobian; backward() uses the full product
    return a * (1.0 - a)


LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0

#: Name table: activation name -> :class:`Activation`.
ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", _sigmoid, lambda z, a: a * (1.0 - a)),
    "tanh": Activation("tanh", np.tanh, lambda z, a: 1.0 - a**2),
    "relu": Activation("relu", lambda z: np.maximum(0.0, z), lambda z, a: (z > 0).astype(float)),
    "leaky_relu": Activation(
        "leaky_relu",
        lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
        lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE),
    ),
    "elu": Activation(
        "elu",
        lambda z: np.where(z > 0, z, ELU_ALPHA * np.expm1(np.minimum(z, 0.0))),
        lambda z, a: np.where(z > 0, 1.0, a + ELU_ALPHA),
    ),
    "identity": Activation("identity", lambda z: z, lambda z, a: np.ones_like(z)),
    # Heaviside step: its derivative is 0 almost everywhere, so gradient descent cannot train
    # through it (the reason the perceptron has its own learning rule, seed 001).
    "step": Activation("step", lambda z: (z >= 0).astype(float), lambda z, a: np.zeros_like(z)),
    "softplus": Activation("softplus", lambda z: np.logaddexp(0.0, z), lambda z, a: _sigmoid(z)),
    "softmax": _Softmax("softmax", _softmax, _softmax_diag),
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
