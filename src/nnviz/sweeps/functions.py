"""Sweeps of your own training function: ``nnviz.sweep(fn, grid={...}, seeds=..., out=...)``.

``fn(trace, seed, **values)`` trains and records one run into the trace path it is given (with
:class:`nnviz.Recorder` or an integration's callback, e.g.
:class:`nnviz.integrations.keras.TraceCallback`) and returns. It must be a module-level function
(a ``def`` at the top of a module or of the script being run): the worker processes find it by
its module and name. A sweep of a function is identified by that module and name and by the fixed
keyword arguments given to :func:`nnviz.sweep` (its ``**overrides``), in place of a base config.

The local process pool forks its workers for a function sweep, so a function defined in a
script's ``__main__`` is found in them without running the script again; the Dask backend sends
the function with cloudpickle (by value when it is in ``__main__``, else by module and name, which
the workers must then be able to import).
"""

from __future__ import annotations

import inspect
import itertools
import json
import sys

import numpy as np

from ..config import ConfigError

__all__ = ["function_id", "function_base", "function_grid", "function_cells", "check_call"]


def function_id(fn) -> str:
    """``"module:qualname"`` of a module-level function; anything else raises ConfigError."""
    if not callable(fn):
        raise ConfigError(f"a sweep runs a config, a preset or a training function, not {type(fn).__name__}")
    module, qual = getattr(fn, "__module__", None), getattr(fn, "__qualname__", None)
    found = sys.modules.get(module) if module else None
    for part in (qual or "<unknown>").split("."):
        found = getattr(found, part, None)
    if found is not fn:
        raise ConfigError(f"nnviz.sweep needs a module-level function (a def at the top of a module or script) "
                          f"that its workers can find by name; {qual or fn!r} is not one")
    return f"{module}:{qual}"


def _plain(v, what: str):
    v = v.item() if isinstance(v, np.generic) else v
    try:
        json.dumps(v, allow_nan=False)
    except (TypeError, ValueError):
        raise ConfigError(f"{what}: {v!r} is not a number, text, bool or list of them (the index is JSON)") from None
    return v


def function_base(fn, arguments: dict) -> dict:
    """The identity of a function sweep (stored as the index's ``base``)."""
    args = {k: _plain(v, f"argument {k!r}") for k, v in arguments.items()}
    return {"name": fn.__qualname__, "function": function_id(fn), "arguments": args}


def function_grid(grid) -> list[tuple[str, list]]:
    """A function's grid as ``[(keyword, [values...]), ...]``: names and values as given."""
    items = list(grid.items()) if isinstance(grid, dict) else list(grid or [])
    out: list[tuple[str, list]] = []
    for key, values in items:
        if not isinstance(key, str) or not key.isidentifier() or key in ("trace", "seed"):
            raise ConfigError(f"grid key {key!r} must be a keyword argument name of the function "
                              "(not trace or seed)")
        if key in (k for k, _ in out):
            raise ConfigError(f"grid key '{key}' is given twice")
        if isinstance(values, str) or not isinstance(values, (list, tuple, np.ndarray, range)):
            raise ConfigError(f"grid key '{key}': give its values as a list, e.g. [0.01, 0.1]")
        vals = []
        for v in values:
            v = _plain(v, f"grid key '{key}'")
            if v not in vals:
                vals.append(v)
        if not vals:
            raise ConfigError(f"grid key '{key}' has no values")
        out.append((key, vals))
    return out


def function_cells(grid, seeds):
    """Every run: ``(values, seed)``, grid order, seeds innermost (None: the one run of a cell)."""
    keys = [k for k, _ in grid]
    return [(dict(zip(keys, combo)), seed) for combo in itertools.product(*[v for _, v in grid])
            for seed in (seeds if seeds is not None else [None])]


def check_call(fn, arguments: dict, grid) -> None:
    """Refuse, before any run, a grid or arguments that ``fn(trace, seed, ...)`` cannot take."""
    names = {**arguments, **{k: vals[0] for k, vals in grid}}
    both = set(arguments) & {k for k, _ in grid}
    if both:
        raise ConfigError(f"{', '.join(sorted(both))} is both a grid key and a fixed argument")
    try:
        inspect.signature(fn).bind("trace.h5", 0, **names)
    except TypeError as e:
        raise ConfigError(f"{fn.__qualname__}(trace, seed, {', '.join(f'{k}=...' for k in names)}) "
                          f"does not fit its signature: {e}") from None
    except ValueError:  # pragma: no cover - a builtin without a signature: found out when it runs
        pass
