"""Seed 001, exercise 6: "Extending to multiple classes. How can you extend the binary cross
entropy function to the multiclass problem?"

With K classes the output layer has K units and a softmax, p_k = exp(z_k) / sum_j exp(z_j), and
the loss is the cross-entropy -sum_k t_k log p_k of the one-hot targets; for K = 2 it is the
binary cross-entropy again. Two presets: three Gaussian blobs, and three spiral arms.

    python examples/seed001_multiclass.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import numpy as np

import nnviz
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

for name in ("blobs3", "spiral3"):
    tr = nnviz.train(name, trace=out / f"{name}.h5")
    p = tr.model_at(tr.final_step)(tr.data.X)           # softmax outputs, shape (n, 3)
    assert np.allclose(p.sum(axis=1), 1.0)
    print(f"{name}: {'-'.join(map(str, tr.sizes))}, loss {tr.loss[-1]:.3f}, accuracy {tr.accuracy[-1]:.1%}")
    animate(tr, out / f"{name}.gif")
    print("wrote", out / f"{name}.gif")
