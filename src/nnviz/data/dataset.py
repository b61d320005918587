"""The :class:`Dataset` container, class-label encodings and the train/test split.

Every data set in nnviz is a :class:`Dataset`: plain numpy arrays plus a few
strings, so it can be written to a trace file and rebuilt from the config.

Classification targets are *encoded* for the network:

========  ===========  =====================================================
encoding  outputs      target of class 0 / class 1 / class k
========  ===========  =====================================================
"pm1"     1            -1 / +1            (two classes only)
"01"      1             0 /  1            (two classes only)
"onehot"  k            row k of the k x k identity matrix
========  ===========  =====================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

__all__ = [
    "ENCODINGS",
    "Dataset",
    "encode_labels",
    "decode_outputs",
    "default_encoding",
    "train_test_split",
]

ENCODINGS = ("pm1", "01", "onehot")
TASKS = ("classification", "regression")


def _as_matrix(a: Any, n_cols: int | None = None) -> np.ndarray:
    """Return `a` as a float64 array of shape (n, n_cols); 1-D input becomes one column."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        a = a.reshape(-1, 1) if (n_cols is None or a.size) else a.reshape(0, n_cols)
    if a.ndim != 2:
        raise ValueError(f"expected a 2-D array, got shape {a.shape}")
    return a


@dataclass(eq=False, repr=False)
class Dataset:
    """A training set (and optional test set) as the network sees it.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"moons"`` or ``"sin2x"``.
    X : ndarray, shape (n_samples, n_features), float64
        Training inputs.
    y : ndarray, shape (n_samples, n_outputs), float64
        Training targets, already encoded (see the module docstring).
    X_test : ndarray, shape (n_test, n_features), float64
        Test inputs; ``n_test`` may be 0.
    y_test : ndarray, shape (n_test, n_outputs), float64
        Test targets.
    task : {"classification", "regression"}
    encoding : {"pm1", "01", "onehot"} or None
        Target encoding of a classification set; None for regression.
    labels, labels_test : ndarray, shape (n_samples,) / (n_test,), int, or None
        Class index 0..k-1 of every sample (classification only).
    class_names : list of str or None
        One name per class (classification only).
    target : callable or None
        The known function behind the data, vectorised (x of shape (m,) ->
        shape (m,)): the true curve of a 1-D regression set, or the boundary
        ``x2 = f(x1)`` of :func:`~nnviz.data.above`. Not stored in trace files.
    image_shape : tuple of int or None
        Shape of one input as an image, e.g. ``(8, 8)`` for digits.
    rng : numpy.random.RandomState or None
        The random stream after the data set's own draws, for a data set drawn from numpy's
        legacy stream (``stream = "legacy"``): an initialiser with ``init.stream = "data"``
        continues it, as a notebook that calls ``numpy.random.seed`` once does. Not stored in
        trace files.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str
    encoding: str | None
    labels: np.ndarray | None
    labels_test: np.ndarray | None
    class_names: list[str] | None
    target: Callable[[np.ndarray], np.ndarray] | None = None
    image_shape: tuple[int, ...] | None = None
    rng: Any = None

    def __post_init__(self) -> None:
        # Normalise types (so a Dataset rebuilt from HDF5 looks like a fresh one) and check shapes.
        self.X = _as_matrix(self.X)
        self.y = _as_matrix(self.y)
        self.X_test = _as_matrix(self.X_test, self.X.shape[1])
        self.y_test = _as_matrix(self.y_test, self.y.shape[1])
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {self.task!r}")
        if len(self.X) != len(self.y) or len(self.X_test) != len(self.y_test):
            raise ValueError("X and y (and X_test and y_test) must have the same number of rows")
        if self.X_test.shape[1] != self.X.shape[1] or self.y_test.shape[1] != self.y.shape[1]:
            raise ValueError("test arrays must have as many columns as the training arrays")
        if self.task == "classification":
            if self.encoding not in ENCODINGS:
                raise ValueError(f"encoding must be one of {ENCODINGS}, got {self.encoding!r}")
            if self.labels is None or self.labels_test is None or self.class_names is None:
                raise ValueError("a classification Dataset needs labels, labels_test and class_names")
            self.labels = np.asarray(self.labels, dtype=np.int64).reshape(-1)
            self.labels_test = np.asarray(self.labels_test, dtype=np.int64).reshape(-1)
            self.class_names = [c.decode() if isinstance(c, bytes) else str(c) for c in self.class_names]
            if len(self.labels) != len(self.X) or len(self.labels_test) != len(self.X_test):
                raise ValueError("labels must have one entry per sample")
        elif self.encoding is not None:
            raise ValueError("a regression Dataset has encoding None")
        if self.image_shape is not None:
            self.image_shape = tuple(int(s) for s in self.image_shape)

    @property
    def n_classes(self) -> int | None:
        """Number of classes k (None for regression)."""
        return None if self.class_names is None else len(self.class_names)

    @property
    def n_features(self) -> int:
        """Number of input features (columns of X)."""
        return self.X.shape[1]

    @property
    def n_outputs(self) -> int:
        """Number of network outputs (columns of y)."""
        return self.y.shape[1]

    def __repr__(self) -> str:
        text = (f"Dataset({self.name!r}, {self.task}, {len(self.X)} train + {len(self.X_test)} test, "
                f"{self.n_features} features -> {self.n_outputs} outputs")
        if self.task == "classification":
            text += f", {self.n_classes} classes, encoding {self.encoding!r}"
        return text + ")"


def default_encoding(n_classes: int) -> str:
    """Encoding used when none is given: ``"pm1"`` for two classes, else ``"onehot"``."""
    return "pm1" if n_classes == 2 else "onehot"


def _check_encoding(encoding: str | None, n_classes: int) -> str:
    """Resolve ``None``/``"auto"`` to the default encoding and check it suits `n_classes`."""
    if n_classes < 2:
        raise ValueError(f"classification needs at least 2 classes, got {n_classes}")
    if encoding is None or encoding == "auto":
        return default_encoding(n_classes)
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; valid: {', '.join(ENCODINGS)}")
    if encoding != "onehot" and n_classes != 2:
        raise ValueError(f"encoding {encoding!r} is for 2 classes, this data has {n_classes}; use 'onehot'")
    return encoding


def encode_labels(labels: Sequence[int] | np.ndarray, encoding: str, n_classes: int) -> np.ndarray:
    """Turn class indices into network targets.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        Class indices in 0..n_classes-1.
    encoding : {"pm1", "01", "onehot"}
    n_classes : int

    Returns
    -------
    ndarray, shape (n, 1) for "pm1" and "01", (n, n_classes) for "onehot", float64

    Examples
    --------
    >>> encode_labels([0, 1, 1], "pm1", 2).ravel()
    array([-1.,  1.,  1.])
    """
    encoding = _check_encoding(encoding, n_classes)
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must lie in 0..{n_classes - 1}")
    if encoding == "onehot":
        return np.eye(n_classes)[labels]
    targets = labels.astype(np.float64).reshape(-1, 1)
    return 2.0 * targets - 1.0 if encoding == "pm1" else targets


def decode_outputs(outputs: np.ndarray, encoding: str) -> np.ndarray:
    """Turn network outputs into predicted class indices.

    Parameters
    ----------
    outputs : ndarray, shape (n, 1) or (n,) for "pm1"/"01", (n, k) for "onehot"
    encoding : {"pm1", "01", "onehot"}
        "pm1": class 1 where output > 0; "01": class 1 where output > 0.5;
        "onehot": the index of the largest output.

    Returns
    -------
    ndarray of int, shape (n,)
    """
    outputs = np.asarray(outputs, dtype=np.float64)
    if encoding == "onehot":
        if outputs.ndim != 2:
            raise ValueError(f"one-hot outputs must have shape (n, k), got {outputs.shape}")
        return np.argmax(outputs, axis=1)
    if encoding not in ("pm1", "01"):
        raise ValueError(f"unknown encoding {encoding!r}; valid: {', '.join(ENCODINGS)}")
    if outputs.ndim == 2 and outputs.shape[1] != 1:
        raise ValueError(f"{encoding!r} outputs must have one column, got shape {outputs.shape}")
    threshold = 0.0 if encoding == "pm1" else 0.5
    return (outputs.reshape(-1) > threshold).astype(np.int64)


def train_test_split(*arrays: np.ndarray | None, test_fraction: float = 0.2,
                     seed: int | np.random.Generator | None = 0) -> list[np.ndarray | None]:
    """Randomly split arrays (same number of rows) into a training and a test part.

    Rows keep their original order inside each part, so a sorted 1-D input stays sorted.

    Parameters
    ----------
    *arrays : ndarray, shape (n, ...), or None
        None entries are passed through as ``None, None``.
    test_fraction : float in [0, 1)
        Share of rows for the test part; ``round(n * test_fraction)`` rows.
    seed : int, numpy Generator or RandomState
        Seed (or generator, continued) for the random choice of test rows.

    Returns
    -------
    list
        ``[a_train, a_test, b_train, b_test, ...]`` like scikit-learn.
    """
    present = [a for a in arrays if a is not None]
    if not present:
        raise ValueError("train_test_split needs at least one array")
    n = len(present[0])
    if any(len(a) != n for a in present):
        raise ValueError("all arrays must have the same number of rows")
    if not 0.0 <= test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in [0, 1), got {test_fraction}")
    n_test = int(round(n * test_fraction))
    if n_test == 0:
        train, test = np.arange(n), np.arange(0)
    else:
        if n_test >= n:
            raise ValueError(f"test_fraction={test_fraction} leaves no training samples out of {n}")
        rng = seed if isinstance(seed, np.random.RandomState) else np.random.default_rng(seed)
        order = rng.permutation(n)
        train, test = np.sort(order[n_test:]), np.sort(order[:n_test])
    result: list[np.ndarray | None] = []
    for a in arrays:
        result += [None, None] if a is None else [a[train], a[test]]
    return result


# ---------------------------------------------------------------------------
# Builders used by every data set function (private to nnviz.data).
# ---------------------------------------------------------------------------

def _classification(name: str, X: np.ndarray, labels: np.ndarray, n_classes: int, encoding: str | None,
                    class_names: list[str] | None, test_fraction: float,
                    rng: np.random.Generator | int | None, **extra: Any) -> Dataset:
    """Split, encode and wrap a classification set."""
    encoding = _check_encoding(encoding, n_classes)
    X_train, X_test, l_train, l_test = train_test_split(
        np.asarray(X, dtype=np.float64), np.asarray(labels, dtype=np.int64),
        test_fraction=test_fraction, seed=rng)
    return Dataset(name=name, X=X_train, y=encode_labels(l_train, encoding, n_classes),
                   X_test=X_test, y_test=encode_labels(l_test, encoding, n_classes),
                   task="classification", encoding=encoding, labels=l_train, labels_test=l_test,
                   class_names=class_names or [str(k) for k in range(n_classes)], **extra)


def _regression(name: str, X: np.ndarray, y: np.ndarray, test_fraction: float,
                rng: np.random.Generator | int | None, **extra: Any) -> Dataset:
    """Split and wrap a regression set."""
    X = _as_matrix(X)
    y = _as_matrix(y)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=test_fraction, seed=rng)
    return Dataset(name=name, X=X_train, y=y_train, X_test=X_test, y_test=y_test,
                   task="regression", encoding=None, labels=None, labels_test=None,
                   class_names=None, **extra)


def _check_count(value: Any, what: str = "n", minimum: int = 1) -> int:
    """Return `value` as an int >= `minimum`, or raise a ValueError naming `what`."""
    try:
        ok = not isinstance(value, bool) and float(value).is_integer() and value >= minimum
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"{what} must be an integer >= {minimum}, got {value!r}")
    return int(value)
