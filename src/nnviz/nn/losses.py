"""Loss functions, in one name table.

Every loss is a per-sample error ``l(y_i, t_i)`` between the network's output ``y_i`` and the target
``t_i`` (rows of arrays of shape (n_samples, n_outputs)), combined over the samples either by a sum
or by a mean:

=================  ===============================================  =========  ===========
name               per-sample error l(y, t)                          reduction  seed
=================  ===============================================  =========  ===========
``half_sse``       sum_k (y_k - t_k)^2 / 2                           sum        000
``mse``            mean_k (y_k - t_k)^2                              mean
``bce``            -(t log y + (1 - t) log(1 - y)), y in (0, 1)      mean       001
``cross_entropy``  -sum_k t_k log y_k  (softmax outputs, one-hot t)  mean       002
``perceptron``     max(0, -y t), t in {-1, +1}                       mean       003
``hinge``          max(0, 1 - y t), t in {-1, +1}                    mean
=================  ===============================================  =========  ===========

``perceptron_sum`` is ``perceptron`` summed instead of averaged: gradient descent on it is seed 001's
perceptron learning rule for a network without hidden layer.

``grad(y, t)`` is the per-sample derivative ``dl/dy`` (not yet divided by n). The cost is
``C = reduce_i l(y_i, t_i)``, so ``dC/dy_i = scale(n) * dl/dy_i`` with ``scale(n) = 1/n`` for a mean
and 1 for a sum. Keeping the two apart lets a trace show each sample's own error signal ``delta_i``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["Loss", "LOSSES", "get_loss"]

_EPS = 1e-12  # keeps log() finite when a probability reaches exactly 0 or 1


@dataclass(frozen=True)
class Loss:
    """A loss ``C = reduce_i l(y_i, t_i)``.

    Parameters
    ----------
    name : str
    per_sample : callable
        ``per_sample(y, t) -> ndarray of shape (n_samples,)``.
    grad : callable
        ``grad(y, t) -> dl/dy``, ndarray of shape (n_samples, n_outputs).
    reduction : {"mean", "sum"}
    targets : str
        What targets it expects, for error messages and docs.
    """

    name: str
    per_sample: Callable[[np.ndarray, np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]
    reduction: str
    targets: str

    def __call__(self, y: np.ndarray, t: np.ndarray) -> float:
        """The cost ``C``: the mean or the sum of the per-sample errors."""
        e = self.per_sample(y, t)
        return float(e.mean() if self.reduction == "mean" else e.sum())

    def scale(self, n_samples: int) -> float:
        """``dC/dl_i``: 1/n for a mean, 1 for a sum."""
        return 1.0 / n_samples if self.reduction == "mean" else 1.0


def _clip(p):
    return np.clip(p, _EPS, 1.0 - _EPS)


#: Name table: loss name -> :class:`Loss`.
LOSSES: dict[str, Loss] = {
    "half_sse": Loss(
        "half_sse",
        lambda y, t: 0.5 * np.sum((y - t) ** 2, axis=1),
        lambda y, t: y - t,
        "sum",
        "real values",
    ),
    "mse": Loss(
        "mse",
        lambda y, t: np.mean((y - t) ** 2, axis=1),
        lambda y, t: 2.0 * (y - t) / y.shape[1],
        "mean",
        "real values",
    ),
    # scikit-learn's squared error (its MLPRegressor's loss): half the mean over every output
    "half_mse": Loss(
        "half_mse",
        lambda y, t: 0.5 * np.mean((y - t) ** 2, axis=1),
        lambda y, t: (y - t) / y.shape[1],
        "mean",
        "real values",
    ),
    "bce": Loss(
        "bce",
        lambda y, t: -np.sum(t * np.log(_clip(y)) + (1 - t) * np.log(_clip(1 - y)), axis=1),
        lambda y, t: (_clip(y) - t) / (_clip(y) * (1 - _clip(y))),
        "mean",
        "0/1 labels and a sigmoid output",
    ),
    "cross_entropy": Loss(
        "cross_entropy",
        lambda y, t: -np.sum(t * np.log(_clip(y)), axis=1),
        lambda y, t: -t / _clip(y),
        "mean",
        "one-hot labels and a softmax output",
    ),
    "perceptron": Loss(
        "perceptron",
        lambda y, t: np.sum(np.maximum(0.0, -y * t), axis=1),
        # seed 003: DY = (-Y*T > 0) * (-T)
        lambda y, t: (-y * t > 0) * (-t),
        "mean",
        "-1/+1 labels",
    ),
    # seed 001's perceptron learning rule, beta <- beta + eta * sum over misclassified x~_i t_i, is
    # gradient descent on the SUM of the perceptron errors of a network without hidden layer
    "perceptron_sum": Loss(
        "perceptron_sum",
        lambda y, t: np.sum(np.maximum(0.0, -y * t), axis=1),
        lambda y, t: (-y * t > 0) * (-t),
        "sum",
        "-1/+1 labels",
    ),
    "hinge": Loss(
        "hinge",
        lambda y, t: np.sum(np.maximum(0.0, 1.0 - y * t), axis=1),
        lambda y, t: (1.0 - y * t > 0) * (-t),
        "mean",
        "-1/+1 labels",
    ),
}
LOSSES["log_loss"] = LOSSES["bce"]  # scikit-learn's name


def get_loss(name: str) -> Loss:
    """Look up a loss by name; an unknown name raises ValueError listing the valid ones."""
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        valid = ", ".join(sorted(LOSSES))
        raise ValueError(f"unknown loss {name!r}; choose one of: {valid}") from None
