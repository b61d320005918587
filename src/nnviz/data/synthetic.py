"""Two-dimensional toy classification sets: moons, circles, XOR, spirals, ...

All functions share these parameters:

n : int
    Number of points before the test split (classes as balanced as possible).
seed : int
    Seed of the ``np.random.default_rng`` used for the points *and* the split;
    the same seed always gives the same data set.
encoding : {"pm1", "01", "onehot"} or None
    Target encoding (see :mod:`nnviz.data.dataset`); None picks "pm1" for two
    classes and "onehot" for more.
test_fraction : float in [0, 1)
    Share of the points held out as test set.

Points come out in random order, so mini-batches mix the classes.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .dataset import Dataset, _check_count, _classification
from .functions import _evaluate, resolve_target

__all__ = ["moons", "circles", "xor", "spiral", "gaussians", "linear", "harder", "above"]


def _class_sizes(n: int, n_classes: int) -> np.ndarray:
    """Split n points into n_classes nearly equal class sizes, e.g. (7, 3) -> [3, 2, 2]."""
    sizes = np.full(n_classes, n // n_classes)
    sizes[: n % n_classes] += 1
    return sizes


def _shuffle(rng: np.random.Generator, X: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Put the points (and their labels) in a random order."""
    order = rng.permutation(len(X))
    return X[order], labels[order]


def moons(n: int = 100, noise: float = 0.0, seed: int = 0, encoding: str | None = "pm1",
          test_fraction: float = 0.0, shuffle: bool = True, stream: str = "default") -> Dataset:
    """Two interleaving half circles, exactly as ``sklearn.datasets.make_moons``, scaled by ``X*2-1``.

    Class 0 (target -1) is the upper moon, class 1 (target +1) the lower one, as in seed 003.
    Without noise and shuffling the points equal ``make_moons(n, shuffle=False)[0] * 2 - 1``.
    With ``stream="legacy"`` they equal, point for point and in the same order, seed 003's
    ``numpy.random.seed(seed); X, t = make_moons(n_samples=n)``: make_moons draws its shuffle (and
    its noise) from numpy's global stream, so the returned :attr:`Dataset.rng` is that stream
    after those draws, for the weights to continue it (``init.stream = "data"``).

    Parameters
    ----------
    n, seed, encoding, test_fraction
        See the module docstring.
    noise : float
        Standard deviation of Gaussian noise added in make_moons' units, i.e. before
        the ``*2-1`` scaling (so it is doubled in the final coordinates).
    shuffle : bool
        Put the points in random order (make_moons' default).
    stream : {"default", "legacy"}
        ``numpy.random.default_rng(seed)``, or numpy's legacy global stream as
        ``numpy.random.seed(seed)`` leaves it, drawn from exactly as make_moons does.

    Returns
    -------
    Dataset
        X shape (n_train, 2) in about [-3, 3] x [-2, 2]; y shape (n_train, 1) for "pm1".
    """
    n = _check_count(n, "n", 2)
    if stream not in ("default", "legacy"):
        raise ValueError(f"stream must be 'default' or 'legacy', got {stream!r}")
    legacy = stream == "legacy"
    rng = np.random.RandomState(seed) if legacy else np.random.default_rng(seed)
    n_out, n_in = n // 2, n - n // 2
    outer = np.linspace(0, np.pi, n_out)
    inner = np.linspace(0, np.pi, n_in)
    X = np.vstack([np.append(np.cos(outer), 1 - np.cos(inner)),
                   np.append(np.sin(outer), 1 - np.sin(inner) - 0.5)]).T
    labels = np.repeat([0, 1], [n_out, n_in])
    if shuffle and legacy:  # sklearn.utils.shuffle: indices = arange(n); random_state.shuffle(indices)
        order = np.arange(n)
        rng.shuffle(order)
        X, labels = X[order], labels[order]
    elif shuffle:
        X, labels = _shuffle(rng, X, labels)
    if noise:
        X = X + (rng.normal(scale=noise, size=X.shape) if legacy else noise * rng.standard_normal(X.shape))
    ds = _classification("moons", X * 2 - 1, labels, 2, encoding, ["upper", "lower"], test_fraction, rng)
    if legacy:
        ds.rng = rng
    return ds


def circles(n: int = 100, noise: float = 0.0, factor: float = 0.5, seed: int = 0,
            encoding: str | None = "pm1", test_fraction: float = 0.0, shuffle: bool = True) -> Dataset:
    """A small circle inside a large one, as ``sklearn.datasets.make_circles``.

    Parameters
    ----------
    n, seed, encoding, test_fraction
        See the module docstring.
    noise : float
        Standard deviation of Gaussian noise added to the points.
    factor : float in (0, 1)
        Radius of the inner circle (class 1); the outer circle (class 0) has radius 1.
    shuffle : bool
        Put the points in random order.

    Returns
    -------
    Dataset
        X shape (n_train, 2) in about [-1, 1]^2.
    """
    n = _check_count(n, "n", 2)
    if not 0 < factor < 1:
        raise ValueError(f"factor must be between 0 and 1, got {factor}")
    rng = np.random.default_rng(seed)
    n_out, n_in = n // 2, n - n // 2
    outer = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    inner = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack([np.append(np.cos(outer), factor * np.cos(inner)),
                   np.append(np.sin(outer), factor * np.sin(inner))]).T
    labels = np.repeat([0, 1], [n_out, n_in])
    if shuffle:
        X, labels = _shuffle(rng, X, labels)
    if noise:
        X = X + noise * rng.standard_normal(X.shape)
    return _classification("circles", X, labels, 2, encoding, ["outer", "inner"], test_fraction, rng)


def xor(n: int = 200, noise: float = 0.3, seed: int = 0, encoding: str | None = "pm1",
        test_fraction: float = 0.0) -> Dataset:
    """Four Gaussian clusters at (+-1, +-1); class 1 where x1 * x2 > 0 (like seed 001's XOR data).

    A point whose noise carried it across an axis is mirrored back into its
    cluster's quadrant, so the label always follows the quadrant rule.

    Parameters
    ----------
    n, seed, encoding, test_fraction
        See the module docstring.
    noise : float
        Standard deviation of each cluster.

    Returns
    -------
    Dataset
        X shape (n_train, 2); labels ``(X[:, 0] * X[:, 1] > 0)``.
    """
    n = _check_count(n, "n", 2)
    rng = np.random.default_rng(seed)
    corners = np.array([[1, 1], [1, -1], [-1, -1], [-1, 1]])  # classes 1, 0, 1, 0
    signs = corners[np.arange(n) % 4]                        # deal the points out in turn
    X = np.abs(signs + noise * rng.standard_normal((n, 2))) * signs
    labels = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    X, labels = _shuffle(rng, X, labels)
    return _classification("xor", X, labels, 2, encoding, ["x1*x2 < 0", "x1*x2 > 0"], test_fraction, rng)


def spiral(n: int = 300, n_classes: int = 2, noise: float = 0.2, turns: float = 1.0, seed: int = 0,
           encoding: str | None = None, test_fraction: float = 0.0) -> Dataset:
    """Interleaved spiral arms, one per class (CS231n style).

    Arm k has radius r = 0..1 and angle ``2*pi*(turns*r + k/n_classes)`` plus noise.

    Parameters
    ----------
    n, seed, encoding, test_fraction
        See the module docstring.
    n_classes : int
        Number of arms (2 or 3 are the classic choices).
    noise : float
        Standard deviation of the angle jitter, in radians (CS231n uses 0.2).
    turns : float
        How many full turns each arm makes.

    Returns
    -------
    Dataset
        X shape (n_train, 2) within the unit disc.
    """
    n = _check_count(n, "n", 2)
    n_classes = _check_count(n_classes, "n_classes", 2)
    rng = np.random.default_rng(seed)
    sizes = _class_sizes(n, n_classes)
    arms = []
    for k, size in enumerate(sizes):
        r = np.linspace(0.0, 1.0, size)
        angle = 2 * np.pi * (turns * r + k / n_classes) + noise * rng.standard_normal(size)
        arms.append(r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)]))
    X, labels = _shuffle(rng, np.vstack(arms), np.repeat(np.arange(n_classes), sizes))
    return _classification("spiral", X, labels, n_classes, encoding, None, test_fraction, rng)


def gaussians(n: int = 150, centers: int | Sequence[Sequence[float]] | np.ndarray = 3, std: float = 0.5,
              seed: int = 0, encoding: str | None = None, test_fraction: float = 0.0) -> Dataset:
    """Gaussian blobs, one per class.

    Parameters
    ----------
    n, seed, encoding, test_fraction
        See the module docstring.
    centers : int or array_like, shape (k, n_features)
        Number of blobs, placed evenly on a circle of radius 2, or their centres.
    std : float
        Standard deviation of every blob.

    Returns
    -------
    Dataset
        X shape (n_train, n_features), k classes.
    """
    n = _check_count(n, "n", 2)
    if np.ndim(centers) == 0:
        k = _check_count(centers, "centers", 2)
        angle = 2 * np.pi * np.arange(k) / k
        centers = 2.0 * np.column_stack([np.cos(angle), np.sin(angle)])
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or len(centers) < 2:
        raise ValueError(f"centers must be a number >= 2 or an array of shape (k, n_features), got {centers.shape}")
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % len(centers)
    X = centers[labels] + std * rng.standard_normal((n, centers.shape[1]))
    X, labels = _shuffle(rng, X, labels)
    return _classification("gaussians", X, labels, len(centers), encoding, None, test_fraction, rng)


def linear(n: int = 100, margin: float = 0.3, angle: float | None = None, seed: int = 0,
           encoding: str | None = "pm1", test_fraction: float = 0.0) -> Dataset:
    """Linearly separable classes with a gap between them (like seed 001's perceptron data).

    The points fill a square of side 2 centred at the origin, turned by `angle`;
    the boundary runs through the origin, and no point lies closer than
    ``margin / 2`` to it.

    Parameters
    ----------
    n, seed, encoding, test_fraction
        See the module docstring.
    margin : float in [0, 2)
        Width of the empty band between the classes.
    angle : float, optional
        Direction of the boundary's normal in degrees (class 1 lies on its side);
        drawn at random from the seed if not given.

    Returns
    -------
    Dataset
        X shape (n_train, 2).
    """
    n = _check_count(n, "n", 2)
    if not 0 <= margin < 2:
        raise ValueError(f"margin must be in [0, 2), got {margin}")
    rng = np.random.default_rng(seed)
    theta = rng.uniform(0, np.pi) if angle is None else np.deg2rad(angle)
    normal = np.array([np.cos(theta), np.sin(theta)])
    along = np.array([-np.sin(theta), np.cos(theta)])
    labels = np.arange(n) % 2
    u = (2 * labels - 1) * rng.uniform(margin / 2, 1, n)   # signed distance to the boundary
    v = rng.uniform(-1, 1, n)                               # position along the boundary
    X = u[:, None] * normal + v[:, None] * along
    X, labels = _shuffle(rng, X, labels)
    return _classification("linear", X, labels, 2, encoding, None, test_fraction, rng)


def harder(n: int = 600, cells: int = 4, noise: float = 0.1, seed: int = 0, encoding: str | None = "pm1",
           test_fraction: float = 0.0) -> Dataset:
    """A noisy checkerboard: a 2-D set that wants a deep network.

    Stands in for the "harder data set" of seed 001 (exercise 3), which is not
    available. Points are spread evenly over ``cells x cells`` unit squares,
    labelled by the square's colour, jittered (so neighbouring squares bleed into
    each other) and standardised to zero mean and unit variance per feature, as
    the seed does with ``StandardScaler``.

    Parameters
    ----------
    n, seed, encoding, test_fraction
        See the module docstring.
    cells : int
        Squares per side; an even number gives balanced classes.
    noise : float
        Standard deviation of the jitter, in units of one square.

    Returns
    -------
    Dataset
        X shape (n_train, 2), standardised.
    """
    n = _check_count(n, "n", 2)
    cells = _check_count(cells, "cells", 2)
    rng = np.random.default_rng(seed)
    cell = np.arange(n) % cells**2                 # deal the points out to the squares in turn
    col, row = cell % cells, cell // cells
    labels = (col + row) % 2
    X = np.column_stack([col, row]) + rng.uniform(0, 1, (n, 2)) + noise * rng.standard_normal((n, 2))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    X, labels = _shuffle(rng, X, labels)
    return _classification("harder", X, labels, 2, encoding, None, test_fraction, rng)


def above(f: Callable[[np.ndarray], np.ndarray] | str, n: int = 200, interval: tuple[float, float] | None = None,
          y_range: tuple[float, float] | None = None, noise: float = 0.0, seed: int = 0,
          encoding: str | None = "pm1", test_fraction: float = 0.0) -> Dataset:
    """Points uniform in a box; class 1 ("above") where x2 > f(x1), class 0 ("below") otherwise.

    Parameters
    ----------
    f : callable or str
        Vectorised boundary function, or a name from :data:`~nnviz.data.TARGETS`.
    n, seed, encoding, test_fraction
        See the module docstring.
    interval : (a, b), optional
        Range of x1; defaults to the named target's interval, else (-1, 1).
    y_range : (c, d), optional
        Range of x2; defaults to the range of f on the interval, padded by half
        its height (at least 0.5) on both sides.
    noise : float
        Standard deviation of Gaussian noise added to the points *after* labelling,
        so points near the curve may end up on the wrong side.

    Returns
    -------
    Dataset
        X shape (n_train, 2); ``target`` is f, to draw the true boundary.
    """
    n = _check_count(n, "n", 2)
    _, tgt = resolve_target(f)
    a, b = tgt.interval if interval is None else interval
    if y_range is None:
        curve = _evaluate(tgt.f, np.linspace(a, b, 256))
        pad = max(0.5 * (curve.max() - curve.min()), 0.5)
        y_range = (curve.min() - pad, curve.max() + pad)
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(a, b, n), rng.uniform(y_range[0], y_range[1], n)])
    labels = (X[:, 1] > _evaluate(tgt.f, X[:, 0])).astype(np.int64)
    if noise:
        X = X + noise * rng.standard_normal(X.shape)
    return _classification("above", X, labels, 2, encoding, ["below", "above"], test_fraction, rng,
                           target=tgt.f)
