"""Seed 000, scikit-learn part: sin(10x) with different activations, widths and depths.

"Try to fit the MLP with all default parameters. Are you satisfied with the result?" Then change
the activation, the number of hidden layers, and find a small network that fits. The presets
``sin10x-*`` are those networks (``nnviz presets``); this trains them and compares their costs.

    python examples/seed000_sin10x.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import nnviz
from nnviz.presets import PRESETS
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

names = [name for name in PRESETS if name.startswith("sin10x-")]
traces = []
for name in names:
    tr = nnviz.train(name, trace=out / f"{name}.h5")
    traces.append(tr)
    print(f"{name:22s} {'-'.join(map(str, tr.sizes)):10s} final mse {tr.loss[-1]:.4f}")

# the scikit-learn defaults next to a good small network
pick = [n for n in ("sin10x-default", "sin10x-tanh-20") if n in names]
animate([traces[names.index(n)] for n in pick], out / "sin10x.gif", labels=pick, size=(960, 480),
        view_options={"loss": {"log": True}}, max_frames=80)
print("wrote", out / "sin10x.gif")
