"""Named experiments reproducing the exercises of the course material (the seeds).

``nnviz presets`` lists them; ``nnviz train NAME --dump-config`` prints one as editable TOML.
Each preset is a partial config (see :mod:`nnviz.config`) with a one-line description and the seed
exercise it comes from.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .config import make_config

__all__ = ["Preset", "PRESETS", "get_preset", "PresetError"]


class PresetError(ValueError):
    """An unknown preset name; the message lists the valid ones."""


@dataclass(frozen=True)
class Preset:
    name: str
    seed: str  # which seed exercise, e.g. "003 moons homework"
    description: str
    config: dict = field(default_factory=dict)


PRESETS: dict[str, Preset] = {}


def _add(name, seed, description, **config):
    config = {"name": name, "description": description, **config}
    PRESETS[name] = Preset(name, seed, description, config)


SQRT_HALF = 0.5**0.5

# ---------------------------------------------------------------- seed 003
_add(
    "moons", "003 moons homework",
    "2-50-1 ReLU net, no output bias, perceptron error, gradient descent lr 0.1, 128 steps",
    data={"name": "moons", "n": 100, "noise": 0.0, "seed": 0},
    model={"hidden": [50], "activation": "relu", "output": "identity", "output_bias": False},
    # w ~ N(0, 1/2), b ~ N(0, 1), v ~ N(0, 1/50)  (variances; numpy takes standard deviations)
    init={"weights": "normal", "sigma": [SQRT_HALF, 50**-0.5], "bias": "normal", "bias_sigma": 1.0, "seed": 0},
    train={"loss": "perceptron", "optimizer": "gd", "lr": 0.1, "steps": 128, "record": "log2"},
)

# ---------------------------------------------------------------- seed 001
for _act in ("identity", "relu"):
    for _n in (1, 2):
        _add(
            f"xor-{_act}-{_n}", "001 exercise 2 (XOR)",
            f"XOR with one hidden layer of {_n} {_act} neuron{'s' if _n > 1 else ''}, sigmoid output, "
            "cross-entropy, Adam" + (" (init seed 8 escapes the 75% local minimum most seeds reach)"
                                     if (_act, _n) == ("relu", 2) else ""),
            data={"name": "xor", "n": 200, "noise": 0.35, "seed": 0, "encoding": "01"},
            model={"hidden": [_n], "activation": _act, "output": "sigmoid"},
            init={"weights": "glorot", "seed": 8},
            train={"loss": "bce", "optimizer": "adam", "lr": 0.05, "steps": 300},
        )
_add(
    "xor", "001 exercise 2 (XOR)",
    "XOR solved: 4 tanh neurons, sigmoid output, cross-entropy, Adam",
    data={"name": "xor", "n": 200, "noise": 0.35, "seed": 0, "encoding": "01"},
    model={"hidden": [4], "activation": "tanh", "output": "sigmoid"},
    init={"weights": "glorot", "seed": 0},
    train={"loss": "bce", "optimizer": "adam", "lr": 0.05, "steps": 300},
)

# ---------------------------------------------------------------- seed 000
_add(
    "sample131", "000 first network (one sample)",
    "1-3-1 sigmoid net on the single sample x=0.5, y=sin(1), half squared error, lr 0.5",
    data={"name": "single_sample"},
    model={"hidden": [3], "activation": "sigmoid", "output": "identity"},
    init={"weights": "normal", "sigma": 1.0, "bias": "normal", "bias_sigma": 1.0, "seed": 0},
    train={"loss": "half_sse", "optimizer": "gd", "lr": 0.5, "steps": 60, "record": "all"},
)
_add(
    "sin2x", "000 more samples",
    "1-3-1 sigmoid net fitting sin(2x) on 200 points of [-1, 1], half squared error",
    data={"name": "sin2x", "n": 200},
    model={"hidden": [3], "activation": "sigmoid", "output": "identity"},
    init={"weights": "normal", "sigma": 1.0, "bias": "normal", "bias_sigma": 1.0, "seed": 0},
    train={"loss": "half_sse", "optimizer": "gd", "lr": 0.01, "steps": 2000},
)
_add(
    "sin2x-tanh", "000 more samples (the compact code)",
    "1-10-1 tanh net, U(0,1) weights, 0.1 biases, lr 1e-4, 5000 iterations, on sin(2x)",
    data={"name": "sin2x", "n": 200},
    model={"hidden": [10], "activation": "tanh", "output": "identity"},
    init={"weights": "uniform", "low": 0.0, "high": 1.0, "bias": 0.1, "seed": 0},
    train={"loss": "half_sse", "optimizer": "gd", "lr": 1e-4, "steps": 5000},
)

# ---------------------------------------------------------------- more 2-D classifiers
_add(
    "circles", "001 (a ring around a disc)",
    "two concentric circles, 2-4-1 tanh net, gradient descent",
    data={"name": "circles", "n": 200, "noise": 0.08, "seed": 0, "encoding": "pm1"},
    model={"hidden": [4], "activation": "tanh", "output": "tanh"},
    init={"weights": "glorot", "seed": 0},
    train={"loss": "mse", "optimizer": "gd", "lr": 0.5, "steps": 300},
)
_add(
    "spiral", "001 (spiral, where local minima live)",
    "two interleaved spirals, 2-16-16-1 tanh net, Adam",
    data={"name": "spiral", "n": 300, "noise": 0.05, "seed": 0, "encoding": "pm1"},
    model={"hidden": [16, 16], "activation": "tanh", "output": "tanh"},
    init={"weights": "glorot", "seed": 0},
    train={"loss": "mse", "optimizer": "adam", "lr": 0.02, "steps": 600},
)
_add(
    "blobs3", "001 exercise 6 (multiclass)",
    "three Gaussian classes, 2-8-3 tanh net, softmax output, cross-entropy",
    data={"name": "gaussians", "n": 300, "centers": 3, "seed": 0},
    model={"hidden": [8], "activation": "tanh", "output": "softmax"},
    init={"weights": "glorot", "seed": 0},
    train={"loss": "cross_entropy", "optimizer": "adam", "lr": 0.05, "steps": 200},
)


def get_preset(name: str) -> dict:
    """The complete config of a preset; an unknown name raises :class:`PresetError`."""
    if name not in PRESETS:
        close = difflib.get_close_matches(name, PRESETS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise PresetError(f"unknown preset {name!r}{hint}; valid presets: {', '.join(PRESETS)}")
    return make_config(PRESETS[name].config)


# ---------------------------------------------------------------- contributed sections
# Presets of the function-approximation, backprop and gallery modules are appended below, one
# marked section per module (edit only your own section).
