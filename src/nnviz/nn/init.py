"""Weight initialisers, in one name table.

Each initialiser fills ``W[l]`` (shape (n_{l-1}, n_l)) for every layer ``l = 1..L``; biases are set
separately (a constant, or normal with a per-layer sigma). All draws come from one random stream,
layer by layer, weights before biases (W[1], b[1], W[2], b[2], ...), so a seed fixes everything.

The stream is ``numpy.random.default_rng(seed)`` (``stream="default"``), or numpy's legacy stream
``numpy.random.RandomState(seed)`` (``stream="legacy"``): the numbers ``numpy.random.seed(seed)``
followed by ``numpy.random.normal(...)`` calls give, as the course notebooks draw them. A notebook
that seeds once and draws its data set first (seed 003: ``numpy.random.seed(0)``, make_moons'
shuffle, then W, B, V) is followed by passing the data set's stream itself as ``seed``.

=============  ==============================================================  ==========
name           W[l] drawn from                                                  seed
=============  ==============================================================  ==========
``normal``     N(0, sigma_l^2), ``sigma`` a number or one per layer              003
``uniform``    U(low, high) (default U(0, 1))                                    000
``glorot``     U(-eps, eps), eps = gain * sqrt(2 / (n_{l-1} + n_l)), gain 1      001
``he``         N(0, 2 / n_{l-1})
``randn``      N(0, 1) (numpy.random.randn)                                      002
``truncated``  N(0, sigma^2) redrawn beyond 2 sigma (TensorFlow's               002 (CNN)
               ``truncated_normal``)
=============  ==============================================================  ==========

A :class:`~nnviz.nn.conv.CNN` is initialised the same way, over its layers with parameters (conv
filters of shape (F, C, kh, kw), dense weights (n_in, n_out)); layers without parameters are skipped.
``bias`` may also list one value per layer with parameters, where ``"weights"`` draws that bias like
the weights (seed 002's CNN draws its conv bias with ``weight_variable``, the others are 0.1).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .mlp import MLP

__all__ = ["INITIALIZERS", "STREAMS", "initialize", "random_stream"]

#: The random streams a seed can start: name -> constructor.
STREAMS = {"default": np.random.default_rng, "legacy": np.random.RandomState}


def random_stream(seed, stream: str = "default"):
    """The generator an initialiser (or a data set) draws from.

    Parameters
    ----------
    seed : int, numpy.random.Generator or numpy.random.RandomState
        A seed, or a generator to continue (used as it is, whatever ``stream`` says).
    stream : {"default", "legacy"}
        ``numpy.random.default_rng(seed)`` or ``numpy.random.RandomState(seed)`` (the legacy
        global stream of ``numpy.random.seed``).
    """
    if isinstance(seed, (np.random.Generator, np.random.RandomState)):
        return seed
    if stream not in STREAMS:
        raise ValueError(f"unknown random stream {stream!r}; choose one of: {', '.join(STREAMS)}")
    return STREAMS[stream](seed)


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


def _truncated(rng, shape, l, L, sigma=0.1, **_):
    """N(0, sigma^2), every value beyond 2 sigma drawn again (TensorFlow's truncated_normal)."""
    s = _per_layer(sigma, L, "sigma")[l - 1]
    w = rng.normal(0.0, s, shape)
    bad = np.abs(w) > 2 * s
    while bad.any():
        w[bad] = rng.normal(0.0, s, int(bad.sum()))
        bad = np.abs(w) > 2 * s
    return w


#: Name table: initialiser name -> function(rng, shape, l, L, **options) -> W[l].
INITIALIZERS = {"normal": _normal, "uniform": _uniform, "glorot": _glorot, "he": _he, "randn": _randn,
                "truncated_normal": _truncated}
_OPTIONS = {"sigma", "low", "high", "gain"}
#: The options each initialiser reads, with their defaults (what ``--dump-config`` writes).
OPTION_DEFAULTS = {"normal": {"sigma": 1.0}, "uniform": {"low": 0.0, "high": 1.0}, "glorot": {"gain": 1.0},
                   "he": {}, "randn": {}, "truncated_normal": {"sigma": 0.1}}


def initialize(model: MLP, weights: str = "glorot", seed=0, bias: float | str = 0.0,
               bias_sigma: float | Sequence[float] = 1.0, stream: str = "default", **options) -> MLP:
    """Draw all parameters of ``model`` in place and return it.

    Parameters
    ----------
    model : MLP or CNN
    weights : str
        Name in :data:`INITIALIZERS`.
    seed : int or numpy random generator
        Seed of the stream used for every draw, or a generator to continue (see :func:`random_stream`).
    bias : float, "normal" or list
        A constant for every bias (seed 000: 0.1, seed 002: 0.01), or ``"normal"`` to draw
        ``b[l] ~ N(0, bias_sigma_l^2)`` (seed 003: N(0, 1)), or one such value per layer with
        parameters, where ``"weights"`` draws the bias with the weights' initialiser.
    bias_sigma : float or sequence of float
        Standard deviation(s) when ``bias="normal"``.
    stream : {"default", "legacy"}
        Which stream an integer seed starts: ``numpy.random.default_rng`` or numpy's legacy
        ``RandomState`` (``numpy.random.seed``).
    **options
        ``sigma`` (normal), ``low``/``high`` (uniform), ``gain`` (glorot).
    """
    if weights not in INITIALIZERS:
        raise ValueError(f"unknown initializer {weights!r}; choose one of: {', '.join(INITIALIZERS)}")
    unknown = set(options) - _OPTIONS
    if unknown:
        raise ValueError(f"unknown initializer option(s) {sorted(unknown)}; valid: {sorted(_OPTIONS)}")
    rng = random_stream(seed, stream)
    layers = [l for l in range(1, model.L + 1) if model.W[l] is not None]  # a CNN's pooling has none
    L = len(layers)
    biases = list(bias) if isinstance(bias, (list, tuple)) else [bias] * L
    if len(biases) != L:
        raise ValueError(f"bias lists {len(biases)} values for {L} layers with parameters")
    for i, (l, bias_l) in enumerate(zip(layers, biases), start=1):
        model.W[l] = INITIALIZERS[weights](rng, model.W[l].shape, i, L, **options)
        if model.b[l] is None:
            continue
        shape = model.b[l].shape
        if bias_l == "normal":
            model.b[l] = rng.normal(0.0, _per_layer(bias_sigma, L, "bias_sigma")[i - 1], shape)
        elif bias_l == "weights" and isinstance(bias, (list, tuple)):
            model.b[l] = INITIALIZERS[weights](rng, shape, i, L, **options)
        elif isinstance(bias_l, str) or isinstance(bias_l, bool) or not isinstance(bias_l, (int, float)):
            raise ValueError(f"bias must be a number or 'normal' (or a list with 'weights'), got {bias_l!r}")
        else:
            model.b[l] = np.full(shape, float(bias_l))
    return model
