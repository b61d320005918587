"""Named experiments reproducing the exercises of the course material (the seeds).

``nnviz presets`` lists them; ``nnviz train NAME --dump-config`` prints one as editable TOML.
Each preset is a partial config (see :mod:`nnviz.config`) with a one-line description and the seed
exercise it comes from.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .config import make_config

__all__ = ["Preset", "PRESETS", "get_preset", "PresetError"]


class PresetError(ValueError):
    """An unknown preset name; the message lists the valid ones."""


@dataclass(frozen=True)
class Preset:
    name: str
    seed: str  # which seed exercise, e.g. "003 moons homework"
    description: str
    config: dict = field(default_factory=dict)


PRESETS: dict[str, Preset] = {}


def _add(name, seed, description, **config):
    config = {"name": name, "description": description, **config}
    PRESETS[name] = Preset(name, seed, description, config)



# ---------------------------------------------------------------- seed 003
# The homework's own run, bit for bit: numpy.random.seed(0); make_moons(n_samples=100), whose shuffle
# draws from that global stream; then W, B, V = numpy.random.normal(...) in that order. So the data
# use numpy's legacy stream (data.stream) and the weights continue it (init.stream = "data").
# It prints the homework's errors 0.127, 0.052, 0.010, 0.001, 0.000 at iterations 0, 1, 3, 7, 15.
_add(
    "moons", "003 moons homework",
    "seed 003's own run: 2-50-1 ReLU net, no output bias, perceptron error, gradient descent lr 0.1, "
    "128 steps, numpy.random.seed(0) for the data's shuffle and then the weights",
    data={"name": "moons", "n": 100, "noise": 0.0, "seed": 0, "stream": "legacy", "encoding": "pm1"},
    model={"hidden": [50], "activation": "relu", "output": "identity", "output_bias": False},
    # w ~ N(0, 1/2), b ~ N(0, 1), v ~ N(0, 1/50)  (variances; numpy takes standard deviations), with
    # the notebook's own expressions 1/2.0**0.5 and 1/NH**0.5 so that every bit agrees
    init={"weights": "normal", "sigma": [1 / 2.0**0.5, 1 / 50**0.5], "bias": "normal", "bias_sigma": 1.0,
          "seed": 0, "stream": "data"},
    train={"loss": "perceptron", "optimizer": "gd", "lr": 0.1, "steps": 128, "record": "auto"},
)

# ---------------------------------------------------------------- seed 001
for _act in ("identity", "relu"):
    for _n in (1, 2):
        _add(
            f"xor-{_act}-{_n}", "001 exercise 2 (XOR)",
            f"XOR with one hidden layer of {_n} {_act} neuron{'s' if _n > 1 else ''}, sigmoid output, "
            "cross-entropy, Adam" + (" (init seed 8 escapes the 75% local minimum most seeds reach)"
                                     if (_act, _n) == ("relu", 2) else ""),
            data={"name": "xor", "n": 200, "noise": 0.35, "seed": 0, "encoding": "01"},
            model={"hidden": [_n], "activation": _act, "output": "sigmoid"},
            init={"weights": "glorot", "seed": 8},
            train={"loss": "bce", "optimizer": "adam", "lr": 0.05, "steps": 300},
        )
_add(
    "xor", "001 exercise 2 (XOR)",
    "XOR solved: 4 tanh neurons, sigmoid output, cross-entropy, Adam",
    data={"name": "xor", "n": 200, "noise": 0.35, "seed": 0, "encoding": "01"},
    model={"hidden": [4], "activation": "tanh", "output": "sigmoid"},
    init={"weights": "glorot", "seed": 0},
    train={"loss": "bce", "optimizer": "adam", "lr": 0.05, "steps": 300},
)

# ---------------------------------------------------------------- seed 000
_add(
    "sample131", "000 first network (one sample)",
    "1-3-1 sigmoid net on the single sample x=0.5, y=sin(1), half squared error, lr 0.5",
    data={"name": "single_sample"},
    model={"hidden": [3], "activation": "sigmoid", "output": "identity"},
    init={"weights": "normal", "sigma": 1.0, "bias": "normal", "bias_sigma": 1.0, "seed": 0},
    train={"loss": "half_sse", "optimizer": "gd", "lr": 0.5, "steps": 60, "record": "all"},
)
_add(
    "sin2x", "000 more samples",
    "1-3-1 sigmoid net fitting sin(2x) on 200 points of [-1, 1], half squared error",
    data={"name": "sin2x", "n": 200},
    model={"hidden": [3], "activation": "sigmoid", "output": "identity"},
    init={"weights": "normal", "sigma": 1.0, "bias": "normal", "bias_sigma": 1.0, "seed": 0},
    train={"loss": "half_sse", "optimizer": "gd", "lr": 0.005, "steps": 2000},
)
_add(
    "sin2x-tanh", "000 more samples (the compact code)",
    "1-10-1 tanh net, U(0,1) weights, 0.1 biases, lr 1e-4, 5000 iterations, on sin(2x)",
    data={"name": "sin2x", "n": 200},
    model={"hidden": [10], "activation": "tanh", "output": "identity"},
    init={"weights": "uniform", "low": 0.0, "high": 1.0, "bias": 0.1, "seed": 0},
    train={"loss": "half_sse", "optimizer": "gd", "lr": 1e-4, "steps": 5000},
)

# ---------------------------------------------------------------- more 2-D classifiers
_add(
    "circles", "001 (a ring around a disc)",
    "two concentric circles, 2-4-1 tanh net, gradient descent",
    data={"name": "circles", "n": 200, "noise": 0.08, "seed": 0, "encoding": "pm1"},
    model={"hidden": [4], "activation": "tanh", "output": "tanh"},
    init={"weights": "glorot", "seed": 0},
    train={"loss": "mse", "optimizer": "gd", "lr": 0.5, "steps": 300},
)
_add(
    "spiral", "001 (spiral, where local minima live)",
    "two interleaved spirals, 2-16-16-1 tanh net, Adam",
    data={"name": "spiral", "n": 300, "noise": 0.05, "seed": 0, "encoding": "pm1"},
    model={"hidden": [16, 16], "activation": "tanh", "output": "tanh"},
    init={"weights": "glorot", "seed": 0},
    train={"loss": "mse", "optimizer": "adam", "lr": 0.02, "steps": 600},
)
_add(
    "blobs3", "001 exercise 6 (multiclass)",
    "three Gaussian classes, 2-8-3 tanh net, softmax output, cross-entropy",
    data={"name": "gaussians", "n": 300, "centers": 3, "seed": 0},
    model={"hidden": [8], "activation": "tanh", "output": "softmax"},
    init={"weights": "glorot", "seed": 0},
    train={"loss": "cross_entropy", "optimizer": "adam", "lr": 0.05, "steps": 200},
)


def get_preset(name: str) -> dict:
    """The complete config of a preset; an unknown name raises :class:`PresetError`."""
    if name not in PRESETS:
        close = difflib.get_close_matches(name, PRESETS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise PresetError(f"unknown preset {name!r}{hint}; valid presets: {', '.join(PRESETS)}")
    return make_config(PRESETS[name].config)


# ---------------------------------------------------------------- contributed sections
# Presets of the function-approximation, backprop and gallery modules are appended below, one
# marked section per module (edit only your own section).

# ---------------------------------------------------------------- hidden space (issue 3, views neurons/hidden)
# A 2-unit tanh layer before the output, so `--view hidden` draws the layer directly (ConvNetJS).
_add(
    "circles-warp", "001 (a ring around a disc), seen in hidden space",
    "circles through a 2-4-2-1 tanh net: the last hidden layer has 2 units, so `--view hidden` "
    "shows how the net folds the plane until a line separates ring and disc",
    data={"name": "circles", "n": 200, "noise": 0.08, "seed": 0, "encoding": "pm1"},
    model={"hidden": [4, 2], "activation": "tanh", "output": "tanh"},
    init={"weights": "glorot", "seed": 0},
    train={"loss": "mse", "optimizer": "adam", "lr": 0.03, "steps": 400},
)
_add(
    "spiral-warp", "001 (spiral), seen in hidden space",
    "two spirals through a 2-16-16-2-1 tanh net: `--view hidden` shows the spirals pulled apart "
    "into the corners of the last hidden layer's square",
    data={"name": "spiral", "n": 300, "noise": 0.05, "seed": 0, "encoding": "pm1"},
    model={"hidden": [16, 16, 2], "activation": "tanh", "output": "tanh"},
    init={"weights": "glorot", "seed": 0},
    train={"loss": "mse", "optimizer": "adam", "lr": 0.01, "steps": 800},
)


# ---------------------------------------------------------------- function approximation (issue 4)
# sin(10x) on [-1, 1] (seed 000, "a more complicated function"): the input weights must be about as
# large as the frequency (tanh(10 x) has the slope of sin(10 x)), so the first layer is drawn from
# N(0, sigma^2) with sigma ~ 10 and the biases spread the neurons' centres -b/w over the interval.
_SIN10 = {"name": "sin10x", "n": 200}
for _act, _hidden, _sigma, _bsigma, _lr in (
    ("tanh", [20], [10.0, 0.2], [5.0, 0.0], 0.01),
    ("sigmoid", [20], [15.0, 0.3], [8.0, 0.0], 0.02),
    ("relu", [100], [5.0, 0.1], [3.0, 0.0], 0.005),
    ("tanh", [10, 10], [4.0, 0.5, 0.3], [2.0, 0.5, 0.0], 0.01),
    ("relu", [32, 32], [3.0, 0.3, 0.2], [2.0, 0.2, 0.0], 0.005),
):
    _arch = "-".join(map(str, _hidden))
    _add(
        f"sin10x-{_act}-{_arch}", "000 sin(10x): activations, widths, depths",
        f"1-{_arch}-1 {_act} net fitting sin(10x) on [-1, 1], input weights ~ N(0, {_sigma[0]:g}^2), Adam",
        data=_SIN10,
        model={"hidden": _hidden, "activation": _act, "output": "identity"},
        init={"weights": "normal", "sigma": _sigma, "bias": "normal", "bias_sigma": _bsigma, "seed": 0},
        train={"loss": "mse", "optimizer": "adam", "lr": _lr, "steps": 3000},
    )
_add(
    "sin10x-default", "000 sin(10x): activations, widths, depths",
    "scikit-learn's MLPRegressor defaults on sin(10x): 100 ReLUs, Glorot, Adam lr 1e-3 (not satisfied)",
    data=_SIN10,
    model={"hidden": [100], "activation": "relu", "output": "identity"},
    init={"weights": "glorot", "seed": 0},
    train={"loss": "mse", "optimizer": "adam", "lr": 0.001, "steps": 3000},
)
_add(
    "seed004-fit", "004 universal approximation (trained, not constructed)",
    "1-40-1 tanh net trained on seed 004's f = 0.2+0.4x²+0.3x·sin(15x)+0.05·cos(50x) on [0, 1], Adam",
    data={"name": "seed004", "n": 200},
    model={"hidden": [40], "activation": "tanh", "output": "identity"},
    init={"weights": "normal", "sigma": [30.0, 0.1], "bias": "normal", "bias_sigma": [15.0, 0.0], "seed": 0},
    train={"loss": "mse", "optimizer": "adam", "lr": 0.01, "steps": 4000},
)

# ---------------------------------------------------------------- backprop and gradient flow (issue 5)
# Seed 002, "Which activation function should I use?": in a deep sigmoid network the gradients get
# smaller layer by layer on the way down (Glorot and Bengio, 2010); the same network with ReLU keeps
# them together. Watch with `nnviz animate deep-sigmoid --view gradflow,loss -o deep.gif`.
for _act, _what in (("sigmoid", "gradients vanish toward the input, it does not learn"),
                    ("relu", "gradients stay together, it learns")):
    _add(
        f"deep-{_act}", "002 vanishing gradients (Glorot and Bengio)",
        f"2-16x6-1 {_act} net on moons (Glorot init, sigmoid output, cross-entropy, GD lr 0.2): {_what}",
        data={"name": "moons", "n": 200, "noise": 0.15, "seed": 0, "encoding": "01"},
        model={"hidden": [16] * 6, "activation": _act, "output": "sigmoid"},
        init={"weights": "glorot", "seed": 0},
        train={"loss": "bce", "optimizer": "gd", "lr": 0.2, "steps": 400, "record": "every:4", "probe": 8},
    )

# ---------------------------------------------------------------- every seed exercise (issue 8)
# The exercises of the course that are not yet a preset above. `nnviz presets` groups them by seed;
# examples/ has a script per exercise and `nnviz gallery` renders each one.

# seed 000: the first network's learning rate study trains sample131 at several rates
# (nnviz.exercises.convergence_study); the 1-10-1 tanh fit is sin2x-tanh (examples/ exposes
# neurons, lr and epochs as options). Digits with scikit-learn's MLPClassifier defaults:
_DIGITS = {"name": "digits", "test_fraction": 0.2, "seed": 0}
_add(
    "digits-sklearn", "000 neural network for classification (digits)",
    "8x8 digits with scikit-learn's MLPClassifier defaults: 100 ReLUs, softmax, Adam lr 1e-3, "
    "batches of 200, alpha 1e-4, 50 epochs",
    data=_DIGITS,
    model={"hidden": [100], "activation": "relu", "output": "softmax"},
    init={"weights": "glorot", "gain": 6**0.5 / 2**0.5, "seed": 0},
    # sklearn adds alpha * W / batch to the mean gradient: l2 = 1e-4 / 200
    train={"loss": "cross_entropy", "optimizer": "adam", "lr": 1e-3, "batch_size": 200, "l2": 5e-7,
           "steps": 350, "record": "every:5", "probe": 16},
)

# seed 001, exercise 1: the perceptron learning rule, beta <- beta + eta * sum_{misclassified} x~_i t_i,
# is exactly gradient descent with step eta on the SUM of max(0, -y t) of a network without hidden
# layer and an identity output (y = x W + b, beta = (b, W)): the loss "perceptron_sum".
_add(
    "perceptron", "001 exercise 1 (perceptron learning rule)",
    "seed 001's perceptron rule on linearly separable points: 2-1 identity net, N(0, 1) start, "
    "eta 0.1 times the sum over the misclassified points, until none is left",
    data={"name": "linear", "n": 100, "margin": 0.1, "angle": 60, "seed": 0},
    model={"hidden": [], "output": "identity"},
    init={"weights": "normal", "sigma": 1.0, "bias": "normal", "bias_sigma": 1.0, "seed": 7},
    train={"loss": "perceptron_sum", "optimizer": "gd", "lr": 0.1, "steps": 12, "record": "all"},
)
# exercise 2: one linear neuron on XOR, gradient steps against L-BFGS (compare the final losses)
for _opt, _lr, _steps, _what in (("gd", 0.5, 200, "plain gradient descent"),
                                 ("lbfgs", 1.0, 100, "L-BFGS (quasi-Newton)")):
    _add(
        f"xor-identity-1-{_opt}", "001 exercise 2 (XOR)",
        f"XOR with one identity neuron, sigmoid output, cross-entropy, {_what}: "
        "the best a linear model can do is one class for all (loss log 2 = 0.693)",
        data={"name": "xor", "n": 200, "noise": 0.35, "seed": 0, "encoding": "01"},
        model={"hidden": [1], "activation": "identity", "output": "sigmoid"},
        init={"weights": "glorot", "seed": 8},
        train={"loss": "bce", "optimizer": _opt, "lr": _lr, "steps": _steps, "record": "all"},
    )
# exercise 3: deeper networks on the harder data set, trained with L-BFGS as in the seed (sklearn's
# alpha becomes l2 = alpha / n_train); 25 % held out as test set
_HARDER = {"name": "harder", "n": 600, "seed": 0, "encoding": "01", "test_fraction": 0.25}
for _act, _hidden, _alpha in (("relu", [50, 50], 0.005), ("tanh", [30, 30], 0.1), ("sigmoid", [10, 10], 1e-15)):
    _arch = "x".join(map(str, _hidden))
    _add(
        f"harder-{_act}-{_arch}", "001 exercise 3 (deeper networks, the harder data set)",
        f"2-{'-'.join(map(str, _hidden))}-1 {_act} net on the harder (checkerboard) data, L-BFGS, "
        f"alpha {_alpha:g} (as in the seed), 25 % test",
        data=_HARDER,
        model={"hidden": _hidden, "activation": _act, "output": "sigmoid"},
        init={"weights": "glorot", "seed": 100},
        train={"loss": "bce", "optimizer": "lbfgs", "lr": 1.0, "l2": _alpha / 450, "steps": 600,
               "record": "auto", "probe": 16},
    )
# exercise 3b: added features. A network without hidden layer (logistic regression) cannot separate a
# ring from a disc; with x1², x2² appended to the inputs the two classes are split by a plane.
for _feat, _what in ((None, "on x1, x2 only: a straight line, about half right"),
                     (["square"], "on x1, x2, x1², x2²: the circle becomes a straight cut")):
    _add(
        f"circles-{'squares' if _feat else 'linear'}", "001 exercise 3b (added features)",
        f"logistic regression (no hidden layer) on circles {_what}",
        data={"name": "circles", "n": 200, "noise": 0.08, "seed": 0, "encoding": "01",
              **({"features": _feat} if _feat else {})},
        model={"hidden": [], "output": "sigmoid"},
        init={"weights": "glorot", "seed": 0},
        train={"loss": "bce", "optimizer": "adam", "lr": 0.05, "steps": 300},
    )
for _feat in (None, ["sin", "square"]):
    _add(
        f"harder-tanh-8{'-features' if _feat else ''}", "001 exercise 3b (added features)",
        "a small 2-8-1 tanh net on the harder data set" + (", with sin x1, sin x2, x1², x2² appended"
                                                           if _feat else ", on x1, x2 only"),
        data={**_HARDER, **({"features": _feat} if _feat else {})},
        model={"hidden": [8], "activation": "tanh", "output": "sigmoid"},
        init={"weights": "glorot", "seed": 0},
        train={"loss": "bce", "optimizer": "adam", "lr": 0.03, "steps": 800, "probe": 16},
    )
# exercise 6: more than two classes (softmax and cross-entropy); blobs3 is the easy one
_add(
    "spiral3", "001 exercise 6 (multiclass)",
    "three spiral arms, 2-32-32-3 tanh net, softmax output, cross-entropy, Adam",
    data={"name": "spiral", "n": 300, "n_classes": 3, "noise": 0.15, "seed": 0},
    model={"hidden": [32, 32], "activation": "tanh", "output": "softmax"},
    init={"weights": "glorot", "seed": 0},
    train={"loss": "cross_entropy", "optimizer": "adam", "lr": 0.01, "steps": 800, "probe": 16},
)

# seed 002: the digits network of the lecture, 64-50-10, sigmoid, softmax, N(0, 1) weights, biases
# 0.01, minibatches of 100, 100 epochs. The seed sums the gradient over a batch and adds lambda W:
# with our mean gradients that is lr = eta * 100 and l2 = lambda / 100 (eta = lambda = 0.01).
# The notebook is seeded (np.random.seed(0)) but its train/test split is not shown in full, so its
# own run cannot be reproduced; accuracies are quoted as mean and range over init seeds 0-4
# (nnviz.exercises.seed_spread, examples/seed002_digits.py). "digits" divides the pixels by 16;
# "digits-raw" feeds the raw 0..16 values as the seed does, which saturates the sigmoids.
for _name, _scaled, _what in (("digits", True, "pixels / 16"), ("digits-raw", False, "raw 0..16 pixels as in the seed")):
    _add(
        _name, "002 the digits network (64-50-10)",
        f"seed 002's digits network on {_what}: 64-50-10 sigmoid, softmax, N(0, 1) weights, minibatch SGD "
        "(batch 100, eta 0.01, lambda 0.01), 100 epochs; test accuracy in the header",
        data={**_DIGITS, "scaled": _scaled},
        model={"hidden": [50], "activation": "sigmoid", "output": "softmax"},
        init={"weights": "randn", "bias": 0.01, "seed": 0},
        train={"loss": "cross_entropy", "optimizer": "sgd", "lr": 1.0, "l2": 1e-4, "batch_size": 100,
               "steps": 1400, "record": "every:20", "probe": 16},
    )
# seed 002's convolutional network (its TensorFlow class and Keras function): Conv2D 10 filters 3x3,
# stride 1, padding 1, ReLU, 2x2 max-pooling, flatten, 50 ReLUs, 10 softmax outputs, cross-entropy,
# SGD with L2 (lmbd * tf.nn.l2_loss(W) over the three weight matrices = (l2 / 2) sum ||W||^2), batches
# of 100, 100 epochs of 1437 // 100 = 14 batches, on the raw 0..16 pixels (digits.images). Weights
# tf.truncated_normal(stddev=0.1); biases tf.constant(0.1), except the conv bias, which the seed draws
# with weight_variable (truncated normal) too. The seed fixes eta and lambda only by its 7x7 grid
# (logspace(-5, 1, 7) each) and prints no result, so we take the class's default eta = 0.1 and
# lambda = 1e-4 from the grid; its TensorFlow seed cannot be reproduced in numpy.
_CNN = [{"kind": "conv2d", "filters": 10, "kernel": 3, "stride": 1, "padding": 1, "activation": "relu"},
        {"kind": "maxpool2d", "size": 2}, {"kind": "flatten"},
        {"kind": "dense", "units": 50, "activation": "relu"}, {"kind": "dense", "units": 10, "activation": "softmax"}]
_CNN_INIT = {"weights": "truncated_normal", "sigma": 0.1, "bias": ["weights", 0.1, 0.1], "seed": 0}
_add(
    "digits-cnn", "002 convolutional network (TensorFlow/Keras)",
    "seed 002's CNN on the raw 8x8 digits: conv 10 filters 3x3 (padding 1) ReLU, 2x2 max-pool, dense 50 ReLU, "
    "softmax; cross-entropy, SGD eta 0.1 with L2 lambda 1e-4, batch 100, 100 epochs (1400 steps)",
    data={**_DIGITS, "scaled": False},
    model={"layers": _CNN},
    init=_CNN_INIT,
    train={"loss": "cross_entropy", "optimizer": "sgd", "lr": 0.1, "l2": 1e-4, "batch_size": 100,
           "steps": 1400, "record": "every:10", "probe": 16},
)
_add(
    "digits-cnn-small", "002 convolutional network (TensorFlow/Keras)",
    "a faster digits-cnn: the seed's network and settings for 20 epochs (280 steps), recorded every 4 steps",
    data={**_DIGITS, "scaled": False},
    model={"layers": _CNN},
    init=_CNN_INIT,
    train={"loss": "cross_entropy", "optimizer": "sgd", "lr": 0.1, "l2": 1e-4, "batch_size": 100,
           "steps": 280, "record": "every:4", "probe": 16},
)
# the neural-network ODE solver: g' = -gamma g, g(0) = g0, trial solution g0 + x N(x, P), loss the
# summed squared residual at 10 points (nnviz.ode). With the seed's lr 0.001 the largest error is
# 0.011 after 10000 steps; lr 0.003 brings it to 0.0076 (0.005-0.008 over init seeds 0-4).
_add(
    "ode-decay", "002 solving an ODE with a neural network",
    "g' = -2g, g(0) = 10 on [0, 1]: trial solution 10 + x N(x), N a 1-10-1 sigmoid net, "
    "gradient descent (lr 0.003) on the squared residual at 10 points, 10000 steps",
    data={"name": "ode", "gamma": 2.0, "g0": 10.0, "n": 10},
    model={"hidden": [10], "activation": "sigmoid", "output": "identity"},
    init={"weights": "normal", "sigma": 1.0, "bias": "normal", "bias_sigma": 1.0, "seed": 0},
    train={"loss": "ode", "optimizer": "gd", "lr": 0.003, "steps": 10000, "record": "auto"},
)

# ---------------------------------------------------------------- the loss landscape (issue 18)
# Optimisers compared on one surface (`nnviz animate moons-gd moons-momentum moons-adam moons-lbfgs
# --view landscape`): the same data, network, initial weights and cost (cross-entropy with a small L2
# term, so that the minimum is finite and L-BFGS stops there), only the optimiser differs.
_MOONS_OPT = {"data": {"name": "moons", "n": 100, "noise": 0.1, "seed": 0, "encoding": "01"},
              "model": {"hidden": [8], "activation": "tanh", "output": "sigmoid"},
              "init": {"weights": "glorot", "seed": 3}}
for _opt, _settings, _what in (("gd", {"lr": 0.5}, "gradient descent lr 0.5"),
                               ("momentum", {"lr": 0.1, "momentum": 0.9}, "momentum 0.9, lr 0.1"),
                               ("adam", {"lr": 0.05}, "Adam lr 0.05"),
                               ("lbfgs", {"lr": 1.0}, "L-BFGS (stops when converged)")):
    _add(
        f"moons-{_opt}", "001/002 optimisers on one loss landscape",
        f"noisy moons, 2-8-1 tanh net, sigmoid output, cross-entropy + L2 1e-3, {_what}, 300 steps; "
        "the same data and initial weights as the other moons-* optimiser presets",
        **_MOONS_OPT,
        train={"loss": "bce", "l2": 1e-3, "optimizer": _opt, "steps": 300, "record": "all", **_settings},
    )
# seed 001, exercise 3: the harder data set's tanh network (harder-tanh-30x30, L-BFGS as in the seed)
# trained from the same initial weights by plain gradient descent, to put both on one surface:
# `nnviz animate harder-tanh-30x30-gd harder-tanh-30x30 --view landscape`
_add(
    "harder-tanh-30x30-gd", "001 exercise 3 (gradient descent against L-BFGS)",
    "harder-tanh-30x30 (2-30-30-1 tanh, alpha 0.1, 25 % test) with plain gradient descent (lr 2) instead "
    "of L-BFGS: the same data, initial weights and cost",
    data=_HARDER,
    model={"hidden": [30, 30], "activation": "tanh", "output": "sigmoid"},
    init={"weights": "glorot", "seed": 100},
    train={"loss": "bce", "optimizer": "gd", "lr": 2.0, "l2": 0.1 / 450, "steps": 600, "record": "auto", "probe": 16},
)
