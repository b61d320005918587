"""Loss-landscape speed: the 61 x 61 surface of seed 003's moons network (2-50-1, 100 points).

nnviz: :func:`nnviz.landscape` (batched matrix products over blocks of grid points, layer 1's
product with X done once). Baseline: the naive loop, one :class:`nnviz.nn.MLP` forward pass and
``MLP.cost`` per grid point (3,721 Python-level passes), on the same plane. Both in this process,
best of ``--repeat``; prints both times and the ratio, and checks they agree.

    .venv/bin/python benchmarks/bench_landscape.py [--repeat 3] [--resolution 61]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

import nnviz
from nnviz.landscape import Surface


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--resolution", type=int, default=61)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nnviz-bench-"))
    trace = nnviz.train("moons", trace=tmp / "moons.h5")
    r = args.resolution
    tn, tb = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        ls = nnviz.landscape(trace, resolution=r)
        tn.append(time.perf_counter() - t)
        surface = Surface.of(trace)
        ga, gb = np.meshgrid(ls.alpha, ls.beta)
        thetas = ls.center + np.column_stack([ga.ravel(), gb.ravel()]) @ ls.directions
        t = time.perf_counter()
        naive = surface.cost_naive(thetas).reshape(r, r)
        tb.append(time.perf_counter() - t)
    tn, tb = min(tn), min(tb)
    err = float(np.max(np.abs(naive - ls.loss)))
    print(f"moons 2-50-1, {r}x{r} surface (pca plane, explained {ls.explained:.1%}): "
          f"nnviz.landscape {tn * 1e3:7.1f} ms (whole call: trace read, PCA, grid, path) | "
          f"naive loop {tb * 1e3:7.1f} ms (grid only) | x{tb / tn:.1f} | largest difference {err:.1e}")
    return tn, tb


if __name__ == "__main__":
    main()
