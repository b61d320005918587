"""The view contract: one panel, drawn for one training step, all numbers from the trace.

A view draws its static parts once (:meth:`View.setup`) and changes only what moves from step to
step (:meth:`View.update`, which returns the artists it changed). The layout draws the static
figure once, keeps it as a background, and per frame restores it and draws only those artists
(blitting on matplotlib's Agg canvas). Views do all heavy numerics in :meth:`View.prepare`, once
for every frame step, vectorised over the steps.

Writing a new view::

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

import numpy as np

from .style import Theme, get_theme

__all__ = ["View", "nearest_recorded"]


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

    def __init__(self, trace, theme: str | Theme = "light", label: str | None = None, **options):
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
