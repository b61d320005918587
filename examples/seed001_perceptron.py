"""Seed 001, exercise 1: the perceptron learning rule on linearly separable data.

The notebook's rule, beta <- beta + eta * sum over the misclassified points of x~_i t_i (with
x~ = (1, x1, x2)), repeated until no point is misclassified, is gradient descent with step eta on
the SUM of the perceptron errors max(0, -y t) of a network without hidden layer (y = x W + b,
beta = (b, W)). The preset ``perceptron`` trains exactly that (loss ``perceptron_sum``); this
script checks it against the notebook's loop, update by update, and animates the boundary.

    python examples/seed001_perceptron.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import numpy as np

import nnviz
from nnviz.exercises import perceptron_rule
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

trace = nnviz.train("perceptron", trace=out / "perceptron.h5", record="all")
X, t = trace.data.X, trace.data.y[:, 0]


def beta(k):
    """beta = (b, w1, w2) of the trace at step k."""
    (W, b), = trace.params(k)
    return np.concatenate([b, W[:, 0]])


# the notebook's loop from the same start
betas = perceptron_rule(X, t, beta(0), eta=0.1)
n_updates = len(betas) - 1
for k in range(n_updates + 1):
    assert np.allclose(beta(k), betas[k], atol=1e-12)   # the same boundary, update after update
    wrong = int(np.sum(np.sign(np.hstack([np.ones((len(X), 1)), X]) @ betas[k]) != t))
    print(f"{'start' if k == 0 else f'update {k}':>9s}: beta = {np.round(betas[k], 3)}, {wrong} misclassified")
print(f"no point misclassified after {n_updates} updates")

animate(trace, out / "perceptron.gif", steps=f"0:{n_updates}", fps=2)
print("wrote", out / "perceptron.gif")
