"""Record a Keras 3 ``fit`` into an nnviz trace with a training callback.

::

    import os; os.environ["KERAS_BACKEND"] = "torch"   # before importing keras; no TensorFlow needed
    from nnviz.integrations.keras import TraceCallback
    model.fit(X, Y, epochs=20, batch_size=100, callbacks=[TraceCallback("keras.h5", X, Y, record="auto")])
    nnviz animate keras.h5 -o keras.gif

Give the callback the data you give ``fit``. It reads the model when training begins (the layers
:mod:`nnviz.nn.frameworks` supports: ``Dense`` networks, and ``Conv2D``, ``MaxPooling2D``,
``Flatten``, ``Dense`` CNNs on channels-last images, recorded in nnviz's channels-first layout;
anything else is refused in one line before the first update, and no trace is written), copies
the parameters before every update (``on_train_batch_begin``), records them as step k when the
update is done, and records the final parameters at the end of training. Step k is the network
before update k, as in every trace, whatever the batch size: a step is one minibatch update, and
nnviz's loss, accuracy and gradients at step k are on all of X.

Keras's numbers are nnviz's:

* losses (:data:`~nnviz.nn.frameworks.KERAS_LOSSES`): ``mean_squared_error`` is nnviz's ``mse``
  (the mean over samples of the mean over outputs); ``binary_crossentropy`` (one sigmoid output),
  ``categorical_crossentropy`` (one-hot Y) and ``sparse_categorical_crossentropy`` (class indices)
  are nnviz's ``bce`` and ``cross_entropy``. With ``from_logits=True`` the model ends with a linear
  ``Dense`` and nnviz draws the sigmoid or softmax the loss applies as the network's output.
  Keras clips probabilities to [1e-7, 1 - 1e-7] in the non-logit forms; nnviz's losses differ from
  Keras's only once a probability is beyond that.
* ``kernel_regularizer=l2(lmbd)`` adds ``lmbd * sum(W**2)`` to the loss Keras reports, which is
  nnviz's ``(l2 / 2) * sum ||W||^2`` with ``l2 = 2 * lmbd``. Layers may differ (seed 002
  regularises its hidden layers and not the output layer): nnviz then adds each layer's own term
  to the loss and to that layer's ``dW``; the trace's config holds the largest ``l2`` and its
  optimizer description each layer's (``nnviz info``: "keras SGD, nnviz l2 per layer 0.0002, 0.0002, 0").

So for full-batch plain SGD (``batch_size >= len(X)``, no momentum) ``W(k+1) = W(k) - lr * dW(k)``
holds, and with one batch per epoch the callback compares Keras's reported loss and, on the
PyTorch backend, Keras's own gradients (stored as the step's ``dW, db``) with nnviz's backprop of
the same parameters; ``nnviz info`` shows the largest differences. How close they are is Keras's
precision: Keras 3 on a non-TensorFlow backend multiplies float64 arrays in float32
(``keras.backend.result_type`` maps float64 to float32 there, as JAX does by default), so even after
``keras.config.set_floatx("float64")`` (set it, and ``keras.config.set_dtype_policy("float64")``,
before the first layer is made) Keras's gradients agree with nnviz's float64 ones to about 1e-8 and
its loss to about 1e-7, as in float32. With that mapping lifted they agree to 1e-16
(``tests/test_keras.py`` does so to check the mapping to 1e-10).

The recording runs beside the training: on Linux, in a process forked when ``fit`` begins
(:mod:`nnviz.trace.forked`), which evaluates nnviz's passes on all of X while Keras goes on with
the next updates, and writes the trace. Measured on seed 002's digits network (64-50-10, 150
minibatches of 100, ``benchmarks/bench_keras.py``): ``fit`` takes 1.2-1.3x its time with the
recording forked (1.1x its CPU time: the recording's own work, about 0.8 ms a step, is on the
other core), 1.8-2.0x when each step is recorded in the training process. Elsewhere, or in a process with
threads (a notebook's kernel), or with ``NNVIZ_NO_FORK=1``, the steps are recorded in the
training process; the trace is the same.

If ``fit`` stops with an error or Ctrl-C, the trace keeps every step recorded so far and is
marked "interrupted" (when the callback is next used, or garbage-collected, or Python exits; if
the training process is killed, by the recording process); it never claims to be complete.
"""

from __future__ import annotations

import functools
import weakref

import numpy as np

try:
    from keras.callbacks import Callback
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError(f"nnviz.integrations.keras needs Keras 3 (pip install 'nnviz[keras]') and a backend: "
                      f"set KERAS_BACKEND=torch to use PyTorch ({e})") from None

from ..nn import CNN, LOSSES, MLP
from ..nn.conv import UnsupportedLayer
from ..nn.frameworks import (KERAS_LOSSES, UnsupportedModel, is_keras_cnn, keras_conv_grads, keras_conv_layers,
                              keras_conv_params, keras_grads, keras_layers, keras_loss, keras_params)
from ..nn.threads import one_blas_thread
from ..trace.forked import open_recorder
from ..trace.recorder import Recorder, RecorderError
from ..trace.schedule import ScheduleError, parse_schedule
from ..trace.trace import Trace

__all__ = ["TraceCallback"]


INTERRUPTED = "training stopped before the end of fit (an error, an interrupt, or the process was killed)"


def _interrupt(recorder):
    recorder.close("interrupted")


def _record_step(net, l2, loss, recorder, k, params, grads, reported, lr) -> bool:
    """Record step ``k`` (in the recording process, :mod:`nnviz.trace.forked`): with one L2 factor
    the Recorder's own passes; with one per layer nnviz's passes with each layer's term."""
    if l2 is None:
        return recorder.step(k, params, grads=grads, loss=reported, lr=lr)
    net = net.set_params(params)
    with one_blas_thread():  # as the Recorder's own passes (nnviz.nn.threads)
        passes = _passes(net, recorder.dataset, loss, l2)
    return recorder.step(k, net, grads=grads, loss=reported, lr=lr, passes=passes)


def _passes(net, ds, loss, l2):
    """nnviz's forward and backward pass with each layer's own L2 term (seed 002's Keras model
    regularises its hidden layers only)."""
    fp = net.forward(ds.X)
    bp = net.backward(fp, ds.y, loss, 0.0)
    weighted = net.param_layers if isinstance(net, CNN) else range(1, net.L + 1)
    for l, lam in zip(weighted, l2):
        if lam:
            bp.dW[l] = bp.dW[l] + lam * net.W[l]
            bp.loss += 0.5 * lam * float(np.sum(net.W[l] ** 2))
    return fp, bp


class TraceCallback(Callback):
    """A Keras callback that records ``fit`` into an nnviz trace.

    Parameters
    ----------
    path : str or Path
        The trace file to write (HDF5).
    X : array_like of shape (n_samples, n_inputs), or (n_samples, height, width, channels)
        The training inputs, as given to ``fit`` (images for a model with ``Conv2D`` layers:
        recorded as an nnviz CNN, channels first, see :func:`nnviz.nn.frameworks.keras_conv_layers`).
    Y : array_like
        The training targets, as given to ``fit``: one-hot rows (``categorical_crossentropy``),
        class indices (``sparse_categorical_crossentropy``), 0/1 (``binary_crossentropy``) or
        values (``mean_squared_error``).
    record : str
        Which steps get full tensors: ``all``, ``every:K``, ``log2``, ``auto``, ``none`` or a list
        (:mod:`nnviz.trace.schedule`); ``auto`` spreads about 200 over the run.
    X_test, y_test : array_like, optional
        A test set (Y's encoding), evaluated at every step.
    **options
        Passed to :class:`nnviz.trace.Recorder` (``probe``, ``name``, ``class_names``, ``progress``, ...).

    Attributes
    ----------
    trace : nnviz.Trace
        The recorded run, after ``fit``.
    """

    def __init__(self, path, X, Y, record="auto", X_test=None, y_test=None, **options):
        super().__init__()
        X, Y = np.asarray(X, dtype=float), np.asarray(Y)
        if X.ndim not in (2, 4):
            raise RecorderError(f"X has shape {X.shape}: give X of shape (n_samples, n_inputs), as Dense layers take "
                                "it, or images (n_samples, height, width, channels) for Conv2D")
        if len(Y) != len(X):
            raise RecorderError(f"X has {len(X)} rows but Y has {len(Y)}")
        try:
            parse_schedule(record, 1)
        except ScheduleError as e:
            raise RecorderError(str(e)) from None
        self.path, self.X, self.Y, self.record = path, X, Y, record
        self.X_test, self.y_test, self.options = X_test, y_test, options
        self.recorder = None
        self._done = None  # the recorder of the last complete fit
        self._trace = None

    # ---------------------------------------------------------------- reading the model
    def _network(self):
        """The nnviz network (its output as nnviz draws it), loss, targets and each weighted layer's
        Keras l2 factor of ``self.model``; refuses what nnviz cannot record."""
        model = self.model
        self.conv = is_keras_cnn(model)
        if self.conv:
            shape, cnn_layers, self._weighted, lmbds, self._rows = keras_conv_layers(model)
            last = cnn_layers[-1]["activation"]
        else:
            self.layers = keras_layers(model)
            self._weighted = [d for d, *_ in self.layers]
            lmbds = [lmbd for *_, lmbd in self.layers]
            last = self.layers[-1][1]
        name, from_logits = keras_loss(model)
        nn_loss, output = KERAS_LOSSES[name]
        if from_logits:
            if output is None:
                raise UnsupportedModel(f"{name} has no from_logits form")
            if last != "identity":
                raise UnsupportedModel(f"{name}(from_logits=True) applies the {output} itself: the last Dense "
                                       f"must be linear (it is {last})")
            last = output
        elif output is not None and last != output:
            raise UnsupportedModel(f"{name} needs a {output} output (the last Dense has {last}), "
                                   f"or a linear one with from_logits=True")
        if self.conv:
            try:
                net = CNN(shape, cnn_layers[:-1] + [{**cnn_layers[-1], "activation": last}])
            except UnsupportedLayer as e:  # a setting nnviz's CNN does not mirror: the message names what it does
                raise UnsupportedModel(str(e)) from None
            C, H, W = net.input_shape
            if self.X.ndim != 4 or self.X.shape[1:] != (H, W, C):
                raise UnsupportedModel(f"X has shape {self.X.shape}: the model takes images (n_samples, {H}, {W}, {C}) "
                                       "(height, width, channels)")
        else:
            if self.X.ndim != 2:
                raise UnsupportedModel(f"X has shape {self.X.shape}: a model of Dense layers takes (n_samples, "
                                       "n_inputs)")
            sizes = [int(self.layers[0][0].kernel.shape[0])] + [int(d.kernel.shape[1]) for d, *_ in self.layers]
            net = MLP(sizes, [act for _, act, _ in self.layers[:-1]] + [last], output_bias=self.layers[-1][0].use_bias)
        n_out = net.sizes[-1]
        Y, Yt = self.Y, None if self.y_test is None else np.asarray(self.y_test)
        if name == "sparse_categorical_crossentropy":
            if Y.ndim == 2 and Y.shape[1] == 1:
                Y, Yt = Y[:, 0], (None if Yt is None else Yt.reshape(-1))
            if Y.ndim != 1:
                raise UnsupportedModel(f"sparse_categorical_crossentropy takes class indices, Y has shape {Y.shape}")
        elif name == "categorical_crossentropy" and (Y.ndim != 2 or Y.shape[1] != n_out):
            raise UnsupportedModel(f"categorical_crossentropy takes one-hot Y of shape (n_samples, {n_out}), "
                                   f"Y has shape {Y.shape} (use sparse_categorical_crossentropy for class indices)")
        if getattr(model, "steps_per_execution", 1) != 1:
            raise UnsupportedModel("compile(steps_per_execution=...) > 1: Keras then calls callbacks once per "
                                   "several updates; nnviz records every update (use 1)")
        return net, lmbds, nn_loss, Y, Yt

    def _params(self):
        """The parameters now, in nnviz's layout."""
        return keras_conv_params(self._weighted, self._rows) if self.conv else keras_params(self.layers)

    def _grads(self):
        """The gradients Keras's last update left, in nnviz's layout (None if the backend keeps none)."""
        return keras_conv_grads(self._weighted, self._rows) if self.conv else keras_grads(self.layers)

    # ---------------------------------------------------------------- Keras's hooks
    def on_train_begin(self, logs=None):
        if self.recorder is not None:  # the previous fit stopped with an error
            self._finalizer()
        self.recorder = self._done = self._trace = None
        self._net, lmbds, nn_loss, Y, Yt = self._network()
        lams = [2.0 * lmbd for lmbd in lmbds]  # Keras's lmbd * sum(W^2) = nnviz's (l2/2) * sum(W^2)
        self._l2 = None if len(set(lams)) == 1 else lams  # per-layer: nnviz adds each layer's term (_passes)
        params, model = self.params or {}, self.model
        per_epoch, epochs = params.get("steps"), params.get("epochs")
        self.full_batch = per_epoch == 1
        opt = getattr(model, "optimizer", None)
        optimizer = f"keras {type(opt).__name__}" if opt is not None else "keras"
        if self._l2 is not None:  # the config's one l2 is the largest: say what each layer has
            optimizer += ", nnviz l2 per layer " + ", ".join(f"{lam:g}" for lam in lams)
        kernel_dtype = str(self._weighted[0].kernel.dtype)
        options = dict(self.options)
        options.setdefault("name", "keras CNN" if self.conv else f"keras {'-'.join(map(str, self._net.sizes))}")
        X, Xt = self.X, self.X_test
        if self.conv:  # channels last -> nnviz's (n, C, H, W)
            X = X.transpose(0, 3, 1, 2)
            Xt = None if Xt is None else np.asarray(Xt, dtype=float).transpose(0, 3, 1, 2)
        recorder = Recorder(
            self.path, X, Y, network=self._net, loss=nn_loss, lr=self._lr(), l2=max(lams), record=self.record,
            steps=per_epoch * epochs if per_epoch and epochs else None, X_test=Xt, y_test=Yt,
            source="keras" if "64" in kernel_dtype else f"keras {kernel_dtype}", optimizer=optimizer,
            open=False, **options)
        # recorded beside the training, in a forked process where there is one (nnviz.trace.forked)
        record = functools.partial(_record_step, self._net, self._l2, LOSSES[nn_loss])
        self.recorder = open_recorder(recorder, self._params(), record, INTERRUPTED)
        self._finalizer = weakref.finalize(self, _interrupt, self.recorder)
        self.k, self._before, self._stopped = 0, None, False

    def on_train_batch_begin(self, batch, logs=None):
        if self.recorder is not None:
            self._before = (self._params(), self._lr())  # W(k) and the lr of update k

    def on_train_batch_end(self, batch, logs=None):
        if self.recorder is None or self._before is None:
            return
        params, lr = self._before
        self._before = None
        # Keras's batch loss and gradients are on all of X only when a batch is all of X
        grads = self._grads() if self.full_batch else None
        loss = float(logs["loss"]) if self.full_batch and logs and "loss" in logs else None
        if not self.recorder.step(self.k, params, grads, loss, lr) and not self._stopped:
            self.model.stop_training = self._stopped = True  # a loss not finite: the Recorder says so
        self.k += 1

    def on_train_end(self, logs=None):
        rec = self.recorder
        if rec is None:
            return
        rec.step(self.k, self._params(), None, None, self._lr())  # (not recorded after a divergence)
        rec.close()
        self._finalizer.detach()
        self.recorder = None
        self._done = rec

    # ---------------------------------------------------------------- helpers
    def _lr(self):
        lr = getattr(getattr(self.model, "optimizer", None), "learning_rate", None)
        try:
            return float(np.asarray(lr.numpy() if hasattr(lr, "numpy") else lr))
        except (TypeError, ValueError):
            return None

    @property
    def trace(self):
        """The recorded run as a :class:`nnviz.Trace` (after ``fit``)."""
        if self._done is None:
            raise RecorderError("nothing recorded yet: pass the callback to model.fit(..., callbacks=[...])")
        if self._trace is None:
            self._trace = Trace(self.path)
        return self._trace
