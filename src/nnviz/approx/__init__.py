"""Universal approximation by construction: steps, bumps, the sigma^-1 trick, ReLU hats, 2-D towers.

Every construction is a real :class:`nnviz.nn.MLP` (a :class:`ConstructedMLP`), callable on x of
shape (n_samples, 1), that also remembers how it was built::

    >>> from nnviz.approx import bump_network, relu_network
    >>> net = bump_network("0.2+0.4*x**2+0.3*x*sin(15*x)+0.05*cos(50*x)", 10, interval=(0, 1), w=500)
    >>> net.sizes
    [1, 20, 1]
    >>> relu_network("seed004", 10).sizes
    [1, 11, 1]

Animations of a changing parameter (N, w) are :class:`Sweep` s, rendered by the views of
:mod:`nnviz.render.bumps` (``nnviz bumps``, ``nnviz step``, ``nnviz towers``).
"""

from .core import (
    EDGE_Z, RISE_1_99, RISE_10_90, SEED004_STEPS, SEED004_WEIGHTS, Construction, ConstructedMLP,
    approximation_error, article_sigmoid, bump_error_bound, bump_network, bump_pair_network,
    derivative_bounds, logit, relu_error_bound, relu_network, resolve_function, rise_width,
    seed004_article_output, seed004_example, sigmoid, step_network,
)
from .measure import error_vs_n
from .sweep import Sweep, bump_sweep, parse_values, relu_sweep, step_sweep, towers_sweep
from .towers import (
    Construction2D, ConstructedMLP2D, approximation_error2d, bump2d_network, resolve_function2d,
    step2d_network, tower_network, towers_network, window_errors2d,
)

__all__ = [
    "ConstructedMLP", "Construction", "step_network", "bump_pair_network", "bump_network", "relu_network",
    "seed004_example", "SEED004_STEPS", "SEED004_WEIGHTS", "article_sigmoid", "seed004_article_output",
    "logit", "sigmoid", "rise_width", "RISE_10_90", "RISE_1_99", "EDGE_Z", "resolve_function",
    "derivative_bounds", "bump_error_bound", "relu_error_bound", "approximation_error", "error_vs_n",
    "Construction2D", "ConstructedMLP2D", "step2d_network", "bump2d_network", "tower_network",
    "towers_network", "resolve_function2d", "approximation_error2d", "window_errors2d",
    "Sweep", "bump_sweep", "relu_sweep", "step_sweep", "towers_sweep", "parse_values",
]
