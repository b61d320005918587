"""Data from outside: your own arrays, a CSV file, or scikit-learn's 8x8 digits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .dataset import Dataset, _check_count, _classification, _regression

__all__ = ["from_arrays", "from_csv", "digits"]

# A numeric target with whole-number values and at most this many distinct values counts as class labels.
MAX_GUESSED_CLASSES = 20


def _label_name(value: Any) -> str:
    """Name of a class value: 1.0 -> "1", "cat" -> "cat"."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _is_onehot(y: np.ndarray) -> bool:
    return y.ndim == 2 and y.shape[1] > 1 and bool(np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all())


def _guess_task(y: np.ndarray) -> str:
    """Guess the task: bool, int, text, one-hot or few whole-number targets mean classification."""
    if y.dtype.kind in "biuUSO":
        return "classification"
    if y.ndim == 2:
        return "classification" if _is_onehot(y) else "regression"
    values = np.unique(y)
    if 2 <= len(values) <= MAX_GUESSED_CLASSES and np.all(values == np.round(values)):
        return "classification"
    return "regression"


def from_arrays(X: Any, y: Any, task: str | None = None, encoding: str | None = None, name: str = "arrays",
                class_names: list[str] | None = None, test_fraction: float = 0.0, seed: int = 0) -> Dataset:
    """Wrap your own arrays as a :class:`Dataset`.

    Parameters
    ----------
    X : array_like, shape (n,) or (n, n_features)
    y : array_like, shape (n,), (n, 1) or (n, n_outputs)
        Regression targets; or class values of any kind (e.g. 0/1, -1/+1, 0..9,
        strings), or one-hot rows.
    task : {"classification", "regression"}, optional
        Guessed if not given: bool/int/text/one-hot targets, or whole numbers with at
        most 20 distinct values, mean classification.
    encoding : {"pm1", "01", "onehot"}, optional
        Classification only. Default: "01" if the values are exactly {0, 1},
        "pm1" for any other two values, "onehot" for more classes or one-hot y.
    name : str
        Name of the data set.
    class_names : list of str, optional
        Default: the class values as text, in sorted order.
    test_fraction : float
        Share of the rows held out as test set.
    seed : int
        Seed for the split.

    Returns
    -------
    Dataset
        Class k is the k-th smallest distinct value of y (so -1 -> 0, +1 -> 1).
    """
    X = np.asarray(X, dtype=np.float64)
    X = X.reshape(-1, 1) if X.ndim == 1 else X
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}")
    task = task or _guess_task(y)
    if task == "regression":
        return _regression(name, X, y.astype(np.float64).reshape(len(y), -1), test_fraction, seed)
    if task != "classification":
        raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")
    if y.ndim == 2:
        if not _is_onehot(y):
            raise ValueError("a 2-D classification target must be one-hot (0/1 rows that sum to 1)")
        values, labels = np.arange(y.shape[1]), np.argmax(y, axis=1)
        encoding = encoding or "onehot"
    else:
        values, labels = np.unique(y, return_inverse=True)
        if encoding is None and len(values) == 2:
            encoding = "01" if y.dtype.kind in "biuf" and list(values) == [0, 1] else "pm1"
    class_names = class_names or [_label_name(v) for v in values]
    if len(class_names) != len(values):
        raise ValueError(f"got {len(class_names)} class names for {len(values)} classes")
    return _classification(name, X, labels.reshape(-1), len(values), encoding, class_names, test_fraction, seed)


def _split_line(line: str, delimiter: str | None) -> list[str]:
    return [field.strip() for field in line.split(delimiter)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def from_csv(path: str | Path, target_column: int | str = -1, task: str | None = None,
             encoding: str | None = None, delimiter: str | None = ",", test_fraction: float = 0.0,
             seed: int = 0) -> Dataset:
    """Read a data set from a delimited text file (one sample per line).

    Blank lines and lines starting with ``#`` are skipped. The first line is taken
    as a header if any of its feature fields is not a number. The target column
    may hold text (class names); all other columns must be numbers.

    Parameters
    ----------
    path : str or Path
    target_column : int or str
        Index of the target column (negative counts from the end), or its
        header name. All other columns are features.
    task, encoding, test_fraction, seed
        As for :func:`from_arrays`.
    delimiter : str or None
        Field separator; None splits on any whitespace.

    Returns
    -------
    Dataset
        Named after the file (without extension).

    Raises
    ------
    ValueError
        On malformed content, naming the file and line, e.g.
        ``data.csv, line 4: 'abc' in column 2 is not a number``.
    """
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig") as fh:  # -sig: a byte-order mark is not part of the first field
            lines = [(number, _split_line(line.strip(), delimiter)) for number, line in enumerate(fh, start=1)
                     if line.strip() and not line.lstrip().startswith("#")]
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not UTF-8 text (byte {e.start}); save it as UTF-8 CSV") from None
    if not lines:
        raise ValueError(f"{path}: no data lines found")
    width = len(lines[0][1])
    if width < 2:
        raise ValueError(f"{path}, line {lines[0][0]}: need at least 2 columns (features and a target), found {width}")

    header = None
    if isinstance(target_column, str):
        header = lines[0][1]
        if target_column not in header:
            raise ValueError(f"{path}: no column named {target_column!r} in the header {header}")
        t = header.index(target_column)
    else:
        if not -width <= target_column < width:
            raise ValueError(f"{path}: target_column {target_column} is out of range for {width} columns")
        t = target_column % width
        if not all(_is_number(s) for i, s in enumerate(lines[0][1]) if i != t):
            header = lines[0][1]
    body = lines[1:] if header is not None else lines
    if not body:
        raise ValueError(f"{path}: no data lines found after the header")

    features, targets = [], []
    for number, fields in body:
        if len(fields) != width:
            raise ValueError(f"{path}, line {number}: expected {width} values, found {len(fields)}")
        row = []
        for column, text in enumerate(fields):
            if column == t:
                continue
            if not _is_number(text):
                raise ValueError(f"{path}, line {number}: {text!r} in column {column + 1} is not a number")
            if not np.isfinite(float(text)):
                raise ValueError(f"{path}, line {number}: {text!r} in column {column + 1} is not a finite number; "
                                 "fill in or drop that line")
            row.append(float(text))
        features.append(row)
        targets.append(fields[t])

    y = np.array([float(s) for s in targets]) if all(_is_number(s) for s in targets) else np.array(targets)
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        i = int(np.flatnonzero(~np.isfinite(y))[0])
        raise ValueError(f"{path}, line {body[i][0]}: {targets[i]!r} in column {t + 1} (the target) is not a "
                         "finite number; fill in or drop that line")
    if len(np.unique(y)) < 2:
        raise ValueError(f"{path}: the target (column {t + 1}) is {targets[0]!r} on every line: a classifier needs "
                         "two or more classes, and a constant has nothing to fit")
    return from_arrays(np.array(features), y, task=task, encoding=encoding, name=path.stem,
                       test_fraction=test_fraction, seed=seed)


def digits(test_fraction: float = 0.2, seed: int = 0, encoding: str | None = "onehot",
           n: int | None = None, scaled: bool = True) -> Dataset:
    """scikit-learn's 1797 handwritten digits, 8x8 pixels (seed 002), scaled to [0, 1].

    Parameters
    ----------
    test_fraction : float
        Share of the images held out as test set (seed 002 uses 20 %).
    seed : int
        Seed for the split (and for the subset, if `n` is given).
    encoding : {"onehot"} or None
        Ten classes, so only "onehot" applies.
    n : int, optional
        Use a random subset of n images (faster demos).
    scaled : bool
        Divide the pixel values 0..16 by 16 (default). Seed 002 feeds the raw values 0..16:
        ``scaled = false``.

    Returns
    -------
    Dataset
        X shape (n_train, 64) = pixel values / 16 (or 0..16), y shape (n_train, 10),
        ``image_shape`` (8, 8), class names "0".."9".

    Raises
    ------
    ImportError
        If scikit-learn is not installed.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError as err:
        raise ImportError("the digits data set needs scikit-learn: pip install 'nnviz[sklearn]'") from err
    bunch = load_digits()
    X, labels = (bunch.data / 16.0 if scaled else bunch.data.astype(np.float64)), bunch.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    if n is not None:
        n = _check_count(n, "n", 2)
        keep = np.sort(rng.choice(len(X), size=min(n, len(X)), replace=False))
        X, labels = X[keep], labels[keep]
    return _classification("digits", X, labels, 10, encoding, [str(d) for d in range(10)], test_fraction, rng,
                           image_shape=(8, 8))
