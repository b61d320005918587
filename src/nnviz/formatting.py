"""Number formats shared by every caption, view, scene and player (no nnviz imports: any layer may use it)."""

from __future__ import annotations

import math

__all__ = ["percent"]

_MAX_DECIMALS = 6


def percent(fraction: float, decimals: int = 1) -> str:
    """A fraction as a percentage that never rounds to 100 % or 0 % unless it is exactly that.

    ``decimals`` is the usual number of decimals; more are used only where that rounding would
    show 100 % for a fraction below 1 (or 0 % above 0), so that an accuracy agrees with a count
    of misclassified points: ``percent(299 / 300)`` is ``"99.7%"`` and
    ``percent(299 / 300, 0)`` is ``"99.7%"`` too, where ``f"{299 / 300:.0%}"`` says ``"100%"``.

    Parameters
    ----------
    fraction : float
        E.g. an accuracy in [0, 1]; NaN shows as ``"nan"``.
    decimals : int
        Decimals after the point, at least.

    Returns
    -------
    str
        Like ``f"{fraction:.{decimals}%}"``: ``"94.0%"``, ``"100.0%"`` (exactly 1), ``"99.97%"``.
    """
    f = float(fraction)
    if not math.isfinite(f):
        return "nan"
    d = max(0, int(decimals))
    s = f"{f:.{d}%}"
    while d < _MAX_DECIMALS and ((f < 1.0 and float(s[:-1]) >= 100.0) or (f > 0.0 and float(s[:-1]) <= 0.0)):
        d += 1
        s = f"{f:.{d}%}"
    return s
