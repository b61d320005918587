"""What a scene renders (a trace file, or a preset to train, and a duration): set by ``nnviz scene``
through :func:`using`, or by the ``NNVIZ_TRACE``, ``NNVIZ_PRESET`` and ``NNVIZ_DURATION``
environment variables when manim runs a scene file itself."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, replace

__all__ = ["SceneOptions", "scene_options", "using"]


@dataclass(frozen=True)
class SceneOptions:
    """What a scene renders: a trace file, or a preset / config to train, and a duration."""

    trace: str | None = None
    preset: str | None = None
    duration: float | None = None  # seconds of animation; None: the scene's default
    hold: float | None = None  # seconds of the pause at the end; None: the scene's default


_override = SceneOptions()


def scene_options() -> SceneOptions:
    """The options in effect: :func:`using` over the ``NNVIZ_*`` environment variables."""
    seconds = os.environ.get("NNVIZ_DURATION") or None
    try:
        seconds = None if seconds is None else float(seconds)
    except ValueError:
        raise ValueError(f"NNVIZ_DURATION must be a number of seconds, got {seconds!r}") from None
    env = SceneOptions(trace=os.environ.get("NNVIZ_TRACE") or None,
                       preset=os.environ.get("NNVIZ_PRESET") or None, duration=seconds)
    o = _override
    if o.trace or o.preset:  # an explicit source replaces the environment's
        env = replace(env, trace=o.trace, preset=o.preset)
    if o.duration is not None:
        env = replace(env, duration=o.duration)
    if o.hold is not None:
        env = replace(env, hold=o.hold)
    if env.duration is not None and not env.duration > 0:
        raise ValueError(f"the duration must be positive, got {env.duration}")
    return env


@contextmanager
def using(trace=None, preset=None, duration=None, hold=None):
    """Render scenes from ``trace`` (a file) or ``preset`` (trained first), for ``duration`` s,
    with a pause of ``hold`` s at the end (None: the scene's own)."""
    global _override
    if trace and preset:
        raise ValueError("give a trace or a preset, not both")
    old = _override
    _override = SceneOptions(str(trace) if trace else None, str(preset) if preset else None,
                             None if duration is None else float(duration), None if hold is None else float(hold))
    try:
        yield _override
    finally:
        _override = old
