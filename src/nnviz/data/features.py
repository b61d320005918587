"""Added input features (seed 001, exercise 3b): sin(x), x², ... appended to the raw inputs.

"Add additional features to your model, e.g. sin(x), sin(y) or other monomials. Can you improve
your classifier?" Any data set takes the option ``features``, a list of names from
:data:`FEATURES`; each feature is computed from the raw columns and appended to X (and X_test)::

    >>> from nnviz.data import make_dataset
    >>> ds = make_dataset("circles", n=100, features=["square"])
    >>> ds.X.shape                       # x1, x2, x1², x2²
    (100, 4)

The raw columns stay first, so a view can still draw the data in the (x1, x2) plane and push
its own grid points through :func:`augment` (see :func:`input_map`).

==========  ===========================================  ======================
name        columns appended (raw inputs x1 .. xd)        for d = 2
==========  ===========================================  ======================
``sin``     sin(x_j) for every j                          sin x1, sin x2
``cos``     cos(x_j) for every j                          cos x1, cos x2
``square``  x_j² for every j                              x1², x2²
``product`` x_i x_j for every pair i < j                  x1 x2
==========  ===========================================  ======================
"""

from __future__ import annotations

from itertools import combinations
from typing import Callable, Sequence

import numpy as np

__all__ = ["FEATURES", "augment", "check_features", "feature_names", "input_map", "add_features"]


def _products(X: np.ndarray) -> np.ndarray:
    pairs = list(combinations(range(X.shape[1]), 2))
    if not pairs:
        return np.zeros((len(X), 0))
    return np.column_stack([X[:, i] * X[:, j] for i, j in pairs])


#: Name table: feature name -> (function of the raw inputs (n, d) -> (n, k), label of column j).
FEATURES: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[int], list[str]]]] = {
    "sin": (np.sin, lambda d: [f"sin x{j + 1}" for j in range(d)]),
    "cos": (np.cos, lambda d: [f"cos x{j + 1}" for j in range(d)]),
    "square": (np.square, lambda d: [f"x{j + 1}²" for j in range(d)]),
    "product": (_products, lambda d: [f"x{i + 1}·x{j + 1}" for i, j in combinations(range(d), 2)]),
}


def check_features(features) -> list[str]:
    """The feature names as a list; an unknown name raises ValueError listing the valid ones."""
    if features is None:
        return []
    if isinstance(features, str):
        features = [f.strip() for f in features.split(",") if f.strip()]
    names = list(features)
    for name in names:
        if name not in FEATURES:
            raise ValueError(f"unknown feature {name!r}; choose from: {', '.join(FEATURES)}")
    if len(set(names)) != len(names):
        raise ValueError(f"features {names} name a feature twice")
    return names


def augment(X: np.ndarray, features: Sequence[str] | None) -> np.ndarray:
    """The raw inputs with the features appended.

    Parameters
    ----------
    X : ndarray of shape (n_samples, d)
        Raw inputs.
    features : list of str
        Names from :data:`FEATURES`, applied in this order.

    Returns
    -------
    ndarray of shape (n_samples, d + n_added)
    """
    X = np.asarray(X, dtype=float)
    names = check_features(features)
    return np.hstack([X] + [FEATURES[name][0](X) for name in names]) if names else X


def feature_names(d: int, features: Sequence[str] | None) -> list[str]:
    """Column labels of the augmented inputs, e.g. ``["x1", "x2", "sin x1", "sin x2"]``."""
    labels = [f"x{j + 1}" for j in range(d)]
    for name in check_features(features):
        labels += FEATURES[name][1](d)
    return labels


def _n_added(d: int, features) -> int:
    return len(feature_names(d, features)) - d


def add_features(dataset, features):
    """A copy of a :class:`~nnviz.data.Dataset` whose X and X_test carry the features."""
    from dataclasses import replace

    names = check_features(features)
    if not names:
        return dataset
    return replace(dataset, X=augment(dataset.X, names), X_test=augment(dataset.X_test, names))


def input_map(config: dict | None, n_inputs: int) -> tuple[int, Callable[[np.ndarray], np.ndarray]]:
    """How raw points become network inputs for a run.

    Parameters
    ----------
    config : dict
        The run's config (``trace.config``); its ``data.features`` lists the added features.
    n_inputs : int
        The network's number of inputs (``trace.sizes[0]``).

    Returns
    -------
    n_raw : int
        Number of raw input columns (the first ``n_raw`` columns of ``trace.data.X``).
    to_inputs : callable
        ``to_inputs(P)`` maps raw points of shape (m, n_raw) to network inputs (m, n_inputs).
    """
    features = check_features(((config or {}).get("data") or {}).get("features"))
    if not features:
        return n_inputs, lambda P: np.asarray(P, dtype=float)
    for d in range(1, n_inputs + 1):
        if d + _n_added(d, features) == n_inputs:
            return d, lambda P: augment(P, features)
    raise ValueError(f"features {features} do not fit a network with {n_inputs} inputs")
