"""Checking a trace file whole before anything in it is used.

A trace may come from a stranger, or from a disk that flipped a byte. :func:`read_header` checks
the structure of an open file and returns what the reader needs; any problem is a
:class:`TraceError` whose one line names the file and the problem. What it checks:

* only hard links to plain datasets of numbers or fixed-length bytes (no external links, soft
  links, virtual datasets, external storage, compound or variable-length types);
* the format, the schema (a newer one asks for a newer nnviz), the attributes' SHA-256 digest and
  every dataset's fletcher32 checksum filter (schema 2);
* the config (a JSON object with the tables and keys the renderers read), sizes (positive,
  plausible), activation names (known), the status (a known word);
* a convolutional network's layer list (the attribute ``layers``): known kinds, supported
  settings, shapes that chain, and the sizes and activations it implies;
* every dataset's dtype and shape against the sizes (or the layer list), the probe samples and
  each other;
* that no dataset declares more rows than the file holds data for (so an edited shape cannot make
  a reader allocate gigabytes of fill values);
* steps: non-negative and strictly increasing, tensor steps among the scalar steps;
* a run marked complete holds no NaN or infinite loss.

A run that was killed (status "running") is cut to what it wrote in full.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import h5py
import numpy as np

from .store import SCALARS, SCHEMA_VERSION, TraceError, _dense_shapes, attrs_digest

__all__ = ["read_header", "Header", "STATUSES", "MAX_UNITS"]

STATUSES = ("running", "complete", "diverged", "interrupted")
#: The widest layer a trace may declare (a plausibility bound, far above nnviz's networks).
MAX_UNITS = 1_000_000
_DATA = ("X", "y", "X_test", "y_test", "labels", "labels_test", "probe_index")


@dataclass
class Header:
    """What :func:`read_header` found: the facts the reader uses."""

    schema: int
    config: dict
    sizes: list
    activations: list
    output_bias: bool
    status: str
    message: str
    n_steps: int
    n_recorded: int
    layers: dict | None = None  # a convolutional network's layer list (nnviz.nn.conv.CNN.spec)


def _fail(path, msg):
    return TraceError(f"{path}: {msg}")


def _walk(f, path):
    """Every dataset by name, after refusing anything but hard links to plain datasets."""
    out = {}
    todo = [("", f)]
    while todo:
        prefix, group = todo.pop()
        if prefix.count("/") > 2:  # a trace is two levels deep; deeper means a link loop or a foreign file
            raise _fail(path, f"'{prefix.rstrip('/')}' is nested deeper than a trace's groups (a link loop?)")
        for name in group:
            link = group.get(name, getlink=True)
            full = f"{prefix}{name}"
            if not isinstance(link, h5py.HardLink):
                raise _fail(path, f"'{full}' is a {type(link).__name__}: traces hold only their own data")
            obj = group.get(name)
            if isinstance(obj, h5py.Group):
                todo.append((full + "/", obj))
                continue
            if not isinstance(obj, h5py.Dataset):
                raise _fail(path, f"'{full}' is not a dataset")
            if obj.is_virtual or obj.external:
                raise _fail(path, f"'{full}' takes its data from another file")
            if obj.dtype.kind not in "iuf" and not (obj.dtype.kind == "S" and obj.dtype.itemsize <= 512):
                raise _fail(path, f"'{full}' has the data type {obj.dtype}, not numbers")
            out[full] = obj
    return out


def _rows(ds, path, name, lenient):
    """Rows of ``ds`` that the file holds data for (all of them, or an error, unless ``lenient``)."""
    if ds.ndim == 0:
        raise _fail(path, f"'{name}' has no rows")
    n = ds.shape[0]
    row = int(np.prod(ds.shape[1:], dtype=np.int64)) * ds.dtype.itemsize
    if n and row:
        stored = ds.id.get_storage_size()
        held = stored // row if row else n
        if held < n:
            if not lenient:
                raise _fail(path, f"'{name}' declares {n} rows but the file holds data for {held}: damaged")
            return int(held)
    return int(n)


def _attr(f, path, key, kind):
    try:
        value = f.attrs[key]
    except KeyError:
        raise _fail(path, f"damaged nnviz trace (attribute '{key}' is missing)") from None
    if kind == "json":
        try:
            return json.loads(str(value))
        except (TypeError, ValueError) as e:
            raise _fail(path, f"damaged nnviz trace (attribute '{key}' is not JSON: {e})") from None
    return value


def _check_config(cfg, path):
    if not isinstance(cfg, dict):
        raise _fail(path, "damaged nnviz trace (its config is not a JSON object)")
    for table, keys in (("train", ("loss", "optimizer", "lr")), ("model", ()), ("data", ()), ("init", ())):
        if not isinstance(cfg.get(table), dict):
            raise _fail(path, f"damaged nnviz trace (config table '{table}' is missing)")
        for key in keys:
            if key not in cfg[table]:
                raise _fail(path, f"damaged nnviz trace (config key '{table}.{key}' is missing)")
    t = cfg["train"]
    if not isinstance(t["loss"], str) or not isinstance(t["optimizer"], str):
        raise _fail(path, "damaged nnviz trace (train.loss and train.optimizer must be names)")
    if isinstance(t["lr"], bool) or not isinstance(t["lr"], (int, float)):
        raise _fail(path, "damaged nnviz trace (train.lr must be a number)")
    if not isinstance(cfg.get("name", ""), str):
        raise _fail(path, "damaged nnviz trace (its name must be text)")


def read_header(f: h5py.File, path) -> Header:
    """Validate an open trace whole (see the module docstring) and return its :class:`Header`."""
    from ..nn import ACTIVATIONS

    schema = f.attrs.get("schema")
    if not isinstance(schema, (int, np.integer)) or isinstance(schema, bool):
        raise _fail(path, f"damaged nnviz trace (schema {schema!r} is not a number)")
    schema = int(schema)
    if schema > SCHEMA_VERSION:
        raise _fail(path, f"written by a newer nnviz (trace schema {schema}, this nnviz reads up to "
                          f"{SCHEMA_VERSION}); upgrade nnviz to read it")
    if schema < 1:
        raise _fail(path, f"damaged nnviz trace (schema {schema})")
    datasets = _walk(f, path)
    if schema >= 2:
        for name, ds in datasets.items():
            if not ds.fletcher32:
                raise _fail(path, f"'{name}' has lost its checksum: damaged or edited")
        try:
            digest = datasets["digest"][0].decode()
        except (KeyError, IndexError, UnicodeDecodeError, OSError):
            raise _fail(path, "damaged nnviz trace (its digest is missing)") from None
        if digest != attrs_digest(f.attrs):
            raise _fail(path, "its description (config, sizes, activations or layer list) was changed after it was written")
    cfg = _attr(f, path, "config", "json")
    _check_config(cfg, path)
    raw = np.asarray(_attr(f, path, "sizes", None))
    if raw.ndim != 1 or raw.dtype.kind not in "iu" or len(raw) < 2 or raw.min() < 1 or raw.max() > MAX_UNITS:
        raise _fail(path, f"damaged nnviz trace (layer sizes {raw.tolist()!r} are not plausible)")
    sizes = [int(s) for s in raw]
    L = len(sizes) - 1
    acts = _attr(f, path, "activations", "json")
    if not (isinstance(acts, list) and len(acts) == L and all(isinstance(a, str) and a in ACTIVATIONS for a in acts)):
        raise _fail(path, f"damaged nnviz trace ({L} layers need {L} known activation names, got {acts!r})")
    output_bias = bool(np.asarray(_attr(f, path, "output_bias", None)).reshape(-1)[0])
    cnn = _check_layers(f, path, sizes, acts) if "layers" in f.attrs else None

    def get(name):
        if name not in datasets:
            raise _fail(path, f"damaged nnviz trace ('{name}' is missing)")
        return datasets[name]

    def text(name):
        try:
            return np.asarray(get(name)[()]).reshape(-1)[0].decode("utf-8", "replace").strip().strip("\x00")
        except AttributeError:
            raise _fail(path, f"damaged nnviz trace ('{name}' is not text)") from None
        except (OSError, IndexError) as e:
            raise _fail(path, f"damaged nnviz trace ('{name}' cannot be read: {e})") from None

    status = text("status")
    if status not in STATUSES:
        raise _fail(path, f"damaged nnviz trace (unknown status {status!r})")
    lenient = status == "running"
    message = text("message")

    # data: shapes against the sizes and each other
    d = {k: datasets.get(f"data/{k}") for k in _DATA}
    for k in ("X", "y", "X_test", "y_test", "probe_index"):
        if d[k] is None:
            raise _fail(path, f"damaged nnviz trace ('data/{k}' is missing)")
    n, m = d["X"].shape[0] if d["X"].ndim == 2 else -1, d["X_test"].shape[0] if d["X_test"].ndim == 2 else -1
    expect = {"X": (n, sizes[0]), "y": (n, sizes[-1]), "X_test": (m, sizes[0]), "y_test": (m, sizes[-1])}
    for k, shape in expect.items():
        if d[k].shape != shape or d[k].dtype.kind != "f":
            raise _fail(path, f"damaged nnviz trace ('data/{k}' has shape {d[k].shape}, the network needs {shape})")
        _rows(d[k], path, f"data/{k}", False)
    for k, rows in (("labels", n), ("labels_test", m)):
        if d[k] is not None and (d[k].shape != (rows,) or d[k].dtype.kind not in "iu"):
            raise _fail(path, f"damaged nnviz trace ('data/{k}' has shape {d[k].shape}, expected ({rows},))")
    task = f["data"].attrs.get("task")
    if task not in ("classification", "regression"):
        raise _fail(path, f"damaged nnviz trace (unknown task {task!r})")
    for key in ("class_names", "image_shape"):
        try:
            json.loads(str(f["data"].attrs.get(key, "null")))
        except ValueError:
            raise _fail(path, f"damaged nnviz trace (data attribute '{key}' is not JSON)") from None
    probe = d["probe_index"]
    if probe.ndim != 1 or probe.dtype.kind not in "iu":
        raise _fail(path, "damaged nnviz trace ('data/probe_index' is not a list of sample numbers)")
    _rows(probe, path, "data/probe_index", False)
    n_probe = probe.shape[0]

    # scalars: one row per step
    n_steps = _rows(get("scalars/step"), path, "scalars/step", lenient)
    for name in SCALARS:
        ds = get(f"scalars/{name}")
        # a killed writer may have grown some scalars before the others: it is cut to the shortest
        if ds.ndim != 1 or (not lenient and ds.shape != get("scalars/step").shape):
            raise _fail(path, f"damaged nnviz trace ('scalars/{name}' does not match 'scalars/step')")
        n_steps = min(n_steps, ds.shape[0], _rows(ds, path, f"scalars/{name}", lenient))

    # tensors: one row per recorded step, shapes from the sizes
    n_recorded = _rows(get("tensors/step"), path, "tensors/step", lenient)
    shapes = _dense_shapes(sizes, output_bias, n_probe) if cnn is None else cnn.tensor_shapes(n_probe)
    given = "the sizes give" if cnn is None else "the layer list gives"
    for tensor, shape in shapes.items():
        name = f"tensors/{tensor}"
        ds = get(name)
        if ds.shape[1:] != shape or ds.dtype.kind != "f":
            raise _fail(path, f"damaged nnviz trace ('{name}' has shape {ds.shape[1:]}, {given} {shape})")
        rows = _rows(ds, path, name, lenient)
        if rows < n_recorded:
            if not lenient and rows < get("tensors/step").shape[0]:
                raise _fail(path, f"damaged nnviz trace ('{name}' holds {rows} steps, 'tensors/step' "
                                  f"{n_recorded})")
            n_recorded = rows
    return Header(schema, cfg, sizes, acts, output_bias, status, message, n_steps, n_recorded,
                  None if cnn is None else cnn.spec())


def _check_layers(f, path, sizes, acts):
    """The network a convolutional trace's layer list describes, checked against its sizes and activations."""
    from ..nn.conv import CNN

    spec = _attr(f, path, "layers", "json")
    try:
        cnn = CNN.from_spec(spec)
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        raise _fail(path, f"damaged nnviz trace (its layer list: {str(e).splitlines()[0] if str(e) else e})") from None
    if cnn.sizes != sizes or cnn.activation_names != acts:
        raise _fail(path, f"damaged nnviz trace (its layer list gives sizes {cnn.sizes} and activations "
                          f"{cnn.activation_names}, the trace says {sizes} and {acts})")
    return cnn


def check_steps(path, all_steps, steps, loss, status):
    """Steps non-negative and strictly increasing; tensor steps among them; no NaN loss if complete.

    Returns how many scalar and tensor rows to keep (a killed run is cut at its first bad row).
    """
    lenient = status == "running"

    def good_prefix(a, what):
        bad = np.flatnonzero((a < 0) | np.r_[False, np.diff(a) <= 0])
        if len(bad):
            if not lenient:
                raise _fail(path, f"damaged nnviz trace ({what} {a[bad[0]]} is out of order)")
            return int(bad[0])
        return len(a)

    n = good_prefix(all_steps, "step")
    r = good_prefix(steps, "recorded step")
    missing = np.setdiff1d(steps[:r], all_steps[:n])
    if len(missing):
        if not lenient:
            raise _fail(path, f"damaged nnviz trace (recorded step {missing[0]} has no scalars)")
        r = int(np.searchsorted(steps[:r], missing[0]))
    if status == "complete" and not np.isfinite(loss[:n]).all():
        k = int(all_steps[np.flatnonzero(~np.isfinite(loss[:n]))[0]])
        raise _fail(path, f"marked complete but its loss at step {k} is not finite: damaged")
    return n, r
