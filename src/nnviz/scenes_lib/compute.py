"""The numbers behind the scenes, in plain numpy (no manim): testable on their own.

* :func:`shown_units` -- which units of a wide layer are drawn (about 16, with an ellipsis);
* :func:`default_step_weight` -- the steepness of the bump scenes' sigmoid steps (a tenth of a
  bump wide), for :func:`nnviz.approx.bump_network`;
* :func:`perceptron_rule` -- seed 001's perceptron learning rule, one point at a time;
* :func:`half_planes` -- the two sides of a line inside a rectangle, as polygons;
* :func:`signed_scale` -- a robust scale for colouring signed values;
* :func:`conv_walkthrough` -- one filter sliding over one probe digit of a convolutional trace,
  and the 2x2 max-pooling of the map it makes (``ConvolutionFlow``).

A 2-D classifier's output over the input plane, its colours and its decision boundary come from
:mod:`nnviz.render.views.boundary` (:func:`~nnviz.render.views.boundary.grid_for`,
:func:`~nnviz.render.views.boundary.evaluate_steps`, :func:`~nnviz.render.views.boundary.field_colors` with the
dark theme, :func:`~nnviz.render.views.boundary.decision_segments`), so that videos and GIFs look alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["shown_units", "default_step_weight", "perceptron_rule", "half_planes", "signed_scale",
           "ConvWalk", "conv_walkthrough"]


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


# ---------------------------------------------------------------- a convolution, step by step
@dataclass
class ConvWalk:
    """One filter of a trace's first conv layer on one probe digit, and the max-pooling after it.

    Every array is the trace's: ``x`` its data, ``W`` and ``b`` its parameters at ``step``, ``z``,
    ``a`` and ``pooled`` its recorded maps of the probe digit. ``window_sums`` is the sliding dot
    product the scene writes out, ``sum(W * window) + b`` for each output pixel (equal to ``z``).
    """

    step: int
    sample: int                 # the probe digit (index into trace.probe_index)
    filt: int                   # the filter
    label: int | None           # the digit's class
    x: np.ndarray               # (H, W) input image
    pad: int                    # zero padding of the input
    W: np.ndarray               # (k, k) the filter
    b: float                    # its bias
    z: np.ndarray               # (H', W') recorded pre-activations of this filter's map
    a: np.ndarray               # (H', W') recorded activations (relu(z) for seed 002)
    activation: str
    window_sums: np.ndarray     # (H', W') sum(W * window) + b, from x, W, b
    pooled: np.ndarray | None   # (H'/2, W'/2) recorded max-pooled map, or None without pooling
    argmax: np.ndarray | None   # (H'/2, W'/2, 2) row, column in ``a`` of each window's maximum

    @property
    def padded(self) -> np.ndarray:
        return np.pad(self.x, self.pad)


def conv_walkthrough(trace, step=None, sample: int = 0, filt=None) -> ConvWalk:
    """What ``ConvolutionFlow`` shows, read from a convolutional trace.

    Parameters
    ----------
    trace : nnviz.Trace
        A convolutional trace whose first layer is a conv2d layer on one input channel.
    step : int, optional
        A recorded step (default: the last one).
    sample : int
        Which probe digit.
    filt : int, optional
        Which filter (default: the one whose map of this digit has the largest activation).
    """
    net = trace.network
    conv = net.layers[1]
    if conv.kind != "conv2d" or conv.in_shape[0] != 1:
        raise ValueError(f"ConvolutionFlow draws a first conv2d layer on one input channel; {trace.path.name} has "
                         f"{net.describe()}")
    step = trace.final_step if step is None else int(step)
    n_probe = len(trace.probe_index)
    if not 0 <= int(sample) < n_probe:
        raise ValueError(f"the probe digit must be 0..{n_probe - 1}, got {sample}")
    z_all, a_all = trace.preactivations(step), trace.activations(step)
    a1 = a_all[0][sample]                                                   # (F, H', W')
    filt = int(np.argmax(a1.reshape(len(a1), -1).max(axis=1))) if filt is None else int(filt)
    if not 0 <= filt < conv.filters:
        raise ValueError(f"the filter must be 0..{conv.filters - 1}, got {filt}")
    W, b = trace.params(step)[0]
    index = int(trace.probe_index[sample])
    x = net.images(trace.data.X[index: index + 1])[0, 0]
    k, pad = conv.kernel, conv.padding
    xp = np.pad(x, pad)
    Hh, Ww = a1.shape[1:]
    sums = np.array([[np.sum(W[filt, 0] * xp[i: i + k, j: j + k]) + b[filt] for j in range(Ww)] for i in range(Hh)])
    pooled = argmax = None
    if net.L >= 2 and net.layers[2].kind == "maxpool2d":
        pooled = a_all[1][sample, filt]
        m = a1[filt]
        windows = m.reshape(Hh // 2, 2, Ww // 2, 2).transpose(0, 2, 1, 3).reshape(Hh // 2, Ww // 2, 4)
        first = windows.argmax(axis=2)   # the first maximum, as the pooling's backward picks it
        argmax = np.stack([2 * np.arange(Hh // 2)[:, None] + first // 2,
                           2 * np.arange(Ww // 2)[None, :] + first % 2], axis=-1)
    labels = trace.data.labels
    return ConvWalk(step=step, sample=int(sample), filt=filt, label=None if labels is None else int(labels[index]),
                    x=x, pad=pad, W=np.asarray(W[filt, 0], dtype=float), b=float(b[filt]), z=z_all[0][sample, filt],
                    a=a1[filt], activation=conv.activation, window_sums=sums, pooled=pooled, argmax=argmax)
