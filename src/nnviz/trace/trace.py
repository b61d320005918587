"""The read API of a trace file, in numpy terms."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import numpy as np

from .store import CHECKS, SCALARS, TraceError, open_h5
from .validate import check_steps, read_header
from ..formatting import percent

__all__ = ["Trace", "load_trace"]


class Trace:
    """A recorded training run, opened for reading.

    Scalars (one value per training step) are read when the trace opens; tensors are read one
    step at a time, on demand. Use as a context manager, or call :meth:`close`.

    Attributes
    ----------
    path : Path
    config : dict
        The complete config the run was trained with (``nnviz.train(trace.config)`` re-trains
        it bit for bit).
    status : str
        ``"complete"``, ``"diverged"``, or ``"interrupted"`` (the writer was killed).
    message : str
        Why training stopped early, if it did.
    all_steps : ndarray of int, shape (n_steps,)
        Every step with scalars: 0, 1, 2, ...
    loss, accuracy, test_loss, test_accuracy, lr : ndarray of shape (n_steps,)
        One value per step in :attr:`all_steps` (NaN where not applicable).
    steps : ndarray of int, shape (n_recorded,)
        The steps with full tensors.
    sizes : list of int
        Units per layer, input first.
    activation_names : list of str
        Activation name of each layer 1..L.
    layers : dict or None
        A convolutional network's layer list (:meth:`nnviz.nn.conv.CNN.spec`); None for a fully
        connected network.

    Notes
    -----
    **Convolutional traces.** For a :class:`~nnviz.nn.conv.CNN` (``trace.is_convolutional``),
    ``sizes`` are the values per sample after each layer and the per-layer lists follow its layer
    list ``l = 1 .. L``. :meth:`params` and :meth:`grads` hold one ``(W, b)`` pair per layer *with
    parameters*, in order (:attr:`param_layers`; seed 002's network: conv, dense, dense): conv filters
    in PyTorch's layout ``W`` (out_channels, in_channels, kh, kw) and ``b`` (out_channels,), dense
    weights (n_in, n_out) as in the MLP. :meth:`activations`, :meth:`preactivations` and
    :meth:`deltas` hold one entry per layer: maps of shape (n_probe, C, H, W) for conv and pooling
    layers, (n_probe, n) for flatten and dense ones; a pooling layer's ``z`` is its ``a`` and its
    delta is ``dl/da``; flatten's entries are its input's, reshaped (stored once).
    """

    def __init__(self, path):
        self.path = Path(path)
        self._f = f = open_h5(self.path)
        try:
            h = read_header(f, self.path)
            self.schema, self.config, self.sizes = h.schema, h.config, h.sizes
            self.activation_names, self.output_bias, self.message = h.activations, h.output_bias, h.message
            self.layers = h.layers
            self.nnviz_version = str(f.attrs.get("nnviz_version", "?"))
            self.status = "interrupted" if h.status == "running" else h.status
            s = f["scalars"]
            self.all_steps = s["step"][: h.n_steps]
            for name in SCALARS:
                setattr(self, name, s[name][: h.n_steps])
            self.steps = f["tensors"]["step"][: h.n_recorded]
            n, r = check_steps(self.path, self.all_steps, self.steps, self.loss, h.status)
            self.all_steps, self.steps = self.all_steps[:n], self.steps[:r]
            for name in SCALARS:
                setattr(self, name, getattr(self, name)[:n])
            self._n_recorded = r
        except TraceError:
            f.close()
            raise
        except (KeyError, ValueError, OSError, RuntimeError, TypeError, IndexError) as e:
            f.close()
            raise TraceError(f"{self.path}: damaged nnviz trace ({_reason(e)})") from None
        if len(self.all_steps) == 0:
            f.close()
            raise TraceError(f"{self.path}: the trace holds no training step yet")

    # ------------------------------------------------------------------ basics
    def close(self):
        """Close the file."""
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        arch = self.network.describe() if self.is_convolutional else "-".join(map(str, self.sizes))
        return f"<Trace {self.path.name}: {arch} {self.activation_names}, {len(self.all_steps)} steps, {self.status}>"

    def _repr_html_(self) -> str:
        """A summary card for Jupyter: architecture, steps, final loss/accuracy and a loss sparkline."""
        import html

        s = self.summary()
        rows = [("architecture", f"{s['architecture']} ({s['activations']})"), ("loss", s["loss_name"]),
                ("optimizer", s["optimizer"]), ("data", s["data"]),
                ("steps", f"{s['steps']} ({s['recorded']} with tensors), {s['status']}"),
                ("final loss", f"{s['final_loss']:.4g}")]
        if "final_accuracy" in s:
            rows.append(("final accuracy", percent(s['final_accuracy'])))
        if s.get("message"):
            rows.append(("message", s["message"]))
        body = "".join(f"<tr><td style='text-align:left;color:#666'>{html.escape(k)}</td>"
                       f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>" for k, v in rows)
        return (f"<div><b>nnviz trace</b> <code>{html.escape(self.path.name)}</code>"
                f"<table>{body}</table>{_sparkline(self.loss)}</div>")

    @property
    def L(self) -> int:
        """Number of layers with weights."""
        return len(self.sizes) - 1

    @property
    def is_convolutional(self) -> bool:
        """Whether the network has convolutional layers (a :class:`~nnviz.nn.conv.CNN`)."""
        return self.layers is not None

    @cached_property
    def network(self):
        """A convolutional trace's network (:class:`~nnviz.nn.conv.CNN`, parameters zero), else None."""
        if self.layers is None:
            return None
        from ..nn.conv import CNN

        return CNN.from_spec(self.layers)

    @property
    def param_layers(self) -> list[int]:
        """The layers with parameters, in order: 1..L for a fully connected network."""
        return self.network.param_layers if self.is_convolutional else list(range(1, self.L + 1))

    def require_dense(self, what: str, hint: str = "try --view filters,featuremaps,loss"):
        """Refuse a convolutional trace in one line, for something that needs a fully connected network."""
        if self.is_convolutional:
            raise TraceError(f"{what} needs a fully connected network; {hint}")

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"

    @property
    def final_step(self) -> int:
        """The last step with full tensors."""
        if not len(self.steps):
            why = f": {self.message}" if self.message else ""
            raise TraceError(f"{self.path}: the trace holds no step with tensors ({self.status}{why})")
        return int(self.steps[-1])

    def _index(self, step: int) -> int:
        i = int(np.searchsorted(self.steps, step))
        if i >= len(self.steps) or self.steps[i] != step:
            near = self.steps[max(0, i - 2): i + 2].tolist()
            raise KeyError(f"step {step} has no recorded tensors (nearby recorded steps: {near})")
        return i

    def _read(self, name: str, step: int):
        try:
            value = self._f["tensors"][name][self._index(step)]
        except (OSError, RuntimeError) as e:  # a checksum that does not match: a changed byte
            raise TraceError(f"{self.path}: cannot read {name} at step {step} ({_reason(e)})") from None
        if not np.isfinite(value).all():
            raise TraceError(f"{self.path}: {name} at step {step} holds NaN or infinite values "
                             f"(the run is marked {self.status}): damaged")
        return value

    def _layers(self, kind: str, step: int, bias=False):
        out = []
        for l in range(1, self.L + 1):
            name = f"{kind}{l}"
            out.append(self._read(name, step) if name in self._f["tensors"] else None)
        return out

    def _maps(self, kind: str, step: int):
        """A convolutional trace's per-layer ``z``, ``a`` or ``delta``: stored, or the layer's own
        output (a pooling layer's z) or its input reshaped (flatten)."""
        t, out = self._f["tensors"], []
        for l in range(1, self.L + 1):
            for name in (f"{kind}{l}", f"a{l}"):
                if name in t:
                    out.append(self._read(name, step))
                    break
            else:  # flatten: the layer below's, one row per probe sample
                below = out[-1] if out else self.data.X[self.probe_index]
                out.append(below.reshape(len(below), -1))
        return out

    # ------------------------------------------------------------------ tensors at one step
    def params(self, step: int) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """``[(W, b) for layers 1..L]`` after ``step`` updates; W of shape (n_{l-1}, n_l).

        A convolutional trace: one pair per layer with parameters (see the class's notes)."""
        if self.is_convolutional:
            return [(self._read(f"W{l}", step), self._read(f"b{l}", step)) for l in self.param_layers]
        return list(zip(self._layers("W", step), self._layers("b", step)))

    def grads(self, step: int) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """``[(dW, db) for layers 1..L]``: the full-batch gradient of the cost at ``step``.

        For gradient descent this is exactly the direction of the update from ``step`` to
        ``step + 1``: ``W(step+1) = W(step) - lr * dW``.
        """
        if self.is_convolutional:
            return [(self._read(f"dW{l}", step), self._read(f"db{l}", step)) for l in self.param_layers]
        return list(zip(self._layers("dW", step), self._layers("db", step)))

    def preactivations(self, step: int) -> list[np.ndarray]:
        """``[z1, ..., zL]`` on the probe samples, each of shape (n_probe, n_l)."""
        return self._maps("z", step) if self.is_convolutional else self._layers("z", step)

    def activations(self, step: int) -> list[np.ndarray]:
        """``[a1, ..., aL]`` on the probe samples, each of shape (n_probe, n_l).

        The input ``a0`` is ``trace.data.X[trace.probe_index]``.
        """
        return self._maps("a", step) if self.is_convolutional else self._layers("a", step)

    def deltas(self, step: int) -> list[np.ndarray]:
        """``[delta1, ..., deltaL]``: each probe sample's error signal dl_i/dz, (n_probe, n_l)."""
        return self._maps("delta", step) if self.is_convolutional else self._layers("delta", step)

    def model_at(self, step: int):
        """The network at ``step``, as an :class:`nnviz.nn.MLP` (or :class:`~nnviz.nn.conv.CNN`) you can call on X."""
        from ..nn import MLP

        if self.is_convolutional:
            return self.network.copy().set_params(self.params(step))

        m = MLP(self.sizes, self.activation_names, output_bias=self.output_bias)
        return m.set_params(self.params(step))

    def loss_at(self, step: int) -> float:
        """Training loss at ``step``."""
        return float(self.loss[int(step)])

    # ------------------------------------------------------------------ many steps at once
    def param_stack(self, steps=None):
        """Weights and biases at many steps, for vectorised evaluation.

        Returns
        -------
        Ws, bs : list of ndarray
            ``Ws[l-1]`` has shape (n_steps, n_{l-1}, n_l); ``bs[l-1]`` (n_steps, n_l) or None (a
            convolutional trace: one entry per layer with parameters, as :meth:`params`).
        """
        idx = np.arange(self._n_recorded) if steps is None else np.array([self._index(s) for s in steps])
        t = self._f["tensors"]
        # h5py fancy indexing wants increasing indices: read the covering block, then pick.
        lo, hi = (int(idx.min()), int(idx.max()) + 1) if len(idx) else (0, 0)
        Ws, bs = [], []
        try:
            for l in self.param_layers:
                Ws.append(t[f"W{l}"][lo:hi][idx - lo])
                bs.append(t[f"b{l}"][lo:hi][idx - lo] if f"b{l}" in t else None)
        except (OSError, RuntimeError) as e:
            raise TraceError(f"{self.path}: cannot read the weights ({_reason(e)})") from None
        for a in Ws + [b for b in bs if b is not None]:
            if not np.isfinite(a).all():
                raise TraceError(f"{self.path}: weights hold NaN or infinite values (the run is marked "
                                 f"{self.status}): damaged")
        return Ws, bs

    # ------------------------------------------------------------------ data
    @cached_property
    def probe_index(self) -> np.ndarray:
        """Indices of the training samples whose z, a and delta are recorded."""
        try:
            index = self._f["data"]["probe_index"][:]
        except (OSError, RuntimeError) as e:
            raise TraceError(f"{self.path}: cannot read the probe samples ({_reason(e)})") from None
        if len(index) and (index.min() < 0 or index.max() >= self._f["data"]["X"].shape[0]):
            raise TraceError(f"{self.path}: damaged nnviz trace (probe samples out of range)")
        return index

    @cached_property
    def data(self):
        """The training (and test) data as a :class:`nnviz.data.Dataset`."""
        try:
            return self._read_data()
        except (OSError, RuntimeError) as e:
            raise TraceError(f"{self.path}: cannot read the data set ({_reason(e)})") from None
        except (ValueError, TypeError, KeyError) as e:
            raise TraceError(f"{self.path}: damaged nnviz trace (its data set: {_reason(e)})") from None

    def _read_data(self):
        from ..data import Dataset

        d = self._f["data"]
        labels = d["labels"][:] if "labels" in d else None
        labels_test = d["labels_test"][:] if "labels_test" in d else None
        target = None
        if d.attrs["task"] == "regression":
            try:
                from ..data import make_dataset

                params = dict(self.config["data"])
                if "n" in params:  # only the function is wanted: never regenerate a (maybe edited) big set
                    params["n"] = 2
                params.pop("test_fraction", None)
                target = make_dataset(params.pop("name"), **params).target
            except Exception:  # a target that cannot be rebuilt is only not drawn
                target = None
        return Dataset(
            name=str(d.attrs["name"]), X=d["X"][:], y=d["y"][:], X_test=d["X_test"][:],
            y_test=d["y_test"][:], task=str(d.attrs["task"]), encoding=str(d.attrs["encoding"]) or None,
            labels=labels, labels_test=labels_test, class_names=json.loads(d.attrs["class_names"]),
            target=target, image_shape=(tuple(json.loads(d.attrs["image_shape"]))
                                        if json.loads(d.attrs["image_shape"]) else None),
        )

    @cached_property
    def is_classifier(self) -> bool:
        """Whether the run is a classification (accuracy is recorded)."""
        return self._f["data"].attrs["task"] == "classification"

    @cached_property
    def source(self) -> str:
        """Who trained the network: "nnviz", or the framework a Recorder was fed from."""
        return str(self._f.attrs.get("source", "nnviz"))

    @cached_property
    def checks(self) -> dict:
        """The largest differences between the framework's own numbers and nnviz's backprop.

        ``{"grad_max_abs_diff": ..., "loss_max_abs_diff": ...}``, NaN where nothing was compared
        (see :class:`nnviz.trace.Recorder`).
        """
        values = self._f["check"][:] if "check" in self._f else np.full(len(CHECKS), np.nan)
        return dict(zip(CHECKS, (float(v) for v in values)))

    def summary(self) -> dict:
        """The facts ``nnviz info`` prints."""
        last = int(self.all_steps[-1])
        out = {
            "file": str(self.path),
            "size_bytes": self.path.stat().st_size,
            "architecture": self.network.describe() if self.is_convolutional else "-".join(map(str, self.sizes)),
            "activations": ", ".join(self.activation_names),
            "loss_name": self.config["train"]["loss"],
            "optimizer": _optimizer_text(self.config["train"]),
            "trained_by": self.source,
            "data": f"{self.data.name}: {len(self.data.X)} train, {len(self.data.X_test)} test",
            "steps": last,
            "recorded": len(self.steps),
            "final_loss": float(self.loss[-1]),
            "status": self.status,
            "nnviz_version": self.nnviz_version,
        }
        if self.is_classifier:
            out["final_accuracy"] = float(self.accuracy[-1])
        if len(self.data.X_test):
            out["final_test_loss"] = float(self.test_loss[-1])
        if self.message:
            out["message"] = self.message
        from ..safefile import OutputLock
        from .store import partial_path

        partial = partial_path(self.path)
        if partial.exists() and self.path.suffix != ".partial":
            busy = OutputLock(self.path).held_by_other()
            out["later_run"] = (f"a run is writing {partial} now" if busy else
                                f"a run that was killed left its steps in {partial} (nnviz info {partial})")
        for key, what, verb in (("grad_max_abs_diff", "gradients", "agree with nnviz's backprop"),
                                ("loss_max_abs_diff", "loss", "agrees with nnviz's")):
            if np.isfinite(self.checks[key]):
                out[f"{self.source}_{what}"] = f"{verb} to {self.checks[key]:.2g} (largest difference)"
        return out


def _sparkline(values, width=240, height=48) -> str:
    """An inline SVG of a loss curve (log scale when it is positive), at most 240 points."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) < 2:
        return ""
    if len(v) > width:
        v = v[np.linspace(0, len(v) - 1, width).astype(int)]
    if (v > 0).all():
        v = np.log10(v)
    lo, hi = float(v.min()), float(v.max())
    y = (hi - v) / (hi - lo if hi > lo else 1.0) * (height - 4) + 2
    x = np.linspace(2, width - 2, len(v))
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y))
    return (f'<svg width="{width}" height="{height}" role="img" aria-label="loss curve">'
            f'<polyline fill="none" stroke="#1565c0" stroke-width="1.5" points="{points}"/></svg>')


def _reason(e) -> str:
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    if "filter returned failure" in text or "checksum" in text.lower():
        return "a checksum does not match: the file was changed or damaged"
    return text


def _optimizer_text(t: dict) -> str:
    lr = t.get("lr")
    known = isinstance(lr, (int, float)) and np.isfinite(lr)
    return f"{t.get('optimizer', '?')} (lr {lr:g})" if known else str(t.get("optimizer", "?"))


def load_trace(path) -> Trace:
    """Open a trace file for reading; raises :class:`TraceError` with a one-line message."""
    return Trace(path)
