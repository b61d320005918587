"""Solving an ordinary differential equation with a neural network (seed 002, the last section).

The equation is exponential decay, ``g'(x) = -gamma g(x)`` with ``g(0) = g0`` (seed 002: gamma 2,
g0 10, on [0, 1]). The network ``N(x, P)`` (one input, one output) enters a *trial solution* that
meets the initial condition whatever the parameters P::

    g_t(x, P) = g0 + x N(x, P)                                       (seed 002, eq. 17)

and training minimises the equation's squared residual at the points x_i::

    r_i = g_t'(x_i) + gamma g_t(x_i) = N_i + x_i N'_i + gamma (g0 + x_i N_i)
    C(P) = sum_i r_i^2                                                (seed 002, eq. 19)

where ``N' = dN/dx``. The seed lets Autograd differentiate C; here every derivative is written
by hand, in the notation of :mod:`nnviz.nn.mlp`:

*Forward, with the tangent d/dx carried along.* For layers ``l = 1 .. L``::

    z[l] = a[l-1] W[l] + b[l]          z'[l] = a'[l-1] W[l]          (a[0] = x, a'[0] = 1)
    a[l] = f(z[l])                     a'[l] = f'(z[l]) z'[l]

so ``N = a[L]`` and ``N' = a'[L]``.

*Backward.* The cost depends on N and N' through ``dC/dN_i = 2 r_i (1 + gamma x_i)`` and
``dC/dN'_i = 2 r_i x_i``. With ``A = dC/da[l]`` and ``T = dC/da'[l]`` (starting at the output)::

    dC/dz'[l] = T f'(z[l])
    delta[l]  = dC/dz[l] = A f'(z[l]) + T f''(z[l]) z'[l]
    dC/dW[l]  = a[l-1]^T delta[l] + a'[l-1]^T dC/dz'[l]
    dC/db[l]  = sum_i delta[l]
    A <- delta[l] W[l]^T,   T <- dC/dz'[l] W[l]^T                    (the layer below)

The run is recorded into an ordinary trace (loss = C at every step, W, b, dW, db, z, a, delta on
the schedule), so it renders, scrubs and exports like any other run; the ``ode`` view draws the
trial solution against the analytic one. A run is a preset like any other (``ode-decay``):
``nnviz.train("ode-decay")`` dispatches here because its ``train.loss`` is ``"ode"``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .nn import MLP
from .nn.activations import ACTIVATIONS
from .nn.mlp import BackwardPass

__all__ = ["ODE_LOSS", "SECOND_DERIVATIVES", "DecayODE", "ode_of", "forward_with_tangent",
           "residual_and_grads", "ode_problem", "trial_solution", "solutions", "max_error"]

log = logging.getLogger(__name__)

#: ``train.loss`` of a config that trains an ODE solver.
ODE_LOSS = "ode"


#: Name table: activation name -> ``f''(z, a)`` (the backward pass of N' needs it), read from the
#: activations' own table (:data:`nnviz.nn.activations.ACTIVATIONS`, column ``d2f``).
SECOND_DERIVATIVES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    name: act.d2f for name, act in ACTIVATIONS.items() if act.d2f is not None}


@dataclass(frozen=True)
class DecayODE:
    """``g'(x) = -gamma g(x)``, ``g(0) = g0``."""

    gamma: float = 2.0
    g0: float = 10.0

    def analytic(self, x: np.ndarray) -> np.ndarray:
        """The exact solution ``g0 exp(-gamma x)``."""
        return self.g0 * np.exp(-self.gamma * np.asarray(x, dtype=float))

    def trial(self, x: np.ndarray, N: np.ndarray) -> np.ndarray:
        """The trial solution ``g0 + x N`` (x and N of the same shape)."""
        return self.g0 + np.asarray(x) * N

    def residual(self, x: np.ndarray, N: np.ndarray, dN: np.ndarray) -> np.ndarray:
        """``g_t' + gamma g_t = N + x N' + gamma (g0 + x N)``, zero for an exact solution."""
        return N + x * dN + self.gamma * (self.g0 + x * N)


def ode_of(config: dict) -> DecayODE:
    """The equation of a run from its config (``data.gamma``, ``data.g0``)."""
    d = config.get("data", {})
    return DecayODE(float(d.get("gamma", 2.0)), float(d.get("g0", 10.0)))


def _second(name: str):
    try:
        return SECOND_DERIVATIVES[name]
    except KeyError:
        raise ValueError(f"the ODE solver needs f'' of every activation; {name!r} has none here, "
                         f"choose from: {', '.join(sorted(SECOND_DERIVATIVES))}") from None


def forward_with_tangent(model: MLP, x: np.ndarray):
    """The network and its derivative in x on points x of shape (n, 1).

    Returns
    -------
    fp : ForwardPass
        ``z[l]``, ``a[l]`` as in :meth:`nnviz.nn.MLP.forward`.
    dz, da : list
        ``dz[l] = dz[l]/dx`` and ``da[l] = da[l]/dx``, shape (n, n_l); ``da[0]`` is ones.
    """
    if model.sizes[0] != 1 or model.sizes[-1] != 1:
        raise ValueError(f"an ODE solver network has one input and one output, got {model.sizes}")
    fp = model.forward(x)
    dz, da = [None], [np.ones_like(fp.a[0])]
    for l in range(1, model.L + 1):
        dz.append(da[l - 1] @ model.W[l])
        da.append(model.f[l].df(fp.z[l], fp.a[l]) * dz[l])
    return fp, dz, da


def residual_and_grads(model: MLP, x: np.ndarray, ode: DecayODE):
    """The cost ``C = sum_i r_i^2`` and its gradient, by the hand-written backward pass above.

    Parameters
    ----------
    model : MLP
        One input, one output.
    x : ndarray of shape (n, 1)
        Collocation points.
    ode : DecayODE

    Returns
    -------
    fp : ForwardPass
    bp : BackwardPass
        ``delta[l] = dC/dz[l]`` per point (shape (n, n_l)), ``dW``, ``db``, and ``loss = C``.
    r : ndarray of shape (n,)
        The residual at each point.
    """
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    fp, dz, da = forward_with_tangent(model, x)
    N, dN = fp.a[-1], da[-1]
    r = ode.residual(x, N, dN)
    A = 2.0 * r * (1.0 + ode.gamma * x)   # dC/dN
    T = 2.0 * r * x                       # dC/dN'
    L = model.L
    delta, dW, db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
    for l in range(L, 0, -1):
        f = model.f[l]
        fprime = f.df(fp.z[l], fp.a[l])
        dz_bar = T * fprime
        delta[l] = A * fprime + T * _second(f.name)(fp.z[l], fp.a[l]) * dz[l]
        dW[l] = fp.a[l - 1].T @ delta[l] + da[l - 1].T @ dz_bar
        db[l] = delta[l].sum(axis=0) if model.b[l] is not None else None
        A, T = delta[l] @ model.W[l].T, dz_bar @ model.W[l].T
    return fp, BackwardPass(delta, dW, db, float(np.sum(r**2))), r.reshape(-1)


def trial_solution(model: MLP, x: np.ndarray, ode: DecayODE) -> np.ndarray:
    """``g_t(x) = g0 + x N(x)`` on points x of shape (m,), returned with shape (m,)."""
    x = np.asarray(x, dtype=float).reshape(-1)
    return ode.trial(x, model(x[:, None])[:, 0])


def solutions(trace, steps, x) -> np.ndarray:
    """The trial solution at many recorded steps, vectorised: shape (n_steps, m) for x of shape (m,)."""
    from .nn import forward_many

    x = np.asarray(x, dtype=float).reshape(-1)
    Ws, bs = trace.param_stack(list(steps))
    N = forward_many(x[:, None], Ws, bs, trace.activation_names)[..., 0]
    return ode_of(trace.config).trial(x[None, :], N)


def max_error(trace, step=None, n: int = 201) -> float:
    """``max |g_t(x) - g(x)|`` over n points spanning the collocation interval, at ``step``."""
    step = trace.final_step if step is None else int(step)
    X = trace.data.X[:, 0]
    x = np.linspace(X.min(), X.max(), n)
    g = solutions(trace, [step], x)[0]
    return float(np.max(np.abs(g - ode_of(trace.config).analytic(x))))


def ode_problem(cfg: dict):
    """The data set (collocation points), initialised network and objective of an ODE config.

    :func:`nnviz.train` trains it with its ordinary loop when ``train.loss = "ode"``; the
    objective ``objective(model) -> (ForwardPass, BackwardPass)`` is :func:`residual_and_grads`
    with the config's L2 term. Optimisers: gd, momentum, adam (full batch).
    """
    from .build import build_model
    from .config import ConfigError
    from .data import make_dataset

    data_cfg = dict(cfg["data"])
    name = data_cfg.pop("name")
    if name != "ode":
        raise ConfigError(f"train.loss = 'ode' needs the data set 'ode' (the collocation points), got {name!r}")
    t = cfg["train"]
    if t["optimizer"] == "lbfgs":
        raise ValueError("the ODE solver trains with gd, momentum or adam (not lbfgs)")
    if t["batch_size"]:
        raise ValueError("the ODE solver uses all collocation points at every step: set batch_size = 0")
    dataset = make_dataset(name, **data_cfg)
    model = build_model(cfg, 1, 1)
    for act in model.activation_names:
        _second(act)  # the residual needs each activation's second derivative
    ode, x, l2 = ode_of(cfg), dataset.X, t["l2"]

    def objective(m: MLP, idx=None):
        fp, bp, _ = residual_and_grads(m, x, ode)
        if l2:
            for l in range(1, m.L + 1):
                bp.dW[l] = bp.dW[l] + l2 * m.W[l]
            bp.loss += 0.5 * l2 * sum(float(np.sum(m.W[l] ** 2)) for l in range(1, m.L + 1))
        return fp, bp

    return dataset, model, objective
