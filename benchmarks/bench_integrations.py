"""Recording overhead of the integrations: your own loop with nnviz recording it, against the bare loop.

1. PyTorch: 2,000 steps of full-batch SGD on a 2-64-64-1 tanh network (moons, 500 points), the
   bare loop against the same loop with ``TorchRecorder`` recording tensors every 10 steps
   (scalars every step). Target: at most 2x.
2. scikit-learn: 300 ``partial_fit`` calls of an ``MLPClassifier(hidden_layer_sizes=(64, 64))``
   (Adam, one full batch per call) against ``record_fit`` of the same estimator with tensors every
   10 steps. Target: at most 2x.

Both in this one process, interleaved, best of ``--repeat`` runs; torch runs on one thread (a
network this small is fastest so, and the comparison is not skewed by thread start-up).

    .venv/bin/python benchmarks/bench_integrations.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from nnviz.data import moons


def torch_loop(X, y, steps, record_to=None):
    import torch

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64), torch.nn.Tanh(),
                                torch.nn.Linear(64, 1)).double()
    loss_fn = torch.nn.BCEWithLogitsLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    rec = None
    if record_to is not None:
        from nnviz.integrations.torch import TorchRecorder

        rec = TorchRecorder(model, X, y, loss=loss_fn, trace=record_to, record="every:10", steps=steps, optimizer=opt)
    t = time.perf_counter()
    for k in range(steps + 1):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        if rec is not None:
            rec.step(k)
        if k < steps:
            opt.step()
    if rec is not None:
        rec.close()
    return time.perf_counter() - t


def sklearn_loop(X, y, steps, record_to=None):
    from sklearn.neural_network import MLPClassifier

    est = MLPClassifier(hidden_layer_sizes=(64, 64), batch_size=len(X), random_state=0)
    t = time.perf_counter()
    if record_to is None:
        classes = np.unique(y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(steps):
                est.partial_fit(X, y, classes=classes)
    else:
        from nnviz.integrations.sklearn import record_fit

        record_fit(est, X, y, trace=record_to, steps=steps, record="every:10").close()
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    data = moons(n=500, noise=0.15, seed=0, encoding="01")
    tmp = Path(tempfile.mkdtemp())
    try:
        import torch

        torch.set_num_threads(1)
        X, y = torch.tensor(data.X), torch.tensor(data.labels, dtype=torch.float64)[:, None]
        bare, rec = [], []
        for i in range(args.repeat):
            bare.append(torch_loop(X, y, 2000))
            rec.append(torch_loop(X, y, 2000, tmp / f"t{i}.h5"))
        print(f"PyTorch 2-64-64-1, 2,000 steps: bare loop {min(bare):.2f} s | with TorchRecorder "
              f"(tensors every 10 steps) {min(rec):.2f} s: x{min(rec) / min(bare):.2f} (target <= 2)")
    except ImportError:
        print("PyTorch: skipped (torch is not installed)")
    bare, rec = [], []
    for i in range(args.repeat):
        bare.append(sklearn_loop(data.X, data.labels, 300))
        rec.append(sklearn_loop(data.X, data.labels, 300, tmp / f"s{i}.h5"))
    print(f"scikit-learn MLPClassifier(64, 64), 300 partial_fit calls: bare {min(bare):.2f} s | record_fit "
          f"(tensors every 10 steps) {min(rec):.2f} s: x{min(rec) / min(bare):.2f} (target <= 2)")


if __name__ == "__main__":
    main()
