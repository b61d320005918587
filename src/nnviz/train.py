"""The tracing trainer: nnviz's own training loops, recording every step through a Recorder.

One training step ``k`` (states ``k = 0 .. steps``; state 0 is the initial network)::

    forward and backward pass on the training data at parameters theta_k
    record loss_k, accuracy_k (every step) and, on the schedule, W, b, dW, db, z, a, delta
    update theta_{k+1} = theta_k - lr * gradient          (or momentum / Adam / L-BFGS)

So ``trace.loss[k]`` is the loss of ``trace.model_at(k)``, and for gradient descent
``W(k+1) = W(k) - lr * trace.grads(k)``. A non-finite loss stops training: the trace keeps every
step up to it and is marked "diverged".

Every loop here records through :class:`nnviz.trace.Recorder`, the same seam a PyTorch or
scikit-learn loop uses. What a step's gradient is comes from an *objective*: the table loss of
the config (``MLP.loss_and_grads``), or a differential equation's residual (:mod:`nnviz.ode`).
"""

from __future__ import annotations

import logging

import numpy as np

from .build import TrainingError, build, resolve_config
from .nn import get_loss, make_optimizer
from .nn.threads import one_blas_thread
from .trace.recorder import Recorder
from .trace.trace import Trace

__all__ = ["train", "resolve_config", "build", "TrainingError"]

log = logging.getLogger(__name__)


def train(spec="moons", trace=None, *, steps=None, lr=None, seed=None, record=None,
          progress=False, flush_every=100, dataset=None, start=None, **overrides) -> Trace:
    """Train a network and record its training into a trace file.

    Parameters
    ----------
    spec : str, Path or dict
        A preset name (``nnviz presets``), a TOML config file, or a config dict.
    trace : str or Path, optional
        Output trace file (HDF5); replaced if it exists. Default: the trace cache
        (:mod:`nnviz.trace.cache`), so no file appears where you did not ask for one.
    steps, lr, seed, record : optional
        Override the config's ``train.steps``, ``train.lr``, ``init.seed``, ``train.record``.
    progress : bool
        Show a progress bar.
    flush_every : int
        Make the file durable at least every this many steps.
    dataset : nnviz.data.Dataset, optional
        Train on this data instead of the config's ``[data]`` table.
    start : nnviz.nn.MLP or nnviz.nn.conv.CNN, optional
        Start from these weights instead of the config's initialiser (copied; the architecture
        must fit the data). Such a trace records ``init.weights = "given"``: its config alone
        cannot re-train it.
    **overrides
        Any other ``train.*`` key, e.g. ``optimizer="adam"``, ``batch_size=32``.

    Returns
    -------
    Trace
        The recorded run, open for reading. ``trace.status`` is "diverged" if the loss became
        non-finite; ``trace.message`` then says at which step and what to try.
    """
    cfg = resolve_config(spec, steps=steps, lr=lr, seed=seed, record=record, **overrides)
    if start is not None:
        cfg["init"]["weights"] = "given"
    elif cfg["init"]["weights"] == "given":
        raise TrainingError("this config starts from given weights (init.weights = 'given'); "
                            "pass them as train(..., start=model)")
    if trace is None:
        from .trace.cache import cache_path

        trace = cache_path(cfg)
    t = cfg["train"]
    if t["loss"] == "ode":  # a differential equation's residual (seed 002): nnviz.ode
        from .ode import ode_problem

        dataset, model, objective = ode_problem(cfg)
        loss_name = "ode"
    else:
        dataset, model, loss_name = build(cfg, dataset)
        loss, l2 = get_loss(loss_name), t["l2"]

        def objective(m, idx=None):
            X, T = (dataset.X, dataset.y) if idx is None else (dataset.X[idx], dataset.y[idx])
            fp = m.forward(X)
            return fp, m.backward(fp, T, loss, l2)
    if start is not None:
        if list(start.sizes) != list(model.sizes):
            raise TrainingError(f"start network is {'-'.join(map(str, start.sizes))}, the config and data "
                                f"give {'-'.join(map(str, model.sizes))}")
        model = start.copy()
    rec = Recorder(trace, dataset=dataset, network=model, loss=loss_name, lr=t["lr"], l2=t["l2"],
                   record=t["record"], steps=t["steps"], probe=t["probe"], config=cfg, name=cfg["name"], source="nnviz",
                   flush_every=flush_every, progress=progress)
    with rec, one_blas_thread(), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if t["optimizer"] == "lbfgs":
            _train_lbfgs(model, objective, t["steps"], rec)
        else:
            _train_gradient(model, objective, len(dataset.X), t, rec)
    return rec.trace


def _train_gradient(model, objective, n, t, rec):
    """Gradient descent, minibatch SGD, momentum or Adam, one recorded step per update."""
    opt = optimizer_for(t)
    batch = t["batch_size"] if 0 < t["batch_size"] < n else n
    rng = np.random.default_rng(t["seed"])
    order, pos = rng.permutation(n), 0
    for k in range(t["steps"] + 1):
        if batch < n and t["loss"] != "ode":  # the Recorder's full-batch pass at theta_k, backward when recorded
            recorded = rec.step(k, model)
        else:  # the full-batch pass at theta_k is the update's too: what step k records
            fp, bp = objective(model)
            recorded = rec.step(k, model, passes=(fp, bp))
        if not recorded or k == t["steps"]:
            return
        if batch < n:  # minibatch SGD: the next batch of a shuffled pass over the data
            if pos + batch > n:
                order, pos = rng.permutation(n), 0
            _, bp = objective(model, order[pos: pos + batch])
            pos += batch
        opt.step(model.param_list(), model.grad_list(bp))


def _train_lbfgs(model, objective, n_steps, rec):
    """L-BFGS through scipy.optimize.minimize (seed 001); one step per L-BFGS iteration."""
    try:
        from scipy.optimize import minimize
    except ImportError:  # pragma: no cover
        raise TrainingError("the lbfgs optimizer needs scipy: pip install 'nnviz[sklearn]'") from None

    def fun(theta):
        bp = objective(model.set_flat(theta))[1]
        return bp.loss, np.concatenate([g.ravel() for g in model.grad_list(bp)])

    class _Stop(Exception):
        pass

    state = {"k": 0}

    def callback(theta):
        state["k"] += 1
        if not rec.step(state["k"], model.set_flat(theta), passes=objective(model)) or state["k"] >= n_steps:
            raise _Stop

    if not rec.step(0, model, passes=objective(model)) or n_steps == 0:
        return
    try:
        res = minimize(fun, model.get_flat(), jac=True, method="L-BFGS-B", callback=callback,
                       options={"maxiter": n_steps})
        model.set_flat(res.x)
    except _Stop:
        pass


def optimizer_for(t: dict):
    """The optimizer a config's ``[train]`` table asks for (gd, sgd, momentum or adam)."""
    settings = {"lr": t["lr"]}
    if t["optimizer"] == "momentum":
        settings["momentum"] = t["momentum"]
    if t["optimizer"] == "adam":
        settings.update(beta1=t["beta1"], beta2=t["beta2"])
    return make_optimizer(t["optimizer"], **settings)
