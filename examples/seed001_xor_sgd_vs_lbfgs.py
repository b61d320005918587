"""Seed 001, exercise 2: one linear neuron on XOR, gradient steps against L-BFGS.

The notebook fits MLPClassifier(hidden_layer_sizes=(1,), activation='identity') with SGD and
with L-BFGS and compares the final losses (``loss_``). A linear model cannot separate XOR: the
best it can do is to put every point in one class, binary cross-entropy log 2 = 0.693. (For the
four networks of the exercise, 1 or 2 neurons, identity or ReLU, see compare_xor.py.)

    python examples/seed001_xor_sgd_vs_lbfgs.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import numpy as np

import nnviz
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

names = ["xor-identity-1-gd", "xor-identity-1-lbfgs"]
traces = [nnviz.train(name, trace=out / f"{name}.h5") for name in names]
for name, tr in zip(names, traces):
    print(f"{name:22s} {len(tr.all_steps) - 1:4d} iterations, final loss {tr.loss[-1]:.4f} "
          f"(log 2 = {np.log(2):.4f}), accuracy {tr.accuracy[-1]:.0%}")

animate(traces, out / "sgd_vs_lbfgs.gif", labels=["gradient descent", "L-BFGS"], size=(960, 540))
print("wrote", out / "sgd_vs_lbfgs.gif")
