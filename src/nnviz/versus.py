"""Constructed versus trained: the same width, the same target, two ways to get the weights.

:func:`train_alongside` trains a gradient network with as many hidden neurons as a construction
on samples of the same f, and records the training in a trace (so it animates like any run). With
``from_construction=True`` training starts from the constructed weights instead of random ones,
which shows what gradient descent does to a hand-built solution (it smooths the steps and moves
them to where the error is).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from .approx.core import ConstructedMLP, approximation_error

__all__ = ["Comparison", "train_alongside"]

log = logging.getLogger(__name__)


@dataclass
class Comparison:
    """A construction and a trained network of the same width.

    Attributes
    ----------
    construction : ConstructedMLP
    trace : Trace
        The training run.
    constructed_error, trained_error : (float, float)
        Sup and mean absolute error against f on the construction's interval (trained: at the
        last step).
    """

    construction: ConstructedMLP
    trace: object
    constructed_error: tuple
    trained_error: tuple


def _config(c, hidden, samples, steps, lr, optimizer, seed, record, init):
    from .config import make_config

    a, b = c.interval
    return make_config({
        "name": f"trained like {c.kind} (N = {c.n})",
        "description": f"gradient-trained 1-{hidden}-1 net on {c.name}, the width of the {c.kind} construction",
        "data": {"name": "function", "target": c.source or "callable", "n": samples, "interval": [a, b]},
        "model": {"hidden": [hidden], "activation": "relu" if c.kind == "relu" else "sigmoid",
                  "output": "sigmoid" if c.output == "inverse-sigmoid" else "identity"},
        "init": init,
        "train": {"loss": "mse", "optimizer": optimizer, "lr": lr, "steps": steps, "seed": seed, "record": record},
    })


def train_alongside(construction: ConstructedMLP, trace=None, steps: int = 3000, lr: float = 0.01,
                    optimizer: str = "adam", from_construction: bool = False, samples: int = 200, seed: int = 0,
                    record: str = "auto") -> Comparison:
    """Train a network as wide as ``construction`` on the same target and compare the two.

    Parameters
    ----------
    construction : ConstructedMLP
        From :func:`~nnviz.approx.bump_network` or :func:`~nnviz.approx.relu_network`.
    trace : str or Path, optional
        Where to record the training (default: nnviz's trace cache).
    steps, lr, optimizer : training settings (full-batch; Adam by default).
    from_construction : bool
        Start from the constructed weights instead of a Glorot initialisation.
    samples : int
        Evenly spaced training points of f on the construction's interval.
    seed : int
        Seed of the initialisation (unused when starting from the construction).
    record : str
        Recording schedule of the trace.

    Returns
    -------
    Comparison
    """
    from .data import function1d
    from .train import train

    c = construction.construction
    hidden = construction.sizes[1]
    if len(construction.sizes) != 3:
        raise ValueError("train_alongside compares 1-D constructions with one hidden layer")
    if from_construction or c.source is None:
        cfg = _config(c, hidden, samples, steps, lr, optimizer, seed, record, {"weights": "glorot", "seed": seed})
        start = construction.copy() if from_construction else None
        dataset = function1d(c.f, n=samples, interval=c.interval)
        tr = train(cfg, trace=trace, dataset=dataset, start=start)
    else:
        cfg = _config(c, hidden, samples, steps, lr, optimizer, seed, record, {"weights": "glorot", "seed": seed})
        tr = train(cfg, trace=trace)
    if tr.diverged:
        raise ValueError(f"training the network alongside diverged: {tr.message}")
    built = approximation_error(construction, c.f, c.interval)
    trained = approximation_error(tr.model_at(tr.final_step), c.f, c.interval)
    log.info("constructed sup %.4g mean %.4g; trained sup %.4g mean %.4g", *built, *trained)
    return Comparison(construction, tr, built, trained)
