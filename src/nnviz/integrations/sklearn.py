"""Record scikit-learn's ``MLPClassifier`` and ``MLPRegressor`` training into an nnviz trace.

::

    from sklearn.neural_network import MLPClassifier
    from nnviz.integrations.sklearn import record_fit
    trace = record_fit(MLPClassifier(hidden_layer_sizes=(8,), activation="tanh", solver="sgd"),
                       X, y, trace="sk.h5", steps=200, record="all")

:func:`record_fit` trains the estimator one call at a time and records the network before each:

* ``solver="sgd"`` or ``"adam"``: one ``partial_fit`` per step. With the whole data set in one
  batch (``batch_size >= n_samples``, or ``"auto"`` with at most 200 samples) a step is one
  update; with smaller batches a step is one epoch (several updates; the trace says so).
* ``solver="lbfgs"``: one ``fit(max_iter=1, warm_start=True)`` per step, so a step is one L-BFGS
  iteration, but every call restarts L-BFGS's curvature memory: the path is not the one a single
  ``fit(max_iter=steps)`` takes.

nnviz's loss is scikit-learn's: log-loss is a sigmoid output with binary cross-entropy (two
classes) or a softmax with cross-entropy (more); squared error is ``0.5 * mean`` (``half_mse``);
``alpha`` is scikit-learn's L2 term ``alpha / (2 n_batch) * sum ||W||^2``, which is nnviz's
``l2 = alpha / n_batch``. So for full-batch plain SGD (``momentum=0``, constant learning rate,
``shuffle=False``) ``W(k+1) = W(k) - lr * dW(k)`` holds to rounding, and for every full-batch
stochastic solver nnviz's loss at step k equals ``loss_curve_[k]`` (the largest difference is kept
in the trace: ``nnviz info`` shows it).

Step 0 is the estimator's initial network. scikit-learn draws it inside its first ``partial_fit``,
so nnviz reads it from a clone with the same ``random_state`` whose first update is 1e-300 times
the gradient (it changes no weight); an estimator with ``random_state=None`` is first given a seed
drawn from numpy's global stream, so that the clone and the estimator start alike.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np

from ..nn.frameworks import UnsupportedModel, sklearn_network
from ..trace.recorder import Recorder

__all__ = ["record_fit"]

log = logging.getLogger(__name__)


def _initial_network(est, X, y, classes):
    """The network ``est`` starts from, without changing ``est``: see the module docstring."""
    from sklearn.base import clone

    probe = clone(est).set_params(solver="sgd", learning_rate_init=1e-300, learning_rate="constant", momentum=0.0,
                                  nesterovs_momentum=False, early_stopping=False, shuffle=False, max_iter=1,
                                  batch_size=len(X))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if classes is None:
            probe.partial_fit(X, y)
        else:
            probe.partial_fit(X, y, classes=classes)
    return sklearn_network(probe)


def record_fit(estimator, X, y, trace="sk.h5", steps=200, record="auto", X_test=None, y_test=None,
               progress=False, **options):
    """Fit a scikit-learn MLP for ``steps`` steps, recording every step into a trace.

    Parameters
    ----------
    estimator : MLPClassifier or MLPRegressor
        Not yet fitted (it is trained from its initial network; ``early_stopping`` must be off).
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
        Class labels (classifier) or values (regressor; one output).
    trace : str or Path
    steps : int
        Number of ``partial_fit`` (or one-iteration ``fit``) calls.
    record : str
        Recording schedule (``all``, ``every:K``, ``log2``, ``auto``, ...).
    X_test, y_test : array_like, optional
    progress : bool
    **options
        Passed to :class:`nnviz.trace.Recorder` (``probe``, ``name``, ...).

    Returns
    -------
    Trace
        The estimator is left fitted, as after its last step.
    """
    if not (hasattr(estimator, "hidden_layer_sizes") and hasattr(estimator, "solver")):
        raise UnsupportedModel(f"record_fit takes a scikit-learn MLPClassifier or MLPRegressor, "
                               f"got {type(estimator).__name__}")
    if hasattr(estimator, "coefs_"):
        raise UnsupportedModel("this estimator is already fitted; record_fit trains a fresh one "
                               "(sklearn.base.clone(estimator)), or use MLP.from_sklearn to picture it")
    p = estimator.get_params()
    if p["early_stopping"]:
        raise UnsupportedModel("record_fit cannot record early_stopping=True (partial_fit does not support it)")
    if p.get("loss", "squared_error") not in ("squared_error", "log_loss"):
        raise UnsupportedModel(f"loss={p['loss']!r}: nnviz records squared_error and log_loss networks")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or len(X) != len(y):
        raise UnsupportedModel(f"X must be (n_samples, n_features) and y (n_samples,); got {X.shape} and {y.shape}")
    if y.ndim != 1:
        raise UnsupportedModel("record_fit records one target column (multi-output and multi-label y are not supported)")
    n, solver = len(X), p["solver"]
    if p["random_state"] is None:  # so that the initial network can be read (module docstring)
        estimator.set_params(random_state=int(np.random.randint(2**31 - 1)))
        log.info("record_fit: random_state=None became %d", estimator.random_state)
    is_classifier = hasattr(estimator, "predict_proba")
    classes = np.unique(y) if is_classifier else None
    sizes, activations, params = _initial_network(estimator, X, y, classes)
    batch = n if solver == "lbfgs" else (min(200, n) if p["batch_size"] == "auto" else int(np.clip(p["batch_size"], 1, n)))
    per_update = batch >= n
    if is_classifier:
        index = np.searchsorted(classes, y)
        targets = index if len(classes) > 2 else index.astype(float)
        loss = "cross_entropy" if len(classes) > 2 else "bce"
        names = [str(c) for c in classes]
        test_targets = None
        if y_test is not None:
            test_index = np.searchsorted(classes, np.asarray(y_test))
            test_targets = test_index if len(classes) > 2 else test_index.astype(float)
    else:
        targets, loss, names = y.astype(float), "half_mse", None
        test_targets = None if y_test is None else np.asarray(y_test, dtype=float)
    lr = np.nan if solver == "lbfgs" else p["learning_rate_init"]
    what = "update" if per_update else f"epoch of {-(-n // batch)} minibatch updates"
    options.setdefault("name", f"sklearn {type(estimator).__name__}")
    rec = Recorder(trace, X, targets, sizes=sizes, activations=activations, loss=loss, lr=lr,
                   l2=p["alpha"] / batch, record=record, steps=steps, X_test=X_test, y_test=test_targets,
                   class_names=names, source="sklearn", optimizer=f"sklearn {solver} (one {what} per step)",
                   task="classification" if is_classifier else "regression", progress=progress, **options)
    if solver == "lbfgs":
        estimator.set_params(warm_start=True, max_iter=1)
    with rec, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning after every one-iteration call
        for k in range(steps + 1):
            current = sklearn_network(estimator)[2] if k else params
            if k == steps:
                rec.step(k, current)
                break
            if solver == "lbfgs":
                estimator.fit(X, y)
                sk_loss = None
            else:
                if is_classifier:
                    estimator.partial_fit(X, y, classes=classes)
                else:
                    estimator.partial_fit(X, y)
                # loss_curve_[k]: the loss at the parameters before this call (one full batch)
                sk_loss = estimator.loss_curve_[-1] if per_update else None
            if not rec.step(k, current, loss=sk_loss):
                break
    return rec.trace
