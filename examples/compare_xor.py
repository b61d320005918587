"""Seed 001, exercise 2: how many neurons does XOR need, and does the activation matter?

Trains the four networks of the exercise (1 or 2 hidden neurons, identity or ReLU) and draws
them side by side on a shared step axis, each panel with its own loss and accuracy.

    python examples/compare_xor.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import nnviz
from nnviz.exercises import seed_spread
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

names = ["xor-identity-1", "xor-identity-2", "xor-relu-1", "xor-relu-2"]
traces = [nnviz.train(name, trace=out / f"{name}.h5", record="auto") for name in names]
for name, tr in zip(names, traces):
    print(f"{name:15s} final loss {tr.loss[-1]:.3f}  accuracy {tr.accuracy[-1]:.1%}  (init seed {tr.config['init']['seed']})")
print("xor-relu-1 accuracy", seed_spread("xor-relu-1", "accuracy", folder=out / "seeds").describe("{:.1f}", 100, " %"))

animate(traces, out / "xor.gif", labels=names, size=(1280, 720), title="XOR: 1 vs 2 neurons, linear vs ReLU")
print("wrote", out / "xor.gif")
