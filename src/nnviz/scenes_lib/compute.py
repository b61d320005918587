"""The numbers behind the scenes, in plain numpy (no manim): testable on their own.

* :func:`shown_units` -- which units of a wide layer are drawn (about 16, with an ellipsis);
* :func:`default_step_weight` -- the steepness of the bump scenes' sigmoid steps (a tenth of a
  bump wide), for :func:`nnviz.approx.bump_network`;
* :func:`perceptron_rule` -- seed 001's perceptron learning rule, one point at a time;
* :func:`half_planes` -- the two sides of a line inside a rectangle, as polygons;
* :func:`signed_scale` -- a robust scale for colouring signed values.

A 2-D classifier's output over the input plane, its colours and its decision boundary come from
:mod:`nnviz.render.views.boundary` (:func:`~nnviz.render.views.boundary.grid_for`,
:func:`~nnviz.render.views.boundary.evaluate_steps`, :func:`~nnviz.render.views.boundary.field_colors` with the
dark theme, :func:`~nnviz.render.views.boundary.decision_segments`), so that videos and GIFs look alike.
"""

from __future__ import annotations

import numpy as np

__all__ = ["shown_units", "default_step_weight", "perceptron_rule", "half_planes", "signed_scale"]


# ---------------------------------------------------------------- wide layers
def shown_units(n: int, max_units: int = 16) -> tuple[list[int], int | None]:
    """The units of an ``n``-unit layer that are drawn, and where the ellipsis goes.

    Up to ``max_units`` units are all drawn. A wider layer shows its first ``max_units // 2``
    and last ``max_units // 2 - 1`` units with a vertical ellipsis in the slot between them.

    Returns
    -------
    units : list of int
        Indices of the drawn units, top to bottom.
    ellipsis_slot : int or None
        Position (in drawing slots, counted like ``units``) of the ellipsis, or None.

    >>> shown_units(3)
    ([0, 1, 2], None)
    >>> units, slot = shown_units(50)
    >>> len(units), units[:2], units[-1], slot
    (15, [0, 1], 49, 8)
    """
    if n <= max_units:
        return list(range(n)), None
    top = max_units // 2
    bottom = max_units - top - 1
    return list(range(top)) + list(range(n - bottom, n)), top


# ---------------------------------------------------------------- seed 004: bumps
def default_step_weight(n: int, interval=(0.0, 1.0)) -> float:
    """A hidden weight that makes each step rise within a tenth of a bump's width.

    σ(w(x - s)) climbs from 0.12 to 0.88 over ``4 / w``; a bump is ``(b - a) / n`` wide. The bump
    scenes pass it as ``w`` to :func:`nnviz.approx.bump_network`, whose default is a fixed
    w = 500: at N = 40 (bumps 0.025 wide) that step would rise over a third of each bump.
    """
    a, b = interval
    return 40.0 * n / (b - a)


# ---------------------------------------------------------------- seed 001: the perceptron rule
def perceptron_rule(X, t, eta: float = 0.1, beta0=None, seed: int = 0, max_epochs: int = 100):
    """Seed 001's perceptron learning rule, applied one point at a time.

    ``beta <- beta + eta * t_i * x~_i`` for each point ``i`` with ``sign(beta . x~_i) != t_i``,
    where ``x~ = (1, x1, x2)``; sweeps over the points in order until a sweep changes nothing.
    (Seed 001's notebook adds all misclassified points of a sweep at once; one at a time is the
    classic form and the one whose boundary can be watched moving point by point.)

    Parameters
    ----------
    X : ndarray of shape (n, 2)
    t : ndarray of shape (n,), values -1 or +1
    eta : float
    beta0 : ndarray of shape (3,), optional
        Start (bias first); drawn from N(0, 1) with ``seed`` as in the notebook if not given.

    Returns
    -------
    betas : ndarray of shape (n_updates + 1, 3)
        ``betas[0]`` is the start, ``betas[k]`` the weights after the k-th update.
    visited : ndarray of int, shape (n_updates,)
        The point that caused each update.
    converged : bool
    """
    X = np.asarray(X, dtype=float)
    t = np.asarray(t, dtype=float).reshape(-1)
    Xt = np.hstack([np.ones((len(X), 1)), X])
    beta = np.random.default_rng(seed).normal(0, 1, 3) if beta0 is None else np.array(beta0, dtype=float)
    betas, visited = [beta.copy()], []
    converged = False
    for _ in range(max_epochs):
        changed = False
        for i in range(len(X)):
            if np.sign(Xt[i] @ beta) != t[i]:
                beta = beta + eta * t[i] * Xt[i]
                betas.append(beta.copy())
                visited.append(i)
                changed = True
        if not changed:
            converged = True
            break
    return np.array(betas), np.array(visited, dtype=int), converged


def half_planes(beta, box):
    """The parts of a rectangle where ``beta0 + beta1 x + beta2 y`` is >= 0 and < 0.

    Parameters
    ----------
    beta : sequence of 3 floats
    box : (x0, x1, y0, y1)

    Returns
    -------
    positive, negative : ndarray of shape (m, 2)
        Polygon vertices (possibly empty, shape (0, 2)).
    """
    x0, x1, y0, y1 = box
    square = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)
    b0, b1, b2 = map(float, beta)

    def clip(sign):
        out = []
        g = sign * (b0 + square @ np.array([b1, b2]))
        for i in range(4):
            p, q = square[i], square[(i + 1) % 4]
            gp, gq = g[i], g[(i + 1) % 4]
            if gp >= 0:
                out.append(p)
            if (gp >= 0) != (gq >= 0):
                out.append(p + (gp / (gp - gq)) * (q - p))
        return np.array(out).reshape(-1, 2)

    return clip(1.0), clip(-1.0)


# ---------------------------------------------------------------- colours
def signed_scale(values, floor: float = 1e-9, q: float = 98.0) -> float:
    """A scale for colouring signed values: the ``q``-th percentile of ``|values|``."""
    v = np.abs(np.asarray(values, dtype=float))
    v = v[np.isfinite(v)]
    if v.size == 0:
        return 1.0
    return max(float(np.percentile(v, q)), floor)
