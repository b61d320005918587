"""Seed 001, exercise 3: "Try to build the best neural network you can for this dataset. Split
the data between a training and a test set. What is the best validation error you can get?"

The notebook's three networks, trained with L-BFGS and its L2 strengths: (50, 50) ReLU, (30, 30)
tanh and (10, 10) logistic. The seed's own data file is not available; ``harder`` is a noisy,
standardised checkerboard that needs a deep network in the same way (25 % held out as test set).

    python examples/seed001_deeper.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import nnviz
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

names = ["harder-relu-50x50", "harder-tanh-30x30", "harder-sigmoid-10x10"]
traces = [nnviz.train(name, trace=out / f"{name}.h5") for name in names]
for name, tr in zip(names, traces):
    print(f"{name:22s} training accuracy {tr.accuracy[-1]:.1%}, test accuracy {tr.test_accuracy[-1]:.1%} "
          f"(validation error {1 - tr.test_accuracy[-1]:.1%})")
# try other init seeds: nnviz.train(name, seed=1, ...); L-BFGS lands in different local minima

animate(traces, out / "deeper.gif", views=["boundary"], labels=names, size=(1280, 480), max_frames=80)
print("wrote", out / "deeper.gif")
