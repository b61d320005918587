"""Seed 002, last section: solving g'(x) = -gamma g(x), g(0) = g0 with a neural network.

The trial solution g_t(x) = g0 + x N(x, P) meets g(0) = g0 whatever the network N; training
minimises the squared residual sum_i (g_t'(x_i) + gamma g_t(x_i))^2 at ten points of [0, 1]
(gamma 2, g0 10). The derivatives dN/dx and the gradient of the residual are written by hand in
nnviz.ode (the seed uses Autograd); the run is an ordinary trace.

    python examples/seed002_ode.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import numpy as np

import nnviz
from nnviz.exercises import seed_spread
from nnviz.ode import max_error, ode_of, trial_solution
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

trace = nnviz.train("ode-decay", trace=out / "ode.h5")
print(f"cost {trace.loss[0]:.4g} -> {trace.loss[-1]:.4g} after {int(trace.all_steps[-1])} steps")

x = np.linspace(0, 1, 11)
g = trial_solution(trace.model_at(trace.final_step), x, ode_of(trace.config))
for xi, gi in zip(x, g):
    print(f"x = {xi:.1f}   network {gi:8.5f}   analytic {10 * np.exp(-2 * xi):8.5f}")
print(f"max |g_t - g| on [0, 1]: {max_error(trace):.4f} (init seed 0)")   # 0.0076
print(f"max |g_t - g| on [0, 1]: {seed_spread('ode-decay', 'ode_error', folder=out / 'seeds').describe('{:.4f}')}")

animate(trace, out / "ode.gif", view_options={"loss": {"log": True}}, max_frames=80)
print("wrote", out / "ode.gif")
