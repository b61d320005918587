"""Seed 002, "Which activation function should I use?": vanishing gradients (Glorot and Bengio).

The same network with six hidden layers of 16, once with sigmoids and once with ReLUs. The
sigmoid's derivative is at most 1/4, so backpropagation shrinks the gradient layer by layer on
its way to the input, and the first layers hardly learn.

    python examples/seed002_vanishing_gradients.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import numpy as np

import nnviz
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

traces = []
for name in ("deep-sigmoid", "deep-relu"):
    tr = nnviz.train(name, trace=out / f"{name}.h5")
    traces.append(tr)
    # |dC/dW| of each layer at step 0, first layer first
    norms = np.array([np.linalg.norm(dW) for dW, _ in tr.grads(0)])
    print(f"{name:13s} |dC/dW| per layer at step 0: {' '.join(f'{v:.1e}' for v in norms)}")
    print(f"{'':13s} final loss {tr.loss[-1]:.3f}, accuracy {tr.accuracy[-1]:.0%}")

try:
    animate(traces, out / "vanishing.gif", views=["gradflow", "loss"], labels=["sigmoid", "ReLU"], size=(960, 540))
    print("wrote", out / "vanishing.gif")
except ValueError as e:  # the gradflow view comes with nnviz.render.gradflow
    print("no animation:", e)
