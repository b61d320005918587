"""A sweep's cells: each grid point's runs (one per seed) summarised, ranked, and put in words.

:class:`Cells` holds, for every grid point, the mean of a metric over its finished seeds, the
lowest and highest seed, and how many seeds diverged or failed: the numbers of the heat map.
:func:`ranked` is the one ranking rule ("within k test images of the best"), also used by
:class:`nnviz.exercises.GridSearch`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .grid import describe_value
from ..formatting import percent

__all__ = ["Cells", "cells_of", "ranked", "summary_lines", "HIGHER_IS_BETTER", "METRIC_NAMES", "label_of"]

#: Metrics where more is better (accuracies); for losses less is.
HIGHER_IS_BETTER = {"accuracy": True, "test_accuracy": True, "loss": False, "test_loss": False}
METRIC_NAMES = {"accuracy": "training accuracy", "test_accuracy": "test accuracy", "loss": "final loss",
                "test_loss": "final test loss"}


def ranked(values: np.ndarray, higher: bool = True, within: float = 0.0) -> list[tuple[int, ...]]:
    """Indices of the cells within ``within`` of the best (NaN: never), best first, ties in grid order.

    Parameters
    ----------
    values : ndarray
        One number per cell; NaN for a cell without a finished run.
    higher : bool
        Whether larger is better.
    within : float
        How far from the best still counts (0: the cells that tie). Compared after rounding to 12
        significant digits, so that sums of the same counts in another order still tie.
    """
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v)
    if not ok.any():
        return []
    s = v if higher else -v
    best = np.nanmax(np.where(ok, s, np.nan))
    gap = np.round(best - s, 12)
    idx = [tuple(int(i) for i in ix) for ix in zip(*np.nonzero(ok & (gap <= within + 1e-12)))]
    return sorted(idx, key=lambda ix: -s[ix])  # stable: grid order among equals


def label_of(key: str, display: dict) -> tuple[str, float]:
    """A grid key's axis label and the factor its values are shown with."""
    d = display.get(key, {})
    return d.get("label", key.split(".")[-1]), float(d.get("scale", 1.0))


@dataclass
class Cells:
    """Every grid point of a sweep with its runs' numbers.

    Attributes
    ----------
    keys : list of str
        Grid keys; ``values[i]`` the values of ``keys[i]`` (the axes).
    metric : str
    mean, low, high : ndarray of shape (len(values[0]), len(values[1]), ...)
        Mean, lowest and highest of the metric over the cell's finished (not diverged) seeds; NaN
        when none finished.
    runs, diverged, failed : ndarray of int, same shape
        Seeds per cell, how many diverged, how many failed or are not finished.
    rows : ndarray of object, same shape
        Each cell's table rows.
    n_train, n_test : int
        Training and test samples behind an accuracy (0: unknown, or no test set).
    display : dict
    """

    keys: list
    values: list
    metric: str
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    runs: np.ndarray
    diverged: np.ndarray
    failed: np.ndarray
    rows: np.ndarray
    n_train: int
    n_test: int
    display: dict

    @property
    def higher(self) -> bool:
        return HIGHER_IS_BETTER[self.metric]

    @property
    def shape(self):
        return self.mean.shape

    def describe(self, ix) -> str:
        """A cell in words, e.g. ``"η=0.01 λ=1e-05"`` (values shown as the display says)."""
        parts = []
        for k, vals, i in zip(self.keys, self.values, ix):
            label, scale = label_of(k, self.display)
            v = vals[i]
            parts.append(f"{label}={describe_value(v * scale if scale != 1.0 and isinstance(v, float) else v)}")
        return " ".join(parts) or "the run"

    def tolerance(self, images: int) -> float:
        """``images`` samples (test samples for the test accuracy) in units of an accuracy; 0 for a
        loss or when the count is unknown."""
        n = {"test_accuracy": self.n_test, "accuracy": self.n_train}.get(self.metric, 0)
        return images / n if n else 0.0

    def ranked(self, images: int = 0) -> list[tuple[int, ...]]:
        """Cells within ``images`` test images of the best, best first (0: the ties)."""
        return ranked(self.mean, self.higher, self.tolerance(images))


def _sizes(rows) -> tuple[int, int]:
    """Training and test samples, read from the first readable trace ((0, 0) if none)."""
    from ..trace import load_trace

    for row in rows:
        if row["status"] in ("complete", "diverged"):
            try:
                with load_trace(row["trace"]) as tr:
                    d = tr.data
                    return len(d.X), (len(d.X_test) if d.X_test is not None else 0)
            except (ValueError, OSError):
                continue
    return 0, 0


def cells_of(table, metric: str | None = None) -> Cells:
    """Group a :class:`~nnviz.sweeps.SweepTable`'s rows by grid point."""
    index = table.index
    metric = metric or index.get("metric") or "loss"
    if metric not in HIGHER_IS_BETTER:
        raise ValueError(f"unknown metric {metric!r}; choose one of: {', '.join(HIGHER_IS_BETTER)}")
    grid = [(k, list(v)) for k, v in index["grid"]]
    keys, values = [k for k, _ in grid], [v for _, v in grid]
    shape = tuple(len(v) for v in values)
    mean, low, high = (np.full(shape, np.nan) for _ in range(3))
    runs, diverged, failed = (np.zeros(shape, int) for _ in range(3))
    rows = np.empty(shape, dtype=object)
    for ix in itertools.product(*[range(n) for n in shape]):
        rows[ix] = []
    for row in table:
        ix = tuple(values[d].index(row[k]) for d, k in enumerate(keys))
        rows[ix].append(row)
    for ix in itertools.product(*[range(n) for n in shape]):
        rs = rows[ix]
        runs[ix] = len(rs)
        diverged[ix] = sum(r["status"] == "diverged" for r in rs)
        failed[ix] = sum(r["status"] not in ("complete", "diverged") for r in rs)
        vals = [r[metric] for r in rs if r["status"] == "complete" and r.get(metric) is not None]
        if vals:
            mean[ix], low[ix], high[ix] = float(np.mean(vals)), float(np.min(vals)), float(np.max(vals))
    n_train, n_test = _sizes(table)
    return Cells(keys, values, metric, mean, low, high, runs, diverged, failed, rows, n_train, n_test,
                 dict(index.get("display") or {}))


def _fmt_metric(c: Cells, v: float) -> str:
    return percent(v) if c.metric.endswith("accuracy") else f"{v:.4g}"


def summary_lines(table, metric: str | None = None, near: int = 1) -> list[str]:
    """The best cell, the cells that tie with it and those ``near`` test images behind, in words."""
    c = cells_of(table, metric)
    top = c.ranked(0)
    if not top:
        return [f"no run finished without diverging ({int(c.diverged.sum())} diverged, {int(c.failed.sum())} "
                "not finished)"]
    b = top[0]
    seeds = int(c.runs[b])
    what = METRIC_NAMES[c.metric]
    line = f"best {what} {_fmt_metric(c, c.mean[b])}"
    if c.metric == "test_accuracy" and c.n_test and seeds == 1:
        line += f" ({round(c.mean[b] * c.n_test)} of {c.n_test} images)"
    if seeds > 1:
        line += (f", mean over {seeds - c.diverged[b] - c.failed[b]} seeds "
                 f"({_fmt_metric(c, c.low[b])}-{_fmt_metric(c, c.high[b])})")
    lines = [line + " at " + ", ".join(f"({c.describe(ix)})" for ix in top)]
    if near and c.tolerance(near) > 0:
        behind = [ix for ix in c.ranked(near) if ix not in top]
        if behind:
            unit = "test sample" if c.metric == "test_accuracy" else "training sample"
            lines.append(f"within {near} {unit}{'s' if near > 1 else ''}: " + ", ".join(
                f"({c.describe(ix)}) {_fmt_metric(c, c.mean[ix])}" for ix in behind))
    div = [ix for ix in itertools.product(*[range(n) for n in c.shape]) if c.diverged[ix]]
    if div:
        lines.append(f"diverged: {len(div)} cell{'s' if len(div) > 1 else ''} (" + ", ".join(
            c.describe(ix) + ("" if c.diverged[ix] == c.runs[ix] else f" {c.diverged[ix]}/{c.runs[ix]} seeds")
            for ix in div[:6]) + (", ..." if len(div) > 6 else "") + ")")
    return lines
