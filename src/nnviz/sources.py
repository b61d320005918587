"""A preset name, a config or a trace path -> a trace: the one place where drawing asks for training.

Renderers take traces and never train. The command line, the notebook helpers, the gallery and
the manim scenes turn what the user typed into a trace here::

    from nnviz.sources import trace_for

    trace = trace_for("moons")                  # trains the preset into the cache (or reuses it)
    trace = trace_for("run.h5")                 # opens a recorded run
    trace = trace_for("my.toml", "out/my.h5")   # trains a config into out/my.h5
    trace = trace_for("points.csv", hidden=[8, 8])   # your own data
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
    return p.suffix.lower() in _TRACE_SUFFIXES or (p.is_file() and p.suffix.lower() not in (".toml", ".csv"))


def trace_for(spec, path=None, *, record=None, progress: bool = False, **overrides):
    """The trace of ``spec``: opened if it is a trace, trained (and recorded) otherwise.

    Parameters
    ----------
    spec : Trace, str, Path or dict
        An open :class:`~nnviz.trace.Trace` (returned as it is), a trace file, a preset name
        (``nnviz presets``), a TOML config file, a CSV file of your own data, or a config dict.
    path : str or Path, optional
        Where a trained run's trace goes. Default: the trace cache (:mod:`nnviz.trace.cache`),
        where a run with the same complete config is reused instead of trained again.
    record : str, optional
        Recording schedule for a trained run (default: the config's own, as ``nnviz train``
        records it; ``"auto"`` unless the preset says otherwise).
    progress : bool
        A training progress bar.
    **overrides
        ``train.*`` settings, ``seed``, ``hidden``, ``activation`` and, for a CSV file, ``target``
        (see :func:`nnviz.build.resolve_config`).

    Returns
    -------
    Trace
        A run that diverged is returned too (its trace ends where it stopped), with a warning.
    """
    from .build import resolve_config
    from .trace import Trace, TraceError, load_trace
    from .trace.cache import cache_path

    if isinstance(spec, Trace):
        return spec
    trace = None
    if is_trace_file(spec):
        if overrides:
            raise ValueError(f"{spec} is a recorded trace: training settings ({', '.join(sorted(overrides))}) "
                             "do not apply to it")
        return load_trace(spec)
    from .train import train

    cfg = resolve_config(spec, record=record, **overrides)
    if path is None:
        path = cache_path(cfg)
        if path.exists():
            try:
                trace = load_trace(path)
            except TraceError:
                trace = None
            if trace is not None and trace.status not in ("complete", "diverged"):
                trace = trace.close()
            if trace is not None:
                log.info("reusing the cached trace %s", path)
    if trace is None:
        trace = train(cfg, trace=path, progress=progress)  # on one BLAS thread
    if trace.diverged:
        log.warning("%s (the trace up to there is in %s)", trace.message, path)
    return trace

