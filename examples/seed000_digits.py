"""Seed 000, last exercise: "Use this data set to train a neural network to recognize hand
written digits."

The preset ``digits-sklearn`` is scikit-learn's MLPClassifier with its defaults (100 ReLUs,
softmax, Adam, lr 1e-3, batches of 200, alpha 1e-4) on the 8x8 digits, 20 % held out.

    python examples/seed000_digits.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import numpy as np

import nnviz

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

trace = nnviz.train("digits-sklearn", trace=out / "digits-sklearn.h5")
print(f"training accuracy {trace.accuracy[-1]:.1%}, test accuracy {trace.test_accuracy[-1]:.1%}")

# which digits does it confuse? the final network on the test images
data = trace.data
predicted = trace.model_at(trace.final_step)(data.X_test).argmax(axis=1)
confusion = np.zeros((10, 10), int)
np.add.at(confusion, (data.labels_test, predicted), 1)
print("confusion matrix (rows: true digit, columns: predicted)")
print(confusion)
