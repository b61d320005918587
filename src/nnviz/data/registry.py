"""Data sets by name: what the trainer calls with the ``[data]`` table of a config.

>>> ds = make_dataset("moons", n=100, noise=0.1, seed=0)
>>> ds = make_dataset("function", target="sin10x", n=200)
>>> ds = make_dataset("sin2x")          # every named target is also a data set
"""

from __future__ import annotations

import inspect
from functools import partial
from typing import Any, Callable

from .dataset import Dataset
from .functions import TARGETS, function1d, single_sample
from .features import add_features, check_features
from .loaders import digits, from_csv
from .ode import ode_decay
from .synthetic import above, circles, gaussians, harder, linear, moons, spiral, xor

__all__ = ["DATASETS", "make_dataset", "dataset_parameters"]

DATASETS: dict[str, Callable[..., Dataset]] = {
    "moons": moons,
    "circles": circles,
    "xor": xor,
    "spiral": spiral,
    "gaussians": gaussians,
    "linear": linear,
    "harder": harder,
    "above": above,
    "function": function1d,
    "single_sample": single_sample,
    "digits": digits,
    "csv": from_csv,
    "ode": ode_decay,
}
DATASETS.update({name: partial(function1d, name) for name in TARGETS})   # "sin2x", "sin10x", "seed004"


def _lookup(name: str) -> Callable[..., Dataset]:
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; valid names: {', '.join(DATASETS)}")
    return DATASETS[name]


def dataset_parameters(name: str) -> dict[str, Any]:
    """Parameters of data set `name` with their defaults (``inspect.Parameter.empty`` if required).

    >>> dataset_parameters("moons")["noise"]
    0.0
    """
    return {p.name: p.default for p in inspect.signature(_lookup(name)).parameters.values()}


def make_dataset(name: str, **params: Any) -> Dataset:
    """Build the data set called `name` with keyword `params`, checking both first.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`.
    **params
        Keyword arguments of that data set's function (see :func:`dataset_parameters`), and
        ``features``, for any data set: names of features appended to X (see
        :mod:`nnviz.data.features`).

    Returns
    -------
    Dataset

    Raises
    ------
    ValueError
        For an unknown name (listing the valid ones), an unknown parameter
        (listing the accepted ones) or a missing required parameter.
    """
    factory = _lookup(name)
    features = check_features(params.pop("features", None))
    accepted = dataset_parameters(name)
    for key in params:
        if key not in accepted:
            raise ValueError(f"data set {name!r} has no parameter {key!r}; "
                             f"accepted: {', '.join(accepted) or '(none)'}")
    for key, default in accepted.items():
        if default is inspect.Parameter.empty and key not in params:
            raise ValueError(f"data set {name!r} needs the parameter {key!r}")
    return add_features(factory(**params), features)
