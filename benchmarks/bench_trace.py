"""Tracing overhead and memory of the tracing trainer.

1. Overhead: the same training (gradient descent, 2,000 steps) as a plain numpy loop with no
   recording, through ``nnviz.train`` with scalars only (``record="none"``), and with every
   tensor of every step recorded (``record="all"``); on seed 003's 2-50-1 moons network and on a
   2-64-64-1 network. Printed as times and ratios to the plain loop, all in this one process.
2. Memory: peak resident memory of a 100,000-step run recording tensors every 100 steps, against
   a 10,000-step run of the same network (each in a fresh subprocess): flat means equal.

    .venv/bin/python benchmarks/bench_trace.py [--quick]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import nnviz
from nnviz.nn import MLP, get_loss, make_optimizer
from nnviz.train import build, resolve_config


def plain_loop(cfg, steps):
    """Training with no recording at all: what the tracer is compared with."""
    dataset, model, loss_name = build(cfg)
    loss = get_loss(loss_name)
    opt = make_optimizer("gd", lr=cfg["train"]["lr"])
    for _ in range(steps + 1):
        bp = model.loss_and_grads(dataset.X, dataset.y, loss)
        opt.step(model.param_list(), MLP.grad_list(bp))
    return bp.loss


def overhead(steps, tmp):
    nets = {
        "moons 2-50-1 (seed 003)": resolve_config("moons", steps=steps),
        "moons 2-64-64-1": resolve_config({"data": {"name": "moons"}, "model": {"hidden": [64, 64], "activation": "relu"},
                                           "train": {"lr": 0.05}}, steps=steps),
    }
    for name, cfg in nets.items():
        t = time.perf_counter()
        plain_loop(cfg, steps)
        t_plain = time.perf_counter() - t
        times = {}
        for record in ("none", "all"):
            t = time.perf_counter()
            tr = nnviz.train(cfg, trace=tmp / f"{record}.h5", record=record)
            times[record] = time.perf_counter() - t
            size = tr.path.stat().st_size / 1e6
            tr.close()
            times[record + "_mb"] = size
        print(f"{name}, {steps} steps: plain loop {t_plain:.2f} s | scalars only {times['none']:.2f} s "
              f"(x{times['none'] / t_plain:.2f}) | every tensor every step {times['all']:.2f} s "
              f"(x{times['all'] / t_plain:.2f}, trace {times['all_mb']:.0f} MB)")


CHILD = """
import resource, sys, nnviz
steps = int(sys.argv[1])
tr = nnviz.train("moons", trace=sys.argv[2], steps=steps, record="every:100", lr=0.01)
print(len(tr.all_steps), len(tr.steps), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def memory(tmp, quick=False):
    for steps in ((2_000, 20_000) if quick else (10_000, 100_000)):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", CHILD, str(steps), str(tmp / f"mem{steps}.h5")],
                             capture_output=True, text=True, check=True).stdout.split()
        n_steps, n_rec, rss_kb = int(out[0]), int(out[1]), int(out[2])
        size = (tmp / f"mem{steps}.h5").stat().st_size / 1e6
        print(f"{steps:>7} steps, tensors every 100 ({n_rec} recorded): peak memory {rss_kb / 1024:.0f} MB, "
              f"trace {size:.0f} MB, {time.perf_counter() - t:.1f} s")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller runs")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nnviz-bench-"))
    overhead(500 if args.quick else 2000, tmp)
    memory(tmp, args.quick)


if __name__ == "__main__":
    main()
