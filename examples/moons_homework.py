"""Seed 003's moons homework, traced and animated.

The 2-50-1 ReLU network without output bias, trained by gradient descent (lr 0.1) on the
perceptron error max(0, -y t) for 128 steps: the homework's own run, bit for bit. The preset
draws as the notebook does: numpy.random.seed(0), make_moons(n_samples=100) shuffling from that
global stream, then W, B, V with numpy.random.normal, in that order (data.stream = "legacy",
init.stream = "data" in `nnviz train moons --dump-config`). It prints the homework's plot titles,
It: 0, Error: 0.127 / It: 1, Error: 0.052 / It: 3, Error: 0.010 / It: 7, Error: 0.001 /
It: 15, Error: 0.000 and 0.000 after, and renders the training as a GIF and an MP4.

    python examples/moons_homework.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import nnviz
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

trace = nnviz.train("moons", trace=out / "moons.h5", record="all")
for it in (0, 1, 3, 7, 15, 31, 63, 127):
    print(f"It: {it}, Error: {trace.loss[it]:.3f}")  # the homework's plot titles

(W, b), (v, _) = trace.params(127)
print("hidden weights", W.shape, "output weights", v.shape)

animate(trace, out / "moons.gif")
animate(trace, out / "moons.mp4", size=(1280, 720))
print("wrote", out / "moons.gif", "and", out / "moons.mp4")
