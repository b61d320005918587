"""The trace file: one HDF5 file written while training runs, read by every renderer.

Layout (schema 2)::

    /                  attrs: format="nnviz-trace", schema, nnviz_version, config (JSON text),
                       sizes, activations, output_bias, source
    /digest            SHA-256 of those attributes (an attribute has no checksum of its own)
    /status            "running" | "complete" | "diverged"   (a running file that was killed
    /message           reads back as "interrupted")
    /check             a framework's gradients (and loss) against nnviz's backprop: see CHECKS
    /data/X, y, X_test, y_test, labels, labels_test, probe_index    attrs: task, encoding, ...
    /scalars/step, loss, accuracy, test_loss, test_accuracy, lr      one row per training step
    /tensors/step                       the steps with full tensors, shape (n_recorded,)
    /tensors/W1, b1, dW1, db1           per layer l = 1..L, shape (n_recorded, ...)
    /tensors/z1, a1, delta1             on the probe samples, shape (n_recorded, n_probe, n_l)

A convolutional network's trace (schema 2 too; a fully connected network's trace is unchanged)
adds the attribute ``layers``: its layer list as JSON, ``{"input": [C, H, W], "layers": [{"kind":
"conv2d", "filters": 10, "kernel": 3, "padding": 1, "activation": "relu", "out": [10, 8, 8]},
...]}`` (:meth:`nnviz.nn.conv.CNN.spec`), included in the digest. Its ``sizes`` are the values per
sample after each layer (input first) and its tensors are those
:meth:`nnviz.nn.conv.CNN.tensor_shapes` names: ``W{l}, b{l}, dW{l}, db{l}, z{l}`` for a layer with
parameters (conv filters in PyTorch's layout (out_channels, in_channels, kh, kw)), ``a{l}, delta{l}``
as maps (n_recorded, n_probe, C, H, W) for every layer but flatten.

The writer opens the file in HDF5's single-writer/multiple-reader (SWMR) mode and flushes every
``flush_every`` steps or ``flush_seconds`` seconds, so a killed run leaves a file that opens and
holds every step up to the last flush (checked by a SIGKILL test). Tensor datasets are chunked one
step per chunk, so reading step k reads only step k. Every dataset carries HDF5's fletcher32
checksum, so a flipped byte in stored values is refused on read (schema 1 files, from before,
have none and are still read). Nothing in a trace is ever unpickled or executed: arrays are plain
HDF5 datasets and the config is JSON.

Files are never lost (:mod:`nnviz.safefile`): the run writes ``NAME.partial`` beside the output,
holding a lock on it, and renames it over ``NAME`` when the run ends (complete, diverged, or
stopped by an error or Ctrl-C). A SIGKILLed run leaves the previous ``NAME`` intact and its own
steps, up to the last flush, in ``NAME.partial``; an I/O error (a full disk) removes the partial
file and raises one line.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
import time
from pathlib import Path

import h5py
import numpy as np

__all__ = ["TraceWriter", "TraceError", "SCHEMA_VERSION", "FORMAT", "CHECKS", "open_h5", "partial_path",
           "attrs_digest", "claim_trace"]

log = logging.getLogger(__name__)

FORMAT = "nnviz-trace"
SCHEMA_VERSION = 2
#: HDF5's per-chunk checksum, on every dataset of a schema-2 trace.
_DS = {"fletcher32": True}
_MAX_BUFFER = 64 * 2**20  # bytes of tensors held before they are written
_SPACE_MARGIN = 512 * 1024  # free bytes kept for the metadata HDF5 writes as it closes a file
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
    layers : str, optional
        A layer list (JSON text) for a network that is not fully connected, stored as the attribute
        ``layers``; ``tensor_shapes`` then gives every tensor's name and shape per step.
    tensor_shapes : dict of str -> tuple, optional
        The per-step tensors to store, instead of the fully connected layout of ``sizes``.
    lock : nnviz.safefile.OutputLock, optional
        The output already claimed (:func:`claim_trace`); by default the writer claims it.
    """

    def __init__(self, path, config, sizes, activations, output_bias, data, data_attrs, probe_index,
                 flush_every=100, flush_seconds=1.0, source="nnviz", layers=None, tensor_shapes=None, lock=None):
        self._layers, self._shapes = layers, tensor_shapes
        self._lock = claim_trace(path) if lock is None else lock
        self.path = self._lock.path
        self.partial = partial_path(self.path)
        self.flush_every, self.flush_seconds = int(flush_every), float(flush_seconds)
        self.closed = False
        try:
            self.f = h5py.File(self.partial, "w", libver="latest", locking=False)
            self._create(config, sizes, activations, output_bias, data, data_attrs, probe_index, source)
        except BaseException as e:
            self._abandon(e if isinstance(e, _IO_ERRORS) else None)
            if isinstance(e, _IO_ERRORS):
                raise self._io_error(e) from None
            raise

    def _create(self, config, sizes, activations, output_bias, data, data_attrs, probe_index, source):
        f = self.f
        sizes = [int(s) for s in sizes]
        f.attrs["format"] = FORMAT
        f.attrs["schema"] = SCHEMA_VERSION
        f.attrs["nnviz_version"] = _version()
        f.attrs["config"] = json.dumps(config)
        f.attrs["sizes"] = np.asarray(sizes)
        f.attrs["activations"] = json.dumps(list(activations))
        f.attrs["output_bias"] = bool(output_bias)
        f.attrs["source"] = str(source)  # who trained the network: nnviz, numpy, torch, sklearn, ...
        if self._layers is not None:
            f.attrs["layers"] = str(self._layers)
        _put(f, "digest", np.array([attrs_digest(f.attrs).encode()], dtype="S64"))
        # Fixed-size byte strings and numbers, because they can be rewritten in SWMR mode.
        _put(f, "status", np.array([b"running"], dtype="S16"))
        _put(f, "message", np.array([b""], dtype="S512"))
        # the largest differences between a framework's own numbers and nnviz's (see Recorder)
        _put(f, "check", np.full(len(CHECKS), np.nan))

        d = f.create_group("data")
        for name in ("X", "y", "X_test", "y_test"):
            _put(d, name, np.asarray(data[name], dtype=float))
        for name in ("labels", "labels_test"):
            if data.get(name) is not None:
                _put(d, name, np.asarray(data[name], dtype=np.int64))
        _put(d, "probe_index", np.asarray(probe_index, dtype=np.int64))
        d.attrs["name"] = str(data_attrs.get("name", ""))
        d.attrs["task"] = str(data_attrs["task"])
        d.attrs["encoding"] = data_attrs.get("encoding") or ""
        d.attrs["class_names"] = json.dumps(data_attrs.get("class_names"))
        d.attrs["image_shape"] = json.dumps(data_attrs.get("image_shape"))

        s = f.create_group("scalars")
        s.create_dataset("step", shape=(0,), maxshape=(None,), chunks=(4096,), dtype=np.int64, **_DS)
        for name in SCALARS:
            s.create_dataset(name, shape=(0,), maxshape=(None,), chunks=(4096,), dtype=float, **_DS)

        t = f.create_group("tensors")
        t.create_dataset("step", shape=(0,), maxshape=(None,), chunks=(1024,), dtype=np.int64, **_DS)
        n_probe = len(probe_index)
        self._tensor_names = []
        all_shapes = self._shapes if self._shapes is not None else _dense_shapes(sizes, output_bias, n_probe)
        for name, shape in all_shapes.items():
            t.create_dataset(name, shape=(0, *shape), maxshape=(None, *shape), chunks=(1, *shape), dtype=float, **_DS)
            self._tensor_names.append(name)
        # One handle per dataset, kept open: a handle freed mid-run would write its cached chunks
        # as it closes, where a failed write (a full disk) is only printed, never raised
        self._ds = {}
        f.visititems(lambda name, obj: self._ds.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
        f.swmr_mode = True
        f.flush()
        self._buf = {k: [] for k in ("step",) + SCALARS}
        self._last_flush, self._since_flush = time.monotonic(), 0
        self.n_tensors = 0
        self._tbuf = {name: [] for name in self._tensor_names}
        self._tbuf_steps, self._tbuf_bytes = [], 0
        self.bytes_written = 0

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
        t = self._ds
        i = self.n_tensors
        for name in self._tensor_names:
            ds = t[f"tensors/{name}"]
            ds.resize(i + n, axis=0)
            ds[i:] = np.stack(self._tbuf[name])
            self._tbuf[name].clear()
        # the step index grows last: a reader never sees a step whose tensors are not written
        t["tensors/step"].resize(i + n, axis=0)
        t["tensors/step"][i:] = self._tbuf_steps
        self._tbuf_steps.clear()
        self._tbuf_bytes = 0
        self.n_tensors += n

    def flush(self):
        """Write buffered scalars and tensors and make everything so far durable."""
        try:
            self._flush()
        except _IO_ERRORS as e:
            self._abandon(e)
            raise self._io_error(e) from None

    def _flush(self):
        self._check_space()
        self._write_tensors()
        n = len(self._buf["step"])
        if n:
            start = self._ds["scalars/step"].shape[0]
            for k, values in self._buf.items():
                ds = self._ds[f"scalars/{k}"]
                ds.resize(start + n, axis=0)
                ds[start:] = values
                values.clear()
        self.f.flush()
        self._last_flush, self._since_flush = time.monotonic(), 0

    def _check_space(self):
        """Stop with ENOSPC while the file can still be closed cleanly, before HDF5 fails a write
        (after a failed write the HDF5 library is left with a file it cannot close)."""
        import errno
        import shutil

        pending = self._tbuf_bytes + 8 * len(self._buf["step"]) * (1 + len(SCALARS))
        need = int(1.25 * pending) + _SPACE_MARGIN
        if shutil.disk_usage(self.partial.parent).free < need:
            raise OSError(errno.ENOSPC, "No space left on device")

    def set_check(self, values):
        """Store the framework-vs-nnviz differences (one number per name in :data:`CHECKS`)."""
        try:
            self._ds["check"][...] = np.asarray(values, dtype=float)
        except _IO_ERRORS as e:
            self._abandon(e)
            raise self._io_error(e) from None

    def close(self, status="complete", message="", commit=True):
        """Flush, set the final status and rename the finished file over the output.

        ``status`` is "complete", "diverged" or "interrupted" (the run stopped by an error or
        Ctrl-C: its steps so far replace the previous trace too). ``commit=False`` leaves the
        closed file as ``NAME.partial`` beside the previous ``NAME`` (a killed training process:
        :mod:`nnviz.trace.forked`).
        """
        if self.closed:
            return
        from ..safefile import commit as commit_file

        try:
            self._flush()
            self._ds["status"][0] = status.encode()[:16]
            self._ds["message"][0] = message.encode("utf-8")[:512]
            self.f.flush()
            self._ds = {}
            self.f.close()
            if commit:
                commit_file(self.partial, self.path)
        except _IO_ERRORS as e:
            self._abandon(e)
            raise self._io_error(e) from None
        self.closed = True
        self._lock.release()

    def _abandon(self, error=None):
        """After an I/O error (``error``): close what can be closed, remove the partial file,
        release the lock.

        h5py retries the failed write as each object of the file is freed, and prints the error
        again each time, under "Exception ignored" or as a bare traceback: the objects are freed
        here, with standard error muted, the ones the error's traceback holds too (their frames
        cleared), so that none is left to print or to be freed at the interpreter's exit.
        """
        import traceback

        self.closed = True
        _quiet_h5py_deallocs()
        with _stderr_muted():
            if error is not None:
                traceback.clear_frames(error.__traceback__)
            self._ds = {}
            f, self.f = getattr(self, "f", None), None
            try:
                if f is not None:
                    f.close()
            except Exception:  # noqa: BLE001 - the file is being given up
                pass
            del f
            gc.collect()
        try:
            self.partial.unlink()
        except OSError:
            pass
        lock = getattr(self, "_lock", None)
        if lock is not None:
            lock.release()

    def _io_error(self, e) -> OSError:
        from ..safefile import io_error_message

        previous = "the previous trace is unchanged" if self.path.exists() else "no trace was written"
        err = OSError(io_error_message(e, self.path, previous))
        err.errno = getattr(e, "errno", None)
        return err


#: What h5py raises when the file system fails a write (a full disk: RuntimeError from a flush).
_IO_ERRORS = (OSError, RuntimeError)


@contextlib.contextmanager
def _stderr_muted():
    """Standard error (the file descriptor: what C and Cython print too) sent to /dev/null."""
    import sys

    try:
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    try:
        saved = os.dup(2)
    except OSError:  # no standard error to mute
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        try:
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):
            pass
        os.dup2(saved, 2)
        os.close(saved)


def _quiet_h5py_deallocs():
    """Drop the "Exception ignored in ObjectID.__dealloc__" reports of a file given up after an
    I/O error (each h5py object freed afterwards repeats the failed write); others still print."""
    import sys

    previous = sys.unraisablehook
    if getattr(previous, "_nnviz", False):
        return

    def hook(unraisable):
        if "h5py" in repr(getattr(unraisable, "object", "")) or "_dealloc" in repr(getattr(unraisable, "object", "")):
            return
        previous(unraisable)

    hook._nnviz = True
    sys.unraisablehook = hook


def _dense_shapes(sizes, output_bias, n_probe) -> dict:
    """A fully connected network's per-step tensors, name -> shape, in the order they are stored."""
    out, L = {}, len(sizes) - 1
    for l in range(1, L + 1):
        shapes = {"W": (sizes[l - 1], sizes[l]), "dW": (sizes[l - 1], sizes[l])}
        if l < L or output_bias:
            shapes.update(b=(sizes[l],), db=(sizes[l],))
        shapes.update(z=(n_probe, sizes[l]), a=(n_probe, sizes[l]), delta=(n_probe, sizes[l]))
        out.update({f"{kind}{l}": shape for kind, shape in shapes.items()})
    return out


def claim_trace(path):
    """The checks before a trace is written to ``path``, and the lock on writing it.

    Refuses (one line, :class:`~nnviz.safefile.OutputError` or OSError) an output that is not a
    regular file, an existing file that is not a trace, and an output another run is writing;
    returns the acquired :class:`~nnviz.safefile.OutputLock`, whose ``path`` is the file the
    trace replaces. :class:`TraceWriter` claims its output so, unless given the lock.
    """
    from ..safefile import OutputLock, check_output

    path = check_output(path, "trace")
    if path.exists() and not _is_trace(path):
        raise OSError(f"refusing to replace {path}: it is not an nnviz trace (remove it or choose another name)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # e.g. frames/ for frames/x-{step}.png
        check_output(partial_path(path), "trace")
        return OutputLock(path).acquire()
    except OSError as e:
        if e.__class__.__name__ == "OutputError":
            raise
        raise OSError(f"cannot write trace {path}: {os.strerror(e.errno) if e.errno else e}") from None


def partial_path(path) -> Path:
    """Where a run writes the trace for ``path`` until it ends: ``NAME.partial`` beside it."""
    path = Path(path)
    return path.with_name(path.name + ".partial")


def attrs_digest(attrs) -> str:
    """SHA-256 (hex) of the attributes that describe a trace, in a fixed order (``layers`` last,
    where present: a fully connected network's trace has the same digest as before it existed)."""
    h = hashlib.sha256()
    keys = ("format", "schema", "nnviz_version", "config", "sizes", "activations", "output_bias", "source")
    for key in keys + (("layers",) if "layers" in attrs else ()):
        value = attrs.get(key)
        h.update(key.encode() + b"=" + repr(np.asarray(value).tolist()).encode() + b";")
    return h.hexdigest()


def _put(group, name, a):
    """A chunked dataset holding ``a``, with its checksum (fletcher32 needs chunks, also when empty)."""
    if a.size:
        return group.create_dataset(name, data=a, chunks=True, **_DS)
    chunks = (1,) + tuple(max(1, n) for n in a.shape[1:])
    return group.create_dataset(name, shape=a.shape, maxshape=(None,) + a.shape[1:], dtype=a.dtype, chunks=chunks, **_DS)


def _is_trace(path: Path) -> bool:
    try:
        with open_h5(path):
            return True
    except TraceError as e:
        return "newer nnviz" in str(e) or "truncated or corrupt" in str(e)


def open_h5(path) -> h5py.File:
    """Open a trace read-only, with a :class:`TraceError` naming the file on any problem.

    A file whose writer was killed is marked as still open for writing; HDF5's SWMR reader mode
    opens it anyway and sees everything flushed before the kill.
    """
    import stat

    path = Path(path)
    if not path.exists():
        partial = partial_path(path)
        if partial.exists():
            raise TraceError(f"{path}: no such file; a run that was killed left its steps in {partial} "
                             f"(nnviz info {partial})")
        raise TraceError(f"{path}: no such file")
    if path.is_dir():
        raise TraceError(f"{path}: is a directory, not a trace file")
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise TraceError(f"{path}: not a regular file, so not a trace")
    if not h5py.is_hdf5(path):
        raise TraceError(f"{path}: not an nnviz trace (not an HDF5 file)")
    try:
        try:
            f = h5py.File(path, "r")
        except OSError as e:
            if "already open for write" not in str(e):
                raise
            f = h5py.File(path, "r", swmr=True)
    except (OSError, RuntimeError) as e:
        raise TraceError(f"{path}: cannot be read, the file is truncated or corrupt ({str(e).splitlines()[0]})") from None
    fmt = f.attrs.get("format")
    if fmt != FORMAT:
        f.close()
        raise TraceError(f"{path}: an HDF5 file, but not an nnviz trace")
    schema = f.attrs.get("schema", -1)
    if isinstance(schema, (int, np.integer)) and schema > SCHEMA_VERSION:
        f.close()
        raise TraceError(
            f"{path}: written by a newer nnviz (trace schema {schema}, this nnviz reads up to "
            f"{SCHEMA_VERSION}); upgrade nnviz to read it"
        )
    return f
