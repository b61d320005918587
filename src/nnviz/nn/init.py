"""Weight initialisers, in one name table.

Each initialiser fills ``W[l]`` (shape (n_{l-1}, n_l)) for every layer ``l = 1..L``; biases are set
separately (a constant, or normal with a per-layer sigma). All draws come from one
``numpy.random.Generator``, layer by layer, weights before biases, so a seed fixes everything.

=============  ==============================================================  ==========
name           W[l] drawn from                                                  seed
=============  ==============================================================  ==========
``normal``     N(0, sigma_l^2), ``sigma`` a number or one per layer              003
``uniform``    U(low, high) (default U(0, 1))                                    000
``glorot``     U(-eps, eps), eps = gain * sqrt(2 / (n_{l-1} + n_l)), gain 1      001
``he``         N(0, 2 / n_{l-1})
``randn``      N(0, 1) (numpy.random.randn)                                      002
=============  ==============================================================  ==========
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .mlp import MLP

__all__ = ["INITIALIZERS", "initialize"]


def _per_layer(value, L, what):
    """A number, or one number per layer, as a list of L floats."""
    if np.ndim(value) == 0:
        return [float(value)] * L
    value = [float(v) for v in value]
    if len(value) != L:
        raise ValueError(f"{what} needs one value per layer ({L}), got {len(value)}")
    return value


def _normal(rng, shape, l, L, sigma=1.0, **_):
    return rng.normal(0.0, _per_layer(sigma, L, "sigma")[l - 1], shape)


def _uniform(rng, shape, l, L, low=0.0, high=1.0, **_):
    return rng.uniform(low, high, shape)


def _glorot(rng, shape, l, L, gain=1.0, **_):
    eps = gain * np.sqrt(2.0 / (shape[0] + shape[1]))
    return rng.uniform(-eps, eps, shape)


def _he(rng, shape, l, L, **_):
    return rng.normal(0.0, np.sqrt(2.0 / shape[0]), shape)


def _randn(rng, shape, l, L, **_):
    return rng.standard_normal(shape)


#: Name table: initialiser name -> function(rng, shape, l, L, **options) -> W[l].
INITIALIZERS = {"normal": _normal, "uniform": _uniform, "glorot": _glorot, "he": _he, "randn": _randn}
_OPTIONS = {"sigma", "low", "high", "gain"}


def initialize(model: MLP, weights: str = "glorot", seed: int = 0, bias: float | str = 0.0,
               bias_sigma: float | Sequence[float] = 1.0, **options) -> MLP:
    """Draw all parameters of ``model`` in place and return it.

    Parameters
    ----------
    model : MLP
    weights : str
        Name in :data:`INITIALIZERS`.
    seed : int
        Seed of the ``numpy.random.default_rng`` used for every draw.
    bias : float or "normal"
        A constant for every bias (seed 000: 0.1, seed 002: 0.01), or ``"normal"`` to draw
        ``b[l] ~ N(0, bias_sigma_l^2)`` (seed 003: N(0, 1)).
    bias_sigma : float or sequence of float
        Standard deviation(s) when ``bias="normal"``.
    **options
        ``sigma`` (normal), ``low``/``high`` (uniform), ``gain`` (glorot).
    """
    if weights not in INITIALIZERS:
        raise ValueError(f"unknown initializer {weights!r}; choose one of: {', '.join(INITIALIZERS)}")
    unknown = set(options) - _OPTIONS
    if unknown:
        raise ValueError(f"unknown initializer option(s) {sorted(unknown)}; valid: {sorted(_OPTIONS)}")
    rng = np.random.default_rng(seed)
    L = model.L
    for l in range(1, L + 1):
        model.W[l] = INITIALIZERS[weights](rng, model.W[l].shape, l, L, **options)
        if model.b[l] is None:
            continue
        if bias == "normal":
            model.b[l] = rng.normal(0.0, _per_layer(bias_sigma, L, "bias_sigma")[l - 1], model.sizes[l])
        elif isinstance(bias, str):
            raise ValueError(f"bias must be a number or 'normal', got {bias!r}")
        else:
            model.b[l] = np.full(model.sizes[l], float(bias))
    return model
