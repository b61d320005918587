"""Seed 004: the approximation power of neural networks, by construction.

Seed 004's own example network: ten sigmoid neurons with weight w = 500 and steps at
0, .2, .2, .4, .4, .6, .6, .8, .8, 1, output weights -1.2, 1.2, -1.6, 1.6, -.3, .3, -1, 1, 1, -1,
plotted against sigma^-1(f) for f(x) = 0.2 + 0.4x² + 0.3x sin(15x) + 0.05 cos(50x). Then N bumps
at the midpoint heights, for growing N; then the 2-D towers of sin(3x) cos(3y), Nielsen's grid
against the grid summed by quadrants. Every construction is an ordinary nnviz MLP.

    python examples/seed004_bumps.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import numpy as np

from nnviz.approx import bump_network, bump_sweep, seed004_example, towers_sweep
from nnviz.approx.core import seed004_article_output
from nnviz.render.sweeps import render_sweep

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

net = seed004_example()
x = np.linspace(0, 1, 1001)
y = net(x[:, None])[:, 0]
print("the article's network:", net.sizes, "largest difference to the article's code:",
      f"{np.max(np.abs(y - seed004_article_output(x))):.4f}")   # its sigmoid is cut at |z| > 6

f = "0.2+0.4*x**2+0.3*x*sin(15*x)+0.05*cos(50*x)"
for n in (5, 10, 40, 160):
    approx = bump_network(f, n, interval=(0, 1), w=10000)
    fx = 0.2 + 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.05 * np.cos(50 * x)
    error = np.max(np.abs(approx(x[:, None])[:, 0] - fx))
    print(f"N = {n:3d} bumps ({approx.sizes[1]} neurons): max error {error:.3f}")

render_sweep(bump_sweep(f, "1..48", interval=(0, 1)), out / "bumps.gif", size=(640, 480), fps=8)
print("wrote", out / "bumps.gif")

# In 2-D (nnviz towers): Nielsen's grid of towers drops to 0 where four cells meet, so its sup error
# does not fall; summed by quadrants, the same threshold neurons converge.
for form in ("towers", "quadrants"):
    sweep = towers_sweep("sin(3*x)*cos(3*y)", "4,8,16,32", form=form)
    sup, _ = sweep.errors()
    inside, outside = sweep.window_errors()
    for n, s_, i_, o_ in zip(sweep.values, sup, inside, outside):
        print(f"{form:9s} {int(n):2d}x{int(n):<2d}: sup error {s_:.3f} (in the failure windows {i_:.3f}, "
              f"elsewhere {o_:.3f})")
