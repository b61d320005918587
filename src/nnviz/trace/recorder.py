"""The recording seam: every trace, whoever trained the network, is written through a Recorder.

You own the training loop and the update; at each step you hand the Recorder the parameters
(and, if your framework has them, its own gradients and loss). nnviz does the rest with its own
forward and backward pass on the data (:mod:`nnviz.nn.mlp`): the loss and accuracy at every step
and, on the recording schedule, ``W, b, dW, db`` and ``z, a, delta`` on the probe samples. So a
recorded trace is as complete as one from ``nnviz train`` and every renderer works on it::

    from nnviz import Recorder
    with Recorder("run.h5", X, y, sizes=[2, 8, 1], activations=["tanh", "sigmoid"], loss="bce",
                  lr=0.1, record="auto", steps=200) as rec:
        for k in range(201):
            rec.step(k, params=[(W1, b1), (W2, b2)])   # parameters at step k, before the update
            W1, b1, W2, b2 = my_update(...)
    trace = rec.trace                                  # the same Trace that load_trace returns

Step ``k`` is the network *before* update ``k``: ``trace.loss[k]`` is the loss of
``trace.model_at(k)`` and, for gradient descent, ``W(k+1) = W(k) - lr * trace.grads(k)``. Weights
are ``(n_in, n_out)`` as in :class:`nnviz.nn.MLP` (``a[l] = f(a[l-1] @ W[l] + b[l])``).

A convolutional network (:class:`nnviz.nn.conv.CNN`: conv2d, maxpool2d, flatten, dense layers) is
recorded the same way, given as ``network=`` instead of ``sizes`` and ``activations``; its
parameters are one ``(W, b)`` pair per layer with parameters (conv filters ``(out, in, kh, kw)``)
and its probe samples' maps are recorded per layer (:mod:`nnviz.trace.store`)::

    cnn = CNN((1, 8, 8), [{"kind": "conv2d", "filters": 10}, {"kind": "maxpool2d"}, {"kind": "flatten"},
                          {"kind": "dense", "units": 10, "activation": "softmax"}])
    with Recorder("cnn.h5", X, y, network=cnn, loss="cross_entropy", lr=0.1, steps=100) as rec: ...

When a framework's gradients (or loss) are given they are stored as the step's ``dW, db``, and
the largest difference from nnviz's backprop of the same parameters, over the steps with
tensors, is kept in the trace (``trace.checks``; ``nnviz info`` shows it). The last step given is always recorded in full.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from ..config import make_config
from ..nn import LOSSES, MLP, get_loss
from ..nn.conv import CNN
from ..nn.threads import one_blas_thread
from .schedule import ScheduleError, parse_schedule
from .store import CHECKS, TraceWriter, claim_trace

__all__ = ["Recorder", "RecorderError", "divergence_message"]

log = logging.getLogger(__name__)


class RecorderError(ValueError):
    """A model, data set or step that cannot be recorded; the message says what to change."""


#: A run whose weights grow past MAX_WEIGHT, or to WEIGHT_GROWTH times their start (at least 1),
#: has diverged even if its loss stays finite: a saturated tanh or sigmoid network keeps a finite
#: loss while its weights run away (xor at lr 1e6: loss 0.698 -> 7.18, weights 6e6).
MAX_WEIGHT = 1e6
WEIGHT_GROWTH = 1e3


def divergence_message(loss, step: int, lr, weight=None) -> str:
    """The one line a diverged run ends with: what happened, and what to try.

    At step 0 nothing was updated yet, so the cause is the data or the settings, not the
    learning rate.
    """
    if step == 0:
        return (f"the loss is {loss} at step 0, before any update: the data or the settings give "
                "non-numbers (look for NaN or inf in the data and the config)")
    what = (f"loss became {loss:.4g} and weights reached {weight:.3g} at step {step} (the run diverged)"
            if weight is not None else f"loss became {loss} at step {step}")
    if lr is None or not np.isfinite(lr):
        return f"{what}; try a smaller learning rate"
    return f"{what}; try a smaller learning rate, e.g. --lr {lr / 10:g}"


def _open_schedule(spec: str):
    """A predicate ``k -> bool`` for a schedule when the number of steps is not known."""
    s = str(spec).strip().lower()
    if s == "all":
        return lambda k: True
    if s == "log2":
        return lambda k: (k + 1) & k == 0
    if s == "auto":  # log2 early, then every 10th step
        return lambda k: (k + 1) & k == 0 or k % 10 == 0
    if s == "none":
        return lambda k: k == 0
    if s.startswith("every:"):
        parse_schedule(s, 1)  # validates K
        every = int(s.split(":", 1)[1])
        return lambda k: k % every == 0
    listed = set(parse_schedule(s, 2**62).tolist()) - {2**62}
    return lambda k: k in listed


class Recorder:
    """Record a training run into a trace file, one step at a time.

    Parameters
    ----------
    path : str or Path
        The trace file to write (HDF5); replaced if it is an nnviz trace.
    X : array_like of shape (n_samples, n_inputs)
        The training inputs.
    y : array_like of shape (n_samples,) or (n_samples, n_outputs)
        The training targets as your loss sees them: 0/1 for ``"bce"``; class indices or one-hot
        rows for ``"cross_entropy"``; values (or -1/+1, 0/1 class labels) for ``"mse"``.
    sizes : list of int
        Units per layer, input first, e.g. ``[2, 8, 1]``.
    activations : list of str
        Activation name of each layer 1..L (``len(sizes) - 1`` names), from
        :data:`nnviz.nn.ACTIVATIONS`.
    network : nnviz.nn.MLP or nnviz.nn.conv.CNN or dict, optional
        The network to record, instead of ``sizes`` and ``activations``: an MLP, a CNN, or a CNN's
        layer list (:meth:`~nnviz.nn.conv.CNN.spec`). A CNN's X may be images (n, C, H, W),
        (n, H, W) or rows of pixels.
    loss : str
        A name from :data:`nnviz.nn.LOSSES` (``mse``, ``half_mse``, ``bce``, ``cross_entropy``, ...).
    lr : float, optional
        The learning rate (stored and shown; per step through :meth:`step`'s ``lr``).
    l2 : float
        The L2 penalty ``(l2 / 2) * sum ||W||^2`` included in the loss and its gradient.
    output_bias : bool
        Whether the output layer has a bias.
    record : str
        Which steps get full tensors: ``all``, ``every:K``, ``log2``, ``auto``, ``none`` or a list
        (:mod:`nnviz.trace.schedule`). Scalars are recorded at every step.
    steps : int, optional
        The number of updates, if known (``auto`` then spreads about 200 recorded steps over the
        run; without it ``auto`` is log2 early and every 10th step).
    X_test, y_test : array_like, optional
        A test set, evaluated at every step.
    task : {"classification", "regression"}, optional
        Guessed from the loss and the targets when not given.
    class_names : list of str, optional
    image_shape : tuple of int, optional
        Each input row is an image of this shape (``(8, 8)`` for the digits): the weights view
        draws the first layer's weights as images.
    dataset : nnviz.data.Dataset, optional
        Instead of X and y (nnviz's own trainer passes its data set).
    probe : int
        z, a and delta are stored on the first ``probe`` training samples.
    config : dict, optional
        A complete nnviz config to store (nnviz's trainer); by default one is made that
        describes the recorded network, its loss and settings.
    name : str
        The run's name in titles.
    source : str
        Who trained the network ("numpy", "torch", "sklearn", ...), for ``nnviz info``.
    flush_every : int
        The file is made durable at least every this many steps (and every second).
    progress : bool
        Show a progress bar (needs ``steps``).
    max_trace_gb : float
        The largest trace this run may write (default 4 GB; nnviz's own runs read
        ``train.max_trace_gb`` from their config). A run whose estimate passes it, or the free
        disk space, is refused before it starts; without ``steps``, it stops when it passes it.
    open : bool
        Create the trace file now (default); False: every check done and the data prepared, the
        file made by :meth:`open` (in the process that will record: :mod:`nnviz.trace.forked`).
    """

    def __init__(self, path, X=None, y=None, *, sizes=None, activations=None, loss, lr=None, l2=0.0,
                 output_bias=True, record="auto", steps=None, X_test=None, y_test=None, task=None,
                 class_names=None, image_shape=None, dataset=None, probe=512, config=None, name="recorded",
                 source="numpy", flush_every=100, progress=False, optimizer="external", max_trace_gb=4.0,
                 network=None, open=True):
        try:
            if isinstance(network, CNN):
                self.model = network.copy()
            elif isinstance(network, dict):
                self.model = CNN.from_spec(network)
            elif isinstance(network, MLP):
                self.model = network.copy()
            elif network is not None:
                raise TypeError(f"network must be an nnviz MLP, CNN or a CNN layer list, got {type(network).__name__}")
            elif sizes is None or activations is None:
                raise TypeError("give the network: sizes= and activations=, or network=")
            else:
                self.model = MLP(sizes, list(activations), output_bias=output_bias)
        except (ValueError, TypeError) as e:
            raise RecorderError(f"cannot record this network: {e}") from None
        conv = self.conv = isinstance(self.model, CNN)
        if conv:
            X = None if X is None else _rows_of_pixels(X, self.model)
            X_test = None if X_test is None else _rows_of_pixels(X_test, self.model)
            C, H, W = self.model.input_shape
            if image_shape is None and C == 1:
                image_shape = (H, W)
        self.loss_name = str(loss)
        self._loss = LOSSES.get(self.loss_name)
        if self._loss is None and (config is None or self.loss_name != config["train"]["loss"]):
            get_loss(self.loss_name)  # raises, listing the valid names
        self.l2, self.lr = float(l2), (None if lr is None else float(lr))
        self.steps = None if steps is None else int(steps)
        if dataset is None:
            if X is None or y is None:
                raise RecorderError("give the training data: Recorder(path, X, y, ...) or dataset=")
            dataset = _dataset(X, y, X_test, y_test, self.model, self.loss_name, task, class_names, name)
            if image_shape is not None:
                if int(np.prod(image_shape)) != self.model.sizes[0]:
                    raise RecorderError(f"image_shape {tuple(image_shape)} has {int(np.prod(image_shape))} pixels, "
                                        f"the network {self.model.sizes[0]} inputs")
                dataset.image_shape = tuple(int(s) for s in image_shape)
        elif dataset.n_features != self.model.sizes[0] or dataset.y.shape[1] != self.model.sizes[-1]:
            raise RecorderError(f"the data have {dataset.n_features} inputs and {dataset.y.shape[1]} outputs, "
                                f"the network is {'-'.join(map(str, self.model.sizes))}")
        for part in ("X", "y", "X_test", "y_test"):  # (not `name`: that is the run's name, used below)
            a = getattr(dataset, part)
            if not np.isfinite(a).all():
                r, c = np.argwhere(~np.isfinite(a))[0]
                raise RecorderError(f"the data hold NaN or infinite values ({part}, row {r + 1}, column {c + 1}); "
                                    "clean or drop those rows before training")
        self.dataset = dataset
        try:
            if self.steps is not None:
                listed = set(parse_schedule(record, self.steps).tolist())
                self._scheduled = listed.__contains__
            else:
                self._scheduled = _open_schedule(record)
        except (ScheduleError, ValueError) as e:
            raise RecorderError(str(e)) from None
        self.probe = np.arange(min(int(probe), len(dataset.X)))
        if config is None:
            config = _config(self.model, self.loss_name, self.l2, self.lr, record, self.steps, name, optimizer,
                             int(probe), dataset.encoding, max_trace_gb)
        self.config = config
        self.path = Path(path)
        self._shapes = self.model.tensor_shapes(len(self.probe)) if conv else None
        self._step_bytes = (8 * sum(int(np.prod(v)) for v in self._shapes.values()) if conv else
                            _tensor_bytes(self.model.sizes, len(self.probe)))
        self._max_bytes = float(config["train"].get("max_trace_gb", max_trace_gb)) * 1e9
        if self.steps is not None:
            self._check_size(record, dataset)
        self.source, self._flush_every, self._progress, self._name = source, flush_every, progress, name
        self._writer = None
        # the output is claimed now, opened or not: another run writing it is refused at once
        self._claim = claim_trace(self.path)
        self._last_k = -1
        self._last_tensors = -1
        self._pending = None  # the last step, if its tensors are not yet written
        self._checks = np.full(len(CHECKS), np.nan)
        self.diverged_at = None
        self._weight0 = None  # the largest |weight| at the first step
        self.message = ""
        self._trace = None
        self._bar = None
        if open:
            self.open()

    def open(self):
        """Create the trace file (``NAME.partial``, locked) and start the progress bar.

        The constructor does so unless given ``open=False``: :mod:`nnviz.trace.forked` checks and
        prepares everything in the training process and opens the file in the recording process
        it forks, which then touches less of the memory it shares with its parent.
        """
        if self._writer is not None:
            return
        ds = self.dataset
        self._writer = TraceWriter(
            self.path, self.config, self.model.sizes, self.model.activation_names, self.model.output_bias,
            {k: getattr(ds, k) for k in ("X", "y", "X_test", "y_test", "labels", "labels_test")},
            {"name": ds.name, "task": ds.task, "encoding": ds.encoding,
             "class_names": ds.class_names, "image_shape": ds.image_shape},
            self.probe, flush_every=self._flush_every, source=self.source,
            layers=json.dumps(self.model.spec()) if self.conv else None, tensor_shapes=self._shapes,
            lock=self._claim)
        if self._progress and self.steps:
            from tqdm import tqdm

            self._bar = tqdm(total=self.steps, desc=f"training {self._name}", unit="step", leave=False,
                             disable=None)

    def _check_size(self, record, dataset):
        """Refuse at once a run whose trace would pass the cap or the free disk space."""
        from ..safefile import format_bytes, free_bytes

        n_rec = len(parse_schedule(record, self.steps))
        data = sum(np.asarray(getattr(dataset, k)).nbytes for k in ("X", "y", "X_test", "y_test"))
        estimate = n_rec * self._step_bytes + (self.steps + 1) * 8 * 6 + data + 2**16
        free = free_bytes(self.path)
        limit, why = min((self._max_bytes, f"nnviz's cap is {format_bytes(self._max_bytes)} (train.max_trace_gb)"),
                         (free, f"the disk has {format_bytes(free)} free"))
        if estimate > limit:
            every = int(np.ceil(n_rec * self._step_bytes / max(limit - data - (self.steps + 1) * 48, 1)))
            every = max(2, int(10 ** np.ceil(np.log10(max(every, 1)))))
            raise RecorderError(f"this run would write a trace of about {format_bytes(estimate)} to {self.path}, and "
                                f"{why}; record fewer steps, e.g. --record every:{every} (or --record log2)")

    # ---------------------------------------------------------------- one step
    def step(self, k, params, *, grads=None, loss=None, lr=None, passes=None) -> bool:
        """Record step ``k``: the network's parameters before update ``k``.

        Parameters
        ----------
        k : int
            The step; steps must increase (0 first).
        params : list of (W, b) or MLP
            ``[(W1, b1), ..., (WL, bL)]`` with ``W`` of shape (n_in, n_out) and ``b`` of shape
            (n_out,) (None for an output layer without bias); or an :class:`~nnviz.nn.MLP`.
        grads : list of (dW, db), optional
            Your framework's gradient of the loss at these parameters: stored, and compared with
            nnviz's backprop.
        loss : float, optional
            Your framework's loss at these parameters, compared with nnviz's.
        lr : float, optional
            The learning rate used for update ``k`` (default: the Recorder's ``lr``).
        passes : (ForwardPass, BackwardPass), optional
            nnviz's own passes at these parameters, when the caller already has them (nnviz's
            trainers; the ODE solver's objective is not a table loss).

        Returns
        -------
        bool
            False if the loss is not finite: the run diverged, stop training (the trace keeps
            every step up to this one and is marked "diverged").
        """
        k = int(k)
        if self.diverged_at is not None:  # nothing after a divergence is recorded
            return False
        if self._writer is None:
            raise RecorderError("this Recorder's file is not open: call open() first (it was made with open=False)")
        if self._writer.closed:
            raise RecorderError("this Recorder is closed; start a new one for another run")
        if k <= self._last_k:
            raise RecorderError(f"step {k} given after step {self._last_k}: steps must increase")
        if self.steps is not None and k > self.steps:
            raise RecorderError(f"step {k} is past the {self.steps} steps this Recorder was told of")
        model = params if isinstance(params, (MLP, CNN)) else self._set_params(params)
        ds = self.dataset
        scheduled = self._scheduled(k)
        with one_blas_thread(), np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # divergence: below
            if passes is not None:
                fp, bp = passes
            else:
                fp = model.forward(ds.X)
                bp = model.backward(fp, ds.y, self._loss, self.l2) if scheduled else None
            C = bp.loss if bp is not None else model.cost(fp, ds.y, self._loss, self.l2)
            acc = _accuracy(fp.output, ds.labels, ds.encoding)
            test_loss = test_acc = np.nan
            if len(ds.X_test) and self._loss is not None:
                fp_test = model.forward(ds.X_test)
                y_test = fp_test.output
                test_loss = model.cost(fp_test, ds.y_test, self._loss, 0.0)
                test_acc = _accuracy(y_test, ds.labels_test, ds.encoding)
        lr = self.lr if lr is None else float(lr)
        self._writer.record_scalars(k, C, acc, test_loss, test_acc, np.nan if lr is None else lr)
        self._last_k = k
        if self._bar is not None and k:
            self._bar.update(1)
        if loss is not None:
            self._check(1, abs(float(loss) - C))
        weight = max(float(np.max(np.abs(W))) for W, _ in model.params()) if np.isfinite(C) else None
        if self._weight0 is None:
            self._weight0 = max(weight if weight is not None else 1.0, 1.0)
        if not np.isfinite(C) or weight > min(MAX_WEIGHT, WEIGHT_GROWTH * self._weight0):
            self.diverged_at = k
            self.message = divergence_message(C, k, lr, weight if np.isfinite(C) else None)
            self._pending = None
            return False
        if grads is not None:
            grads = self._as_grads(grads)
        if scheduled:
            if (self._writer.n_tensors + len(self._writer._tbuf_steps) + 1) * self._step_bytes > self._max_bytes:
                raise RecorderError(f"the trace {self.path} reached nnviz's cap of {self._max_bytes / 1e9:g} GB at "
                                    f"step {k}; record fewer steps (e.g. record='every:100') or raise max_trace_gb")
            self._write(k, model, fp, bp, grads)
            self._pending = None
        else:  # kept, so that the run's last step is recorded in full whenever it ends
            self._pending = (k, [(W.copy(), None if b is None else b.copy()) for W, b in model.params()],
                             fp if passes is None else None, passes, grads)
        return True

    def _set_params(self, params):
        try:
            return self.model.set_params([(np.asarray(W, dtype=float), None if b is None else np.asarray(b, dtype=float))
                                          for W, b in params])
        except (ValueError, TypeError) as e:
            arch = self.model.describe() if self.conv else "-".join(map(str, self.model.sizes))
            layout = ("one (W, b) per layer with parameters, conv W of shape (out, in, kh, kw)" if self.conv
                      else "[(W1, b1), ...] with W of shape (n_in, n_out)")
            raise RecorderError(f"parameters do not fit the {arch} network: {e} (give {layout})") from None

    def _param_layers(self):
        m = self.model
        return m.param_layers if self.conv else list(range(1, m.L + 1))

    def _as_grads(self, grads):
        grads = [(np.array(dW, dtype=float), None if db is None else np.array(db, dtype=float))
                 for dW, db in grads]
        m, layers = self.model, self._param_layers()
        if len(grads) != len(layers):
            raise RecorderError(f"expected {len(layers)} (dW, db) pairs, got {len(grads)}")
        for l, (dW, db) in zip(layers, grads):
            if dW.shape != m.W[l].shape or (db is None) != (m.b[l] is None) or \
                    (db is not None and db.shape != m.b[l].shape):
                raise RecorderError(f"gradient of layer {l} has shape {dW.shape}, the weights {m.W[l].shape}")
        return grads

    def _compare_grads(self, grads, bp):
        """Keep the largest difference between the framework's gradients and nnviz's backprop."""
        diff = 0.0
        for l, (dW, db) in zip(self._param_layers(), grads):
            diff = max(diff, float(np.max(np.abs(dW - bp.dW[l]))))
            if db is not None:
                diff = max(diff, float(np.max(np.abs(db - bp.db[l]))))
        self._check(0, diff)

    def _check(self, i, value):
        old = self._checks[i]
        self._checks[i] = value if np.isnan(old) else max(old, value)

    def _write(self, k, model, fp, bp, grads):
        if grads is not None:
            self._compare_grads(grads, bp)
        out = {}
        p = self.probe
        given = dict(zip(self._param_layers(), grads)) if grads is not None else {}
        for l in range(1, model.L + 1):
            dW, db = given.get(l, (bp.dW[l], bp.db[l]))
            if model.W[l] is not None:
                out[f"W{l}"], out[f"dW{l}"] = model.W[l], dW
            if model.b[l] is not None:
                out[f"b{l}"], out[f"db{l}"] = model.b[l], db
            out[f"z{l}"], out[f"a{l}"], out[f"delta{l}"] = fp.z[l][p], fp.a[l][p], bp.delta[l][p]
        self._writer.record_tensors(k, out)  # takes the names it stores (a CNN's flatten has none)
        self._writer.set_check(self._checks)
        self._last_tensors = k

    # ---------------------------------------------------------------- the end
    def close(self, status=None, message=None, commit=True):
        """Record the last step in full, set the status and close the file.

        ``status`` defaults to "diverged" if a step's loss was not finite, else "complete".
        ``commit=False`` leaves the file as ``NAME.partial`` (:meth:`TraceWriter.close`).
        """
        if self._writer is None:  # never opened: only the claim to let go
            self._claim.release()
            return
        if self._writer.closed:
            return
        if self._pending is not None and status in (None, "complete", "interrupted"):
            k, params, fp, passes, grads = self._pending
            model = self.model.set_params(params)
            if passes is None:
                with one_blas_thread():
                    fp = model.forward(self.dataset.X)
                    bp = model.backward(fp, self.dataset.y, self._loss, self.l2)
            else:
                fp, bp = passes
            self._write(k, model, fp, bp, grads)
        self._pending = None
        if status is None:
            status = "diverged" if self.diverged_at is not None else "complete"
        if message is None:
            message = self.message
        if self._bar is not None:
            self._bar.close()
        self._writer.set_check(self._checks)
        self._writer.close(status, message, commit=commit)
        if status == "diverged":
            log.warning(message)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:  # an error or Ctrl-C: every step flushed so far stays readable
            self.close("interrupted", "training stopped by an error or an interrupt")
        return False

    @property
    def trace(self):
        """The recorded run as a :class:`nnviz.Trace` (closes the Recorder first)."""
        if self._trace is None:
            from .trace import Trace

            self.close()
            self._trace = Trace(self.path)
        return self._trace

    @property
    def checks(self) -> dict:
        """The largest differences between the framework's numbers and nnviz's so far."""
        return dict(zip(CHECKS, self._checks.tolist()))


# ---------------------------------------------------------------------------- helpers
def _accuracy(y, labels, encoding):
    from ..data import decode_outputs

    if labels is None or len(labels) == 0:
        return np.nan
    return float(np.mean(decode_outputs(y, encoding) == labels))


def _rows_of_pixels(X, cnn):
    """A CNN's inputs as rows of C * H * W pixels (how a trace stores its data set)."""
    try:
        return cnn.images(X).reshape(len(X), -1)
    except ValueError as e:
        raise RecorderError(str(e)) from None


def _tensor_bytes(sizes, n_probe) -> int:
    """Bytes of one recorded step: W, dW, b, db of every layer and z, a, delta on the probe samples."""
    return 8 * sum(2 * (a * b + b) + 3 * n_probe * b for a, b in zip(sizes, sizes[1:]))


def _config(model, loss, l2, lr, record, steps, name, optimizer, probe, encoding, max_trace_gb):
    """A config that describes a recorded run (it cannot re-train it: ``init.weights = "given"``)."""
    if isinstance(model, CNN):
        described = {"layers": model.spec()["layers"]}
    else:
        described = {"hidden": model.sizes[1:-1], "activation": model.activation_names[:-1],
                     "output": model.activation_names[-1], "output_bias": model.output_bias}
    cfg = make_config({
        "name": name,
        "description": "recorded with nnviz.Recorder",
        "data": {"name": "arrays", "encoding": encoding},
        "model": described,
        "init": {"weights": "given"},
        "train": {"loss": loss, "l2": l2, "record": str(record), "probe": probe, "steps": steps or 0,
                  "max_trace_gb": max_trace_gb},
    })
    cfg["train"]["optimizer"] = optimizer
    cfg["train"]["lr"] = float("nan") if lr is None else lr
    return cfg


def _dataset(X, y, X_test, y_test, model, loss, task, class_names, name):
    """The recorded data as an nnviz Dataset whose targets are exactly what the loss saw."""
    from ..data import Dataset, from_arrays

    n_in, n_out = model.sizes[0], model.sizes[-1]
    X = np.asarray(X, dtype=float)
    X = X.reshape(-1, 1) if X.ndim == 1 and n_in == 1 else X
    if X.ndim != 2 or X.shape[1] != n_in:
        raise RecorderError(f"X has shape {X.shape}; the network takes {n_in} inputs: give X of shape (n_samples, {n_in})")
    y = np.asarray(y)
    if len(y) != len(X):
        raise RecorderError(f"X has {len(X)} rows but y has {len(y)}")
    has_test = X_test is not None and y_test is not None and len(X_test)
    Xt = np.asarray(X_test, dtype=float).reshape(-1, n_in) if has_test else np.empty((0, n_in))
    yt = np.asarray(y_test) if has_test else y[:0]
    both = np.concatenate([y, yt])
    encoding = None
    if loss == "cross_entropy":
        task, encoding = "classification", "onehot"
        if both.ndim == 1:  # class indices 0..K-1
            if both.size and (both.min() < 0 or both.max() >= n_out or np.any(both != np.round(both))):
                raise RecorderError(f"cross-entropy targets must be class indices 0..{n_out - 1} or one-hot rows")
            both = np.eye(n_out)[both.astype(int)]
            class_names = class_names or [str(i) for i in range(n_out)]
    elif loss in ("bce", "log_loss"):
        task, encoding = "classification", "01" if n_out == 1 else None
        if n_out != 1 or not np.isin(both, (0, 1)).all():
            raise RecorderError("bce needs one output and 0/1 targets (use cross_entropy for several classes)")
        class_names = class_names or ["0", "1"]
    elif task is None:
        values = np.unique(both)
        if n_out == 1 and len(values) == 2 and set(values.tolist()) in ({-1.0, 1.0}, {0.0, 1.0}):
            task = "classification"
        elif n_out > 1 and both.ndim == 2 and np.isin(both, (0, 1)).all() and (both.sum(axis=1) == 1).all():
            task, encoding = "classification", "onehot"
        else:
            task = "regression"
    if task == "classification" and both.ndim == 2 and both.shape[1] == 1:
        both = both[:, 0]
    try:
        ds = from_arrays(np.vstack([X, Xt]), both, task=task, encoding=encoding, name=name,
                         class_names=class_names)
    except ValueError as e:
        raise RecorderError(f"cannot record these targets: {e}") from None
    target = np.asarray(both, dtype=float).reshape(len(both), -1)
    if ds.y.shape != target.shape or not np.array_equal(ds.y, target):
        if task == "classification":
            raise RecorderError(f"the classification targets must be as the loss sees them ({ds.encoding}); "
                                "pass task='regression' to record them as values")
    if ds.y.shape[1] != n_out:
        raise RecorderError(f"y has {ds.y.shape[1]} columns but the network has {n_out} outputs")
    n = len(X)
    labels = None if ds.labels is None else ds.labels
    return Dataset(name=name, X=ds.X[:n], y=ds.y[:n], X_test=ds.X[n:], y_test=ds.y[n:], task=ds.task,
                   encoding=ds.encoding, labels=None if labels is None else labels[:n],
                   labels_test=None if labels is None else labels[n:], class_names=ds.class_names)
