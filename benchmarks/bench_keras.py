"""Recording overhead of nnviz's Keras callback.

Seed 002's digits network, 64-50-10 (sigmoid hidden layer, softmax output, categorical
cross-entropy, SGD), trained with Keras 3 on the PyTorch backend for 10 epochs in minibatches of
100 (150 updates): ``fit`` alone against ``fit`` with ``TraceCallback(record="every:10")``, which
evaluates nnviz's loss and accuracy on the whole training set after every update and records every
tensor every 10th step. The callback is timed two ways: as it runs, recording in a forked process
beside the training (``nnviz.trace.forked``), and with ``NNVIZ_NO_FORK=1``, recording in the
training process. All are timed several times, interleaved, in this one process; the best time of
each is compared (target: at most 1.5x). Reported: the wall clock, the training process's CPU time
(one thread: the work done in the training loop, steadier than the wall clock on a loaded
machine), and the recording process's CPU time.

    KERAS_BACKEND=torch .venv/bin/python benchmarks/bench_keras.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np

try:
    import keras
except ImportError:
    print("bench_keras: skipped (Keras is not installed: pip install 'nnviz[keras]')")
    sys.exit(0)

from nnviz.data import make_dataset
from nnviz.forked import _reap_exited
from nnviz.integrations.keras import TraceCallback


def make_model(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(50, activation="sigmoid"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.1))
    return model


def fit(X, Y, callbacks):
    """Wall-clock seconds, CPU seconds of this process and of its finished children, of one fit."""
    model = make_model(0)
    t, c, r = time.perf_counter(), time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    model.fit(X, Y, epochs=10, batch_size=100, shuffle=False, verbose=0, callbacks=callbacks)
    wall = time.perf_counter() - t
    _reap_exited(wait=True)  # the recording process, done, may still be exiting: its CPU counts once reaped
    r2 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (wall, time.process_time() - c,
            (r2.ru_utime + r2.ru_stime) - (r.ru_utime + r.ru_stime))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="timings of each kind (the best one counts)")
    args = ap.parse_args(argv)
    if keras.backend.backend() == "torch":
        import torch

        # a 64-50-10 network gains nothing from threads, and on a shared 2-core machine torch's
        # OpenMP threads, preempted, make fit's time swing tenfold: one thread, for both runs
        torch.set_num_threads(1)
    ds = make_dataset("digits")
    X, Y = ds.X, ds.y  # inputs scaled as nnviz's digits preset, one-hot targets
    print(f"digits: {len(X)} training samples, 64-50-10, 10 epochs of {-(-len(X) // 100)} minibatches "
          f"(keras {keras.__version__}, backend {keras.backend.backend()}, one thread)")
    from bench_sweep import machine_parallelism

    par = [machine_parallelism(2)]
    fit(X, Y, [])  # warm-up: Keras and torch set themselves up on the first fit
    runs = {"fit alone": [], "+ TraceCallback, forked": [], "+ TraceCallback, in process": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            runs["fit alone"].append(fit(X, Y, []))
            for name, no_fork in (("+ TraceCallback, forked", None), ("+ TraceCallback, in process", "1")):
                if no_fork:
                    os.environ["NNVIZ_NO_FORK"] = no_fork
                cb = TraceCallback(Path(tmp) / "bench.h5", X, Y, record="every:10")
                runs[name].append(fit(X, Y, [cb]))
                os.environ.pop("NNVIZ_NO_FORK", None)
                tr = cb.trace
                n_steps, n_tensors = len(tr.all_steps), len(tr.steps)
                tr.close()
    par.append(machine_parallelism(2))
    print(f"machine right now: 2 processes do x{min(par):.2f}-x{max(par):.2f} the work of one (before and after; "
          "the recording beside fit needs the second core)")
    print(f"TraceCallback: {n_steps} steps, tensors at {n_tensors}; best of {args.repeat}, "
          f"wall | training process CPU | recording process CPU")
    base = min(t[0] for t in runs["fit alone"]), min(t[1] for t in runs["fit alone"])
    for name, times in runs.items():
        wall, cpu, child = (min(t[i] for t in times) for i in range(3))
        print(f"  {name:<28} {wall:.3f} s x{wall / base[0]:.2f} | {cpu:.3f} s x{cpu / base[1]:.2f} | {child:.3f} s"
              + ("   (target <= 1.5)" if name != "fit alone" else ""))
    print("all wall timings: " + "; ".join(f"{name} " + ", ".join(f"{t[0]:.2f}" for t in times)
                                            for name, times in runs.items()))


if __name__ == "__main__":
    main()
