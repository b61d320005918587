"""Error against N: how fast the constructions converge, and where the steps stop being steps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .core import (RISE_10_90, approximation_error, bump_error_bound, bump_network, derivative_bounds,
                   relu_error_bound, relu_network, resolve_function)

__all__ = ["ErrorCurve", "error_vs_n", "METHODS"]

METHODS = ("bumps", "inverse-sigmoid", "relu")


@dataclass
class ErrorCurve:
    """Errors of one construction method for several N.

    Attributes
    ----------
    method : str
    n : ndarray of int, shape (k,)
    sup, mean : ndarray of shape (k,)
        Sup and mean absolute error against f on a uniform grid.
    bound : ndarray of shape (k,)
        The guaranteed bound: :func:`bump_error_bound` (bumps, linear output),
        :func:`relu_error_bound` (relu); NaN for the sigma^-1 output.
    bin_width : ndarray of shape (k,)
        ``(b - a) / n``.
    rise : float
        10 %..90 % rise width ``4.394 / w`` of one step (NaN for relu): bins narrower than this
        (``n > (b - a) / rise``) are no longer flat-topped bumps.
    L, f2max, fmax : float
        ``max|f'|``, ``max|f''|``, ``max|f|`` on the interval.
    """

    method: str
    n: np.ndarray
    sup: np.ndarray
    mean: np.ndarray
    bound: np.ndarray
    bin_width: np.ndarray
    rise: float
    L: float
    f2max: float
    fmax: float

    @property
    def n_rise(self) -> float:
        """The N at which the bin width equals the rise width."""
        return float(self.bin_width[0] * self.n[0] / self.rise) if np.isfinite(self.rise) else np.inf


def error_vs_n(f, ns=(1, 2, 4, 8, 16, 32, 64, 128, 256), interval=None, method: str = "bumps",
               w: float = 500.0, halved_ends: bool = False, samples: int = 4001) -> ErrorCurve:
    """Measure the sup and mean error of a construction for several N.

    Parameters
    ----------
    f : callable or str
    ns : sequence of int
    interval : (a, b), optional
    method : {"bumps", "inverse-sigmoid", "relu"}
    w : float
        Steepness of the step neurons (bumps).
    halved_ends : bool
    samples : int
        Grid points for the error.

    Returns
    -------
    ErrorCurve
        Expect slope -1 on log-log axes for bumps (until the bins get narrower than a step's rise
        width) and -2 for ReLU hats.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of: {', '.join(METHODS)}")
    fn, _, (a, b) = resolve_function(f, interval)
    L, f2, fmax = derivative_bounds(fn, (a, b))
    ns = np.array(sorted({int(n) for n in ns}))
    sup, mean, bound = [], [], []
    for n in ns:
        if method == "relu":
            m = relu_network(fn, n, interval=(a, b))
            bound.append(relu_error_bound(n, (a, b), f2))
        else:
            output = "linear" if method == "bumps" else "inverse-sigmoid"
            m = bump_network(fn, n, interval=(a, b), w=w, output=output, halved_ends=halved_ends)
            bound.append(bump_error_bound(n, (a, b), L, w, fmax, halved_ends) if method == "bumps" else np.nan)
        s, mu = approximation_error(m, fn, (a, b), samples)
        sup.append(s)
        mean.append(mu)
    rise = RISE_10_90 / w if method != "relu" else np.nan
    return ErrorCurve(method, ns, np.array(sup), np.array(mean), np.array(bound), (b - a) / ns, rise, L, f2, fmax)
