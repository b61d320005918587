"""Sweeps: many training runs of one config over a grid of settings and init seeds, one picture.

>>> import nnviz
>>> table = nnviz.sweep("moons", grid={"lr": "0.01,0.1,1", "hidden": [4, 16]}, seeds=3,
...                     out="sweep/")                                          # doctest: +SKIP
>>> [(r["train.lr"], r["model.hidden"], r["seed"], r["accuracy"]) for r in table]  # doctest: +SKIP

* :mod:`~nnviz.sweeps.grid` -- grid keys and values, the cells.
* :mod:`~nnviz.sweeps.core` -- :func:`sweep`, resume, the presets.
* :mod:`~nnviz.sweeps.functions` -- sweeps of your own training function ``fn(trace, seed, **values)``.
* :mod:`~nnviz.sweeps.index` -- the index file.
* :mod:`~nnviz.sweeps.backends` -- local process pool, Dask, in-process.
* :mod:`~nnviz.sweeps.worker` -- one run, in a worker.

The pictures are :mod:`nnviz.render.sweep`.
"""

from .backends import BACKENDS, SweepError, available_cores
from .core import SEED002_ETAS, SEED002_LAMBDAS, SWEEP_PRESETS, resolve_sweep, sweep
from .table import SweepTable, load_sweep
from .index import SweepIndexError, read_index

__all__ = ["sweep", "SweepTable", "load_sweep", "SWEEP_PRESETS", "SweepError", "SweepIndexError", "read_index",
           "BACKENDS", "available_cores", "resolve_sweep", "SEED002_ETAS", "SEED002_LAMBDAS"]
