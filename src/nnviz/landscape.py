"""The loss landscape: the cost over a 2-D plane in parameter space, with the optimiser's path.

Every network's parameters are one flat vector ``theta``, in the order of
:meth:`nnviz.nn.MLP.get_flat`: ``W[1]`` row-major (``W[1][0, 0], W[1][0, 1], ...``), then ``b[1]``,
then ``W[2]``, ``b[2]``, ... (layer by layer, weights before bias; a layer without bias has none).
A plane is a centre ``c`` and two directions ``d0``, ``d1``; the surface is

    loss[i, j] = C(c + alpha[j] * d0 + beta[i] * d1)

with ``C`` the trace's own cost on its training data: its loss (from the logits where the output
and loss allow it, as :meth:`nnviz.nn.MLP.cost`) plus the L2 term ``(l2 / 2) sum_l ||W[l]||^2``.

Planes (``plane=``):

``"pca"``
    Centre: the final parameters. Directions: the first two principal directions of the path's
    displacements ``theta_k - c`` (orthonormal). ``explained`` is the fraction of the path's squared
    distance from ``c`` that lies in the plane (Li et al. 2018, "Visualizing the Loss Landscape of
    Neural Nets", section 7).
``"random"``
    Centre: the final parameters. Two Gaussian directions, filter-normalised as in Li et al.: the
    column of ``d`` feeding each neuron is scaled to the norm of the same column of ``W``; biases
    are not moved (their direction is 0). Not orthogonal: the path is projected by least squares.
``"steps:a,b,c"``
    The plane through the parameters at three recorded steps: centre ``theta_a``, directions
    ``theta_b - theta_a`` and ``theta_c - theta_a``, so the three steps sit at (0, 0), (1, 0)
    and (0, 1), which are grid points.

The 1-D slice (:func:`landscape_line`, Goodfellow, Vinyals and Saxe 2015, "Qualitatively
characterizing neural network optimization problems") is the cost along the straight line
``theta(t) = theta_0 + t (theta_T - theta_0)`` from the initial (t = 0) to the final (t = 1)
parameters; each recorded step is projected onto it, ``t_k = <theta_k - theta_0, d> / <d, d>``.

Evaluating the surface: along a plane every weight matrix is ``W(alpha, beta) = Wc + alpha Wd0 +
beta Wd1``, so one layer's pre-activation at every grid point is ``a @ Wc + alpha (a @ Wd0) + beta
(a @ Wd1) + b(alpha, beta)``: one matrix product of the activations of a block of grid points with
the three matrices side by side. For the first layer ``a = X`` is the same at every grid point and
the product is done once. The 61 x 61 surface of the moons network takes milliseconds
(``benchmarks/bench_landscape.py``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .nn import get_activation, get_loss
from .nn.threads import one_blas_thread
from .nn.losses import FROM_LOGITS

__all__ = ["Landscape", "landscape", "Line", "landscape_line", "flat_params", "LandscapeError", "Surface",
           "check_same", "parse_plane"]

log = logging.getLogger(__name__)


class LandscapeError(ValueError):
    """A landscape that cannot be drawn (one line saying why)."""


@dataclass
class Landscape:
    """A loss surface over a plane in parameter space and the runs' paths on it.

    Attributes
    ----------
    center : ndarray of shape (n_params,)
        The plane's origin (flattening order: see :mod:`nnviz.landscape`).
    directions : ndarray of shape (2, n_params)
    alpha : ndarray of shape (resolution,)
        Grid coordinates along ``directions[0]`` (the columns of ``loss``).
    beta : ndarray of shape (resolution,)
        Grid coordinates along ``directions[1]`` (the rows of ``loss``).
    loss : ndarray of shape (resolution, resolution)
        ``loss[i, j]`` is the cost at ``center + alpha[j] * directions[0] + beta[i] * directions[1]``.
    path : ndarray of shape (n_steps, 2)
        The first run's parameters at ``steps`` projected onto the plane (``paths[0]``).
    explained : float
        Fraction of the paths' squared distance from the centre that lies in the plane (1: the
        path lies in the plane; a projection holding 0.6 hides 40 % of the movement).
    steps : ndarray of int
        The steps of the first run's path (``steps_per_run[0]``).
    plane : str
    paths, steps_per_run : lists, one entry per run
    path_loss : list of ndarray of shape (n_steps,)
        The cost at each projected path point (on the plane), which differs from the trace's loss
        where the path leaves the plane.
    trace_loss : list of ndarray of shape (n_steps,)
        The trace's own loss at those steps.
    """

    center: np.ndarray
    directions: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    loss: np.ndarray
    explained: float
    plane: str
    paths: list
    steps_per_run: list
    path_loss: list
    trace_loss: list
    surface: "Surface" = field(repr=False, default=None)

    @property
    def path(self) -> np.ndarray:
        return self.paths[0]

    @property
    def steps(self) -> np.ndarray:
        return self.steps_per_run[0]

    def cost_at(self, coords) -> np.ndarray:
        """The cost at plane coordinates ``coords`` (n, 2) of (alpha, beta): shape (n,)."""
        return self.surface.cost(self.center, self.directions, np.asarray(coords, float))


def flat_params(trace, steps=None) -> np.ndarray:
    """The parameters of ``trace`` at ``steps`` (default: every recorded step) as rows.

    Returns
    -------
    ndarray of shape (n_steps, n_params)
        Row ``k`` is ``[W1.ravel(), b1, W2.ravel(), b2, ...]`` (C order: W1 row-major).
    """
    Ws, bs = trace.param_stack(steps)
    n = len(Ws[0])
    parts = []
    for W, b in zip(Ws, bs):
        parts.append(W.reshape(n, -1))
        if b is not None:
            parts.append(b.reshape(n, -1))
    return np.concatenate(parts, axis=1)


class Surface:
    """The cost of one network architecture on one data set, at many parameter vectors at once.

    Parameters
    ----------
    sizes : list of int
    activations : list of str
    output_bias : bool
    X : ndarray of shape (n_samples, n_0)
    T : ndarray of shape (n_samples, n_L)
        The targets, encoded as the trainer uses them (``trace.data.y``).
    loss : str
    l2 : float
    """

    def __init__(self, sizes, activations, output_bias, X, T, loss, l2=0.0, block_bytes=2**20):
        self.sizes, self.L = list(sizes), len(sizes) - 1
        self.f = [get_activation(a) for a in activations]
        self.has_bias = [True] * (self.L - 1) + [bool(output_bias)]
        self.X, self.T = np.asarray(X, float), np.asarray(T, float)
        self.loss, self.l2 = get_loss(loss), float(l2)
        self.logits = FROM_LOGITS.get((self.f[-1].name, self.loss.name))
        self.block_bytes = block_bytes
        # where each layer's W and b sit in the flat vector
        self.slices, i = [], 0
        for l in range(1, self.L + 1):
            w = slice(i, i + sizes[l - 1] * sizes[l])
            i = w.stop
            b = None
            if self.has_bias[l - 1]:
                b = slice(i, i + sizes[l])
                i = b.stop
            self.slices.append((w, b))
        self.n_params = i
        self.weight_mask = np.zeros(i, bool)
        for w, _ in self.slices:
            self.weight_mask[w] = True

    @classmethod
    def of(cls, trace) -> "Surface":
        train = trace.config.get("train", {})
        name = _loss_name(trace)
        if name == "ode" or name is None:
            raise LandscapeError(f"{trace.path.name}: its loss ({name}) is not a table loss on data; "
                                 "the landscape draws table losses only")
        d = trace.data
        return cls(trace.sizes, trace.activation_names, trace.output_bias, d.X, d.y, name, train.get("l2", 0.0))

    def _layer(self, theta_rows, l):
        """``W[l]`` (rows, n_{l-1}, n_l) and ``b[l]`` (rows, n_l) or None, from flat vectors."""
        w, b = self.slices[l - 1]
        W = theta_rows[:, w].reshape(len(theta_rows), self.sizes[l - 1], self.sizes[l])
        return W, (theta_rows[:, b] if b is not None else None)

    def cost(self, center, directions, coords) -> np.ndarray:
        """The cost at ``center + coords[:, 0] * directions[0] + coords[:, 1] * directions[1]``.

        Parameters
        ----------
        center : ndarray of shape (n_params,)
        directions : ndarray of shape (2, n_params)
        coords : ndarray of shape (n_points, 2)

        Returns
        -------
        ndarray of shape (n_points,)
        """
        basis = np.vstack([center[None], directions])  # (3, n_params): c, d0, d1
        coef = np.column_stack([np.ones(len(coords)), coords])  # (n_points, 3): 1, alpha, beta
        n, width = len(self.X), max(self.sizes[1:])
        rows = max(1, self.block_bytes // (8 * n * width))  # grid points per block (cache-sized)
        out = np.empty(len(coords))
        # layer 1 at every point: X @ W1(p) = sum_m coef[p, m] (X @ W1_m), the three X @ W1_m once
        W1, b1 = self._layer(basis, 1)
        XW = np.einsum("ni,mij->mnj", self.X, W1).reshape(3, -1)  # (3, n * n_1)
        if b1 is not None:
            XW += np.tile(b1, (1, n))  # the bias rides along: b1(p) = sum_m coef[p, m] b1_m
        layers = [self._layer(basis, l) for l in range(2, self.L + 1)]
        for r in range(0, len(coords), rows):
            k = coef[r: r + rows]  # (p, 3)
            z = (k @ XW).reshape(len(k), n, self.sizes[1])  # (p, n, n_1), one BLAS product
            for l, (Wl, bl) in enumerate(layers, start=2):
                a = self.f[l - 2](z)
                # W[l](p) = sum_m coef[p, m] Wl_m: one product of the activations with the three
                # matrices side by side, (p n, n_{l-1}) @ (n_{l-1}, 3 n_l), then the weighted sum
                wide = (a.reshape(-1, a.shape[-1]) @ np.concatenate(list(Wl), axis=1)).reshape(len(k), n, 3, -1)
                z = wide[:, :, 0] + k[:, 1, None, None] * wide[:, :, 1] + k[:, 2, None, None] * wide[:, :, 2]
                if bl is not None:
                    z += (k @ bl)[:, None, :]
            out[r: r + rows] = self._cost_of_logits(z)
        if self.l2:
            theta_w = coef @ basis[:, self.weight_mask]  # (n_points, n_weights)
            out += 0.5 * self.l2 * np.einsum("pi,pi->p", theta_w, theta_w)
        return out

    def _cost_of_logits(self, z) -> np.ndarray:
        """Cost without the L2 term for output pre-activations ``z`` (p, n, n_L): shape (p,)."""
        p, n, k = z.shape
        T = np.broadcast_to(self.T, (p, n, k)).reshape(p * n, k)
        flat = z.reshape(p * n, k)
        if self.logits is not None:  # as MLP.cost: exact at saturation
            e = self.logits.per_sample(flat, T)
        else:
            e = self.loss.per_sample(self.f[-1](flat), T)
        e = e.reshape(p, n)
        return e.mean(axis=1) if self.loss.reduction == "mean" else e.sum(axis=1)

    def cost_naive(self, thetas) -> np.ndarray:
        """The same cost, one network at a time through :class:`nnviz.nn.MLP` (for checks and the
        benchmark's baseline)."""
        from .nn import MLP

        m = MLP(self.sizes, [f.name for f in self.f], output_bias=self.has_bias[-1])
        out = []
        for theta in thetas:
            m.set_flat(theta)
            out.append(m.cost(m.forward(self.X), self.T, self.loss, self.l2))
        return np.array(out)


def _loss_name(trace) -> str | None:
    """The trace's loss by name ("auto" in its config resolved as the trainer did)."""
    from .build import resolved_loss

    name = trace.config.get("train", {}).get("loss")
    return None if name is None else resolved_loss(name, trace.data.encoding)


def _arch(trace) -> tuple:
    return (tuple(trace.sizes), tuple(trace.activation_names), bool(trace.output_bias))


def check_same(traces, names=None) -> None:
    """Refuse, with one line, runs that cannot share one surface (architecture, cost or data differ).

    ``names`` (one per trace) name the runs in the message; default: the trace files' names.
    """
    names = list(names) if names is not None else [tr.path.name for tr in traces]
    first, n0 = traces[0], names[0]
    for tr, n1 in zip(traces[1:], names[1:]):
        if _arch(tr) != _arch(first):
            a = lambda t: f"{'-'.join(map(str, t.sizes))} {'/'.join(t.activation_names)}"
            raise LandscapeError(f"runs of different architecture cannot share one plane: {n0} is "
                                 f"{a(first)}, {n1} is {a(tr)}")
        t0, t1 = first.config.get("train", {}), tr.config.get("train", {})
        c0, c1 = (_loss_name(first), t0.get("l2", 0.0)), (_loss_name(tr), t1.get("l2", 0.0))
        if c0 != c1:
            raise LandscapeError(f"runs with different costs cannot share one surface: {n0} has "
                                 f"{c0[0]} (l2 {c0[1]:g}), {n1} {c1[0]} (l2 {c1[1]:g})")
        d0, d1 = first.data, tr.data
        if d0.X.shape != d1.X.shape or not (np.array_equal(d0.X, d1.X) and np.array_equal(d0.y, d1.y)):
            raise LandscapeError(f"runs on different data cannot share one surface: {n0} and "
                                 f"{n1} were trained on different training sets")


def parse_plane(plane: str):
    """``"pca"`` -> ("pca", None); ``"steps:0,40,128"`` -> ("steps", [0, 40, 128]); LandscapeError otherwise."""
    plane = str(plane).strip()
    if plane in ("pca", "random"):
        return plane, None
    if plane.startswith("steps:"):
        try:
            chosen = [int(s) for s in plane[6:].split(",")]
        except ValueError:
            chosen = []
        if len(chosen) == 3 and len(set(chosen)) == 3:
            return "steps", chosen
        raise LandscapeError(f"bad plane {plane!r}: steps:A,B,C names three different recorded steps, "
                             "e.g. steps:0,40,128")
    raise LandscapeError(f"unknown plane {plane!r}; choose pca, random or steps:A,B,C")


def _project(D, directions):
    """Least-squares coordinates of the rows of D in the span of the two directions."""
    coords, *_ = np.linalg.lstsq(directions.T, D.T, rcond=None)
    return coords.T


def _filter_normalised(center, surface, rng):
    """A random direction, each neuron's incoming weights scaled to the norm of its own (Li et al.)."""
    d = np.zeros_like(center)
    for l, (w, _b) in enumerate(surface.slices, start=1):  # biases keep direction 0
        W = center[w].reshape(surface.sizes[l - 1], surface.sizes[l])
        R = rng.standard_normal(W.shape)
        R *= np.linalg.norm(W, axis=0) / np.maximum(np.linalg.norm(R, axis=0), 1e-12)
        d[w] = R.ravel()
    return d


def _axis(lo, hi, resolution, extent, unit=None):
    """``resolution`` coordinates covering [lo, hi] widened ``extent`` times about its middle; with
    ``unit``, a grid whose points include 0 and 1 exactly (multiples of 1/q)."""
    mid, half = (lo + hi) / 2, max((hi - lo) / 2, 1e-9) * extent
    a, b = mid - half, mid + half
    if unit is None:
        return np.linspace(a, b, resolution)
    h = (b - a) / (resolution - 1)
    q = max(1, int(np.floor(1.0 / h)))  # grid spacing 1/q >= h: the widened range stays covered
    k0 = int(np.floor(mid * q)) - (resolution - 1) // 2
    return (k0 + np.arange(resolution)) / q


def landscape(trace, plane: str = "pca", resolution: int = 61, extent: float = 1.2, steps=None,
              seed: int = 0) -> Landscape:
    """The loss surface over a plane through a run's path (or several runs' paths).

    Parameters
    ----------
    trace : Trace or list of Trace
        One run, or several runs of the same architecture, cost and training data; they share
        one plane (its centre is the first run's final parameters, its directions come from all
        paths together).
    plane : {"pca", "random"} or "steps:A,B,C"
        See :mod:`nnviz.landscape`.
    resolution : int
        Grid points per side.
    extent : float
        The grid covers the paths' bounding box in the plane (and, for "random", the unit square
        around the centre) widened this many times about its middle.
    steps : sequence of int, optional
        The recorded steps that make the path (default: every recorded step).
    seed : int
        Seed of the random directions.

    Returns
    -------
    Landscape

    Raises
    ------
    LandscapeError
        Runs that cannot share a surface, an unknown plane, a steps plane through steps that are
        not recorded or that do not span a plane.
    """
    with one_blas_thread():  # small products: one BLAS thread is faster (nnviz.nn.threads)
        return _landscape(trace, plane, resolution, extent, steps, seed)


def _landscape(trace, plane, resolution, extent, steps, seed) -> Landscape:
    traces = list(trace) if isinstance(trace, (list, tuple)) else [trace]
    if not traces:
        raise LandscapeError("landscape needs at least one run")
    if int(resolution) < 2 or not extent > 0:
        raise LandscapeError(f"resolution must be >= 2 and extent > 0, got {resolution} and {extent}")
    resolution = int(resolution)
    check_same(traces)
    kind, chosen = parse_plane(plane)
    surface = Surface.of(traces[0])
    run_steps = [np.asarray(tr.steps if steps is None else [s for s in steps if s in set(tr.steps.tolist())], int)
                 for tr in traces]
    if any(len(s) == 0 for s in run_steps):
        raise LandscapeError(f"none of the steps {list(steps)} is recorded in every run")
    thetas = [flat_params(tr, s) for tr, s in zip(traces, run_steps)]
    first = traces[0]

    if kind == "steps":
        missing = [s for s in chosen if s not in set(first.steps.tolist())]
        if missing:
            raise LandscapeError(f"plane steps {missing} are not recorded in {first.path.name} (recorded: "
                                 f"{', '.join(map(str, first.steps[:8]))}{', ...' if len(first.steps) > 8 else ''})")
        P = flat_params(first, chosen)
        center = P[0]
        directions = np.vstack([P[1] - P[0], P[2] - P[0]])
        for (i, j) in ((0, 1), (0, 2), (1, 2)):
            if np.array_equal(P[i], P[j]):
                raise LandscapeError(f"steps {chosen[i]} and {chosen[j]} have the same parameters (the run did not "
                                     "move between them), so the three steps do not span a plane")
        if np.linalg.matrix_rank(directions) < 2:
            raise LandscapeError(f"steps {chosen} do not span a plane (their parameters lie on one line)")
    else:
        center = flat_params(first, [first.final_step])[0]
        if kind == "pca":
            D = np.concatenate(thetas) - center
            _, s, Vt = np.linalg.svd(D, full_matrices=False)
            if len(s) < 2 or s[1] <= 1e-12 * max(s[0], 1e-300):
                raise LandscapeError("the path does not move in two directions (fewer than three distinct "
                                     "recorded steps): use plane='random'")
            directions = Vt[:2].copy()
            for d in directions:  # a sign convention: the path starts at positive coordinates
                if D[0] @ d < 0:
                    d *= -1
        else:
            rng = np.random.default_rng(seed)
            directions = np.vstack([_filter_normalised(center, surface, rng) for _ in range(2)])

    paths = [_project(T - center, directions) for T in thetas]
    D = np.concatenate(thetas) - center
    moved = float(np.sum(D ** 2))
    resid = D - np.concatenate(paths) @ directions
    explained = 1.0 - float(np.sum(resid ** 2)) / moved if moved > 0 else 1.0

    pts = np.concatenate(paths)
    lo, hi = pts.min(0), pts.max(0)
    if kind == "random":
        lo, hi = np.minimum(lo, -1.0), np.maximum(hi, 1.0)
    unit = 1.0 if kind == "steps" else None
    if kind == "steps":
        lo, hi = np.minimum(lo, 0.0), np.maximum(hi, 1.0)
    alpha = _axis(lo[0], hi[0], resolution, extent, unit)
    beta = _axis(lo[1], hi[1], resolution, extent, unit)
    ga, gb = np.meshgrid(alpha, beta)
    grid = surface.cost(center, directions, np.column_stack([ga.ravel(), gb.ravel()])).reshape(resolution, resolution)
    path_loss = [surface.cost(center, directions, p) for p in paths]
    trace_loss = [tr.loss[s] for tr, s in zip(traces, run_steps)]
    log.debug("landscape %s: explained %.3f, loss %.3g..%.3g", plane, explained, grid.min(), grid.max())
    return Landscape(center, directions, alpha, beta, grid, explained, str(plane), paths, run_steps,
                     path_loss, trace_loss, surface)


@dataclass
class Line:
    """The cost along the straight line from a run's initial to its final parameters.

    Attributes
    ----------
    start, direction : ndarray of shape (n_params,)
        ``theta_0`` and ``theta_T - theta_0``.
    t : ndarray of shape (resolution,)
        Line coordinates (0: the initial parameters, 1: the final ones).
    loss : ndarray of shape (resolution,)
        The cost at ``start + t * direction``.
    steps : ndarray of int
        The recorded steps.
    path_t : ndarray of shape (n_steps,)
        Each step's projection onto the line.
    path_loss : ndarray of shape (n_steps,)
        The cost on the line at ``path_t`` (at the projection, not at the step's parameters).
    trace_loss : ndarray of shape (n_steps,)
        The trace's own loss at those steps.
    off_line : ndarray of shape (n_steps,)
        Distance of each step's parameters from the line, as a fraction of ``|direction|``.
    """

    start: np.ndarray
    direction: np.ndarray
    t: np.ndarray
    loss: np.ndarray
    steps: np.ndarray
    path_t: np.ndarray
    path_loss: np.ndarray
    trace_loss: np.ndarray
    off_line: np.ndarray


def landscape_line(trace, resolution: int = 201, span=(-0.5, 1.5)) -> Line:
    """The 1-D slice: the cost along the line from the initial to the final parameters.

    Parameters
    ----------
    trace : Trace
    resolution : int
        Points along the line (the points t = 0 and t = 1 are always among them).
    span : (float, float)
        The line's range of ``t`` (0: step 0's parameters, 1: the final step's).

    Returns
    -------
    Line

    Raises
    ------
    LandscapeError
        If the run did not move (initial and final parameters equal) or the span is empty.
    """
    with one_blas_thread():
        return _line(trace, resolution, span)


def _line(trace, resolution, span) -> Line:
    lo, hi = float(span[0]), float(span[1])
    if not (lo < hi) or int(resolution) < 2:
        raise LandscapeError(f"a line needs span lo < hi and resolution >= 2, got {span} and {resolution}")
    surface = Surface.of(trace)
    steps = np.asarray(trace.steps, int)
    thetas = flat_params(trace, steps)
    start, direction = thetas[0], thetas[-1] - thetas[0]
    dd = float(direction @ direction)
    if dd == 0:
        raise LandscapeError(f"{trace.path.name}: the final parameters equal the initial ones, so there is no line")
    t = np.linspace(lo, hi, int(resolution))
    for exact in (0.0, 1.0):  # snap the grid point nearest to 0 and to 1 onto it (no near-duplicates)
        near = np.abs(t - exact) < 0.5 * (hi - lo) / (len(t) - 1)
        t[near] = exact
    t = np.union1d(t, [0.0, 1.0])
    zero = np.zeros_like(direction)
    basis = np.vstack([direction, zero])
    loss = surface.cost(start, basis, np.column_stack([t, np.zeros_like(t)]))
    D = thetas - start
    path_t = D @ direction / dd
    path_loss = surface.cost(start, basis, np.column_stack([path_t, np.zeros_like(path_t)]))
    off = np.linalg.norm(D - path_t[:, None] * direction, axis=1) / np.sqrt(dd)
    return Line(start, direction, t, loss, steps, path_t, path_loss, np.asarray(trace.loss[steps], float), off)
