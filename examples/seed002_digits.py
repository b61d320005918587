"""Seed 002: the digits network of the lecture, 64-50-10, sigmoid hidden layer, softmax output.

N(0, 1) weights, biases 0.01, minibatches of 100, 100 epochs, eta = lambda = 0.01. The seed sums
the gradient over a batch; nnviz averages it, so the preset uses lr = eta * 100 and
l2 = lambda / 100 (the same updates). Each hidden neuron's 64 input weights form an 8x8 image:
the ``weights`` view draws them, and what training added to them, as the network learns.

The ``digits`` preset divides the pixels by 16; ``digits-raw`` feeds the raw values 0..16 as the
seed does. The notebook's own run cannot be reproduced (its train/test split is not shown in
full), and one init is one random draw, so the script prints each preset's test accuracy as the
mean and range over init seeds 0-4 (10 runs, about a minute).

    python examples/seed002_digits.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import nnviz
from nnviz.exercises import seed_spread
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

trace = nnviz.train("digits", trace=out / "digits.h5", progress=True)
print(f"after {int(trace.all_steps[-1])} minibatch steps: training accuracy {trace.accuracy[-1]:.1%}, "
      f"test accuracy {trace.test_accuracy[-1]:.1%} (init seed 0)")
for name in ("digits", "digits-raw"):
    spread = seed_spread(name, "test_accuracy", folder=out / "seeds")
    print(f"{name:10s} test accuracy {spread.describe('{:.1f}', 100, ' %')}")
for k in (0, 100, 200, 700, 1400):
    print(f"step {k:4d}: test accuracy {trace.test_accuracy[k]:.1%}")

(W1, b1), (W2, b2) = trace.params(trace.final_step)
print("hidden weights", W1.shape, "-> hidden neuron j's image is W1[:, j].reshape(8, 8)")

animate(trace, out / "digits.gif", views=["weights", "loss"], size=(960, 480), max_frames=70)
print("wrote", out / "digits.gif")
