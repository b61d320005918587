"""Seed 000: the first network, 1-3-1 with sigmoid hidden neurons, on the single sample x = 0.5.

"Compute the new cost function. It should have gone down... Add a loop to repeat the previous
operation until you reach convergence." The preset ``sample131`` is that network (half squared
error, gradient descent, lr 0.5); the trace holds every z, a, delta and gradient of every step.

    python examples/seed000_one_sample.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import nnviz
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

trace = nnviz.train("sample131", trace=out / "sample131.h5", record="all")
(w1, b1), (w2, b2) = trace.params(0)
print("w1", w1.round(3), "b1", b1.round(3))          # the random start: shapes (1, 3), (3,)
print("w2", w2.T.round(3), "b2", b2.round(3))        # (3, 1), (1,)

# the cost goes down step after step
for k in (0, 1, 2, 5, 10, 20, 40, 60):
    print(f"step {k:2d}: cost {trace.loss[k]:.3g}")

# one gradient descent step, checked by hand: W(k+1) = W(k) - lr * dC/dW(k)
(dw1, db1), _ = trace.grads(0)
assert abs(trace.params(1)[0][0] - (w1 - 0.5 * dw1)).max() < 1e-12

animate(trace, out / "sample131.gif")   # the fit and the cost
try:  # the backprop diagram (forward, backward, update, every number from the trace)
    from nnviz.render.views.network import render_backprop

    render_backprop(trace, out / "backprop.gif", size=(960, 540), fps=6)
    print("wrote", out / "backprop.gif")
except ImportError:
    pass
print("wrote", out / "sample131.gif")
