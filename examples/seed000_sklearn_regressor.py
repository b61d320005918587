"""Seed 000: scikit-learn's MLPRegressor fitting sin(10x), with its default and a better activation.

The notebook asks: "Try to fit the MLP with all default parameters. Are you satisfied with the
result?" and then "Do you see an improvement if you revert [the activation] to the smooth
functions we have seen so far?". Both fits are recorded update by update with
:func:`nnviz.integrations.sklearn.record_fit` (200 samples, so Adam's default batch holds them
all and every step is one update) and drawn side by side with the fit view. With one random draw
(``random_state=0``) and 1,000 updates the default ReLU network reaches a squared error of 0.040
and the tanh one 0.230: the smooth activation is slower here, not better.

    python examples/seed000_sklearn_regressor.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import numpy as np
from sklearn.neural_network import MLPRegressor

from nnviz.integrations.sklearn import record_fit
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

x = np.linspace(-1, 1, 200)[:, None]   # the notebook's data
y = np.sin(10 * x).squeeze()
steps = 1000
traces = []
for activation in ("relu", "tanh"):      # scikit-learn's default, then a smooth one
    model = MLPRegressor(activation=activation, random_state=0)   # all other parameters default
    tr = record_fit(model, x, y, trace=out / f"sklearn-sin10x-{activation}.h5", steps=steps, record="auto")
    print(f"{activation:5s} squared error (sklearn's 0.5 * mean) after {steps} updates: {tr.loss[-1]:.4f}")
    traces.append(tr)

animate(traces, out / "sklearn_sin10x.gif", labels=["activation='relu' (default)", "activation='tanh'"],
        size=(1280, 720), title="MLPRegressor on sin(10x) (seed 000)")
print("wrote", out / "sklearn_sin10x.gif")
