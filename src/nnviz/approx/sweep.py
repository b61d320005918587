"""Construction animations: one constructed network per frame while a parameter (N, w, ...) changes.

A :class:`Sweep` is to a construction what a trace is to training: a sequence of networks indexed
by a "step" (here the frame index), with the parameter value of each frame. The construction views
(:mod:`nnviz.render.bumps`) take a Sweep where trained views take a Trace, and render through the
same :class:`~nnviz.render.layout.Layout` and writers.

Why not a trace file? The width of a construction changes with N (2 to 128 neurons for N = 1..64)
while a trace stores one architecture, and a construction has nothing to record but its weights,
which are cheaper to rebuild than to read. When a trace *is* wanted, e.g. to show a construction
with the trained-network views or to start training from it, :meth:`Sweep.to_trace` writes one:
narrower frames are padded with silent neurons (all weights 0, output weight 0), so every frame
computes exactly the construction's output.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from ..nn import MLP
from .core import approximation_error, bump_network, relu_network, step_network
from .towers import towers_network, window_errors2d

__all__ = ["Sweep", "bump_sweep", "relu_sweep", "step_sweep", "towers_sweep", "parse_values"]

_SYMBOL = {"n": "N", "w": "w", "h": "h", "s": "s"}
GRID_2D = 129  # grid points per axis for 2-D errors and heat maps


class Sweep:
    """A sequence of constructed networks, one per frame.

    Parameters
    ----------
    models : list of ConstructedMLP or ConstructedMLP2D
    parameter : str
        The parameter that changes from frame to frame (``"n"``, ``"w"``, ...).
    values : sequence of float
        Its value in each frame.
    title : str, optional

    Attributes
    ----------
    steps, all_steps : ndarray of int
        ``0 .. len - 1``: frame indices, so views can treat a sweep like a trace.
    """

    def __init__(self, models: Sequence[MLP], parameter: str, values: Sequence[float], title: str | None = None):
        if len(models) == 0:
            raise ValueError("a sweep needs at least one network")
        if len(models) != len(values):
            raise ValueError(f"{len(models)} networks but {len(values)} parameter values")
        self.models = list(models)
        self.parameter = parameter
        self.values = np.asarray(values, dtype=float)
        self.steps = self.all_steps = np.arange(len(self.models))
        self.title = title
        self._errors = None

    def __len__(self) -> int:
        return len(self.models)

    def __getitem__(self, i: int):
        return self.models[int(i)]

    def __repr__(self) -> str:
        return f"<Sweep {self.parameter} = {self.value_text(0)} .. {self.value_text(len(self) - 1)}, {len(self)} frames>"

    @property
    def construction(self):
        """The construction of the last frame (the one the sweep builds up to)."""
        return self.models[-1].construction

    @property
    def is_2d(self) -> bool:
        return self.models[0].sizes[0] == 2

    @property
    def symbol(self) -> str:
        return _SYMBOL.get(self.parameter, self.parameter)

    def value_text(self, i: int) -> str:
        v = self.values[int(i)]
        return f"{v:.0f}" if self.parameter == "n" or (v >= 10 and v == round(v)) else f"{v:.3g}"

    def errors(self, samples: int = 2001) -> tuple[np.ndarray, np.ndarray]:
        """Sup and mean absolute error of every frame's network against f: two arrays (len,)."""
        if self._errors is None:
            if self.construction.f is None:
                nan = np.full(len(self), np.nan)
                self._errors = (nan, nan)
            else:
                if self.is_2d:  # the sup includes the failure windows, which a grid may miss
                    inside, _ = self.window_errors()
                    pairs = []
                    for k in range(len(self)):
                        xs, ys, out, f = self.grid(k)
                        err = np.abs(out - f)
                        pairs.append((float(np.fmax(err.max(), inside[k])), float(err.mean())))
                else:
                    pairs = [approximation_error(m, samples=samples) for m in self.models]
                self._errors = tuple(np.array(v) for v in zip(*pairs))
        return self._errors

    def window_errors(self) -> tuple[np.ndarray, np.ndarray]:
        """2-D sweeps: the sup error inside the failure windows and outside them, every frame
        (:func:`~nnviz.approx.window_errors2d`): two arrays (len,), NaN where a part is empty."""
        if getattr(self, "_window_errors", None) is None:
            if not self.is_2d or self.construction.f is None:
                nan = np.full(len(self), np.nan)
                self._window_errors = (nan, nan)
            else:
                pairs = [window_errors2d(m, samples=GRID_2D) for m in self.models]
                self._window_errors = tuple(np.array(v) for v in zip(*pairs))
        return self._window_errors

    def grid(self, k: int, resolution: int = GRID_2D):
        """A 2-D frame on a ``resolution x resolution`` grid of its domain (cached).

        Returns
        -------
        xs, ys : ndarray of shape (resolution,)
        output, target : ndarray of shape (resolution, resolution)
            The network's output and f (rows are y).
        """
        key = (int(k), int(resolution))
        cache = self.__dict__.setdefault("_grids", {})
        if key not in cache:
            m = self.models[int(k)]
            (ax, bx), (ay, by) = m.construction.domain
            xs, ys = np.linspace(ax, bx, resolution), np.linspace(ay, by, resolution)
            gx, gy = np.meshgrid(xs, ys)
            f = np.asarray(m.construction.f(gx, gy), float) if m.construction.f is not None else np.full(gx.shape, np.nan)
            if len(cache) > 256:
                cache.clear()
            cache[key] = (xs, ys, m.grid(xs, ys), f)
        return cache[key]

    # ------------------------------------------------------------------ as a trace
    def to_trace(self, path, samples: int = 200):
        """Write the sweep as an nnviz trace file (frame k = step k) and open it.

        Every frame is padded to the widest frame with silent neurons, so the architecture is
        fixed and every step computes exactly its construction's output. The data are ``samples``
        evenly spaced points of f on the interval; the loss is their mean squared error. The config
        records the construction under ``config["construction"]``; its ``init.weights`` is
        ``"constructed"``, so ``nnviz.train(trace.config)`` refuses to re-train it instead of
        silently starting from random weights.

        Returns
        -------
        Trace
        """
        from ..config import make_config
        from ..data import function1d
        from ..trace.recorder import Recorder

        if self.is_2d:
            raise ValueError("to_trace writes 1-D constructions; 2-D towers are rendered from the sweep")
        c = self.construction
        a, b = c.interval
        padded = _pad(self.models)
        dataset = function1d(c.f, n=samples, interval=(a, b))
        data_cfg = {"name": "function", "target": c.source or "callable", "n": samples, "interval": [a, b]}
        m0 = padded[0]
        cfg = make_config({
            "name": self.title or f"{c.kind} construction",
            "description": f"construction: {c.kind} of {c.name}, {self.symbol} = {self.value_text(0)}..{self.value_text(-1)}",
            "data": data_cfg,
            "model": {"hidden": m0.sizes[1:-1], "activation": m0.activation_names[0],
                      "output": m0.activation_names[-1], "output_bias": True},
            "init": {"weights": "constructed", "seed": 0,
                     "construction": {"kind": c.kind, "parameter": self.parameter, "values": self.values.tolist(),
                                      "form": c.form, "output": c.output, "halved_ends": c.halved_ends,
                                      "function": c.source or c.name}},
            "train": {"loss": "mse", "optimizer": "gd", "lr": 1.0, "steps": len(self) - 1, "record": "all"},
        })
        with Recorder(path, dataset=dataset, sizes=m0.sizes, activations=m0.activation_names, loss="mse",
                      record="all", steps=len(padded) - 1, probe=len(dataset.X), config=cfg, name=cfg["name"],
                      source="nnviz") as rec:
            for k, m in enumerate(padded):
                rec.step(k, m)
        return rec.trace


def _pad(models: Sequence[MLP]) -> list[MLP]:
    """Copies of ``models`` padded to a common architecture with silent neurons."""
    depth = {m.L for m in models}
    acts = {tuple(m.activation_names) for m in models}
    if len(depth) > 1 or len(acts) > 1 or len({m.sizes[0] for m in models}) > 1:
        raise ValueError("the frames of a sweep must share depth, activations and inputs to become a trace")
    sizes = [max(m.sizes[l] for m in models) for l in range(models[0].L + 1)]
    out = []
    for m in models:
        p = MLP(sizes, m.activation_names, output_bias=True)
        for l in range(1, m.L + 1):
            W = np.zeros((sizes[l - 1], sizes[l]))
            W[: m.sizes[l - 1], : m.sizes[l]] = m.W[l]
            b = np.zeros(sizes[l])
            if m.b[l] is not None:
                b[: m.sizes[l]] = m.b[l]
            p.W[l], p.b[l] = W, b
        out.append(p)
    return out


# ---------------------------------------------------------------------- building sweeps
def parse_values(spec, parameter: str = "n", max_frames: int = 100, limit: float | None = None) -> list[float]:
    """Frame values from ``"5"``, ``"1,2,4,8"``, a range ``"1..64"`` or a sequence.

    A range of N is every whole number from A to B (thinned evenly to ``max_frames``); a range of
    any other parameter (w) is ``max_frames`` log-spaced values, so a steepness from 1 to 500 grows
    at a steady visual pace.
    """
    if not isinstance(spec, str):
        vals = [float(v) for v in np.atleast_1d(spec)]
    else:
        text = spec.strip()
        try:
            if ".." in text:
                lo, hi = (float(v) for v in text.split(".."))
                if not (lo > 0 and hi >= lo) or not (math.isfinite(lo) and math.isfinite(hi)):
                    raise ValueError
                if parameter == "n":
                    if lo != int(lo) or hi != int(hi):
                        raise ValueError
                    vals = list(range(int(lo), int(hi) + 1))
                    if len(vals) > max_frames:
                        idx = np.unique(np.linspace(0, len(vals) - 1, max_frames).round().astype(int))
                        vals = [vals[i] for i in idx]
                    vals = [float(v) for v in vals]
                else:
                    vals = np.geomspace(lo, hi, max(2, int(max_frames))).tolist() if hi > lo else [lo]
            else:
                vals = [float(v) for v in text.split(",") if v.strip()]
        except ValueError:
            raise ValueError(f"bad {_SYMBOL.get(parameter, parameter)} values {spec!r}: give a number, a list "
                             "like 1,2,4 or a range like 1..64") from None
    if not vals or not all(math.isfinite(v) and v > 0 for v in vals):
        raise ValueError(f"bad {_SYMBOL.get(parameter, parameter)} values {spec!r}: they must be positive numbers")
    if parameter == "n" and not all(v == int(v) for v in vals):
        raise ValueError(f"bad N values {spec!r}: N counts bins, give whole numbers")
    if limit is not None and max(vals) > limit:
        raise ValueError(f"{_SYMBOL.get(parameter, parameter)} = {max(vals):g} is too large to draw (at most {limit:g})")
    return vals


def _sweep(builder: Callable, varying: dict, fixed: dict, title=None) -> Sweep:
    ranged = {k: v for k, v in varying.items() if len(v) > 1}
    if len(ranged) > 1:
        raise ValueError(f"only one parameter can change per animation; got ranges for {', '.join(ranged)}")
    parameter = next(iter(ranged), next(iter(varying)))
    values = varying[parameter]
    others = {k: v[0] for k, v in varying.items() if k != parameter}
    models = []
    for v in values:
        kw = {**fixed, **others, parameter: int(v) if parameter == "n" else v}
        models.append(builder(**kw))
    return Sweep(models, parameter, values, title)


def bump_sweep(f, n="1..64", interval=None, w=500.0, output="linear", form="2n", halved_ends=False,
               max_frames: int = 100, title=None) -> Sweep:
    """:func:`~nnviz.approx.bump_network` for a range of N or of w (the other one fixed)."""
    varying = {"n": parse_values(n, "n", max_frames, limit=1000), "w": parse_values(w, "w", max_frames, limit=1e7)}
    return _sweep(lambda **kw: bump_network(f, interval=interval, output=output, form=form,
                                            halved_ends=halved_ends, **kw), varying, {}, title)


def relu_sweep(f, n="1..64", interval=None, max_frames: int = 100, title=None) -> Sweep:
    """:func:`~nnviz.approx.relu_network` for a range of N."""
    return _sweep(lambda n: relu_network(f, n, interval=interval), {"n": parse_values(n, "n", max_frames, limit=1000)}, {},
                  title)


def step_sweep(s: float = 0.5, w="1..500", h: float = 1.0, interval=(0.0, 1.0), max_frames: int = 80,
               title=None) -> Sweep:
    """One sigmoid neuron becoming a step at ``s`` as its weight w grows (bias ``-w s``)."""
    return _sweep(lambda w: step_network(s, w, h, interval), {"w": parse_values(w, "w", max_frames, limit=1e7)}, {},
                  title)


def towers_sweep(f, n="1..16", domain=((0.0, 1.0), (0.0, 1.0)), w=500.0, h: float = 20.0, halved_ends=False,
                 max_frames: int = 100, title=None, form: str = "quadrants") -> Sweep:
    """:func:`~nnviz.approx.towers_network` for a range of N (N x N cells) or of w."""
    varying = {"n": parse_values(n, "n", max_frames, limit=32), "w": parse_values(w, "w", max_frames, limit=1e7)}
    return _sweep(lambda **kw: towers_network(f, domain=domain, h=h, halved_ends=halved_ends, form=form, **kw),
                  varying, {}, title)
