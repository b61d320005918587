"""Seed 002: "a grid-search, wherein we test different hyperparameters separated by orders of
magnitude": the digits network for every learning rate eta and L2 strength lambda in
np.logspace(-5, 1, 7), with its training and test accuracy as heat maps.

49 runs of the 64-50-10 network; 10 epochs each (the seed uses 100) takes about a minute.
eta and lambda are in the seed's units (gradient summed over the batch of 100); each run uses
lr = eta * 100 and l2 = lambda / 100.

    python examples/seed002_grid_search.py [OUTPUT_DIR] [EPOCHS]
"""

import sys
from pathlib import Path

import numpy as np

from nnviz.exercises import grid_search
from nnviz.render.study import grid_search_animation, grid_search_figure

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
out.mkdir(parents=True, exist_ok=True)

gs = grid_search("digits", epochs=epochs, folder=out / "grid-search", progress=True)
np.set_printoptions(precision=2, suppress=True)
print("test accuracy (rows: eta from 1e-5 to 10, columns: lambda from 1e-5 to 10; nan = diverged)")
print(gs.test_accuracy)
eta, lam, acc = gs.best()
print(f"best: eta {eta:g}, lambda {lam:g}, test accuracy {acc:.1%}")

grid_search_figure(gs, out / "grid_search.png")
grid_search_animation(gs, out / "grid_search.gif")
print("wrote", out / "grid_search.png", "and", out / "grid_search.gif")
