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


def _spin(n=3_000_000):
    x = 0
    for i in range(n):
        x += i
    return x


def machine_parallelism(jobs: int) -> float:
    """How many times more work ``jobs`` processes get done than one, right now (the ceiling of
    any speed-up on a shared machine): a pure-Python loop, alone and ``jobs`` at once."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_spin, [1000] * jobs))  # workers started
        t0 = time.perf_counter()
        list(pool.map(_spin, [3_000_000]))
        one = time.perf_counter() - t0
        t0 = time.perf_counter()
        list(pool.map(_spin, [3_000_000] * jobs))
        many = time.perf_counter() - t0
    return jobs * one / many


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
    cluster = client = None
    if not args.no_dask:
        try:
            from distributed import Client, LocalCluster

            logging.getLogger("distributed").setLevel(logging.WARNING)  # after its import, which sets INFO
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
            _once(root / "warm", 1, backend="dask", scheduler=client)  # workers import nnviz once
        except ImportError:
            print("dask: not installed (pip install 'nnviz[dask]')")
    seq, loc, dsk, par = [], [], [], []
    for _ in range(args.repeat):  # interleaved: each backend sees the same machine load
        par.append(machine_parallelism(jobs))
        seq.append(_once(root / "seq", args.steps, jobs=1))
        loc.append(_once(root / "local", args.steps, jobs=jobs))
        if client is not None:
            dsk.append(_once(root / "dask", args.steps, backend="dask", scheduler=client))
    best = lambda runs: min(runs, key=lambda r: r[0])  # noqa: E731
    (s_wall, s_sum, s_table), (l_wall, l_sum, l_table) = best(seq), best(loc)
    walls = lambda runs: ", ".join(f"{w:.2f}" for w, _, _ in runs)  # noqa: E731
    print(f"16 runs of digits 64-50-10, {args.steps} steps each, {jobs} workers on {available_cores()} cores")
    print(f"  machine right now : {jobs} processes do x{max(par):.2f} the work of one (pure-Python loop; "
          f"all repeats {', '.join(f'{p:.2f}' for p in par)}): the ceiling of any speed-up")
    print(f"  one after another : {s_wall:7.2f} s  (runs' own time {s_sum:.2f} s; repeats {walls(seq)})")
    print(f"  local pool        : {l_wall:7.2f} s  (runs' own time {l_sum:.2f} s; repeats {walls(loc)})")
    print(f"  speed-up          : x{s_wall / l_wall:.2f}")
    print(f"  local overhead    : {(l_wall * jobs - l_sum) / 16 * 1000:.0f} ms a run")
    print(f"  same final losses : {all(a['loss'] == b['loss'] for a, b in zip(s_table, l_table))}")
    if client is not None:
        d_wall, d_sum, _ = best(dsk)
        t_wall, t_sum, _ = _once(root / "dask1", 1, backend="dask", scheduler=client)
        u_wall, u_sum, _ = _once(root / "local1", 1, jobs=jobs)
        print(f"  dask LocalCluster : {d_wall:7.2f} s  (runs' own time {d_sum:.2f} s; repeats {walls(dsk)}); "
              f"x{s_wall / d_wall:.2f} against one after another, overhead {(d_wall * jobs - d_sum) / 16 * 1000:.0f} ms a run")
        print(f"  1-step runs       : dask {t_wall / 16 * 1000:.0f} ms a run ({(t_wall * jobs - t_sum) / 16 * 1000:.0f} ms "
              f"overhead), local pool {u_wall / 16 * 1000:.0f} ms a run ({(u_wall * jobs - u_sum) / 16 * 1000:.0f} ms, "
              "pool start included)")
        client.close()
        cluster.close()
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
