"""Seed 002: "a grid-search, wherein we test different hyperparameters separated by orders of
magnitude": the digits network for every learning rate eta and L2 strength lambda in
np.logspace(-5, 1, 7), with its training and test accuracy as heat maps.

49 runs of the 64-50-10 network, 100 epochs each as in the seed, on every core (a sweep:
nnviz.sweep; the command line's `nnviz sweep seed002-grid -o grid/` is the same grid): about 4 minutes
on two idle cores (give EPOCHS 10 for a quick look, which separates the good cells from the bad but
not the best from each other). Running it again with the same OUTPUT_DIR reuses the finished runs. eta and lambda are in the seed's units (gradient summed over the batch of 100);
each run uses lr = eta * 100 and l2 = lambda / 100. The best cells are close: the script prints
the cells that tie for the best test accuracy and those one test image behind.

    python examples/seed002_grid_search.py [OUTPUT_DIR] [EPOCHS]
"""

import sys
from pathlib import Path

import numpy as np

from nnviz.exercises import grid_search
from nnviz.render.study import grid_search_animation, grid_search_figure

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 100
out.mkdir(parents=True, exist_ok=True)

gs = grid_search("digits", epochs=epochs, folder=out / "grid-search", progress=True)
np.set_printoptions(precision=2, suppress=True)
print("test accuracy (rows: eta from 1e-5 to 10, columns: lambda from 1e-5 to 10; nan = diverged)")
print(gs.test_accuracy)
print(f"{epochs} epochs: {gs.summary()}")

grid_search_figure(gs, out / "grid_search.png")
grid_search_animation(gs, out / "grid_search.gif")
print("wrote", out / "grid_search.png", "and", out / "grid_search.gif")
