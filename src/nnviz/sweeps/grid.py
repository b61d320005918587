"""What a sweep varies: grid keys, their values, and the cells (one config per run).

A grid is an ordered list of ``(key, values)``. A key is a dotted config key (``train.lr``,
``model.hidden``, ``data.noise``) or a shorthand (:data:`SHORTHANDS`: ``lr``, ``l2``, ``hidden``,
``activation``, ``optimizer``, ``steps``, ``batch_size``, ...). Values come as Python values or as
the command line's text::

    lr=1e-3,1e-2,0.1            a list
    lr=1e-4..1:9log             9 log-spaced values from 1e-4 to 1 (both ends included)
    noise=0..0.3:4              4 evenly spaced values
    hidden=4,8,16x16            one layer of 4, one of 8, two of 16
    activation=tanh,relu        names
    steps=100..400:4            whole numbers for an integer key

Every cell's config goes through :func:`nnviz.config.make_config`, so a key that does not exist or
a value of the wrong type fails before any run starts, with the key named.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from typing import Sequence

import numpy as np

from ..config import DEFAULTS, ConfigError, make_config

__all__ = ["SHORTHANDS", "canonical_key", "parse_values", "parse_grid_option", "normalise_grid", "cells",
           "get_key", "run_name", "describe_value", "grid_json", "cell_text"]

#: Short grid keys and the config keys they stand for.
SHORTHANDS = {"lr": "train.lr", "l2": "train.l2", "optimizer": "train.optimizer", "steps": "train.steps",
              "batch_size": "train.batch_size", "momentum": "train.momentum", "loss": "train.loss",
              "hidden": "model.hidden", "activation": "model.activation", "output": "model.output",
              "weights": "init.weights", "init_seed": "init.seed"}
_OPEN = ("data", "init")  # tables whose keys are checked by the data set / the initialiser


def canonical_key(key: str) -> str:
    """The dotted config key a grid key names (``"lr"`` -> ``"train.lr"``); unknown keys raise
    :class:`~nnviz.config.ConfigError` listing the valid ones."""
    key = str(key).strip()
    if key in SHORTHANDS:
        return SHORTHANDS[key]
    if key == "seed":
        raise ConfigError("grid key 'seed' is ambiguous: use --seeds N for init seeds 0..N-1, or 'init.seed' / "
                          "'train.seed' (the minibatch shuffle)")
    parts = key.split(".")
    if len(parts) == 2 and parts[0] in DEFAULTS and isinstance(DEFAULTS[parts[0]], dict):
        table, name = parts
        if name in DEFAULTS[table] or table in _OPEN:
            return key
    valid = sorted(SHORTHANDS) + [f"{t}.{k}" for t in ("train", "model") for k in DEFAULTS[t]] + ["data.*", "init.*"]
    raise ConfigError(f"unknown grid key '{key}'; valid keys: {', '.join(valid)}")


def get_key(cfg: dict, key: str):
    table, name = key.split(".")
    return cfg[table].get(name)


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^({_NUMBER})\.\.({_NUMBER})(?::(\d+)(log)?)?$")


def _kind(default) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    if isinstance(default, list):
        return "layers"
    if isinstance(default, str):
        return "str"
    return "any"


def _scalar(text: str, kind: str, key: str):
    """One value of the command line's text, of the type the key takes."""
    t = text.strip()
    what = {"int": "a whole number", "float": "a number", "bool": "true or false",
            "layers": "layer widths like 8 or 16x16"}.get(kind)
    try:
        if kind == "float":
            return float(t)
        if kind == "int":
            v = float(t)
            if not (math.isfinite(v) and v == int(v)):
                raise ValueError
            return int(v)
        if kind == "bool":
            if t.lower() not in ("true", "false", "1", "0"):
                raise ValueError
            return t.lower() in ("true", "1")
        if kind == "layers":
            if t in ("", "[]", "none"):
                return []
            widths = [int(w) for w in t.split("x")]
            if min(widths) < 1:
                raise ValueError
            return widths
        if kind == "str":
            if not t:
                raise ValueError
            return t
    except ValueError:
        raise ConfigError(f"bad value {t!r} for grid key '{key}': it takes {what or 'a name'}") from None
    # open tables (data.*, init.*): a number if it reads as one, else the text
    for conv in (int, float):
        try:
            return conv(t)
        except ValueError:
            pass
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    return t


def _expand_range(m, kind: str, key: str, text: str) -> list:
    lo, hi, n, log = float(m.group(1)), float(m.group(2)), m.group(3), m.group(4)
    if kind not in ("int", "float", "any"):
        raise ConfigError(f"bad value {text!r} for grid key '{key}': a range needs a numeric key")
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi < lo:
        raise ConfigError(f"bad range {text!r} for grid key '{key}': give low..high with low <= high")
    if n is None:
        if lo != int(lo) or hi != int(hi):
            raise ConfigError(f"bad range {text!r} for grid key '{key}': say how many values, e.g. {text}:5 "
                              f"or {text}:5log")
        vals = list(range(int(lo), int(hi) + 1))
    else:
        n = int(n)
        if not 1 <= n <= 10_000:
            raise ConfigError(f"bad range {text!r} for grid key '{key}': between 1 and 10000 values")
        if log:
            if lo <= 0:
                raise ConfigError(f"bad range {text!r} for grid key '{key}': a log range needs low > 0")
            vals = np.geomspace(lo, hi, n).tolist() if n > 1 else [lo]
            vals = [float(f"{v:.12g}") for v in vals]  # 1e-4..1:9log gives 0.001, not 0.0010000000000000002
        else:
            vals = np.linspace(lo, hi, n).tolist() if n > 1 else [lo]
            vals = [float(f"{v:.12g}") for v in vals]
    if kind == "int":
        if not all(v == int(v) for v in vals):
            raise ConfigError(f"bad range {text!r} for grid key '{key}': it takes whole numbers")
        vals = [int(v) for v in vals]
    return vals


def parse_values(key: str, values, base: dict) -> list:
    """The values of one grid key, typed like the key's setting in ``base`` (a complete config).

    ``values`` is the command line's text (``"1e-4..1:9log"``, ``"4,8,16"``) or a sequence of
    Python values, which are used as they are.
    """
    kind = _kind(get_key(base, key)) if key.split(".")[0] not in _OPEN else "any"
    if key == "model.activation":
        kind = "str"
    if isinstance(values, str):
        out = []
        for item in values.split(","):
            if not item.strip():
                continue
            m = _RANGE.match(item.strip())
            out.extend(_expand_range(m, kind, key, item) if m else [_scalar(item, kind, key)])
    elif isinstance(values, (list, tuple, np.ndarray, range)):
        out = [v.item() if isinstance(v, np.generic) else v for v in values]
        if kind == "layers":
            out = [[int(v)] if isinstance(v, (int, np.integer)) else list(v) for v in out]
        elif kind == "float":
            out = [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in out]
    else:
        out = [values]
    if not out:
        raise ConfigError(f"grid key '{key}' has no values")
    seen = []
    for v in out:
        if v not in seen:
            seen.append(v)
    return seen


def parse_grid_option(text: str) -> tuple[str, str]:
    """``"lr=1e-3,1e-2"`` -> ``("lr", "1e-3,1e-2")`` (the command line's ``--grid``)."""
    key, sep, values = str(text).partition("=")
    if not sep or not key.strip() or not values.strip():
        raise ConfigError(f"bad --grid {text!r}: write KEY=VALUES, e.g. lr=1e-3,1e-2 or lr=1e-4..1:9log")
    return key.strip(), values


def normalise_grid(grid, base: dict) -> list[tuple[str, list]]:
    """A grid as ``[(dotted key, [values...]), ...]``, every key checked and every value typed.

    ``grid`` is a dict or a sequence of ``(key, values)`` pairs (order kept: the first key is the
    heat map's rows, the second its columns).
    """
    items = list(grid.items()) if isinstance(grid, dict) else list(grid)
    out: list[tuple[str, list]] = []
    for key, values in items:
        ckey = canonical_key(key)
        if ckey in (k for k, _ in out):
            raise ConfigError(f"grid key '{key}' is given twice")
        if ckey == "data.name":
            kind_values = [str(v) for v in (values.split(",") if isinstance(values, str) else values)]
            out.append((ckey, kind_values))
            continue
        out.append((ckey, parse_values(ckey, values, base)))
    return out


def cells(base: dict, grid: Sequence[tuple[str, list]], seeds: Sequence[int] | None):
    """Every run of the sweep: ``(params, seed, config)``, grid order, seeds innermost.

    ``params`` maps each grid key to its value; ``seed`` is the init seed (None: the base
    config's). Each config is complete and checked by :func:`~nnviz.config.make_config`.
    """
    from ..build import resolve_config

    keys = [k for k, _ in grid]
    out = []
    for combo in itertools.product(*[vals for _, vals in grid]):
        params = dict(zip(keys, combo))
        over: dict[str, dict] = {}
        for k, v in params.items():
            table, name = k.split(".")
            over.setdefault(table, {})[name] = v
        try:
            cfg = make_config(over, base=base)
        except ConfigError as e:
            raise ConfigError(f"grid cell {cell_text(params)}: {e}") from None
        for seed in (seeds if seeds is not None else [None]):
            out.append((params, seed, resolve_config(cfg, seed=seed)))
    return out


def describe_value(v) -> str:
    """A grid value as people write it: ``0.001``, ``16x16``, ``tanh``."""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, list):
        return "x".join(str(w) for w in v) or "none"
    return str(v)


def _short(key: str, keys: Sequence[str]) -> str:
    name = key.split(".")[-1]  # a function sweep's keys are plain keyword names
    return name if sum(k.split(".")[-1] == name for k in keys) == 1 else key


def cell_text(params: dict, seed=None) -> str:
    """A run in words, e.g. ``lr=0.01 hidden=16x16 seed=3`` (messages, labels)."""
    keys = list(params)
    parts = [f"{_short(k, keys)}={describe_value(v)}" for k, v in params.items()]
    return " ".join(parts + ([f"seed={seed}"] if seed is not None else []))


def run_name(params: dict, seed, keys: Sequence[str]) -> str:
    """A run's file stem, e.g. ``lr=0.01_l2=0.001_seed=0``: readable, safe in any file system."""
    parts = [f"{_short(k, keys)}={describe_value(v)}" for k, v in params.items()]
    if seed is not None:
        parts.append(f"seed={seed}")
    stem = "_".join(parts) or "run"
    stem = re.sub(r"[^A-Za-z0-9.=+_-]", "-", stem)
    if len(stem) > 100 or stem.startswith("."):
        digest = hashlib.sha1(json.dumps([params, seed], sort_keys=True, default=str).encode()).hexdigest()[:10]
        stem = stem.lstrip(".")[:80] + "-" + digest
    return stem


def grid_json(grid) -> list:
    return [[k, list(v)] for k, v in grid]
