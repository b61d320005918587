"""Seed 002's Keras network on the digits, recorded by nnviz while Keras trains it, and animated.

The model is the seed's ``create_neural_network_keras`` as the seed writes it, with its two typos
fixed (``from keras.regularizers import l2``, not ``12``; ``SGD(learning_rate=eta)``, not ``lr=``):
64-100-50-10, sigmoid hidden layers with ``l2(lmbd)`` kernel regularizers, a softmax output without
one, categorical cross-entropy, plain SGD in minibatches of 100. The data are the seed's too: the
raw 8x8 pixels (0..16) and one-hot labels, 80 % for training (``train_test_split`` with
``random_state=0``; the seed leaves it unseeded). One (eta, lambda) point of the seed's grid is
trained, for fewer epochs than the seed's 100 so that the script stays quick (``--epochs 100``
for the seed's run). The seed's grid search through ``nnviz sweep`` is not here yet.

``TraceCallback`` records every update; ``nnviz``'s weights view then draws each of the first
hidden layer's neurons as the 8x8 image of its 64 input weights, and what training changed.

    KERAS_BACKEND=torch python examples/seed002_keras_digits.py [OUTPUT_DIR] [--epochs N]
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

from nnviz.integrations.keras import TraceCallback
from nnviz.render import animate

ap = argparse.ArgumentParser(description="Seed 002's Keras digits network, recorded and animated")
ap.add_argument("out", nargs="?", default="out", help="output folder (default: out)")
ap.add_argument("--epochs", type=int, default=20, help="epochs (the seed trains 100; default 20)")
ap.add_argument("--eta", type=float, default=0.1, help="learning rate (default 0.1)")
ap.add_argument("--lmbd", type=float, default=1e-4, help="L2 factor of the hidden layers (default 1e-4)")
args = ap.parse_args()
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)


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
# ------------------------------------------------------------------------------------------------

if os.environ["KERAS_BACKEND"] == "torch":
    import torch

    torch.set_num_threads(1)  # a network this small trains fastest on one thread
set_random_seed(0)
DNN = create_neural_network_keras(n_neurons_layer1, n_neurons_layer2, n_categories, eta=args.eta, lmbd=args.lmbd)
trace_file = out / "keras_digits.h5"
record = TraceCallback(trace_file, X_train, Y_train, record="auto", X_test=X_test, y_test=Y_test,
                       image_shape=(8, 8), class_names=[str(d) for d in range(10)], probe=16)
DNN.fit(X_train, Y_train, epochs=args.epochs, batch_size=batch_size, verbose=0, callbacks=[record])
scores = DNN.evaluate(X_test, Y_test, verbose=0)

trace = record.trace
print(f"Learning rate = {args.eta}, Lambda = {args.lmbd}, {args.epochs} epochs "
      f"({int(trace.all_steps[-1])} minibatch updates)")
print(f"Test accuracy: {scores[1]:.3f} (Keras)   {trace.test_accuracy[-1]:.3f} (nnviz, from the trace)")
print(f"training loss with the L2 term: {trace.loss[-1]:.4f} (nnviz, all {len(X_train)} training images)")
animate(trace, out / "keras_digits.gif", views=["weights", "loss"], size=(960, 480), max_frames=60)
print("wrote", out / "keras_digits.gif", "and", trace_file)
