"""Benchmark sweeps: a 16-run sweep on the local process pool against the same runs one after another,
and the per-run overhead of the Dask backend on a LocalCluster.

All in one process, so the ratio is measured under the same machine load:

* ``sequential``: ``jobs=1``, every run in this process, one after another;
* ``local``: the process pool with ``--jobs`` workers (default: every core), pool start included;
* ``dask``: the same sweep on a ``LocalCluster`` of ``--jobs`` single-threaded worker processes
  (cluster start not included: a lecturer's cluster is already running);
* overhead per run: ``(wall time x workers - sum of the runs' own seconds) / runs``, and the same
  sweep with 1-step runs, whose wall time is nearly all overhead.

The runs are seed 002's digits network (64-50-10, batches of 100) at 4 learning rates x 4 L2
strengths, ``--steps`` steps each. Repeats alternate sequential and local, and the best of each is
reported (the machine may be shared).

Run: ``python benchmarks/bench_sweep.py [--steps 300] [--jobs N] [--repeat 2] [--no-dask]``
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import time
from pathlib import Path

from nnviz.sweeps import available_cores, sweep

GRID = {"lr": [0.3, 1.0, 3.0, 10.0], "l2": [0.0, 1e-4, 1e-3, 1e-2]}


def _once(out: Path, steps: int, **kw):
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    table = sweep("digits", grid=GRID, out=out, steps=steps, batch_size=100, record="none", **kw)
    wall = time.perf_counter() - t0
    assert len(table) == 16 and all(r["status"] in ("complete", "diverged") for r in table), table.failed()
    return wall, sum(r["seconds"] for r in table), table


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=300, help="steps per run (300: about 1 s on one core)")
    ap.add_argument("--jobs", type=int, default=None, help="workers (default: every core)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    jobs = args.jobs or available_cores()
    root = Path(tempfile.mkdtemp(prefix="nnviz-bench-sweep-"))
    seq, loc = [], []
    for _ in range(args.repeat):
        seq.append(_once(root / "seq", args.steps, jobs=1))
        loc.append(_once(root / "local", args.steps, jobs=jobs))
    (s_wall, s_sum, s_table), (l_wall, l_sum, l_table) = min(seq, key=lambda r: r[0]), min(loc, key=lambda r: r[0])
    print(f"16 runs of digits 64-50-10, {args.steps} steps each, {jobs} workers on {available_cores()} cores")
    print(f"  one after another : {s_wall:7.2f} s  (runs' own time {s_sum:.2f} s)")
    print(f"  local pool        : {l_wall:7.2f} s  (runs' own time {l_sum:.2f} s)")
    print(f"  speed-up          : x{s_wall / l_wall:.2f}   (all repeats: sequential "
          + ", ".join(f"{w:.2f}" for w, _, _ in seq) + "; local " + ", ".join(f"{w:.2f}" for w, _, _ in loc) + ")")
    print(f"  local overhead    : {(l_wall * jobs - l_sum) / 16 * 1000:.0f} ms a run")
    same = all(a["loss"] == b["loss"] for a, b in zip(s_table, l_table))
    print(f"  same final losses : {same}")
    if not args.no_dask:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            print("  dask: not installed (pip install 'nnviz[dask]')")
            return
        with LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            _once(root / "warm", 1, backend="dask", scheduler=client)  # workers import nnviz once
            d_wall, d_sum, _ = _once(root / "dask", args.steps, backend="dask", scheduler=client)
            t_wall, t_sum, _ = _once(root / "dask1", 1, backend="dask", scheduler=client)
            u_wall, u_sum, _ = _once(root / "local1", 1, jobs=jobs)
        print(f"  dask LocalCluster : {d_wall:7.2f} s  (x{s_wall / d_wall:.2f} against one after another); "
              f"overhead {(d_wall * jobs - d_sum) / 16 * 1000:.0f} ms a run")
        print(f"  1-step runs       : dask {t_wall / 16 * 1000:.0f} ms a run ({(t_wall * jobs - t_sum) / 16 * 1000:.0f} ms "
              f"overhead), local pool {u_wall / 16 * 1000:.0f} ms a run ({(u_wall * jobs - u_sum) / 16 * 1000:.0f} ms, "
              "pool start included)")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
