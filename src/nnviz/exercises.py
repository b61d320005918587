"""Seed exercises that are more than one training run: several runs, compared.

* :func:`convergence_study` -- seed 000: "How many epochs do you need to reach convergence? When you
  change the learning rate, how does it affect the convergence?" The same network trained at
  several learning rates, each run's epochs to converge, and the runs that never do.
* :func:`grid_search` -- seed 002: the learning-rate x regularisation grid search of the digits
  network, with train and test accuracy of every cell.
* :func:`perceptron_rule` -- seed 001's perceptron learning rule written as in the notebook, to
  check the ``perceptron`` preset against it update by update.
* :func:`seed_spread` -- one preset trained from several init seeds: a number measured on one
  random draw is quoted with its mean and range.

Every run is an ordinary :func:`nnviz.train` run with its own trace; the numbers reported are read
back from the traces. Drawing them is :mod:`nnviz.render.study`.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from .sweeps import SEED002_ETAS, SEED002_LAMBDAS  # the grid of seed 002: np.logspace(-5, 1, 7) each
from .formatting import percent

__all__ = ["ConvergenceStudy", "convergence_study", "epochs_to_converge", "GridSearch", "grid_search",
           "SEED002_ETAS", "SEED002_LAMBDAS", "perceptron_rule", "Spread", "seed_spread", "MEASURES"]

log = logging.getLogger(__name__)


def _folder(folder) -> Path:
    if folder is None:
        return Path(tempfile.mkdtemp(prefix="nnviz-study-"))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _study_folder(folder, kind: str, spec, **overrides) -> Path:
    """The sweep folder of one study inside ``folder``: ``{name}-{kind}-{digest of the config}``,
    so studies of several presets (or settings) can share ``folder`` and each resumes its own."""
    import hashlib
    import json

    from .build import resolve_config

    cfg = resolve_config(spec, **overrides)
    digest = hashlib.sha1(json.dumps(cfg, sort_keys=True).encode()).hexdigest()[:8]
    return _folder(folder) / f"{cfg['name']}-{kind}-{digest}"


# ---------------------------------------------------------------------------- any preset
def _final_test_accuracy(tr):
    return float(tr.test_accuracy[-1])


def _final_accuracy(tr):
    return float(tr.accuracy[-1])


def _final_loss(tr):
    return float(tr.loss[-1])


def _ode_max_error(tr):
    from .ode import max_error

    return float(max_error(tr))


#: What :func:`seed_spread` can measure on a finished run: name -> function(trace) -> float.
MEASURES = {"test_accuracy": _final_test_accuracy, "accuracy": _final_accuracy, "loss": _final_loss,
            "ode_error": _ode_max_error}


@dataclass
class Spread:
    """One measurement of a preset over several init seeds.

    Attributes
    ----------
    preset, measure : str
    seeds : list of int
    values : ndarray of shape (n_seeds,)
        The measurement of each run, read from its trace.
    paths : list of str
        Each run's trace, in seed order.
    """

    preset: str
    measure: str
    seeds: list
    values: np.ndarray
    paths: list = field(default_factory=list)

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def low(self) -> float:
        return float(np.min(self.values))

    @property
    def high(self) -> float:
        return float(np.max(self.values))

    def describe(self, fmt: str = "{:.3g}", scale: float = 1.0, unit: str = "") -> str:
        """E.g. ``"97.7 % (96.4-98.6 %) over init seeds 0-4"`` with ``fmt="{:.1f}", scale=100, unit=" %"``."""
        seeds = (f"{self.seeds[0]}-{self.seeds[-1]}" if self.seeds == list(range(self.seeds[0], self.seeds[-1] + 1))
                 else ", ".join(map(str, self.seeds)))
        f = fmt.format
        return (f"{f(self.mean * scale)}{unit} ({f(self.low * scale)}-{f(self.high * scale)}{unit}) "
                f"over init seeds {seeds}")


def seed_spread(preset, measure: str = "test_accuracy", seeds: Sequence[int] = range(5), folder=None,
                progress: bool = False, jobs: int | None = 1, **overrides) -> Spread:
    """Train one preset from several init seeds and measure each run.

    Parameters
    ----------
    preset : str or dict
    measure : str
        A name in :data:`MEASURES`: ``"test_accuracy"``, ``"accuracy"``, ``"loss"`` (final
        values) or ``"ode_error"`` (largest error against the analytic solution).
    seeds : sequence of int
        Init seeds (``init.seed``), one run each.
    folder : str or Path, optional
        Where the traces go (default: a new temporary folder), in a sweep folder
        (:func:`nnviz.sweep`) of their own, so running again reuses the finished runs.
    progress : bool
    jobs : int, optional
        Worker processes (1: in this process; None: every core).
    **overrides
        Passed to :func:`nnviz.train` (``steps``, ``lr``, ...).

    Returns
    -------
    Spread
    """
    from .sweeps import sweep
    from .trace import load_trace

    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; choose one of: {', '.join(MEASURES)}")
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seed_spread needs at least one seed")
    name = preset if isinstance(preset, str) else preset.get("name", "custom")
    overrides.setdefault("record", "none")
    out = _study_folder(folder, "seeds", preset, **overrides)
    table = sweep(preset, grid={}, seeds=seeds, out=out, jobs=jobs, progress=progress, **overrides)
    values = []
    for row in table:
        with load_trace(row["trace"]) as tr:
            values.append(MEASURES[measure](tr))
    return Spread(name, measure, seeds, np.array(values), [row["trace"] for row in table])


# ---------------------------------------------------------------------------- seed 000
def epochs_to_converge(loss: np.ndarray, tol: float) -> int | None:
    """The first step k from which the loss stays below ``tol``; None if it never settles there.

    Parameters
    ----------
    loss : ndarray of shape (n_steps,)
        One loss per step (``trace.loss``); a non-finite value means the run diverged.
    tol : float
        Convergence means ``loss < tol``.
    """
    loss = np.asarray(loss, dtype=float)
    ok = np.isfinite(loss) & (loss < tol)
    if len(loss) == 0 or not ok[-1]:
        return None
    bad = np.flatnonzero(~ok)
    return int(bad[-1] + 1) if len(bad) else 0


@dataclass
class ConvergenceStudy:
    """One network trained at several learning rates (seed 000).

    Attributes
    ----------
    preset : str
    lrs : list of float
    traces : list of Trace
        One run per learning rate, open for reading.
    epochs : list of int or None
        Epochs (training steps) to converge, None for a run that did not.
    outcomes : list of str
        ``"converged"``, ``"diverged"`` (the loss became infinite: the trace says at which step),
        ``"oscillates"`` (the loss ends above where it started) or ``"slow"`` (still going down).
    tol : float
    """

    preset: str
    lrs: list
    traces: list
    epochs: list
    outcomes: list
    tol: float

    def describe(self, i: int) -> str:
        """One line about run i, e.g. ``"lr 0.3: converged in 7 epochs"``."""
        lr, tr, e, o = self.lrs[i], self.traces[i], self.epochs[i], self.outcomes[i]
        if o == "converged":
            return f"lr {lr:g}: converged in {e} epochs"
        if o == "diverged":
            return f"lr {lr:g}: diverged (loss {tr.loss[-1]:g} at step {int(tr.all_steps[-1])})"
        if o == "oscillates":
            return f"lr {lr:g}: oscillates, never converges (loss {tr.loss[-1]:.3g})"
        return f"lr {lr:g}: not converged after {int(tr.all_steps[-1])} epochs (loss {tr.loss[-1]:.3g})"

    def table(self) -> str:
        """All runs, one line each."""
        return "\n".join(self.describe(i) for i in range(len(self.lrs)))


def convergence_study(preset="sample131", lrs: Sequence[float] = (0.03, 0.1, 0.3, 1.0, 2.0, 5.0), steps: int = 300,
                      tol: float = 1e-6, folder=None, progress: bool = False, jobs: int | None = 1) -> ConvergenceStudy:
    """Train one preset at several learning rates and measure the epochs to converge.

    Parameters
    ----------
    preset : str or dict
        A preset name or config (default seed 000's 1-3-1 network on one sample).
    lrs : sequence of float
        Learning rates, one run each.
    steps : int
        Training steps (epochs: each step sees the whole data set) per run.
    tol : float
        A run has converged once its loss stays below ``tol``.
    folder : str or Path, optional
        Where the traces go, ``lr={lr}.h5`` in a sweep folder (:func:`nnviz.sweep`) of their own
        (default: a new temporary folder). The ``seed000-lr-study`` sweep preset is this study.
    progress : bool
        A progress bar over the runs.
    jobs : int, optional
        Worker processes (1: in this process; None: every core).

    Returns
    -------
    ConvergenceStudy
    """
    from .sweeps import sweep
    from .trace import load_trace

    lrs = [float(v) for v in lrs]
    if not lrs or min(lrs) <= 0:
        raise ValueError(f"learning rates must be positive numbers, got {lrs}")
    name = preset if isinstance(preset, str) else preset.get("name", "custom")
    out = _study_folder(folder, "lr", preset, steps=steps, record="none")
    table = sweep(preset, grid=[("train.lr", lrs)], out=out, jobs=jobs, steps=steps, record="none",
                  metric="loss", progress=progress)
    traces, epochs, outcomes = [], [], []
    for row in table:
        tr = load_trace(row["trace"])
        e = epochs_to_converge(tr.loss, tol)
        if tr.diverged:
            outcome = "diverged"
        elif e is not None:
            outcome = "converged"
        elif tr.loss[-1] >= tr.loss[0]:
            outcome = "oscillates"
        else:
            outcome = "slow"
        traces.append(tr)
        epochs.append(e)
        outcomes.append(outcome)
    return ConvergenceStudy(name, lrs, traces, epochs, outcomes, float(tol))


# ---------------------------------------------------------------------------- seed 002


@dataclass
class GridSearch:
    """Accuracy of the digits network over a grid of learning rates and regularisations (seed 002).

    Attributes
    ----------
    etas, lambdas : list of float
        The seed's eta (step on the gradient SUMMED over a minibatch) and lambda (its L2 term
        ``lambda * W`` added to that sum). Our trainer averages over the batch, so each run uses
        ``lr = eta * batch_size`` and ``l2 = lambda / batch_size``: the same updates.
    train_accuracy, test_accuracy : ndarray of shape (n_eta, n_lambda)
        Final accuracies, read from the traces; NaN for runs that diverged.
    diverged : ndarray of bool, shape (n_eta, n_lambda)
    order : list of (int, int)
        The cells in the order they were trained (row by row).
    batch_size, epochs : int
    paths : ndarray of str, shape (n_eta, n_lambda)
        The traces.
    """

    etas: list
    lambdas: list
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    diverged: np.ndarray
    order: list = field(default_factory=list)
    batch_size: int = 100
    epochs: int = 10
    paths: np.ndarray | None = None

    def best(self) -> tuple[float, float, float]:
        """``(eta, lambda, test accuracy)`` of the best cell (the first, row by row, of
        :meth:`ties`)."""
        return self.ties(0)[0]

    @property
    def n_test(self) -> int:
        """Test images behind each accuracy (read from the first trace), or 0 if unknown."""
        if self.paths is None:
            return 0
        from .trace import load_trace

        with load_trace(self.paths.flat[0]) as tr:
            return len(tr.data.X_test)

    def ties(self, images: int = 0) -> list[tuple[float, float, float]]:
        """Every cell within ``images`` test images of the best, best first:
        ``[(eta, lambda, test accuracy), ...]``; ``images=0`` lists the cells that tie."""
        from .sweeps.summary import ranked

        cells = ranked(self.test_accuracy, higher=True, within=images / (self.n_test or 1))
        return [(self.etas[i], self.lambdas[j], float(self.test_accuracy[i, j])) for i, j in cells]

    def summary(self) -> str:
        """The best cells in words: the ties, and those one test image behind."""
        n = self.n_test
        top = self.ties(0)
        near = [c for c in self.ties(1) if c not in top]

        def cells(cs):
            return ", ".join(f"(eta {e:g}, lambda {lam:g})" for e, lam, _ in cs)

        text = f"best test accuracy {percent(top[0][2])}" + (f" ({round(top[0][2] * n)} of {n} images)" if n else "")
        text += f" at {cells(top)}"
        if near:
            text += f"; one image behind: {cells(near)}"
        return text


def grid_search(preset="digits", etas: Sequence[float] = SEED002_ETAS, lambdas: Sequence[float] = SEED002_LAMBDAS,
                epochs: int = 10, batch_size: int = 100, folder=None, progress: bool = False,
                jobs: int | None = None) -> GridSearch:
    """Seed 002's grid search: train the digits network for every (eta, lambda) pair.

    Parameters
    ----------
    preset : str or dict
        The network (default seed 002's 64-50-10 ``digits``); it needs a test set.
    etas, lambdas : sequence of float
        In the seed's units (see :class:`GridSearch`); default ``np.logspace(-5, 1, 7)`` each.
    epochs : int
        Passes over the training set per run. The seed uses 100 (the ``seed002-grid`` sweep
        preset); 10 already separates the good cells from the bad, but not the best ones from
        each other.
    batch_size : int
    folder : str or Path, optional
        Where the traces go, in a sweep folder (:func:`nnviz.sweep`) of their own (default: a
        new temporary folder); running again with the same folder reuses the finished runs.
    progress : bool
    jobs : int, optional
        Worker processes (default: every core; 1: one after another in this process).

    Returns
    -------
    GridSearch
    """
    from .sweeps import sweep
    from .train import resolve_config

    etas, lambdas = [float(v) for v in etas], [float(v) for v in lambdas]
    if not etas or not lambdas or min(etas) <= 0 or min(lambdas) < 0:
        raise ValueError("grid_search needs positive etas and non-negative lambdas")
    if epochs < 1 or batch_size < 1:
        raise ValueError("epochs and batch_size must be >= 1")
    cfg = resolve_config(preset)
    from .data import make_dataset

    params = dict(cfg["data"])
    n_train = len(make_dataset(params.pop("name"), **params).X)
    steps = epochs * max(1, n_train // batch_size)
    grid = [("train.lr", [e * batch_size for e in etas]), ("train.l2", [lam / batch_size for lam in lambdas])]
    display = {"train.lr": {"label": "η", "scale": 1 / batch_size}, "train.l2": {"label": "λ", "scale": batch_size}}
    out = _study_folder(folder, "grid", cfg, steps=steps, batch_size=batch_size, record="none")
    table = sweep(cfg, grid=grid, out=out, jobs=jobs, steps=steps, batch_size=batch_size, record="none",
                  metric="test_accuracy", display=display, progress=progress)
    shape = (len(etas), len(lambdas))
    train_acc, test_acc = np.full(shape, np.nan), np.full(shape, np.nan)
    diverged = np.zeros(shape, bool)
    paths = np.empty(shape, dtype=object)
    order = [(i, j) for i in range(len(etas)) for j in range(len(lambdas))]
    for (i, j), row in zip(order, table):  # the table is in grid order: eta by eta, lambda within
        paths[i, j] = row["trace"]
        if row["status"] == "diverged":
            diverged[i, j] = True
        elif row["status"] == "complete":
            train_acc[i, j], test_acc[i, j] = row["accuracy"], row["test_accuracy"]
        else:
            raise RuntimeError(f"grid search run {row['run']} failed: {row['message']}")
    return GridSearch(etas, lambdas, train_acc, test_acc, diverged, order, batch_size, epochs, paths)


# ---------------------------------------------------------------------------- seed 001
def perceptron_rule(X: np.ndarray, t: np.ndarray, beta: np.ndarray, eta: float = 0.1, max_updates: int = 1000):
    """Seed 001's perceptron learning rule, as the notebook states it.

    ``beta <- beta + eta * sum over the misclassified i of x~_i t_i``, with ``x~ = (1, x)`` and
    misclassified meaning ``sign(beta . x~_i) != t_i`` (so a point with ``beta . x~_i = 0``,
    sign 0, is misclassified: a start at beta = 0 moves), repeated until no point is misclassified.

    The notebook's literal update line, ``beta += np.squeeze(eta * Xtilde[indices_misclassified]
    * targets[indices_misclassified])``, only runs when exactly one point is misclassified: with
    k > 1 of them the right-hand side has shape (k, 3), which cannot be added into beta of shape
    (3,) (numpy raises "non-broadcastable output operand"), and with one it is that point's
    ``eta x~_i t_i``. The rule's sum over the misclassified points, written here, is what the line
    means (the sum of those k rows) and agrees with it whenever it runs.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    t : ndarray of shape (n,), values -1 or +1
    beta : ndarray of shape (d + 1,)
        Start, bias first.
    eta : float
    max_updates : int

    Returns
    -------
    ndarray of shape (n_updates + 1, d + 1)
        ``beta`` before the first update and after each one.
    """
    X = np.asarray(X, dtype=float)
    t = np.asarray(t, dtype=float).reshape(-1)
    Xtilde = np.hstack([np.ones((len(X), 1)), X])
    beta = np.array(beta, dtype=float).reshape(-1)
    betas = [beta.copy()]
    for _ in range(max_updates):
        wrong = np.sign(Xtilde @ beta) != t
        if not wrong.any():
            break
        beta = beta + eta * np.sum(Xtilde[wrong] * t[wrong, None], axis=0)
        betas.append(beta.copy())
    return np.array(betas)
