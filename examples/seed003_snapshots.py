"""Seed 003: the moons homework's own figure, eight snapshots in one grid.

The homework plots the decision function at iterations 0, 1, 3, 7, 15, 31, 63 and 127, each
titled "It: 7, Error: 0.001". ``nnviz frames moons --grid -o moons-grid.png`` draws the same
figure; this is the Python version. (moons_homework.py animates the whole run.)

    python examples/seed003_snapshots.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import nnviz
from nnviz.render.grid import save_grid

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

trace = nnviz.train("moons", trace=out / "moons.h5")    # the preset records steps 0, 1, 3, 7, ...
steps = [0, 1, 3, 7, 15, 31, 63, 127]
for it in steps:
    print(f"It: {it}, Error: {trace.loss[it]:.3f}")
save_grid(trace, steps, out / "moons-grid.png")
save_grid(trace, steps, out / "moons-grid.pdf")          # vector, for print
print("wrote", out / "moons-grid.png", "and", out / "moons-grid.pdf")
