"""Views (trace, step) -> panel, layouts composing them, and the one pipeline to every output.

* :mod:`~nnviz.render.base` -- the View contract and the view registry (:data:`VIEWS`);
* :mod:`~nnviz.render.views` -- one module per view, named after it (``views/boundary.py``);
* :mod:`~nnviz.render.artists` -- fast text, image and raster artists the views draw with;
* :mod:`~nnviz.render.layout` -- views composed into frames (blitting on the Agg canvas);
* :mod:`~nnviz.render.animate` -- frame steps, layouts and headers of training runs;
* :mod:`~nnviz.render.pipeline` -- the one loop from frame keys to a file.

``VIEWS`` is complete when it is first read from here: reading it imports every view module.
"""

from .animate import animate, build_layout, default_views, select_steps
from .base import View, load_views, nearest_recorded, register_view, view_class
from .layout import Layout, parse_size
from .pipeline import render

__all__ = ["View", "Layout", "VIEWS", "register_view", "view_class", "load_views", "animate", "render",
           "build_layout", "default_views", "select_steps", "parse_size", "nearest_recorded",
           "BoundaryView", "CurvesView"]


def __getattr__(name):
    if name == "VIEWS":
        return load_views()
    if name == "BoundaryView":
        from .views.boundary import BoundaryView

        return BoundaryView
    if name == "CurvesView":
        from .views.loss import CurvesView

        return CurvesView
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
