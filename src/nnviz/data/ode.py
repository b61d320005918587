"""The collocation points of seed 002's differential equation g'(x) = -gamma g(x), g(0) = g0.

A network solving an ODE is not fitted to data: its loss is the equation's residual at some
points x_i (see :mod:`nnviz.ode`). The data set holds those points, with the analytic solution
``g(x) = g0 exp(-gamma x)`` as target, only so that views can draw it and measure the error.
"""

from __future__ import annotations

import numpy as np

from .dataset import Dataset, _check_count, _regression

__all__ = ["ode_decay", "decay_solution"]


def decay_solution(gamma: float = 2.0, g0: float = 10.0):
    """The analytic solution ``g(x) = g0 exp(-gamma x)`` as a vectorised function."""
    gamma, g0 = float(gamma), float(g0)

    def g(x):
        return g0 * np.exp(-gamma * np.asarray(x, dtype=float))

    g.__name__ = f"{g0:g}·exp(-{gamma:g}x)"
    return g


def ode_decay(gamma: float = 2.0, g0: float = 10.0, n: int = 10, interval: tuple[float, float] = (0.0, 1.0)) -> Dataset:
    """Collocation points for ``g'(x) = -gamma g(x)``, ``g(0) = g0`` (seed 002: gamma 2, g0 10, 10 points).

    Parameters
    ----------
    gamma, g0 : float
        The decay rate and the initial value.
    n : int
        Number of evenly spaced points (seed 002: ``np.linspace(0, 1, 10)``).
    interval : (a, b)
        Where the points lie; the initial condition holds at x = 0.

    Returns
    -------
    Dataset
        Regression set, X of shape (n, 1), y the analytic solution at X, ``target`` the solution.
    """
    n = _check_count(n, "n", 2)
    a, b = (float(v) for v in interval)
    if not b > a:
        raise ValueError(f"interval must be (a, b) with b > a, got {interval}")
    g = decay_solution(gamma, g0)
    x = np.linspace(a, b, n)
    return _regression("ode", x[:, None], g(x)[:, None], 0.0, None, target=g)
