"""1-D regression targets: sample a known function y = f(x) on an interval.

The named targets come from the course material:

* ``"sin2x"``   -- sin(2x) on [-1, 1] (universal approximation tutorial, seed 000)
* ``"sin10x"``  -- sin(10x) on [-1, 1] (same tutorial, the "more complicated function")
* ``"seed004"`` -- 0.2 + 0.4x^2 + 0.3x sin(15x) + 0.05 cos(50x) on [0, 1] (Tavora, seed 004)
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from .dataset import Dataset, _check_count, _regression

__all__ = ["Target", "TARGETS", "resolve_target", "function1d", "single_sample"]


class Target(NamedTuple):
    """A known 1-D function with the interval it is usually drawn on."""

    f: Callable[[np.ndarray], np.ndarray]   # vectorised: x of shape (m,) -> shape (m,)
    interval: tuple[float, float]
    formula: str                            # for plot titles


def _sin2x(x: np.ndarray) -> np.ndarray:
    return np.sin(2 * x)


def _sin10x(x: np.ndarray) -> np.ndarray:
    return np.sin(10 * x)


def _seed004(x: np.ndarray) -> np.ndarray:
    return 0.2 + 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.05 * np.cos(50 * x)


TARGETS: dict[str, Target] = {
    "sin2x": Target(_sin2x, (-1.0, 1.0), "sin(2x)"),
    "sin10x": Target(_sin10x, (-1.0, 1.0), "sin(10x)"),
    "seed004": Target(_seed004, (0.0, 1.0), "0.2 + 0.4x² + 0.3x·sin(15x) + 0.05·cos(50x)"),
}


def resolve_target(f: Callable[[np.ndarray], np.ndarray] | str) -> tuple[str, Target]:
    """Look up a function given as a callable or as a name from :data:`TARGETS`.

    Parameters
    ----------
    f : callable or str
        A vectorised function, the name of a target (e.g. ``"sin2x"``), or a formula in x
        (e.g. ``"sin(3*x) + x**2"``, parsed by :func:`nnviz.expr.parse`, never evaluated).

    Returns
    -------
    name : str
        The target's name, or the callable's ``__name__`` (``"function"`` for lambdas).
    target : Target
        For a callable: its default interval is (-1, 1).
    """
    if callable(f):
        name = getattr(f, "__name__", "function")
        name = "function" if name == "<lambda>" else name
        return name, Target(f, (-1.0, 1.0), name)
    if isinstance(f, str) and f in TARGETS:
        return f, TARGETS[f]
    if isinstance(f, str) and (not f.strip().isidentifier() or f.strip() in ("x", "pi", "e")):
        # a formula in x: the safe parser (a bare word that is no target stays "unknown")
        from ..expr import parse

        return f, Target(parse(f, variables=("x",)), (-1.0, 1.0), f)
    raise ValueError(f"unknown function {f!r}: give a callable, one of {', '.join(TARGETS)}, "
                     "or a formula in x such as 'sin(3*x)'")


def _evaluate(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """Evaluate a vectorised `f` on x of shape (m,), returning float64 of shape (m,).

    A constant result (e.g. ``lambda x: 1.0``) is broadcast to all points.
    """
    values = np.asarray(f(x), dtype=np.float64)
    if values.size == 1:
        return np.full(x.shape, float(values.reshape(-1)[0]))
    if values.size != x.size:
        raise ValueError(f"f must be vectorised: for x of shape {x.shape} it returned shape {values.shape}")
    return values.reshape(x.shape)


def function1d(target: Callable[[np.ndarray], np.ndarray] | str = "sin2x", n: int = 200,
               interval: tuple[float, float] | None = None, noise: float = 0.0, seed: int = 0,
               test_fraction: float = 0.0) -> Dataset:
    """Regression on evenly spaced samples of a 1-D function.

    ``X = linspace(a, b, n)[:, None]`` and ``y = f(X) + noise * N(0, 1)``.

    Parameters
    ----------
    target : callable or str
        Vectorised f, or a name from :data:`TARGETS` ("sin2x", "sin10x", "seed004").
    n : int
        Number of samples (before the test split).
    interval : (a, b), optional
        Input range; defaults to the named target's interval, (-1, 1) for a callable.
    noise : float
        Standard deviation of Gaussian noise added to y.
    seed : int
        Seed for the noise and the split.
    test_fraction : float
        Share of the samples held out as test set (chosen at random, order kept).

    Returns
    -------
    Dataset
        X shape (n_train, 1), y shape (n_train, 1), ``target`` the true f.

    Examples
    --------
    >>> ds = function1d("sin2x", n=200)
    >>> ds.X.shape, ds.y.shape
    ((200, 1), (200, 1))
    """
    n = _check_count(n, "n")
    name, tgt = resolve_target(target)
    a, b = tgt.interval if interval is None else interval
    rng = np.random.default_rng(seed)
    x = np.linspace(float(a), float(b), n)
    y = _evaluate(tgt.f, x)
    if noise:
        y = y + noise * rng.standard_normal(n)
    return _regression(name, x[:, None], y[:, None], test_fraction, rng, target=tgt.f)


def single_sample() -> Dataset:
    """The single observation of seed 000: x = 0.5, y = sin(2 * 0.5) = sin(1).

    Returns
    -------
    Dataset
        X = [[0.5]], y = [[sin(1)]], empty test set, ``target`` sin(2x).
    """
    f = TARGETS["sin2x"].f
    X = np.array([[0.5]])
    return _regression("single_sample", X, f(X), 0.0, None, target=f)
