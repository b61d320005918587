"""The trace file: one HDF5 file written while training runs, read by every renderer.

Layout (schema 1)::

    /                  attrs: format="nnviz-trace", schema, nnviz_version, config (JSON text)
    /status            "running" | "complete" | "diverged"   (a running file that was killed
    /message           reads back as "interrupted")
    /check             a framework's gradients (and loss) against nnviz's backprop: see CHECKS
    /data/X, y, X_test, y_test, labels, labels_test, probe_index    attrs: task, encoding, ...
    /scalars/step, loss, accuracy, test_loss, test_accuracy, lr      one row per training step
    /tensors/step                       the steps with full tensors, shape (n_recorded,)
    /tensors/W1, b1, dW1, db1           per layer l = 1..L, shape (n_recorded, ...)
    /tensors/z1, a1, delta1             on the probe samples, shape (n_recorded, n_probe, n_l)

The writer opens the file in HDF5's single-writer/multiple-reader (SWMR) mode and flushes every
``flush_every`` steps or ``flush_seconds`` seconds, so a killed run leaves a file that opens and
holds every step up to the last flush (checked by a SIGKILL test). Tensor datasets are chunked one
step per chunk, so reading step k reads only step k. Nothing in a trace is ever unpickled or
executed: arrays are plain HDF5 datasets and the config is JSON.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

import h5py
import numpy as np

__all__ = ["TraceWriter", "TraceError", "SCHEMA_VERSION", "FORMAT", "CHECKS", "open_h5"]

log = logging.getLogger(__name__)

FORMAT = "nnviz-trace"
SCHEMA_VERSION = 1
_MAX_BUFFER = 64 * 2**20  # bytes of tensors held before they are written
SCALARS = ("loss", "accuracy", "test_loss", "test_accuracy", "lr")
#: What ``/check`` holds: the largest |difference| between a framework's own gradients (or loss)
#: and nnviz's backprop of the same parameters, over the recorded steps (NaN: not compared).
CHECKS = ("grad_max_abs_diff", "loss_max_abs_diff")


class TraceError(ValueError):
    """A file that is not a readable nnviz trace; the message names the file and the problem."""


def _version() -> str:
    from .._version import __version__

    return __version__


class TraceWriter:
    """Append training steps to a trace file with bounded memory.

    The writer knows nothing of networks or data set classes: it stores what it is given. Use it
    through :class:`nnviz.trace.Recorder`, which computes what a step records.

    Parameters
    ----------
    path : str or Path
        Output file; replaced if it exists.
    config : dict
        The complete config (stored as JSON).
    sizes : list of int
        Units per layer, input first.
    activations : list of str
        Activation name of each layer 1..L.
    output_bias : bool
        Whether the output layer has a bias (every hidden layer has one).
    data : dict of str -> ndarray
        ``X``, ``y``, ``X_test``, ``y_test`` (float) and, for a classifier, ``labels``,
        ``labels_test`` (int).
    data_attrs : dict
        ``name``, ``task``, ``encoding``, ``class_names``, ``image_shape`` of the data set.
    probe_index : ndarray of int
        Training samples on which z, a and delta are stored.
    flush_every : int
        Flush after this many steps ...
    flush_seconds : float
        ... or after this many seconds, whichever comes first.
    source : str
        Who trained the network ("nnviz", "torch", "sklearn", ...).
    """

    def __init__(self, path, config, sizes, activations, output_bias, data, data_attrs, probe_index,
                 flush_every=100, flush_seconds=1.0, source="nnviz"):
        self.path = Path(path)
        self.flush_every, self.flush_seconds = int(flush_every), float(flush_seconds)
        _make_room(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)  # e.g. frames/ for frames/x-{step}.png
            self.f = h5py.File(self.path, "w", libver="latest")
        except OSError as e:
            reason = os.strerror(e.errno) if e.errno else str(e)
            raise OSError(f"cannot write trace {self.path}: {reason}") from None
        f = self.f
        sizes = [int(s) for s in sizes]
        L = len(sizes) - 1
        f.attrs["format"] = FORMAT
        f.attrs["schema"] = SCHEMA_VERSION
        f.attrs["nnviz_version"] = _version()
        f.attrs["config"] = json.dumps(config)
        f.attrs["sizes"] = np.asarray(sizes)
        f.attrs["activations"] = json.dumps(list(activations))
        f.attrs["output_bias"] = bool(output_bias)
        f.attrs["source"] = str(source)  # who trained the network: nnviz, numpy, torch, sklearn, ...
        # Fixed-size byte strings and numbers, because they can be rewritten in SWMR mode.
        f.create_dataset("status", data=np.bytes_("running".ljust(16)), dtype="S16")
        f.create_dataset("message", data=np.bytes_(" " * 512), dtype="S512")
        # the largest differences between a framework's own numbers and nnviz's (see Recorder)
        f.create_dataset("check", data=np.full(len(CHECKS), np.nan))

        d = f.create_group("data")
        for name in ("X", "y", "X_test", "y_test"):
            d.create_dataset(name, data=np.asarray(data[name], dtype=float))
        for name in ("labels", "labels_test"):
            if data.get(name) is not None:
                d.create_dataset(name, data=np.asarray(data[name], dtype=np.int64))
        d.create_dataset("probe_index", data=np.asarray(probe_index, dtype=np.int64))
        d.attrs["name"] = str(data_attrs.get("name", ""))
        d.attrs["task"] = str(data_attrs["task"])
        d.attrs["encoding"] = data_attrs.get("encoding") or ""
        d.attrs["class_names"] = json.dumps(data_attrs.get("class_names"))
        d.attrs["image_shape"] = json.dumps(data_attrs.get("image_shape"))

        s = f.create_group("scalars")
        s.create_dataset("step", shape=(0,), maxshape=(None,), chunks=(4096,), dtype=np.int64)
        for name in SCALARS:
            s.create_dataset(name, shape=(0,), maxshape=(None,), chunks=(4096,), dtype=float)

        t = f.create_group("tensors")
        t.create_dataset("step", shape=(0,), maxshape=(None,), chunks=(1024,), dtype=np.int64)
        n_probe = len(probe_index)
        self._tensor_names = []
        for l in range(1, L + 1):
            shapes = {"W": (sizes[l - 1], sizes[l]), "dW": (sizes[l - 1], sizes[l])}
            if l < L or output_bias:
                shapes.update(b=(sizes[l],), db=(sizes[l],))
            shapes.update(z=(n_probe, sizes[l]), a=(n_probe, sizes[l]), delta=(n_probe, sizes[l]))
            for kind, shape in shapes.items():
                name = f"{kind}{l}"
                t.create_dataset(name, shape=(0, *shape), maxshape=(None, *shape), chunks=(1, *shape), dtype=float)
                self._tensor_names.append(name)
        f.swmr_mode = True
        f.flush()
        self._buf = {k: [] for k in ("step",) + SCALARS}
        self._last_flush, self._since_flush = time.monotonic(), 0
        self.n_tensors = 0
        self._tbuf = {name: [] for name in self._tensor_names}
        self._tbuf_steps, self._tbuf_bytes = [], 0
        self.closed = False

    def record_scalars(self, step, loss, accuracy=np.nan, test_loss=np.nan, test_accuracy=np.nan, lr=np.nan):
        """Buffer one step's scalars; written to the file at the next flush."""
        for k, v in zip(("step",) + SCALARS, (step, loss, accuracy, test_loss, test_accuracy, lr)):
            self._buf[k].append(v)
        self._since_flush += 1
        if self._since_flush >= self.flush_every or time.monotonic() - self._last_flush > self.flush_seconds:
            self.flush()

    def record_tensors(self, step, tensors: dict):
        """Buffer one step's tensors: ``{"W1": ..., "b1": ..., "z1": ..., ...}`` (all names required).

        The arrays are copied (the optimiser updates weights in place). Buffered steps are
        written in one block per dataset at the next flush, or when the buffer passes
        ``_MAX_BUFFER`` bytes: one h5py resize per block instead of one per step.
        """
        for name in self._tensor_names:
            value = np.array(tensors[name], dtype=float)
            self._tbuf[name].append(value)
            self._tbuf_bytes += value.nbytes
        self._tbuf_steps.append(int(step))
        if self._tbuf_bytes > _MAX_BUFFER:
            self.flush()

    def _write_tensors(self):
        n = len(self._tbuf_steps)
        if not n:
            return
        t = self.f["tensors"]
        i = self.n_tensors
        for name in self._tensor_names:
            ds = t[name]
            ds.resize(i + n, axis=0)
            ds[i:] = np.stack(self._tbuf[name])
            self._tbuf[name].clear()
        # the step index grows last: a reader never sees a step whose tensors are not written
        t["step"].resize(i + n, axis=0)
        t["step"][i:] = self._tbuf_steps
        self._tbuf_steps.clear()
        self._tbuf_bytes = 0
        self.n_tensors += n

    def flush(self):
        """Write buffered scalars and tensors and make everything so far durable."""
        self._write_tensors()
        s = self.f["scalars"]
        n = len(self._buf["step"])
        if n:
            start = s["step"].shape[0]
            for k, values in self._buf.items():
                s[k].resize(start + n, axis=0)
                s[k][start:] = values
                values.clear()
        self.f.flush()
        self._last_flush, self._since_flush = time.monotonic(), 0

    def set_check(self, values):
        """Store the framework-vs-nnviz differences (one number per name in :data:`CHECKS`)."""
        self.f["check"][...] = np.asarray(values, dtype=float)

    def close(self, status="complete", message=""):
        """Flush, set the final status ("complete" or "diverged") and close the file."""
        if self.closed:
            return
        self.flush()
        self.f["status"][()] = np.bytes_(status.ljust(16)[:16])
        self.f["message"][()] = np.bytes_(message.encode("utf-8")[:512].ljust(512))
        self.f.close()
        self.closed = True


def _is_trace(path: Path) -> bool:
    try:
        with open_h5(path):
            return True
    except TraceError as e:
        return "newer nnviz" in str(e) or "truncated or corrupt" in str(e)


def _make_room(path: Path) -> None:
    """Remove an old trace at ``path`` so a new one can be written; never clobber other files.

    Unlinking (rather than truncating) lets a Trace that still has the old file open keep
    reading it, and lets a script re-train to the same path in a loop.
    """
    if not path.exists() and not path.is_symlink():
        return
    if path.is_dir():
        raise OSError(f"cannot write trace {path}: it is a directory")
    if path.stat().st_size and not _is_trace(path):
        raise OSError(f"refusing to replace {path}: it is not an nnviz trace (remove it or choose another name)")
    path.unlink()


def open_h5(path) -> h5py.File:
    """Open a trace read-only, with a :class:`TraceError` naming the file on any problem.

    A file whose writer was killed is marked as still open for writing; HDF5's SWMR reader mode
    opens it anyway and sees everything flushed before the kill.
    """
    path = Path(path)
    if not path.exists():
        raise TraceError(f"{path}: no such file")
    if path.is_dir():
        raise TraceError(f"{path}: is a directory, not a trace file")
    if not h5py.is_hdf5(path):
        raise TraceError(f"{path}: not an nnviz trace (not an HDF5 file)")
    try:
        try:
            f = h5py.File(path, "r")
        except OSError as e:
            if "already open for write" not in str(e):
                raise
            f = h5py.File(path, "r", swmr=True)
    except OSError as e:
        raise TraceError(f"{path}: cannot be read, the file is truncated or corrupt ({e})") from None
    fmt = f.attrs.get("format")
    if fmt != FORMAT:
        f.close()
        raise TraceError(f"{path}: an HDF5 file, but not an nnviz trace")
    schema = int(f.attrs.get("schema", -1))
    if schema > SCHEMA_VERSION:
        f.close()
        raise TraceError(
            f"{path}: written by a newer nnviz (trace schema {schema}, this nnviz reads up to "
            f"{SCHEMA_VERSION}); upgrade nnviz to read it"
        )
    return f
