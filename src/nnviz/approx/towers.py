"""Two-dimensional constructions: steps, bumps, towers and a grid of towers approximating f(x, y).

Following Nielsen (chapter 4), with inputs ``(x, y)``:

* **Steps.** A sigmoid neuron with weights ``(w, 0)`` and bias ``-w s`` is a step along x at
  ``x = s`` (a cliff running parallel to the y axis); ``(0, w)`` makes a step along y.
* **Bumps.** Two x-steps with output weights ``+h`` and ``-h`` make a ridge of height h over the
  band ``s1 < x < s2``, for every y.
* **Towers.** An x-bump plus a y-bump is ``2h`` where the bands cross, ``h`` on the rest of
  each band and 0 elsewhere. An output sigmoid neuron with bias ``b = -3h/2`` (Nielsen's threshold)
  keeps only the crossing: ``sigma(h (bump_x + bump_y) - 3h/2)`` is about 1 on the rectangle and
  about 0 everywhere else. The tower's height is that 1 (its output weight scales it); h only sets
  how sharply the threshold cuts (``sigma(+-h/2)`` is 1 or 0 to within 4.5e-5 for h = 20).
* **A grid of towers** (``form="towers"``, Nielsen's construction as it stands). One such
  threshold neuron per cell of an ``nx x ny`` grid, in a second hidden layer, and a linear output
  neuron weighting cell (i, j) by ``f`` at the cell's centre. Where four cells meet, each of their
  towers sees only ``h/2 + h/2 = h < 3h/2`` and switches off, so the output drops to about 0 in a
  window about one rise width ``4.394 / w`` across around every interior grid corner. These
  failure windows shrink as w grows but never vanish: the sup error stays about max|f| however
  fine the grid (0.99 at 32 x 32 for sin(3x) cos(3y)) while the mean error falls like 1/N.
* **The grid summed by quadrants** (``form="quadrants"``, the default: a construction that
  converges). The same threshold neuron on one x-step and one y-step is a *quadrant*,
  ``Q_ij = 1`` where ``x > x_i`` and ``y > y_j``. The staircase of cell heights ``H`` is the sum
  ``sum_ij a_ij Q_ij`` with the mixed differences ``a_ij = H_ij - H_i-1,j - H_i,j-1 + H_i-1,j-1``
  as output weights (every tower is ``Q_ij - Q_i+1,j - Q_i,j+1 + Q_i+1,j+1``). Along a grid line
  the step's rise blends the two neighbouring cells (the neurons on either side add up to 1), and
  at a grid corner the threshold's error is multiplied by ``a_ij``, which is ``O(max|f_xy| / N^2)``
  for a smooth f: so the sup error is at most about ``max|grad f| * cell diagonal / 2`` plus
  ``max|f_xy| / (nx ny)``, falling like 1/N (0.10 at 32 x 32 for sin(3x) cos(3y)). Same size as
  the towers: ``2 -> nx + ny -> nx ny -> 1``.

:func:`window_errors2d` measures the sup error inside the failure windows (within a step's
1 %..99 % rise of an interior grid line, where the corners are) and outside them separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..nn import MLP
from .core import EDGE_Z, RISE_1_99, RISE_10_90, _check_interval, _check_n, _check_w

__all__ = ["Construction2D", "ConstructedMLP2D", "step2d_network", "bump2d_network", "tower_network",
           "towers_network", "resolve_function2d", "approximation_error2d", "window_errors2d", "FORMS"]

DEFAULT_H = 20.0  # weight of the tower neurons: sigma(-h/2) = 4.5e-5 outside a tower
FORMS = ("quadrants", "towers")


@dataclass
class Construction2D:
    """How a 2-D construction was built.

    Attributes
    ----------
    kind : {"step", "bump", "tower", "towers"}
    domain : ((float, float), (float, float))
        ``((ax, bx), (ay, by))``.
    nx, ny : int
    w : float
        Steepness of the step neurons.
    h : float
        Weight of the tower (threshold) neurons, their sharpness; their bias is ``-3h/2``.
    f : callable or None
        ``f(x, y)``, vectorised.
    name : str
    x_edges, y_edges : ndarray
        Cell edges along x (nx + 1) and y (ny + 1).
    heights : ndarray of shape (ny, nx)
        f at each cell's centre: the output weight of each tower (``form="towers"``), whose
        mixed differences are the quadrants' output weights (``form="quadrants"``).
    halved_ends : bool
    form : {"quadrants", "towers"}
        How the grid is built (see the module docstring).
    """

    kind: str
    domain: tuple
    nx: int
    ny: int
    w: float
    h: float = DEFAULT_H
    f: Callable | None = None
    name: str = ""
    x_edges: np.ndarray = field(default_factory=lambda: np.zeros(0))
    y_edges: np.ndarray = field(default_factory=lambda: np.zeros(0))
    heights: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    halved_ends: bool = False
    form: str = "towers"

    @property
    def rise(self) -> float:
        """10 %..90 % rise width of one step, ``4.394 / w``."""
        return RISE_10_90 / self.w

    @property
    def n(self) -> int:
        return max(self.nx, self.ny)


class ConstructedMLP2D(MLP):
    """An MLP on inputs (x, y) built by hand; ``construction`` says how."""

    construction: Construction2D

    def __init__(self, sizes, activations, construction: Construction2D):
        super().__init__(sizes, activations)
        self.construction = construction

    def __repr__(self):
        c = self.construction
        return f"ConstructedMLP2D({'-'.join(map(str, self.sizes))}, {c.kind}, n={c.nx}x{c.ny}, w={c.w:g}, h={c.h:g})"

    def grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """The output on the grid ``xs x ys``: ndarray of shape (len(ys), len(xs))."""
        gx, gy = np.meshgrid(xs, ys)
        return self(np.column_stack([gx.ravel(), gy.ravel()]))[:, 0].reshape(len(ys), len(xs))


def resolve_function2d(f) -> tuple[Callable, str]:
    """``f(x, y)`` from a callable or a formula in x and y (parsed safely, never evaluated)."""
    if callable(f):
        name = getattr(f, "__name__", "f")
        return f, ("f" if name == "<lambda>" else name)
    if isinstance(f, str):
        from ..expr import parse

        return parse(f, variables=("x", "y")), f
    raise ValueError(f"give f(x, y) as a callable or a formula in x and y, got {f!r}")


def _domain(domain) -> tuple[tuple[float, float], tuple[float, float]]:
    try:
        (ax, bx), (ay, by) = domain
    except (TypeError, ValueError):
        raise ValueError(f"domain must be ((ax, bx), (ay, by)), got {domain!r}") from None
    return _check_interval((ax, bx)), _check_interval((ay, by))


def _eval2d(fn, x, y, name="f"):
    with np.errstate(all="ignore"):
        z = np.asarray(fn(x, y), dtype=float)
    z = np.broadcast_to(z, np.broadcast_shapes(np.shape(x), np.shape(y))) if z.size == 1 else z
    if z.shape != np.broadcast_shapes(np.shape(x), np.shape(y)):
        raise ValueError(f"{name}(x, y) must be vectorised: it returned shape {z.shape}")
    bad = ~np.isfinite(z)
    if bad.any():
        i = np.argwhere(bad)[0]
        xx, yy = np.broadcast_arrays(x, y)
        raise ValueError(f"{name} is not finite at (x, y) = ({xx[tuple(i)]:.4g}, {yy[tuple(i)]:.4g})")
    return np.array(z, dtype=float)


def _axis_weights(axis: str, w: float) -> np.ndarray:
    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' or 'y', got {axis!r}")
    return np.array([[w], [0.0]]) if axis == "x" else np.array([[0.0], [w]])


def step2d_network(s: float = 0.5, w: float = 500.0, axis: str = "x", domain=((0, 1), (0, 1))) -> ConstructedMLP2D:
    """A step along x (or y) at ``s``: a 2-1-1 network, ``sigma(w x - w s)``."""
    w = _check_w(w)
    dx, dy = _domain(domain)
    c = Construction2D("step", (dx, dy), 1, 1, w, f=None, name=f"step along {axis} at {s:g}", halved_ends=True,
                       x_edges=np.array([s]) if axis == "x" else np.zeros(0),
                       y_edges=np.array([s]) if axis == "y" else np.zeros(0), heights=np.ones((1, 1)))
    m = ConstructedMLP2D([2, 1, 1], ["sigmoid", "identity"], c)
    return m.set_params([(_axis_weights(axis, w), np.array([-w * s])), (np.ones((1, 1)), np.zeros(1))])


def bump2d_network(s1: float = 0.4, s2: float = 0.6, height: float = 1.0, w: float = 500.0, axis: str = "x",
                   domain=((0, 1), (0, 1))) -> ConstructedMLP2D:
    """A ridge of height ``height`` over the band ``s1 < x < s2`` (or y): a 2-2-1 network."""
    w = _check_w(w)
    if not s1 < s2:
        raise ValueError(f"a bump needs s1 < s2, got s1 = {s1:g}, s2 = {s2:g}")
    dx, dy = _domain(domain)
    edges = np.array([s1, s2], float)
    c = Construction2D("bump", (dx, dy), 1, 1, w, name=f"bump along {axis}", halved_ends=True,
                       x_edges=edges if axis == "x" else np.zeros(0), y_edges=edges if axis == "y" else np.zeros(0),
                       heights=np.full((1, 1), float(height)))
    m = ConstructedMLP2D([2, 2, 1], ["sigmoid", "identity"], c)
    W1 = np.repeat(_axis_weights(axis, w), 2, axis=1)
    return m.set_params([(W1, -w * edges), (np.array([[height], [-height]], float), np.zeros(1))])


def tower_network(x=(0.4, 0.6), y=(0.4, 0.6), w: float = 500.0, h: float = DEFAULT_H, threshold: bool = True,
                  domain=((0, 1), (0, 1))) -> ConstructedMLP2D:
    """Nielsen's tower over the rectangle ``x[0] < x < x[1], y[0] < y < y[1]``: a 2-4-1 network.

    Four step neurons (two along x, two along y) with output weights ``+h, -h, +h, -h``. With
    ``threshold=True`` the output neuron is a sigmoid with bias ``-3h/2``: about 1 on the
    rectangle, 0 elsewhere. With ``threshold=False`` it is linear with bias 0, showing the sum of
    the two bumps (2h on the rectangle, h on the bands) that the threshold cuts.
    """
    w = _check_w(w)
    h = float(h)
    if not (x[0] < x[1] and y[0] < y[1]):
        raise ValueError(f"a tower needs x[0] < x[1] and y[0] < y[1], got x = {x}, y = {y}")
    dx, dy = _domain(domain)
    c = Construction2D("tower", (dx, dy), 1, 1, w, h=h, name="tower", halved_ends=True,
                       x_edges=np.array(x, float), y_edges=np.array(y, float), heights=np.ones((1, 1)))
    m = ConstructedMLP2D([2, 4, 1], ["sigmoid", "sigmoid" if threshold else "identity"], c)
    W1 = np.array([[w, w, 0, 0], [0, 0, w, w]], float)
    b1 = -w * np.array([x[0], x[1], y[0], y[1]], float)
    v = np.array([[h], [-h], [h], [-h]])
    return m.set_params([(W1, b1), (v, np.array([-1.5 * h if threshold else 0.0]))])


def towers_network(f, n, domain=((0.0, 1.0), (0.0, 1.0)), w: float = 500.0, h: float = DEFAULT_H,
                   halved_ends: bool = False, form: str = "quadrants") -> ConstructedMLP2D:
    """A grid of towers approximating ``f(x, y)`` on a rectangle.

    Parameters
    ----------
    f : callable or str
        ``f(x, y)`` vectorised, or a formula in x and y, e.g. ``"sin(3*x)*cos(3*y)"``.
    n : int or (int, int)
        Cells along x and y.
    domain : ((ax, bx), (ay, by))
    w : float
        Steepness of the step neurons of the first hidden layer.
    h : float
        Weight of the threshold neurons (second hidden layer), whose bias is ``-3h/2``: how sharply
        they switch (not a height).
    halved_ends : bool
        Keep the outer steps on the border (the output there is then only half the height); by
        default they are moved out by ``EDGE_Z / w``.
    form : {"quadrants", "towers"}
        ``"quadrants"`` (default): one threshold neuron per grid corner switching on a quadrant,
        weighted by the mixed differences of the cell heights; its sup error falls like 1/N.
        ``"towers"``: Nielsen's grid, one tower per cell weighted by its height; its output drops
        to 0 around every interior grid corner, so its sup error does not fall.

    Returns
    -------
    ConstructedMLP2D
        ``"quadrants"``: sizes ``[2, nx + ny, nx ny, 1]``; the first hidden layer holds the x-steps
        at the cells' left edges, then the y-steps at their lower edges; neuron ``j nx + i`` of
        the second is the quadrant ``x > x_i, y > y_j``. ``"towers"``: sizes
        ``[2, (nx + 1) + (ny + 1), nx ny, 1]``, one step per cell edge (shared by neighbouring
        cells); neuron ``j nx + i`` covers cell (i, j). Activations sigmoid, sigmoid, identity.
    """
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}; choose one of: {', '.join(FORMS)}")
    fn, name = resolve_function2d(f)
    nx, ny = (n, n) if np.ndim(n) == 0 else tuple(n)
    nx, ny = _check_n(nx, "n along x"), _check_n(ny, "n along y")
    if nx * ny > 10_000:
        raise ValueError(f"{nx} x {ny} towers are too many (at most 10000 cells)")
    w, h = _check_w(w), float(h)
    (ax, bx), (ay, by) = _domain(domain)
    tx, ty = np.linspace(ax, bx, nx + 1), np.linspace(ay, by, ny + 1)
    mx, my = 0.5 * (tx[:-1] + tx[1:]), 0.5 * (ty[:-1] + ty[1:])
    _eval2d(fn, *np.meshgrid(np.linspace(ax, bx, 65), np.linspace(ay, by, 65)), name=name)
    heights = _eval2d(fn, *np.meshgrid(mx, my), name=name)  # (ny, nx)
    c = Construction2D("towers", ((ax, bx), (ay, by)), nx, ny, w, h=h, f=fn, name=name, x_edges=tx, y_edges=ty,
                       heights=heights, halved_ends=bool(halved_ends), form=form)
    sx, sy = tx.copy(), ty.copy()
    if not halved_ends:
        d = EDGE_Z / w
        sx[0], sx[-1], sy[0], sy[-1] = sx[0] - d, sx[-1] + d, sy[0] - d, sy[-1] + d
    if form == "quadrants":
        # steps at the left (lower) edge of every cell; quadrant (i, j) = x-step i AND y-step j
        kx, ky = nx, ny
        W2 = np.zeros((kx + ky, nx * ny))
        for j in range(ny):
            for i in range(nx):
                W2[i, j * nx + i] = h
                W2[kx + j, j * nx + i] = h
        # a_ij = H_ij - H_(i-1)j - H_i(j-1) + H_(i-1)(j-1), with H = 0 outside the grid
        Hp = np.pad(heights, ((1, 0), (1, 0)))
        out = (Hp[1:, 1:] - Hp[1:, :-1] - Hp[:-1, 1:] + Hp[:-1, :-1]).reshape(-1)
        steps_x, steps_y = sx[:-1], sy[:-1]
    else:
        kx, ky = nx + 1, ny + 1
        W2 = np.zeros((kx + ky, nx * ny))
        for j in range(ny):
            for i in range(nx):
                cell = j * nx + i
                W2[i, cell], W2[i + 1, cell] = h, -h
                W2[kx + j, cell], W2[kx + j + 1, cell] = h, -h
        out = heights.reshape(-1)
        steps_x, steps_y = sx, sy
    W1 = np.zeros((2, kx + ky))
    W1[0, :kx] = w
    W1[1, kx:] = w
    b1 = -w * np.concatenate([steps_x, steps_y])
    b2 = np.full(nx * ny, -1.5 * h)
    m = ConstructedMLP2D([2, kx + ky, nx * ny, 1], ["sigmoid", "sigmoid", "identity"], c)
    return m.set_params([(W1, b1), (W2, b2), (out[:, None], np.zeros(1))])


def approximation_error2d(model: ConstructedMLP2D, f=None, domain=None, samples: int = 201) -> tuple[float, float]:
    """Sup and mean absolute error of a 2-D model against f on a ``samples x samples`` grid."""
    c = model.construction
    fn = c.f if f is None else resolve_function2d(f)[0]
    if fn is None:
        raise ValueError("this construction has no function to compare with; give f")
    (ax, bx), (ay, by) = _domain(domain or c.domain)
    xs, ys = np.linspace(ax, bx, samples), np.linspace(ay, by, samples)
    gx, gy = np.meshgrid(xs, ys)
    err = np.abs(model.grid(xs, ys) - _eval2d(fn, gx, gy))
    return float(err.max()), float(err.mean())


def _window_samples(lines: np.ndarray, lo: float, hi: float, r: float, k: int = 5) -> np.ndarray:
    """k points across each window [line - r, line + r], clipped to [lo, hi]."""
    if len(lines) == 0:
        return np.zeros(0)
    pts = (lines[:, None] + np.linspace(-r, r, k)[None, :]).ravel()
    return np.unique(np.clip(pts, lo, hi))


def window_errors2d(model: ConstructedMLP2D, f=None, samples: int = 129) -> tuple[float, float]:
    """Sup error of a grid of towers inside its failure windows and outside them.

    A point is in a failure window when it lies within half a step's 1 %..99 % rise
    (``RISE_1_99 / (2 w)``) of an interior grid line, i.e. where some step neuron is neither off
    nor on; the windows around the grid corners are where Nielsen's towers fail. Inside, the
    error is measured on 5 points across every window along each line (so every corner is hit),
    times ``samples`` points along the line and across the other axis' windows; outside, on the
    ``samples x samples`` grid's points that are in no window.

    Returns
    -------
    (sup_inside, sup_outside) : (float, float)
        NaN for a part with no points (e.g. a 1 x 1 grid has no interior lines).
    """
    c = model.construction
    fn = c.f if f is None else resolve_function2d(f)[0]
    if fn is None:
        raise ValueError("this construction has no function to compare with; give f")
    (ax, bx), (ay, by) = c.domain
    r = RISE_1_99 / (2.0 * c.w)
    lx, ly = np.asarray(c.x_edges)[1:-1], np.asarray(c.y_edges)[1:-1]

    def err(xs, ys):
        if len(xs) == 0 or len(ys) == 0:
            return np.zeros(0)
        gx, gy = np.meshgrid(xs, ys)
        return np.abs(model.grid(xs, ys) - _eval2d(fn, gx, gy)).ravel()

    xs, ys = np.linspace(ax, bx, samples), np.linspace(ay, by, samples)
    wx, wy = _window_samples(lx, ax, bx, r), _window_samples(ly, ay, by, r)
    inside = np.concatenate([err(wx, np.union1d(ys, wy)), err(np.union1d(xs, wx), wy)])
    gx, gy = np.meshgrid(xs, ys)
    near = np.zeros(gx.shape, bool)
    for t in lx:
        near |= np.abs(gx - t) <= r
    for t in ly:
        near |= np.abs(gy - t) <= r
    outside = err(xs, ys)[~near.ravel()]
    return (float(inside.max()) if inside.size else float("nan"),
            float(outside.max()) if outside.size else float("nan"))
