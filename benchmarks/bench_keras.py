"""Recording overhead of nnviz's Keras callback.

Seed 002's digits network, 64-50-10 (sigmoid hidden layer, softmax output, categorical
cross-entropy, SGD), trained with Keras 3 on the PyTorch backend for 10 epochs in minibatches of
100 (150 updates): ``fit`` alone against ``fit`` with ``TraceCallback(record="every:10")``, which
evaluates nnviz's loss and accuracy on the whole training set after every update and records every
tensor every 10th step. Both are timed several times, alternating, in this one process; the best
time of each is compared, wall-clock and CPU time (one thread each: the CPU time is the work done,
steadier than the wall clock on a loaded machine; target: at most 1.5x).

    KERAS_BACKEND=torch .venv/bin/python benchmarks/bench_keras.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
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
from nnviz.integrations.keras import TraceCallback


def make_model(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(50, activation="sigmoid"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.1))
    return model


def fit(X, Y, callbacks):
    """Wall-clock and CPU seconds of one fit (one thread: the CPU time is the work done, whatever
    else the machine runs)."""
    model = make_model(0)
    t, c = time.perf_counter(), time.process_time()
    model.fit(X, Y, epochs=10, batch_size=100, shuffle=False, verbose=0, callbacks=callbacks)
    return time.perf_counter() - t, time.process_time() - c


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
    fit(X, Y, [])  # warm-up: Keras and torch set themselves up on the first fit
    plain, traced = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            plain.append(fit(X, Y, []))
            cb = TraceCallback(Path(tmp) / "bench.h5", X, Y, record="every:10")
            traced.append(fit(X, Y, [cb]))
            tr = cb.trace
            n_steps, n_tensors = len(tr.all_steps), len(tr.steps)
            tr.close()
    print(f"TraceCallback: {n_steps} steps, tensors at {n_tensors}")
    for what, i in (("wall", 0), ("CPU", 1)):
        a, b = (min(t[i] for t in runs) for runs in (plain, traced))
        print(f"{what:>4}: fit alone {a:.3f} s | + TraceCallback {b:.3f} s | ratio x{b / a:.2f} (target <= 1.5)")
    print("all wall timings: alone " + ", ".join(f"{t[0]:.2f}" for t in plain) +
          " s; traced " + ", ".join(f"{t[0]:.2f}" for t in traced) + " s")


if __name__ == "__main__":
    main()
