"""How the network view writes numbers and indices: 3 significant digits, a true minus sign,
super- and subscripts (``W¹``, ``x₂``)."""

from __future__ import annotations

import math
import re

__all__ = ["format_value", "parse_values", "sup", "sub", "MINUS", "ARROW"]

_SUP = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
MINUS = "\u2212"
ARROW = "\u2009→\u2009"  # between thin spaces


def sup(v) -> str:
    """``sup(12)`` -> ``"¹²"``."""
    return str(v).translate(_SUP)


def sub(v) -> str:
    """``sub(12)`` -> ``"₁₂"``."""
    return str(v).translate(_SUB)


def format_value(v: float, digits: int = 3) -> str:
    """A number as printed on the diagram: ``digits`` significant digits, a true minus sign.

    >>> format_value(0.54184321), format_value(-1.26542147), format_value(0.00012345)
    ('0.542', '−1.27', '1.23e−04')
    """
    v = float(v)
    if not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else MINUS + "inf")
    if abs(v) < 1e-9:  # rounding noise (e.g. the mean of centred data): printed as 0
        return "0"
    mag = math.floor(math.log10(abs(v)))
    if -3 <= mag < 4:
        s = f"{v:.{max(digits - 1 - mag, 0)}f}"
        # rounding may add a digit (9.996 -> "10.00"): recompute with the new magnitude
        if len(s.lstrip("-").replace(".", "").lstrip("0")) > digits and "." in s:
            s = f"{v:.{max(digits - 2 - mag, 0)}f}"
    else:
        s = f"{v:.{digits - 1}e}"
    return s.replace("-", MINUS)


_NUMBER = re.compile(r"[-\u2212]?(?:\d+\.?\d*|\.\d+)(?:e[-\u2212+]?\d+)?|[-\u2212]?inf|nan")


def parse_values(text: str) -> list[float]:
    """The numbers in a label, e.g. ``"b: 0.105 → 0.353"`` -> [0.105, 0.353] (tests use it)."""
    body = text.split("=", 1)[1] if "=" in text else (text.split(":", 1)[1] if ":" in text else text)
    return [float(m.replace(MINUS, "-")) for m in _NUMBER.findall(body)]
