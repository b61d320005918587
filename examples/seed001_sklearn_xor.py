"""Seed 001, exercise 2a with scikit-learn, as the notebook writes it, recorded and animated.

The notebook fits ``MLPClassifier(hidden_layer_sizes=(1,), activation='identity')`` (and 2
neurons, and ReLU) to XOR data with scikit-learn's defaults (Adam, 200 iterations). Here every
iteration is recorded with :func:`nnviz.integrations.sklearn.record_fit`, and the four runs are
drawn side by side. Linear neurons can only ever draw one straight boundary; at scikit-learn's
default 200 iterations of Adam (learning rate 0.001) the ReLU networks have not found XOR either
(one random draw, ``random_state=0``: losses 0.694, 0.890, 0.664, 0.812; accuracy 56.5 %, 50 %,
66 %, 50 %). The notebook's next question, "try different values of the learning rate", is the
remedy.

    python examples/seed001_sklearn_xor.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

from sklearn.neural_network import MLPClassifier

from nnviz.data import xor
from nnviz.integrations.sklearn import record_fit
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

data = xor(n=200, encoding="01")  # four clusters at (+-1, +-1), like the notebook's XOR data
X, y = data.X, data.labels
traces, labels = [], []
for activation in ("identity", "relu"):
    for neurons in (1, 2):
        # the notebook's model; random_state fixed so that the printed numbers are reproducible
        model = MLPClassifier(hidden_layer_sizes=(neurons,), activation=activation, random_state=0)
        name = f"{activation}-{neurons}"
        tr = record_fit(model, X, y, trace=out / f"sklearn-xor-{name}.h5", steps=200, record="auto")
        print(f"{name:11s} loss_ {model.loss_:.4f} (nnviz: {tr.loss[-2]:.4f} at step 199)  "
              f"accuracy {tr.accuracy[-1]:.1%}  {tr.summary()['sklearn_loss']}")
        traces.append(tr)
        labels.append(f"{neurons} {activation} neuron{'s' if neurons > 1 else ''}")

animate(traces, out / "sklearn_xor.gif", labels=labels, size=(1280, 720),
        title="scikit-learn MLPClassifier on XOR (seed 001, exercise 2a)")
print("wrote", out / "sklearn_xor.gif")
