"""Number formats shared by every caption, view, scene and player (no nnviz imports: any layer may use it)."""

from __future__ import annotations

import math

__all__ = ["percent", "fraction"]

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
    return _honest(fraction, decimals, "%")


def fraction(value: float, decimals: int = 2) -> str:
    """A fraction in [0, 1] (e.g. an accuracy in a heat-map cell) that never rounds to 1 or 0
    unless it is exactly that: ``fraction(0.996)`` is ``"0.996"``, where ``f"{0.996:.2f}"`` says
    ``"1.00"``; ``fraction(0.96)`` is ``"0.96"``. The rule of :func:`percent`, without the ``%``.
    """
    return _honest(value, decimals, "f")


def _honest(value: float, decimals: int, kind: str) -> str:
    f = float(value)
    if not math.isfinite(f):
        return "nan"
    d = max(0, int(decimals))
    top = 100.0 if kind == "%" else 1.0

    def fmt(d):
        s = f"{f:.{d}{kind}}"
        return s, float(s.rstrip("%"))

    s, shown = fmt(d)
    while d < _MAX_DECIMALS and ((f < 1.0 and shown >= top) or (f > 0.0 and shown <= 0.0)):
        d += 1
        s, shown = fmt(d)
    return s
