"""Views (trace, step) -> panel, layouts composing them, and the animation pipeline."""

from .animate import VIEWS, animate, build_layout, default_views, register_view, select_steps
from .base import View, nearest_recorded
from .boundary import BoundaryView
from .curves import CurvesView
from .layout import Layout, parse_size

register_view(BoundaryView)
register_view(CurvesView)

# Views contributed by other modules register themselves on import.
for _mod in ("neurons", "hidden", "fit", "network", "weights", "ode"):
    try:
        __import__(f"{__name__}.{_mod}")
    except ModuleNotFoundError as _e:
        if _e.name != f"{__name__}.{_mod}":
            raise

__all__ = ["View", "Layout", "VIEWS", "register_view", "animate", "build_layout", "default_views",
           "select_steps", "parse_size", "nearest_recorded", "BoundaryView", "CurvesView"]
