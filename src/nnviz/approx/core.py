"""One-dimensional universal-approximation constructions, built as real :class:`nnviz.nn.MLP` s.

Nielsen's visual proof (chapter 4 of "Neural Networks and Deep Learning") and Tavora's article
(seed 004) build a network by hand instead of training it:

* **A step.** A sigmoid neuron ``sigma(w x + b)`` with a large weight ``w`` is almost a step
  function; the step sits where ``w x + b = 0``, at ``s = -b / w``. Going from 10 % to 90 % of its
  height takes ``2 ln 9 / w = 4.394 / w`` in x (from 1 % to 99 %: ``2 ln 99 / w = 9.19 / w``), see
  :func:`rise_width`.
* **A bump.** Two step neurons at ``s1 < s2`` with output weights ``+h`` and ``-h`` make a bump of
  height ``h`` on ``[s1, s2]``.
* **N bumps.** Cut ``[a, b]`` into N bins of width ``(b - a) / N`` and give bin k the height of
  f at its midpoint: the output is a staircase with sup error at most ``L (b - a) / (2 N)`` for an
  L-Lipschitz f, plus a small term from the finite ``w`` (see :func:`bump_error_bound`). The 2N
  neurons can be *collapsed* to N + 1: neighbouring bumps share a step position, and one neuron
  with the difference of the two heights does the work of two (same output to rounding).
* **The sigma^-1 trick** (seed 004): with a sigmoid output neuron the hidden layer must produce
  ``sigma^-1(f) = log(f / (1 - f))``, so the bumps follow sigma^-1(f); f must stay inside (0, 1).
* **ReLU hats.** N + 1 ReLUs give the piecewise-linear interpolant of f at N + 1 nodes, with error
  at most ``h^2 / 8 max|f''|`` (:func:`relu_error_bound`).

Every construction is a :class:`ConstructedMLP`: an ordinary MLP (callable on x of shape
(n_samples, 1), traceable, trainable) that also remembers how it was built (``.construction``), so
views can draw its bumps, hats and failure windows.

The ends of the interval
------------------------
A step exactly at ``a`` is only half risen at ``x = a`` (``sigma(0) = 1/2``), so a network with
steps at the ends outputs half the height there. By default the two outer steps are moved out by
``EDGE_Z / w`` (where the sigmoid has risen to 99.99 %); ``halved_ends=True`` keeps them at the
ends, which makes the lesson visible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..nn import MLP

__all__ = [
    "ConstructedMLP", "Construction", "step_network", "bump_pair_network", "bump_network",
    "relu_network", "seed004_example", "SEED004_STEPS", "SEED004_WEIGHTS", "article_sigmoid",
    "seed004_article_output", "logit", "sigmoid", "rise_width", "RISE_10_90", "RISE_1_99", "EDGE_Z",
    "resolve_function", "derivative_bounds", "bump_error_bound", "relu_error_bound",
    "approximation_error",
]

#: ``sigma(z)`` goes from 10 % to 90 % over ``z`` in ``[-ln 9, ln 9]``: 2 ln 9 = 4.394.
RISE_10_90 = 2.0 * math.log(9.0)
#: ... and from 1 % to 99 % over 2 ln 99 = 9.190.
RISE_1_99 = 2.0 * math.log(99.0)
#: The outer steps are moved out by ``EDGE_Z / w``: ``sigma(EDGE_Z) = 0.9999``.
EDGE_Z = math.log(9999.0)

OUTPUTS = ("linear", "inverse-sigmoid")
FORMS = ("2n", "collapsed")


# ---------------------------------------------------------------------------- small helpers
def sigmoid(z):
    """The logistic function ``1 / (1 + exp(-z))`` (overflow-safe), elementwise."""
    z = np.asarray(z, dtype=float)
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def logit(p):
    """``sigma^-1(p) = log(p / (1 - p))`` for p in (0, 1), elementwise."""
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(p) - np.log1p(-p)


def rise_width(w: float, low: float = 0.1) -> float:
    """Width in x over which ``sigma(w (x - s))`` rises from ``low`` to ``1 - low``.

    ``2 ln((1 - low) / low) / w``: ``4.394 / w`` for 10 %..90 % (the default), ``9.19 / w`` for
    1 %..99 %. A bin narrower than this is no longer a flat-topped bump.
    """
    if not 0 < low < 0.5:
        raise ValueError(f"low must be in (0, 0.5), got {low}")
    return 2.0 * math.log((1.0 - low) / low) / float(w)


def resolve_function(f, interval=None) -> tuple[Callable[[np.ndarray], np.ndarray], str, tuple[float, float]]:
    """A vectorised 1-D function, its name and its interval from a callable, a name or a formula.

    Parameters
    ----------
    f : callable, str
        A vectorised callable, a name from :data:`nnviz.data.TARGETS` (``"seed004"``) or a formula
        in x (``"sin(3*x)"``, parsed safely by :func:`nnviz.expr.parse`).
    interval : (a, b), optional
        Overrides the target's default interval.
    """
    from ..data.functions import resolve_target

    name, target = resolve_target(f)
    a, b = target.interval if interval is None else interval
    a, b = _check_interval((a, b))
    return target.f, (target.formula if isinstance(f, str) else name), (a, b)


def _check_interval(interval) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in interval)
    except (TypeError, ValueError):
        raise ValueError(f"interval must be two numbers (a, b), got {interval!r}") from None
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        raise ValueError(f"interval must satisfy a < b (finite), got ({a:g}, {b:g})")
    return a, b


def _check_n(n, what="n") -> int:
    if isinstance(n, bool) or not float(n).is_integer() or n < 1:
        raise ValueError(f"{what} must be a whole number >= 1, got {n!r}")
    if n > 100_000:
        raise ValueError(f"{what} = {n} is too large (at most 100000)")
    return int(n)


def _check_w(w) -> float:
    w = float(w)
    if not (w > 0 and math.isfinite(w)):
        raise ValueError(f"w must be a positive number, got {w:g}")
    return w


def _evaluate(f, x: np.ndarray, what="f") -> np.ndarray:
    with np.errstate(all="ignore"):
        y = np.asarray(f(x), dtype=float)
    if y.size == 1:
        y = np.full(x.shape, float(y.reshape(-1)[0]))
    if y.shape != x.shape:
        raise ValueError(f"{what} must be vectorised: for x of shape {x.shape} it returned shape {y.shape}")
    bad = ~np.isfinite(y)
    if bad.any():
        raise ValueError(f"{what} is not finite at x = {x[bad][0]:.6g} ({what}(x) = {y[bad][0]})")
    return y


# ---------------------------------------------------------------------------- the model
@dataclass
class Construction:
    """How a :class:`ConstructedMLP` was built (what views draw besides the output).

    Attributes
    ----------
    kind : str
        ``"step"``, ``"bump"``, ``"bumps"``, ``"relu"`` or ``"seed004"`` (2-D kinds live in
        :mod:`nnviz.approx.towers`).
    interval : (float, float)
    n : int
        Number of bins (bumps) or linear pieces.
    w : float
        Steepness of the step neurons (``nan`` for ReLU).
    output : {"linear", "inverse-sigmoid"}
        ``"inverse-sigmoid"``: the output neuron is a sigmoid and the bumps follow sigma^-1(f).
    form : {"2n", "collapsed", "relu"}
    halved_ends : bool
    f : callable or None
        The function approximated, vectorised.
    name : str
        The function's formula or name, for titles.
    source : str or None
        The function as given (a target name or a formula), so that a trainer config can rebuild
        it; None for a Python callable.
    fits : {"f", "logit"}
        What the output neuron's input ``z`` is built to follow: f itself, or sigma^-1(f).
    edges : ndarray of shape (n + 1,)
        Bin edges (step positions before the ends are moved out); ReLU nodes.
    positions : ndarray of shape (n_hidden,)
        Where each hidden neuron's step (or kink) sits: ``s_j = -b_j / w_j``.
    heights : ndarray of shape (n,)
        The height of each bump (values at the nodes for ReLU).
    """

    kind: str
    interval: tuple
    n: int
    w: float
    output: str = "linear"
    form: str = "2n"
    halved_ends: bool = False
    f: Callable | None = None
    name: str = ""
    fits: str = "f"
    source: str | None = None
    edges: np.ndarray = field(default_factory=lambda: np.zeros(0))
    positions: np.ndarray = field(default_factory=lambda: np.zeros(0))
    heights: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def rise(self) -> float:
        """10 %..90 % rise width of one step, ``4.394 / w`` (nan for ReLU)."""
        return RISE_10_90 / self.w if np.isfinite(self.w) else float("nan")

    @property
    def bin_width(self) -> float:
        a, b = self.interval
        return (b - a) / self.n

    def target(self, x: np.ndarray) -> np.ndarray:
        """What the output neuron's input follows: f, or sigma^-1(f) for the sigma^-1 trick."""
        y = np.asarray(self.f(x), dtype=float)
        return logit(y) if self.fits == "logit" else y


class ConstructedMLP(MLP):
    """An :class:`nnviz.nn.MLP` built by hand; ``construction`` says how (see :class:`Construction`)."""

    construction: Construction

    def __init__(self, sizes, activations, construction: Construction, output_bias: bool = True):
        super().__init__(sizes, activations, output_bias=output_bias)
        self.construction = construction

    def __repr__(self):
        c = self.construction
        arch = "-".join(map(str, self.sizes))
        return f"ConstructedMLP({arch}, {c.kind}, n={c.n}, w={c.w:g}, output={c.output}, form={c.form})"

    def hidden(self, x) -> np.ndarray:
        """Hidden activations ``a[1]`` on x: ndarray of shape (m, n_hidden)."""
        return self.forward(_column(x)).a[1]

    def pre_output(self, x) -> np.ndarray:
        """The output neuron's input ``z[L]`` on x, shape (m,)."""
        return self.forward(_column(x)).z[-1][:, 0]

    def parts(self, x) -> tuple[np.ndarray, np.ndarray]:
        """The pieces the construction is made of, and what they add up to.

        Returns
        -------
        parts : ndarray of shape (n_parts, m)
            Bumps ``h_k [sigma(w (x - s_k)) - sigma(w (x - s_{k+1}))]`` (for both forms: the
            collapsed form regrouped), ReLU hats ``f(t_k) phi_k(x)``, or each neuron's
            contribution ``v_j a_j(x)`` for other kinds.
        offset : ndarray of shape (m,)
            ``sum(parts) + offset`` is the output neuron's input ``z`` (the output bias, usually 0).
        """
        x = _column(x)
        c = self.construction
        L = self.L
        fp = self.forward(x)
        bias = 0.0 if self.b[L] is None else float(self.b[L][0])
        if c.kind == "bumps":
            s = _bump_positions(c)
            a = sigmoid(c.w * (x - s[None, :]))  # (m, n + 1): one step per edge
            parts = (c.heights[None, :] * (a[:, :-1] - a[:, 1:])).T
            return parts, np.full(len(x), bias)
        if c.kind == "relu":
            t, h = c.edges, c.bin_width
            r = np.maximum(0.0, x - t[None, :])  # (m, n + 1)
            phi = np.empty_like(r)
            phi[:, 0] = 1.0 - (r[:, 0] - r[:, 1]) / h
            if c.n > 1:
                phi[:, 1:-1] = (r[:, :-2] - 2 * r[:, 1:-1] + r[:, 2:]) / h
            phi[:, -1] = (r[:, -2] - r[:, -1]) / h
            return (c.heights[None, :] * phi).T, np.zeros(len(x))
        parts = (fp.a[L - 1] * self.W[L][:, 0][None, :]).T
        return parts, np.full(len(x), bias)


def _column(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return x.reshape(-1, 1) if x.ndim <= 1 else x


def _bump_positions(c: Construction) -> np.ndarray:
    """Step positions of the n + 1 edges, the outer ones moved out unless ``halved_ends``."""
    s = np.array(c.edges, dtype=float)
    if not c.halved_ends:
        d = EDGE_Z / c.w
        s[0] -= d
        s[-1] += d
    return s


# ---------------------------------------------------------------------------- single pieces
def step_network(s: float = 0.5, w: float = 500.0, h: float = 1.0, interval=(0.0, 1.0)) -> ConstructedMLP:
    """One steep sigmoid neuron: ``h sigma(w (x - s))``, a step of height h at ``s = -b / w``.

    Returns a 1-1-1 :class:`ConstructedMLP` with ``W[1] = w``, ``b[1] = -w s``, ``W[2] = h``.
    """
    w = _check_w(w)
    c = Construction("step", _check_interval(interval), 1, w, form="collapsed", name=f"step at {s:g}",
                     edges=np.array([float(s)]), positions=np.array([float(s)]), heights=np.array([float(h)]),
                     halved_ends=True)
    m = ConstructedMLP([1, 1, 1], ["sigmoid", "identity"], c)
    return m.set_params([(np.array([[w]]), np.array([-w * s])), (np.array([[float(h)]]), np.zeros(1))])


def bump_pair_network(s1: float = 0.4, s2: float = 0.6, h: float = 1.0, w: float = 500.0,
                      interval=(0.0, 1.0)) -> ConstructedMLP:
    """A bump of height h on ``[s1, s2]`` from two step neurons with output weights +h and -h."""
    w = _check_w(w)
    if not s1 < s2:
        raise ValueError(f"a bump needs s1 < s2, got s1 = {s1:g}, s2 = {s2:g}")
    edges = np.array([s1, s2], dtype=float)
    c = Construction("bumps", _check_interval(interval), 1, w, form="2n", halved_ends=True,
                     name=f"bump on [{s1:g}, {s2:g}]", edges=edges, positions=edges.copy(),
                     heights=np.array([float(h)]))
    m = ConstructedMLP([1, 2, 1], ["sigmoid", "identity"], c)
    return m.set_params([(np.full((1, 2), w), -w * edges), (np.array([[h], [-h]], float), np.zeros(1))])


# ---------------------------------------------------------------------------- N bumps
def bump_network(f, n: int, interval=None, w: float = 500.0, output: str = "linear", form: str = "2n",
                 halved_ends: bool = False) -> ConstructedMLP:
    """N bumps of steep sigmoid neurons approximating f on ``[a, b]``.

    Parameters
    ----------
    f : callable or str
        Vectorised f, a target name (``"seed004"``) or a formula in x (``"sin(3*x)"``).
    n : int
        Number of bins (bumps), each of width ``(b - a) / n``; bin k gets the height of f at its
        midpoint (the choice that halves the error of left or right endpoints).
    interval : (a, b), optional
        Defaults to the named target's interval.
    w : float
        Weight of every hidden neuron (the steepness of the steps).
    output : {"linear", "inverse-sigmoid"}
        ``"linear"``: identity output, bump heights ``f(m_k)``. ``"inverse-sigmoid"``: sigmoid
        output neuron (seed 004, Nielsen), bump heights ``sigma^-1(f(m_k))``; f must lie in (0, 1).
    form : {"2n", "collapsed"}
        ``"2n"``: two neurons per bump (weights ``+h_k``, ``-h_k``). ``"collapsed"``: N + 1
        neurons, one per edge, with weight ``h_k - h_{k-1}`` (same output to about 1e-15).
    halved_ends : bool
        Keep the outer steps exactly at a and b (the output is then only half the height at the
        ends); by default they are moved out by ``EDGE_Z / w``.

    Returns
    -------
    ConstructedMLP
        Sizes ``[1, 2n, 1]`` or ``[1, n + 1, 1]``, activations sigmoid and identity (or sigmoid).
        Call it on x of shape (n_samples, 1).

    Examples
    --------
    >>> net = bump_network("seed004", 10, w=500)
    >>> net(np.array([[0.55]])).shape
    (1, 1)
    """
    if output not in OUTPUTS:
        raise ValueError(f"unknown output {output!r}; choose one of: {', '.join(OUTPUTS)}")
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}; choose one of: {', '.join(FORMS)}")
    fn, name, (a, b) = resolve_function(f, interval)
    n, w = _check_n(n), _check_w(w)
    edges = np.linspace(a, b, n + 1)
    mids = 0.5 * (edges[:-1] + edges[1:])
    fits = "f"
    if output == "inverse-sigmoid":
        _check_unit_interval(fn, name, a, b, mids)
        heights = logit(_evaluate(fn, mids))
        fits = "logit"
    else:
        _evaluate(fn, np.linspace(a, b, 257))  # fail early on NaN/inf
        heights = _evaluate(fn, mids)
    c = Construction("bumps", (a, b), n, w, output=output, form=form, halved_ends=bool(halved_ends), f=fn,
                     name=name, fits=fits, source=f if isinstance(f, str) else None, edges=edges, heights=heights)
    s = _bump_positions(c)
    if form == "2n":
        positions = np.repeat(s, 2)[1:-1]                      # s0, s1, s1, s2, ..., s_n
        v = np.column_stack([heights, -heights]).reshape(-1)   # +h0, -h0, +h1, -h1, ...
    else:
        positions = s
        v = np.diff(np.concatenate([[0.0], heights, [0.0]]))  # h0, h1 - h0, ..., -h_{n-1}
    c.positions = positions
    k = len(positions)
    out_act = "sigmoid" if output == "inverse-sigmoid" else "identity"
    m = ConstructedMLP([1, k, 1], ["sigmoid", out_act], c)
    return m.set_params([(np.full((1, k), w), -w * positions), (v[:, None], np.zeros(1))])


def _check_unit_interval(fn, name, a, b, mids):
    x = np.union1d(np.linspace(a, b, 2001), mids)
    y = _evaluate(fn, x)
    bad = (y <= 0) | (y >= 1)
    if bad.any():
        i = int(np.argmax(np.where(bad, np.abs(y - 0.5), -1)))
        raise ValueError(
            f"the inverse-sigmoid output needs 0 < f(x) < 1 on [{a:g}, {b:g}], but f({x[i]:.4g}) = {y[i]:.4g} "
            f"for f = {name}: sigma^-1(f) does not exist there; use the linear output or rescale f")


# ---------------------------------------------------------------------------- ReLU hats
def relu_network(f, n: int, interval=None) -> ConstructedMLP:
    """The piecewise-linear interpolant of f at N + 1 nodes, from N + 1 ReLUs.

    With nodes ``t_k = a + k h`` (``h = (b - a) / n``) and slopes ``m_k`` of the pieces, the
    network is ``f(a) + sum_k c_k relu(x - t_k)`` with ``c_0 = m_0``, ``c_k = m_k - m_{k-1}`` and
    ``c_n = -m_{n-1}`` (so it stays constant beyond both ends). Regrouped, it is the sum of the hat
    functions ``f(t_k) phi_k(x)`` (see :meth:`ConstructedMLP.parts`). The error is at most
    ``h^2 / 8 max|f''|`` (:func:`relu_error_bound`).

    Returns
    -------
    ConstructedMLP
        Sizes ``[1, n + 1, 1]``, activations relu and identity; output bias ``f(a)``.
    """
    fn, name, (a, b) = resolve_function(f, interval)
    n = _check_n(n)
    t = np.linspace(a, b, n + 1)
    y = _evaluate(fn, t)
    slopes = np.diff(y) / np.diff(t)
    c_out = np.diff(np.concatenate([[0.0], slopes, [0.0]]))
    c = Construction("relu", (a, b), n, float("nan"), form="relu", f=fn, name=name,
                     source=f if isinstance(f, str) else None, edges=t,
                     positions=t.copy(), heights=y)
    m = ConstructedMLP([1, n + 1, 1], ["relu", "identity"], c)
    return m.set_params([(np.ones((1, n + 1)), -t), (c_out[:, None], np.array([y[0]]))])


# ---------------------------------------------------------------------------- seed 004
#: Step positions of seed 004's example network (Tavora): five bins of width 0.2 on [0, 1].
SEED004_STEPS = np.array([0, .2, .2, .4, .4, .6, .6, .8, .8, 1])
#: Its output weights: bumps of heights -1.2, -1.6, -0.3, -1, +1, which follow sigma^-1(f).
SEED004_WEIGHTS = np.array([-1.2, 1.2, -1.6, 1.6, -.3, .3, -1, 1, 1, -1])


def seed004_example(w: float = 500.0) -> ConstructedMLP:
    """Seed 004's own example network, weight for weight.

    One input, ten sigmoid neurons with weight ``w = 500`` and biases ``-w s`` for the steps
    ``s`` in :data:`SEED004_STEPS`, output weights :data:`SEED004_WEIGHTS`, output bias 0, identity
    output. The article plots this network's output against ``sigma^-1(f)`` on [0, 1]
    (``construction.fits == "logit"``): five flat bumps at -1.2, -1.6, -0.3, -1 and +1. The steps
    sit exactly at 0 and 1, so the output there is half a bump (-0.6 and +0.5).

    The article's sigmoid is cut to exactly 0 and 1 for ``|z| > 6`` (:func:`article_sigmoid`);
    this network uses the true sigmoid. The two differ by at most ``sigma(-6) = 0.0025`` per step
    position, times the net weight there (at most 2), so by less than 0.005 anywhere
    (:func:`seed004_article_output` is the article's code, for comparison).
    """
    from ..data.functions import TARGETS

    w = _check_w(w)
    tgt = TARGETS["seed004"]
    edges = np.array([0, .2, .4, .6, .8, 1.0])
    heights = SEED004_WEIGHTS[::2].astype(float)
    c = Construction("seed004", (0.0, 1.0), 5, w, output="linear", form="2n", halved_ends=True, f=tgt.f,
                     name=tgt.formula, fits="logit", source="seed004", edges=edges, positions=SEED004_STEPS.astype(float),
                     heights=heights)
    c.kind = "bumps"  # the same structure as bump_network(..., form="2n", halved_ends=True)
    m = ConstructedMLP([1, 10, 1], ["sigmoid", "identity"], c)
    return m.set_params([(np.full((1, 10), w), -w * SEED004_STEPS), (SEED004_WEIGHTS[:, None].astype(float),
                                                                      np.zeros(1))])


def article_sigmoid(z):
    """Seed 004's ``sigmoid_activation``: 1 above z = 6, 0 below z = -6, the sigmoid between."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 6, 1.0, np.where(z < -6, 0.0, 1.0 / (1.0 + np.exp(-np.clip(z, -6, 6)))))


def seed004_article_output(x, w: float = 500.0) -> np.ndarray:
    """Seed 004's ``nn(x)`` (with its cut sigmoid), vectorised: x of shape (m,) -> (m,)."""
    x = np.asarray(x, dtype=float).reshape(-1)
    z = x[:, None] * w + (-w * SEED004_STEPS)[None, :]
    return article_sigmoid(z) @ SEED004_WEIGHTS + 0.0


# ---------------------------------------------------------------------------- errors and bounds
def derivative_bounds(f, interval, samples: int = 200_001) -> tuple[float, float, float]:
    """``(max|f'|, max|f''|, max|f|)`` on ``[a, b]``, from finite differences on a fine grid.

    For seed 004's f on [0, 1]: L = max|f'| = 6.996, max|f''| = 170.5, max|f| = 0.853.
    """
    fn, _, (a, b) = resolve_function(f, interval)
    x = np.linspace(a, b, int(samples))
    y = _evaluate(fn, x)
    h = x[1] - x[0]
    d1 = np.gradient(y, h, edge_order=2)
    d2 = (y[2:] - 2 * y[1:-1] + y[:-2]) / h**2
    return float(np.abs(d1).max()), float(np.abs(d2).max()), float(np.abs(y).max())


def bump_error_bound(n: int, interval, L: float, w: float = math.inf, M: float = 0.0,
                     halved_ends: bool = False) -> float:
    """Upper bound of the sup error on ``[a, b]`` of :func:`bump_network` with a linear output.

    ``L (b - a) / (2 n)  +  2 ln 2 L / w  +  M [sigma(-w d) + sigma(-w (b - a + d))]``

    with ``d = EDGE_Z / w`` (0 for ``halved_ends``). Why: the network is exactly the staircase
    ``P`` (bin k at height f(m_k), 0 outside) convolved with the logistic density of scale 1/w,
    because ``sigma(w (x - s))`` is a unit step smoothed by that density. Extend f by its end
    values; then ``|P - f| <= L h / 2`` on ``[a - d, b + d]`` and ``<= M = max|f|`` beyond, and
    smoothing an L-Lipschitz function moves it by at most ``L E|u| = 2 ln 2 L / w``. The first term
    is the classical staircase error, the other two vanish as w grows.
    """
    a, b = _check_interval(interval)
    n, w = _check_n(n), float(w)
    base = L * (b - a) / (2 * n)
    if not math.isfinite(w):
        return base
    d = 0.0 if halved_ends else EDGE_Z / w
    return base + 2 * math.log(2) * L / w + M * float(sigmoid(-w * d) + sigmoid(-w * (b - a + d)))


def relu_error_bound(n: int, interval, f2max: float) -> float:
    """``h^2 / 8 max|f''|`` with ``h = (b - a) / n``: the error bound of linear interpolation."""
    a, b = _check_interval(interval)
    h = (b - a) / _check_n(n)
    return h * h / 8.0 * f2max


def approximation_error(model, f=None, interval=None, samples: int = 4001) -> tuple[float, float]:
    """Sup and mean absolute error of ``model`` against f on a uniform grid of ``[a, b]``.

    For a :class:`ConstructedMLP` f and the interval default to the construction's. The model's
    output (after its output activation) is compared with f itself, also for the sigma^-1 trick;
    for seed 004's example (which outputs sigma^-1(f) directly) with sigma^-1(f).

    Returns
    -------
    (sup, mean) : tuple of float
    """
    c = getattr(model, "construction", None)
    if f is None:
        if c is None:
            raise ValueError("give f for a model that was not constructed")
        fn = c.target if (c.fits == "logit" and c.output == "linear") else c.f
    else:
        fn = resolve_function(f, interval or (c.interval if c else None))[0]
    if interval is None:
        if c is None:
            raise ValueError("give the interval for a model that was not constructed")
        interval = c.interval
    a, b = _check_interval(interval)
    x = np.linspace(a, b, int(samples))
    err = np.abs(model(x[:, None])[:, 0] - _evaluate(fn, x))
    return float(err.max()), float(err.mean())
