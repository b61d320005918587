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
perceptron learning rule for a network without hidden layer. Seed 001 calls a point misclassified when
``sign(y) != t``, so a point exactly on the boundary (y = 0, sign 0) is misclassified: its error
``max(0, -y t)`` is 0 there, but its gradient is ``-t`` (a subgradient at the kink), so a run
started from beta = 0 moves. ``perceptron`` keeps seed 003's strict ``-y t > 0``.

**Targets.** Each loss names the label encodings it accepts (:attr:`Loss.encodings`);
:func:`check_targets` refuses, in one line, a classification set encoded otherwise (e.g. ``bce`` on
-1/+1 labels, which would train to a negative loss).

**Cross-entropy from logits.** For a sigmoid or softmax output, ``bce`` and ``cross_entropy`` are
computed from the output layer's pre-activation z (:data:`FROM_LOGITS`): ``bce = softplus(z) - t z``,
``cross_entropy = logsumexp(z) - t . z``, with ``delta[L] = y - t``; no clipping, so the reported
cost and its gradient agree however saturated the output. With any other output activation the
probabilities are clipped to [1e-12, 1 - 1e-12] and the gradient is the clipped loss's own
derivative (0 where the clip is active), so cost and gradient agree there too.

``grad(y, t)`` is the per-sample derivative ``dl/dy`` (not yet divided by n). The cost is
``C = reduce_i l(y_i, t_i)``, so ``dC/dy_i = scale(n) * dl/dy_i`` with ``scale(n) = 1/n`` for a mean
and 1 for a sum. Keeping the two apart lets a trace show each sample's own error signal ``delta_i``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .rows import row_max, row_sum

__all__ = ["Loss", "LOSSES", "get_loss", "LogitForm", "FROM_LOGITS", "check_targets"]

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
    encodings : tuple of str
        The label encodings (:mod:`nnviz.data.dataset`) of a classification set it accepts;
        empty for any (the regression losses).
    """

    name: str
    per_sample: Callable[[np.ndarray, np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]
    reduction: str
    targets: str
    encodings: tuple = ()

    def __call__(self, y: np.ndarray, t: np.ndarray) -> float:
        """The cost ``C``: the mean or the sum of the per-sample errors."""
        e = self.per_sample(y, t)
        return float(e.mean() if self.reduction == "mean" else e.sum())

    def scale(self, n_samples: int) -> float:
        """``dC/dl_i``: 1/n for a mean, 1 for a sum."""
        return 1.0 / n_samples if self.reduction == "mean" else 1.0

    def cost(self, y: np.ndarray, t: np.ndarray, z: np.ndarray | None = None, activation: str | None = None) -> float:
        """The cost ``C``, from the logits ``z = z[L]`` when the output ``activation`` has a
        :data:`FROM_LOGITS` form with this loss (exact at saturation), else from the outputs y."""
        form = FROM_LOGITS.get((activation, self.name)) if z is not None else None
        if form is None:
            return self(y, t)
        e = form.per_sample(z, t)
        return float(e.mean() if self.reduction == "mean" else e.sum())


def _clip(p):
    return np.clip(p, _EPS, 1.0 - _EPS)


def _unclipped(p):
    """1 where ``_clip`` leaves p alone, 0 where it clips: the derivative of the clip."""
    return (p > _EPS) & (p < 1.0 - _EPS)


def _bce_grad(y, t):
    # derivative of the clipped loss: (y - t) / (y (1 - y)) inside the clip range, 0 outside
    inside = _unclipped(y)
    yc = np.where(inside, y, 0.5)
    return np.where(inside, (yc - t) / (yc * (1.0 - yc)), 0.0)


def _ce_grad(y, t):
    inside = _unclipped(y)
    return np.where(inside, -t / np.where(inside, y, 1.0), 0.0)


#: Name table: loss name -> :class:`Loss`.
LOSSES: dict[str, Loss] = {
    "half_sse": Loss(
        "half_sse",
        lambda y, t: 0.5 * row_sum((y - t) ** 2),
        lambda y, t: y - t,
        "sum",
        "real values",
    ),
    "mse": Loss(
        "mse",
        lambda y, t: row_sum((y - t) ** 2) / y.shape[1],
        lambda y, t: 2.0 * (y - t) / y.shape[1],
        "mean",
        "real values",
    ),
    # scikit-learn's squared error (its MLPRegressor's loss): half the mean over every output
    "half_mse": Loss(
        "half_mse",
        lambda y, t: 0.5 * row_sum((y - t) ** 2) / y.shape[1],
        lambda y, t: (y - t) / y.shape[1],
        "mean",
        "real values",
    ),
    "bce": Loss(
        "bce",
        lambda y, t: -row_sum(t * np.log(_clip(y)) + (1 - t) * np.log(_clip(1 - y))),
        _bce_grad,
        "mean",
        "0/1 labels and a sigmoid output",
        ("01", "onehot"),
    ),
    "cross_entropy": Loss(
        "cross_entropy",
        lambda y, t: -row_sum(t * np.log(_clip(y))),
        _ce_grad,
        "mean",
        "one-hot labels and a softmax output",
        ("onehot",),
    ),
    "perceptron": Loss(
        "perceptron",
        lambda y, t: row_sum(np.maximum(0.0, -y * t)),
        # seed 003: DY = (-Y*T > 0) * (-T)
        lambda y, t: (-y * t > 0) * (-t),
        "mean",
        "-1/+1 labels",
        ("pm1",),
    ),
    # seed 001's perceptron learning rule, beta <- beta + eta * sum over misclassified x~_i t_i, is
    # gradient descent on the SUM of the perceptron errors of a network without hidden layer.
    # Misclassified means sign(y) != t, so y = 0 counts (y t <= 0), as in the notebook.
    "perceptron_sum": Loss(
        "perceptron_sum",
        lambda y, t: row_sum(np.maximum(0.0, -y * t)),
        lambda y, t: (y * t <= 0) * (-t),
        "sum",
        "-1/+1 labels",
        ("pm1",),
    ),
    "hinge": Loss(
        "hinge",
        lambda y, t: row_sum(np.maximum(0.0, 1.0 - y * t)),
        lambda y, t: (1.0 - y * t > 0) * (-t),
        "mean",
        "-1/+1 labels",
        ("pm1",),
    ),
}
LOSSES["log_loss"] = LOSSES["bce"]  # scikit-learn's name


@dataclass(frozen=True)
class LogitForm:
    """A loss written in terms of the output layer's pre-activation ``z = z[L]``.

    Attributes
    ----------
    per_sample : callable
        ``per_sample(z, t) -> ndarray of shape (n_samples,)``, the same error as the loss's own
        ``per_sample(f(z), t)``, computed without forming probabilities.
    delta : callable
        ``delta(z, y, t) -> dl/dz``, ndarray of shape (n_samples, n_outputs): eq. (1) in closed form.
    """

    per_sample: Callable[[np.ndarray, np.ndarray], np.ndarray]
    delta: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _logsumexp(z):
    m = row_max(z)
    return m + np.log(row_sum(np.exp(z - m[:, None])))


#: (output activation, loss) -> :class:`LogitForm`. For sigmoid + bce and softmax + cross-entropy
#: (the "canonical links") dl/dz simplifies to y - t.
FROM_LOGITS: dict[tuple[str, str], LogitForm] = {
    # -(t log s(z) + (1 - t) log(1 - s(z))) = softplus(z) - t z
    ("sigmoid", "bce"): LogitForm(lambda z, t: row_sum(np.logaddexp(0.0, z) - t * z),
                                  lambda z, y, t: y - t),
    # -sum_k t_k log softmax_k(z) = logsumexp(z) sum_k t_k - sum_k t_k z_k  (sum_k t_k = 1 one-hot)
    ("softmax", "cross_entropy"): LogitForm(
        lambda z, t: _logsumexp(z) * row_sum(t) - row_sum(t * z),
        lambda z, y, t: y * row_sum(t, keepdims=True) - t),
    # -sum_k t_k log s(z_k) = sum_k t_k softplus(-z_k); dl/dz = -t s(-z) = -t (1 - y)
    ("sigmoid", "cross_entropy"): LogitForm(lambda z, t: row_sum(t * np.logaddexp(0.0, -z)),
                                            lambda z, y, t: -t * (0.5 - 0.5 * np.tanh(0.5 * z))),
}

_ENCODING_WORDS = {"pm1": "-1/+1 labels", "01": "0/1 labels", "onehot": "one-hot labels"}


def check_targets(loss: str | Loss, encoding: str | None) -> None:
    """Refuse a loss whose targets do not match a classification set's label encoding.

    Parameters
    ----------
    loss : str or Loss
    encoding : {"pm1", "01", "onehot"} or None
        The data set's encoding; None (regression) is never refused.

    Raises
    ------
    ValueError
        One line naming the loss, the encoding it got and the one to set, e.g. ``loss 'bce' needs
        0/1 labels, but the data are encoded 'pm1' (-1/+1 labels): set data.encoding = "01"``.
    """
    loss = get_loss(loss) if isinstance(loss, str) else loss
    if encoding is None or not loss.encodings or encoding in loss.encodings:
        return
    want = loss.encodings[0]
    raise ValueError(f"loss {loss.name!r} needs {_ENCODING_WORDS[want]}, but the data are encoded {encoding!r} "
                     f"({_ENCODING_WORDS.get(encoding, encoding)}): set data.encoding = \"{want}\"")


def get_loss(name: str) -> Loss:
    """Look up a loss by name; an unknown name raises ValueError listing the valid ones."""
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        valid = ", ".join(sorted(LOSSES))
        raise ValueError(f"unknown loss {name!r}; choose one of: {valid}") from None
