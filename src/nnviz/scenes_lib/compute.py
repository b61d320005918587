"""The numbers behind the scenes, in plain numpy (no manim): testable on their own.

* :func:`shown_units` -- which units of a wide layer are drawn (about 16, with an ellipsis);
* :func:`bump_network` -- seed 004's construction, N bumps of sigmoid steps approximating f
  (from :mod:`nnviz.approx`, with a step weight that grows with N);
* :func:`perceptron_rule` -- seed 001's perceptron learning rule, one point at a time;
* :func:`half_planes` -- the two sides of a line inside a rectangle, as polygons;
* :func:`signed_scale` -- a robust scale for colouring signed values;
* :func:`plane_grid`, :func:`outputs_at`, :func:`field_rgb`, :func:`boundary_lines` -- a 2-D
  classifier's output over the input plane at many steps, its colours and its decision boundary.

The plane's colours follow :func:`nnviz.render.boundary.field_colors` (dark theme) so that videos
and GIFs look alike; they are re-implemented here, in a few lines, so that a scene does not import
the whole matplotlib rendering pipeline.
"""

from __future__ import annotations

import numpy as np

__all__ = ["shown_units", "bump_network", "inverse_sigmoid", "sigmoid", "default_step_weight",
           "max_error", "perceptron_rule", "half_planes", "signed_scale", "plane_grid", "outputs_at", "field_rgb",
           "boundary_lines", "PLANE_PANEL"]


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
def sigmoid(z):
    """The logistic function, without overflow warnings."""
    z = np.asarray(z, dtype=float)
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def inverse_sigmoid(y, eps: float = 1e-6):
    """σ⁻¹(y) = log(y / (1 - y)), with y clipped into (eps, 1 - eps)."""
    y = np.clip(np.asarray(y, dtype=float), eps, 1 - eps)
    return np.log(y / (1 - y))


def default_step_weight(n: int, interval=(0.0, 1.0)) -> float:
    """A hidden weight that makes each step rise within a tenth of a bump's width.

    σ(w(x - s)) climbs from 0.12 to 0.88 over ``4 / w``; a bump is ``(b - a) / n`` wide.
    """
    a, b = interval
    return 40.0 * n / (b - a)


def bump_network(f, n: int, interval=(0.0, 1.0), w: float | None = None, output: str = "linear"):
    """Seed 004's construction, N bumps of sigmoid steps, as :func:`nnviz.approx.bump_network` builds it.

    ``w`` defaults to :func:`default_step_weight` (steps that rise within a tenth of a bump).
    Returns an MLP of sizes [1, 2n, 1] (callable on x of shape (m, 1)).
    """
    from ..approx import bump_network as library_bump_network

    w = default_step_weight(n, interval) if w is None else float(w)
    return library_bump_network(f, n, interval=interval, w=w, output=output)


def max_error(f, approx, interval=(0.0, 1.0), n: int = 2001) -> float:
    """max |f(x) - approx(x)| on ``n`` evenly spaced points of the interval."""
    x = np.linspace(*interval, n)
    y = np.asarray(approx(x[:, None])).reshape(-1)
    return float(np.max(np.abs(np.asarray(f(x)).reshape(-1) - y)))


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


# ---------------------------------------------------------------- the input plane of a 2-D classifier
PLANE_PANEL = "#2A2D34"   # "no opinion" (dark theme panel)
PLANE_CLASSES = ["#0088FF", "#FF8800", "#2CA02C", "#D62728", "#9467BD", "#8C564B"]
_STRENGTH = 0.8


def _rgb(color: str) -> np.ndarray:
    color = color.lstrip("#")
    return np.array([int(color[i: i + 2], 16) for i in (0, 2, 4)], dtype=float) / 255


def plane_grid(X, resolution: int = 160, margin: float = 0.08, max_aspect: float = 1.25):
    """A square-pixel grid over the points ``X`` (n, 2) with a margin, at most ``max_aspect`` : 1.

    Returns
    -------
    xs : ndarray of shape (nx,)
    ys : ndarray of shape (ny,)
    points : ndarray of shape (ny * nx, 2), row by row from the smallest y
    """
    X = np.asarray(X, dtype=float)
    lo, hi = X.min(0), X.max(0)
    span = np.maximum(hi - lo, 1e-6)
    pad = margin * span.max()
    lo, hi = lo - pad, hi + pad
    span = hi - lo
    short, long_ = span.argmin(), span.argmax()
    if span[long_] > max_aspect * span[short]:
        extra = (span[long_] / max_aspect - span[short]) / 2
        lo[short] -= extra
        hi[short] += extra
    span = hi - lo
    nx = ny = int(resolution)
    if span[0] > span[1]:
        ny = max(2, int(round(resolution * span[1] / span[0])))
    else:
        nx = max(2, int(round(resolution * span[0] / span[1])))
    xs, ys = np.linspace(lo[0], hi[0], nx), np.linspace(lo[1], hi[1], ny)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def outputs_at(trace, steps, X, layer: int | None = None, budget_mb: float = 64, dtype=np.float64) -> np.ndarray:
    """The network's output (or layer ``layer``'s activations) on ``X`` at each of ``steps``.

    Like :func:`nnviz.nn.forward_many`, in chunks of steps to bound memory, with the first layer as
    one matrix product over all steps of a chunk (with 1 or 2 inputs, a batched product per step
    is several times slower).

    ``dtype=np.float32`` halves the memory traffic, for pictures (e.g. a 160 x 160 grid).

    Returns
    -------
    ndarray of shape (n_steps, n_samples, n_units), of ``dtype``
    """
    from ..nn import get_activation

    X = np.asarray(X, dtype=dtype)
    steps = list(steps)
    last = trace.L if layer is None else int(layer)
    acts = [get_activation(name) for name in trace.activation_names[:last]]
    width = max(trace.sizes[1: last + 1])
    chunk = max(1, int(budget_mb * 2**20 / (np.dtype(dtype).itemsize * max(1, len(X)) * width)))
    out = []
    for i in range(0, len(steps), chunk):
        Ws, bs = trace.param_stack(steps[i: i + chunk])
        a = None
        for l in range(1, last + 1):
            W = np.asarray(Ws[l - 1], dtype=dtype)              # (k, n_{l-1}, n_l)
            if l == 1:
                k, n0, n1 = W.shape
                z = (X @ W.transpose(1, 0, 2).reshape(n0, k * n1)).reshape(len(X), k, n1).transpose(1, 0, 2)
            else:
                z = a @ W
            if bs[l - 1] is not None:
                z = z + np.asarray(bs[l - 1], dtype=dtype)[:, None, :]
            f = acts[l - 1]
            a = f(z) if f.name != "softmax" else f(z.reshape(-1, z.shape[-1])).reshape(z.shape)
        out.append(a)
    return np.concatenate(out) if out else np.zeros((0, len(X), trace.sizes[last]), dtype)


def _threshold(encoding):
    return (0.5, 0.5) if encoding == "01" else (0.0, 1.0)


def _probabilities(values):
    if np.allclose(values.sum(-1), 1.0, atol=1e-3) and values.min() >= -1e-6:
        return values
    e = np.exp(values - values.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def field_rgb(values, encoding) -> np.ndarray:
    """Colours of network outputs ``values`` (..., n_outputs): uint8 array (..., 3).

    Each point takes the colour of the class the network favours, the stronger the more
    confident it is; the panel colour where it sits on the decision threshold.
    """
    values = np.asarray(values, dtype=float)
    panel = _rgb(PLANE_PANEL)
    k = values.shape[-1]
    if k == 1:
        theta, s = _threshold(encoding)
        u = np.clip((values[..., 0] - theta) / s, -1.0, 1.0)
        c = np.where((u > 0)[..., None], _rgb(PLANE_CLASSES[1]), _rgb(PLANE_CLASSES[0]))
        rgb = panel + (_STRENGTH * np.abs(u))[..., None] * (c - panel)
    else:
        p = _probabilities(values)
        conf = (p.max(-1) - 1.0 / k) / (1.0 - 1.0 / k)
        colors = np.array([_rgb(PLANE_CLASSES[c % len(PLANE_CLASSES)]) for c in range(k)])
        mix = p @ colors / p.sum(-1, keepdims=True)
        rgb = panel + (_STRENGTH * conf)[..., None] * (mix - panel)
    return np.clip(rgb * 255 + 0.5, 0, 255).astype(np.uint8)


def boundary_lines(xs, ys, values, encoding) -> list[np.ndarray]:
    """The decision boundary of outputs ``values`` (ny, nx, n_outputs) as (m, 2) polylines."""
    from contourpy import LineType, contour_generator

    v = np.asarray(values, dtype=float)
    if v.shape[-1] == 1:
        levels = [(v[..., 0], _threshold(encoding)[0])]
    else:
        p = _probabilities(v)
        levels = [(p[..., c] - np.delete(p, c, axis=-1).max(-1), 0.0) for c in range(p.shape[-1])]
    lines = []
    for z, level in levels:
        if z.min() < level < z.max():
            gen = contour_generator(xs, ys, z, line_type=LineType.Separate)
            lines += [s for s in gen.lines(level) if len(s) > 1]
    return lines
