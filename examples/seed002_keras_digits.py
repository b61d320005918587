"""Seed 002's Keras network on the digits, recorded by nnviz while Keras trains it; and the seed's
eta x lambda grid search through ``nnviz.sweep``.

The model is the seed's ``create_neural_network_keras`` as the seed writes it, with its two typos
fixed (``from keras.regularizers import l2``, not ``12``; ``SGD(learning_rate=eta)``, not ``lr=``):
64-100-50-10, sigmoid hidden layers with ``l2(lmbd)`` kernel regularizers, a softmax output without
one, categorical cross-entropy, plain SGD in minibatches of 100. The data are the seed's too: the
raw 8x8 pixels (0..16) and one-hot labels, 80 % for training (``train_test_split`` with
``random_state=0``; the seed leaves it unseeded).

Without ``--grid``, one (eta, lambda) point of the seed's grid is trained, for fewer epochs than
the seed's 100 so that the script stays quick (``--epochs 100`` for the seed's run).
``TraceCallback`` records every update; ``nnviz``'s weights view then draws each of the first
hidden layer's neurons as the 8x8 image of its 64 input weights, and what training changed.

With ``--grid``, ``train_one`` (one grid point: the seed's network trained by Keras into a trace)
is swept by ``nnviz.sweep`` over eta x lambda, one trace per run in ``OUTPUT_DIR/grid/``, the runs
in parallel (``--jobs``), with the index, the heat map of test accuracy and every run's loss curve
(``summary.png``); running it again resumes. By default a reduced grid, eta in {1e-3, 0.1, 10} by
lambda in {1e-5, 1e-3, 0.1} (every other value of the seed's ``np.logspace(-5, 1, 7)``), at 10
epochs (150 updates), 9 runs in about 20 s on two cores. It shows that only a
middle learning rate learns: from Keras's init seed 0 (one draw), eta = 1e-3 is still at chance
(9-10 % test accuracy) at every lambda after 150 updates, and so is eta = 10 (10-14 %); eta = 0.1
reaches 86 % at lambda = 1e-5 and 1e-3, and lambda = 0.1 holds it to 37 %. ``--full`` runs the
seed's 7 x 7 grid, and ``--epochs 100`` its epochs (49 runs of 1400 updates).

    KERAS_BACKEND=torch python examples/seed002_keras_digits.py [OUTPUT_DIR] [--epochs N]
    KERAS_BACKEND=torch python examples/seed002_keras_digits.py [OUTPUT_DIR] --grid [--full] [--epochs N]
"""

import argparse
import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")  # before Keras is imported: no TensorFlow needed

import numpy as np
from keras.layers import Dense
from keras.models import Sequential
from keras.optimizers import SGD
from keras.regularizers import l2
from keras.utils import set_random_seed, to_categorical
from sklearn import datasets
from sklearn.model_selection import train_test_split

import nnviz
from nnviz.integrations.keras import TraceCallback


# ---- the seed's code (typos fixed) -------------------------------------------------------------
def create_neural_network_keras(n_neurons_layer1, n_neurons_layer2, n_categories, eta, lmbd):
    model = Sequential()
    model.add(Dense(n_neurons_layer1, activation='sigmoid', kernel_regularizer=l2(lmbd)))
    model.add(Dense(n_neurons_layer2, activation='sigmoid', kernel_regularizer=l2(lmbd)))
    model.add(Dense(n_categories, activation='softmax'))
    sgd = SGD(learning_rate=eta)
    model.compile(loss='categorical_crossentropy', optimizer=sgd, metrics=['accuracy'])
    return model


digits = datasets.load_digits()
inputs = digits.images.reshape(len(digits.images), -1)  # 8x8 = 64 pixels, values 0..16
labels = to_categorical(digits.target)
X_train, X_test, Y_train, Y_test = train_test_split(inputs, labels, train_size=0.8, test_size=0.2,
                                                    random_state=0)
batch_size, n_neurons_layer1, n_neurons_layer2, n_categories = 100, 100, 50, 10
eta_vals = np.logspace(-5, 1, 7)
lmbd_vals = np.logspace(-5, 1, 7)
# ------------------------------------------------------------------------------------------------

#: The reduced grid of ``--grid``: every other value of the seed's.
REDUCED_ETAS, REDUCED_LAMBDAS = eta_vals[2::2], lmbd_vals[::2][:3]

if os.environ["KERAS_BACKEND"] == "torch":
    import torch

    torch.set_num_threads(1)  # a network this small trains fastest on one thread


def train_one(trace, seed, eta, lmbd, epochs=20, record="auto"):
    """One point of the seed's grid: its Keras network trained on the digits, recorded into ``trace``."""
    set_random_seed(seed)
    DNN = create_neural_network_keras(n_neurons_layer1, n_neurons_layer2, n_categories, eta=eta, lmbd=lmbd)
    callback = TraceCallback(trace, X_train, Y_train, record=record, X_test=X_test, y_test=Y_test,
                             image_shape=(8, 8), class_names=[str(d) for d in range(10)], probe=16)
    DNN.fit(X_train, Y_train, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[callback])
    return DNN


def grid_search(out: Path, epochs: int, full: bool, jobs):
    etas, lmbds = (eta_vals, lmbd_vals) if full else (REDUCED_ETAS, REDUCED_LAMBDAS)
    table = nnviz.sweep(train_one, grid={"eta": [float(e) for e in etas], "lmbd": [float(v) for v in lmbds]},
                        out=out / "grid", jobs=jobs, epochs=epochs, record="none", metric="test_accuracy",
                        display={"eta": {"label": "η"}, "lmbd": {"label": "λ"}})
    from nnviz.render.sweep_figures import summary_figure
    from nnviz.sweeps.summary import summary_lines

    for r in table:
        print(f"Learning rate = {r['eta']:g}, Lambda = {r['lmbd']:g}: " +
              (f"test accuracy {r['test_accuracy']:.3f}" if r["status"] == "complete" else r["status"]
               + (f" ({r['message']})" if r["message"] else "")))
    for line in summary_lines(table):
        print(line)
    summary_figure(table, out / "grid" / "summary.png")
    print("wrote", out / "grid", f"({len(table)} traces, sweep.json, summary.png); "
          f"nnviz animate {out / 'grid'} --view curves -o curves.gif")


def one_run(out: Path, epochs: int, eta: float, lmbd: float):
    from nnviz.render import animate

    trace_file = out / "keras_digits.h5"
    DNN = train_one(trace_file, 0, eta, lmbd, epochs=epochs)
    scores = DNN.evaluate(X_test, Y_test, verbose=0)
    with nnviz.load_trace(trace_file) as trace:
        print(f"Learning rate = {eta}, Lambda = {lmbd}, {epochs} epochs "
              f"({int(trace.all_steps[-1])} minibatch updates)")
        print(f"Test accuracy: {scores[1]:.3f} (Keras)   {trace.test_accuracy[-1]:.3f} (nnviz, from the trace)")
        print(f"training loss with the L2 term: {trace.loss[-1]:.4f} (nnviz, all {len(X_train)} training images)")
        animate(trace, out / "keras_digits.gif", views=["weights", "loss"], size=(960, 480), max_frames=60)
    print("wrote", out / "keras_digits.gif", "and", trace_file)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Seed 002's Keras digits network, recorded and animated; "
                                             "its grid search with --grid")
    ap.add_argument("out", nargs="?", default="out", help="output folder (default: out)")
    ap.add_argument("--epochs", type=int, default=None,
                    help="epochs (the seed trains 100; default 20, with --grid 10)")
    ap.add_argument("--eta", type=float, default=0.1, help="learning rate (default 0.1)")
    ap.add_argument("--lmbd", type=float, default=1e-4, help="L2 factor of the hidden layers (default 1e-4)")
    ap.add_argument("--grid", action="store_true", help="the seed's eta x lambda grid search through nnviz.sweep "
                                                        "(a reduced 3 x 3 grid unless --full)")
    ap.add_argument("--full", action="store_true", help="with --grid: the seed's whole 7 x 7 grid")
    ap.add_argument("--jobs", type=int, default=None, help="with --grid: parallel runs (default: every core)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.grid:
        grid_search(out, args.epochs or 10, args.full, args.jobs)
    else:
        one_run(out, args.epochs or 20, args.eta, args.lmbd)


if __name__ == "__main__":
    main()
