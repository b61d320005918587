"""Experiment configuration: a nested dict of plain values, read from and written to TOML.

A config has five tables. Every key has a default, so a config only states what differs::

    [data]      name = "moons", plus the data set's own parameters (n, noise, seed, ...)
    [model]     hidden = [50], activation = "relu", output = "identity", output_bias = false
    [init]      weights = "normal", sigma = [...], bias = "normal", bias_sigma = 1.0, seed = 0,
                stream = "default" | "legacy" | "data"
    [train]     loss, l2, optimizer, lr, momentum, batch_size, steps, seed, record, probe

``init.stream`` says which random stream the seed starts: ``numpy.random.default_rng`` ("default"),
numpy's legacy ``numpy.random.seed`` stream ("legacy"), or the data set's own stream, continued
after the data set's draws ("data": a notebook that seeds once, draws its data, then its weights;
the data set must use ``stream = "legacy"`` and the same seed).

``nnviz train PRESET --dump-config`` prints a complete, editable one: :func:`complete_config` writes
out every setting the run uses (the data set's parameters with their defaults, the label encoding,
the initialiser's options), so editing one line never silently changes another.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import tomllib

__all__ = ["ConfigError", "DEFAULTS", "LIMITS", "make_config", "complete_config", "load_config", "dump_toml",
           "config_to_json"]


class ConfigError(ValueError):
    """A config that cannot be used; the message names the key or the line."""


#: Every key a config may have, with its default. ``[data]`` also takes the data set's own
#: parameters (checked by :func:`nnviz.data.make_dataset`); ``[init]`` takes the initialiser's.
DEFAULTS: dict[str, Any] = {
    "name": "custom",
    "description": "",
    "data": {"name": "moons"},
    "model": {"hidden": [8], "activation": "tanh", "output": "auto", "output_bias": True},
    "init": {"weights": "glorot", "seed": 0, "bias": 0.0, "bias_sigma": 1.0, "stream": "default"},
    "train": {
        "loss": "auto",
        "l2": 0.0,
        "optimizer": "gd",
        "lr": 0.1,
        "momentum": 0.9,
        "beta1": 0.9,
        "beta2": 0.999,
        "batch_size": 0,
        "steps": 200,
        "seed": 0,
        "record": "auto",
        "probe": 512,
        "max_trace_gb": 4.0,
    },
}
#: Plausibility bounds, checked before anything is allocated (far above the course's networks).
LIMITS = {"steps": 100_000_000, "width": 100_000, "params": 100_000_000, "samples": 10_000_000}
_OPEN_TABLES = {"data", "init"}  # may hold extra keys, validated downstream
#: Keys without a default: ``model.layers``, a convolutional network's layer list (nnviz.nn.conv),
#: which replaces ``hidden``, ``activation``, ``output`` and ``output_bias``.
_OPTIONAL = {("model.", "layers")}
_MLP_ONLY = ("hidden", "activation", "output", "output_bias")
_TYPES = {
    ("train", "steps"): int, ("train", "batch_size"): int, ("train", "probe"): int,
    ("train", "seed"): int, ("init", "seed"): int, ("train", "lr"): float, ("train", "l2"): float,
    ("train", "momentum"): float, ("train", "beta1"): float, ("train", "beta2"): float,
    ("train", "max_trace_gb"): float,
}


def _merge(base: dict, over: dict, where: str = "") -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        path = f"{where}{key}"
        if isinstance(out.get(key), dict):
            if not isinstance(value, dict):
                raise ConfigError(f"'{path}' must be a table, got {value!r}")
            table = where.rstrip(".") or key
            if key in _OPEN_TABLES:
                out[key].update(copy.deepcopy(value))
            else:
                out[key] = _merge(out[key], value, path + ".")
        elif key not in base and where.rstrip(".") not in _OPEN_TABLES and (where, key) not in _OPTIONAL:
            valid = ", ".join(f"{where}{k}" for k in base)
            raise ConfigError(f"unknown key '{path}'; valid keys here: {valid}")
        else:
            out[key] = copy.deepcopy(value)
    return out


def make_config(overrides: dict | None = None, base: dict | None = None) -> dict:
    """A complete config: ``base`` (default :data:`DEFAULTS`) updated with ``overrides``.

    Unknown keys raise :class:`ConfigError` naming the key and the valid ones; numbers are
    checked for type and range.
    """
    cfg = _merge(base or DEFAULTS, overrides or {})
    for (table, key), typ in _TYPES.items():
        value = cfg[table][key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                (typ is int and not (math.isfinite(value) and value == int(value))):
            raise ConfigError(f"'{table}.{key}' must be {'an integer' if typ is int else 'a number'}, got {value!r}")
        cfg[table][key] = typ(value)
    t = cfg["train"]
    if not 0 <= t["steps"] <= LIMITS["steps"]:
        raise ConfigError(f"'train.steps' must be between 0 and {LIMITS['steps']:,}, got {t['steps']}")
    if not (t["lr"] > 0 and math.isfinite(t["lr"])):
        raise ConfigError(f"'train.lr' must be a positive number, got {t['lr']}")
    if not (t["l2"] >= 0 and math.isfinite(t["l2"])):
        raise ConfigError(f"'train.l2' must be a number >= 0, got {t['l2']}")
    for key in ("momentum", "beta1", "beta2"):  # beta2 = 1 would divide by zero in Adam's correction
        if not 0 <= t[key] < 1:
            raise ConfigError(f"'train.{key}' must be at least 0 and below 1, got {t[key]}")
    if t["probe"] < 1:
        raise ConfigError(f"'train.probe' must be >= 1, got {t['probe']}")
    if not t["max_trace_gb"] > 0:
        raise ConfigError(f"'train.max_trace_gb' must be a positive number, got {t['max_trace_gb']}")
    if "layers" in cfg["model"]:
        layers = cfg["model"]["layers"]
        if not (isinstance(layers, list) and layers and all(isinstance(x, dict) for x in layers)):
            raise ConfigError(f"'model.layers' must be a list of tables (one per layer), got {layers!r}")
        for key in _MLP_ONLY:  # a layer list describes the whole network
            cfg["model"].pop(key, None)
        hidden = []
    else:
        hidden = cfg["model"]["hidden"]
    if not isinstance(hidden, list) or not all(isinstance(h, int) and not isinstance(h, bool) and h > 0 for h in hidden):
        raise ConfigError(f"'model.hidden' must be a list of positive integers, got {hidden!r}")
    if any(h > LIMITS["width"] for h in hidden) or sum(a * b for a, b in zip(hidden, hidden[1:])) > LIMITS["params"]:
        raise ConfigError(f"'model.hidden' = {hidden} is far wider than nnviz pictures (at most "
                          f"{LIMITS['width']:,} units a layer and {LIMITS['params']:,} weights)")
    for key, value in cfg["data"].items():
        if key in ("n", "n_test", "n_samples") and isinstance(value, (int, float)) and not isinstance(value, bool):
            if not (math.isfinite(value) and value <= LIMITS["samples"]):
                raise ConfigError(f"'data.{key}' = {value} is more samples than nnviz trains on "
                                  f"(at most {LIMITS['samples']:,})")
    return cfg


def _plain(value) -> bool:
    """Whether a default can be written to TOML (numbers, strings, booleans and lists of them)."""
    if isinstance(value, (bool, int, float, str)):
        return True
    return isinstance(value, (list, tuple)) and all(_plain(v) for v in value)


def complete_config(cfg: dict) -> dict:
    """``cfg`` with every setting it uses written out (a new dict; ``cfg`` is left alone).

    * ``[data]``: every parameter of the data set with its default (parameters without one, or
      whose default is None, i.e. "not set", are left out). A classification set's ``encoding``,
      when not given, is the one the loss needs (``bce``: "01", ``cross_entropy``: "onehot",
      ``perceptron``/``hinge``: "pm1"), else the data set's default.
    * ``[init]``: the chosen initialiser's options (``sigma``, ``low``/``high``, ``gain``).
    """
    import inspect

    from .data import dataset_parameters
    from .nn.init import OPTION_DEFAULTS
    from .nn.losses import LOSSES

    cfg = copy.deepcopy(cfg)
    data = cfg["data"]
    try:
        params = dataset_parameters(data.get("name"))
    except (ValueError, TypeError):
        params = {}  # an unknown data set is reported when it is built
    loss = LOSSES.get(cfg["train"]["loss"])
    if "encoding" in params and data.get("encoding") in (None, "auto") and loss is not None and loss.encodings:
        data["encoding"] = loss.encodings[0]
    for key, default in params.items():
        if key not in data and default is not inspect.Parameter.empty and default is not None and _plain(default):
            data[key] = list(default) if isinstance(default, tuple) else default
    init = cfg["init"]
    for key, default in OPTION_DEFAULTS.get(init.get("weights"), {}).items():
        init.setdefault(key, default)
    return cfg


def load_config(path: str | Path) -> dict:
    """Read a TOML config file; syntax errors name the file, line and column."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as e:
        raise ConfigError(f"cannot read config {path}: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: malformed TOML: {e}") from None
    except RecursionError:
        raise ConfigError(f"{path}: malformed TOML: arrays or tables nested too deeply") from None
    try:
        return make_config(data)
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from None


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # a JSON string is a valid TOML basic string
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):  # an inline table, e.g. one layer of model.layers
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise ConfigError(f"cannot write {v!r} to TOML")


def dump_toml(cfg: dict) -> str:
    """The config as TOML text (top-level keys first, then one table per section)."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in cfg.items() if not isinstance(v, dict)]
    for k, v in cfg.items():
        if isinstance(v, dict):
            lines += ["", f"[{k}]"] + [f"{kk} = {_toml_value(vv)}" for kk, vv in v.items()]
    return "\n".join(lines) + "\n"


def config_to_json(cfg: dict) -> str:
    """The config as JSON (how traces store it: parsed with ``json.loads``, never executed)."""
    return json.dumps(cfg, sort_keys=False)
