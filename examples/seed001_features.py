"""Seed 001, exercise 3b: "add additional features to your model, e.g. sin(x), sin(y) or other
monomials. Can you improve your classifier?"

Any data set takes the option ``features`` (names from nnviz.data.features.FEATURES: sin, cos,
square, product), appended to the inputs; the boundary is still drawn in the (x1, x2) plane.
First the clearest case, logistic regression on two circles: a straight line cannot separate a
ring from a disc, but with x1², x2² appended it can. Then the harder data set with a small net.

    python examples/seed001_features.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import nnviz
from nnviz.exercises import seed_spread
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

for pair in (["circles-linear", "circles-squares"], ["harder-tanh-8", "harder-tanh-8-features"]):
    traces = [nnviz.train(name, trace=out / f"{name}.h5") for name in pair]
    for name, tr in zip(pair, traces):
        test = f", test {tr.test_accuracy[-1]:.1%}" if len(tr.data.X_test) else ""
        print(f"{name:24s} inputs {tr.sizes[0]}: training accuracy {tr.accuracy[-1]:.1%}{test} (init seed 0)")
        if test:  # one init is one random draw: the spread over five
            for measure in ("accuracy", "test_accuracy"):
                spread = seed_spread(name, measure, folder=out / "seeds")
                print(f"{'':24s} {measure.replace('_', ' ')} {spread.describe('{:.1f}', 100, ' %')}")
    animate(traces, out / f"{pair[0]}-features.gif", labels=pair, size=(960, 540))
    print("wrote", out / f"{pair[0]}-features.gif")

# your own: any data set, any features
tr = nnviz.train({"data": {"name": "moons", "n": 200, "noise": 0.2, "features": ["square", "product"]},
                  "model": {"hidden": [], "output": "tanh"}, "train": {"optimizer": "adam", "lr": 0.05}},
                 trace=out / "moons-features.h5")
print(f"moons, no hidden layer, with x1², x2², x1·x2: accuracy {tr.accuracy[-1]:.1%}")
