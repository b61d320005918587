"""Recording schedules: at which steps the full tensors (W, b, dW, db, z, a, delta) are stored.

Scalars (loss, accuracy, learning rate) are stored at every step regardless. Schedules:

``all``          every step
``every:K``      steps 0, K, 2K, ...
``log2``         steps 0, 1, 3, 7, 15, ..., 2^k - 1 (seed 003's snapshots)
``auto``         ``log2`` together with about 200 evenly spaced steps
``none``         only the first and the last step
``0,5,10``       an explicit list
The last step of training is always recorded, so the final model can be rebuilt.
"""

from __future__ import annotations

import numpy as np

__all__ = ["parse_schedule", "ScheduleError"]


class ScheduleError(ValueError):
    """A malformed recording schedule."""


_HELP = "use all, every:K, log2, auto, none or a list like 0,1,5,10"


def parse_schedule(spec: str, steps: int) -> np.ndarray:
    """The sorted steps in ``0..steps`` at which tensors are recorded.

    Parameters
    ----------
    spec : str
        A schedule (see the module docstring).
    steps : int
        Number of training steps; states ``0..steps`` exist.

    Returns
    -------
    ndarray of int, shape (n_recorded,)
    """
    s = str(spec).strip().lower()
    if s == "all":
        out = np.arange(steps + 1)
    elif s.startswith("every:"):
        try:
            k = int(s.split(":", 1)[1])
        except ValueError:
            k = 0
        if k < 1:
            raise ScheduleError(f"bad recording schedule {spec!r}: every:K needs a whole number K >= 1")
        out = np.arange(0, steps + 1, k)
    elif s == "log2":
        out = 2 ** np.arange(0, int(np.log2(steps + 1)) + 1) - 1
    elif s == "auto":
        out = np.union1d(parse_schedule("log2", steps), np.linspace(0, steps, min(steps, 200) + 1).round())
    elif s == "none":
        out = np.array([0])
    else:
        try:
            out = np.array([int(x) for x in s.replace(" ", "").split(",") if x != ""])
        except ValueError:
            raise ScheduleError(f"bad recording schedule {spec!r}: {_HELP}") from None
        if out.size == 0 or out.min() < 0:
            raise ScheduleError(f"bad recording schedule {spec!r}: {_HELP}")
        out = out[out <= steps]
    return np.union1d(out.astype(int), [steps]).astype(int)
