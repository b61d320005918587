"""Seed 000 (and 002): the sigmoid and its derivative, and tanh, ReLU, leaky ReLU and ELU with theirs.

"Write two functions: one for the sigmoid and one for the derivative of the sigmoid. Plot the
sigmoid and its derivative in the range [-10, 10]." The functions are nnviz's own name table
(the ones the networks use); the figure adds the derivative's largest value.

    python examples/seed000_activations.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import numpy as np

from nnviz.nn import get_activation
from nnviz.render.study import activations_figure

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

# the exercise, by hand: sigma(z) = 1 / (1 + exp(-z)) and sigma'(z) = sigma(z) (1 - sigma(z))
z = np.linspace(-10, 10, 2001)[None, :]
sigmoid = get_activation("sigmoid")
a = sigmoid(z)
assert np.allclose(a, 1 / (1 + np.exp(-z)))
assert np.allclose(sigmoid.df(z, a), a * (1 - a))

# the largest slope of each function: backpropagation multiplies by f'(z) once per layer
for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu"):
    f = get_activation(name)
    print(f"{name:10s} max f'(z) on [-10, 10] = {f.df(z, f(z)).max():.3f}")

activations_figure(out / "activations.png")
print("wrote", out / "activations.png")
