"""Optimisers: how a gradient becomes a parameter update.

Every optimiser has ``step(params, grads)``, which updates the list of parameter arrays in place
(the order of :meth:`nnviz.nn.mlp.MLP.param_list`). Plain gradient descent is the rule of the
lecture notes, ``theta <- theta - eta * dC/dtheta``; the others change only how the step is taken.
Minibatching (which samples the gradient is computed on) is the trainer's business, not theirs.
"""

from __future__ import annotations

import numpy as np

__all__ = ["OPTIMIZERS", "make_optimizer", "GD", "Momentum", "Adam"]


class GD:
    """Gradient descent: ``theta <- theta - lr * g`` (full batch or minibatch SGD alike)."""

    def __init__(self, lr: float = 0.1):
        self.lr = float(lr)

    def step(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g


class Momentum(GD):
    """Heavy-ball momentum: ``v <- momentum * v - lr * g``, ``theta <- theta + v``."""

    def __init__(self, lr: float = 0.1, momentum: float = 0.9):
        super().__init__(lr)
        self.momentum = float(momentum)
        self.v = None

    def step(self, params, grads):
        if self.v is None:
            self.v = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self.v):
            v *= self.momentum
            v -= self.lr * g
            p += v


class Adam(GD):
    """Adam (Kingma and Ba, 2015) with bias-corrected first and second moments."""

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.t, self.m, self.v = 0, None, None

    def step(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.t += 1
        c1, c2 = 1 - self.beta1**self.t, 1 - self.beta2**self.t
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            p -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)


#: Name table: optimiser name -> class. "sgd" is gradient descent on minibatches; "lbfgs" is run by
#: the trainer through scipy.optimize.minimize and has no step() of its own here.
OPTIMIZERS = {"gd": GD, "sgd": GD, "momentum": Momentum, "adam": Adam}


def make_optimizer(name: str, **settings):
    """Build an optimiser by name; unknown names or settings raise ValueError."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(list(OPTIMIZERS) + ['lbfgs'])}")
    try:
        return OPTIMIZERS[name](**settings)
    except TypeError as e:
        raise ValueError(f"optimizer {name!r}: {e}") from None
