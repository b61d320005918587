"""A preset name, a config or a trace path -> a trace: the one place where drawing asks for training.

Renderers take traces and never train. The command line, the notebook helpers, the gallery and
the manim scenes turn what the user typed into a trace here::

    from nnviz.sources import trace_for

    trace = trace_for("moons")                  # trains the preset into moons.h5
    trace = trace_for("run.h5")                 # opens a recorded run
    trace = trace_for("my.toml", "out/my.h5")   # trains a config into out/my.h5
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

__all__ = ["trace_for", "is_trace_file"]

log = logging.getLogger(__name__)

_TRACE_SUFFIXES = (".h5", ".hdf5")


def is_trace_file(spec) -> bool:
    """True if ``spec`` names a trace file (``.h5``/``.hdf5``, or an existing file that is no TOML config)."""
    if not isinstance(spec, (str, os.PathLike)):
        return False
    p = Path(os.fspath(spec))
    return p.suffix.lower() in _TRACE_SUFFIXES or (p.is_file() and p.suffix.lower() != ".toml")


def trace_for(spec, path=None, *, record="auto", progress: bool = False, **overrides):
    """The trace of ``spec``: opened if it is a trace, trained (and recorded) otherwise.

    Parameters
    ----------
    spec : Trace, str, Path or dict
        An open :class:`~nnviz.trace.Trace` (returned as it is), a trace file, a preset name
        (``nnviz presets``), a TOML config file or a config dict.
    path : str or Path, optional
        Where a trained run's trace goes (default ``<stem>.h5`` in the current folder; a dict
        config uses its ``name``).
    record : str
        Recording schedule for a trained run (``"auto"``: smooth animation where it is cheap).
    progress : bool
        A training progress bar.
    **overrides
        ``train.*`` settings and ``seed`` for a trained run (see :func:`nnviz.train.train`).

    Returns
    -------
    Trace
        A run that diverged is returned too (its trace ends where it stopped), with a warning.
    """
    from .trace import Trace, load_trace

    if isinstance(spec, Trace):
        return spec
    if is_trace_file(spec):
        if overrides:
            raise ValueError(f"{spec} is a recorded trace: training settings ({', '.join(sorted(overrides))}) "
                             "do not apply to it")
        return load_trace(spec)
    from .train import train

    if path is None:
        stem = spec.get("name", "run") if isinstance(spec, dict) else Path(os.fspath(spec)).stem
        path = Path(f"{stem}.h5")
    trace = train(spec, trace=path, record=record, progress=progress, **overrides)  # on one BLAS thread
    if trace.diverged:
        log.warning("%s (the trace up to there is in %s)", trace.message, path)
    return trace
