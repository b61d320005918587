"""The view contract: one panel, drawn for one training step, all numbers from the trace.

A view draws its static parts once (:meth:`View.setup`) and changes only what moves from step to
step (:meth:`View.update`, which returns the artists it changed). The layout draws the static
figure once, keeps it as a background, and per frame restores it and draws only those artists
(blitting on matplotlib's Agg canvas). Views do all heavy numerics in :meth:`View.prepare`, once
for every frame step, vectorised over the steps.

Writing a new view: one module in ``nnviz/render/views/`` with a registered class::

    @register_view
    class MyView(View):
        name = "mine"

        def setup(self, fig, spec):
            ax = fig.add_subplot(spec)                 # static: axes, labels, data
            self.dot, = ax.plot([], [], "o", animated=True)   # dynamic: animated=True

        def update(self, step):
            k = self.at(step)                          # nearest recorded step <= step
            self.dot.set_data([k], [self.trace.loss[k]])
            return [self.dot]
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import numpy as np

from .style import Theme, get_theme

__all__ = ["View", "nearest_recorded", "check_network", "VIEWS", "register_view", "view_class", "view_names", "load_views"]

#: The view registry: name -> View class, filled by :func:`register_view` only (``--view`` choices,
#: error messages and layouts read it). Complete once :func:`load_views` has run.
VIEWS: dict[str, type["View"]] = {}


def register_view(cls: type["View"]) -> type["View"]:
    """Class decorator adding a view to :data:`VIEWS` under ``cls.name``.

    Raises
    ------
    ValueError
        If another class already has that name.
    """
    other = VIEWS.get(cls.name)
    if other is not None and other.__qualname__ != cls.__qualname__:
        raise ValueError(f"two views are called {cls.name!r}: {other.__module__}.{other.__qualname__} "
                         f"and {cls.__module__}.{cls.__qualname__}")
    VIEWS[cls.name] = cls
    return cls


_loaded = False


def load_views() -> dict[str, type["View"]]:
    """Import every module of :mod:`nnviz.render.views` (their decorators fill :data:`VIEWS`).

    Raises
    ------
    RuntimeError
        If a view module defines a public View subclass that is not registered: a new view
        that was forgotten would otherwise silently never be offered.
    """
    global _loaded
    if _loaded:
        return VIEWS
    from . import views as package

    names = [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    for name in names:
        _check_registered(importlib.import_module(name))
    _loaded = True
    return VIEWS


def view_names(source: str = "trace") -> list[str]:
    """Sorted names of the registered views that draw a ``source`` ("trace" or "sweep")."""
    return sorted(n for n, c in load_views().items() if c.source == source)


def _import_view_module(name: str) -> None:
    """Import ``views/<name>.py`` (the module named after a view), checking its registrations."""
    module_name = f"{__package__}.views.{name.replace('-', '_')}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name != module_name:
            raise
        return
    _check_registered(module)


def _check_registered(module) -> None:
    for attr, obj in vars(module).items():
        if (inspect.isclass(obj) and issubclass(obj, View) and obj.__module__ == module.__name__
                and not attr.startswith("_") and VIEWS.get(obj.name) is not obj):
            raise RuntimeError(f"{module.__name__}.{attr} is a View but is not registered: "
                               "decorate it with @register_view (nnviz.render.base)")


def view_class(name: str, source: str = "trace") -> type["View"]:
    """The registered view called ``name``; ValueError listing the valid names otherwise.

    Only the view's own module is imported (``views/<name>.py``), so a movie of two views does not
    load the other ten.
    """
    if name not in VIEWS and isinstance(name, str) and name.replace("-", "_").isidentifier():
        _import_view_module(name)
    cls = VIEWS.get(name) or load_views().get(name)
    if cls is None or cls.source != source:
        what = "view" if source == "trace" else f"{source} view"
        raise ValueError(f"unknown {what} {name!r}; choose from: {', '.join(view_names(source))}")
    return cls


def check_network(cls: type["View"], trace) -> None:
    """Refuse, in one line, a trace whose network the view cannot draw (a CNN for the boundary view)."""
    if cls.source != "trace":
        return
    conv = bool(getattr(trace, "is_convolutional", False))
    if cls.network == "dense" and conv:
        raise ValueError(f"the {cls.name} view needs a fully connected network; try --view filters,featuremaps,loss")
    if cls.network == "conv" and not conv:
        raise ValueError(f"the {cls.name} view needs a convolutional network (e.g. the digits-cnn preset); "
                         f"try --view {','.join(v for v in ('weights', 'network', 'loss'))}")


def nearest_recorded(trace, step: int) -> int:
    """The last step with tensors at or before ``step`` (the first recorded step if none)."""
    i = int(np.searchsorted(trace.steps, step, side="right")) - 1
    return int(trace.steps[max(i, 0)])


class View:
    """Base class of all views.

    Parameters
    ----------
    trace : Trace
        The recorded run this view draws (views of a multi-run layout each get their own).
    theme : str or Theme
    label : str, optional
        Name of the run, shown when several runs are compared.
    """

    #: name in the view registry (``--view NAME``)
    name = "view"
    #: relative width of the panel in its row
    width = 1.0
    #: whether the view needs full tensors (False: scalars are enough)
    needs_tensors = True
    #: what the view draws: "trace" (a training run) or "sweep" (a construction sweep, nnviz.approx)
    source = "trace"
    #: the network it can draw: "dense" (fully connected), "conv" (a CNN, nnviz.nn.conv) or "any"
    network = "dense"
    #: True: several compared runs share one panel, given as ``runs=[(label, trace), ...]`` (the
    #: loss curves, the loss landscape); False: one panel per run
    shares_runs = False

    def __init__(self, trace, theme: str | Theme = "light", label: str | None = None, **options):
        check_network(type(self), trace)
        self.trace = trace
        self.theme = get_theme(theme)
        self.label = label
        if options:
            raise ValueError(f"view '{self.name}' has no option(s) {', '.join(sorted(options))}")

    def at(self, step: int) -> int:
        """The step of this view's trace to show at frame step ``step``."""
        return nearest_recorded(self.trace, step) if self.needs_tensors else min(int(step), int(self.trace.all_steps[-1]))

    def prepare(self, steps) -> None:
        """Precompute everything the frames need, vectorised over ``steps`` (frame steps)."""

    def setup(self, fig, spec) -> None:
        """Create axes in the SubplotSpec ``spec`` of ``fig``; draw static parts; create dynamic
        artists with ``animated=True``."""
        raise NotImplementedError

    def update(self, step: int) -> list:
        """Update the dynamic artists for frame step ``step``; return them."""
        raise NotImplementedError
